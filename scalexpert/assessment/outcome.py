"""What a re-run of the analysis with a change applied gives back, and the figures read from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..findings import FlowEffect, Report, TargetFigures

SEVERITIES = ("critical", "high", "medium", "low", "info")


def rank(severity: str) -> int:
    """critical 4 … info 0 (unknown: -1)."""
    return 4 - SEVERITIES.index(severity) if severity in SEVERITIES else -1


@dataclass
class Outcome:
    """Findings (fingerprint → severity) and the capacity figures of one analysis run."""

    findings: dict[str, str]
    capacity: dict[str, Any] | None = None
    changed: dict[str, Any] = field(default_factory=dict)


Rerun = Callable[[Mapping[str, Any]], "Outcome | None"]
"""Analyse the architecture with an overlay merged onto it (None when the result does not validate)."""

FullCheck = Callable[[Mapping[str, Any]], "tuple[Report, Any] | None"]
"""A complete check (suppressions applied, no assessment) of the architecture with an overlay merged onto it,
and the architecture it checked."""


def capacity_dict(capacity: Any) -> dict[str, Any] | None:
    """Capacity figures as plain JSON-like data (from a model or a dict)."""
    if capacity is None:
        return None
    if hasattr(capacity, "model_dump"):
        dumped: dict[str, Any] = capacity.model_dump(mode="json")
        return dumped
    return dict(capacity)


def system(capacity: dict[str, Any] | None) -> dict[str, Any]:
    return (capacity or {}).get("system") or {}


def components(capacity: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return (capacity or {}).get("components") or {}


def flows(capacity: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((capacity or {}).get("flows") or [])


def flow_effects(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[FlowEffect, ...]:
    """Each flow's availability before and after (flows whose figure changed)."""
    later = {f.get("entry"): f for f in flows(after)}
    found = []
    for flow in flows(before):
        entry = flow.get("entry")
        a, b = flow.get("availability"), (later.get(entry) or {}).get("availability")
        if a is not None and b is not None and abs(a - b) > 1e-12:
            found.append(FlowEffect(entry=str(entry), before=a, after=b, objective=flow.get("availability_objective")))
    return tuple(found)


def figures(report: Report, root_causes: int | None = None) -> TargetFigures:
    """The figures a check reports: active findings by severity, availability, cost, breaking point."""
    counts: dict[str, int] = {}
    for finding in report.active:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    capacity = capacity_dict(report.capacity)
    sys = system(capacity)
    return TargetFigures(
        findings=counts,
        flows={str(f["entry"]): f["availability"] for f in flows(capacity) if f.get("availability") is not None},
        availability=sys.get("availability_estimate"),
        monthly_cost=sys.get("monthly_cost"),
        breaking_multiple=sys.get("breaking_multiple"),
        root_causes=root_causes,
    )
