"""GitHub Actions workflow commands: one annotation per active finding, on its file and line.

Chosen automatically when ``GITHUB_ACTIONS=true`` and no ``--format`` is given. Values are
escaped by GitHub's rules (``%``, CR and LF in messages; also ``:`` and ``,`` in properties), so
text from the input can neither end an annotation nor start another workflow command.
Suppressed and baseline findings are left out (they never fail a run).

GitHub shows at most ten annotations of each level (error, warning, notice) per step; further
workflow commands are silently dropped. So at most :data:`PER_LEVEL` of each level are written as
annotations, most severe first; the rest are printed as plain log lines and counted in one closing
notice, so nothing is lost. File paths are relative to the repository root (``--base-dir``), as
GitHub expects. The last line is the summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, Report
from .common import DEFAULT_OPTIONS, RenderOptions, clean, rank, repo_path, status, summary_line
from .text import explanation_lines

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
PER_LEVEL = 10
"""Annotations of one level GitHub shows for one step."""


def escape_data(text: str) -> str:
    """Escape a message (the part after ``::``)."""
    return clean(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=`` ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, explain: bool = False, options: object = None) -> str:
    """The workflow command for one finding."""
    properties = []
    loc = finding.location
    if loc is not None and not loc.file.startswith("<"):
        properties.append(f"file={escape_property(repo_path(loc.file, options))}")
        if loc.line > 0:
            properties += [f"line={loc.line}", f"col={max(loc.column, 1)}"]
    properties.append(f"title={escape_property(f'{finding.rule_id} {finding.title} ({finding.severity})')}")
    lines = [finding.message]
    if explain:
        lines.extend(line.strip() for line in explanation_lines(finding))
    elif finding.remedy:
        lines.append(f"fix: {finding.remedy}")
    return f"::{LEVELS.get(finding.severity, 'warning')} {','.join(properties)}::{escape_data(chr(10).join(lines))}"


def _plain(finding: Finding, options: object) -> str:
    loc = finding.location
    at = f"{repo_path(loc.file, options)}:{loc.line}:{loc.column}" if loc is not None else "-"
    return clean(f"  {at}: {finding.severity} {finding.rule_id} {' '.join(finding.message.split())}")


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Annotations for active findings (at most ten per level), the rest as log lines, then the summary."""
    explain = bool(getattr(options, "explain", False))
    lines = [f"::warning title=scalexpert::{escape_data(f'{r.file}: {p}')}" for r in reports for p in r.problems]
    active = sorted((f for r in reports for f in r.findings if status(f) == "active"), key=lambda f: -rank(f.severity))
    level_of = [LEVELS.get(f.severity, "warning") for f in active]
    budget = {"error": PER_LEVEL, "warning": PER_LEVEL - len(lines), "notice": PER_LEVEL}
    if any(level_of.count(level) > max(room, 0) for level, room in budget.items()):
        budget["notice"] -= 1  # room for the closing notice that counts what is left out
    hidden: list[Finding] = []
    for finding, level in zip(active, level_of):
        if budget[level] > 0:
            lines.append(annotation(finding, explain, options))
            budget[level] -= 1
        else:
            hidden.append(finding)
    if hidden:
        by_level = {level: sum(1 for f in hidden if LEVELS.get(f.severity, "warning") == level) for level in budget}
        detail = ", ".join(f"{n} {level}{'s' if n != 1 else ''}" for level, n in by_level.items() if n)
        note = (f"{len(hidden)} more finding(s) ({detail}) are not shown as annotations: GitHub shows {PER_LEVEL} of "
                "each level per step. They are listed in this step's log and in the full reports (--output).")
        lines.append(f"::notice title=scalexpert::{escape_data(note)}")
        lines.append(f"not shown as annotations ({len(hidden)}):")
        lines.extend(_plain(f, options) for f in hidden)
    lines.append(clean(summary_line(reports)))
    return "\n".join(lines) + "\n"


__all__ = ["PER_LEVEL", "annotation", "escape_data", "escape_property", "render"]
