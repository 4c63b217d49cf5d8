"""``scalexpert plan``: the whole plan as text — steps with measured effects, order, conflicts, decisions, target,
what the target still reports, and growth and cost over time."""

from __future__ import annotations

from collections.abc import Sequence

from ..terminal import lines as terminal_lines
from ..findings import Report
from .assessment_text import (
    PHASE_TITLES,
    effect_text,
    figures_text,
    money,
    pct,
    root_cause_lines,
    step_line,
    verdict,
    wrap,
)
from .common import clean, one_line


def _timeline(report: Report, width: int) -> list[str]:
    line = report.timeline
    if line is None or not line.points:
        return []
    by_month = line.points[0].month is not None
    lines = [f"Growth and cost over time (safe utilization {line.safe_utilization:g}"
             + (f", {line.monthly_rate:.1%} a month" if line.monthly_rate else ", no growth rate stated: per multiple")
             + "):"]
    lines.append(f"  {'month' if by_month else 'load'}   multiple  fleet  cost/month  with the plan  over safe utilization")
    for point in line.points:
        over = sorted(n for n, u in point.utilization.items() if u >= line.safe_utilization)
        when = f"{point.month:g}" if point.month is not None else f"{point.multiple:g} ×"
        plan = "" if point.monthly_cost_target is None else money(point.monthly_cost_target)
        text = (f"  {when:<7} {point.multiple:>8.2f}  {point.fleet if point.fleet is not None else '?':>5}  "
                f"{money(point.monthly_cost):>10}  {plan:>13}  {', '.join(over) or '-'}")
        lines.append(text.rstrip())
    for event in line.events:
        lines.extend(wrap(one_line(f"  - {event.text}"), width, "", 6))
    return lines


def render_plan(reports: Sequence[Report], width: int = 100, fail_on: str = "high") -> str:
    """The full plan of each report."""
    lines = [verdict(reports, fail_on), ""]
    for report in reports:
        plan = report.plan
        lines.extend(root_cause_lines(report, width, None))
        lines.append("")
        if plan is None:
            continue
        if plan.today is not None:
            found = figures_text(plan.today.findings)
            lines.extend(wrap(f"Today: {found}; {plan.today.root_causes} root causes at medium or above; availability "
                              f"{pct(plan.today.availability)}; cost {money(plan.today.monthly_cost)}/month", width))
        phase = None
        for step in plan.steps:
            if step.phase != phase:
                phase = step.phase
                lines.append(f"{PHASE_TITLES[phase].capitalize()}:")
            lines.extend(wrap(step_line(step), width, "  ", 6))
            together = effect_text(step.in_sequence)
            if together and together != effect_text(step.effect):  # both, where they differ
                earlier = "step 1" if step.number == 2 else f"steps 1–{step.number - 1}"
                lines.extend(wrap(clean(f"after {earlier}: {together}"), width, "      ", 4))
            if step.order_reason:
                lines.extend(wrap(clean(f"why this order: {step.order_reason}"), width, "      ", 4))
        alone = [s.number for s in plan.steps if s.in_sequence is None]
        if alone and len(alone) < len(plan.steps):
            lines.extend(wrap(f"  Steps {alone[0]}–{alone[-1]} are measured alone, not after the steps before them "
                              "(those re-runs are bounded); the target below has every step applied.", width, "", 4))
        for conflict in plan.conflicts:
            lines.extend(wrap(clean(f"conflict: {conflict}"), width, "  ", 4))
        if plan.target is not None and plan.today is not None:
            found = figures_text(plan.target.findings)
            lines.append("")
            lines.extend(wrap(f"Target (every step applied, measured by re-running the analysis): {found}; availability "
                              f"{pct(plan.today.availability)} → {pct(plan.target.availability)}; cost "
                              f"{money(plan.today.monthly_cost)} → {money(plan.target.monthly_cost)}/month", width))
            if plan.remaining:
                lines.append("A check of the target still reports:")
                for text in plan.remaining:
                    lines.extend(wrap(clean(text), width, "  ", 4))
        if plan.decisions:
            lines.append("")
            lines.append("Decisions the file cannot make:")
            for decision in plan.decisions:
                lines.extend(wrap(clean(f"{decision.root_cause}: {decision.question}"), width, "  ", 4))
                for option in decision.options:
                    lines.extend(wrap(clean(f"- {option}"), width, "    ", 2))
                lines.extend(wrap(clean(f"trade-offs: {decision.trade_offs}"), width, "    ", 2))
        lines.append("")
        lines.extend(_timeline(report, width))
        lines.append("")
    return terminal_lines("\n".join(lines).rstrip("\n") + "\n")
