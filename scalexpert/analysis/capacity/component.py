"""The figures of one component: load, capacity, queueing, sizing, growth, queues, pools, cost."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .availability import ComponentAvailability, component_availability
from .context import Context, ceil_count
from .growth import Horizon, cost, runway_months, solve_multiple, storage_runway
from .load import Load, LoadModel
from .records import ComponentCapacity
from .queueing import (
    MAX_SERVERS,
    Capacity,
    capacity_of,
    erlang_c,
    queueing_factor,
    replicas_needed,
    running_replicas,
    running_utilization,
    shard_count,
    utilization,
)
from .tails import mmc_moments, mmc_percentile
from .resources import connection_figures, queue_figures
from .skew import skew_figures
from .notation import mult, num, ratio


GRID_ABOVE = 100
"""Components behind queues above which saturation multiples are interpolated on a grid."""
GRID: tuple[float, ...] = tuple(round(1.4 ** i, 6) for i in range(1, 42))
"""Multiples of today's peak the shared grid runs the load at (1.4 to about 10⁶)."""


@dataclass
class Analysis:
    """Shared state of one capacity analysis."""

    ctx: Context
    model: LoadModel
    horizon: Horizon
    traffic_known: bool
    caps: dict[str, Capacity] = field(default_factory=dict)
    levelled: frozenset[str] = frozenset()
    """Components behind a queue or an admission limit that caps what it passes on (their load is not
    linear in traffic)."""
    availability: dict[str, ComponentAvailability] = field(default_factory=dict)
    multiples: dict[tuple[str, float], float | None] = field(default_factory=dict)

    @classmethod
    def create(cls, ctx: Context, horizon: Horizon) -> Analysis:
        """Build the load model and decide every component's capacity."""
        known = any(e.peak is not None for e in ctx.entries)
        analysis = cls(ctx, LoadModel(ctx), horizon, known)
        analysis.caps = {name: capacity_of(ctx, name) for name in ctx.names}
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(ctx.names)
        graph.add_edges_from((e.source, e.target) for e in ctx.edges)
        levelled: set[str] = set()
        for edge in ctx.edges:
            if (edge.delivery and ctx.drains[edge.source].drain_rps is not None) or edge.source in ctx.admission:
                levelled |= {edge.target} | nx.descendants(graph, edge.target)
        analysis.levelled = frozenset(levelled)
        return analysis

    def load(self, name: str, multiple: float = 1.0, series: str = "peak") -> Load | None:
        """Load of a component, None when the traffic feeding it is unknown."""
        if not self.traffic_known:
            return None
        load = self.model.loads(series, multiple)[name]
        return load if load.known else None

    def saturation_rho(self, name: str, multiple: float) -> float | None:
        """The larger of ρ at the most replicas allowed and arrival / drain at the most consumers."""
        return self.rho_at(name, self.load(name, multiple))

    def rho_at(self, name: str, load: Load | None) -> float | None:
        """:meth:`saturation_rho` for a given load (None: unknown)."""
        if load is None:
            return None
        values = []
        at_max = utilization(self.ctx, name, self.caps[name], load).at_max
        if at_max is not None:
            values.append(at_max)
        drain = self.ctx.drains[name].drain_max_rps if name in self.ctx.drains else None
        if drain:
            values.append(load.total / drain)
        return max(values) if values else None

    def multiple_at(self, name: str, threshold: float) -> float | None:
        """Multiple of today's peak at which the saturation ρ reaches ``threshold`` (computed once)."""
        key = (name, threshold)
        if key not in self.multiples:
            self.multiples[key] = self._solve_multiple(name, threshold)
        return self.multiples[key]

    def _solve_multiple(self, name: str, threshold: float) -> float | None:
        today = self.saturation_rho(name, 1.0)
        if today is None or today <= 0:
            return None
        if name not in self.levelled:
            return threshold / today
        if len(self.levelled) > GRID_ABOVE:
            return self._interpolate_multiple(name, threshold)
        return solve_multiple(lambda k: self.saturation_rho(name, k), threshold, threshold / today)

    def _interpolate_multiple(self, name: str, threshold: float) -> float | None:
        """Many components behind queues: read the multiple off one shared grid of load runs.

        Solving each component exactly re-runs the load propagation for it, which grows with the
        square of the architecture. Above ``GRID_ABOVE`` such components, every one is read off the
        same runs at ``GRID`` multiples and interpolated linearly between the two that bracket the
        threshold: exact where the load is linear in between, off by at most one grid step where a
        queue starts to saturate inside it.
        """
        previous_k, previous_rho = 1.0, self.saturation_rho(name, 1.0)
        if previous_rho is None:
            return None
        if previous_rho >= threshold:
            return threshold / previous_rho
        for k in GRID:  # only the components behind queues are propagated for the grid
            load = self.model.loads_within(self.levelled, "peak", k)[name] if self.traffic_known else None
            rho = self.rho_at(name, load if load is not None and load.known else None)
            if rho is None:
                return None
            if rho >= threshold:
                if rho == previous_rho:
                    return k
                return previous_k + (threshold - previous_rho) * (k - previous_k) / (rho - previous_rho)
            previous_k, previous_rho = k, rho
        return None


