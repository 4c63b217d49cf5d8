"""Rendering ``scalexpert diff``: text, Markdown (for pull requests) or JSON."""

from __future__ import annotations

import json
from typing import Any

from ..terminal import lines as terminal_lines
from ..version import __version__
from ..review.diff import ArchitectureDiff, ItemChange
from .common import clean, fails, number, percent, pretty_json, rank, status, where
from .markdown import md

DIFF_FORMATS = ("text", "markdown", "json")


def _value(value: Any) -> str:
    if value is None:
        return "(not stated)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value, 6)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


def _figure(label: str, value: Any) -> str:
    if value is None:
        return "-"
    if label.startswith("availability") and isinstance(value, (int, float)):
        return percent(value)
    return _value(value)


def regressions(diff: ArchitectureDiff, fail_on: str) -> int:
    """New active findings at or above the threshold, plus kept ones that rose to it."""
    count = sum(1 for f in diff.findings_new if fails(f, fail_on))
    for kept in diff.findings_unchanged:
        if fails(kept.finding, fail_on) and rank(kept.old_severity) < rank(fail_on):
            count += 1
    return count


def _items(title: str, changes: tuple[ItemChange, ...], added: tuple[str, ...], removed: tuple[str, ...]) -> list[str]:
    if not (changes or added or removed):
        return []
    lines = [f"{title}:"]
    lines += [clean(f"  + {name}") for name in added]
    lines += [clean(f"  - {name}") for name in removed]
    for item in changes:
        lines.append(clean(f"  ~ {item.name}"))
        lines += [clean(f"      {c.field}: {_value(c.old)} → {_value(c.new)}") for c in item.changes]
    return lines + [""]


def render_text(diff: ArchitectureDiff, fail_on: str) -> str:
    """Plain text."""
    lines = [clean(f"{diff.old_file} → {diff.new_file}"), ""]
    lines += _items("components", diff.components_changed, diff.components_added, diff.components_removed)
    lines += _items("dependencies", diff.dependencies_changed, diff.dependencies_added, diff.dependencies_removed)
    for title, group in (("new findings", diff.findings_new), ("resolved findings", diff.findings_resolved)):
        if group:
            lines.append(f"{title} ({len(group)}):")
            lines += [clean(f"  {f.severity:<8} {where(f)}: {f.rule_id} {f.message}"
                            + (f" [{status(f)}]" if status(f) != "active" else "")) for f in group]
            lines.append("")
    rose = [k for k in diff.findings_unchanged if k.old_severity != k.finding.severity]
    lines.append(f"unchanged findings: {len(diff.findings_unchanged)}"
                 + (f" ({len(rose)} changed severity)" if rose else ""))
    lines += [clean(f"  {k.old_severity} → {k.finding.severity}: {k.finding.rule_id} {k.finding.message}") for k in rose]
    changed = [c for c in diff.capacity if c.old != c.new]
    if diff.capacity:
        lines += ["", "capacity:" if changed else "capacity: no change in the headline figures"]
        lines += [clean(f"  {c.figure}: {_figure(c.figure, c.old)} → {_figure(c.figure, c.new)}") for c in changed]
    failing = regressions(diff, fail_on)
    lines += ["", f"{failing} new finding(s) at or above {fail_on}" if failing else "no failure threshold (--fail-on never)"
              if fail_on == "never" else f"nothing new at or above {fail_on}"]
    return "\n".join(lines) + "\n"


def render_markdown(diff: ArchitectureDiff, fail_on: str) -> str:
    """Markdown for a pull-request comment."""
    failing = regressions(diff, fail_on)
    lines = [f"## scalexpert diff: {md(diff.old_file)} → {md(diff.new_file)}", "",
             f"❌ {failing} new finding(s) at or above **{fail_on}**" if failing else f"✅ nothing new at or above **{fail_on}**",
             "", "| | added | removed | changed |", "|---|---|---|---|",
             f"| components | {len(diff.components_added)} | {len(diff.components_removed)} | {len(diff.components_changed)} |",
             f"| dependencies | {len(diff.dependencies_added)} | {len(diff.dependencies_removed)} | {len(diff.dependencies_changed)} |",
             "", f"Findings: {len(diff.findings_new)} new, {len(diff.findings_resolved)} resolved, "
                 f"{len(diff.findings_unchanged)} unchanged.", ""]
    for title, group in (("New findings", diff.findings_new), ("Resolved findings", diff.findings_resolved)):
        if group:
            lines += [f"### {title}", ""]
            lines += [f"- **{md(f.severity)}** {md(f.rule_id)} {md(f.message)}" for f in group]
            lines.append("")
    structure = [*(f"- component added: {md(n)}" for n in diff.components_added),
                 *(f"- component removed: {md(n)}" for n in diff.components_removed),
                 *(f"- dependency added: {md(n)}" for n in diff.dependencies_added),
                 *(f"- dependency removed: {md(n)}" for n in diff.dependencies_removed)]
    for item in (*diff.components_changed, *diff.dependencies_changed):
        structure += [f"- {md(item.name)}: {md(c.field)} {md(_value(c.old))} → {md(_value(c.new))}" for c in item.changes]
    if structure:
        lines += ["### Changes", "", *structure, ""]
    changed = [c for c in diff.capacity if c.old != c.new]
    if changed:
        lines += ["### Capacity", "", "| figure | before | after |", "|---|---|---|"]
        lines += [f"| {md(c.figure)} | {md(_figure(c.figure, c.old))} | {md(_figure(c.figure, c.new))} |" for c in changed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(diff: ArchitectureDiff, fail_on: str) -> str:
    """JSON: the comparison, the threshold and the count of regressions."""
    doc = {"tool": {"name": "scalexpert", "version": __version__}, "fail_on": fail_on,
           "regressions": regressions(diff, fail_on), "diff": diff.model_dump(mode="json")}
    return pretty_json(doc)


def render(fmt: str, diff: ArchitectureDiff, fail_on: str) -> str:
    """Render in one of :data:`DIFF_FORMATS`."""
    text = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt](diff, fail_on)
    return terminal_lines(text, fmt)  # fmt is also the guard's markup: text, markdown, json


__all__ = ["DIFF_FORMATS", "regressions", "render"]
