"""Reporters: each renders finished reports to text; none imports the engine.

``render(name, reports, options)`` dispatches by format name; every format lives in its own module
with one ``render(reports, options) -> str`` function (the :class:`~.common.Reporter` interface),
and reads nothing but the reports (rule texts and categories travel in ``Report.catalogue``). Output is deterministic: the same reports
give the same bytes (sorted, no timestamps).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import cast

from ..errors import UsageError
from ..findings import Report
from ..terminal import guard_bytes, lines
from .common import DEFAULT_OPTIONS, RenderOptions, Reporter

FORMATS: dict[str, str] = {
    "text": "scalexpert.reporters.text",
    "json": "scalexpert.reporters.json_report",
    "markdown": "scalexpert.reporters.markdown",
    "sarif": "scalexpert.reporters.sarif",
    "junit": "scalexpert.reporters.junit",
    "github": "scalexpert.reporters.github",
    "html": "scalexpert.reporters.html",
    "codequality": "scalexpert.reporters.codequality",
}
"""Format name → module."""

ASSESSED: frozenset[str] = frozenset({"text", "json", "markdown", "html", "junit", "sarif"})
"""Formats that show the assessment (root causes, the plan, the growth timeline; the score in JUnit and
SARIF counts one unit per root cause). ``check`` skips the assessment when no format it writes is one
of these: GitHub annotations and Code Quality list findings only, and a finding is the same with or
without the assessment (tests/test_lazy_assessment.py holds them to that)."""

MARKUP: dict[str, str] = {"text": "text", "json": "json", "sarif": "json", "codequality": "json", "markdown": "markdown",
                          "html": "html", "junit": "xml"}
"""How each format's output is guarded (:func:`scalexpert.terminal.lines`): reports reach terminals and
CI logs (``cat report.md``), so no line may start a workflow command. ``github`` writes workflow
commands itself and escapes every value in them, so it is left as its reporter writes it."""


def reporter(name: str) -> Reporter:
    """The module of the named format."""
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(sorted(FORMATS))}")
    return cast(Reporter, importlib.import_module(FORMATS[name]))


def render(name: str, reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Render reports in the named format."""
    text = reporter(name).render(reports, options)
    return lines(text, MARKUP[name], colour=options.color) if name in MARKUP else text


def render_bytes(name: str, reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """:func:`render` as UTF-8 bytes; JSON and SARIF are serialised straight to bytes."""
    module = reporter(name)
    direct = getattr(module, "render_bytes", None)
    if direct is not None:
        data: bytes = direct(reports, options)
        return guard_bytes(data, MARKUP[name]) if name in MARKUP else data
    return render(name, reports, options).encode("utf-8")


def render_parts(name: str, reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> Iterator[bytes]:
    """:func:`render_bytes` in consecutive parts (for standard output and files): a format that writes a large document in
    parts (JSON) never holds all of it. Each part ends at a line's end, so the guard of each part escapes what the
    guard of the whole would; joined, the parts are :func:`render_bytes`' output byte for byte."""
    parts = getattr(reporter(name), "render_parts", None)
    if parts is None:
        yield render_bytes(name, reports, options)
        return
    for data in parts(reports, options):
        yield guard_bytes(data, MARKUP[name]) if name in MARKUP else data


__all__ = ["ASSESSED", "FORMATS", "RenderOptions", "Reporter", "render", "render_bytes", "render_parts", "reporter"]
