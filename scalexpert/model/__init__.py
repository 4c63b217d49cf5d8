"""The architecture description format, version 1: the single source of truth.

These pydantic models define what an architecture file may say; the JSON Schema, the format
reference and the fact types are all generated from them. Every optional field defaults to
``None``, meaning *not stated*: later stages tell "unknown" from "false" and say what they assume.
"""

from .base import COMPUTE_KINDS, DATA_KINDS, EDGE_KINDS, MESSAGING_KINDS, ONE_OF_KINDS, STATEFUL_KINDS, ComponentKind
from .component import (
    Autoscaling,
    Backups,
    Balancer,
    Cache,
    Cdn,
    Component,
    DataStore,
    Deployment,
    DisruptionBudget,
    Function,
    HealthChecks,
    Messaging,
    Observability,
    Replication,
    Observed,
    Resources,
    Sharding,
)
from .dependency import Dependency
from .document import Architecture, Suppression
from .system import EntryPoint, FailureDomain, Growth, JourneyObjectives, Objectives, System, Traffic
from .roles import REALITY, component_field_role, dependency_field_role, field_role, schema_with_roles

__all__ = [
    "REALITY",
    "component_field_role",
    "dependency_field_role",
    "field_role",
    "schema_with_roles",
    "COMPUTE_KINDS",
    "DATA_KINDS",
    "EDGE_KINDS",
    "MESSAGING_KINDS",
    "ONE_OF_KINDS",
    "STATEFUL_KINDS",
    "Architecture",
    "Autoscaling",
    "Backups",
    "Balancer",
    "Cache",
    "Cdn",
    "Component",
    "ComponentKind",
    "DataStore",
    "Dependency",
    "Deployment",
    "DisruptionBudget",
    "EntryPoint",
    "FailureDomain",
    "JourneyObjectives",
    "Function",
    "Growth",
    "HealthChecks",
    "Messaging",
    "Objectives",
    "Observability",
    "Replication",
    "Observed",
    "Resources",
    "Sharding",
    "Suppression",
    "System",
    "Traffic",
]
