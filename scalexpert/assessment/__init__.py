"""From findings to an assessment: root causes, their ranking, a phased plan with measured effects, and growth
and cost over time.

This stage comes after the findings and their explanations and before the reporters. It never
imports the command line or the API: the caller hands it the ways to re-run the analysis on a
changed design (``rerun`` for findings and capacity, ``full_check`` for a complete report) and to
run the capacity model at growth multiples (``grow``). See docs/assessment.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..findings import Change, Finding, Location, Plan, Report
from ..model import Architecture
from .causes import Group, group, merge_systemic, root_causes, verify_changes
from .changes import Entities, decisions_of
from .changes import overlay as as_overlay
from .knowledge import field_knowledge
from .outcome import FullCheck, Outcome, Rerun, capacity_dict, figures, rank, system
from .plan import decisions, in_sequence, steps
from .timeline import Grow, timeline

__all__ = ["Outcome", "assess", "target_overlay"]

RERUN_WORK = 2_500
"""Re-runs × components the assessment may spend: 48 re-runs at 52 components, 2 at 1,000, none at
10,000 (then findings are grouped by shared facts only, and the run says so among its problems)."""
MAX_RERUNS = 60
"""At most this many re-runs, however small the file."""
SEQUENCE_STEPS = 6
"""Plan steps measured on top of the earlier steps (one more re-run each); the target (every step) is checked
in full whatever the number of steps."""
LARGEST_TIMELINE = 2_000
"""Above this many components the timeline (two more capacity runs) is left out."""


def assess(report: Report, arch: Architecture, *, rerun: Rerun, full_check: FullCheck, grow: Grow,
           locate: Callable[[Change], Location | None], entries: Mapping[str, Any], safe_utilization: float,
           rerun_after: Rerun | None = None) -> Report:
    """The report with its root causes, plan and timeline filled in.

    ``rerun_after`` is ``rerun`` for a sequence of growing overlays (each call may compare with the last);
    the plan's steps are measured in order with it.
    """
    known = field_knowledge()
    rules = set(report.rules_run)
    considered = [f for f in report.findings if f.rule_id in rules]
    base = Outcome({f.fingerprint: f.severity for f in considered}, capacity_dict(report.capacity))
    size = max(len(arch.components), 1)
    budget = min(MAX_RERUNS, RERUN_WORK // size)
    verified, proposers, rejected, backed, verifier = verify_changes(considered, arch, known, rerun, base,
                                                                      budget=budget, entries=entries)
    skipped = rejected.pop("", [])
    groups = merge_systemic(group(considered, verified, proposers, arch.components, known, backed), arch, verifier, base)
    groups += [Group("finding", [f]) for f in report.findings if f.rule_id not in rules]
    order = {f.fingerprint: i for i, f in enumerate(report.findings)}

    def position(finding: Finding) -> tuple[object, ...]:
        return (order.get(finding.fingerprint, 0),)

    causes = root_causes(groups, base, locate, position)
    entities = Entities(arch)
    by_fp = {f.fingerprint: f for f in report.findings}
    choices = {c.id: [d for fp in c.symptoms for d in decisions_of(by_fp[fp], entities, known)] for c in causes}
    horizon = system(base.capacity).get("horizon_months")
    made, conflicts, target_changes = steps(causes, horizon, known)
    sequence_limit = min(budget, SEQUENCE_STEPS)  # each step on top of the previous ones (the plan says which)

    def applied(changes: tuple[Change, ...]) -> Outcome | None:
        return (rerun_after or rerun)(as_overlay(changes, arch))

    made, in_order = in_sequence(made, base, applied, sequence_limit)
    medium = sum(1 for c in causes if rank(c.severity) >= rank("medium") and _open(c, by_fp))
    plan = Plan(steps=tuple(made), conflicts=tuple(conflicts), decisions=tuple(decisions(causes, choices, known, entries, rejected)),
                today=figures(report, medium))
    target_arch = None
    if made and budget > 0:
        target_overlay_data = as_overlay(target_changes, arch)
        checked = full_check(target_overlay_data)
        if checked is not None:
            target_report, target_arch = checked
            plan = plan.model_copy(update={"target": figures(target_report),
                                           "remaining": tuple(_remaining(causes, target_report, made))})
    line = timeline(base.capacity, grow, arch, target_arch, safe_utilization) if size <= LARGEST_TIMELINE else None
    problems = report.problems
    if skipped and budget == 0:
        problems = (*problems, f"assessment: no change verified at {size:,} components (re-runs are bounded to "
                               f"{RERUN_WORK:,} component-runs, to keep a check fast); findings are grouped by shared facts")
    elif skipped:
        problems = (*problems, f"assessment: {len(skipped)} proposed change(s) not verified (re-runs are bounded to "
                               f"{MAX_RERUNS} and to {RERUN_WORK:,} component-runs: {budget} at {size:,} components, "
                               "to keep a check fast); their findings are grouped by shared facts")
    return report.model_copy(update={"root_causes": tuple(causes), "plan": plan, "timeline": line, "problems": problems})


def _open(cause: Any, by_fp: Mapping[str, Finding]) -> bool:
    """Whether any symptom still counts (is neither suppressed nor in the baseline)."""
    return any(by_fp[fp].suppressed is None and not by_fp[fp].baseline for fp in cause.symptoms if fp in by_fp)


def _remaining(causes: list[Any], target: Report, made: list[Any]) -> list[str]:
    """What a check of the target still reports at medium or above, and why."""
    still = {f.fingerprint: f for f in target.active if rank(f.severity) >= rank("medium")}
    lines = []
    planned = {rc for step in made for rc in step.root_causes}
    seen: set[str] = set()
    for cause in causes:
        left = [fp for fp in cause.symptoms if fp in still]
        if not left:
            continue
        seen.update(left)
        if cause.id in planned:
            why = f"{len(left)} of its {len(cause.symptoms)} findings remain after its step"
        elif cause.basis == "change":
            why = "its change conflicts with another step"
        else:
            why = "no change to the file's fields clears it (a decision or work outside the file)"
        lines.append(f"{cause.id} ({cause.severity}) {cause.headline.split(': ', 1)[0]} — {why}")
    for fp, finding in sorted(still.items()):
        if fp not in seen:
            lines.append(f"new ({finding.severity}) {finding.rule_id} {finding.message.split(': ', 1)[0]} — appears with the "
                         "changes combined")
    return lines


def target_overlay(report: Report, arch: Architecture) -> dict[str, Any]:
    """Every change of the plan (conflicts resolved as the plan says) as an overlay for ``extends``."""
    if report.plan is None:
        return {}
    kept: dict[tuple[Any, ...], Change] = {}
    for step in report.plan.steps:
        for change in step.changes:
            other = kept.get(change.path)
            numbers = other is not None and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                for v in (other.new, change.new))
            if other is None or (numbers and change.new > other.new):
                kept[change.path] = change
    return as_overlay(kept.values(), arch)
