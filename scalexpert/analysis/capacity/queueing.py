"""Capacity, utilization, queueing and replica sizing of one component (D07, F02–F04, F22, F23).

Capacity is only what the file states (``capacity_rps`` per replica, ``data.write_capacity_rps``,
``balancer.rate_limit_rps``) or a limit a provider publishes (function concurrency, Kinesis and
DynamoDB partitions). Utilization ``ρ = λ / (replicas × capacity_rps)``; a database's reads spread
over the primary and its read replicas while writes (and load of unknown split) stay on the primary,
so its ρ is the primary's. A sharded store (``data.sharding.shards`` S, strategy not ``none``)
spreads both over its S shards, each a primary with its read replicas: capacity and write capacity
are per node × S. The queueing factor R/S is M/M/1's ``1/(1−ρ)`` for one server and
Erlang C's ``1 + P_wait / (c(1−ρ))`` for c replicas (or c concurrent function instances).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .context import Context, ceil_count
from .load import Load
from .notation import num, ratio
from .tails import usl_peak, usl_throughput


@dataclass(frozen=True)
class Capacity:
    """How a component's capacity is modelled (independent of load)."""

    model: str  # replicas | database | function | limit | none
    source: str = "unknown"
    per_replica: float | None = None
    replicas: int | None = None
    max_replicas: int | None = None
    write_capacity: float | None = None
    servers: int = 1
    shards: int = 1
    shared_primary: bool = True
    concurrency_limit: int | None = None
    concurrency_source: str | None = None
    duration_s: float | None = None
    note: str = ""
    sigma: float = 0.0
    """Universal Scalability Law contention σ (0: none)."""
    kappa: float = 0.0
    """Universal Scalability Law coherency κ (0: none)."""

    def at(self, replicas: float) -> float | None:
        """Throughput of ``replicas`` replicas: per replica × N / (1 + σ(N − 1) + κN(N − 1))."""
        if self.per_replica is None:
            return None
        if self.model != "replicas" or (self.sigma == 0.0 and self.kappa == 0.0):
            return self.per_replica * replicas
        return self.per_replica * usl_throughput(replicas, self.sigma, self.kappa)

    @property
    def peak_replicas(self) -> float | None:
        """N* = √((1 − σ) / κ): beyond it, adding replicas lowers throughput (None without coherency cost)."""
        return usl_peak(self.sigma, self.kappa) if self.model == "replicas" else None

    @property
    def total(self) -> float | None:
        """Capacity today."""
        if self.model == "function" or self.model == "limit":
            return self.per_replica
        if self.per_replica is None or self.replicas is None:
            return None
        return self.at(self.replicas) if self.model == "replicas" else self.per_replica * self.replicas

    @property
    def total_max(self) -> float | None:
        """Capacity with the most replicas allowed (past N*, the best the allowed replicas give)."""
        if self.model in ("replicas",) and self.per_replica is not None and self.max_replicas is not None:
            best = self.at(self.max_replicas) or 0.0
            peak = self.peak_replicas
            if peak is not None and peak < self.max_replicas:
                for n in (math.floor(peak), math.ceil(peak)):
                    if 1 <= n <= self.max_replicas:
                        best = max(best, self.at(n) or 0.0)
            return best
        return self.total


