"""Load propagation from the entry points through the dependency graph (D05/D06).

``λ(v) = Σ_u λ(u) · calls(u→v) · pass(u→v) · retry(u→v)``, with reads and writes tracked apart:

* an edge's ``read_share`` re-splits its calls; without it ``writes: true`` makes them all writes and
  ``writes: false`` all reads; otherwise the split of the caller's own load carries on (the system
  ``read_ratio`` at the entry). Where no split
  is known the load is *mixed* and read-only effects (caches, read replicas) do not apply to it;
* a cache the caller also calls, whose ``cache.fronts`` lists the target, lets only ``1 − hit_ratio``
  of the reads through; a CDN lets ``1 − cdn.hit_ratio`` of all requests through to its origins;
* retries inflate the expected load by ``1 + p_fail · retries``;
* an admission limit (a rate limit, a function's concurrency ÷ duration) passes on at most what it
  admits and rejects the rest;
* under ``routing: one-of`` each route carries its ``share`` of the caller's requests;
* start-up, health and administration edges carry no load;
* a queue or stream delivers ``min(arrival, drain)`` to its consumers (split between competing
  consumers of a queue by their instances; every consumer group of a stream gets all of it) and
  backlogs the rest.

Components are visited in topological order of the strongly connected components (networkx
condensation). Inside a cycle they are visited in depth-first order; an edge that closes a cycle
adds its load ``cycle_rounds`` times (default once) and is then cut, so propagation always ends.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import networkx as nx

from .context import Context, LoadEdge


class Load(NamedTuple):
    """Requests per second by kind: reads, writes and mixed (split unknown); ``known`` is False
    when some of it comes from an entry point without stated traffic.

    A named tuple rather than a frozen dataclass: the model makes hundreds of thousands of them
    for a large architecture, and a tuple is several times cheaper to create.
    """

    read: float = 0.0
    write: float = 0.0
    mixed: float = 0.0
    known: bool = True

    @property
    def total(self) -> float:
        """All requests per second."""
        return self.read + self.write + self.mixed

    def scaled(self, factor: float) -> Load:
        """Every part × factor."""
        return Load(self.read * factor, self.write * factor, self.mixed * factor, self.known)

    def __add__(self, other: object) -> Load:  # type: ignore[override]
        if not isinstance(other, Load):
            return NotImplemented
        return Load(self.read + other.read, self.write + other.write, self.mixed + other.mixed,
                    self.known and other.known)


ZERO = Load()


def entry_load(rate: float | None, read_ratio: float | None) -> Load:
    """The load of one entry point."""
    if rate is None:
        return Load(known=False)
    if read_ratio is None:
        return Load(mixed=rate)
    reads = rate * read_ratio
    return Load(read=reads, write=rate - reads if math.isfinite(rate) else rate * (1.0 - read_ratio))


class LoadModel:
    """Propagates entry traffic (peak or average, × a growth multiple) to every component."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.order, self.cycles = _visit_order(ctx)
        self.position = {name: i for i, name in enumerate(self.order)}
        self.incoming: dict[str, list[LoadEdge]] = {name: [] for name in ctx.names}
        for edge in ctx.edges:
            self.incoming[edge.target].append(edge)
        self.back_edges = [e for e in ctx.edges if self.position[e.source] >= self.position[e.target]]
        for edge in self.back_edges:
            ctx.log.add(edge.label, "cycle_rounds", ctx.defaults.cycle_rounds, "cycle_rounds",
                        "this call closes a dependency cycle: its load is added once, then the cycle is cut")
        self._cache: dict[tuple[str, float], dict[str, Load]] = {}
        self._carried: dict[tuple[str, float], dict[tuple[str, str], Load]] = {}
        self._within: dict[tuple[str, float], dict[str, Load]] = {}
        self._within_plan: dict[frozenset[str], tuple[list[Any], list[str]]] = {}
        # per component in visit order: (edge, source comes first, calls factor, queue drain or admission limit rps)
        self._plan = [(name, [(edge, self.position[edge.source] < self.position[name],
                               edge.calls * edge.all_pass * edge.retry_factor,
                               ctx.drains[edge.source].drain_rps if edge.delivery else ctx.admission.get(edge.source))
                              for edge in self.incoming[name]]) for name in self.order]

    def loads(self, series: str = "peak", multiple: float = 1.0) -> dict[str, Load]:
        """Load of every component for the ``peak`` or ``average`` series at a multiple of today."""
        return self._run(series, multiple)[0]

    def contributions(self, series: str = "peak", multiple: float = 1.0) -> dict[tuple[str, str], Load]:
        """What each load edge carried, by (source, target), in the same run."""
        key = (series, multiple)
        if key not in self._carried:
            self._cache[key], self._carried[key] = self._propagate(series, multiple, carry=True)
        return self._carried[key]

    def loads_within(self, names: frozenset[str], series: str = "peak", multiple: float = 1.0) -> dict[str, Load]:
        """Loads of ``names`` (a set closed under callees, e.g. the components behind queues) at a multiple.

        Only the calls into ``names`` are propagated; every other component's load is today's ×
        ``multiple``, which is what a full run gives when nothing outside ``names`` is levelled by a
        queue (equal up to floating-point rounding). With cycles, a full run is made instead.
        """
        key = (series, multiple)
        if self.back_edges or key in self._cache:
            return self._run(series, multiple)[0]
        if key not in self._within:
            plan, outside = self._within_plan.get(names) or self._plan_within(names)
            base = self.loads(series, 1.0)
            seed = {source: base[source].scaled(multiple) for source in outside}
            self._within[key] = self._propagate(series, multiple, plan=plan, seed=seed)[0]
        return self._within[key]

    def _plan_within(self, names: frozenset[str]) -> tuple[list[Any], list[str]]:
        plan = [(name, edges) for name, edges in self._plan if name in names]
        outside = sorted({edge.source for _, edges in plan for edge, *_ in edges if edge.source not in names})
        plan = [(name, [(edge, True if edge.source not in names else forward, factor, drain)
                        for edge, forward, factor, drain in edges]) for name, edges in plan]
        self._within_plan = {names: (plan, outside)}
        return plan, outside

    def _run(self, series: str, multiple: float) -> tuple[dict[str, Load], dict[tuple[str, str], Load]]:
        key = (series, multiple)
        if key not in self._cache:
            self._cache[key] = self._propagate(series, multiple)[0]
        return self._cache[key], self._carried.get(key, {})

    def _propagate(self, series: str, multiple: float, *, carry: bool = False, plan: list[Any] | None = None,
                   seed: dict[str, Load] | None = None) -> tuple[dict[str, Load], dict[tuple[str, str], Load]]:
        """One pass in visit order (more when cycles were cut); ``carry`` keeps each edge's share.

        The arithmetic is inlined on plain floats: the model runs this for every series and growth
        multiple, over every edge (at 10,000 components, 44 runs over 15,000 edges).
        """
        inputs: dict[str, Load] = {}
        for entry in self.ctx.entries:
            rate = entry.peak if series == "peak" else entry.average
            load = entry_load(None if rate is None else rate * multiple, entry.read_ratio)
            inputs[entry.name] = inputs.get(entry.name, ZERO) + load
        sweeps = 1 + (self.ctx.defaults.cycle_rounds if self.back_edges else 0)
        previous: dict[str, Load] = {}
        current: dict[str, Load] = {}
        carried: dict[tuple[str, str], Load] = {}
        for _ in range(sweeps):
            current, carried = dict(seed or {}), {}
            for name, edges in plan or self._plan:
                r, w, m, k = inputs.get(name, ZERO)
                for edge, forward, factor, drain in edges:
                    sr, sw, sm, sk = current[edge.source] if forward else previous.get(edge.source, ZERO)
                    if edge.delivery:
                        total = sr + sw + sm
                        factor = (drain / total if drain is not None and total > drain else 1.0) * edge.share
                        cr, cw, cm = sr * factor, sw * factor, sm * factor
                    else:
                        if drain is not None:  # an admission limit passes on at most what it admits
                            total = sr + sw + sm
                            if total > drain:
                                cut = drain / total
                                sr, sw, sm = sr * cut, sw * cut, sm * cut
                        cr, cw, cm = sr * factor, sw * factor, sm * factor
                        if edge.read_share is not None:
                            total = cr + cw + cm
                            cr = total * edge.read_share
                            cw = total - cr if math.isfinite(total) else total * (1.0 - edge.read_share)
                            cm = 0.0
                        if edge.read_pass != 1.0:
                            if cm > 0:
                                self.ctx.log.add(edge.label, "cache_absorption", 0.0, reason=(
                                    "read/write split unknown (no read_ratio or read_share): no reads absorbed by the cache"))
                            cr = cr * edge.read_pass
                    if carry:
                        carried[(edge.source, edge.target)] = Load(cr, cw, cm, sk)
                    r, w, m, k = r + cr, w + cw, m + cm, k and sk
                current[name] = Load(r, w, m, k)
            previous = current
        return current, carried


def _visit_order(ctx: Context) -> tuple[list[str], list[list[str]]]:
    """Components in topological order of their strongly connected components; cycles found."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(ctx.names)
    graph.add_edges_from((e.source, e.target) for e in ctx.edges)
    condensed = nx.condensation(graph)
    members = {i: sorted(condensed.nodes[i]["members"]) for i in condensed.nodes}
    starts = {e.name for e in ctx.entries}
    order: list[str] = []
    cycles: list[list[str]] = []
    for scc in nx.lexicographical_topological_sort(condensed, key=lambda i: members[i][0]):
        group = members[scc]
        if len(group) == 1:
            order.extend(group)
            continue
        cycles.append(group)
        inside = set(group)
        entered = sorted(n for n in group if n in starts or any(p not in inside for p in graph.predecessors(n)))
        seen: list[str] = []
        for root in entered + group:
            _dfs(graph, root, inside, seen)
        order.extend(seen)
    return order, cycles


def _dfs(graph: nx.DiGraph, root: str, inside: set[str], seen: list[str]) -> None:
    stack = [root]
    visited = set(seen)
    while stack:
        node = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        seen.append(node)
        stack.extend(sorted((s for s in graph.successors(node) if s in inside and s not in visited), reverse=True))
