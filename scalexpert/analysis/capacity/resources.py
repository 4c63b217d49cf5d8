"""Queues (D13, F26) and database connection pools (D14): figures that do not depend on ρ."""

from __future__ import annotations

from typing import Any

from .context import Context, ceil_count
from .load import Load
from .notation import num, ratio


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
    most = drain.drain_max_rps
    if most:
        values["queue_utilization_at_max"] = arrival / most
        notes["queue_utilization_at_max"] = (f"ρ_q({name}) at the most consumers = {num(arrival)} / "
                                             f"{num(most)} = {ratio(arrival / most)}")
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


NON_SQL_PROTOCOLS = frozenset({"http", "http2", "grpc", "websocket", "redis", "memcached", "amqp", "kafka", "mqtt", "dns"})
"""Protocols that do not hold a connection from a caller's SQL pool."""

NON_SQL_ENGINES = ("dynamodb", "redis", "valkey", "memcache", "cassandra", "scylla", "mongo", "elastic", "opensearch",
                   "bigtable", "cosmos", "firestore", "datastore", "couch", "riak", "hbase", "influx", "timestream",
                   "neptune", "neo4j", "keyspaces")
"""Engines (matched in data.engine, else technology) reached over their own APIs, not SQL connection pools."""


def is_non_sql(ctx: Context, name: str) -> bool:
    """The store's engine is a known non-relational one (its callers' SQL pools do not reach it)."""
    comp = ctx.comp(name)
    engine = ((comp.data.engine if comp.data else None) or comp.technology or "").lower()
    return any(key in engine for key in NON_SQL_ENGINES)


def connection_figures(ctx: Context, name: str, values: dict[str, Any], notes: dict[str, str]) -> None:
    """Connection demand of a database's SQL callers against its max_connections (D14).

    Callers reaching it over a non-SQL protocol, and stores with a non-relational engine, are left
    out. A pooler (data.pooler) opens at most its own server pool to the database
    (pooler_server_connections), so the database sees min(Σ client pools, that pool).
    """
    comp = ctx.comp(name)
    if comp.kind != "database" or is_non_sql(ctx, name):
        return
    callers = sorted({d.source for d in ctx.incoming.get(name, []) if d.source in ctx.arch.components
                      and d.protocol not in NON_SQL_PROTOCOLS})
    terms, complete, demand, known = [], True, 0, 0
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
        known += 1
        demand += per * most
        terms.append(f"{caller} {num(most)} × {num(per)}")
    pooled = bool(comp.data and comp.data.pooler)
    if known:
        values.update(client_connection_demand=demand, connection_demand=demand, connection_demand_complete=complete)
        notes["connection_demand"] = f"conn({name}) = {' + '.join(terms)} = {num(demand)}"
    if pooled and callers:
        pool = ctx.defaults.pooler_server_connections
        ctx.log.add(name, "pooler_server_connections", pool, "pooler_server_connections",
                    "data.pooler: the pooler opens at most this many connections to the database")
        seen = pool if not known or not complete else min(demand, pool)
        clients = f"clients {num(demand)}{'' if complete else ' or more'}" if known else "clients unknown"
        values.update(connection_demand=seen, connection_demand_complete=True)
        notes["connection_demand"] = (f"conn({name}) = min({clients}, pooler's {num(pool)} server connections) = {num(seen)}"
                                      + (f"; {notes['connection_demand']}" if known else ""))
    limit, source = _max_connections(ctx, name)
    values.update(max_connections=limit, max_connections_source=source)
    seen_demand = values.get("connection_demand")
    if limit and seen_demand is not None:
        values["connection_ratio"] = seen_demand / limit
        notes["connection_ratio"] = f"{num(seen_demand)} / {num(limit)} max_connections ({source}) = {ratio(seen_demand / limit)}"
    _optimum(ctx, name, seen_demand, values, notes)


def _optimum(ctx: Context, name: str, demand: int | None, values: dict[str, Any], notes: dict[str, str]) -> None:
    """HikariCP: connections = 2 × cores + effective spindles, for the database server (F15)."""
    data = ctx.comp(name).data
    cores = data.cores if data else None
    if not cores:
        return
    spindles = ctx.defaults.effective_spindle_count
    ctx.log.add(name, "effective_spindle_count", spindles, "effective_spindle_count", "pool-size formula of the server")
    optimum = 2 * cores + spindles
    values["connection_optimum"] = optimum
    notes["connection_optimum"] = f"2 × {cores} cores + {spindles} spindle(s) = {optimum}"
    if demand is not None:
        values["connection_optimum_ratio"] = demand / optimum
        notes["connection_optimum_ratio"] = f"{num(demand)} / {num(optimum)} = {ratio(demand / optimum)}"


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
