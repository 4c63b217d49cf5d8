"""Shared building blocks of the format: strict base model, number types, enums."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="A component name: letters, digits, '-', '_' and '.', starting with a letter or digit.",
    ),
]
DomainName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="A failure domain name: letters, digits, '-', '_' and '.', starting with a letter or digit.",
    ),
]
Ratio = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
MAX_COUNT = 1_000_000_000
"""Largest count (replicas, partitions, retries, ...): far above any real system, and small enough that
arithmetic on counts never leaves the range of a float (a 400-digit integer would overflow it)."""
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, Field(ge=1, le=MAX_COUNT)]


class StrictModel(BaseModel):
    """Every model of the format: unknown keys are errors, values are immutable, no NaN/inf."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        populate_by_name=True,
        use_enum_values=True,
        defer_build=True,
    )


ComponentKind = Literal[
    "service",
    "worker",
    "function",
    "database",
    "cache",
    "queue",
    "stream",
    "search",
    "object-storage",
    "load-balancer",
    "api-gateway",
    "cdn",
    "dns",
    "coordination",
    "external",
    "client",
]
"""The documented component kinds."""

COMPUTE_KINDS = frozenset({"service", "worker", "function"})
DATA_KINDS = frozenset({"database", "search", "object-storage", "coordination"})
MESSAGING_KINDS = frozenset({"queue", "stream"})
EDGE_KINDS = frozenset({"load-balancer", "api-gateway", "cdn", "dns"})
STATEFUL_KINDS = DATA_KINDS | MESSAGING_KINDS | {"cache"}
ONE_OF_KINDS = frozenset({"load-balancer", "api-gateway", "dns"})
"""Kinds whose requests take one of their request edges (routes) unless ``routing`` says otherwise."""
