"""Latency of an entry flow: its mean and its 99th percentile (D08).

Each component's own response time is an M/M/c response (service times exponential with the
stated mean ``service_time_ms``; see ``tails``): mean ``S + C/θ`` and variance ``S² + C(2 − C)/θ²``.
Walking the request path from the entry point, a synchronous call made with probability ``p``
(``calls_per_request`` below 1) adds ``p`` of the callee's time (a mixture); ``n`` calls made one
after another add n times; calls marked ``parallel: true`` run side by side, and the request waits
for the slowest (``P(max > t) = 1 − Π(1 − P_i(> t))``: the tail amplification of fan-out). Network
hops (``latency_ms``, else the default) are constant. The flow's mean is the sum of the means; its
p99 is read off a log-normal with the flow's mean and variance. Where a component's utilization is
unknown no queueing is added; where a queue's ρ ≥ 1 the flow's latency is unbounded (an admission
limit rejects instead and stays bounded). A component without a service time adds nothing and the
estimate is a lower bound. Only request-path calls count (not start-up, health, admin or batch
edges). A dependency back into the current path (a cycle) is not followed again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...model import Dependency
from .context import Context
from .notation import num
from .tails import lognormal_quantile, parallel_moments
from ..graph import is_sync


@dataclass(frozen=True)
class NodeLatency:
    """Latency of one component's own work: mean and variance (None: service time unknown)."""

    ms: float | None
    saturated: bool = False
    variance: float = 0.0


_FAN_OUT_SHOWN = 3
"""Parallel-call notes a flow's text names; each result keeps only its first ones (their first ones
are the same), so that a long chain of fan-outs does not copy every note into every caller."""


@dataclass
class _Result:
    """One component's latency with its callees'. Kept linear in size: a result points at its callees'
    results (``adds``, ``slowest``) instead of copying their terms and paths; the flow's terms and
    path are read off those links once, for the entry only (:func:`_terms`, :func:`_path`)."""

    ms: float
    name: str
    own: float | None = None
    """The component's own mean time, its term in the flow (None: unknown, no term)."""
    adds: list[tuple[_Result, float]] = field(default_factory=list)
    """(callee's result, times its terms count here), in the order they were added."""
    slowest: _Result | None = None
    """The callee on the slowest path below this component."""
    network_ms: float = 0.0
    lower_bound: bool = False
    saturated: str | None = None
    variance: float = 0.0
    fan_out: list[str] = field(default_factory=list)
    order: int = -1
    """Position in the order results were finished (callees before callers)."""

    @property
    def path(self) -> list[str]:
        names: list[str] = []
        node: _Result | None = self
        while node is not None:
            names.append(node.name)
            node = node.slowest
        return names

    @property
    def terms(self) -> dict[str, float]:
        """Per component on the flow: its own mean time × how often one request of this one reaches it.

        Keys in the order a depth-first walk of the callees first meets them; values pushed from
        this result down its callees in the order results were finished (callers first).
        """
        seen: dict[int, _Result] = {}
        keys: list[_Result] = []
        stack: list[_Result] = [self]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen[id(node)] = node
            keys.append(node)
            stack.extend(child for child, _ in reversed(node.adds))
        weight = {id(self): 1.0}
        for node in sorted(seen.values(), key=lambda r: -r.order):
            w = weight.get(id(node), 0.0)
            for child, times in node.adds:
                weight[id(child)] = weight.get(id(child), 0.0) + w * times
        return {node.name: weight[id(node)] * node.own for node in keys if node.own is not None and id(node) in weight}


@dataclass
class _Frame:
    name: str
    deps: list[Dependency]
    result: _Result
    index: int = 0
    parallel: list[tuple[Dependency, float, _Result]] = field(default_factory=list)
    slowest: tuple[float, _Result | None] = (-1.0, None)


@dataclass(frozen=True)
class FlowLatency:
    """Latency estimate of one entry flow."""

    ms: float | None
    path: list[str]
    lower_bound: bool
    saturated: str | None
    text: str
    mean_ms: float | None = None
    mean_text: str = ""
    measured: bool = False
    """The p99 is a measurement at the entry point (``observed.p99_ms``), not the model's estimate."""


