"""Severity: the one type every stage uses, and its order.

``info < low < medium < high < critical``. Rule files, configuration, findings, scores and reports
all use these five names; ``FailOn`` adds ``never`` for thresholds that fail nothing.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["info", "low", "medium", "high", "critical"]
"""How serious a finding is."""

FailOn = Literal["info", "low", "medium", "high", "critical", "never"]
"""A failure threshold: the lowest severity that fails a run, or ``never``."""

SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
"""Least severe first (``SEVERITIES.index`` is the rank)."""

SEVERITY_ORDER: tuple[Severity, ...] = tuple(reversed(SEVERITIES))
"""Most severe first: the order of report sections and counts."""

FAIL_ON: tuple[FailOn, ...] = (*SEVERITIES, "never")

_RANK: dict[str, int] = {name: index for index, name in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """info 0 … critical 4; anything else (``never``, unknown) −1."""
    return _RANK.get(severity, -1)


def at_least(severity: str, threshold: str) -> bool:
    """Whether ``severity`` is at or above ``threshold`` (``never``: nothing is)."""
    return threshold != "never" and severity_rank(severity) >= severity_rank(threshold) >= 0


__all__ = ["FAIL_ON", "SEVERITIES", "SEVERITY_ORDER", "FailOn", "Severity", "at_least", "severity_rank"]
