"""Inline SVG charts of an assessment: utilization today and at the horizon, runway, flow availability against
its objective, and the plan as a timeline. No scripts, fonts or network; every chart scales to its container
(``viewBox`` with ``max-width:100%``) and is at most ``WIDTH`` pixels wide.
"""

from __future__ import annotations

import html
import math
from typing import Any

from ..findings import Report
from .common import clean
from .diagram import COLORS

WIDTH = 1000
_LABEL = 220
_ROW = 22
_MAX_ROWS = 20


def _esc(text: Any) -> str:
    return html.escape(clean(text), quote=True)


def _open(height: float, title: str, css: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'width="{WIDTH}" height="{height:.0f}" style="max-width:100%;height:auto" font-family="sans-serif" '
            f'font-size="12"><title>{_esc(title)}</title>']


def _capacity(report: Report) -> dict[str, Any]:
    """The capacity figures as plain data, with anything not shaped as expected left out."""
    cap = report.capacity
    if cap is None:
        return {}
    data = cap.model_dump(mode="json") if hasattr(cap, "model_dump") else cap
    if not isinstance(data, dict):
        return {}
    comps = data.get("components")
    flows = data.get("flows")
    return {
        "system": data.get("system") if isinstance(data.get("system"), dict) else {},
        "components": {str(k): v for k, v in comps.items() if isinstance(v, dict)} if isinstance(comps, dict) else {},
        "flows": [f for f in flows if isinstance(f, dict)] if isinstance(flows, list) else [],
    }


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def utilization(report: Report, safe: float = 0.7) -> str | None:
    """Bars: utilization at today's peak; a hollow bar: at the growth horizon; lines at safe and at 1."""
    comps = _capacity(report).get("components") or {}
    rows = [(n, c.get("utilization"), _first(c.get("running_utilization_at_horizon"), c.get("utilization_at_horizon")))
            for n, c in comps.items() if c.get("utilization") is not None]
    if not rows:
        return None
    rows.sort(key=lambda r: (-(r[2] if r[2] is not None else r[1]), r[0]))
    rows = rows[:_MAX_ROWS]
    top = max(1.2, *(max(r[1], r[2] or 0.0) for r in rows))
    top = min(math.ceil(top * 10 - 1e-9) / 10, 5.0)  # the axis ends at a round tenth
    plot = WIDTH - _LABEL - 80
    height = 40 + len(rows) * _ROW + 30

    def x(value: float) -> float:
        return _LABEL + plot * min(value, top) / top

    out = _open(height, "Utilization per component: today (filled) and at the growth horizon (outline)", "utilization")
    for value, label, color in ((safe, f"safe {safe:g}", "#d39e00"), (1.0, "saturated", "#dc3545")):
        out.append(f'<line x1="{x(value):.0f}" y1="20" x2="{x(value):.0f}" y2="{height - 25:.0f}" stroke="{color}" '
                   f'stroke-dasharray="4 3"/><text x="{x(value):.0f}" y="14" text-anchor="middle" fill="{color}">{label}</text>')
    for i, (name, now, later) in enumerate(rows):
        y = 30 + i * _ROW
        fill = COLORS["critical" if now >= 1 else "medium" if now >= safe else "low"][1]
        out.append(f'<text x="{_LABEL - 8}" y="{y + 13}" text-anchor="end">{_esc(name)}</text>')
        if later is not None:
            out.append(f'<rect class="horizon" x="{_LABEL}" y="{y + 2}" width="{max(x(later) - _LABEL, 1):.0f}" height="14" '
                       f'fill="none" stroke="#6c757d"/>')
        out.append(f'<rect class="today" data-component="{_esc(name)}" x="{_LABEL}" y="{y + 5}" '
                   f'width="{max(x(now) - _LABEL, 1):.0f}" height="8" fill="{fill}"/>')
        text = f"{now:.2f}" + (f" → {later:.2f}" if later is not None else "")
        out.append(f'<text x="{min(x(max(now, later or 0)) + 6, WIDTH - 70):.0f}" y="{y + 13}" fill="#41464b">{text}</text>')
    out.append(f'<text x="{_LABEL}" y="{height - 8:.0f}" fill="#6c757d">utilization ρ (axis to {top:g}; '
               "outline: at the growth horizon)</text></svg>")
    return "".join(out)


