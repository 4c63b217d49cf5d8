"""The architecture as a diagram with findings marked: one layered layout, drawn as Mermaid or SVG.

Layout: entry points in the first column, every other component one column right of its
right-most caller (longest path, cycles broken at the back edges of a depth-first search from the
entry points), components that nothing calls next to what they call; within a column, components
sit near the average row of their callers, ties by name. Components are
coloured by their worst finding that is not suppressed (suppression meta findings excluded).
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass

from ..findings import Report
from .common import SEVERITY_ORDER, clean, rank, status

MAX_COMPONENTS = 400
"""Larger architectures get no diagram (it would not be readable)."""
COLORS: dict[str, tuple[str, str, str]] = {
    "critical": ("#f5c2c7", "#842029", "#58151c"),
    "high": ("#f8d7da", "#dc3545", "#58151c"),
    "medium": ("#fff3cd", "#d39e00", "#664d03"),
    "low": ("#cff4fc", "#0aa2c0", "#055160"),
    "info": ("#e2e3e5", "#6c757d", "#41464b"),
    "none": ("#ffffff", "#6c757d", "#212529"),
}
"""Severity → (fill, stroke, text) colours."""
_ARROW = re.compile(r"\s*(?:→|->|=>)\s*")


@dataclass(frozen=True)
class Node:
    """One component placed in the layout."""

    name: str
    kind: str
    layer: int
    row: int
    worst: str | None
    findings: int


@dataclass(frozen=True)
class Edge:
    """One dependency between two placed components."""

    source: str
    target: str
    mode: str
    worst: str | None


@dataclass(frozen=True)
class Diagram:
    """Nodes by name (in layer, row order) and edges."""

    nodes: dict[str, Node]
    edges: tuple[Edge, ...]
    layers: int
    rows: int


def _worst(current: str | None, severity: str) -> str:
    return severity if current is None or rank(severity) > rank(current) else current


def _marks(report: Report) -> tuple[dict[str, str], dict[str, int], dict[tuple[str, str], str]]:
    """Worst severity and count by component, worst severity by (from, to) edge."""
    components = report.architecture.components if report.architecture else {}
    worst: dict[str, str] = {}
    count: dict[str, int] = {}
    edges: dict[tuple[str, str], str] = {}
    for finding in report.findings:
        if status(finding) == "suppressed" or finding.category == "suppressions":
            continue
        for subject in finding.subjects:
            if subject in components:
                worst[subject] = _worst(worst.get(subject), finding.severity)
                count[subject] = count.get(subject, 0) + 1
                continue
            parts = _ARROW.split(subject)
            if len(parts) == 2 and all(p in components for p in parts):
                key = (parts[0], parts[1])
                edges[key] = _worst(edges.get(key), finding.severity)
    return worst, count, edges


def _acyclic(names: list[str], starts: list[str], successors: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Back edges of a depth-first search from ``starts`` then every other node (dropping them breaks cycles)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in [*starts, *names]:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(sorted(successors[root])))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(successors[child]))))
    return back


def _layers(names: list[str], entries: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layers of the graph without its back edges; sources that are not entry points
    move right, next to what they call."""
    successors: dict[str, list[str]] = {n: [] for n in names}
    for source, target in edges:
        successors[source].append(target)
    back = _acyclic(names, sorted(set(entries)), successors)
    forward = {n: [t for t in successors[n] if (n, t) not in back and t != n] for n in names}
    indegree = {n: 0 for n in names}
    for targets in forward.values():
        for target in targets:
            indegree[target] += 1
    layer = {n: 0 for n in names}
    ready = deque(sorted(n for n in names if indegree[n] == 0))
    order = []
    while ready:
        name = ready.popleft()
        order.append(name)
        for target in sorted(forward[name]):
            layer[target] = max(layer[target], layer[name] + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    has_caller = {t for targets in forward.values() for t in targets}
    for name in reversed(order):
        if name not in has_caller and name not in entries and forward[name]:
            layer[name] = max(0, min(layer[t] for t in forward[name]) - 1)
    return layer


def layout(report: Report) -> Diagram | None:
    """Place the report's components; None when the report has no architecture or it is too large."""
    arch = report.architecture
    if arch is None or not arch.components or len(arch.components) > MAX_COMPONENTS:
        return None
    names = sorted(arch.components)
    deps = [(s, t, m) for s, t, m in arch.dependencies if s in arch.components and t in arch.components]
    layer = _layers(names, [e for e in arch.entry_points if e in arch.components], [(s, t) for s, t, _ in deps])
    callers: dict[str, list[str]] = {n: [] for n in names}
    for source, target, _ in deps:
        callers[target].append(source)
    depth = max(layer.values()) + 1
    row: dict[str, int] = {}
    for index in range(depth):
        members = [n for n in names if layer[n] == index]

        def weight(name: str) -> tuple[float, str]:
            placed = [row[c] for c in callers[name] if c in row and layer[c] < index]
            return (sum(placed) / len(placed) if placed else float("inf"), name)

        for position, name in enumerate(sorted(members, key=weight)):
            row[name] = position
    worst, count, edge_marks = _marks(report)
    nodes = {n: Node(n, arch.components[n], layer[n], row[n], worst.get(n), count.get(n, 0))
             for n in sorted(names, key=lambda n: (layer[n], row[n]))}
    edges = tuple(Edge(s, t, m, edge_marks.get((s, t))) for s, t, m in deps)
    rows = max(sum(1 for n in names if layer[n] == i) for i in range(depth))
    return Diagram(nodes=nodes, edges=edges, layers=depth, rows=rows)


def _mermaid_text(text: str) -> str:
    """Label text for Mermaid: anything but letters, digits, space and ._-/ as an entity code."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in " ._-/") else f"#{ord(ch)};" for ch in text)


_SHAPES = {"database": ('[("', '")]'), "search": ('[("', '")]'), "object-storage": ('[("', '")]'),
           "coordination": ('[("', '")]'), "queue": ('[["', '"]]'), "stream": ('[["', '"]]'),
           "cache": ('{{"', '"}}'), "client": ('(["', '"])'), "external": ('(["', '"])')}


def mermaid(report: Report) -> str | None:
    """A Mermaid flowchart (left to right) with components coloured by their worst finding."""
    diagram = layout(report)
    if diagram is None:
        return None
    ids = {name: f"n{index}" for index, name in enumerate(diagram.nodes)}
    lines = ["flowchart LR"]
    for name, node in diagram.nodes.items():
        opening, closing = _SHAPES.get(node.kind, ('["', '"]'))
        label = _mermaid_text(name) + "<br/>" + _mermaid_text(node.kind)
        if node.findings:
            label += f"<br/>{node.findings} finding{'s' if node.findings != 1 else ''}"
        style = f":::{node.worst}" if node.worst else ""
        lines.append(f"  {ids[name]}{opening}{label}{closing}{style}")
    marked = []
    for index, edge in enumerate(diagram.edges):
        arrow = "-->" if edge.mode == "sync" else "-.->"
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
        if edge.worst:
            marked.append(f"  linkStyle {index} stroke:{COLORS[edge.worst][1]},stroke-width:3px")
    for severity in SEVERITY_ORDER:
        fill, stroke, text = COLORS[severity]
        lines.append(f"  classDef {severity} fill:{fill},stroke:{stroke},stroke-width:2px,color:{text}")
    lines.extend(marked)
    return "\n".join(lines) + "\n"


_W, _H, _GAP_X, _GAP_Y, _PAD = 180, 54, 80, 26, 20


def _position(node: Node, diagram: Diagram, counts: dict[int, int]) -> tuple[float, float]:
    offset = (diagram.rows - counts[node.layer]) * (_H + _GAP_Y) / 2
    return _PAD + node.layer * (_W + _GAP_X), _PAD + offset + node.row * (_H + _GAP_Y)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg(report: Report, links: dict[str, str] | None = None) -> str | None:
    """An inline SVG of the layout: nodes coloured and badged by their findings, dashed async edges."""
    diagram = layout(report)
    if diagram is None:
        return None
    def esc(text: str) -> str:  # input text: control and bidi characters made visible, then escaped
        return html.escape(clean(text))

    counts: dict[int, int] = {}
    for node in diagram.nodes.values():
        counts[node.layer] = counts.get(node.layer, 0) + 1
    width = 2 * _PAD + diagram.layers * _W + (diagram.layers - 1) * _GAP_X
    height = 2 * _PAD + diagram.rows * _H + diagram.rows * _GAP_Y
    places = {name: _position(node, diagram, counts) for name, node in diagram.nodes.items()}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="architecture" role="img" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
           f"<title>{esc(report.system)}: components and dependencies</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#6c757d"/></marker></defs>']
    for edge in diagram.edges:
        (sx, sy), (tx, ty) = places[edge.source], places[edge.target]
        if diagram.nodes[edge.target].layer > diagram.nodes[edge.source].layer:
            x1, y1, x2, y2 = sx + _W, sy + _H / 2, tx, ty + _H / 2
            bend = max(40.0, abs(x2 - x1) / 2)
            shape = f"M {x1:.0f} {y1:.0f} C {x1 + bend:.0f} {y1:.0f}, {x2 - bend:.0f} {y2:.0f}, {x2:.0f} {y2:.0f}"
        else:  # backwards or within a column: leave and enter from below, looping under the nodes
            x1, y1, x2, y2 = sx + _W / 2, sy + _H, tx + _W / 2 + 12, ty + _H
            drop = max(y1, y2) + _GAP_Y * 0.8
            shape = f"M {x1:.0f} {y1:.0f} C {x1:.0f} {drop:.0f}, {x2:.0f} {drop:.0f}, {x2:.0f} {y2:.0f}"
        stroke = COLORS[edge.worst][1] if edge.worst else "#6c757d"
        dash = "" if edge.mode == "sync" else ' stroke-dasharray="6 4"'
        out.append(f'<path class="edge edge-{esc(edge.mode)}" data-from="{esc(edge.source)}" data-to="{esc(edge.target)}" '
                   f'd="{shape}" '
                   f'fill="none" stroke="{stroke}" stroke-width="{3 if edge.worst else 1.5}"{dash} marker-end="url(#arrow)"/>')
    for name, node in diagram.nodes.items():
        x, y = places[name]
        fill, stroke, text = COLORS[node.worst or "none"]
        title = f"{name} ({node.kind})" + (f": {node.findings} finding(s), worst {node.worst}" if node.worst else "")
        group = [f'<g class="node severity-{node.worst or "none"}" data-component="{esc(name)}">', f"<title>{esc(title)}</title>",
                 f'<rect x="{x:.0f}" y="{y:.0f}" width="{_W}" height="{_H}" rx="8" fill="{fill}" stroke="{stroke}" '
                 f'stroke-width="{2 if node.worst else 1}"/>',
                 f'<text x="{x + 10:.0f}" y="{y + 22:.0f}" fill="{text}" font-weight="bold">{esc(_short(name))}</text>',
                 f'<text x="{x + 10:.0f}" y="{y + 40:.0f}" fill="{text}">{esc(node.kind)}</text>']
        if node.findings:
            group.append(f'<circle cx="{x + _W - 14:.0f}" cy="{y + 14:.0f}" r="10" fill="{stroke}"/>'
                         f'<text class="badge" x="{x + _W - 14:.0f}" y="{y + 18:.0f}" fill="#ffffff" text-anchor="middle" '
                         f'font-size="11">{node.findings}</text>')
        group.append("</g>")
        link = (links or {}).get(name)
        out.append(f'<a href="{esc(link)}">' + "".join(group) + "</a>" if link else "".join(group))
    out.append("</svg>")
    return "\n".join(out) + "\n"


__all__ = ["COLORS", "MAX_COMPONENTS", "Diagram", "Edge", "Node", "layout", "mermaid", "svg"]
