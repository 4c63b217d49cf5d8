"""JSON: every report with findings, explanations, capacity figures and score (schema version in each).

The document is described by :func:`json_schema` (a JSON Schema generated from the models below)
and in docs/reports.md. ``schema_version`` changes only when a field is removed or changes meaning;
new fields may appear in any release.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_serializer

from ..version import __version__
from ..findings import SCHEMA_VERSION, Report
from ..review.score import Score, score_report
from .common import DEFAULT_OPTIONS, RenderOptions, SEVERITY_ORDER, all_findings, counts, fails, status


class Tool(BaseModel):
    """The program that wrote the document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "scalexpert"
    version: str


class Summary(BaseModel):
    """Counts over every report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    active: dict[str, int] = Field(description="Active (not suppressed, not in the baseline) findings by severity.")
    baseline: int = Field(description="Findings accepted by the baseline.")
    fail_on: str = Field(description="The failure threshold of the run.")
    failing: int = Field(description="Active findings at or above the threshold (the run exits 1 when > 0).")
    files: int = Field(description="Architecture files checked.")
    suppressed: int = Field(description="Findings accepted by a suppression.")

    @field_serializer("active")
    def _sorted(self, value: dict[str, int]) -> dict[str, int]:
        return dict(sorted(value.items()))


# A report with its score: Report's fields and ``score``, in alphabetical order like every model here.
ScoredReport = create_model(  # type: ignore[call-overload]
    "ScoredReport",
    __config__=ConfigDict(frozen=True, extra="forbid"),
    __doc__="A report with its score.",
    **dict(sorted({**{name: (info.annotation, info) for name, info in Report.model_fields.items()},
                   "score": (Score, ...)}.items())),
)


class JsonDocument(BaseModel):
    """The whole JSON output of ``scalexpert check --format json``.

    Every model in it declares its fields in alphabetical order (dicts are kept sorted), so the
    serializer writes sorted keys directly; ``tests/test_report_formats.py`` checks that it does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: list[str] = Field(description="The architecture files checked, in the order given.")
    reports: list[ScoredReport] = Field(description="One report per file.")  # type: ignore[valid-type]
    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this document's shape.")
    summary: Summary
    tool: Tool


def build(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> JsonDocument:
    """The JSON document as a model."""
    fail_on = options.fail_on
    findings = all_findings(reports)
    summary = Summary(
        files=len(reports),
        active={s: n for s, n in counts(findings).items() if s in SEVERITY_ORDER},
        suppressed=sum(1 for f in findings if status(f) == "suppressed"),
        baseline=sum(1 for f in findings if status(f) == "baseline"),
        fail_on=fail_on,
        failing=sum(1 for f in findings if fails(f, fail_on)),
    )
    return JsonDocument(
        tool=Tool(version=__version__),
        files=[r.file for r in reports],
        summary=summary,
        # the reports are validated already: copied into the scored model without a second validation
        reports=[ScoredReport.model_construct(**dict(r), score=score_report(r)) for r in reports],
    )


def document(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The JSON document as Python data."""
    return build(reports, options).model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    """JSON Schema of the document."""
    return JsonDocument.model_json_schema()


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Sorted keys, two-space indent, trailing newline."""
    return render_bytes(reports, options).decode("utf-8")


def render_bytes(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """:func:`render` as UTF-8 bytes (what the command line writes), straight from pydantic's serializer."""
    data: bytes = JsonDocument.__pydantic_serializer__.to_json(build(reports, options), indent=2)
    return data + b"\n"


__all__ = ["JsonDocument", "build", "document", "json_schema", "render", "render_bytes"]
