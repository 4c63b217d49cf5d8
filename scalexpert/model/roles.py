"""Which fields of the format are design choices and which describe reality.

A *design* field is something the team decides and can change (replicas, zones, a fallback, a
timeout, autoscaling, a cache in front of a store). A *reality* field describes the world the
design lives in: the traffic and its growth, the objectives, what a component is and does, what a
load test or a provider measured (capacity, service time, hit ratios, SLAs), prices. Advice may
change design fields only: "would clear it" never lowers an objective, wishes traffic away or
assumes a faster service.

Every field of every model carries its role as field metadata (``json_schema_extra``,
``{"role": "design"}`` or ``{"role": "reality"}``); :func:`field_role` answers by dotted path.
The JSON Schema shows it once :func:`schema_with_roles` has been called (the schema commands do),
so that importing the format stays as fast as before.
"""

from __future__ import annotations

import typing
from functools import lru_cache

from pydantic import BaseModel

from .component import Component
from .dependency import Dependency
from .document import Architecture
from .system import System

Role = typing.Literal["design", "reality"]

REALITY: frozenset[str] = frozenset({
    # the system: who uses it, how much, how fast it grows, what it must achieve
    "system.name", "system.description", "system.entry_points", "system.traffic", "system.growth",
    "system.objectives", "system.failure_domains.kind", "system.failure_domains.availability",
    "system.failure_domains.description", "system.tenancy", "system.public_api",
    # what a component is, does and costs, and what was measured about it
    "components.kind", "components.description", "components.technology", "components.owner",
    "components.environment", "components.critical", "components.capacity_rps", "components.service_time_ms",
    "components.contention", "components.coherency", "components.scaling_efficiency", "components.availability",
    "components.serves_static", "components.websocket", "components.gc_pause_p99_ms", "components.hourly_cost",
    "components.utilization_avg", "components.observed",
    "components.data.size_gb", "components.data.growth_gb_per_month", "components.data.write_capacity_rps",
    "components.data.analytics_queries", "components.data.full_text_search", "components.data.blobs",
    "components.data.replication.lag_s", "components.data.sharding.top_key_share",
    "components.data.sharding.cross_shard_query_share",
    "components.cache.hit_ratio", "components.cache.hot_key_share", "components.cache.max_value_bytes",
    "components.cache.writers",
    "components.messaging.consumer_rate", "components.messaging.max_message_bytes", "components.messaging.replay_h",
    "components.function.duration_ms", "components.function.cold_start_ms",
    "components.cdn.hit_ratio",
    # what a call is: who calls whom, how often, reading or writing, how big, how far
    "dependencies.from", "dependencies.to", "dependencies.role", "dependencies.calls_per_request",
    "dependencies.read_share", "dependencies.writes", "dependencies.strong_read", "dependencies.payload_bytes",
    "dependencies.latency_ms", "dependencies.description",
})
"""Dotted paths (without component names or list indexes) of the fields that describe reality.
A path covers everything under it (``system.traffic`` covers ``system.traffic.peak_rps``)."""

_ROOTS: dict[str, type[BaseModel]] = {"system": System, "components": Component, "dependencies": Dependency}


def _normalise(path: str) -> str:
    """``components.api.replicas`` or ``components.*.replicas`` → ``components.replicas``."""
    parts = path.split(".")
    if parts and parts[0] in ("components", "dependencies") and len(parts) > 2:
        if parts[1] == "*" or parts[1].isdigit() or parts[1] not in _fields(_ROOTS[parts[0]]):
            parts = [parts[0], *parts[2:]]
    return ".".join(parts)


@lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    found: dict[str, type[BaseModel] | None] = {}
    for name, info in model.model_fields.items():
        nested = None
        for arg in _flatten(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                nested = arg
        found[info.alias or name] = nested
    return found


def _flatten(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [leaf for arg in args for leaf in _flatten(arg)]


def _role_of(path: str) -> Role:
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in REALITY:
            return "reality"
    return "design"


def field_role(path: str) -> Role | None:
    """``design`` or ``reality`` for a field path such as ``components.*.replicas``,
    ``components.api.data.replication.failover``, ``dependencies.*.fallback`` or ``system.traffic.peak_rps``;
    None when the path names no field of the format."""
    normal = _normalise(path)
    parts = normal.split(".")
    model: type[BaseModel] | None = _ROOTS.get(parts[0])
    for part in parts[1:]:
        if model is None:
            return None
        fields = _fields(model)
        if part not in fields:
            return None
        model = fields[part]
    return _role_of(normal) if len(parts) > 1 else None


def component_field_role(field: str) -> Role | None:
    """The role of a component field given relative to the component (``replicas``, ``data.engine``)."""
    return field_role(f"components.{field}")


def dependency_field_role(field: str) -> Role | None:
    """The role of a dependency field given relative to the dependency (``fallback``)."""
    return field_role(f"dependencies.{field}")


def _annotate(model: type[BaseModel], prefix: str, seen: set[type[BaseModel]]) -> None:
    for name, info in model.model_fields.items():
        key = info.alias or name
        path = f"{prefix}.{key}"
        info.json_schema_extra = {"role": _role_of(path)}
        nested = _fields(model)[key]
        if nested is not None and nested not in seen:
            seen.add(nested)
            _annotate(nested, path, seen)


def _annotate_all() -> None:
    seen: set[type[BaseModel]] = set()
    for root, model in _ROOTS.items():
        _annotate(model, root, seen)


_annotate_all()


@lru_cache(maxsize=1)
def schema_with_roles() -> None:
    """Rebuild the models once so that their JSON Schema shows each field's role."""
    for model in _models():  # nested models before the models that hold them
        model.model_rebuild(force=True)
    Architecture.model_rebuild(force=True)


def _models() -> list[type[BaseModel]]:
    """Every model of the format, each after the models it holds (post-order)."""
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in found:
            return
        for nested in _fields(model).values():
            if nested is not None:
                visit(nested)
        found.append(model)

    for model in _ROOTS.values():
        visit(model)
    return found