def capacity_of(ctx: Context, name: str) -> Capacity:
    """Decide how the capacity of ``name`` is known."""
    comp = ctx.comp(name)
    engine = ((comp.data.engine if comp.data else None) or comp.technology or "").lower()
    if comp.kind == "function" and comp.capacity_rps is None:
        return _function(ctx, name)
    if comp.kind == "database":
        return _database(ctx, name, engine)
    if comp.capacity_rps is not None:
        now, most = ctx.replicas_now(name), ctx.replicas_max(name)
        sigma, kappa, how = _scaling(ctx, name, now, most)
        cap = Capacity("replicas", "stated", comp.capacity_rps, now, most, servers=now, sigma=sigma, kappa=kappa)
        note = f"{num(now)} × {num(comp.capacity_rps)} rps"
        if how:
            note = f"{num(comp.capacity_rps)} rps × {num(now)} / (1 + {sigma:.3g} × ({now} − 1) + {kappa:.3g} × {now} × ({now} − 1)) ({how})"
        return replace(cap, note=note)
    if comp.balancer is not None and comp.balancer.rate_limit_rps is not None:
        limit = comp.balancer.rate_limit_rps
        return Capacity("limit", "stated", limit, note=f"rate limit {num(limit)} rps")
    partitions = comp.messaging.partitions if comp.messaging else None
    if comp.kind == "stream" and "kinesis" in engine and partitions:
        per_shard = ctx.defaults.kinesis_shard_records_per_s
        ctx.log.add(name, "capacity_rps", partitions * per_shard, "kinesis_shard_records_per_s",
                    f"{partitions} shards × {num(per_shard)} records/s written per shard")
        return Capacity("limit", "assumed", partitions * per_shard, note=f"{partitions} shards × {num(per_shard)} records/s")
    return Capacity("none")


def _scaling(ctx: Context, name: str, now: int, most: int) -> tuple[float, float, str]:
    """(σ, κ, where they come from): the USL coefficients stated, a measured scaling efficiency at
    today's replicas (σ = (1/e − 1) / (N − 1), κ = 0), or linear scaling (assumed, when replicas > 1)."""
    comp = ctx.comp(name)
    if comp.contention is not None or comp.coherency is not None:
        return comp.contention or 0.0, comp.coherency or 0.0, "USL σ and κ stated"
    efficiency = comp.scaling_efficiency
    if efficiency is not None and now > 1 and efficiency < 1.0:
        return (1.0 / efficiency - 1.0) / (now - 1), 0.0, f"scaling efficiency {efficiency:.3g} measured at {now} replicas"
    if most > 1 and efficiency is None:
        ctx.log.add(name, "scaling", "linear", reason=(
            "no contention, coherency or scaling_efficiency stated: N replicas are taken to serve N × capacity_rps"))
    return 0.0, 0.0, ""


def _function(ctx: Context, name: str) -> Capacity:
    comp = ctx.comp(name)
    fn = comp.function
    duration = (fn.duration_ms if fn else None) or comp.service_time_ms
    limit = fn.reserved_concurrency if fn and fn.reserved_concurrency else (fn.account_concurrency if fn else None)
    source = "stated"
    if limit is None:
        limit, source = ctx.defaults.function_account_concurrency, "assumed"
        ctx.log.add(name, "function.account_concurrency", limit, "function_account_concurrency", "not stated")
    if duration is None:
        return Capacity("none", concurrency_limit=limit, concurrency_source=source)
    seconds = duration / 1000.0
    return Capacity("function", source, limit / seconds, servers=limit, concurrency_limit=limit,
                    concurrency_source=source, duration_s=seconds,
                    note=f"{num(limit)} concurrent / {num(seconds)} s")


def _database(ctx: Context, name: str, engine: str) -> Capacity:
    comp = ctx.comp(name)
    data = comp.data
    read_replicas = (data.replication.read_replicas if data and data.replication else None) or 0
    write_capacity = data.write_capacity_rps if data else None
    shards = data.sharding.shards if data and data.sharding else None
    spread = shard_count(ctx, name)
    nodes = spread * (1 + read_replicas)
    shape = f"{spread} shards × {1 + read_replicas} node{'s' if read_replicas else ''}" if spread > 1 else f"{num(nodes)}"
    total_writes = None if write_capacity is None else write_capacity * spread
    if comp.capacity_rps is not None:
        return Capacity("database", "stated", comp.capacity_rps, nodes, nodes, total_writes, shards=spread,
                        note=f"{shape} × {num(comp.capacity_rps)} rps")
    if "dynamodb" in engine and shards:
        d = ctx.defaults
        reads, writes = shards * d.dynamodb_partition_reads_per_s, shards * d.dynamodb_partition_writes_per_s
        ctx.log.add(name, "capacity_rps", reads, "dynamodb_partition_reads_per_s",
                    f"{shards} partitions × {num(d.dynamodb_partition_reads_per_s)} reads/s")
        ctx.log.add(name, "data.write_capacity_rps", writes, "dynamodb_partition_writes_per_s",
                    f"{shards} partitions × {num(d.dynamodb_partition_writes_per_s)} writes/s")
        return Capacity("database", "assumed", reads, 1, 1, writes, shared_primary=False,
                        note=f"{shards} partitions × {num(d.dynamodb_partition_reads_per_s)} reads/s")
    source = "stated" if write_capacity is not None else "unknown"
    return Capacity("database", source, None, nodes, nodes, total_writes, shards=spread)


