"""Where each imported value was stated: positions in the source files, for comments and for findings.

Importers describe where they read a value in the words of its comment (``replicas (deploy.yaml:12)``)
and, where they know it, as an :class:`~.draft.Origin`. :func:`positions` maps every path of the
written architecture (``("components", "db", "replicas")``, ``("dependencies", 3)``) to the place in
a source file that stated it, so that a check run on the source files cites their lines, not the lines
of the generated file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .draft import Draft, Edge, Fact, Origin

Path = tuple[str | int, ...]

_LABEL_LINE = re.compile(r"([^\s(),;]+):(\d+)")


Columns = Mapping[tuple[str, int], int]
"""(label, line) → column of the value named there (see ``Document.columns``); 1 where unknown."""


def origin_in(text: str, files: Mapping[str, str], columns: Columns | None = None) -> Origin | None:
    """The first ``label:line`` in ``text`` whose label is one of the source files (label → path)."""
    for match in _LABEL_LINE.finditer(text):
        label = match.group(1)
        if label in files:
            line = int(match.group(2))
            return Origin(files[label], label, line, (columns or {}).get((label, line), 1))
    return None


def fact_origin(fact: Fact, files: Mapping[str, str], columns: Columns | None = None) -> Origin | None:
    """Where a fact was stated: its origin, else the first source position its comment names."""
    return fact.origin or origin_in(fact.why, files, columns)


def positions(draft: Draft, edges: list[Edge], files: Mapping[str, str], columns: Columns | None = None) -> dict[Path, Origin]:
    """Path of the written architecture → where a source file states it (paths without one are left out)."""
    found: dict[Path, Origin] = {}
    if draft.system_name is not None:
        origin = fact_origin(draft.system_name, files, columns)
        if origin:
            found[("system", "name")] = origin
    for i, name in enumerate(sorted(draft.entry_points)):
        origin = origin_in(draft.entry_points[name], files, columns)
        if origin:
            found[("system", "entry_points", i)] = origin
    for name, component in draft.components.items():
        home = component.where or origin_in(component.origin, files, columns)
        if home:
            found[("components", name)] = home
        for path, fact in component.facts.items():
            origin = fact_origin(fact, files, columns)
            if origin:
                found[("components", name) + tuple(path.split("."))] = origin
    for i, edge in enumerate(edges):
        origin = edge.origin or next((o for o in (origin_in(e, files, columns) for e in edge.evidence) if o), None)
        if origin:
            found[("dependencies", i)] = origin
        for key, fact in edge.fields.items():
            origin = fact_origin(fact, files, columns)
            if origin:
                found[("dependencies", i, key)] = origin
    return found
