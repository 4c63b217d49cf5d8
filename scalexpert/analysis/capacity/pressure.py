"""Figures that need the whole set of component records: zone loss, NIC bandwidth, pool waits, rate limits.

* **Zone loss** (F22): ``ρ_loss = λ / ((n − ⌈n / Z⌉) × capacity_rps)`` at the most replicas allowed
  n, Z zones (losing one replica when zones are not stated); None for a single replica.
* **NIC** (NET-01): ``Gbit/s per replica = (Σ served calls × payload + Σ calls made × payload) × 8 /
  10⁹ / replicas``; a served call without its own ``payload_bytes`` takes the system's
  ``traffic.payload_bytes`` (assumed); calls made count only with a stated payload.
* **Pool waits** (F16, Little's law): connections one replica keeps busy =
  ``Σ_db (calls/s to db / replicas) × response_time(db)``, against its ``pool_size``.
* **Rate limits** (GW-02): for a component with ``balancer.rate_limit_rps``, the traffic through it
  at which the first component it feeds synchronously (itself included) reaches the safe
  utilization, and ρ = 1: ``multiple(v) × λ(limiter)``, all entry traffic growing together. Work
  behind a queue is left out: the queue, not the limit, protects it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ...model import Dependency
from .component import Analysis
from .context import Context
from .records import ComponentCapacity, tidy
from .resources import NON_SQL_PROTOCOLS, is_non_sql
from .notation import mult, num, ratio
from .load import Load
from ..graph import is_sync


@dataclass
class Flows:
    """What each load edge carried at today's peak, indexed by component, and the dependencies by pair."""

    carried: dict[tuple[str, str], Load]
    touching: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    deps: dict[tuple[str, str], Dependency] = field(default_factory=dict)
    sync_graph: nx.DiGraph = field(default_factory=nx.DiGraph)

    @classmethod
    def of(cls, an: Analysis) -> Flows:
        """Index the peak run of the load model once."""
        flows = cls(an.model.contributions())
        for pair in sorted(flows.carried):
            for name in set(pair):
                flows.touching.setdefault(name, []).append(pair)
        for dep in an.ctx.arch.dependencies:
            flows.deps.setdefault((dep.source, dep.target), dep)
        flows.sync_graph.add_nodes_from(an.ctx.names)
        flows.sync_graph.add_edges_from(
            (d.source, d.target) for d in an.ctx.arch.dependencies
            if is_sync(d) and not an.ctx.is_skipped(d) and d.source in an.ctx.arch.components
            and d.target in an.ctx.arch.components and d.source != d.target)
        return flows


def with_figures(record: ComponentCapacity, values: dict[str, Any], notes: dict[str, str]) -> ComponentCapacity:
    """The record with extra values (floats tidied) and their derivations."""
    if not values:
        return record
    update = {k: tidy(v) for k, v in values.items()}
    update["derivations"] = {**record.derivations, **notes}
    return record.model_copy(update=update)


