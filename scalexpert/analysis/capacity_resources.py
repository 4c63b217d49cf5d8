"""Queues (D13, F26) and database connection pools (D14): figures that do not depend on ρ."""

from __future__ import annotations

from typing import Any

from .capacity_context import Context, ceil_count
from .capacity_load import Load
from .capacity_text import num, ratio


def queue_figures(ctx: Context, name: str, load: Load | None, average: Load | None,
                  values: dict[str, Any], notes: dict[str, str]) -> None:
    """Drain, queue utilization, backlog, drain time and consumers needed of a queue or stream."""
    drain = ctx.drains[name]
    values.update(consumers=drain.consumers, consumers_effective=drain.effective, consumer_rate=drain.consumer_rate,
                  drain_rps=drain.drain_rps)
    if drain.drain_rps is not None:
        partitions = f", {drain.partitions} partitions" if drain.partitions is not None else ""
        notes["drain_rps"] = (f"min({num(drain.consumers)} consumers{partitions}) = {num(drain.effective)} × "
                              f"{num(drain.consumer_rate)} msg/s ({drain.rate_note}) = {num(drain.drain_rps)}")
    if load is None:
        return
    arrival = load.total
    values["arrival_rps"] = arrival
    target = ctx.defaults.safe_utilization
    if drain.consumer_rate:
        consumers = ceil_count(arrival / (drain.consumer_rate * target))
        if consumers is not None:
            values["consumers_needed"] = max(1, consumers)
            notes["consumers_needed"] = f"⌈{num(arrival)} / ({num(drain.consumer_rate)} × {num(target)})⌉ = {max(1, consumers)}"
    rate = drain.drain_rps
    if rate is None or rate <= 0:
        return
    values["queue_utilization"] = arrival / rate
    notes["queue_utilization"] = f"ρ_q({name}) = {num(arrival)} / {num(rate)} = {ratio(arrival / rate)}"
    values["backlog_growth_per_s"] = max(0.0, arrival - rate)
    notes["backlog_growth_per_s"] = f"max(0, {num(arrival)} − {num(rate)}) = {num(max(0.0, arrival - rate))} msg/s"
    tolerance = ctx.comp(name).messaging.consumer_lag_tolerance_h if ctx.comp(name).messaging else None  # type: ignore[union-attr]
    outage = tolerance * 3600.0 if tolerance is not None else ctx.defaults.consumer_outage_s
    if tolerance is None:
        ctx.log.add(name, "consumer_outage_s", outage, "consumer_outage_s", "drain-time scenario: consumers down this long")
    steady = average.total if average is not None else arrival
    backlog = steady * outage
    values["backlog_messages"] = backlog
    if rate > steady:
        values["drain_time_s"] = backlog / (rate - steady)
        notes["drain_time_s"] = (f"backlog {num(steady)} msg/s × {num(outage)} s = {num(backlog)}; "
                                 f"{num(backlog)} / ({num(rate)} − {num(steady)}) = {num(backlog / (rate - steady))} s")


def connection_figures(ctx: Context, name: str, values: dict[str, Any], notes: dict[str, str]) -> None:
    """Connection demand of a database's callers against its max_connections (D14)."""
    comp = ctx.comp(name)
    if comp.kind != "database":
        return
    callers = sorted({d.source for d in ctx.arch.dependencies if d.target == name and d.source in ctx.arch.components})
    terms, complete, demand = [], True, 0
    for caller in callers:
        other = ctx.comp(caller)
        if other.kind == "function":
            fn = other.function
            per = (fn.connections_per_instance if fn else None) or other.pool_size
            most = (fn.reserved_concurrency if fn and fn.reserved_concurrency else None) or (
                fn.account_concurrency if fn and fn.account_concurrency else ctx.defaults.function_account_concurrency)
        else:
            per, most = other.pool_size, ctx.replicas_max(caller)
        if per is None:
            complete = False
            terms.append(f"{caller} pool size not stated")
            continue
        demand += per * most
        terms.append(f"{caller} {num(most)} × {num(per)}")
    if callers and len(terms) > sum(1 for t in terms if "not stated" in t):
        values.update(connection_demand=demand, connection_demand_complete=complete)
        notes["connection_demand"] = f"conn({name}) = {' + '.join(terms)} = {num(demand)}"
    limit, source = _max_connections(ctx, name)
    values.update(max_connections=limit, max_connections_source=source)
    if limit and values.get("connection_demand") is not None:
        values["connection_ratio"] = demand / limit
        notes["connection_ratio"] = f"{num(demand)} / {num(limit)} max_connections ({source}) = {ratio(demand / limit)}"


def _max_connections(ctx: Context, name: str) -> tuple[int | None, str | None]:
    comp = ctx.comp(name)
    if comp.data and comp.data.max_connections is not None:
        return comp.data.max_connections, "stated"
    engine = ((comp.data.engine if comp.data else None) or comp.technology or "").lower()
    for key in sorted(ctx.defaults.max_connections, key=lambda k: (-len(k), k)):
        if key in engine:
            limit = ctx.defaults.max_connections[key]
            ctx.log.add(name, "data.max_connections", limit, "max_connections", f"{key} default")
            return limit, "assumed"
    return None, None