def component_record(an: Analysis, name: str) -> ComponentCapacity:
    """Everything the capacity model knows about one component."""
    ctx, cap, comp = an.ctx, an.caps[name], an.ctx.comp(name)
    notes: dict[str, str] = {}
    values: dict[str, Any] = {"kind": comp.kind, "capacity_source": cap.source, "capacity_model": cap.model}
    load = an.load(name)
    average = an.load(name, series="average")
    if load is not None:
        values.update(offered_rps=load.total, average_rps=average.total if average else None)
        if load.mixed == 0:
            values.update(read_rps=load.read, write_rps=load.write)
            if load.total > 0:
                values["read_share"] = load.read / load.total
                notes["read_share"] = f"reads {num(load.read)} / {num(load.total)} = {ratio(load.read / load.total)}"
        notes["offered_rps"] = _load_text(an, name, load)
    values.update(replicas=cap.replicas, max_replicas=cap.max_replicas, capacity_per_replica_rps=cap.per_replica,
                  capacity_rps=cap.total, max_capacity_rps=cap.total_max)
    if cap.model == "replicas" and cap.per_replica and cap.replicas and cap.total is not None:
        values["scaling_efficiency"] = cap.total / (cap.per_replica * cap.replicas)
        if cap.peak_replicas is not None:
            values["usl_peak_replicas"] = cap.peak_replicas
            notes["usl_peak_replicas"] = f"N* = √((1 − {cap.sigma:.3g}) / {cap.kappa:.3g}) = {num(cap.peak_replicas)}"
    if cap.total is not None and cap.note:
        notes["capacity_rps"] = f"{cap.note} = {num(cap.total)} rps"
    if cap.total_max is not None and cap.total_max != cap.total:
        notes["max_capacity_rps"] = (f"{num(cap.max_replicas)} × {num(cap.per_replica)} rps = {num(cap.total_max)} rps (autoscaling max)"
                                     if not (cap.sigma or cap.kappa) else
                                     f"USL at up to {num(cap.max_replicas)} replicas: {num(cap.total_max)} rps (autoscaling max)")
    if cap.model == "database":
        values.update(shards=shard_count(ctx, name), write_capacity_rps=cap.write_capacity)
    _utilization(an, name, cap, load, values, notes)
    skew_figures(an, name, values, notes)
    _growth(an, name, cap, values, notes)
    if name in ctx.drains:
        queue_figures(ctx, name, load, average, values, notes)
    connection_figures(ctx, name, values, notes)
    if cap.concurrency_limit is not None:
        values.update(concurrency_limit=cap.concurrency_limit, concurrency_limit_source=cap.concurrency_source)
        if load is not None and cap.duration_s is not None:
            values["concurrency_demand"] = load.total * cap.duration_s
            notes["concurrency_demand"] = f"{num(load.total)} rps × {num(cap.duration_s)} s = {num(load.total * cap.duration_s)}"
    a = component_availability(ctx, name, cap, load)
    an.availability[name] = a
    values.update(availability=a.value, availability_source=a.source, availability_replicas_needed=a.needed,
                  availability_own=a.own, failure_domains=[d.label for d in a.domains], recovery=a.recovery)
    if a.text:
        notes["availability"] = a.text
    months, text = storage_runway(ctx, name)
    values["storage_runway_months"] = months
    if text:
        notes["storage_runway_months"] = text
    _cost(an, name, cap, values, notes, average)
    return ComponentCapacity(**values, derivations=notes)


def _load_text(an: Analysis, name: str, load: Load) -> str:
    parts = []
    for entry in an.ctx.entries:
        if entry.name == name and entry.peak is not None:
            parts.append(f"{num(entry.peak)} entering")
    carried = an.model.contributions()
    for edge in an.model.incoming[name]:
        amount = carried.get((edge.source, edge.target))
        if amount is None:
            continue
        how = [] if edge.calls == 1 else [f"× {num(edge.calls)} calls"]
        if edge.delivery:
            drain = an.ctx.drains[edge.source].drain_rps
            how.append(f"min(arrival, drain {num(drain)})" if drain is not None else "all arrivals (drain unknown)")
        parts.append(f"{num(amount.total)} from {edge.source}" + (f" ({'; '.join(how + list(edge.notes))})" if how or edge.notes else ""))
    split = "" if load.mixed else f" (reads {num(load.read)}, writes {num(load.write)})"
    return f"λ({name}) = {' + '.join(parts) or '0'} = {num(load.total)}{split}"


