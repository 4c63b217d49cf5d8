"""Graph analysis of an architecture (networkx): flows, cycles, depth, fan-in/out, SPOFs, blast radius.

Edges point from caller to callee. Mode defaults to sync; a sync edge is hard unless stated
otherwise, an async one soft. Queues and streams reach their consumers (``messaging.consumed_by``)
over soft delivery edges, so that workers are on the request path without being hard dependencies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ..model import COMPUTE_KINDS, STATEFUL_KINDS, Architecture, Component, Dependency
from .graph_model import ComponentGraph, CycleGraph, DependencyGraph, FlowGraph, SystemGraph
from .ratios import RATIO_SOURCES, component_ratios, peak_to_average, ratio_notes

_ENTRY_KINDS = ("client", "cdn", "dns", "load-balancer", "api-gateway")


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


def entry_points(arch: Architecture) -> list[str]:
    """Stated entry points, or components of an edge kind that nothing calls, or roots of the graph."""
    stated = arch.system.entry_points
    if stated:
        return [e if isinstance(e, str) else e.component for e in stated]
    called = {d.target for d in arch.dependencies}
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


def build_graph(arch: Architecture) -> nx.DiGraph:
    """Directed graph of components; edge attribute ``dep`` (index) or ``delivery`` for consumers."""
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(arch.components))
    for index, dep in enumerate(arch.dependencies):
        graph.add_edge(dep.source, dep.target, dep=index, sync=is_sync(dep), hard=is_hard(dep) and is_sync(dep))
    for name in sorted(arch.components):
        comp = arch.components[name]
        for consumer in (comp.messaging.consumed_by or []) if comp.messaging else []:
            if not graph.has_edge(name, consumer):
                graph.add_edge(name, consumer, dep=None, sync=False, hard=False)
    return graph


def _subgraph(graph: nx.DiGraph, attribute: str) -> nx.DiGraph:
    sub = nx.DiGraph()
    sub.add_nodes_from(graph.nodes)
    sub.add_edges_from((u, v) for u, v, data in graph.edges(data=True) if data[attribute])
    return sub


def _depths(sync: nx.DiGraph) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Longest sync chain below each node (cycles condensed) and that chain."""
    condensed = nx.condensation(sync)
    members = condensed.graph["mapping"]
    depth: dict[int, int] = {}
    path: dict[int, list[int]] = {}
    for scc in reversed(list(nx.topological_sort(condensed))):
        children = sorted(condensed.successors(scc), key=lambda c: (-depth[c], min(condensed.nodes[c]["members"])))
        depth[scc] = 1 + depth[children[0]] if children else 0
        path[scc] = [scc, *path[children[0]]] if children else [scc]
    by_node = {n: depth[members[n]] for n in sync.nodes}
    chains = {n: [n] + [min(condensed.nodes[s]["members"]) for s in path[members[n]][1:]] for n in sync.nodes}
    return by_node, chains


def _retry_amplification(arch: Architecture, sync: nx.DiGraph, entries: Iterable[str]) -> dict[str, tuple[float, int]]:
    """Worst (product of 1 + retries, retrying layers) over sync paths from the entries, cycles cut."""
    retries = {(d.source, d.target): d.retries or 0 for d in arch.dependencies}
    best: dict[str, tuple[float, int]] = {}
    dag = nx.DiGraph(sync)
    dag.remove_edges_from([(u, v) for cycle in _sync_cycles(sync) for u, v in zip(cycle, cycle[1:] + cycle[:1])])
    if not nx.is_directed_acyclic_graph(dag):  # pragma: no cover - cut above; guard against surprises
        dag = nx.DiGraph(nx.dfs_tree(dag))
    for entry in entries:
        best[entry] = max(best.get(entry, (1.0, 0)), (1.0, 0))
    for node in nx.topological_sort(dag):
        if node not in best:
            continue
        factor, layers = best[node]
        for child in sorted(dag.successors(node)):
            r = retries.get((node, child), 0)
            candidate = (factor * (1 + r), layers + (1 if r else 0))
            if candidate > best.get(child, (0.0, 0)):
                best[child] = candidate
    return best


