"""The phased remediation plan: now, before the growth horizon, hardening; ordered, with conflicts and decisions.

- **now**: a critical root cause, or a high one on a component already past its safe utilization at
  today's peak;
- **before the horizon**: a component that crosses its safe utilization before the growth horizon
  (ordered by that month), or any other high root cause (first those on a flow that misses its
  availability objective);
- **hardening**: the rest.

Steps whose changes must come first (``knowledge/assessment.yaml``, ``order``) are moved before the
steps that need them, into the earlier phase if need be. Two steps that set one field to different
values are a conflict: the plan keeps the larger number (or the earlier step's value) and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..findings import Change, Decision, PlanStep, RootCause
from ..language.template import show_value
from .changes import field_of, summary
from .knowledge import FieldKnowledge, matches
from .outcome import Outcome, rank
from .causes import effect_between

PHASES = ("now", "before-horizon", "hardening")


def phase_of(cause: RootCause, horizon: float | None) -> str:
    runway = cause.impact.runway_months
    if cause.severity == "critical" or (runway is not None and runway <= 0 and rank(cause.severity) >= rank("high")):
        return "now"
    if (runway is not None and horizon is not None and runway < horizon) or cause.severity == "high":
        return "before-horizon"
    return "hardening"


@dataclass
class _Draft:
    cause: RootCause
    phase: str
    changes: tuple[Change, ...]
    after: set[int]
    reasons: list[str]


def _needs(later: _Draft, earlier: _Draft, known: FieldKnowledge) -> str | None:
    """The reason ``later`` must wait for ``earlier`` (None when it need not)."""
    for rule in known.order:
        for a in earlier.changes:
            if not matches(field_of(a), rule.first):
                continue
            for b in later.changes:
                if matches(field_of(b), rule.then) and (not rule.same_subject or a.subject == b.subject):
                    return rule.reason
    return None


def _ordered(drafts: list[_Draft], known: FieldKnowledge) -> list[_Draft]:
    order = list(drafts)
    for i, later in enumerate(drafts):
        for j, earlier in enumerate(drafts):
            if i != j:
                reason = _needs(later, earlier, known)
                if reason and not _needs(earlier, later, known):
                    later.after.add(j)
                    later.reasons.append(reason)
    for _ in range(len(order) + 1):  # move prerequisites before their dependants (bounded; cycles stay put)
        moved = False
        for draft in list(order):
            for j in sorted(draft.after):
                earlier = drafts[j]
                if order.index(earlier) > order.index(draft):
                    order.remove(earlier)
                    order.insert(order.index(draft), earlier)
                    if PHASES.index(earlier.phase) > PHASES.index(draft.phase):
                        earlier.phase = draft.phase
                    moved = True
        if not moved:
            break
    return order


def steps(causes: list[RootCause], horizon: float | None, known: FieldKnowledge) -> tuple[list[PlanStep], list[str], list[Change]]:
    """The plan's steps, the conflicts between them, and the changes the target applies (conflicts resolved)."""
    drafts = [_Draft(c, phase_of(c, horizon), c.changes, set(), []) for c in causes if c.changes]

    def place(d: _Draft) -> tuple[Any, ...]:
        month = d.cause.impact.runway_months if d.phase == "before-horizon" else None
        return (PHASES.index(d.phase), month is None, month or 0.0, -d.cause.impact.score, d.cause.id)

    drafts.sort(key=place)
    order = _ordered(drafts, known)
    number = {id(d): n for n, d in enumerate(order, 1)}
    made = []
    for draft in order:
        runway = draft.cause.impact.runway_months
        made.append(PlanStep(
            number=number[id(draft)], phase=draft.phase, root_causes=(draft.cause.id,),
            title=summary(draft.changes),
            changes=draft.changes, effect=draft.cause.effect,
            month=round(runway, 1) if draft.phase == "before-horizon" and runway is not None else None,
            after=tuple(sorted(number[id(drafts[j])] for j in draft.after)),
            order_reason="; ".join(dict.fromkeys(draft.reasons)) or None,
        ))
    conflicts, target = _resolve(made)
    return made, conflicts, target


def _resolve(made: list[PlanStep]) -> tuple[list[str], list[Change]]:
    kept: dict[tuple[Any, ...], tuple[Change, int]] = {}
    conflicts = []
    for step in made:
        for change in step.changes:
            if change.path not in kept:
                kept[change.path] = (change, step.number)
                continue
            other, number = kept[change.path]
            if other.new == change.new:
                continue
            numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (other.new, change.new))
            winner = (change, step.number) if numbers and change.new > other.new else (other, number)
            conflicts.append(f"step {number} ({other.text}) and step {step.number} ({change.text}) set the same field; "
                             f"the target keeps {show_value(winner[0].new)} (step {winner[1]})")
            kept[change.path] = winner
    return conflicts, [change for change, _ in kept.values()]


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def decisions(causes: list[RootCause], choices: Mapping[str, list[tuple[str, Change]]], known: FieldKnowledge,
              entries: Mapping[str, Any], rejected: Mapping[str, list[str]] | None = None) -> list[Decision]:
    """Choices the file cannot make: what-ifs on decision fields, and severe causes no change clears."""
    found = []
    for cause in causes:
        entry = entries.get(cause.rule_id)
        trade_offs = " ".join(str(getattr(entry, "trade_offs", "") or "").split())
        for name, change in choices.get(cause.id, []):
            spec = known.decisions[name]
            found.append(Decision(root_cause=cause.id, question=f"{spec.question} ({change.text})",
                                  options=spec.options, trade_offs=trade_offs or "see the rule's trade-offs"))
        if not cause.changes and not choices.get(cause.id) and rank(cause.severity) >= rank("high") and entry is not None:
            fix = [s.strip() for s in _SENTENCE.split(" ".join(str(entry.fix).split())) if s.strip()]
            tried = [t for fp in cause.symptoms for t in (rejected or {}).get(fp, [])]
            found.append(Decision(root_cause=cause.id, question=f"No single change to the file's fields clears {cause.id} "
                                  f"({cause.rule_id} on {', '.join(cause.subjects[:3])}): which fix?",
                                  options=tuple(fix[:3]),
                                  trade_offs=" ".join([trade_offs or "see the rule's trade-offs",
                                                       *(f"({t})" for t in dict.fromkeys(tried))])))
    return found


def in_sequence(made: list[PlanStep], base: Outcome, rerun: Callable[[tuple[Change, ...]], Outcome | None],
                limit: int) -> tuple[list[PlanStep], int]:
    """Each step measured on top of the steps before it (conflicts resolved as the target resolves them), for
    the first ``limit`` steps; returns the steps and how many were measured."""
    out: list[PlanStep] = []
    before = base
    measured = 0
    for index, step in enumerate(made):
        if index >= limit:
            out.append(step)
            continue
        _, changes = _resolve(made[: index + 1])
        after = rerun(tuple(changes))
        if after is None:  # pragma: no cover - every step's change validated on its own
            out.extend(made[index:])
            break
        measured += 1
        out.append(step.model_copy(update={"in_sequence": effect_between(step.changes, before, after)}))
        before = after
    return out, measured
