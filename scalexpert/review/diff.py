"""What changed between two versions of an architecture: components, dependencies, findings, capacity.

Components are matched by name, dependencies by (from, to) (the n-th of several between the same
pair matches the n-th), findings by fingerprint as a multiset. Field changes are listed as dotted
paths with the old and new value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..findings import Finding, Report
from ..model import Architecture


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldChange(_Frozen):
    """One field whose value changed (None: not stated)."""

    field: str
    old: Any = None
    new: Any = None


class ItemChange(_Frozen):
    """A component or dependency present in both versions, with the fields that changed."""

    name: str = Field(description="Component name, or 'from → to' for a dependency.")
    changes: tuple[FieldChange, ...]


class SeverityChange(_Frozen):
    """A finding in both versions (severity may differ)."""

    finding: Finding
    old_severity: str


class CapacityChange(_Frozen):
    """A capacity headline figure in both versions (None: not computed)."""

    figure: str
    old: Any = None
    new: Any = None


class ArchitectureDiff(_Frozen):
    """The whole comparison."""

    old_file: str
    new_file: str
    components_added: tuple[str, ...] = ()
    components_removed: tuple[str, ...] = ()
    components_changed: tuple[ItemChange, ...] = ()
    dependencies_added: tuple[str, ...] = ()
    dependencies_removed: tuple[str, ...] = ()
    dependencies_changed: tuple[ItemChange, ...] = ()
    findings_new: tuple[Finding, ...] = ()
    findings_resolved: tuple[Finding, ...] = ()
    findings_unchanged: tuple[SeverityChange, ...] = ()
    capacity: tuple[CapacityChange, ...] = ()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key in value:
            flat.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _changes(old: BaseModel, new: BaseModel) -> tuple[FieldChange, ...]:
    a = _flatten(old.model_dump(mode="json", by_alias=True, exclude_none=True))
    b = _flatten(new.model_dump(mode="json", by_alias=True, exclude_none=True))
    return tuple(FieldChange(field=k, old=a.get(k), new=b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k))


def _keyed_dependencies(arch: Architecture) -> dict[str, Any]:
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for dep in arch.dependencies:
        pair = (dep.source, dep.target)
        seen[pair] += 1
        keyed[f"{dep.source} → {dep.target}" + (f" #{seen[pair]}" if seen[pair] > 1 else "")] = dep
    return keyed


def _structure(old: Architecture, new: Architecture) -> dict[str, Any]:
    changed = [ItemChange(name=n, changes=c) for n in sorted(set(old.components) & set(new.components))
               if (c := _changes(old.components[n], new.components[n]))]
    old_deps, new_deps = _keyed_dependencies(old), _keyed_dependencies(new)
    dep_changed = [ItemChange(name=k, changes=c) for k in sorted(set(old_deps) & set(new_deps))
                   if (c := _changes(old_deps[k], new_deps[k]))]
    system = _changes(old.system, new.system)
    if system:
        changed.insert(0, ItemChange(name="(system)", changes=system))
    return {
        "components_added": tuple(sorted(set(new.components) - set(old.components))),
        "components_removed": tuple(sorted(set(old.components) - set(new.components))),
        "components_changed": tuple(changed),
        "dependencies_added": tuple(sorted(set(new_deps) - set(old_deps))),
        "dependencies_removed": tuple(sorted(set(old_deps) - set(new_deps))),
        "dependencies_changed": tuple(dep_changed),
    }


def _findings(old: Report, new: Report) -> dict[str, Any]:
    remaining: dict[str, list[tuple[int, Finding]]] = {}
    for index, finding in enumerate(old.findings):
        remaining.setdefault(finding.fingerprint, []).append((index, finding))
    added, kept = [], []
    for finding in new.findings:
        match = remaining.get(finding.fingerprint)
        if match:
            kept.append(SeverityChange(finding=finding, old_severity=match.pop(0)[1].severity))
        else:
            added.append(finding)
    resolved = [f for _, f in sorted(item for group in remaining.values() for item in group)]
    return {"findings_new": tuple(added), "findings_resolved": tuple(resolved), "findings_unchanged": tuple(kept)}


def _figure(report: Report, *path: str) -> Any:
    value: Any = report.capacity
    for key in path:
        value = getattr(value, key)
    return value


_FIGURES = (
    ("breaking point component", ("system", "breaking_component")),
    ("breaking point multiple", ("system", "breaking_multiple")),
    ("availability estimate", ("system", "availability_estimate")),
    ("availability objective", ("system", "availability_objective")),
    ("p99 latency estimate ms", ("system", "latency_p99_estimate_ms")),
    ("bottleneck", ("system", "bottleneck")),
    ("max utilization", ("system", "max_utilization")),
    ("monthly cost", ("system", "monthly_cost")),
)


def _capacity(old: Report, new: Report) -> tuple[CapacityChange, ...]:
    found = []
    for label, path in _FIGURES:
        a, b = _figure(old, *path), _figure(new, *path)
        if a is not None or b is not None:
            found.append(CapacityChange(figure=label, old=a, new=b))
    return tuple(found)


WORSE_FIGURES: dict[str, tuple[str, int]] = {
    "capacity": ("breaking point multiple", +1),
    "availability": ("availability estimate", +1),
    "latency": ("p99 latency estimate ms", -1),
    "utilization": ("max utilization", -1),
    "cost": ("monthly cost", -1),
}
"""Name used in ``--fail-on-worse`` → (capacity figure, +1 when higher is better, -1 when lower is)."""


def parse_margin(text: str) -> tuple[str, float, bool]:
    """``capacity=10%`` → ("capacity", 0.10, relative); ``availability=0.0005`` → absolute."""
    name, sep, value = text.partition("=")
    if not sep or name not in WORSE_FIGURES:
        raise ValueError(f"{text!r}: expected FIGURE=MARGIN with FIGURE one of {', '.join(WORSE_FIGURES)}")
    relative = value.endswith("%")
    try:
        number = float(value[:-1] if relative else value)
    except ValueError:
        raise ValueError(f"{text!r}: the margin {value!r} is not a number (e.g. 10% or 0.0005)") from None
    if not number >= 0:
        raise ValueError(f"{text!r}: the margin must be zero or more")
    return name, number / 100 if relative else number, relative


def worse_figures(diff: ArchitectureDiff, margins: Sequence[tuple[str, float, bool]]) -> list[str]:
    """The capacity figures that got worse by more than their margin, each as one sentence.

    A figure that became unknown (None) counts as worse only for latency and availability, where
    None means the flow saturates; a figure that appears where there was none is not compared.
    """
    figures = {change.figure: change for change in diff.capacity}
    found: list[str] = []
    for name, margin, relative in margins:
        label, better = WORSE_FIGURES[name]
        change = figures.get(label)
        if change is None or not isinstance(change.old, (int, float)):
            continue
        old = float(change.old)
        if not isinstance(change.new, (int, float)):
            if name == "latency" and change.new is None:
                found.append(f"{label}: {old:g} → unbounded (a component on the flow saturates)")
            continue
        new = float(change.new)
        loss = (old - new) * better  # positive: worse
        allowed = margin * abs(old) if relative else margin
        if loss > allowed:
            shown = f"{margin:.0%}" if relative else f"{margin:g}"
            found.append(f"{label}: {old:g} → {new:g}, worse by {abs(old - new):g} (margin {shown})")
    return found


def compare(old_arch: Architecture, new_arch: Architecture, old: Report, new: Report) -> ArchitectureDiff:
    """Compare two versions: their models and their reports."""
    return ArchitectureDiff(old_file=old.file, new_file=new.file, **_structure(old_arch, new_arch),
                            **_findings(old, new), capacity=_capacity(old, new))


__all__ = ["WORSE_FIGURES", "ArchitectureDiff", "CapacityChange", "FieldChange", "ItemChange", "SeverityChange", "compare",
           "parse_margin", "worse_figures"]
