"""Reporters: each renders finished reports to text; none imports the engine.

``render(name, reports, options)`` dispatches by format name; every format lives in its own module
with one ``render(reports, options) -> str`` function. Output is deterministic: the same reports
give the same bytes (sorted, no timestamps).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import UsageError
from ..findings import Report

FORMATS: dict[str, str] = {
    "text": "scalexpert.reporters.text",
    "json": "scalexpert.reporters.json_report",
    "markdown": "scalexpert.reporters.markdown",
    "sarif": "scalexpert.reporters.sarif",
    "junit": "scalexpert.reporters.junit",
    "github": "scalexpert.reporters.github",
    "html": "scalexpert.reporters.html",
}
"""Format name → module."""


@dataclass(frozen=True)
class RenderOptions:
    """How to render: explanations, colour, the failure threshold and whether a baseline was applied."""

    explain: bool = False
    color: bool = False
    fail_on: str = "high"
    baseline_used: bool = False


def render(name: str, reports: Sequence[Report], options: RenderOptions = RenderOptions()) -> str:
    """Render reports in the named format."""
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(sorted(FORMATS))}")
    module = importlib.import_module(FORMATS[name])
    text: str = module.render(reports, options)
    return text


def render_bytes(name: str, reports: Sequence[Report], options: RenderOptions = RenderOptions()) -> bytes:
    """:func:`render` as UTF-8 bytes; JSON and SARIF are serialised straight to bytes."""
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(sorted(FORMATS))}")
    module = importlib.import_module(FORMATS[name])
    direct = getattr(module, "render_bytes", None)
    if direct is not None:
        data: bytes = direct(reports, options)
        return data
    return render(name, reports, options).encode("utf-8")


__all__ = ["FORMATS", "RenderOptions", "render", "render_bytes"]
