"""JSON: every report with findings, explanations, capacity figures and score (schema version in each).

The document is described by :func:`json_schema` (a JSON Schema generated from the models below)
and in docs/reports.md. ``schema_version`` changes only when a field is removed or changes meaning;
new fields may appear in any release.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..findings import SCHEMA_VERSION, Report
from ..score import Score, score_report
from .common import SEVERITY_ORDER, all_findings, counts, fails, pretty_json_bytes, status


class Tool(BaseModel):
    """The program that wrote the document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "scalexpert"
    version: str


class Summary(BaseModel):
    """Counts over every report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: int = Field(description="Architecture files checked.")
    active: dict[str, int] = Field(description="Active (not suppressed, not in the baseline) findings by severity.")
    suppressed: int = Field(description="Findings accepted by a suppression.")
    baseline: int = Field(description="Findings accepted by the baseline.")
    fail_on: str = Field(description="The failure threshold of the run.")
    failing: int = Field(description="Active findings at or above the threshold (the run exits 1 when > 0).")


class ScoredReport(Report):
    """A report with its score."""

    score: Score


class JsonDocument(BaseModel):
    """The whole JSON output of ``scalexpert check --format json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: str = Field(SCHEMA_VERSION, description="Version of this document's shape.")
    tool: Tool
    files: list[str] = Field(description="The architecture files checked, in the order given.")
    summary: Summary
    reports: list[ScoredReport] = Field(description="One report per file.")


def document(reports: Sequence[Report], options: object = None) -> dict[str, Any]:
    """The JSON document as Python data."""
    fail_on = str(getattr(options, "fail_on", "high"))
    findings = all_findings(reports)
    summary = Summary(
        files=len(reports),
        active={s: n for s, n in counts(findings).items() if s in SEVERITY_ORDER},
        suppressed=sum(1 for f in findings if status(f) == "suppressed"),
        baseline=sum(1 for f in findings if status(f) == "baseline"),
        fail_on=fail_on,
        failing=sum(1 for f in findings if fails(f, fail_on)),
    )
    doc = JsonDocument(
        tool=Tool(version=__version__),
        files=[r.file for r in reports],
        summary=summary,
        reports=[ScoredReport(**dict(r), score=score_report(r)) for r in reports],
    )
    return doc.model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    """JSON Schema of the document."""
    return JsonDocument.model_json_schema()


def render(reports: Sequence[Report], options: object = None) -> str:
    """Sorted keys, two-space indent, trailing newline."""
    return render_bytes(reports, options).decode("utf-8")


def render_bytes(reports: Sequence[Report], options: object = None) -> bytes:
    """:func:`render` as UTF-8 bytes (what the command line writes)."""
    return pretty_json_bytes(document(reports, options))


__all__ = ["JsonDocument", "document", "json_schema", "render", "render_bytes"]
