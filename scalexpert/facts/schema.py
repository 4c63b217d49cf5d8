"""The fact types the rules match, generated from the format's models and the analysis models.

One schema, so that a rule naming an unknown fact type or field is an error when it is loaded,
not a rule that silently never fires. Input fields keep their dotted path in the file
(``data.replication.failover``); graph facts are prefixed ``graph.``, capacity figures ``capacity.``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from ..analysis.capacity.records import ComponentCapacity, FlowCapacity, SystemCapacity
from ..analysis.graph_model import ComponentGraph, CycleGraph, DependencyGraph, FlowGraph, SystemGraph
from ..model import Component, Dependency, JourneyObjectives, System

FieldType = Literal["number", "integer", "boolean", "text", "list"]
Origin = Literal["input", "graph", "capacity", "derived"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a fact type."""

    name: str
    type: FieldType
    description: str = ""
    origin: Origin = "input"
    values: tuple[str, ...] | None = None


@dataclass
class FactType:
    """A kind of fact and its fields."""

    name: str
    description: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    derived: bool = False
    key: tuple[str, ...] = ()
    """Fields no two facts of this type share (the format allows one component per name and one
    dependency per pair); empty when facts are not identified by fields."""

    def add(self, spec: FieldSpec) -> None:
        """Add a field (the first definition of a name wins)."""
        self.fields.setdefault(spec.name, spec)


_SKIPPED_INPUT = {"zones", "regions", "entry_points"}

RELATIONS: dict[str, str] = {
    "consumed-by": "messaging.consumed_by",
    "fronts": "cache.fronts",
    "copies-from": "data.denormalized_from",
    "session-store": "session_store",
}
"""Relation type → the component field (a name or list of names) it comes from."""
RELATION_TYPES: tuple[str, ...] = tuple(RELATIONS)


def _leaf_type(node: dict[str, Any]) -> tuple[FieldType, tuple[str, ...] | None]:
    options = [o for o in node.get("anyOf", [node]) if o.get("type") != "null"]
    first = options[0] if options else {}
    if "enum" in first:
        return "text", tuple(str(v) for v in first["enum"])
    if "const" in first:
        return ("integer" if isinstance(first["const"], int) else "text"), None
    kinds: dict[str, FieldType] = {"number": "number", "integer": "integer", "boolean": "boolean", "array": "list"}
    return kinds.get(first.get("type", "text"), "text"), None


def _walk(model: type[BaseModel], origin: Origin, prefix: str = "") -> list[FieldSpec]:
    schema = model.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    found: list[FieldSpec] = []

    def visit(node: dict[str, Any], path: str) -> None:
        for key, prop in node.get("properties", {}).items():
            if not path and key in _SKIPPED_INPUT and origin == "input":
                continue
            name = f"{path}.{key}" if path else key
            target = prop
            options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
            if any(o.get("type") == "object" for o in options):
                continue  # a mapping of names (system.failure_domains): not a fact field
            blocks = [o for o in options if "$ref" in o and "properties" in defs[o["$ref"].rsplit("/", 1)[1]]]
            if blocks:
                visit(defs[blocks[0]["$ref"].rsplit("/", 1)[1]], name)
                stated = [o["const"] for o in options if "const" in o]
                if stated:  # `autoscaling: none`: stated absence, a value of its own
                    description = f"{' or '.join(map(str, stated))}: stated that there is none"
                    found.append(FieldSpec(prefix + name, "text", description, origin, tuple(map(str, stated))))
                continue
            if len(options) == 1 and "$ref" in options[0]:
                target = defs[options[0]["$ref"].rsplit("/", 1)[1]]
            kind, values = _leaf_type(target)
            found.append(FieldSpec(prefix + name, kind, prop.get("description", ""), origin, values))

    visit(schema, "")
    return found


@lru_cache(maxsize=1)
def base_fact_types() -> dict[str, FactType]:
    """The fact types scalexpert declares before the engine runs.

    They follow from scalexpert's own models only, so they are kept in the rule cache
    (:mod:`scalexpert.cache`, keyed by scalexpert's source): generating the models' JSON schemas
    is a fixed cost of every check otherwise.
    """
    from .. import cache

    return cache.cached([], "fact-types", _base_fact_types, dict, name="facts")


def _base_fact_types() -> dict[str, FactType]:
    system = FactType("system", "The system as a whole (one fact).")
    component = FactType("component", "One component of the architecture.", key=("name",))
    dependency = FactType("dependency", "A dependency between two components.", key=("from", "to"))
    flow = FactType("flow", "The requests of one entry point and everything they reach.")
    cycle = FactType("cycle", "A cycle of synchronous dependencies.")
    relation = FactType("relation", "A reference from one component to another that is not a call.")
    relation.add(FieldSpec("type", "text", "What the reference means.", "graph", RELATION_TYPES))
    relation.add(FieldSpec("from", "text", "The component that holds the reference."))
    relation.add(FieldSpec("to", "text", "The component referred to."))
    component.add(FieldSpec("name", "text", "Name of the component."))
    dependency.add(FieldSpec("from", "text", "Name of the calling component."))
    dependency.add(FieldSpec("to", "text", "Name of the component called."))
    for spec in _walk(System, "input"):
        system.add(spec)
    for spec in _walk(Component, "input"):
        component.add(spec)
    for spec in _walk(Dependency, "input"):
        dependency.add(spec)
    graph_records: tuple[tuple[FactType, type[BaseModel]], ...] = (
        (component, ComponentGraph), (dependency, DependencyGraph), (system, SystemGraph))
    for fact, model in graph_records:
        for spec in _walk(model, "graph", "graph."):
            fact.add(spec)
    for spec in _walk(FlowGraph, "graph"):
        flow.add(spec)
    for spec in _walk(JourneyObjectives, "input", "objectives."):  # the entry point's own objectives
        flow.add(spec)
    for spec in _walk(CycleGraph, "graph"):
        cycle.add(spec)
    capacity_records: tuple[tuple[FactType, type[BaseModel]], ...] = (
        (component, ComponentCapacity), (system, SystemCapacity), (flow, FlowCapacity))
    for fact, model in capacity_records:
        for spec in _walk(model, "capacity", "capacity."):
            if not spec.name.startswith("capacity.derivations"):
                fact.add(spec)
    return {f.name: f for f in (system, component, dependency, flow, cycle, relation)}
