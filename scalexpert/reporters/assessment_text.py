"""The assessment as terminal text: the verdict line, ranked root causes, the plan's headline steps.

Lines are wrapped to the given width (continuations indented under the text). Used by the text
reporter (``scalexpert check``) and by ``scalexpert plan``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from ..findings import Change, Effect, PlanStep, Report, RootCause
from .common import SEVERITY_ORDER, clean, counts, one_line, rank

PHASE_TITLES = {"now": "now", "before-horizon": "before the horizon", "hardening": "hardening"}
LIST_ROOT_CAUSES = 10
"""Root causes listed in the concise report (the rest are counted; --findings lists every finding)."""
LIST_STEPS = 6


def wrap(text: str, width: int, indent: str = "", hang: int = 4) -> list[str]:
    """``text`` wrapped to ``width`` columns, continuation lines indented ``hang`` more."""
    return textwrap.wrap(text, width=max(width, 40), initial_indent=indent, subsequent_indent=indent + " " * hang,
                         break_on_hyphens=False, break_long_words=True) or [indent]


def pct(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value * 100:.2f} %" if value < 0.9999 else f"{value * 100:.4f} %"


def money(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def verdict(reports: Sequence[Report], fail_on: str) -> str:
    """PASSED/FAILED at the threshold, with what decides it (the exit code follows this line)."""
    active = [f for r in reports for f in r.findings]
    found = counts(active)
    if fail_on == "never":
        return "PASSED (--fail-on never: findings never fail the run)"
    failing = {s: n for s, n in found.items() if n and rank(s) >= rank(fail_on)}
    causes = 0
    for r in reports:
        active_fps = _active_fingerprints(r)
        causes += sum(1 for c in r.root_causes if rank(c.severity) >= rank(fail_on) and _active_cause(active_fps, c))
    if failing:
        what = ", ".join(f"{n} {s}" for s, n in failing.items())
        return f"FAILED at --fail-on {fail_on}: {what} finding{'s' if sum(failing.values()) != 1 else ''}" + (
            f" in {causes} root cause{'s' if causes != 1 else ''}" if causes else "")
    return f"PASSED at --fail-on {fail_on}: nothing active at {fail_on} or above"


def _active_fingerprints(report: Report) -> frozenset[str]:
    """Fingerprints of the report's findings that are neither suppressed nor in the baseline (found once
    per report: a 10,000-component report has thousands of root causes and tens of thousands of findings)."""
    return frozenset(f.fingerprint for f in report.findings if f.suppressed is None and not f.baseline)


def _active_cause(active_fps: frozenset[str], cause: RootCause) -> bool:
    return any(fp in active_fps for fp in cause.symptoms)


def _where(cause: RootCause) -> str:
    loc = cause.location
    return f"{loc.file}:{loc.line}" if loc else "-"


def _fix(changes: Sequence[Change]) -> str:
    from ..assessment.changes import summary

    return summary(changes)


def cause_line(cause: RootCause, width: int | None = None) -> str:
    """``RC1 critical file:line RULE headline (n findings)``, cut to ``width`` when given."""
    tail = f" ({len(cause.symptoms)} findings)" if len(cause.symptoms) > 1 else ""
    head = one_line(f"{cause.id} {cause.severity} {_where(cause)} {cause.rule_id}") + " "
    text = one_line(cause.headline)
    if width is not None:
        short = text.split(": ", 1)[0]  # the headline's first clause says what; the rest says why
        room = width - len(head) - len(tail)
        text = short if len(short) <= room else short[: max(room - 1, 10)].rstrip() + "…"
    return head + text + tail


def effect_text(effect: Effect | None) -> str:
    """The measured effect in a few figures: flows, utilization, runway, cost."""
    if effect is None:
        return ""
    parts = [f"clears {len(effect.cleared)}"]
    for flow in effect.flows[:2]:
        parts.append(f"{flow.entry} {pct(flow.before)} → {pct(flow.after)}")
    if effect.utilization_before is not None and effect.utilization_after is not None and \
            abs(effect.utilization_before - effect.utilization_after) > 1e-9:
        parts.append(f"ρ {effect.utilization_before:.2f} → {effect.utilization_after:.2f}")
    if effect.runway_months_before != effect.runway_months_after and effect.runway_months_after is not None:
        before = "?" if effect.runway_months_before is None else f"{effect.runway_months_before:.1f}"
        parts.append(f"runway {before} → {effect.runway_months_after:.1f} months")
    if effect.monthly_cost_delta:
        parts.append(f"cost {effect.monthly_cost_delta:+,.0f}/month")
    return ", ".join(parts)


def step_line(step: PlanStep) -> str:
    when = PHASE_TITLES.get(step.phase, step.phase)
    if step.month is not None:
        when = f"by month {step.month:g}"
    after = f" (after step {', '.join(str(n) for n in step.after)})" if step.after else ""
    measured = effect_text(step.effect)
    return one_line(f"{step.number}. [{when}] {step.title}{after}" + (f" — {measured}" if measured else ""))


def root_cause_lines(report: Report, width: int, limit: int | None = LIST_ROOT_CAUSES) -> list[str]:
    """The ranked root causes, one (wrapped) line each, at medium or above first."""
    active_fps = _active_fingerprints(report)
    accepted = [c for c in report.root_causes if not _active_cause(active_fps, c)]
    shown = [c for c in report.root_causes if rank(c.severity) >= rank("medium") and _active_cause(active_fps, c)]
    rest = len(report.root_causes) - len(shown) - len(accepted)
    findings = len(report.findings)
    head = (f"Root causes of {clean(report.file)}: {len(shown)} at medium or above"
            f" ({findings} findings in {len(report.root_causes)} root causes), by impact:")
    lines = wrap(head, width)
    chosen = shown if limit is None else shown[:limit]
    for cause in chosen:
        lines.extend(wrap(cause_line(cause, width - 2 if limit is not None else None), width, "  ", 6))
        if cause.changes:
            fix = wrap(one_line(f"fix: {_fix(cause.changes)}"), width, "      ", 4)
            if limit is not None and len(fix) > 2:  # the concise report: two lines at most
                fix = fix[:2]
                fix[1] = fix[1][: width - 1].rstrip() + "…"
            lines.extend(fix)
    more = len(shown) - len(chosen)
    tail: list[str] = []
    if more or rest:
        if more:
            tail.append(f"{more} more at medium or above")
        if rest:
            tail.append(f"{rest} low or info")
    if accepted:
        tail.append(f"{len(accepted)} accepted (suppressed or in the baseline)")
    if more or rest or accepted:
        lines.extend(wrap(f"… {' and '.join(tail)} (--findings lists every finding, --explain their proofs)", width, "  ", 2))
    return lines


def plan_lines(report: Report, width: int, limit: int | None = LIST_STEPS) -> list[str]:
    """The plan's headline steps, the target's figures and what it still reports."""
    plan = report.plan
    if plan is None:
        return []
    if not plan.steps:
        return [*wrap("Plan: no single change to the file's fields is verified to clear a finding; "
                      f"{len(plan.decisions)} decision(s) to make (scalexpert plan shows them).", width)]
    lines = [f"Plan ({len(plan.steps)} steps; `scalexpert plan {clean(report.file)}` for all, with --write-target):"]
    chosen = plan.steps if limit is None else plan.steps[:limit]
    for step in chosen:
        wrapped = wrap(step_line(step), width, "  ", 6)
        if limit is not None and len(wrapped) > 2:  # the concise report: two lines a step at most
            wrapped = wrapped[:2]
            wrapped[1] = wrapped[1][: width - 1].rstrip() + "…"
        lines.extend(wrapped)
    if len(chosen) < len(plan.steps):
        phases: dict[str, int] = {}
        for step in plan.steps[len(chosen):]:
            phases[step.phase] = phases.get(step.phase, 0) + 1
        lines.append("  … " + ", ".join(f"{n} more {PHASE_TITLES[p]}" for p, n in phases.items()))
    if plan.today is not None and plan.target is not None:
        lines.extend(wrap(f"  target: {figures_text(plan.target.findings)} (today {figures_text(plan.today.findings)});"
                          f" availability {pct(plan.today.availability)} → {pct(plan.target.availability)}"
                          + (f"; cost {money(plan.today.monthly_cost)} → {money(plan.target.monthly_cost)}/month"
                             if plan.today.monthly_cost is not None or plan.target.monthly_cost is not None else ""),
                          width, "", 4))
    if plan.decisions:
        lines.append(f"  {len(plan.decisions)} decision(s) the file cannot make: `scalexpert plan` lists the options")
    return lines


def figures_text(found: dict[str, int]) -> str:
    parts = [f"{found[s]} {s}" for s in SEVERITY_ORDER if found.get(s)]
    return ", ".join(parts) if parts else "no findings"


def timeline_lines(report: Report, width: int) -> list[str]:
    """When growth bites: the first events and the cost at the horizon."""
    line = report.timeline
    if line is None or not line.points:
        return []
    events = [e for e in line.events if e.kind != "saturation" or e.month == 0][:3]
    first, last = line.points[0], line.points[-1]
    horizon = f"month {last.month:g}" if last.month is not None else f"{last.multiple:g} × today's peak"
    text = "Growth: " + ("; ".join(e.text for e in events) if events else "no component crosses its safe utilization")
    if first.monthly_cost is not None and last.monthly_cost is not None:
        text += f"; the fleet the load needs costs {money(first.monthly_cost)}/month today, {money(last.monthly_cost)} at {horizon}"
        if last.monthly_cost_target is not None:
            text += f" ({money(last.monthly_cost_target)} with the plan)"
    return wrap(one_line(text), width)