def _sync_cycles(sync: nx.DiGraph) -> list[list[str]]:
    cycles = []
    for scc in nx.strongly_connected_components(sync):
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


def analyse_graph(arch: Architecture) -> GraphAnalysis:
    """Derive the graph facts of an architecture."""
    graph = build_graph(arch)
    sync = _subgraph(graph, "sync")
    hard = _subgraph(graph, "hard")
    entries = [e for e in entry_points(arch) if e in graph]
    shares = entry_shares(arch, entries)
    depth, chains = _depths(sync)
    cycles = _sync_cycles(sync)
    cycle_of = {n: i for i, scc in enumerate(sorted(map(sorted, nx.strongly_connected_components(sync)))) if len(scc) > 1 for n in scc}
    in_cycle = set(cycle_of)
    amplification = _retry_amplification(arch, sync, entries)
    request_path = _reach(graph, entries)
    flows_of = {e: _reach(hard, [e]) for e in entries}
    hard_path = set().union(*flows_of.values()) if flows_of else set()
    no_fallback = nx.DiGraph()
    no_fallback.add_nodes_from(graph.nodes)
    no_fallback.add_edges_from(
        (d.source, d.target) for d in arch.dependencies if is_sync(d) and is_hard(d) and not d.fallback
    )
    critical = _reach(no_fallback, entries)
    articulation = set(nx.articulation_points(hard.to_undirected())) if hard.number_of_edges() else set()
    distance: dict[str, int] = {}
    for e in entries:
        for node, hops in nx.single_source_shortest_path_length(graph, e).items():
            distance[node] = min(distance.get(node, hops), hops)
    fronted = {t for c in arch.components.values() if c.cache for t in c.cache.fronts or []}
    sessions: dict[str, int] = {}
    for comp in arch.components.values():
        if comp.session_store:
            sessions[comp.session_store] = sessions.get(comp.session_store, 0) + 1

    sync_out: dict[str, list[Dependency]] = {}
    for dep in arch.dependencies:
        if is_sync(dep):
            sync_out.setdefault(dep.source, []).append(dep)
    flows_through: dict[str, list[str]] = {}  # component → the entries whose hard flow reaches it, in entry order
    for entry, members in flows_of.items():
        for member in members:
            flows_through.setdefault(member, []).append(entry)
    result = GraphAnalysis(entry_points=entries)
    for name in sorted(arch.components):
        comp = arch.components[name]
        incoming = [arch.dependencies[d["dep"]] for _, _, d in graph.in_edges(name, data=True) if d["dep"] is not None]
        outgoing = sync_out.get(name, [])
        instance, zone = redundancy(comp)
        ratios = component_ratios(arch, comp)
        flows = flows_through.get(name, [])
        result.components[name] = ComponentGraph(
            is_entry=name in entries,
            callers=len({d.source for d in incoming}),
            fan_in=len({d.source for d in incoming if is_sync(d)}),
            fan_out=len(outgoing),
            fan_out_calls=sum(d.calls_per_request if d.calls_per_request is not None else 1.0 for d in outgoing),
            hard_dependents=len({d.source for d in incoming if is_sync(d) and is_hard(d)}),
            writers=len({d.source for d in incoming if d.writes}),
            compute_clients=len({d.source for d in incoming if arch.components[d.source].kind in COMPUTE_KINDS}),
            sync_depth=depth[name],
            in_cycle=name in in_cycle,
            on_request_path=name in request_path,
            on_hard_path=name in hard_path,
            critical=name in critical,
            min_replicas=min_replicas(comp),
            max_replicas=max_replicas(comp),
            zone_count=comp.zone_count,
            region_count=comp.region_count,
            redundant=instance,
            zone_redundant=zone,
            spof=name in hard_path and instance is False,
            articulation_point=name in articulation,
            entry_flows=len(flows),
            blast_radius=round(sum(shares.get(e, 0.0) for e in flows), 6),
            retry_amplification=amplification.get(name, (1.0, 0))[0],
            consumers=len(comp.messaging.consumed_by or []) if comp.messaging else 0,
            cached=name in fronted,
            session_clients=sessions.get(name, 0),
            depth_from_entry=distance.get(name),
            **ratios,
        )
        _explain(result, name, comp, flows)
        for key, note in ratio_notes(arch, comp, ratios).items():
            result.notes[name][key] = note
            result.sources[name][key] = RATIO_SOURCES[key]
    inbound_timeout: dict[str, float] = {}
    for dep in arch.dependencies:
        if dep.timeout_ms is not None:
            inbound_timeout[dep.target] = max(inbound_timeout.get(dep.target, 0.0), dep.timeout_ms)
    for dep in arch.dependencies:
        target = result.components[dep.target]
        own = sync_out.get(dep.target, [])
        budget = None
        if own and all(d.timeout_ms is not None for d in own):
            budget = sum((1 + (d.retries or 0)) * (d.timeout_ms or 0) for d in own if not d.parallel)
            parallel = [(1 + (d.retries or 0)) * (d.timeout_ms or 0) for d in own if d.parallel]
            budget += max(parallel, default=0.0)
        on_cycle = is_sync(dep) and cycle_of.get(dep.source, -1) == cycle_of.get(dep.target, -2)
        result.dependencies.append(
            DependencyGraph(
                sync=is_sync(dep),
                hard_effective=is_hard(dep),
                source_kind=arch.components[dep.source].kind,
                target_kind=arch.components[dep.target].kind,
                target_redundant=target.redundant,
                target_min_replicas=target.min_replicas,
                target_availability=arch.components[dep.target].availability,
                target_fan_in=target.fan_in,
                target_sync_depth=target.sync_depth,
                target_cached=target.cached,
                on_cycle=on_cycle,
                on_hard_path=dep.source in hard_path,
                retry_amplification=amplification.get(dep.source, (1.0, 0))[0] * (1 + (dep.retries or 0)),
                caller_timeout_ms=inbound_timeout.get(dep.source),
                target_budget_ms=budget,
                sibling_sync_calls=len(sync_out.get(dep.source, [])),
            )
        )
    for entry in entries:
        reached = _reach(graph, [entry])
        layers = 0
        worst = 1.0
        for node in reached:
            factor, count = amplification.get(node, (1.0, 0))
            worst, layers = max(worst, factor), max(layers, count)
        result.flows.append(
            FlowGraph(
                entry=entry,
                sync_depth=depth[entry],
                longest_path=" → ".join(chains[entry]),
                components=len(reached),
                hard_components=len(flows_of[entry]),
                retry_amplification=worst,
                retry_layers=layers,
                traffic_share=round(shares.get(entry, 0.0), 6),
            )
        )
    for cycle in cycles:
        result.cycles.append(CycleGraph(first=min(cycle), members=" → ".join([*cycle, cycle[0]]), size=len(cycle)))
    sync_deps = [d for d in arch.dependencies if is_sync(d)]
    zones = set(arch.system.zones or []) | {z for c in arch.components.values() if isinstance(c.zones, list) for z in c.zones}
    regions = set(arch.system.regions or []) | {
        r for c in arch.components.values() if isinstance(c.regions, list) for r in c.regions
    }
    counted_regions = [c.region_count for c in arch.components.values() if c.region_count]
    counted_zones = [c.zone_count for c in arch.components.values() if c.zone_count]
    result.system = SystemGraph(
        components=len(arch.components),
        services=sum(1 for c in arch.components.values() if c.kind in COMPUTE_KINDS),
        sync_dependencies=len(sync_deps),
        entry_points=len(entries),
        max_sync_depth=max((depth[e] for e in entries), default=0),
        cycles=len(cycles),
        sync_without_timeout_share=_share(sync_deps, lambda d: d.timeout_ms is None),
        sync_without_breaker_share=_share(sync_deps, lambda d: not d.circuit_breaker),
        zone_count=max([len(zones), *counted_zones]) or None,
        region_count=max([len(regions), *counted_regions]) or None,
        stateful_components=sum(1 for c in arch.components.values() if c.kind in STATEFUL_KINDS),
        peak_to_average=peak_to_average(arch),
    )
    return result


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
        notes["graph.blast_radius"] = f"share of entry traffic through {paths} = {facts.blast_radius:.0%}"
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
