"""scalexpert.analysis.digraph returns what networkx returns, item for item and in the same order.

Graph analysis and the capacity model used networkx; reports (blast radius sums, chains, cycles,
visit orders) depend on the order algorithms return their results in, so the stand-in must match
networkx exactly, not only up to order.
"""

from __future__ import annotations

import random

import pytest

from scalexpert.analysis import digraph

nx = pytest.importorskip("networkx")


def _graphs(count: int = 300) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """Seeded random directed graphs: sparse and dense, with cycles, self-loops and isolated nodes."""
    rng = random.Random(20)
    found = []
    for index in range(count):
        size = rng.randint(0, 14 if index % 3 else 40)
        names = [f"n{rng.randint(0, 999):03d}" for _ in range(size)]
        names = list(dict.fromkeys(names))
        rng.shuffle(names)
        density = rng.choice([0.05, 0.1, 0.2, 0.4])
        edges = [(u, v) for u in names for v in names if rng.random() < density and (u != v or index % 7 == 0)]
        rng.shuffle(edges)
        found.append((names, edges))
    return found


def _pair(names: list[str], edges: list[tuple[str, str]]) -> tuple[digraph.DiGraph[str], object]:
    ours: digraph.DiGraph[str] = digraph.DiGraph()
    theirs = nx.DiGraph()
    for graph in (ours, theirs):
        graph.add_nodes_from(names)
        graph.add_edges_from((u, v, {"weight": len(u) + i}) for i, (u, v) in enumerate(edges))
    return ours, theirs


GRAPHS = _graphs()


def test_components_condensation_and_orders_match_networkx() -> None:
    for names, edges in GRAPHS:
        ours, theirs = _pair(names, edges)
        assert list(ours.nodes) == list(theirs.nodes)
        assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
        assert list(digraph.strongly_connected_components(ours)) == list(nx.strongly_connected_components(theirs))
        c_ours, c_theirs = digraph.condensation(ours), nx.condensation(theirs)
        assert c_ours.graph["mapping"] == c_theirs.graph["mapping"]
        assert list(c_ours.graph["mapping"]) == list(c_theirs.graph["mapping"])
        assert [c_ours.nodes[n]["members"] for n in c_ours.nodes] == [c_theirs.nodes[n]["members"] for n in c_theirs.nodes]
        assert list(c_ours.edges()) == list(c_theirs.edges())
        assert list(digraph.topological_sort(c_ours)) == list(nx.topological_sort(c_theirs))
        members = {i: sorted(c_ours.nodes[i]["members"]) for i in c_ours.nodes}
        assert (list(digraph.lexicographical_topological_sort(c_ours, key=lambda i: members[i][0]))
                == list(nx.lexicographical_topological_sort(c_theirs, key=lambda i: members[i][0])))
        assert digraph.is_directed_acyclic_graph(ours) == nx.is_directed_acyclic_graph(theirs)
        if nx.is_directed_acyclic_graph(theirs):
            assert list(digraph.topological_sort(ours)) == list(nx.topological_sort(theirs))
            assert list(digraph.lexicographical_topological_sort(ours)) == list(nx.lexicographical_topological_sort(theirs))
        else:
            with pytest.raises(digraph.NetworkXUnfeasible):
                list(digraph.topological_sort(ours))


def test_reachability_cycles_and_trees_match_networkx() -> None:
    for names, edges in GRAPHS:
        ours, theirs = _pair(names, edges)
        for node in names:
            assert digraph.descendants(ours, node) == nx.descendants(theirs, node)
            assert list(digraph.single_source_shortest_path_length(ours, node).items()) == list(
                nx.single_source_shortest_path_length(theirs, node).items())
            assert list(ours.successors(node)) == list(theirs.successors(node))
            assert list(ours.predecessors(node)) == list(theirs.predecessors(node))
            assert list(ours.in_edges(node, data=True)) == list(theirs.in_edges(node, data=True))
            assert list(ours.out_edges(node, data=True)) == list(theirs.out_edges(node, data=True))
        for scc in nx.strongly_connected_components(theirs):
            if len(scc) > 1 or any(u == v for u, v in edges if u in scc):
                start = min(scc)
                assert digraph.find_cycle(ours.subgraph(scc), source=start) == nx.find_cycle(theirs.subgraph(scc), source=start)
        if edges:
            try:
                expected = nx.find_cycle(theirs)
            except nx.NetworkXNoCycle:
                with pytest.raises(digraph.NetworkXNoCycle):
                    digraph.find_cycle(ours)
            else:
                assert digraph.find_cycle(ours) == expected
        tree_ours, tree_theirs = digraph.dfs_tree(ours), nx.dfs_tree(theirs)
        assert list(tree_ours.nodes) == list(tree_theirs.nodes) and list(tree_ours.edges()) == list(tree_theirs.edges())
        assert ours.number_of_edges() == theirs.number_of_edges()
        und_ours, und_theirs = ours.to_undirected(), theirs.to_undirected()
        assert list(digraph.articulation_points(und_ours)) == list(nx.articulation_points(und_theirs))
        assert und_ours.number_of_edges() == und_theirs.number_of_edges()


def test_copies_and_edge_removal_match_networkx() -> None:
    for names, edges in GRAPHS[:100]:
        ours, theirs = _pair(names, edges)
        copy_ours, copy_theirs = digraph.DiGraph(ours), nx.DiGraph(theirs)
        cut = edges[::3]
        copy_ours.remove_edges_from(cut)
        copy_theirs.remove_edges_from(cut)
        assert list(copy_ours.edges(data=True)) == list(copy_theirs.edges(data=True))
        assert list(ours.edges(data=True)) == list(theirs.edges(data=True))  # the copy is a copy
        for u, v in edges:
            assert copy_ours.has_edge(u, v) == copy_theirs.has_edge(u, v)
            ours.add_edge(u, v, weight=0)  # an existing edge keeps its place, its data is updated
            theirs.add_edge(u, v, weight=0)
        assert list(ours.edges(data=True)) == list(theirs.edges(data=True))


def test_errors_name_the_missing_node() -> None:
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_edge("a", "b")
    with pytest.raises(digraph.NetworkXError, match="zz"):
        digraph.descendants(graph, "zz")
    with pytest.raises(digraph.NetworkXError, match="zz"):
        list(graph.successors("zz"))
    with pytest.raises(digraph.NetworkXNoCycle):
        digraph.find_cycle(graph, source="a")