def shard_count(ctx: Context, name: str) -> int:
    """Shards a database spreads its load over: data.sharding.shards unless the strategy is none; else 1."""
    data = ctx.comp(name).data
    sharding = data.sharding if data else None
    if sharding is None or not sharding.shards or sharding.strategy == "none":
        return 1
    return sharding.shards


@dataclass(frozen=True)
class Utilization:
    """ρ of a component under one load, with the arithmetic."""

    value: float | None = None
    at_max: float | None = None
    write: float | None = None
    text: str = ""
    write_text: str = ""
    write_only: float | None = None
    write_only_text: str = ""


def utilization(ctx: Context, name: str, cap: Capacity, load: Load) -> Utilization:
    """ρ today and at the most replicas allowed, for one load."""
    lam = load.total
    if cap.model == "database":
        return _database_utilization(ctx, name, cap, load)
    total, most = cap.total, cap.total_max
    if total is None or most is None or total <= 0:
        return Utilization()
    rho, rho_max = lam / total, lam / most
    if cap.model == "function" and cap.duration_s is not None:
        text = f"ρ({name}) = {num(lam)} rps × {num(cap.duration_s)} s / {num(cap.concurrency_limit)} concurrency = {ratio(rho)}"
    elif cap.model == "limit":
        text = f"ρ({name}) = {num(lam)} / ({cap.note}) = {ratio(rho)}"
    else:
        text = f"ρ({name}) = {num(lam)} / ({num(cap.replicas)} × {num(cap.per_replica)}) = {ratio(rho)}"
        if cap.sigma or cap.kappa:
            text = f"ρ({name}) = {num(lam)} / ({cap.note} = {num(total)}) = {ratio(rho)}"
    return Utilization(rho, rho_max, None, text)


def _database_utilization(ctx: Context, name: str, cap: Capacity, load: Load) -> Utilization:
    reads, writes = load.read, load.write + load.mixed
    nodes = cap.replicas or 1
    shards = cap.shards
    if load.mixed > 0 and nodes > shards:
        ctx.log.add(name, "read_share", "unknown", reason="read/write split unknown: all load counted on the primary")
    write_rho = writes / cap.write_capacity if cap.write_capacity else None
    write_text = (f"ρ_writes({name}) = {num(writes)} / {num(cap.write_capacity)} write capacity"
                  + (f" ({shards} shards)" if shards > 1 else "") + f" = {ratio(write_rho)}"
                  if write_rho is not None else "")
    if cap.per_replica is None:
        return Utilization(write_rho, write_rho, write_rho, write_text, write_text, write_rho, write_text)
    write_only, write_only_text = write_rho, write_text
    if cap.shared_primary:
        primary = writes / shards + reads / nodes
        rho = primary / cap.per_replica
        per_shard = f" / {shards} shards" if shards > 1 else ""
        text = (f"ρ({name}) = (writes {num(writes)}{per_shard} + reads {num(reads)} / {num(nodes)} node{'s' if nodes > 1 else ''})"
                f" / {num(cap.per_replica)} = {ratio(rho)}")
        alone = writes / shards / cap.per_replica
        if write_only is None or alone > write_only:
            write_only = alone
            write_only_text = f"writes alone: {num(writes)}{per_shard} / {num(cap.per_replica)} = {ratio(alone)}"
    else:
        rho = reads / cap.per_replica
        text = f"ρ_reads({name}) = {num(reads)} / {num(cap.per_replica)} = {ratio(rho)}"
    if write_rho is not None and write_rho > rho:
        rho, text = write_rho, f"{text}; writes bind: {write_text}"
    return Utilization(rho, rho, write_rho, text, write_text, write_only, write_only_text)


