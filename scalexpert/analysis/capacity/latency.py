"""Latency along the slowest synchronous path of an entry flow (D08).

``L(v) = R(v) + Σ_sequential ⌈calls⌉ · (hop + L(w)) + max_parallel (hop + L(w))`` over v's synchronous
dependencies; ``R(v) = service_time_ms × queueing factor`` (no queueing delay is added where ρ is
unknown, and the result is unbounded where ρ ≥ 1); ``hop`` is the dependency's ``latency_ms`` or
the default per-hop round trip. Calls marked ``parallel: true`` run side by side, so only the
slowest counts. A component without a service time adds nothing and makes the estimate a lower
bound. A dependency back into the current path (a cycle) is not followed again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...model import Dependency
from .context import Context
from .notation import num
from ..graph import is_sync


@dataclass(frozen=True)
class NodeLatency:
    """Latency of one component's own work."""

    ms: float | None  # None: service time unknown
    saturated: bool = False


@dataclass
class _Result:
    ms: float
    path: list[str]
    terms: dict[str, float] = field(default_factory=dict)
    network_ms: float = 0.0
    lower_bound: bool = False
    saturated: str | None = None


@dataclass
class _Frame:
    name: str
    deps: list[Dependency]
    result: _Result
    index: int = 0
    parallel: tuple[float, _Result, float] | None = None
    slowest: tuple[float, list[str]] = (-1.0, [])


@dataclass(frozen=True)
class FlowLatency:
    """Latency estimate of one entry flow."""

    ms: float | None
    path: list[str]
    lower_bound: bool
    saturated: str | None
    text: str


class LatencyModel:
    """Computes flow latencies from per-component latencies."""

    def __init__(self, ctx: Context, nodes: dict[str, NodeLatency]) -> None:
        self.ctx = ctx
        self.nodes = nodes
        self.calls: dict[str, list[Dependency]] = {}
        for dep in sorted(ctx.arch.dependencies, key=lambda d: (d.source, d.target)):
            known = dep.source in ctx.arch.components and dep.target in ctx.arch.components
            if known and is_sync(dep) and not ctx.is_skipped(dep) and dep.source != dep.target and dep.calls_per_request != 0:
                self.calls.setdefault(dep.source, []).append(dep)
        self._memo: dict[str, _Result] = {}

    def flow(self, entry: str) -> FlowLatency:
        """Latency estimate from ``entry``."""
        result = self._visit(entry)
        if result.saturated is not None:
            return FlowLatency(None, result.path, result.lower_bound, result.saturated,
                               f"L(flow {entry}) unbounded: ρ({result.saturated}) ≥ 1")
        if not result.terms:
            return FlowLatency(None, result.path, True, None, "")
        parts = " + ".join(f"{name} {num(ms)}" for name, ms in result.terms.items() if ms > 0)
        text = f"L(flow {entry}) = {parts or '0'} + network {num(result.network_ms)} = {num(result.ms)} ms"
        if result.lower_bound:
            text += " (lower bound: some service times unknown)"
        return FlowLatency(result.ms, result.path, result.lower_bound, None, text)

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
            result = _Result(node.ms or 0.0, [name], {name: node.ms} if node.ms is not None else {}, 0.0,
                             node.ms is None and self.ctx.comp(name).kind != "client", name if node.saturated else None)
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

    def _consume(self, frame: _Frame, dep: Dependency, child: _Result) -> None:
        result, hop = frame.result, self._hop(dep)
        result.lower_bound |= child.lower_bound
        result.saturated = result.saturated or child.saturated
        if dep.parallel:
            if frame.parallel is None or hop + child.ms > frame.parallel[0]:
                frame.parallel = (hop + child.ms, child, hop)
            return
        times = max(1, math.ceil((dep.calls_per_request or 1.0) - 1e-9))
        self._add(result, child, hop, times)
        if times * (hop + child.ms) > frame.slowest[0]:
            frame.slowest = (times * (hop + child.ms), child.path)

    def _finish(self, frame: _Frame) -> None:
        if frame.parallel is not None:
            total, child, hop = frame.parallel
            self._add(frame.result, child, hop, 1)
            if total > frame.slowest[0]:
                frame.slowest = (total, child.path)
        frame.result.path = [frame.name, *frame.slowest[1]]
        self._memo[frame.name] = frame.result

    @staticmethod
    def _add(result: _Result, child: _Result, hop: float, times: int) -> None:
        result.ms += times * (hop + child.ms)
        result.network_ms += times * (hop + child.network_ms)
        for name, ms in child.terms.items():
            result.terms[name] = result.terms.get(name, 0.0) + times * ms