def loss_utilization(ctx: Context, name: str, record: ComponentCapacity, *, at_max: bool = False) -> tuple[float | None, str]:
    """ρ after losing the fullest zone (or one replica) at the replicas running at peak today (static
    stability: what runs before the failure must carry it); ``at_max``: once the autoscaler has added
    replicas up to its maximum (its catch-up, which takes time the failure does not give)."""
    n = record.max_replicas if at_max else record.replicas
    per, load = record.capacity_per_replica_rps, record.offered_rps
    if record.kind == "database" or n is None or per is None or load is None or n < 2:
        return None, ""
    zones = ctx.comp(name).zone_count or 1
    lost = -(-n // zones) if zones >= 2 else 1
    left = n - lost
    if left <= 0:
        return None, ""
    rho = load / (left * per)
    where = f"the fullest of {zones} zones ({lost} replica{'s' if lost > 1 else ''})" if zones >= 2 else "one replica"
    return rho, f"losing {where}: {num(load)} / (({n} − {lost}) × {num(per)}) = {ratio(rho)}"


def nic_figures(an: Analysis, flows: Flows, name: str, record: ComponentCapacity) -> tuple[dict[str, Any], dict[str, str]]:
    """Gbit/s one replica moves at peak, and its share of nic_gbps."""
    ctx = an.ctx
    nic = ctx.comp(name).nic_gbps
    if nic is None or record.offered_rps is None:
        return {}, {}
    system_payload = ctx.arch.system.traffic.payload_bytes if ctx.arch.system.traffic else None
    parts: list[str] = []
    total = 0.0
    for entry in ctx.entries:
        if entry.name == name and entry.peak:
            if system_payload is None:
                return {}, {}
            total += entry.peak * system_payload
            parts.append(f"{num(entry.peak)} entering × {num(system_payload)} B")
    for source, target in flows.touching.get(name, []):
        load = flows.carried[(source, target)]
        if load.total <= 0:
            continue
        dep = flows.deps.get((source, target))
        payload = dep.payload_bytes if dep is not None else None
        if payload is None and target == name:
            if system_payload is None:
                return {}, {}
            payload = system_payload
            ctx.log.add(f"{source} → {target}", "payload_bytes", system_payload,
                        reason="not stated: the system's traffic.payload_bytes is taken for these calls")
        if payload is None:
            continue
        total += load.total * payload
        parts.append(f"{num(load.total)} {'from ' + source if target == name else 'to ' + target} × {num(payload)} B")
    replicas = ctx.replicas_now(name)
    if replicas <= 0:
        return {}, {}
    gbps = total * 8 / 1e9 / replicas
    text = f"({' + '.join(parts) or '0'}) × 8 / 10⁹ / {replicas} replicas = {num(gbps)} Gbit/s"
    return ({"network_gbps_per_replica": gbps, "nic_utilization": gbps / nic},
            {"network_gbps_per_replica": text, "nic_utilization": f"{num(gbps)} / {num(nic)} Gbit/s = {ratio(gbps / nic)}"})


def pool_figures(an: Analysis, flows: Flows, name: str,
                 records: dict[str, ComponentCapacity]) -> tuple[dict[str, Any], dict[str, str]]:
    """Connections one replica of a caller keeps busy at peak (Little's law), against its pool_size."""
    ctx = an.ctx
    comp = ctx.comp(name)
    if comp.pool_size is None or comp.pool_size <= 0 or comp.kind == "function" or records[name].offered_rps is None:
        return {}, {}
    replicas = ctx.replicas_now(name)
    if replicas <= 0:
        return {}, {}
    busy, parts = 0.0, []
    for source, target in flows.touching.get(name, []):
        load = flows.carried[(source, target)]
        if source != name or ctx.comp(target).kind != "database":
            continue
        dep = flows.deps.get((source, target))
        if dep is None or dep.mode == "async" or dep.protocol in NON_SQL_PROTOCOLS or is_non_sql(ctx, target):
            continue
        hold = records[target].response_time_ms
        if hold is None:
            return {}, {}
        busy += load.total / replicas * hold / 1000.0
        parts.append(f"{num(load.total)}/s to {target} / {replicas} replicas × {num(hold)} ms")
    if not parts:
        return {}, {}
    share = busy / comp.pool_size
    return ({"pool_busy_connections": busy, "pool_utilization": share},
            {"pool_busy_connections": f"{' + '.join(parts)} = {num(busy)} connections",
             "pool_utilization": f"{num(busy)} / pool_size {comp.pool_size} = {ratio(share)}"})


def downstream_figures(an: Analysis, flows: Flows, name: str,
                       records: dict[str, ComponentCapacity]) -> tuple[dict[str, Any], dict[str, str]]:
    """For a rate limiter: the traffic through it at which what it feeds reaches ρ_target and ρ = 1."""
    ctx = an.ctx
    balancer = ctx.comp(name).balancer
    through = records[name].offered_rps
    if balancer is None or balancer.rate_limit_rps is None or not through:
        return {}, {}
    fed = set(nx.descendants(flows.sync_graph, name))
    if an.caps[name].model != "limit":
        fed.add(name)
    target = ctx.defaults.safe_utilization
    safe: list[tuple[float, str]] = []
    full: list[tuple[float, str]] = []
    for other in sorted(fed):
        at_target = an.multiple_at(other, target)
        if at_target is not None:
            safe.append((at_target, other))
        at_one = records[other].saturation_multiple
        if at_one is not None:
            full.append((at_one, other))
    if not safe:
        return {}, {}
    multiple, bottleneck = min(safe)
    notes: dict[str, str] = {}
    values: dict[str, Any] = {"downstream_bottleneck": bottleneck, "downstream_safe_rps": multiple * through,
                              "downstream_safe_rejects": max(0.0, 1.0 - multiple)}
    notes["downstream_safe_rejects"] = (f"a limit at {num(multiple * through)} rps admits {mult(min(multiple, 1.0))} of today's "
                                        f"{num(through)} rps: rejects {max(0.0, 1.0 - multiple):.0%}")
    notes.update({"downstream_safe_rps": (f"{bottleneck} reaches ρ {num(target)} at {mult(multiple)} × today's peak: "
                                     f"{mult(multiple)} × {num(through)} rps through {name} = {num(multiple * through)} rps")})
    if full:
        at_one, first = min(full)
        values["downstream_saturation_rps"] = at_one * through
        notes["downstream_saturation_rps"] = (f"{first} reaches ρ 1 at {mult(at_one)} × today's peak: "
                                              f"{mult(at_one)} × {num(through)} rps = {num(at_one * through)} rps")
    return values, notes


def add_pressure(an: Analysis, records: dict[str, ComponentCapacity]) -> dict[str, ComponentCapacity]:
    """Every record with its zone-loss, NIC, pool-wait and rate-limit figures."""
    flows = Flows.of(an)
    result = {}
    for name, record in records.items():
        values: dict[str, Any] = {}
        notes: dict[str, str] = {}
        rho, text = loss_utilization(an.ctx, name, record)
        if rho is not None:
            values["utilization_after_loss"], notes["utilization_after_loss"] = rho, f"{record.replicas} running: {text}"
            zones = an.ctx.comp(name).zone_count or 1
            values["loss_scenario"] = "a zone" if zones >= 2 else "one replica (zones not stated)"
            caught, caught_text = loss_utilization(an.ctx, name, record, at_max=True)
            if caught is not None and record.max_replicas != record.replicas:
                values["utilization_after_loss_at_max"] = caught
                notes["utilization_after_loss_at_max"] = f"after the autoscaler adds up to {record.max_replicas}: {caught_text}"
                values["loss_catch_up"] = (f"once the autoscaler has added replicas (up to {record.max_replicas}) it "
                                           f"returns to {caught:.2f}, minutes later")
            else:
                values["loss_catch_up"] = "no autoscaler adds replicas to catch up"
        for more, more_notes in (nic_figures(an, flows, name, record), pool_figures(an, flows, name, records),
                                 downstream_figures(an, flows, name, records)):
            values.update(more)
            notes.update(more_notes)
        result[name] = with_figures(record, values, notes)
    return result