def running_replicas(ctx: Context, name: str, cap: Capacity, load: Load, today: Load | None) -> int | None:
    """Replicas a component runs under ``load``: today's, more as its autoscaler follows the load, at most its max.

    The autoscaler's target sets the load per replica it holds: ``requests`` targets are rps per
    replica, cpu/memory/concurrency targets ≤ 1 a fraction of the replica's capacity; any other
    metric holds today's load per replica. Without autoscaling, the stated replicas run.
    """
    if cap.model != "replicas" or cap.per_replica is None or cap.replicas is None:
        return cap.replicas
    if cap.max_replicas is None or cap.max_replicas <= cap.replicas:
        return cap.replicas
    scaler = ctx.comp(name).autoscaler
    per: float | None = None
    if scaler is not None and scaler.target is not None:
        if scaler.metric == "requests" and scaler.target > 1:
            per = scaler.target
        elif scaler.metric in ("cpu", "memory", "concurrency") and scaler.target <= 1:
            per = (cap.at(1) or cap.per_replica) * scaler.target
    if per is None and today is not None and today.total > 0:
        per = today.total / cap.replicas
    if not per or per <= 0 or not math.isfinite(load.total):
        return cap.replicas
    wanted = math.ceil(load.total / per - 1e-9)
    return min(cap.max_replicas, max(cap.replicas, wanted))


def running_utilization(cap: Capacity, load: Load, replicas: int | None) -> float | None:
    """ρ at ``replicas`` running replicas (the replicas model; otherwise ρ as today's figures give it)."""
    if replicas is None or cap.model != "replicas":
        return None
    total = cap.at(replicas)
    return load.total / total if total else None


MAX_SERVERS = 10_000


def erlang_c(servers: int, offered: float) -> float:
    """Probability that a request waits in an M/M/c queue (offered load a = λ/μ < c).

    Pools above 10,000 servers are evaluated as 10,000 at the same ρ, which overstates the wait slightly.
    """
    if servers > MAX_SERVERS:
        offered, servers = offered * MAX_SERVERS / servers, MAX_SERVERS
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    rho = offered / servers
    return blocking / (1.0 - rho * (1.0 - blocking))


def queueing_factor(rho: float | None, servers: int) -> tuple[float | None, str]:
    """R/S: M/M/1 for one server, Erlang C for several; None when ρ ≥ 1."""
    if rho is None or rho >= 1.0:
        return None, ""
    if servers <= 1:
        factor = 1.0 / (1.0 - rho)
        return factor, f"M/M/1: 1 / (1 − {ratio(rho)}) = {num(factor)}"
    wait = erlang_c(servers, rho * servers)
    factor = 1.0 + wait / (servers * (1.0 - rho))
    return factor, f"M/M/c, c = {servers}: 1 + P_wait {wait:.3g} / ({servers} × (1 − {ratio(rho)})) = {num(factor)}"