class LatencyModel:
    """Computes flow latencies from per-component latencies."""

    def __init__(self, ctx: Context, nodes: dict[str, NodeLatency]) -> None:
        self.ctx = ctx
        self.nodes = nodes
        self.calls: dict[str, list[Dependency]] = {}
        for dep in sorted(ctx.arch.dependencies, key=lambda d: (d.source, d.target)):
            known = dep.source in ctx.arch.components and dep.target in ctx.arch.components
            if (known and is_sync(dep) and dep.on_request_path and not ctx.is_skipped(dep) and dep.source != dep.target
                    and dep.calls_per_request != 0 and ctx.route_share(dep) > 0):
                self.calls.setdefault(dep.source, []).append(dep)
        self._memo: dict[str, _Result] = {}

    def flow(self, entry: str) -> FlowLatency:
        """Latency estimate from ``entry``: p99 and mean."""
        result = self._visit(entry)
        if result.saturated is not None:
            return FlowLatency(None, result.path, result.lower_bound, result.saturated,
                               f"L(flow {entry}) unbounded: ρ({result.saturated}) ≥ 1 and requests queue")
        terms = result.terms
        if not terms:
            return FlowLatency(None, result.path, True, None, "")
        parts = " + ".join(f"{name} {num(ms)}" for name, ms in terms.items() if ms > 0)
        mean = result.ms
        p99 = lognormal_quantile(0.99, mean, result.variance)
        mean_text = f"mean L(flow {entry}) = {parts or '0'} + network {num(result.network_ms)} = {num(mean)} ms"
        text = (f"p99 L(flow {entry}) ≈ {num(p99)} ms: log-normal with mean {num(mean)} ms and standard deviation "
                f"{num(math.sqrt(result.variance))} ms (M/M/c response times, exponential service)")
        if result.fan_out:
            text += f"; parallel calls wait for the slowest ({', '.join(result.fan_out[:3])})"
        if result.lower_bound:
            text += " (lower bound: some service times unknown)"
            mean_text += " (lower bound: some service times unknown)"
        return FlowLatency(p99, result.path, result.lower_bound, None, text, mean, mean_text)

    def _hop(self, dep: Dependency) -> float:
        if dep.latency_ms is not None:
            return dep.latency_ms
        label = f"{dep.source} → {dep.target}"
        d = self.ctx.defaults
        if dep.cross_region:
            self.ctx.log.add(label, "latency_ms", d.cross_region_hop_latency_ms, "cross_region_hop_latency_ms", "not stated")
            return d.cross_region_hop_latency_ms
        self.ctx.log.add(label, "latency_ms", d.hop_latency_ms, "hop_latency_ms", "not stated")
        return d.hop_latency_ms

    def _visit(self, root: str) -> _Result:
        """Post-order walk with an explicit stack (no recursion limit); memoised per component."""
        frames: list[_Frame] = []
        on_path: set[str] = set()

        def enter(name: str) -> None:
            node = self.nodes.get(name, NodeLatency(None))
            result = _Result(node.ms or 0.0, name, node.ms, network_ms=0.0,
                             lower_bound=node.ms is None and self.ctx.comp(name).kind != "client",
                             saturated=name if node.saturated else None,
                             variance=node.variance if node.ms is not None else 0.0)
            frames.append(_Frame(name, self.calls.get(name, []), result))
            on_path.add(name)

        if root in self._memo:
            return self._memo[root]
        enter(root)
        while frames:
            frame = frames[-1]
            if frame.index < len(frame.deps):
                dep = frame.deps[frame.index]
                if dep.target in on_path:
                    frame.index += 1
                elif dep.target not in self._memo:
                    enter(dep.target)
                else:
                    self._consume(frame, dep, self._memo[dep.target])
                    frame.index += 1
                continue
            self._finish(frame)
            frames.pop()
            on_path.discard(frame.name)
        return self._memo[root]

    def _probability(self, dep: Dependency) -> tuple[int, float]:
        """(calls certainly made, probability of one more): 2.5 calls → (2, 0.5); 0.3 → (0, 0.3)."""
        calls = (dep.calls_per_request if dep.calls_per_request is not None else 1.0) * self.ctx.route_share(dep)
        whole = math.floor(calls + 1e-9)
        return whole, max(0.0, calls - whole) if calls - whole > 1e-9 else 0.0

    def _consume(self, frame: _Frame, dep: Dependency, child: _Result) -> None:
        result, hop = frame.result, self._hop(dep)
        result.lower_bound |= child.lower_bound
        result.saturated = result.saturated or child.saturated
        if dep.parallel:
            frame.parallel.append((dep, hop, child))
            return
        whole, extra = self._probability(dep)
        one = hop + child.ms
        for times, p in ((whole, 1.0), (1, extra)):
            if times <= 0 or p <= 0:
                continue
            self._add(result, child, hop, times * p, times * (p * (child.variance + one * one) - (p * one) * (p * one)))
        weight = (whole + extra) * one
        if weight > frame.slowest[0]:
            frame.slowest = (weight, child)

    def _finish(self, frame: _Frame) -> None:
        if frame.parallel:
            branches: list[tuple[float, float]] = []
            slowest: tuple[float, _Result, float] | None = None
            for dep, hop, child in frame.parallel:
                whole, extra = self._probability(dep)
                one = hop + child.ms
                for _ in range(min(whole, 1000)):
                    branches.append((one, child.variance))
                if extra > 0:
                    branches.append((extra * one, extra * (child.variance + one * one) - (extra * one) * (extra * one)))
                if slowest is None or one > slowest[0]:
                    slowest = (one, child, hop)
            branches = [b for b in branches if b[0] > 0]
            if branches and slowest is not None:
                mean, variance, _ = parallel_moments(branches)
                one, child, hop = slowest
                ratio = mean / one if one > 0 else 1.0
                self._add(frame.result, child, hop, ratio, variance)
                if len(branches) > 1:
                    frame.result.fan_out.append(f"{frame.name}: {len(branches)} calls")
                if mean > frame.slowest[0]:
                    frame.slowest = (mean, child)
        frame.result.slowest = frame.slowest[1]
        frame.result.order = len(self._memo)
        self._memo[frame.name] = frame.result

    @staticmethod
    def _add(result: _Result, child: _Result, hop: float, times: float, variance: float) -> None:
        result.ms += times * (hop + child.ms)
        result.network_ms += times * (hop + child.network_ms)
        result.variance += max(0.0, variance)
        result.adds.append((child, times))
        for note in child.fan_out:
            if len(result.fan_out) >= _FAN_OUT_SHOWN:
                break
            if note not in result.fan_out:
                result.fan_out.append(note)