def runway(report: Report) -> str | None:
    """Months until each component crosses its safe utilization, against the growth horizon."""
    cap = _capacity(report)
    horizon = (cap.get("system") or {}).get("horizon_months")
    rows = [(n, c.get("runway_months")) for n, c in (cap.get("components") or {}).items() if c.get("runway_months") is not None]
    if not rows or not horizon:
        return None
    rows.sort(key=lambda r: (r[1], r[0]))
    rows = rows[:_MAX_ROWS]
    top = horizon * 1.5
    plot = WIDTH - _LABEL - 80
    height = 40 + len(rows) * _ROW + 30

    def x(value: float) -> float:
        return _LABEL + plot * min(value, top) / top

    out = _open(height, f"Months of runway before safe utilization (growth horizon {horizon:g} months)", "runway")
    out.append(f'<line x1="{x(horizon):.0f}" y1="20" x2="{x(horizon):.0f}" y2="{height - 25:.0f}" stroke="#0aa2c0" '
               f'stroke-dasharray="4 3"/><text x="{x(horizon):.0f}" y="14" text-anchor="middle" fill="#055160">'
               f"horizon {horizon:g} months</text>")
    for i, (name, months) in enumerate(rows):
        y = 30 + i * _ROW
        color = COLORS["critical" if months <= 0 else "high" if months < horizon else "low"][1]
        out.append(f'<text x="{_LABEL - 8}" y="{y + 13}" text-anchor="end">{_esc(name)}</text>'
                   f'<rect class="runway" data-component="{_esc(name)}" x="{_LABEL}" y="{y + 3}" '
                   f'width="{max(x(months) - _LABEL, 2):.0f}" height="12" fill="{color}"/>'
                   f'<text x="{x(months) + 6:.0f}" y="{y + 13}">{"over today" if months <= 0 else f"{months:.1f} months"}'
                   f"{'+' if months > top else ''}</text>")
    out.append("</svg>")
    return "".join(out)


def _nines(value: float) -> float:
    return -math.log10(max(1.0 - value, 1e-9))


def availability(report: Report) -> str | None:
    """Each flow's estimated availability (in nines) against its objective, with the heaviest factors."""
    flows = [f for f in _capacity(report).get("flows") or [] if f.get("availability") is not None]
    if not flows:
        return None
    flows = flows[:_MAX_ROWS]
    top = max(4.0, *(_nines(f.get("availability_objective") or 0.0) + 0.5 for f in flows))
    plot = WIDTH - _LABEL - 340
    height = 40 + len(flows) * 34 + 30

    def x(value: float) -> float:
        return _LABEL + plot * min(_nines(value), top) / top

    out = _open(height, "Flow availability against the objective (axis in nines)", "availability")
    for i, flow in enumerate(flows):
        y = 30 + i * 34
        value, goal = flow["availability"], flow.get("availability_objective")
        short = goal is not None and value < goal
        color = COLORS["critical" if short else "low"][1]
        out.append(f'<text x="{_LABEL - 8}" y="{y + 15}" text-anchor="end">{_esc(flow.get("entry"))}</text>'
                   f'<rect class="flow" data-flow="{_esc(flow.get("entry"))}" x="{_LABEL}" y="{y + 4}" '
                   f'width="{max(x(value) - _LABEL, 2):.0f}" height="14" fill="{color}"/>')
        if goal is not None:
            out.append(f'<line class="objective" x1="{x(goal):.0f}" y1="{y}" x2="{x(goal):.0f}" y2="{y + 22}" stroke="#212529" '
                       f'stroke-width="2"/>')
        heavy = ", ".join(_cut(str(c), 24) for c in (flow.get("availability_dominant") or [])[:3])
        text = f"{value * 100:.3f} %" + (f" (objective {goal * 100:g} %)" if goal is not None else "")
        out.append(f'<text x="{_LABEL + plot + 8}" y="{y + 10}">{_esc(text)}</text>')
        if heavy:
            out.append(f'<text x="{_LABEL + plot + 8}" y="{y + 24}" fill="#41464b">weighs most: {_esc(heavy)}</text>')
    out.append(f'<text x="{_LABEL}" y="{height - 8:.0f}" fill="#6c757d">bar: estimated availability; black line: objective; '
               "axis: nines (99 % = 2, 99.9 % = 3)</text></svg>")
    return "".join(out)