def replicas_needed(ctx: Context, name: str, cap: Capacity, load: Load) -> tuple[int | None, str]:
    """Replicas to carry ``load`` at ≤ the safe utilization, plus spares, surviving one zone's loss.

    n_load = ⌈λ / (capacity_rps × ρ_target)⌉ (at least 1); n = n_load + spare_replicas; with Z ≥ 2 zones
    n grows until n − ⌈n/Z⌉ ≥ n_load (the replicas left after losing the fullest zone still carry
    the peak at ρ_target). Databases: read replicas added until the primary's writes + reads/n fit.
    """
    target, spare = ctx.defaults.safe_utilization, ctx.defaults.spare_replicas
    if cap.model not in ("replicas", "database") or cap.per_replica is None:
        return None, ""
    if cap.model == "database":
        return _database_nodes(name, cap, load, target, spare)
    if cap.sigma or cap.kappa:
        return _usl_needed(ctx, name, cap, load, target, spare)
    needed = ceil_count(load.total / (cap.per_replica * target))
    if needed is None:
        return None, ""
    n_load = max(1, needed)
    text = f"⌈{num(load.total)} / ({num(cap.per_replica)} × {num(target)})⌉ = {n_load}; + {spare} spare = {n_load + spare}"
    return _zone_aware(ctx, name, n_load, spare, text)


def _usl_needed(ctx: Context, name: str, cap: Capacity, load: Load, target: float, spare: int) -> tuple[int | None, str]:
    """The fewest replicas whose USL throughput carries the load at ρ_target, if any count does."""
    peak = cap.peak_replicas
    limit = int(min(peak if peak is not None else 1e6, 1e6)) + 1
    n = 1
    while n <= limit:
        if (cap.at(n) or 0.0) * target >= load.total:
            text = (f"smallest N with {num(cap.per_replica)} × N / (1 + σ(N − 1) + κN(N − 1)) × {num(target)} ≥ "
                    f"{num(load.total)}: {n}; + {spare} spare = {n + spare}")
            return _zone_aware(ctx, name, n, spare, text)
        n = n + 1 if n < 1000 else int(n * 1.1) + 1
    best = cap.at(max(1, round(peak))) if peak is not None else None
    return None, (f"no replica count carries {num(load.total)} rps at {num(target)}: throughput peaks at N* = {num(peak)} "
                  f"replicas ({num(best)} rps) and falls beyond" if peak is not None else "")


def _zone_aware(ctx: Context, name: str, n_load: int, spare: int, text: str) -> tuple[int, str]:
    """Smallest n ≥ n_load + spare with n − ⌈n/Z⌉ ≥ n_load, i.e. n ≥ n_load · Z / (Z − 1)."""
    n = n_load + spare
    zones = ctx.comp(name).zone_count
    if zones and zones >= 2:
        n = max(n, -(-n_load * zones // (zones - 1)))
        left = n - -(-n // zones)
        text += f"; losing 1 of {zones} zones leaves {left} ≥ {n_load} → {n}"
    return n, text


def _database_nodes(name: str, cap: Capacity, load: Load, target: float, spare: int) -> tuple[int | None, str]:
    """Nodes per shard: ⌈reads/S / (ρ_target × per − writes/S)⌉ + spare; × S shards in all."""
    if not cap.shared_primary:
        return None, ""
    per = cap.per_replica or 0.0
    shards = cap.shards
    reads, writes = load.read / shards, (load.write + load.mixed) / shards
    each = " per shard" if shards > 1 else ""
    if cap.write_capacity is not None and writes > target * cap.write_capacity / shards:
        return None, (f"writes {num(writes)}{each} exceed {num(target)} × write capacity {num(cap.write_capacity / shards)}"
                      f"{each}: read replicas cannot help ({'add shards' if shards > 1 else 'shard'} or scale up)")
    room = per * target - writes
    if room <= 0:
        return None, (f"writes {num(writes)}{each} alone exceed {num(target)} × {num(per)}: more read replicas cannot help "
                      f"({'add shards' if shards > 1 else 'shard'} or scale up)")
    nodes = ceil_count(reads / room)
    if nodes is None:
        return None, ""
    n = max(1, nodes)
    text = (f"nodes{each} = ⌈reads {num(reads)} / ({num(target)} × {num(per)} − writes {num(writes)})⌉ = {n}; "
            f"+ {spare} spare = {n + spare}")
    if shards > 1:
        text += f"; × {shards} shards = {(n + spare) * shards}"
    return (n + spare) * shards, text
