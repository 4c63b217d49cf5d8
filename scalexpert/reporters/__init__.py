"""Reporters: each renders finished reports to text; none imports the engine.

``render(name, reports, options)`` dispatches by format name; every format lives in its own module
with one ``render(reports, options) -> str`` function.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..findings import Report

FORMATS: dict[str, str] = {
    "text": "scalexpert.reporters.text",
    "json": "scalexpert.reporters.json_report",
}


@dataclass(frozen=True)
class RenderOptions:
    """How to render: explanations on or off, colour on or off."""

    explain: bool = False
    color: bool = False


def render(name: str, reports: Sequence[Report], options: RenderOptions = RenderOptions()) -> str:
    """Render reports in the named format."""
    module = importlib.import_module(FORMATS[name])
    text: str = module.render(reports, options)
    return text
