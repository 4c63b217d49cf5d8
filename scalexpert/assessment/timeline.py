"""Growth and cost over time, from the capacity model run at the multiples each month reaches.

Months: every three months up to the growth horizon (every month for horizons under six months);
multiple at month m = (1 + monthly rate)^m. Without a stated growth rate, the timeline is per
multiple of today's peak (1, 1.5, 2, 3, 5). At each point: utilization per component, the fleet
(replicas the load needs, at least today's, over components whose replicas are sized) and the
monthly cost (each component's stated cost × max(1, replicas needed / replicas today), or in
proportion to load when it has no replica sizing) — for today's design and for the plan's target.
Events: the month each component crosses its safe utilization, saturates, or fills its storage.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..findings import Timeline, TimelineEvent, TimelinePoint
from .outcome import components, system

MULTIPLES = (1.0, 1.5, 2.0, 3.0, 5.0)
MAX_MULTIPLE = 1e6

Grow = Callable[[Any, list[float]], "dict[str, Any] | None"]
"""Capacity figures (with a growth table at the multiples) of an architecture."""


def grid(capacity: dict[str, Any] | None) -> tuple[list[float | None], list[float], float | None, float | None]:
    """(months, multiples, monthly rate, horizon months)."""
    sys = system(capacity)
    rate, horizon = sys.get("growth_monthly_rate"), sys.get("horizon_months")
    if not rate or rate <= 0 or not horizon or not math.isfinite(rate):
        return [None] * len(MULTIPLES), list(MULTIPLES), None, horizon
    step = 3.0 if horizon >= 6 else 1.0
    months: list[float | None] = []
    month = 0.0
    while month < horizon - 1e-9:
        months.append(month)
        month += step
    months.append(float(horizon))
    kept, multiples = [], []
    for m in months:  # the capacity model tabulates multiples up to 10⁶ (extreme growth: the timeline stops there)
        try:
            multiple = round((1 + rate) ** (m or 0.0), 6)
        except OverflowError:
            break
        if not 0 < multiple <= MAX_MULTIPLE:
            break
        kept.append(m)
        multiples.append(multiple)
    return kept, multiples, rate, horizon


def _fleet_and_cost(row: dict[str, Any], capacity: dict[str, Any] | None, multiple: float) -> tuple[int | None, float | None]:
    fleet = cost = None
    for name, comp in components(capacity).items():
        figures = (row.get("components") or {}).get(name) or {}
        replicas, needed = comp.get("replicas"), figures.get("replicas_needed")
        if replicas:
            fleet = (fleet or 0) + max(int(replicas), int(needed or 0))
        monthly = comp.get("monthly_cost")
        if monthly is not None:
            scale = max(1.0, needed / replicas) if needed and replicas else multiple
            cost = (cost or 0.0) + monthly * scale
    return fleet, None if cost is None else round(cost, 2)


def _utilization(row: dict[str, Any]) -> dict[str, float]:
    found = {}
    for name, figures in (row.get("components") or {}).items():
        value = figures.get("running_utilization")  # at the replicas it runs then, comparable with today's
        if value is None:
            value = figures.get("utilization")
        if value is None:
            value = figures.get("queue_utilization")
        if value is not None:
            found[name] = round(float(value), 4)
    return found


def _month(multiple: float | None, rate: float | None) -> float | None:
    if multiple is None or rate is None:
        return None
    return 0.0 if multiple <= 1 else math.log(multiple) / math.log(1 + rate)


def events(capacity: dict[str, Any] | None, rate: float | None, horizon: float | None, safe: float) -> list[TimelineEvent]:
    """Crossings of safe utilization, saturation and full storage up to the horizon."""
    found = []
    limit = horizon if horizon is not None else 0.0
    for name, comp in sorted(components(capacity).items()):
        rho = comp.get("utilization")
        runway = comp.get("runway_months")
        if runway is None and rho is not None and rho >= safe:
            runway = 0.0
        if runway is not None and runway <= limit:
            found.append(TimelineEvent(component=name, kind="safe-utilization", month=round(runway, 1),
                                       multiple=round(safe / rho, 3) if rho else None,
                                       text=f"{name} crosses the safe utilization {safe:g}"
                                            + (" today" if runway <= 0 else f" in month {runway:.1f}")))
        saturation = comp.get("saturation_multiple")
        month = _month(saturation, rate) if saturation is not None else None
        if saturation is not None and saturation <= 1:
            month = 0.0
        if month is not None and month <= limit:
            found.append(TimelineEvent(component=name, kind="saturation", month=round(month, 1), multiple=saturation,
                                       text=f"{name} saturates" + (" today" if month <= 0 else f" in month {month:.1f}")
                                            + f" (at {saturation:.2f} × today's peak)"))
        storage = comp.get("storage_runway_months")
        if storage is not None and storage <= limit:
            found.append(TimelineEvent(component=name, kind="storage-full", month=round(storage, 1),
                                       text=f"{name}'s storage is full" + (" today" if storage <= 0 else f" in month {storage:.1f}")))
    found.sort(key=lambda e: (e.month if e.month is not None else 0.0, e.component, e.kind))
    return found


def timeline(today: dict[str, Any] | None, grow: Grow, arch: Any, target: Any, safe: float) -> Timeline | None:
    """The timeline of today's design, with the target's fleet and cost alongside."""
    if today is None:
        return None
    months, multiples, rate, horizon = grid(today)
    if not multiples:
        return None
    now = grow(arch, multiples)
    later = grow(target, multiples) if target is not None else None
    if now is None:
        return None
    rows = {round(r["multiple"], 6): r for r in now.get("growth_table") or []}
    target_rows = {round(r["multiple"], 6): r for r in (later or {}).get("growth_table") or []}
    points = []
    for month, multiple in zip(months, multiples):
        row = rows.get(round(multiple, 6), {})
        fleet, cost = _fleet_and_cost(row, now, multiple)
        fleet_t, cost_t = _fleet_and_cost(target_rows.get(round(multiple, 6), {}), later, multiple) if later else (None, None)
        points.append(TimelinePoint(month=month, multiple=multiple, utilization=_utilization(row), fleet=fleet,
                                    monthly_cost=cost, fleet_target=fleet_t, monthly_cost_target=cost_t))
    return Timeline(points=tuple(points), events=tuple(events(today, rate, horizon, safe)), monthly_rate=rate,
                    horizon_months=horizon, safe_utilization=safe)
