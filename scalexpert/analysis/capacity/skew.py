"""Uneven load that averages hide: the hottest shard of a sharded store, the store behind a cold cache,
and the misses that pile up on one hot key while it is rebuilt.

Each figure exists only when every number it rests on is stated or computed; otherwise it is None, so
that no rule fires on a number the file does not support.
"""

from __future__ import annotations

from typing import Any

from .context import _caches_between
from .load import Load
from .notation import num, ratio
from .queueing import utilization


def skew_figures(an: Any, name: str, values: dict[str, Any], notes: dict[str, str]) -> None:
    """Add hot_shard_utilization (databases), cold_store_utilization and hot_key_concurrent_misses (caches)."""
    comp = an.ctx.comp(name)
    if comp.kind == "database":
        _hot_shard(comp, values, notes)
    if comp.kind == "cache" and comp.cache is not None:
        _cold_store(an, name, values, notes)
        _hot_key_misses(an, name, values, notes)


def _hot_shard(comp: Any, values: dict[str, Any], notes: dict[str, str]) -> None:
    sharding = comp.data.sharding if comp.data else None
    shards, rho = values.get("shards"), values.get("utilization")
    share = sharding.top_key_share if sharding else None
    if share is None or rho is None or not shards or shards < 2:
        return
    factor = shards * share + (1.0 - share)
    values["hot_shard_utilization"] = rho * factor
    notes["hot_shard_utilization"] = (
        f"ρ per shard {ratio(rho)} × ({shards} shards × {num(share)} top key share + 1 − {num(share)}) "
        f"= {ratio(rho * factor)}"
    )


def _cold_store(an: Any, cache: str, values: dict[str, Any], notes: dict[str, str]) -> None:
    """ρ of the busiest store the cache fronts when the cache is empty or lost: its reads come back."""
    ctx = an.ctx
    hit = ctx.comp(cache).cache.hit_ratio
    if hit is None or hit >= 1 or not an.traffic_known:
        return
    carried = an.model.contributions()
    worst: tuple[float, str] | None = None
    for store in ctx.comp(cache).cache.fronts or []:
        load = an.load(store) if store in ctx.arch.components else None  # (names are its keys: no list scan)
        if load is None:
            continue
        absorbed = 0.0
        for edge in an.model.incoming[store]:
            part = carried.get((edge.source, store))
            if part is not None and cache in _caches_between(ctx, edge.source, store):
                absorbed += part.read * hit / (1.0 - hit)
        cold = utilization(ctx, store, an.caps[store], Load(load.read + absorbed, load.write, load.mixed, load.known))
        if cold.value is not None and (worst is None or cold.value > worst[0]):
            worst = (cold.value, f"{store}: reads {num(load.read)} + {num(absorbed)} the cache absorbs "
                                 f"(× {num(hit)} / (1 − {num(hit)})) → ρ {ratio(cold.value)}")
    if worst is not None:
        values["cold_store_utilization"] = worst[0]
        notes["cold_store_utilization"] = f"with {cache} cold, {worst[1]}"


def _hot_key_misses(an: Any, cache: str, values: dict[str, Any], notes: dict[str, str]) -> None:
    """Reads of the hottest key that arrive while one miss rebuilds it: key rate × rebuild time."""
    ctx = an.ctx
    spec = ctx.comp(cache).cache
    share = spec.hot_key_share
    load = an.load(cache)
    rebuild = _rebuild_ms(ctx, spec.fronts or [])
    if share is None or load is None or rebuild is None:
        return
    reads = load.read if load.mixed == 0 else load.total
    misses = reads * share * rebuild[0] / 1000.0
    values["hot_key_concurrent_misses"] = misses
    notes["hot_key_concurrent_misses"] = (
        f"{num(reads)} reads/s × {num(share)} on the hottest key × {num(rebuild[0])} ms to rebuild it "
        f"({rebuild[1]}) = {num(misses)}"
    )


def _rebuild_ms(ctx: Any, stores: list[str]) -> tuple[float, str] | None:
    """The longest stated service time among the stores a cache fronts (what one miss waits for)."""
    found = [(ctx.comp(s).service_time_ms, s) for s in stores if s in ctx.arch.components and ctx.comp(s).service_time_ms]
    if not found:
        return None
    ms, store = max(found)
    return ms, f"service_time_ms of {store}"
