"""What the capacity model reads from an architecture once: entry traffic, load edges, queue drains.

Load edges are the dependencies that carry load, plus one *delivery* edge from each queue or stream
to each of its consumers (``messaging.consumed_by``, or components the queue is declared to call).
A consumer's own dependency on its queue (a poll) carries no load and is skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ...model import MESSAGING_KINDS, Architecture, Component, Dependency
from .defaults import CapacityDefaults
from .notation import AssumptionLog, num
from ..graph import entry_points


@dataclass(frozen=True)
class EntryTraffic:
    """Traffic entering at one entry point."""

    name: str
    peak: float | None
    average: float | None
    read_ratio: float | None
    own: bool


@dataclass(frozen=True)
class LoadEdge:
    """How much of a caller's load reaches a target, per request the caller serves."""

    source: str
    target: str
    calls: float = 1.0
    read_share: float | None = None
    read_pass: float = 1.0
    all_pass: float = 1.0
    retry_factor: float = 1.0
    delivery: bool = False
    share: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``a → b``."""
        return f"{self.source} → {self.target}"


@dataclass(frozen=True)
class QueueDrain:
    """How fast the consumers of a queue or stream take messages off it."""

    consumers: int | None
    consumers_max: int | None
    partitions: int | None
    consumer_rate: float | None
    rate_note: str

    @property
    def effective(self) -> int | None:
        """min(consumers, partitions)."""
        return _limit(self.consumers, self.partitions)

    @property
    def drain_rps(self) -> float | None:
        """consumers_effective × consumer_rate."""
        eff = self.effective
        return None if eff is None or self.consumer_rate is None else eff * self.consumer_rate

    @property
    def drain_max_rps(self) -> float | None:
        """Drain with the most consumer replicas allowed."""
        eff = _limit(self.consumers_max, self.partitions)
        return None if eff is None or self.consumer_rate is None else eff * self.consumer_rate


def _limit(count: int | None, partitions: int | None) -> int | None:
    if count is None:
        return None
    return min(count, partitions) if partitions is not None else count


@dataclass
class Context:
    """Static facts of one architecture for the capacity model."""

    arch: Architecture
    defaults: CapacityDefaults
    log: AssumptionLog
    names: list[str] = field(default_factory=list)
    entries: list[EntryTraffic] = field(default_factory=list)
    edges: list[LoadEdge] = field(default_factory=list)
    consumers: dict[str, list[str]] = field(default_factory=dict)
    drains: dict[str, QueueDrain] = field(default_factory=dict)
    skipped: set[tuple[str, str]] = field(default_factory=set)
    outgoing: dict[str, list[Dependency]] = field(default_factory=dict)
    """Dependencies by source (every component has a list; filled by :func:`build_context`)."""
    incoming: dict[str, list[Dependency]] = field(default_factory=dict)
    """Dependencies by target."""
    admission: dict[str, float] = field(default_factory=dict)
    """Components that admit at most this many requests per second and reject the rest (a rate limit,
    a function's concurrency ÷ duration): what they pass on is capped there."""
    shares: dict[int, float] = field(default_factory=dict)
    """Route share of each dependency (by id), filled per caller on first use."""
    caches_called: dict[str, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    """Per caller: the caches it calls (sorted) and the stores each fronts, filled on first use."""

    def comp(self, name: str) -> Component:
        """The component called ``name``."""
        return self.arch.components[name]

    def replicas_now(self, name: str, *, record: bool = True) -> int:
        """Instances running today: replicas, else autoscaling min, else 1 (assumed)."""
        comp = self.comp(name)
        if comp.replicas is not None:
            return comp.replicas
        scaling = comp.autoscaler
        if scaling and scaling.enabled and scaling.min:
            return scaling.min
        if record:
            self.log.add(name, "replicas", 1, reason="replicas not stated: one instance assumed")
        return 1

    def replicas_max(self, name: str) -> int:
        """Most instances allowed: autoscaling max when autoscaling is on, else today's."""
        scaling = self.comp(name).autoscaler
        if scaling and scaling.enabled and scaling.max is not None:
            return max(scaling.max, self.replicas_now(name))
        return self.replicas_now(name)

    def route_share(self, dep: Dependency) -> float:
        """Share of the caller's requests that take ``dep``: 1 when the caller calls all its dependencies
        (fan-out); under ``routing: one-of`` the stated ``share``, the remainder split equally between the
        request edges that state none (recorded as an assumption). Edges off the request path: 1."""
        key = id(dep)
        if key not in self.shares:
            self._route(dep.source)
        return self.shares.get(key, 1.0)

    def _route(self, name: str) -> None:
        deps = self.outgoing.get(name, [])
        for dep in deps:
            self.shares[id(dep)] = 1.0
        comp = self.arch.components.get(name)
        routes = [d for d in deps if d.on_request_path and not self.is_skipped(d) and d.target != name]
        if comp is None or comp.route_mode != "one-of" or not routes:
            return
        known = sum(d.share for d in routes if d.share is not None)
        unknown = [d for d in routes if d.share is None]
        rest = max(0.0, 1.0 - known) / len(unknown) if unknown else 0.0
        for dep in routes:
            self.shares[id(dep)] = dep.share if dep.share is not None else rest
        if unknown and len(routes) > 1:
            why = "routing stated" if comp.routing else f"a {comp.kind} routes each request to one of its routes (assumed)"
            self.log.add(name, "share", rest, reason=(
                f"{why}; {len(unknown)} route(s) without a share split the remaining {1.0 - min(known, 1.0):.3g} "
                f"equally: {', '.join(d.target for d in unknown)}"))

    def is_skipped(self, dep: Dependency) -> bool:
        """A consumer's poll of its queue, or a queue's declared call to a consumer (a delivery)."""
        return (dep.source, dep.target) in self.skipped


def build_context(arch: Architecture, defaults: CapacityDefaults) -> Context:
    """Read entry traffic, load edges and queue drains from an architecture."""
    log = AssumptionLog(defaults)
    arch = clamp_counts(arch, log)
    ctx = Context(arch=arch, defaults=defaults, log=log, names=sorted(arch.components))
    known = set(ctx.names)
    for name in ctx.names:
        ctx.outgoing[name], ctx.incoming[name] = [], []
    for dep in arch.dependencies:
        ctx.outgoing.setdefault(dep.source, []).append(dep)
        ctx.incoming.setdefault(dep.target, []).append(dep)
    ctx.entries = _entries(ctx, [e for e in entry_points(arch) if e in known])
    for name in ctx.names:
        comp = ctx.comp(name)
        if comp.kind in MESSAGING_KINDS:
            declared = set(comp.messaging.consumed_by or []) if comp.messaging else set()
            declared |= {d.target for d in ctx.outgoing[name]}
            ctx.consumers[name] = sorted(c for c in declared if c in known and c != name)
            for consumer in ctx.consumers[name]:
                ctx.skipped |= {(consumer, name), (name, consumer)}
            ctx.drains[name] = _drain(ctx, name)
    deps = sorted(arch.dependencies, key=lambda d: (d.source, d.target))
    for dep in deps:
        if dep.role in NO_LOAD_ROLES:
            continue  # start-up order, health polls and administration carry no request load
        if dep.source in known and dep.target in known and dep.source != dep.target and not ctx.is_skipped(dep):
            ctx.edges.append(_load_edge(ctx, dep))
    ctx.admission = _admission_limits(ctx)
    for queue, consumers in sorted(ctx.consumers.items()):
        ctx.edges.extend(_delivery_edges(ctx, queue, consumers))
    return ctx


def _entries(ctx: Context, names: list[str]) -> list[EntryTraffic]:
    system = ctx.arch.system.traffic
    own_traffic = {e.component: e.traffic for e in ctx.arch.system.entry_points or [] if not isinstance(e, str)}
    result = []
    for name in names:
        own = own_traffic.get(name)
        has_own = own is not None and (own.peak_rps is not None or own.average_rps is not None)
        source = own if has_own else system
        peak = source.peak_rps if source else None
        average = source.average_rps if source else None
        factor = ctx.defaults.peak_factor
        if peak is None and average is not None:
            peak = average * factor
            ctx.log.add(name, "peak_rps", peak, "peak_factor", f"only average_rps stated: peak = {num(average)} × {num(factor)}")
        elif average is None and peak is not None:
            average = peak / factor
            ctx.log.add(name, "average_rps", average, "peak_factor", f"only peak_rps stated: average = {num(peak)} / {num(factor)}")
        read = own.read_ratio if own is not None and own.read_ratio is not None else (system.read_ratio if system else None)
        result.append(EntryTraffic(name, peak, average, read, has_own))
    return result


NO_LOAD_ROLES = frozenset({"startup", "health", "admin"})
"""Edge roles that carry no request load (batch paths do: the batch job's own load)."""


def _admission_limits(ctx: Context) -> dict[str, float]:
    """Rate limits (``balancer.rate_limit_rps``) and function concurrency ÷ duration: admitted at most."""
    limits: dict[str, float] = {}
    for name in ctx.names:
        comp = ctx.comp(name)
        if comp.balancer is not None and comp.balancer.rate_limit_rps is not None:
            limits[name] = comp.balancer.rate_limit_rps
        elif comp.kind == "function" and comp.capacity_rps is None:
            fn = comp.function
            duration = (fn.duration_ms if fn else None) or comp.service_time_ms
            limit = fn.reserved_concurrency if fn and fn.reserved_concurrency else (fn.account_concurrency if fn else None)
            if duration and limit:
                limits[name] = limit / (duration / 1000.0)
    return limits


def _load_edge(ctx: Context, dep: Dependency) -> LoadEdge:
    label = f"{dep.source} → {dep.target}"
    notes: list[str] = []
    calls = dep.calls_per_request
    if calls is None:
        calls = ctx.defaults.calls_per_request
        ctx.log.add(label, "calls_per_request", calls, "calls_per_request", "not stated")
    share = ctx.route_share(dep)
    if share != 1.0:
        calls *= share
        notes.append(f"× {share:.3g} of {dep.source}'s requests routed here")
    read_share = dep.read_share
    if read_share is None and dep.writes is not None:
        read_share = 0.0 if dep.writes else 1.0
    read_pass = 1.0
    for cache in _caches_between(ctx, dep.source, dep.target):
        hit = ctx.comp(cache).cache.hit_ratio  # type: ignore[union-attr]
        if hit is None:
            ctx.log.add(cache, "cache.hit_ratio", 0.0, reason=f"not stated: {cache} absorbs none of {dep.target}'s reads")
            continue
        read_pass *= 1.0 - hit
        notes.append(f"reads × (1 − {num(hit)}) {cache} misses")
    all_pass = 1.0
    source = ctx.comp(dep.source)
    if source.kind == "cdn":
        hit = source.cdn.hit_ratio if source.cdn else None
        if hit is None:
            ctx.log.add(dep.source, "cdn.hit_ratio", 0.0, reason="not stated: every request reaches the origin")
        else:
            all_pass = 1.0 - hit
            notes.append(f"× (1 − {num(hit)}) CDN misses")
    retry_factor = 1.0
    if dep.retries:
        p = ctx.defaults.retry_failure_probability
        retry_factor = 1.0 + p * dep.retries
        ctx.log.add(label, "retry_failure_probability", p, "retry_failure_probability", "expected retry inflation")
        notes.append(f"× (1 + {num(p)} × {dep.retries}) retries (worst case × {1 + dep.retries})")
    return LoadEdge(dep.source, dep.target, calls, read_share, read_pass, all_pass, retry_factor, notes=tuple(notes))


def _caches_between(ctx: Context, caller: str, store: str) -> list[str]:
    """Caches the caller also calls that front ``store`` (cache-aside)."""
    caches = ctx.caches_called.get(caller)
    if caches is None:  # once per caller: a caller with many calls costs its calls, not their square
        caches = []
        for name in sorted({dep.target for dep in ctx.outgoing.get(caller, [])}):
            cache = ctx.arch.components[name].cache if name in ctx.arch.components else None
            if cache is not None:
                caches.append((name, frozenset(cache.fronts or ())))
        ctx.caches_called[caller] = caches
    return [name for name, fronts in caches if store in fronts]


def _delivery_edges(ctx: Context, queue: str, consumers: list[str]) -> list[LoadEdge]:
    kind = ctx.comp(queue).kind
    weights = {c: ctx.replicas_now(c) if ctx.comp(c).kind != "function" else 1 for c in consumers}
    total = sum(weights.values())
    edges = []
    for consumer in consumers:
        share = 1.0 if kind == "stream" or total == 0 else weights[consumer] / total
        note = () if share == 1.0 else (f"× {num(weights[consumer])}/{num(total)} competing consumer instances",)
        edges.append(LoadEdge(queue, consumer, delivery=True, share=share, notes=note))
    return edges


def _drain(ctx: Context, queue: str) -> QueueDrain:
    comp = ctx.comp(queue)
    messaging = comp.messaging
    consumers = ctx.consumers.get(queue, [])
    partitions = messaging.partitions if messaging else None
    stated = messaging.consumers if messaging else None
    counts = [_instances(ctx, c) for c in consumers]
    combine = min if comp.kind == "stream" else sum
    now = most = stated
    if stated is None and counts and all(n is not None for n, _ in counts):
        now = combine(n for n, _ in counts if n is not None)
        most = combine(m for _, m in counts if m is not None)
    rate = messaging.consumer_rate if messaging else None
    note = "messaging.consumer_rate"
    if rate is None and consumers:
        rates = {c: _consumer_rate(ctx, c) for c in consumers}
        if all(r is not None for r in rates.values()):
            slowest = min(consumers, key=lambda c: (rates[c], c))
            rate, note = rates[slowest], f"consumer {slowest}'s capacity per instance"
    return QueueDrain(now, most, partitions, rate, note)


def _instances(ctx: Context, name: str) -> tuple[int | None, int | None]:
    comp = ctx.comp(name)
    if comp.kind == "function":
        reserved = comp.function.reserved_concurrency if comp.function else None
        return reserved, reserved
    return ctx.replicas_now(name), ctx.replicas_max(name)


def _consumer_rate(ctx: Context, name: str) -> float | None:
    comp = ctx.comp(name)
    if comp.capacity_rps is not None:
        return comp.capacity_rps
    duration = comp.function.duration_ms if comp.kind == "function" and comp.function else None
    return 1000.0 / duration if duration else None


MAX_COUNT = 1_000_000_000
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
"""Counts above this (the format's own limit) are taken as this when a model was built around validation."""


def ceil_count(value: float) -> int | None:
    """⌈value⌉ ignoring floating-point dust (2.0000000000000004 → 2); None beyond any sensible count."""
    if not math.isfinite(value) or value > 1e15:
        return None
    return int(math.ceil(value - 1e-9))


def _may_hold_huge_count(arch: Architecture) -> bool:
    """A quick look at the JSON text: without a run of ten digits anywhere there is no such integer.

    (A name or float with ten digits only sends the architecture on to the exact walk.)
    """
    try:
        text = arch.model_dump_json(by_alias=True)
    except ValueError:  # pragma: no cover - values a validated model cannot hold
        return True
    return "0000000000" in text.translate(_DIGITS_AS_ZERO)  # ten ASCII digits in a row (a regex search took 8x longer)


def _has_huge_count(data: Any) -> bool:
    """Whether any integer in ``data`` (dicts and lists) is above MAX_COUNT."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif type(node) is int and node > MAX_COUNT:
            return True
    return False


def clamp_counts(arch: Architecture, log: AssumptionLog) -> Architecture:
    """The architecture with every integer above MAX_COUNT lowered to it (each one recorded)."""
    clamped: list[str] = []

    def visit(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            return {k: visit(v, (*path, str(k))) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v, (*path, str(i))) for i, v in enumerate(node)]
        if isinstance(node, int) and not isinstance(node, bool) and node > MAX_COUNT:
            clamped.append(".".join(path))
            return MAX_COUNT
        return node

    if not _may_hold_huge_count(arch):
        return arch
    dumped = arch.model_dump(by_alias=True)
    if not _has_huge_count(dumped):
        return arch
    data = visit(dumped, ())
    for path in clamped:
        log.add(path, "count", MAX_COUNT, reason="a count above 10^9 is taken as 10^9")
    return Architecture.model_validate(data)
