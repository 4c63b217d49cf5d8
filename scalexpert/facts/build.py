"""Turning a loaded architecture and its analyses into fact records for the engine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..analysis.capacity.records import CapacityReport
from ..analysis.graph import GraphAnalysis
from ..loader import LoadedArchitecture, Position
from .schema import RELATIONS, base_fact_types


@dataclass
class FactRecord:
    """One fact: its type, identity, field values (stated or derived) and where they came from."""

    type: str
    key: str
    label: str
    values: dict[str, Any]
    position: Position | None = None
    positions: dict[str, Position] = field(default_factory=dict)
    derivations: dict[str, str] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    """Derived field → the stated input field it rests on."""
    remedies: dict[str, str] = field(default_factory=dict)
    """Derived field → the input change that would make it false (e.g. ``replicas: 1 → 2``)."""


def flatten(model: BaseModel | dict[str, Any] | None, prefix: str = "", by_alias: bool = True) -> dict[str, Any]:
    """Nested model → ``{"a.b": value}`` without None values; lists become tuples."""
    data = model.model_dump(by_alias=by_alias, exclude_none=True) if isinstance(model, BaseModel) else model or {}
    flat: dict[str, Any] = {}
    _flatten_into(flat, data, prefix)
    return flat


def _flatten_into(flat: dict[str, Any], node: dict[str, Any], base: str) -> None:
    """A module-level function rather than a nested one that calls itself: such a closure is a
    reference cycle, which the command line (no cyclic collector) would keep until it exits.

    ``base`` is the prefix and the path so far (``capacity.data.``). Field names are interned: every record of a
    type has the same hundred or so names, and one copy of each per record was 60 MiB at 10,000 components. Each
    name is made once per prefix (:data:`_NAMES`), not once per record (about 1.5 million at 10,000 components)."""
    names = _NAMES.get(base)
    if names is None:
        if len(_NAMES) >= _MAX_PREFIXES:  # user-named mappings make new prefixes: keep the table bounded
            _NAMES.clear()
        names = _NAMES[base] = {}
    for key, value in node.items():
        name = names.get(key) if type(key) is str else None  # (1, 1.0 and True are one dict key)
        if name is None:
            name = _intern(f"{base}{key}")
            if type(key) is str:
                if len(names) >= _MAX_PREFIXES:
                    names.clear()
                names[key] = name
        if isinstance(value, dict):
            _flatten_into(flat, value, f"{name}.")
        elif isinstance(value, list):
            flat[name] = tuple(value)
        else:
            flat[name] = value


_NAMES: dict[str, dict[Any, str]] = {}
"""Prefix → key → the interned flat name (``capacity.`` → ``utilization`` → ``capacity.utilization``)."""
_MAX_PREFIXES = 10_000
"""Prefixes (and names per prefix) kept at most; the table starts again beyond."""
_intern = sys.intern


def _input_positions(loaded: LoadedArchitecture, base: tuple[str | int, ...], values: dict[str, Any]) -> dict[str, Position]:
    positions: dict[str, Position] = {}
    for name in values:
        path = (*base, *name.split("."))
        pos = loaded.source.keys.get(path) or loaded.source.values.get(path)
        if pos is not None:
            positions[name] = pos
    return positions


def build_facts(loaded: LoadedArchitecture, graph: GraphAnalysis, capacity: CapacityReport,
                memo: dict[tuple[int, str, bool], tuple[Any, Any]] | None = None) -> list[FactRecord]:
    """All base facts of one architecture, in a stable order.

    ``memo`` (kept by a caller building the facts of several designs that share graph analyses or capacity
    models, such as the assessment's re-runs) holds each graph and capacity record flattened once, by
    identity (the memo keeps them alive); those records are never changed once made.
    """
    arch = loaded.model

    def flat_of(figures: BaseModel | None, prefix: str, by_alias: bool = True) -> dict[str, Any]:
        if memo is None or figures is None:
            return flatten(figures, prefix, by_alias)
        key = (id(figures), prefix, by_alias)
        known = memo.get(key)
        if known is None or known[0] is not figures:
            known = memo[key] = (figures, flatten(figures, prefix, by_alias))
        return dict(known[1])

    types = base_fact_types()
    records: list[FactRecord] = []

    system_values = flatten(arch.system.model_copy(update={"entry_points": None, "regions": None, "zones": None}))
    system_positions = _input_positions(loaded, ("system",), system_values)
    system_values.update(flat_of(graph.system, "graph."))
    system_record = FactRecord("system", "system", f"system {arch.system.name}", system_values,
                               loaded.source.position(("system",)), system_positions)
    _add_capacity(system_record, capacity.system, flat_of)
    records.append(system_record)

    related: dict[str, list[tuple[str, Any]]] = {}  # the relation fields of each component, from its flat values
    for name in sorted(arch.components):
        comp = arch.components[name]
        values = {"name": name, **flatten(comp.model_copy(update={"zones": None, "regions": None}))}
        related[name] = [(kind, values.get(field_name)) for kind, field_name in RELATIONS.items()]
        positions = _input_positions(loaded, ("components", name), values)
        values.update(flat_of(graph.components[name], "graph."))
        record = FactRecord("component", f"component:{name}", f"component {name}", values,
                            loaded.component_position(name), positions)
        record.derivations.update(graph.notes.get(name, {}))
        record.remedies.update(graph.remedies.get(name, {}))
        for derived, stated in graph.sources.get(name, {}).items():
            record.inputs[derived] = stated
            if stated in positions:
                positions[derived] = positions[stated]
        _add_capacity(record, capacity.components.get(name), flat_of)
        records.append(record)

    for index, dep in enumerate(arch.dependencies):
        values = flatten(dep)
        positions = _input_positions(loaded, ("dependencies", index), values)
        values.update(flat_of(graph.dependencies[index], "graph."))
        records.append(FactRecord("dependency", f"dependency:{dep.source}->{dep.target}",
                                  f"dependency {dep.source} → {dep.target}", values,
                                  loaded.dependency_position(index), positions))

    flow_capacity = {f.entry: f for f in capacity.flows}
    journeys = _journey_objectives(loaded)
    for flow in graph.flows:
        record = FactRecord("flow", f"flow:{flow.entry}", f"flow from {flow.entry}", flat_of(flow, ""),
                            loaded.component_position(flow.entry))
        if flow.entry in journeys:
            values, positions = journeys[flow.entry]
            record.values.update(values)
            record.positions.update(positions)
        _add_capacity(record, flow_capacity.get(flow.entry), flat_of)
        records.append(record)
    for name in sorted(arch.components):
        for kind, targets in related[name]:
            field_name = RELATIONS[kind]
            for target in (targets if isinstance(targets, tuple) else (targets,) if targets else ()):
                pos = loaded.source.position(("components", name, *field_name.split(".")))
                records.append(FactRecord("relation", f"relation:{kind}:{name}->{target}", f"{name} {kind} {target}",
                                          {"type": kind, "from": name, "to": target}, pos))
    for cycle in graph.cycles:
        records.append(FactRecord("cycle", f"cycle:{cycle.members}", f"cycle {cycle.members}", flatten(cycle),
                                  loaded.component_position(cycle.first)))
    for record in records:
        known = types[record.type].fields
        record.values = {k: v for k, v in record.values.items() if k in known}
    return records


def _journey_objectives(loaded: LoadedArchitecture) -> dict[str, tuple[dict[str, Any], dict[str, Position]]]:
    """Entry point → its own journey objectives (``objectives.*`` values and their positions)."""
    found: dict[str, tuple[dict[str, Any], dict[str, Position]]] = {}
    for index, entry in enumerate(loaded.model.system.entry_points or []):
        if isinstance(entry, str) or entry.objectives is None:
            continue
        values = flatten(entry.objectives, "objectives.")
        found[entry.component] = (values, _input_positions(loaded, ("system", "entry_points", index), values))
    return found


def _add_capacity(record: FactRecord, figures: BaseModel | None,
                  flat_of: Callable[[BaseModel | None, str, bool], dict[str, Any]] | None = None) -> None:
    if figures is None:
        return
    values = flatten(figures, "capacity.", by_alias=False) if flat_of is None else flat_of(figures, "capacity.", False)
    derivations = {k: v for k, v in values.items() if k.startswith("capacity.derivations.")}
    for key in derivations:
        values.pop(key)
    record.values.update(values)
    record.derivations.update({_intern(k.replace("derivations.", "")): str(v) for k, v in derivations.items()})