def plan_timeline(report: Report) -> str | None:
    """The plan as a Gantt-like chart: one row per step, a marker at the month it is due (now, the month its
    component crosses safe utilization, or hardening after the horizon); growth events on the axis."""
    plan, line = report.plan, report.timeline
    if plan is None or not plan.steps:
        return None
    horizon = (line.horizon_months if line is not None else None) or 12.0
    label, left, right, later = 12.0, 400.0, WIDTH - 120.0, WIDTH - 60.0
    shown = plan.steps[:_MAX_ROWS]
    events = [e for e in (line.events if line is not None else ()) if e.month is not None]

    def x(month: float) -> float:
        return left + (right - left) * min(max(month, 0.0), horizon) / horizon

    height = 70 + len(shown) * 20 + (20 if len(shown) < len(plan.steps) else 0) + 10
    out = _open(height, "The plan over time: each step at the month it is due; growth events on the axis", "plan-timeline")
    out.append(f'<line x1="{left:.0f}" y1="44" x2="{right:.0f}" y2="44" stroke="#6c757d"/>')
    tick = max(1, int(horizon) // 6)
    for month in range(0, int(horizon) + 1, tick):
        out.append(f'<line x1="{x(month):.0f}" y1="40" x2="{x(month):.0f}" y2="48" stroke="#6c757d"/>'
                   f'<text x="{x(month):.0f}" y="34" text-anchor="middle" fill="#6c757d">{month}</text>')
    out.append(f'<text x="{left - 10:.0f}" y="34" text-anchor="end" fill="#6c757d">month</text>'
               f'<text x="{later:.0f}" y="34" text-anchor="middle" fill="#6c757d">later</text>')
    for event in events[:12]:
        out.append(f'<path class="event" d="M {x(event.month):.0f} 46 l 5 9 l -10 0 z" fill="#842029">'  # type: ignore[arg-type]
                   f"<title>{_esc(event.text)}</title></path>")
    colors = {"now": COLORS["critical"][1], "before-horizon": COLORS["medium"][1], "hardening": COLORS["low"][1]}
    for i, step in enumerate(shown):
        y = 74 + i * 20
        at: float | None = 0.0 if step.phase == "now" else step.month
        cx = x(at) if at is not None else (right if step.phase == "before-horizon" else later)
        color = colors.get(step.phase, "#6c757d")
        out.append(f'<text x="{label:.0f}" y="{y + 4}">{step.number}. {_esc(_cut(step.title, 56))}</text>'
                   f'<line x1="{left:.0f}" y1="{y}" x2="{cx:.0f}" y2="{y}" stroke="#dee2e6"/>'
                   f'<circle class="step step-{_esc(step.phase)}" cx="{cx:.0f}" cy="{y}" r="6" fill="{color}">'
                   f"<title>{_esc(step.phase)}: {_esc(step.title)}</title></circle>")
    if len(shown) < len(plan.steps):
        out.append(f'<text x="{label:.0f}" y="{74 + len(shown) * 20 + 4}" fill="#6c757d">… {len(plan.steps) - len(shown)} '
                   "more steps</text>")
    out.append(f'<text x="{label:.0f}" y="{height - 6:.0f}" fill="#6c757d">● now (red), before the horizon (amber, at the '
               "month its component crosses safe utilization), hardening (blue); ▲ growth events</text></svg>")
    return "".join(out)


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
