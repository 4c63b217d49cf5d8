"""``render(report, format)``: a finished report as text in one of the output formats."""

from __future__ import annotations

from collections.abc import Sequence

from .findings import Report
from .reporters import FORMATS, RenderOptions
from .reporters import render as _render
from .severity import FailOn


def render(
    report: Report | Sequence[Report],
    format: str = "text",
    *,
    explain: bool = False,
    color: bool = False,
    fail_on: FailOn = "high",
    baseline_used: bool = False,
) -> str:
    """One report (or several, as ``check`` on several files writes them) in ``format``.

    ``format`` is one of ``text``, ``json``, ``markdown``, ``sarif``, ``junit``, ``github`` and
    ``html``; the output is exactly what ``scalexpert check --format FORMAT`` writes. ``fail_on`` is
    the threshold the summary counts failing findings against; ``explain`` adds proof trees.
    Raises :class:`~scalexpert.errors.UsageError` for an unknown format.
    """
    reports = [report] if isinstance(report, Report) else list(report)
    options = RenderOptions(explain=explain, color=color, fail_on=fail_on, baseline_used=baseline_used)
    return _render(format, reports, options)


__all__ = ["FORMATS", "render"]
