"""The plan's target as an overlay file: ``extends`` the original and states every planned change."""

from __future__ import annotations

import json
from typing import Any

from ..findings import Change, Report
from ..model import Architecture
from . import target_overlay


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string


def _notes(report: Report) -> dict[tuple[Any, ...], str]:
    notes: dict[tuple[Any, ...], str] = {}
    for step in report.plan.steps if report.plan else ():
        for change in step.changes:
            notes.setdefault(tuple(change.path), f"step {step.number} ({step.phase}), {', '.join(step.root_causes)}"
                             + (": cost follows the replicas (assumed)" if "(cost follows" in change.text else ""))
    return notes


def _emit(node: Any, indent: int, path: tuple[Any, ...], notes: dict[tuple[Any, ...], str], lines: list[str]) -> None:
    pad = "  " * indent
    for key, value in node.items():
        here = (*path, key)
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _emit(value, indent + 1, here, notes, lines)
        else:
            note = notes.get(here)
            lines.append(f"{pad}{key}: {_scalar(value)}" + (f"  # {note}" if note else ""))


def overlay_text(report: Report, arch: Architecture, extends: str) -> str:
    """YAML text of the target overlay; ``extends`` is the original's path relative to the overlay."""
    data = target_overlay(report, arch)
    notes = _notes(report)
    target = report.plan.target if report.plan else None
    lines = [
        f"# Target architecture of {report.system}: the plan of `scalexpert plan` applied to {extends}.",
        "# Check it with `scalexpert check` on this file; every change names its plan step and root cause.",
    ]
    if target is not None:
        order = ("critical", "high", "medium", "low", "info")
        found = ", ".join(f"{target.findings[s]} {s}" for s in order if target.findings.get(s)) or "no findings"
        lines.append(f"# Promised by the plan (measured by re-running the analysis): {found}.")
    lines += ["version: 1", f"extends: {_scalar(extends)}"]
    for section in ("system", "components"):
        if section in data:
            lines.append(f"{section}:")
            _emit(data[section], 1, (section,), notes, lines)
    deps = data.get("dependencies") or []
    if deps:
        lines.append("dependencies:")
        index = {(d.source, d.target): i for i, d in enumerate(arch.dependencies)}
        for dep in deps:
            i = index[(dep["from"], dep["to"])]
            lines.append(f"  - from: {_scalar(dep['from'])}")
            lines.append(f"    to: {_scalar(dep['to'])}")
            rest = {k: v for k, v in dep.items() if k not in ("from", "to")}
            _emit(rest, 2, ("dependencies", i), notes, lines)
    return "\n".join(lines) + "\n"


__all__ = ["Change", "overlay_text"]
