"""The directed graphs graph analysis and the capacity model need, and the algorithms they call on them.

A small stand-in for the part of networkx scalexpert uses, so that a check does not import networkx
(about 0.09 s of CPU on every run, a sixth of a small check). Each algorithm is networkx's own
(networkx 3.x, BSD licence), ported with the same visiting order, so that every result, down to the
order of its items, is the one networkx returns: nodes and neighbours in insertion order,
``topological_sort`` by generations, ``strongly_connected_components`` in Tarjan's (non-recursive)
order, ``condensation`` numbering the components in that order. tests/test_digraph.py compares them
with networkx on random graphs.

Use it as networkx was used: ``from . import digraph as nx``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

N = TypeVar("N", bound=Hashable)


class NetworkXError(Exception):
    """A node the algorithm was asked about is not in the graph (networkx's ``NetworkXError``)."""


class NetworkXUnfeasible(NetworkXError):
    """A topological order was asked of a graph with a cycle."""


class NetworkXNoCycle(NetworkXUnfeasible):
    """``find_cycle`` found none."""


class _NodeView(Mapping[Any, dict[str, Any]]):
    """``G.nodes``: the nodes in insertion order; ``G.nodes[n]`` is n's attribute dict."""

    __slots__ = ("_node",)

    def __init__(self, node: dict[Any, dict[str, Any]]) -> None:
        self._node = node

    def __getitem__(self, n: Any) -> dict[str, Any]:
        return self._node[n]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def __contains__(self, n: object) -> bool:
        return n in self._node


class Graph(Generic[N]):
    """An undirected graph (only what :func:`articulation_points` needs)."""

    def __init__(self) -> None:
        self.graph: dict[str, Any] = {}
        self._node: dict[Any, dict[str, Any]] = {}
        self._adj: dict[Any, dict[Any, dict[str, Any]]] = {}

    def add_node(self, n: Any, **attr: Any) -> None:
        if n not in self._node:
            self._adj[n] = {}
            self._node[n] = attr
        else:
            self._node[n].update(attr)

    def add_edge(self, u: Any, v: Any, **attr: Any) -> None:
        for n in (u, v):
            if n not in self._node:
                self._adj[n] = {}
                self._node[n] = {}
        data = self._adj[u].get(v, {})
        data.update(attr)
        self._adj[u][v] = data
        self._adj[v][u] = data

    def __iter__(self) -> Iterator[Any]:
        return iter(self._node)

    def __contains__(self, n: object) -> bool:
        return n in self._node

    def __len__(self) -> int:
        return len(self._node)

    def __getitem__(self, n: Any) -> dict[Any, dict[str, Any]]:
        return self._adj[n]

    @property
    def adj(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        return self._adj

    @property
    def nodes(self) -> _NodeView:
        return _NodeView(self._node)

    def neighbors(self, n: Any) -> Iterator[Any]:
        try:
            return iter(self._adj[n])
        except KeyError:
            raise NetworkXError(f"The node {n} is not in the graph.") from None

    def number_of_edges(self) -> int:
        loops = sum(1 for n, nbrs in self._adj.items() if n in nbrs)
        return (sum(len(nbrs) for nbrs in self._adj.values()) + loops) // 2


class DiGraph(Generic[N]):
    """A directed graph: nodes and each node's successors and predecessors in insertion order,
    an attribute dict per node and per edge, ``graph`` for the graph's own attributes."""

    def __init__(self, incoming: DiGraph[Any] | None = None) -> None:
        self.graph: dict[str, Any] = {}
        self._node: dict[Any, dict[str, Any]] = {}
        self._succ: dict[Any, dict[Any, dict[str, Any]]] = {}
        self._pred: dict[Any, dict[Any, dict[str, Any]]] = {}
        if incoming is not None:  # networkx's copy: nodes, then edges in adjacency order, attributes copied
            self.add_nodes_from(incoming._node)
            self.add_edges_from((u, v, data) for u, nbrs in incoming._succ.items() for v, data in nbrs.items())
            self.graph.update(incoming.graph)
            self._node.update((n, dd.copy()) for n, dd in incoming._node.items())

    # nodes
    def add_node(self, n: Any, **attr: Any) -> None:
        if n not in self._succ:
            self._succ[n] = {}
            self._pred[n] = {}
            self._node[n] = attr
        elif attr:
            self._node[n].update(attr)

    def add_nodes_from(self, nodes: Iterable[Any]) -> None:
        for n in nodes:
            if n not in self._succ:
                self._succ[n] = {}
                self._pred[n] = {}
                self._node[n] = {}

    @property
    def nodes(self) -> _NodeView:
        return _NodeView(self._node)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._node)

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._node
        except TypeError:
            return False

    def __len__(self) -> int:
        return len(self._node)

    def __getitem__(self, n: Any) -> dict[Any, dict[str, Any]]:
        return self._succ[n]

    @property
    def adj(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        return self._succ

    @property
    def succ(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        return self._succ

    @property
    def pred(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        return self._pred

    # edges
    def add_edge(self, u: Any, v: Any, **attr: Any) -> None:
        for n in (u, v):
            if n not in self._succ:
                self._succ[n] = {}
                self._pred[n] = {}
                self._node[n] = {}
        data = self._succ[u].get(v, {})
        data.update(attr)
        self._succ[u][v] = data
        self._pred[v][u] = data

    def add_edges_from(self, edges: Iterable[tuple[Any, ...]]) -> None:
        for edge in edges:
            if len(edge) == 3:
                u, v, attr = edge
            elif len(edge) == 2:
                u, v = edge
                attr = {}
            else:
                raise NetworkXError(f"Edge tuple {edge} must be a 2-tuple or 3-tuple.")
            self.add_edge(u, v, **attr)

    def remove_edges_from(self, edges: Iterable[tuple[Any, ...]]) -> None:
        for edge in edges:
            u, v = edge[:2]
            if u in self._succ and v in self._succ[u]:
                del self._succ[u][v]
                del self._pred[v][u]

    def has_edge(self, u: Any, v: Any) -> bool:
        try:
            return v in self._succ[u]
        except KeyError:
            return False

    def edges(self, nbunch: Any = None, data: bool = False) -> Iterator[tuple[Any, ...]]:
        """``(u, v)`` (or ``(u, v, data)``) by source in node order, then target in insertion order;
        ``nbunch`` (one node): that node's out-edges only."""
        sources = self._succ.items() if nbunch is None else [(nbunch, self._succ[nbunch])]
        if data:
            return ((u, v, d) for u, nbrs in sources for v, d in nbrs.items())
        return ((u, v) for u, nbrs in sources for v in nbrs)

    def out_edges(self, n: Any, data: bool = False) -> Iterator[tuple[Any, ...]]:
        return self.edges(n, data=data)

    def in_edges(self, n: Any, data: bool = False) -> Iterator[tuple[Any, ...]]:
        if data:
            return ((u, n, d) for u, d in self._pred[n].items())
        return ((u, n) for u in self._pred[n])

    def successors(self, n: Any) -> Iterator[Any]:
        try:
            return iter(self._succ[n])
        except KeyError:
            raise NetworkXError(f"The node {n} is not in the digraph.") from None

    neighbors = successors

    def predecessors(self, n: Any) -> Iterator[Any]:
        try:
            return iter(self._pred[n])
        except KeyError:
            raise NetworkXError(f"The node {n} is not in the digraph.") from None

    def in_degree(self) -> Iterator[tuple[Any, int]]:
        return ((n, len(preds)) for n, preds in self._pred.items())

    def number_of_edges(self) -> int:
        return sum(len(nbrs) for nbrs in self._succ.values())

    def subgraph(self, nodes: Iterable[Any]) -> DiGraph[N]:
        """The nodes given (in this graph's order) and the edges between them (a copy, not a view)."""
        keep = set(nodes)
        sub: DiGraph[N] = DiGraph()
        sub.graph = self.graph
        for n, attr in self._node.items():
            if n in keep:
                sub.add_node(n)
                sub._node[n] = attr
        for u, nbrs in self._succ.items():
            if u in keep:
                for v, d in nbrs.items():
                    if v in keep:
                        sub._succ[u][v] = d
                        sub._pred[v][u] = d
        return sub

    def to_undirected(self) -> Graph[N]:
        """networkx's ``to_undirected()``: every edge in either direction, nodes in this graph's order."""
        undirected: Graph[N] = Graph()
        undirected.graph.update(self.graph)
        for n, attr in self._node.items():
            undirected.add_node(n, **attr)
        for u, nbrs in self._succ.items():
            for v, d in nbrs.items():
                undirected.add_edge(u, v, **d)
        return undirected


def strongly_connected_components(G: DiGraph[Any]) -> Iterator[set[Any]]:
    """The strongly connected components (sets of nodes), in networkx's order (non-recursive Tarjan)."""
    preorder: dict[Any, int] = {}
    lowlink: dict[Any, int] = {}
    scc_found: set[Any] = set()
    scc_queue: list[Any] = []
    i = 0  # preorder counter
    adj = G._succ
    neighbors = {v: iter(adj[v]) for v in G}
    for source in G:
        if source not in scc_found:
            queue = [source]
            while queue:
                v = queue[-1]
                if v not in preorder:
                    i = i + 1
                    preorder[v] = i
                done = True
                for w in neighbors[v]:
                    if w not in preorder:
                        queue.append(w)
                        done = False
                        break
                if done:
                    lowlink[v] = preorder[v]
                    for w in adj[v]:
                        if w not in scc_found:
                            if preorder[w] > preorder[v]:
                                lowlink[v] = min([lowlink[v], lowlink[w]])
                            else:
                                lowlink[v] = min([lowlink[v], preorder[w]])
                    queue.pop()
                    if lowlink[v] == preorder[v]:
                        scc = {v}
                        while scc_queue and preorder[scc_queue[-1]] > preorder[v]:
                            k = scc_queue.pop()
                            scc.add(k)
                        scc_found.update(scc)
                        yield scc
                    else:
                        scc_queue.append(v)


def condensation(G: DiGraph[Any], scc: Iterable[set[Any]] | None = None) -> DiGraph[int]:
    """One node per strongly connected component (numbered in :func:`strongly_connected_components`
    order), ``C.graph["mapping"]``: node → component, ``C.nodes[i]["members"]``: the component's nodes."""
    if scc is None:
        scc = strongly_connected_components(G)
    mapping: dict[Any, int] = {}
    members: dict[int, set[Any]] = {}
    C: DiGraph[int] = DiGraph()
    C.graph["mapping"] = mapping
    if len(G) == 0:
        return C
    i = -1
    for i, component in enumerate(scc):
        members[i] = component
        mapping.update((n, i) for n in component)
    C.add_nodes_from(range(i + 1))
    C.add_edges_from((mapping[u], mapping[v]) for u, v in G.edges() if mapping[u] != mapping[v])
    for n, component in members.items():
        C._node[n]["members"] = component
    return C


def topological_generations(G: DiGraph[Any]) -> Iterator[list[Any]]:
    """Kahn's algorithm by generations: the nodes without predecessors, then those they free, ..."""
    indegree_map = {v: d for v, d in G.in_degree() if d > 0}
    zero_indegree = [v for v, d in G.in_degree() if d == 0]
    while zero_indegree:
        this_generation = zero_indegree
        zero_indegree = []
        for node in this_generation:
            if node not in G:
                raise RuntimeError("Graph changed during iteration")
            for child in G._succ[node]:
                try:
                    indegree_map[child] -= 1
                except KeyError as err:
                    raise RuntimeError("Graph changed during iteration") from err
                if indegree_map[child] == 0:
                    zero_indegree.append(child)
                    del indegree_map[child]
        yield this_generation
    if indegree_map:
        raise NetworkXUnfeasible("Graph contains a cycle or graph changed during iteration")


def topological_sort(G: DiGraph[Any]) -> Iterator[Any]:
    """The nodes in topological order (networkx's: generation by generation)."""
    for generation in topological_generations(G):
        yield from generation


def lexicographical_topological_sort(G: DiGraph[Any], key: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """A topological order that takes, of the nodes ready, the one of the smallest ``key`` first."""
    if key is None:

        def key(node: Any) -> Any:
            return node

    nodeid_map = {n: i for i, n in enumerate(G)}

    def create_tuple(node: Any) -> tuple[Any, int, Any]:
        return key(node), nodeid_map[node], node

    indegree_map = {v: d for v, d in G.in_degree() if d > 0}
    zero_indegree = [create_tuple(v) for v, d in G.in_degree() if d == 0]
    heapq.heapify(zero_indegree)
    while zero_indegree:
        _, _, node = heapq.heappop(zero_indegree)
        if node not in G:
            raise RuntimeError("Graph changed during iteration")
        for child in G._succ[node]:
            try:
                indegree_map[child] -= 1
            except KeyError as err:
                raise RuntimeError("Graph changed during iteration") from err
            if indegree_map[child] == 0:
                heapq.heappush(zero_indegree, create_tuple(child))
                del indegree_map[child]
        yield node
    if indegree_map:
        raise NetworkXUnfeasible("Graph contains a cycle or graph changed during iteration")


def is_directed_acyclic_graph(G: DiGraph[Any]) -> bool:
    try:
        for _ in topological_sort(G):
            pass
    except NetworkXUnfeasible:
        return False
    return True


def descendants(G: DiGraph[Any], source: Any) -> set[Any]:
    """Every node reachable from ``source``, ``source`` itself left out (as networkx does, even on a cycle)."""
    if source not in G:
        raise NetworkXError(f"The node {source} is not in the digraph.")
    adj = G._succ
    seen = {source}
    found: set[Any] = set()
    level = [source]
    while level:
        following = []
        for parent in level:
            for child in adj[parent]:
                if child not in seen:
                    seen.add(child)
                    found.add(child)
                    following.append(child)
        level = following
    return found


def single_source_shortest_path_length(G: DiGraph[Any], source: Any) -> dict[Any, int]:
    """Hops from ``source`` to every node it reaches, in breadth-first order."""
    if source not in G:
        raise NetworkXError(f"Source {source} is not in G")
    adj = G._succ
    seen = {source}
    found = {source: 0}
    level = 0
    nextlevel = [source]
    n = len(adj)
    while nextlevel:
        level += 1
        thislevel = nextlevel
        nextlevel = []
        for v in thislevel:
            for w in adj[v]:
                if w not in seen:
                    seen.add(w)
                    nextlevel.append(w)
                    found[w] = level
            if len(seen) == n:
                return found
    return found


def dfs_tree(G: DiGraph[Any], source: Any = None) -> DiGraph[Any]:
    """The depth-first search tree(s) of ``G`` (from ``source``, else from every node in order)."""
    T: DiGraph[Any] = DiGraph()
    if source is None:
        T.add_nodes_from(G)
        nodes: Iterable[Any] = G
    else:
        T.add_node(source)
        nodes = [source]
    adj = G._succ
    visited: set[Any] = set()
    for start in nodes:
        if start in visited:
            continue
        visited.add(start)
        stack = [(start, iter(adj[start]))]
        while stack:
            parent, children = stack[-1]
            for child in children:
                if child not in visited:
                    T.add_edge(parent, child)
                    visited.add(child)
                    stack.append((child, iter(adj[child])))
                    break
            else:
                stack.pop()
    return T


def find_cycle(G: DiGraph[Any], source: Any = None) -> list[tuple[Any, Any]]:
    """The edges of a cycle found by depth-first search over edges from ``source`` (networkx's
    ``find_cycle`` with its default orientation); :class:`NetworkXNoCycle` when there is none."""
    explored: set[Any] = set()
    cycle: list[tuple[Any, Any]] = []
    final_node = None
    starts = list(G) if source is None else ([source] if source in G else list(_nbunch(G, source)))
    for start_node in starts:
        if start_node in explored:
            continue
        edges: list[tuple[Any, Any]] = []
        seen = {start_node}
        active_nodes = {start_node}
        previous_head = None
        for tail, head in _edge_dfs(G, start_node):
            if head in explored:
                continue
            if previous_head is not None and tail != previous_head:
                while True:  # backtracking: pop until the edge whose head is this tail
                    try:
                        popped_edge = edges.pop()
                    except IndexError:
                        edges = []
                        active_nodes = {tail}
                        break
                    else:
                        active_nodes.remove(popped_edge[1])
                    if edges and tail == edges[-1][1]:
                        break
            edges.append((tail, head))
            if head in active_nodes:
                cycle.extend(edges)
                final_node = head
                break
            seen.add(head)
            active_nodes.add(head)
            previous_head = head
        if cycle:
            break
        explored.update(seen)
    else:
        raise NetworkXNoCycle("No cycle found.")
    i = 0
    for i, (tail, _) in enumerate(cycle):
        if tail == final_node:
            break
    return cycle[i:]


def _nbunch(G: DiGraph[Any], nbunch: Any) -> Iterator[Any]:
    try:
        return iter([n for n in nbunch if n in G])
    except TypeError:
        raise NetworkXError(f"nbunch is not a node or a sequence of nodes: {nbunch!r}") from None


def _edge_dfs(G: DiGraph[Any], start_node: Any) -> Iterator[tuple[Any, Any]]:
    """networkx's ``edge_dfs`` from one node: every edge reached, each once, depth first."""
    visited_edges: set[tuple[Any, Any]] = set()
    visited_nodes: set[Any] = set()
    edges: dict[Any, Iterator[tuple[Any, Any]]] = {}
    stack = [start_node]
    while stack:
        current_node = stack[-1]
        if current_node not in visited_nodes:
            edges[current_node] = iter([(current_node, v) for v in G._succ[current_node]])
            visited_nodes.add(current_node)
        try:
            edge = next(edges[current_node])
        except StopIteration:
            stack.pop()
        else:
            if edge not in visited_edges:
                visited_edges.add(edge)
                stack.append(edge[1])
                yield edge


def articulation_points(G: Graph[Any]) -> Iterator[Any]:
    """The nodes whose removal disconnects an undirected graph (each once, in networkx's order)."""
    seen: set[Any] = set()
    for articulation in _biconnected_dfs(G):
        if articulation not in seen:
            seen.add(articulation)
            yield articulation


def _biconnected_dfs(G: Graph[Any]) -> Iterator[Any]:
    visited: set[Any] = set()
    for start in G:
        if start in visited:
            continue
        discovery = {start: 0}  # time of first discovery of node during search
        low = {start: 0}
        root_children = 0
        visited.add(start)
        stack = [(start, start, iter(G[start]))]
        while stack:
            grandparent, parent, children = stack[-1]
            try:
                child = next(children)
                if grandparent == child:
                    continue
                if child in visited:
                    if discovery[child] <= discovery[parent]:  # back edge
                        low[parent] = min(low[parent], discovery[child])
                else:
                    low[child] = discovery[child] = len(discovery)
                    visited.add(child)
                    stack.append((parent, child, iter(G[child])))
            except StopIteration:
                stack.pop()
                if len(stack) > 1:
                    if low[parent] >= discovery[grandparent]:
                        yield grandparent
                    low[grandparent] = min(low[parent], low[grandparent])
                elif stack:  # length 1 so grandparent is root
                    root_children += 1
        if root_children > 1:  # the root is an articulation point if it has more than one child
            yield start


__all__ = [
    "DiGraph", "Graph", "NetworkXError", "NetworkXNoCycle", "NetworkXUnfeasible", "articulation_points", "condensation",
    "descendants", "dfs_tree", "find_cycle", "is_directed_acyclic_graph", "lexicographical_topological_sort",
    "single_source_shortest_path_length", "strongly_connected_components", "topological_generations",
    "topological_sort",
]