def _utilization(an: Analysis, name: str, cap: Capacity, load: Load | None, values: dict[str, Any], notes: dict[str, str]) -> None:
    ctx, comp = an.ctx, an.ctx.comp(name)
    service = comp.service_time_ms or (comp.function.duration_ms if comp.function else None)
    values["service_time_ms"] = service
    rho = None
    if load is not None:
        util = utilization(ctx, name, cap, load)
        rho = util.value
        values.update(utilization=util.value, utilization_at_max=util.at_max, write_utilization=util.write,
                      write_only_utilization=util.write_only)
        if util.text:
            notes["utilization"] = util.text
            notes["utilization_at_max"] = util.text
        if util.at_max is not None and util.at_max != util.value and cap.total_max:
            notes["utilization_at_max"] = (f"ρ({name}) at {num(cap.max_replicas)} replicas = {num(load.total)} / "
                                           f"({num(cap.max_replicas)} × {num(cap.per_replica)}) = {ratio(util.at_max)}")
        if util.write_text:
            notes["write_utilization"] = util.write_text
        if util.write_only_text:
            notes["write_only_utilization"] = util.write_only_text
        if rho is not None:
            values["headroom"] = 1.0 - rho
        needed, text = replicas_needed(ctx, name, cap, load)
        values["replicas_needed"] = needed
        if text:
            notes["replicas_needed"] = text
            values["replicas_needed_basis"] = sizing_basis(ctx, cap, load, needed)
    if rho is not None:
        _queueing(an, name, cap, rho, service, values, notes)
    elif service is not None:
        ctx.log.add(name, "queueing_factor", 1.0, reason="utilization unknown: no queueing delay added to its service time")
        values.update(response_time_ms=service, response_time_variance=service * service)


def sizing_basis(ctx: Context, cap: Capacity, load: Load, needed: int | None) -> str | None:
    """"a zone lost" when surviving a zone needs more replicas than the spares (N+1) do, else "N+1"."""
    if needed is None or cap.model != "replicas" or cap.per_replica is None:
        return None
    n_load = max(1, ceil_count(load.total / (cap.per_replica * ctx.defaults.safe_utilization)) or 1)
    return "a zone lost" if needed > n_load + ctx.defaults.spare_replicas else f"N+{ctx.defaults.spare_replicas}"


def _queueing(an: Analysis, name: str, cap: Capacity, rho: float, service: float | None,
              values: dict[str, Any], notes: dict[str, str]) -> None:
    """Queueing factor, mean and p99 response time; an admission limit rejects instead of queueing."""
    ctx = an.ctx
    limit = ctx.admission.get(name)
    if limit is not None or cap.model in ("limit", "function"):
        values["queueing_factor"] = 1.0
        notes["queueing_factor"] = "admission limit: requests beyond it are rejected, not queued"
        if limit is not None:
            values["admission_limit_rps"] = limit
        if rho >= 1.0:
            rejected = 1.0 - 1.0 / rho
            values["rejection_rate"] = rejected
            notes["rejection_rate"] = f"1 − 1 / ρ {ratio(rho)} = {rejected:.1%} of today's peak rejected"
        if service is not None:
            values.update(response_time_ms=service, response_time_variance=service * service,
                          response_time_p99_ms=service * math.log(1.0 / (1.0 - ctx.defaults.latency_percentile)))
            notes["response_time_ms"] = f"{num(service)} ms (no queue behind an admission limit)"
        return
    servers, per_replica, how = _servers(an, name, cap, service)
    values["servers_per_replica"] = per_replica
    factor, text = queueing_factor(rho, servers)
    values["queueing_factor"] = factor
    if text:
        notes["queueing_factor"] = f"{text}; {how}"
    if service is None or factor is None:
        return
    values["response_time_ms"] = service * factor
    notes["response_time_ms"] = f"{num(service)} ms × {num(factor)} = {num(service * factor)} ms (mean)"
    wait = erlang_c(servers, rho * servers) if servers > 1 else rho
    if servers > MAX_SERVERS:
        servers = MAX_SERVERS
    _, variance = mmc_moments(service, servers, rho, wait)
    q = ctx.defaults.latency_percentile
    p99 = mmc_percentile(q, service, servers, rho, wait)
    values.update(response_time_variance=variance, response_time_p99_ms=p99)
    notes["response_time_p99_ms"] = (f"P(R > t) = {1 - q:.2g} for M/M/c, c = {servers}, ρ = {ratio(rho)}, P_wait = {wait:.3g}, "
                                     f"exponential service of mean {num(service)} ms: t = {num(p99)} ms")


