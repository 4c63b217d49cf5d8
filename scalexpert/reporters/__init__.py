"""Reporters: each renders finished reports to text; none imports the engine.

``render(name, reports, options)`` dispatches by format name; every format lives in its own module
with one ``render(reports, options) -> str`` function (the :class:`~.common.Reporter` interface),
and reads nothing but the reports (rule texts and categories travel in ``Report.catalogue``). Output is deterministic: the same reports
give the same bytes (sorted, no timestamps).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import cast

from ..errors import UsageError
from ..findings import Report
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


def reporter(name: str) -> Reporter:
    """The module of the named format."""
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(sorted(FORMATS))}")
    return cast(Reporter, importlib.import_module(FORMATS[name]))


def render(name: str, reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Render reports in the named format."""
    return reporter(name).render(reports, options)


def render_bytes(name: str, reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """:func:`render` as UTF-8 bytes; JSON and SARIF are serialised straight to bytes."""
    module = reporter(name)
    direct = getattr(module, "render_bytes", None)
    if direct is not None:
        data: bytes = direct(reports, options)
        return data
    return render(name, reports, options).encode("utf-8")


__all__ = ["FORMATS", "RenderOptions", "Reporter", "render", "render_bytes", "reporter"]
