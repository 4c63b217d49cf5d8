"""Graph analysis of an architecture (networkx): flows, cycles, depth, fan-in/out, SPOFs, blast radius.

Edges point from caller to callee. What an edge means (docs/format.md, "What a dependency means"):

- Only **request** edges (``role`` request, or not stated) are on the request path; start-up, health,
  admin and batch edges enter no request-path figure (SPOF, blast radius, flows, depth, timeout
  budgets, fan-out, retry amplification). Rules about those roles read ``role`` themselves.
- A request edge is **hard** (its failure fails the caller) when it is sync, not stated soft, and has
  no fallback. Mode defaults to sync; a sync edge is hard unless stated otherwise, an async one soft.
- Each request edge carries a **weight**: the probability that one request of the caller uses it.
  Under one-of routing it is the route's share (stated, or the unstated remainder split equally, an
  assumption); under fan-out it is ``calls_per_request`` below 1 (a probability), else 1.
- Queues and streams reach their consumers (``messaging.consumed_by``) over soft delivery edges, so
  that workers are on the request path without being hard dependencies.

The blast radius of a component is the share of entry traffic that reaches it over hard edges:
the entry points' traffic shares pushed forward along hard edges, multiplied by each edge's weight,
capped at 1 (routes of a one-of caller are disjoint, so their shares add; calls that fan out from one
request reach the same requests, so the cap keeps a diamond at the caller's own share).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import networkx as nx

from ..model import COMPUTE_KINDS, STATEFUL_KINDS, Architecture, Component, Dependency
from .graph_model import ComponentGraph, CycleGraph, DependencyGraph, FlowGraph, SystemGraph
from .ratios import RATIO_SOURCES, component_ratios, peak_to_average, ratio_notes

_ENTRY_KINDS = ("client", "cdn", "dns", "load-balancer", "api-gateway")
_ROUTES_SHOWN = 3
_ROUTES_KEPT = _ROUTES_SHOWN + 1
"""Route names the blast radius carries along: the first few in name order, enough to say "and others"
(carrying them all would copy every route's name into everything below a wide one-of)."""
_MACHINE_DOMAINS = ("host", "vm", "rack")
"""Failure domain kinds that make replicas placed together fail together (a cluster or runtime is shared
by design and factored into availability, but not reported as defeated redundancy)."""
"""Route names a blast radius message lists before "and others"."""


@dataclass
class GraphAnalysis:
    """Everything graph analysis derived, keyed by component name or dependency index."""

    components: dict[str, ComponentGraph] = field(default_factory=dict)
    dependencies: list[DependencyGraph] = field(default_factory=list)
    flows: list[FlowGraph] = field(default_factory=list)
    cycles: list[CycleGraph] = field(default_factory=list)
    system: SystemGraph | None = None
    entry_points: list[str] = field(default_factory=list)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per component: graph field → how it was derived, in words."""
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per component: graph field → the input field it rests on (for positions)."""
    remedies: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per component: graph field → the change to the input that would make it false."""


def is_sync(dep: Dependency) -> bool:
    """The caller waits for the answer (sync is assumed when the mode is not stated)."""
    return dep.mode != "async"


def is_hard(dep: Dependency) -> bool:
    """The caller fails when the target fails (stated, or assumed from the mode)."""
    return dep.hard if dep.hard is not None else is_sync(dep)


def blocks_caller(dep: Dependency) -> bool:
    """A request-path call whose failure fails the caller's request: sync, hard and without fallback."""
    return dep.on_request_path and is_sync(dep) and is_hard(dep) and not dep.fallback


@dataclass(frozen=True)
class Route:
    """How one dependency is used per request of its caller."""

    weight: float
    """Probability that one request of the caller takes this edge (0 for edges off the request path)."""
    assumed: bool
    """The weight is an equal split of a one-of caller's unstated shares (an assumption)."""


def route_weights(arch: Architecture) -> list[Route]:
    """Per dependency (same order): the probability that one request of its caller uses it.

    Under one-of routing a route's probability is its ``share``; a route without a share but with
    ``calls_per_request`` of at most 1 states its probability that way; the other routes split what is
    left equally (an assumption when there are several). Under fan-out it is ``calls_per_request``
    below 1, else 1.
    """
    routes = [Route(0.0, False)] * len(arch.dependencies)
    by_source: dict[str, list[int]] = {}
    for index, dep in enumerate(arch.dependencies):
        if dep.on_request_path:
            by_source.setdefault(dep.source, []).append(index)
    for source, indexes in by_source.items():
        comp = arch.components.get(source)
        if comp is None or comp.route_mode != "one-of":
            for i in indexes:
                calls = arch.dependencies[i].calls_per_request
                routes[i] = Route(1.0 if calls is None else min(1.0, calls), False)
            continue
        known = {i: _route_probability(arch.dependencies[i]) for i in indexes}
        unknown = [i for i, p in known.items() if p is None]
        rest = max(0.0, 1.0 - sum(p for p in known.values() if p is not None)) / len(unknown) if unknown else 0.0
        for i, p in known.items():
            routes[i] = Route(rest, len(unknown) > 1) if p is None else Route(p, False)
    return routes


def _route_probability(dep: Dependency) -> float | None:
    """A one-of route's stated probability: share (times a call probability below 1), else
    calls_per_request when it is at most 1; None when the file states neither."""
    calls = dep.calls_per_request
    if dep.share is not None:
        return dep.share * (1.0 if calls is None else min(1.0, calls))
    return calls if calls is not None and calls <= 1 else None


def entry_points(arch: Architecture) -> list[str]:
    """Stated entry points, or components of an edge kind that nothing calls, or roots of the graph."""
    stated = arch.system.entry_points
    if stated:
        return [e if isinstance(e, str) else e.component for e in stated]
    called = {d.target for d in arch.dependencies if d.on_request_path}
    consumed = {c for comp in arch.components.values() if comp.messaging for c in comp.messaging.consumed_by or []}
    roots = [n for n in sorted(arch.components) if n not in called and n not in consumed]
    edge = [n for n in roots if arch.components[n].kind in _ENTRY_KINDS]
    return edge or [n for n in roots if arch.components[n].kind not in STATEFUL_KINDS]


def entry_shares(arch: Architecture, entries: list[str]) -> dict[str, float]:
    """Share of the system's traffic entering at each entry point (even split when unstated)."""
    peaks: dict[str, float | None] = {}
    for entry in arch.system.entry_points or []:
        if not isinstance(entry, str):
            peaks[entry.component] = entry.traffic.peak_rps if entry.traffic else None
    known = {name: peaks.get(name) for name in entries}
    if entries and all(v is not None for v in known.values()) and sum(v or 0 for v in known.values()) > 0:
        total = sum(v or 0 for v in known.values())
        return {name: (v or 0) / total for name, v in known.items()}
    return {name: 1 / len(entries) for name in entries} if entries else {}


def min_replicas(comp: Component) -> int | None:
    """Fewest replicas: autoscaling min when autoscaling is on, else replicas."""
    scaling = comp.autoscaler
    if scaling and scaling.enabled and scaling.min is not None:
        return scaling.min
    return comp.replicas


def max_replicas(comp: Component) -> int | None:
    """Most replicas: autoscaling max when autoscaling is on, else replicas."""
    scaling = comp.autoscaler
    if scaling and scaling.enabled and scaling.max is not None:
        return scaling.max
    return comp.replicas


def redundancy(comp: Component) -> tuple[bool | None, bool | None]:
    """(survives losing an instance, survives losing a zone); None where the file does not say."""
    if comp.managed:
        return True, True
    if comp.kind in ("external", "client", "dns", "cdn"):
        return None, None
    replicas = min_replicas(comp)
    zones = comp.zone_count
    failover = comp.data.replication.failover if comp.data and comp.data.replication else None
    if comp.kind in ("database", "search", "coordination") and failover in ("manual", "none"):
        return False, False
    if replicas is None:
        return None, None
    instance = replicas >= 2
    zone = None if zones is None else instance and zones >= 2
    if not instance:
        zone = False
    return instance, zone


def build_graph(arch: Architecture, routes: list[Route] | None = None) -> nx.DiGraph:
    """Directed graph of components; edge attributes ``dep`` (index, None for a consumer's delivery
    edge), ``request`` (on the request path), ``sync`` (a request-path call the caller waits for),
    ``hard`` (its failure fails the caller's request) and ``weight`` (see ``route_weights``)."""
    routes = routes if routes is not None else route_weights(arch)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(sorted(arch.components))
    for index, dep in enumerate(arch.dependencies):
        request = dep.on_request_path
        graph.add_edge(dep.source, dep.target, dep=index, request=request, sync=request and is_sync(dep),
                       hard=blocks_caller(dep) and routes[index].weight > 0, weight=routes[index].weight)
    for name in sorted(arch.components):
        comp = arch.components[name]
        for consumer in (comp.messaging.consumed_by or []) if comp.messaging else []:
            if not graph.has_edge(name, consumer):
                graph.add_edge(name, consumer, dep=None, request=True, sync=False, hard=False, weight=1.0)
    return graph


def _subgraph(graph: nx.DiGraph, attribute: str) -> nx.DiGraph:
    sub: nx.DiGraph[str] = nx.DiGraph()
    sub.add_nodes_from(graph.nodes)
    sub.add_edges_from((u, v, data) for u, v, data in graph.edges(data=True) if data[attribute])
    return sub


def _depths(sync: nx.DiGraph, sccs: list[set[str]] | None = None) -> tuple[dict[str, int], dict[str, str | None]]:
    """Longest sync chain below each node (cycles condensed), and the next node on that chain.

    One pass over the condensation: a node keeps only the first step of its chain (:func:`_chain`
    follows the steps), so that a long chain costs its length, not its length squared. ``sccs``: the
    graph's strongly connected components in networkx's order, when computed already.
    """
    condensed = nx.condensation(sync, scc=sccs)
    members = condensed.graph["mapping"]
    first = {scc: min(condensed.nodes[scc]["members"]) for scc in condensed.nodes}
    depth: dict[int, int] = {}
    below: dict[int, int | None] = {}
    for scc in reversed(list(nx.topological_sort(condensed))):
        child = min(condensed.successors(scc), key=lambda c: (-depth[c], first[c]), default=None)
        depth[scc] = 1 + depth[child] if child is not None else 0
        below[scc] = child
    by_node = {n: depth[members[n]] for n in sync.nodes}
    step = {n: (first[below[members[n]]] if below[members[n]] is not None else None) for n in sync.nodes}  # type: ignore[index]
    return by_node, step


def _chain(step: dict[str, str | None], start: str) -> list[str]:
    """The longest sync chain from ``start``: ``start`` and then the first member of each part below."""
    chain = [start]
    node = step.get(start)
    while node is not None:
        chain.append(node)
        node = step.get(node)
    return chain


def _retry_amplification(arch: Architecture, sync: nx.DiGraph, entries: Iterable[str],
                         cycles: list[list[str]] | None = None) -> dict[str, tuple[float, int]]:
    """Worst (product of 1 + retries, retrying layers) over sync paths from the entries, cycles cut
    (``cycles``: :func:`_sync_cycles` of ``sync``, when computed already)."""
    retries = {(d.source, d.target): d.retries or 0 for d in arch.dependencies}
    best: dict[str, tuple[float, int]] = {}
    dag: nx.DiGraph[str] = nx.DiGraph(sync)
    cut = _sync_cycles(sync) if cycles is None else cycles
    dag.remove_edges_from([(u, v) for cycle in cut for u, v in zip(cycle, cycle[1:] + cycle[:1])])
    try:
        order = list(nx.topological_sort(dag))
    except nx.NetworkXUnfeasible:  # pragma: no cover - cut above; guard against surprises
        dag = nx.DiGraph(nx.dfs_tree(dag))
        order = list(nx.topological_sort(dag))
    for entry in entries:
        best[entry] = max(best.get(entry, (1.0, 0)), (1.0, 0))
    for node in order:
        if node not in best:
            continue
        factor, layers = best[node]
        for child in sorted(dag.successors(node)):
            r = retries.get((node, child), 0)
            candidate = (factor * (1 + r), layers + (1 if r else 0))
            if candidate > best.get(child, (0.0, 0)):
                best[child] = candidate
    return best


def _sync_cycles(sync: nx.DiGraph, sccs: list[set[str]] | None = None) -> list[list[str]]:
    cycles = []
    for scc in nx.strongly_connected_components(sync) if sccs is None else sccs:
        if len(scc) > 1:
            sub = sync.subgraph(scc)
            start = min(scc)
            cycle = nx.find_cycle(sub, source=start)
            cycles.append([u for u, _ in cycle])
    return sorted(cycles)


def _reach(graph: nx.DiGraph, sources: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for source in sources:
        if source in graph and source not in seen:
            seen |= {source} | nx.descendants(graph, source)
    return seen


@dataclass
class _Blast:
    """Share of entry traffic that reaches each component over hard edges."""

    radius: dict[str, float]
    """With unstated route shares split equally (the assumption)."""
    stated: dict[str, float]
    """From stated shares only (routes of unstated share count 0): what the file alone supports."""
    routes: dict[str, tuple[str, ...]]
    """Targets of the routes of unstated share that the traffic passed on its way (sorted)."""


def _blast(hard: nx.DiGraph, shares: dict[str, float], assumed: dict[tuple[str, str], bool]) -> _Blast:
    """Entry shares pushed along hard edges in topological order of the strongly connected parts.

    A cycle of hard calls fails as one: every member gets the traffic that reaches any of them.
    """
    condensed = nx.condensation(hard)
    members = condensed.graph["mapping"]
    inflow = {scc: 0.0 for scc in condensed.nodes}
    stated_inflow = dict(inflow)
    names: dict[int, set[str]] = {scc: set() for scc in condensed.nodes}
    for entry, share in shares.items():
        inflow[members[entry]] += share
        stated_inflow[members[entry]] += share
    radius: dict[str, float] = {}
    stated: dict[str, float] = {}
    routes: dict[str, tuple[str, ...]] = {}
    for scc in nx.topological_sort(condensed):
        value, certain = min(1.0, inflow[scc]), min(1.0, stated_inflow[scc])
        parts = sorted(condensed.nodes[scc]["members"])
        shown = tuple(sorted(names[scc]))
        for member in parts:
            radius[member], stated[member], routes[member] = value, certain, shown
        if value <= 0:
            continue
        for member in parts:
            for target, data in hard.adj[member].items():
                other = members[target]
                if other == scc:
                    continue
                inflow[other] += value * data["weight"]
                if assumed.get((member, target)):
                    names[other].add(target)
                else:
                    stated_inflow[other] += certain * data["weight"]
                names[other] |= names[scc]
                if len(names[other]) > _ROUTES_KEPT:  # only the first few are ever shown
                    names[other] = set(sorted(names[other])[:_ROUTES_KEPT])
    return _Blast(radius, stated, routes)


@dataclass
class _Context:
    """What every fact builder reads: the graphs, routes, entries and the figures derived from them."""

    arch: Architecture
    graph: nx.DiGraph
    request: nx.DiGraph
    sync: nx.DiGraph
    hard: nx.DiGraph
    routes: list[Route]
    entries: list[str]
    shares: dict[str, float]
    depth: dict[str, int]
    chains: dict[str, str | None]
    """Per component: the next component on its longest sync chain (see :func:`_chain`)."""
    cycles: list[list[str]]
    cycle_of: dict[str, int]
    amplification: dict[str, tuple[float, int]]
    request_path: set[str]
    flows_of: dict[str, set[str]]
    blast: _Blast
    sync_out: dict[str, list[int]]
    """Per component: indexes of its synchronous request-path dependencies."""

    @property
    def hard_path(self) -> set[str]:
        return set().union(*self.flows_of.values()) if self.flows_of else set()


def _context(arch: Architecture) -> _Context:
    routes = route_weights(arch)
    graph = build_graph(arch, routes)
    request, sync, hard = _subgraph(graph, "request"), _subgraph(graph, "sync"), _subgraph(graph, "hard")
    entries = [e for e in entry_points(arch) if e in graph]
    shares = entry_shares(arch, entries)
    sccs = list(nx.strongly_connected_components(sync))  # once, for the depths, the cycles and the retries
    depth, chains = _depths(sync, sccs)
    cycle_of = {n: i for i, scc in enumerate(sorted(map(sorted, sccs))) if len(scc) > 1 for n in scc}
    cycles = _sync_cycles(sync, sccs)
    assumed = {(d.source, d.target): r.assumed for d, r in zip(arch.dependencies, routes)}
    sync_out: dict[str, list[int]] = {}
    for index, dep in enumerate(arch.dependencies):
        if dep.on_request_path and is_sync(dep):
            sync_out.setdefault(dep.source, []).append(index)
    return _Context(
        arch=arch, graph=graph, request=request, sync=sync, hard=hard, routes=routes, entries=entries,
        shares=shares, depth=depth, chains=chains, cycles=cycles, cycle_of=cycle_of,
        amplification=_retry_amplification(arch, sync, entries, cycles), request_path=_reach(request, entries),
        flows_of={e: _reach(hard, [e]) for e in entries}, blast=_blast(hard, shares, assumed), sync_out=sync_out,
    )


def analyse_graph(arch: Architecture) -> GraphAnalysis:
    """Derive the graph facts of an architecture."""
    ctx = _context(arch)
    result = GraphAnalysis(entry_points=ctx.entries)
    _component_facts(ctx, result)
    result.dependencies = _dependency_facts(ctx, result)
    result.flows = _flow_facts(ctx)
    result.cycles = [CycleGraph(first=min(c), members=" → ".join([*c, c[0]]), size=len(c)) for c in ctx.cycles]
    result.system = _system_facts(ctx)
    return result


@dataclass(frozen=True)
class _Domains:
    """Per component: the shared failure domains that rules report on."""

    machine: dict[str, str]
    """Component → 'host-1 (host)': the first host, VM or rack it sits in."""
    routes: dict[str, str]
    """One-of component → a host, VM or rack that every one of its two or more routes sits in."""
    server: dict[str, tuple[str, tuple[str, ...], int]]
    """Component in a database-server domain → (domain, its members, distinct compute clients of them)."""


def _domains(ctx: _Context) -> _Domains:
    arch = ctx.arch
    declared = arch.system.failure_domains or {}

    def words(name: str) -> str:
        return f"{name} ({declared[name].kind})" if name in declared else name

    machine: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for name in sorted(arch.components):
        for domain in arch.components[name].failure_domains or []:
            kind = declared[domain].kind if domain in declared else None
            if kind in _MACHINE_DOMAINS:
                machine.setdefault(name, domain)
            if kind == "database-server":
                members.setdefault(domain, []).append(name)
    routes: dict[str, str] = {}
    for name in sorted(arch.components):
        if arch.components[name].route_mode != "one-of":
            continue
        targets = {arch.dependencies[d["dep"]].target for _, _, d in ctx.graph.out_edges(name, data=True)
                   if d["dep"] is not None and d["request"]}
        if len(targets) < 2:
            continue
        common = set.intersection(*(set(arch.components[t].failure_domains or []) for t in targets))
        shared = sorted(d for d in common if d in declared and declared[d].kind in _MACHINE_DOMAINS)
        if shared:
            routes[name] = words(shared[0])
    server: dict[str, tuple[str, tuple[str, ...], int]] = {}
    callers: dict[str, set[str]] = {}  # target → its compute callers on the request path (one pass, not one per domain)
    if members:
        for d in arch.dependencies:
            if d.on_request_path and arch.components[d.source].kind in COMPUTE_KINDS:
                callers.setdefault(d.target, set()).add(d.source)
    for domain, names in members.items():
        clients = set().union(*(callers.get(name, ()) for name in names))
        for name in names:
            server.setdefault(name, (domain, tuple(names), len(clients)))
    return _Domains({n: words(d) for n, d in machine.items()}, routes, server)


def _component_facts(ctx: _Context, result: GraphAnalysis) -> None:
    arch, graph = ctx.arch, ctx.graph
    hard_path = ctx.hard_path
    articulation = set(nx.articulation_points(_undirected(ctx.hard))) if ctx.hard.number_of_edges() else set()
    distance: dict[str, int] = {}
    for e in ctx.entries:
        for node, hops in nx.single_source_shortest_path_length(ctx.request, e).items():
            distance[node] = min(distance.get(node, hops), hops)
    fronted = {t for c in arch.components.values() if c.cache for t in c.cache.fronts or []}
    sessions: dict[str, int] = {}
    for comp in arch.components.values():
        if comp.session_store:
            sessions[comp.session_store] = sessions.get(comp.session_store, 0) + 1
    flows_through: dict[str, list[str]] = {}  # component → the entries whose hard flow reaches it, in entry order
    for entry, members in ctx.flows_of.items():
        for member in members:
            flows_through.setdefault(member, []).append(entry)
    domains = _domains(ctx)
    startup: dict[str, int] = {}
    for dep in arch.dependencies:
        if dep.role == "startup":
            startup[dep.source] = startup.get(dep.source, 0) + 1
    for name in sorted(arch.components):
        comp = arch.components[name]
        incoming = [arch.dependencies[d["dep"]] for _, _, d in graph.in_edges(name, data=True) if d["dep"] is not None]
        requests_in = [d for d in incoming if d.on_request_path]
        outgoing = [arch.dependencies[i] for i in ctx.sync_out.get(name, [])]
        calls = [ctx.routes[i].weight * _multiplier(arch.dependencies[i]) for i in ctx.sync_out.get(name, [])]
        instance, zone = redundancy(comp)
        ratios = component_ratios(arch, comp)
        flows = flows_through.get(name, [])
        on_hard_path = name in hard_path
        result.components[name] = ComponentGraph(
            is_entry=name in ctx.entries,
            callers=len({d.source for d in incoming}),
            fan_in=len({d.source for d in requests_in if is_sync(d)}),
            fan_out=len(outgoing),
            fan_out_calls=round(sum(calls), 6),
            hard_dependents=len({d.source for d in requests_in if blocks_caller(d)}),
            writers=len({d.source for d in incoming if d.writes}),
            compute_clients=len({d.source for d in incoming if arch.components[d.source].kind in COMPUTE_KINDS}),
            sync_depth=ctx.depth[name],
            in_cycle=name in ctx.cycle_of,
            on_request_path=name in ctx.request_path,
            on_hard_path=on_hard_path,
            critical=on_hard_path,
            min_replicas=min_replicas(comp),
            max_replicas=max_replicas(comp),
            zone_count=comp.zone_count,
            region_count=comp.region_count,
            redundant=instance,
            zone_redundant=zone,
            spof=on_hard_path and instance is False,
            articulation_point=name in articulation,
            entry_flows=len(flows),
            blast_radius=round(ctx.blast.radius.get(name, 0.0), 6) if on_hard_path else 0.0,
            blast_radius_stated=round(ctx.blast.stated.get(name, 0.0), 6) if on_hard_path else 0.0,
            blast_radius_assumed=bool(ctx.blast.routes.get(name)) and on_hard_path,
            blast_traffic=_traffic_words(ctx.blast, name) if on_hard_path else "no entry traffic",
            retry_amplification=ctx.amplification.get(name, (1.0, 0))[0],
            consumers=len(comp.messaging.consumed_by or []) if comp.messaging else 0,
            cached=name in fronted,
            session_clients=sessions.get(name, 0),
            depth_from_entry=distance.get(name),
            startup_dependencies=startup.get(name, 0),
            machine_domain=domains.machine.get(name),
            routes_domain=domains.routes.get(name),
            **_server_fields(name, domains),
            **cast("dict[str, Any]", ratios),
        )
        _explain(result, name, comp, flows)
        for key, note in ratio_notes(arch, comp, ratios).items():
            result.notes[name][key] = note
            result.sources[name][key] = RATIO_SOURCES[key]


def _undirected(graph: nx.DiGraph) -> nx.Graph:
    """The graph's nodes and edges without direction or attributes (``to_undirected`` deep-copies every
    edge's attributes, which articulation points never read)."""
    plain: nx.Graph[str] = nx.Graph()
    plain.add_nodes_from(graph.nodes)
    plain.add_edges_from(graph.edges)
    return plain


def _server_fields(name: str, domains: _Domains) -> dict[str, Any]:
    if name not in domains.server:
        return {}
    domain, members, clients = domains.server[name]
    return {"server_domain": domain, "server_members": ", ".join(members), "server_member_count": len(members),
            "server_lead": members[0] == name, "server_clients": clients}


def _multiplier(dep: Dependency) -> float:
    """Calls per use of an edge: calls_per_request above 1 (below 1 it is the edge's probability)."""
    return max(1.0, dep.calls_per_request) if dep.calls_per_request is not None else 1.0


def _percent(value: float) -> str:
    """A share in words, never rounded to 0 % or 100 % when it is neither."""
    if 0 < value < 0.005:
        return "under 1 %"
    if 0.995 <= value < 1:
        return "over 99 %"
    return f"{value:.0%}".replace("%", " %")


def _traffic_words(blast: _Blast, name: str) -> str:
    """'42 % of entry traffic', or 'the requests routed to x' where shares are not stated."""
    routes = blast.routes.get(name, ())
    if not routes:
        return f"{_percent(blast.radius.get(name, 0.0))} of entry traffic"
    shown = ", ".join(routes[:_ROUTES_SHOWN]) + (" and others" if len(routes) > _ROUTES_SHOWN else "")
    words = f"the requests routed to {shown}"
    certain = blast.stated.get(name, 0.0)
    return f"{_percent(certain)} of entry traffic and {words}" if certain > 0 else words


def _dependency_facts(ctx: _Context, result: GraphAnalysis) -> list[DependencyGraph]:
    arch = ctx.arch
    hard_path = ctx.hard_path
    inbound_timeout: dict[str, float] = {}
    for dep in arch.dependencies:
        if dep.timeout_ms is not None and dep.on_request_path:
            inbound_timeout[dep.target] = max(inbound_timeout.get(dep.target, 0.0), dep.timeout_ms)
    facts: list[DependencyGraph] = []
    for index, dep in enumerate(arch.dependencies):
        target = result.components[dep.target]
        request = dep.on_request_path
        facts.append(
            DependencyGraph(
                sync=request and is_sync(dep),
                hard_effective=blocks_caller(dep),
                request=request,
                route_share=round(ctx.routes[index].weight, 6),
                route_share_assumed=ctx.routes[index].assumed,
                source_kind=arch.components[dep.source].kind,
                target_kind=arch.components[dep.target].kind,
                target_redundant=target.redundant,
                target_min_replicas=target.min_replicas,
                target_availability=arch.components[dep.target].availability,
                target_fan_in=target.fan_in,
                target_sync_depth=target.sync_depth,
                target_cached=target.cached,
                on_cycle=request and is_sync(dep) and ctx.cycle_of.get(dep.source, -1) == ctx.cycle_of.get(dep.target, -2),
                on_hard_path=request and dep.source in hard_path,
                retry_amplification=ctx.amplification.get(dep.source, (1.0, 0))[0] * (1 + (dep.retries or 0)),
                caller_timeout_ms=inbound_timeout.get(dep.source),
                target_budget_ms=_budget(ctx, dep.target),
                sibling_sync_calls=len(ctx.sync_out.get(dep.source, [])),
            )
        )
    return facts


def _budget(ctx: _Context, name: str) -> float | None:
    """Worst time ``name`` may spend on its own sync calls, when every one has a timeout.

    Fan-out: sequential calls add up, parallel ones count once (the longest). One-of: a request takes
    one route, so the budget is the longest route's, not their sum.
    """
    own = [ctx.arch.dependencies[i] for i in ctx.sync_out.get(name, [])]
    if not own or any(d.timeout_ms is None for d in own):
        return None
    each = [(d, (1 + (d.retries or 0)) * (d.timeout_ms or 0.0)) for d in own]
    if ctx.arch.components[name].route_mode == "one-of":
        return max(t for _, t in each)
    return sum(t for d, t in each if not d.parallel) + max((t for d, t in each if d.parallel), default=0.0)


def _flow_facts(ctx: _Context) -> list[FlowGraph]:
    flows: list[FlowGraph] = []
    for entry in ctx.entries:
        reached = _reach(ctx.request, [entry])
        layers = 0
        worst = 1.0
        for node in reached:
            factor, count = ctx.amplification.get(node, (1.0, 0))
            worst, layers = max(worst, factor), max(layers, count)
        flows.append(
            FlowGraph(
                entry=entry,
                sync_depth=ctx.depth[entry],
                longest_path=" → ".join(_chain(ctx.chains, entry)),
                components=len(reached),
                hard_components=len(ctx.flows_of[entry]),
                retry_amplification=worst,
                retry_layers=layers,
                traffic_share=round(ctx.shares.get(entry, 0.0), 6),
            )
        )
    return flows


def _system_facts(ctx: _Context) -> SystemGraph:
    arch = ctx.arch
    sync_deps = [d for d in arch.dependencies if d.on_request_path and is_sync(d)]
    zones = set(arch.system.zones or []) | {z for c in arch.components.values() if isinstance(c.zones, list) for z in c.zones}
    regions = set(arch.system.regions or []) | {
        r for c in arch.components.values() if isinstance(c.regions, list) for r in c.regions
    }
    counted_regions = [c.region_count for c in arch.components.values() if c.region_count]
    counted_zones = [c.zone_count for c in arch.components.values() if c.zone_count]
    return SystemGraph(
        components=len(arch.components),
        services=sum(1 for c in arch.components.values() if c.kind in COMPUTE_KINDS),
        sync_dependencies=len(sync_deps),
        entry_points=len(ctx.entries),
        max_sync_depth=max((ctx.depth[e] for e in ctx.entries), default=0),
        cycles=len(ctx.cycles),
        sync_without_timeout_share=_share(sync_deps, lambda d: d.timeout_ms is None),
        sync_without_breaker_share=_share(sync_deps, lambda d: not d.circuit_breaker),
        zone_count=max([len(zones), *counted_zones]) or None,
        region_count=max([len(regions), *counted_regions]) or None,
        stateful_components=sum(1 for c in arch.components.values() if c.kind in STATEFUL_KINDS),
        peak_to_average=peak_to_average(arch),
    )


def _explain(result: GraphAnalysis, name: str, comp: Component, flows: list[str]) -> None:
    facts = result.components[name]
    notes: dict[str, str] = {}
    sources: dict[str, str] = {}
    remedies: dict[str, str] = {}
    scaling = comp.autoscaler
    replicas_field = "autoscaling.min" if scaling and scaling.enabled and scaling.min is not None else "replicas"
    if facts.min_replicas is not None:
        sources["graph.min_replicas"] = replicas_field
        notes["graph.min_replicas"] = f"{replicas_field} = {facts.min_replicas}"
    if facts.redundant is not None:
        why = "managed by a provider" if comp.managed else f"{replicas_field} = {facts.min_replicas}"
        failover = comp.data.replication.failover if comp.data and comp.data.replication else None
        if failover in ("manual", "none") and not comp.managed:
            why, sources["graph.redundant"] = f"failover = {failover}", "data.replication.failover"
            fix = f"data.replication.failover: {failover} → automatic"
            if facts.min_replicas is not None and facts.min_replicas < 2:
                fix = f"{replicas_field}: {facts.min_replicas} → 2 and {fix}"
        else:
            sources["graph.redundant"] = replicas_field
            fix = f"{replicas_field}: {facts.min_replicas} → 2"
        if facts.redundant is False:
            remedies["graph.redundant"] = remedies["graph.spof"] = fix
        notes["graph.redundant"] = f"redundant = {str(facts.redundant).lower()} because {why}"
    if flows:
        paths = ", ".join(flows)
        notes["graph.on_hard_path"] = f"entry points that fail without {name}: {paths}"
        share = "an equal split of unstated route shares (assumed)" if facts.blast_radius_assumed else "stated routes"
        notes["graph.blast_radius"] = (
            f"entry traffic through {paths} that reaches {name} over hard calls (no fallback), "
            f"weighted by routes and call probabilities = {facts.blast_radius:.0%}, from {share}"
        )
        notes["graph.blast_traffic"] = notes["graph.blast_radius"]
        if facts.spof:
            notes["graph.spof"] = f"{notes['graph.on_hard_path']}; {notes['graph.redundant']}"
            sources["graph.spof"] = sources.get("graph.redundant", replicas_field)
    if facts.sync_depth:
        notes["graph.sync_depth"] = f"{facts.sync_depth} synchronous hops below {name}"
    result.notes[name] = notes
    result.sources[name] = sources
    result.remedies[name] = remedies


def _share(items: list[Dependency], predicate: object) -> float:
    if not items:
        return 0.0
    test = predicate if callable(predicate) else (lambda _: False)
    return round(sum(1 for d in items if test(d)) / len(items), 6)
