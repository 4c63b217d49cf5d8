"""JSON: every report with findings, explanations, capacity figures and score (schema version in each).

The document is described by :func:`json_schema` (a JSON Schema generated from the models below)
and in docs/reports.md. ``schema_version`` changes only when a field is removed or changes meaning;
new fields may appear in any release.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model, field_serializer

from ..version import __version__
from ..analysis.capacity.records import CapacityReport
from ..findings import SCHEMA_VERSION, Report, sorted_keys
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
    """:func:`render` as UTF-8 bytes (what the command line writes), straight from pydantic's serializer.

    A large document (:data:`PIECES_FROM` findings or more) is serialized a piece at a time into one
    growing buffer: as one piece, the serializer's buffer, the bytes copied out of it and the copy with
    the final newline were three documents in memory at once (181 MB each at 10,000 components).
    """
    document = build(reports, options)
    if sum(len(r.findings) for r in reports) < PIECES_FROM:
        data: bytes = JsonDocument.__pydantic_serializer__.to_json(document, indent=2)
        return data + b"\n"
    out = io.BytesIO()
    for part in _pieces(document):
        out.write(part)
    return out.getvalue()  # the buffer itself, not a copy


def render_parts(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> Iterator[bytes]:
    """:func:`render_bytes` in consecutive parts, each ending at a line's end, for a writer that need not hold
    the whole document (standard output, a file): a large document is never in memory at once (170 MB at 10,000
    components). Joined, the parts are :func:`render_bytes`' output byte for byte."""
    if sum(len(r.findings) for r in reports) < PIECES_FROM:
        yield render_bytes(reports, options)
        return
    for part in _pieces(build(reports, options)):
        yield bytes(part)


PIECES_FROM = 2_000
"""Documents with at least this many findings are serialized in pieces (tests set it to 0)."""
_FINDINGS_PER_PIECE = 1_000


def _pieces(document: JsonDocument) -> Iterator[bytes | memoryview]:
    """The document's JSON, byte for byte what one call of the serializer writes, in pieces.

    Each piece is the serializer's own output for part of the document (``include``), cut out of the
    lines around it: JSON strings hold no raw line breaks, so those lines are fixed text, checked.
    """
    yield b"{\n"
    for k, name in enumerate(JsonDocument.model_fields):
        if k:
            yield b",\n"
        if name != "reports" or not document.reports:
            yield _piece(document, {name}, b"{\n", b"\n}")
            continue
        yield b'  "reports": [\n'
        reports: list[Any] = document.reports  # ScoredReport: Report's fields and a score (made at run time)
        for i, report in enumerate(reports):
            if i:
                yield b",\n"
            yield b"    {\n"
            fields = [f for f, info in type(report).model_fields.items() if not info.exclude]
            for j, field in enumerate(fields):
                if j:
                    yield b",\n"
                if field == "capacity":  # in parts too (whole, its sorted dump was about 130 MB at 10,000 components)
                    yield b'      "capacity": '
                    yield from _capacity_parts(report.capacity, 6)
                    continue
                outer = b'{\n  "reports": [\n    {\n', b"\n    }\n  ]\n}"
                count = len(report.findings)
                if field != "findings" or count == 0:
                    yield _piece(document, {"reports": {i: {field}}}, *outer)
                    continue
                yield b'      "findings": [\n'
                for start in range(0, count, _FINDINGS_PER_PIECE):
                    if start:
                        yield b",\n"
                    chunk = set(range(start, min(count, start + _FINDINGS_PER_PIECE)))
                    yield _piece(document, {"reports": {i: {"findings": chunk}}},
                                 outer[0] + b'      "findings": [\n', b"\n      ]" + outer[1])
                yield b"\n      ]"
            yield b"\n    }"
        yield b"\n  ]"
    yield b"\n}\n"


_ANY = TypeAdapter(Any)
"""Writes the capacity model's sorted dump as the report's serializer does (its return type holds Any)."""
_RECORDS_PER_PART = 500


def _capacity_parts(capacity: CapacityReport, indent: int) -> Iterator[bytes]:
    """The capacity model's JSON at ``indent``, as the report's serializer writes it (``findings._capacity_json``:
    the dump with sorted keys), a few hundred records at a time, so that the dump of the whole model (about 130 MB
    at 10,000 components) is never in memory at once."""
    pad = b"\n" + b" " * (indent + 2)
    yield b"{"
    for k, name in enumerate(sorted(type(capacity).model_fields)):
        value = getattr(capacity, name)
        head = (b"," if k else b"") + pad + _ANY.dump_json(name) + b": "
        if not value or not isinstance(value, (dict, list)):
            yield head + _indented(_ANY.dump_json(sorted_keys(_dumped(value)), indent=2), indent + 2)
            continue
        keys = sorted(value) if isinstance(value, dict) else range(len(value))
        part: list[bytes] = [head + (b"{" if isinstance(value, dict) else b"[")]
        for j, key in enumerate(keys):
            named = _ANY.dump_json(key) + b": " if isinstance(value, dict) else b""
            item = _ANY.dump_json(sorted_keys(_dumped(value[key])), indent=2)
            part.append((b"," if j else b"") + pad + b"  " + named + _indented(item, indent + 4))
            if len(part) >= _RECORDS_PER_PART:
                yield b"".join(part)
                part = []
        yield b"".join(part) + pad + (b"}" if isinstance(value, dict) else b"]")
    yield b"\n" + b" " * indent + b"}"


def _dumped(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _indented(data: bytes, indent: int) -> bytes:
    """JSON written at the left margin, moved right by ``indent`` spaces (its strings hold no raw line breaks)."""
    return data.replace(b"\n", b"\n" + b" " * indent)


def _piece(document: JsonDocument, include: Any, before: bytes, after: bytes) -> memoryview:
    """The serializer's output for the ``include``d part of the document, without the lines around it."""
    data: bytes = JsonDocument.__pydantic_serializer__.to_json(document, indent=2, include=include)
    if not (data.startswith(before) and data.endswith(after)):  # pragma: no cover - a serializer that changed
        raise AssertionError(f"unexpected JSON around {include!r}: {data[:200]!r}")
    return memoryview(data)[len(before):len(data) - len(after)]


__all__ = ["JsonDocument", "build", "document", "json_schema", "render", "render_bytes", "render_parts"]
