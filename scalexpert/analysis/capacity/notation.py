"""Number formatting for derivations, and the log of assumed numbers."""

from __future__ import annotations

import math
from typing import Any

from .defaults import CapacityDefaults
from .records import Assumption, Scalar


def num(value: float | int | None) -> str:
    """A quantity as people write it: ``1,800``, ``2.5``, ``0.9995``, ``0.0417``.

    Written once per value (:data:`_WRITTEN`): the capacity model writes about 350,000 numbers at 10,000
    components, some 16,000 of them distinct.
    """
    written = _WRITTEN.get(type(value))
    if written is None:
        return _num(value)
    text = written.get(value)
    if text is None:
        if len(written) >= _MAX_WRITTEN:
            written.clear()
        text = written[value] = _num(value)
    return text


_WRITTEN: dict[type, dict[Any, str]] = {float: {}, int: {}}
"""Exact type → value → its text. Keyed by type as well: ``2**60`` and ``2.0**60`` are equal but written apart."""
_MAX_WRITTEN = 100_000
"""Values remembered per type at most; the table starts again beyond."""


def _num(value: float | int | None) -> str:
    if value is None:
        return "?"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "∞"
        value = float(f"{value:.12g}")  # tidy(value), written out (called for every number of every note)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:,.1f}"
    if magnitude >= 1:
        return f"{value:.3g}"
    return f"{value:.6g}"


def mult(value: float | None) -> str:
    """A multiple of today's load with three significant digits: ``0.214``, ``1.12``, ``12.5``."""
    if value is None:
        return "?"
    if not math.isfinite(value):
        return "∞"
    return num(value) if abs(value) >= 100 else f"{value:.3g}"


def ratio(value: float | None) -> str:
    """A utilization or share with two decimals: ``0.90``."""
    return "?" if value is None else f"{value:.2f}"


def avail(value: float) -> str:
    """An availability with every significant nine: ``0.9995``, ``0.99999987``."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def nines(value: float) -> float:
    """−log10(1 − a): 0.999 → 3; capped at 12 nines."""
    return -math.log10(max(1.0 - value, 1e-12))


class AssumptionLog:
    """Collects the numbers the model assumed, once per (subject, field)."""

    def __init__(self, defaults: CapacityDefaults) -> None:
        self.defaults = defaults
        self._items: dict[tuple[str, str], Assumption] = {}

    def add(self, component: str, field: str, value: Scalar, default: str | None = None, reason: str = "") -> None:
        """Record that ``field`` of ``component`` was taken as ``value`` (source: the named default)."""
        key = (component, field)
        if key in self._items:
            return
        source = self.defaults.source(default) if default else "modelling choice of scalexpert (see docs/capacity-model.md)"
        self._items[key] = Assumption(component=component, field=field, value=value, source=source, reason=reason)

    def items(self) -> list[Assumption]:
        """Assumptions sorted by subject and field."""
        return [self._items[key] for key in sorted(self._items)]