def _servers(an: Analysis, name: str, cap: Capacity, service: float | None) -> tuple[int, int, str]:
    """(servers in all, servers per replica, why): concurrency stated, else capacity × service time, else 1."""
    comp = an.ctx.comp(name)
    replicas = max(1, cap.servers)
    if comp.concurrency is not None:
        return replicas * comp.concurrency, comp.concurrency, f"{replicas} replicas × concurrency {comp.concurrency}"
    if cap.per_replica is not None and service is not None and cap.model == "replicas":
        per = max(1, round(cap.per_replica * service / 1000.0))
        if per > 1:
            an.ctx.log.add(name, "concurrency", per, reason=(
                f"not stated: capacity_rps × service time = {num(cap.per_replica)} × {num(service / 1000.0)} s "
                f"≈ {per} requests served at once per replica (Little's law)"))
        return replicas * per, per, f"{replicas} replicas × {per} at once (capacity × service time)"
    return replicas, 1, f"{replicas} replica(s), one request at a time each (concurrency not stated)"


def _growth(an: Analysis, name: str, cap: Capacity, values: dict[str, Any], notes: dict[str, str]) -> None:
    saturation = an.multiple_at(name, 1.0)
    values["saturation_multiple"] = saturation
    if saturation is not None:
        notes["saturation_multiple"] = _saturation_text(an, name, saturation)
    h = an.horizon
    rate = h.monthly_rate
    target = an.ctx.defaults.safe_utilization
    at_target = an.multiple_at(name, target)
    runway = runway_months(at_target, rate)
    values["runway_months"] = runway
    if runway is not None and at_target is not None:
        notes["runway_months"] = (f"ρ({name}) reaches {num(target)} at {mult(at_target)} × today's peak; "
                                  + (f"ln({mult(at_target)}) / ln(1 + {rate:.4g}) = {num(runway)} months" if runway > 0
                                     else "already there: 0 months"))
    if h.multiple is None:
        return
    load = an.load(name, h.multiple)
    if load is None:
        return
    values["offered_rps_at_horizon"] = load.total
    util = utilization(an.ctx, name, cap, load)
    values["utilization_at_horizon"] = util.at_max
    if util.at_max is not None:
        notes["utilization_at_horizon"] = f"at × {mult(h.multiple)}: {num(load.total)} / {num(cap.total_max)} = {ratio(util.at_max)}"
    running = running_replicas(an.ctx, name, cap, load, an.load(name))
    rho = running_utilization(cap, load, running)
    values["replicas_at_horizon"] = running
    values["running_utilization_at_horizon"] = rho if rho is not None else util.value
    if rho is not None and running is not None and running != cap.max_replicas:
        notes["running_utilization_at_horizon"] = (f"at × {mult(h.multiple)} the autoscaler runs {num(running)} replicas: "
                                                   f"{num(load.total)} / {num(cap.at(running))} = {ratio(rho)}")
    needed, text = replicas_needed(an.ctx, name, cap, load)
    values["replicas_needed_at_horizon"] = needed
    if text:
        notes["replicas_needed_at_horizon"] = f"at × {mult(h.multiple)}: {text}"


def _saturation_text(an: Analysis, name: str, multiple: float) -> str:
    head = f"ρ({name}) reaches 1 at {mult(multiple)} × today's peak"
    if name in an.levelled:
        return head + " (solved on the load that queues level)"
    load = an.load(name)
    rho = utilization(an.ctx, name, an.caps[name], load).at_max if load is not None else None
    drain = an.ctx.drains[name].drain_max_rps if name in an.ctx.drains else None
    queue = load.total / drain if load is not None and drain else None
    if queue is not None and (rho is None or queue > rho):
        return f"{head}: 1 / (arrival / drain at the most consumers {ratio(queue)})"
    return f"{head}: 1 / (ρ at the most replicas {ratio(rho)})"


def _cost(an: Analysis, name: str, cap: Capacity, values: dict[str, Any], notes: dict[str, str], average: Load | None) -> None:
    target = an.ctx.defaults.safe_utilization

    def for_load(multiple: float) -> int | None:
        load = an.load(name, multiple)
        if cap.model != "replicas" or cap.per_replica is None or load is None:
            return None
        needed = ceil_count(load.total / (cap.per_replica * target))
        return None if needed is None else max(1, needed)

    figures = cost(an.ctx, name, average.total if average else None, an.horizon.multiple, for_load, cap.replicas)
    values.update(monthly_cost=figures.monthly, monthly_cost_at_horizon=figures.at_horizon,
                  cost_per_million_requests=figures.per_million)
    notes.update(dict(figures.texts))
