"""GitHub Actions workflow commands: one annotation per active finding, on its file and line.

Chosen automatically when ``GITHUB_ACTIONS=true`` and no ``--format`` is given. Values are
escaped by GitHub's rules (``%``, CR and LF in messages; also ``:`` and ``,`` in properties), so
text from the input can neither end an annotation nor start another workflow command.
Suppressed and baseline findings are left out (they never fail a run); the last line is the summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, Report
from .common import DEFAULT_OPTIONS, RenderOptions, clean, status, summary_line
from .text import explanation_lines

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a message (the part after ``::``)."""
    return clean(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=`` ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, explain: bool = False) -> str:
    """The workflow command for one finding."""
    properties = []
    loc = finding.location
    if loc is not None and not loc.file.startswith("<"):
        properties.append(f"file={escape_property(loc.file)}")
        if loc.line > 0:
            properties += [f"line={loc.line}", f"col={max(loc.column, 1)}"]
    properties.append(f"title={escape_property(f'{finding.rule_id} {finding.title} ({finding.severity})')}")
    lines = [finding.message]
    if explain:
        lines.extend(line.strip() for line in explanation_lines(finding))
    elif finding.remedy:
        lines.append(f"fix: {finding.remedy}")
    return f"::{LEVELS.get(finding.severity, 'warning')} {','.join(properties)}::{escape_data(chr(10).join(lines))}"


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Annotations for active findings, then the summary line."""
    explain = options.explain
    lines = [annotation(f, explain) for r in reports for f in r.findings if status(f) == "active"]
    lines.extend(f"::warning title=scalexpert::{escape_data(f'{r.file}: {p}')}" for r in reports for p in r.problems)
    lines.append(clean(summary_line(reports)))
    return "\n".join(lines) + "\n"


__all__ = ["annotation", "escape_data", "escape_property", "render"]
