"""Root causes: findings grouped by the smallest verified design change that clears them, or the derived fact
their proofs share; ranked by impact.

Grouping uses the engine's own knowledge, never the findings' text:

1. every what-if a finding offers is placed on its subject (see changes.py); each distinct change is
   applied to the model once and the whole analysis re-run; it is *verified* when at least one finding
   that proposed it disappears and nothing as severe as the worst finding it clears appears. The same
   change proposed on several subjects (``replicas: 1 → 2`` on thirteen services) is first tried on all
   of them at once: one re-run, kept when every finding that proposed it disappears;
2. greedily, the verified change that clears the most (severity-weighted) still unexplained findings
   becomes a root cause, with every finding it clears as its symptoms (fewer changes win ties);
3. findings left whose proofs share a derived fact about a component (e.g. ``stateful-on-critical-path``),
   or rest on the same stated design fact (``component shop-app: replicas = 1``; identities, fields that
   describe reality and objectives excluded), form one root cause each;
4. the same design gap repeated across subjects is one systemic cause: change root causes whose
   headline rule and change (field, old and new value) are the same on different subjects merge
   when the merged change, re-run once, clears all their findings and makes nothing worse; findings
   left alone that come from one rule resting on the same stated facts (the subject aside) merge too;
5. what is left stands alone. Every finding ends in exactly one root cause.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..findings import Change, Effect, Finding, Impact, Location, Proof, RootCause
from ..model import Architecture
from .changes import Entities, changes_of, field_of, key, overlay, with_costs
from .knowledge import FieldKnowledge
from .outcome import Outcome, Rerun, components, flow_effects, flows, rank, system

WEIGHT = {"critical": 100.0, "high": 40.0, "medium": 10.0, "low": 3.0, "info": 1.0}
"""Severity weight of a root cause's impact score."""


@dataclass
class Group:
    """Findings explained together, and why."""

    basis: str
    symptoms: list[Finding]
    changes: tuple[Change, ...] = ()
    derived_fact: str | None = None
    outcome: Outcome | None = None
    proposed: set[str] = field(default_factory=set)


@dataclass
class Verified:
    changes: tuple[Change, ...]
    cleared: set[str]
    introduced: dict[str, str]
    outcome: Outcome


def verify_changes(findings: list[Finding], arch: Architecture, known: FieldKnowledge, rerun: Rerun,
                   base: Outcome, budget: int | None = None) -> tuple[dict[str, Verified], dict[str, set[str]], dict[str, list[str]]]:
    """Apply each distinct proposed change once; keep those that clear a proposer and make nothing worse.

    Also returns, per proposing finding, what each rejected change was measured to do. ``budget``
    bounds the re-runs (changes proposed by the most severe findings first); changes beyond it stay
    unverified and are listed under the key ``""`` of the third value.
    """
    entities = Entities(arch)
    proposals: dict[str, tuple[Change, ...]] = {}
    proposers: dict[str, set[str]] = {}
    for finding in findings:
        for changes in changes_of(finding, entities, known):
            name = key(changes)
            proposals.setdefault(name, changes)
            proposers.setdefault(name, set()).add(finding.fingerprint)
    severity = {f.fingerprint: f.severity for f in findings}
    verified: dict[str, Verified] = {}
    rejected: dict[str, list[str]] = {}

    runs = [0]

    def measure(changes: tuple[Change, ...]) -> tuple[Outcome | None, set[str], dict[str, str], list[str]]:
        runs[0] += 1
        outcome = rerun(overlay(changes, arch))
        if outcome is None:
            return None, set(), {}, []
        cleared = {fp for fp in severity if fp in base.findings and fp not in outcome.findings}
        introduced = {fp: s for fp, s in outcome.findings.items() if fp not in base.findings}
        worst = max((rank(severity[c]) for c in cleared), default=-1)
        return outcome, cleared, introduced, sorted(f"{fp} ({s})" for fp, s in introduced.items() if rank(s) >= worst)

    # the same change on several subjects is tried together first: one re-run for a systemic change
    classes: dict[tuple[object, ...], list[str]] = {}
    for name in sorted(proposals):
        classes.setdefault(change_kind(proposals[name]), []).append(name)

    def urgency(names: list[str]) -> tuple[object, ...]:  # the most severe proposer first, then by name
        return (-max(rank(severity[fp]) for n in names for fp in proposers[n]), names[0])

    pending: list[str] = []
    for names in sorted(classes.values(), key=urgency):
        if budget is not None and runs[0] >= budget:
            rejected.setdefault("", []).extend(names)
            continue
        if len(names) > 1:
            changes = with_costs(tuple(c for n in names for c in proposals[n]), arch, known)
            outcome, cleared, introduced, worse = measure(changes)
            wanted = set().union(*(proposers[n] for n in names))
            if outcome is not None and wanted <= cleared and not worse:
                joint = " + ".join(names)
                verified[joint] = Verified(changes, cleared, introduced, outcome)
                proposers[joint] = wanted
                continue
        pending.extend(names)
    for name in sorted(pending, key=lambda n: urgency([n])):
        if budget is not None and runs[0] >= budget:
            rejected.setdefault("", []).append(name)
            continue
        changes = with_costs(proposals[name], arch, known)
        outcome, cleared, introduced, worse = measure(changes)
        if outcome is None:
            continue
        if cleared & proposers[name] and not worse:
            verified[name] = Verified(changes, cleared, introduced, outcome)
            continue
        text = (f"measured: {name} alone clears {len(cleared & proposers[name])} of the findings that propose it"
                + (f" but brings {', '.join(worse)}" if worse else ""))
        for fp in proposers[name]:
            rejected.setdefault(fp, []).append(text)
    return verified, proposers, rejected


def group(findings: list[Finding], verified: dict[str, Verified], proposers: dict[str, set[str]],
          names: Iterable[str], known: FieldKnowledge | None = None) -> list[Group]:
    """Every finding into exactly one group (see the module docstring)."""
    by_fp = {f.fingerprint: f for f in findings}
    remaining = set(by_fp)
    groups: list[Group] = []
    while True:
        best: tuple[float, int, str] | None = None
        for name, item in verified.items():
            gain = item.cleared & remaining
            if not gain & proposers[name]:
                continue
            weight = sum(WEIGHT.get(by_fp[fp].severity, 0.0) for fp in gain)
            candidate = (weight, -len(item.changes), name)
            if best is None or (candidate[0], candidate[1]) > (best[0], best[1]) or (
                    (candidate[0], candidate[1]) == (best[0], best[1]) and name < best[2]):
                best = candidate
        if best is None:
            break
        item = verified[best[2]]
        gain = item.cleared & remaining
        groups.append(Group("change", [by_fp[fp] for fp in sorted(gain)], item.changes, outcome=item.outcome,
                            proposed=proposers[best[2]]))
        remaining -= gain
    groups.extend(_by_derived_fact([by_fp[fp] for fp in sorted(remaining)], set(names), known))
    return groups


def change_kind(changes: tuple[Change, ...]) -> tuple[object, ...]:
    """What a change is, the subject aside: the section, the field and the values."""
    return tuple(sorted((str(c.path[0]), field_of(c), repr(c.old), repr(c.new)) for c in changes
                        if "(cost follows" not in c.text))


def _kind(group: Group) -> tuple[object, ...]:
    """What a change group's change is, the subject aside (same rule, same field, same values)."""
    head = max(group.symptoms, key=lambda f: (rank(f.severity), f.fingerprint in group.proposed))
    return (head.rule_id, change_kind(group.changes))


def merge_systemic(groups: list[Group], arch: Architecture, rerun: Rerun, base: Outcome) -> list[Group]:
    """Merge change groups that make the same change on different subjects, when the merged change is verified."""
    classes: dict[tuple[object, ...], list[Group]] = {}
    for item in groups:
        if item.basis == "change":
            classes.setdefault(_kind(item), []).append(item)
    merged: list[Group] = []
    done: set[int] = set()
    for item in groups:
        if id(item) in done:
            continue
        members = classes.get(_kind(item), [item]) if item.basis == "change" else [item]
        done.update(id(m) for m in members)
        if len(members) < 2:
            merged.append(item)
            continue
        changes = tuple(c for m in members for c in m.changes)
        symptoms = [f for m in members for f in m.symptoms]
        outcome = rerun(overlay(changes, arch))
        worst = max(rank(f.severity) for f in symptoms)
        introduced = [s for fp, s in (outcome.findings.items() if outcome else ()) if fp not in base.findings]
        if outcome is None or any(f.fingerprint in outcome.findings for f in symptoms) or \
                any(rank(s) >= worst for s in introduced):
            merged.extend(members)
            continue
        merged.append(Group("change", symptoms, changes, outcome=outcome,
                            proposed=set().union(*(m.proposed for m in members))))
    return merged


_PAIR = re.compile(r"(\w+)=([^,()]+)")


def _derived(proofs: Iterable[Proof]) -> Iterator[str]:
    for proof in proofs:
        if proof.rule is not None:
            yield proof.fact
        yield from _derived(proof.premises)


_IDENTITY = ("name", "kind", "from", "to", "mode", "type")
_DERIVED_FIELD = re.compile(r"^([A-Za-z_][\w.]*) = (.+)$")


def _stated(proofs: Iterable[Proof], known: FieldKnowledge) -> Iterator[str]:
    """The stated design facts a proof rests on: ``fact: field = value``."""
    for proof in proofs:
        if proof.rule is None:
            for c in proof.conditions:
                if c.location is None:
                    continue
                name, value = c.field, c.value
                if name.startswith("graph.") and c.derivation and _DERIVED_FIELD.match(c.derivation):
                    name, value = _DERIVED_FIELD.match(c.derivation).groups()  # type: ignore[union-attr]
                if name in _IDENTITY or name.startswith(("graph.", "capacity.", "objectives.", "traffic.", "growth.")):
                    continue
                if name in known.description:
                    continue
                yield f"{proof.fact}: {name} = {value}"
        yield from _stated(proof.premises, known)


def _pattern(label: str) -> str:
    """``component shop-app: replicas = 1`` → ``component: replicas = 1`` (the subject aside)."""
    head, _, rest = label.partition(": ")
    return f"{head.split(' ', 1)[0]}: {rest}"


def _by_derived_fact(findings: list[Finding], names: set[str], known: FieldKnowledge | None = None) -> list[Group]:
    """Union the findings whose proofs share a derived fact about a component or a stated design fact."""
    parent = list(range(len(findings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    facts: dict[int, str] = {}
    for index, finding in enumerate(findings):
        derived = {label for label in _derived(finding.explanation.proof)
                   if any(value.strip() in names for _, value in _PAIR.findall(label))}
        stated = set(_stated(finding.explanation.proof, known)) if known is not None else set()
        for label in sorted(derived) + sorted(stated - derived):
            if label in owner:
                parent[find(index)] = find(owner[label])
            else:
                owner[label] = index
            facts.setdefault(index, label)
    members: dict[int, list[int]] = {}
    for index in range(len(findings)):
        members.setdefault(find(index), []).append(index)
    if known is not None:  # one rule on the same stated facts, the subject aside: one systemic cause
        alone: dict[tuple[object, ...], list[int]] = {}
        for root, indexes in members.items():
            if len(indexes) == 1:
                finding = findings[indexes[0]]
                pattern = frozenset(_pattern(label) for label in _stated(finding.explanation.proof, known))
                if pattern:
                    alone.setdefault((finding.rule_id, pattern), []).append(root)
        for roots in alone.values():
            for other in roots[1:]:
                members[roots[0]].extend(members.pop(other))
    groups = []
    for indexes in members.values():
        chosen = [findings[i] for i in indexes]
        shared, basis = None, "finding"
        same_rule = len({f.rule_id for f in chosen}) == 1 and len({f.subjects for f in chosen}) == len(chosen)
        patterns = [frozenset(_pattern(x) for x in _stated(f.explanation.proof, known)) for f in chosen] if known else []
        if len(indexes) > 1 and same_rule and patterns and len(set(patterns)) == 1 and not any(
                set(_derived(chosen[0].explanation.proof)) & set(_derived(f.explanation.proof)) for f in chosen[1:]):
            basis = "systemic"
            shared = f"{len(chosen)} subjects with " + "; ".join(sorted(patterns[0]))
        elif len(indexes) > 1:
            labels = [set(_derived(f.explanation.proof)) for f in chosen]
            common = sorted(set.intersection(*labels))
            basis = "derived-fact"
            if not common and known is not None:
                common = sorted(set.intersection(*[set(_stated(f.explanation.proof, known)) for f in chosen]))
                basis = "stated-fact"
            common = common or sorted({facts[i] for i in indexes if i in facts})
            shared = common[0] if common else None
        groups.append(Group(basis if shared else "finding", chosen, derived_fact=shared))
    return groups


def headline_of(group: Group, position: Callable[[Finding], tuple[object, ...]]) -> Finding:
    """The most severe symptom (one that proposed the change first, then by position)."""
    return min(group.symptoms, key=lambda f: (-rank(f.severity), f.fingerprint not in group.proposed, position(f)))


def _subjects(head: Finding, group: Group) -> tuple[str, ...]:
    names: list[str] = list(head.subjects)
    for change in group.changes:
        if change.path[0] == "components":
            names.append(str(change.path[1]))
    for finding in group.symptoms:
        names.extend(finding.subjects)
    return tuple(dict.fromkeys(names))


def impact(group: Group, head: Finding, subjects: tuple[str, ...], capacity: dict | None,
           members: list[frozenset[str]] | None = None) -> tuple[Impact, tuple[str, ...]]:
    """Severity × (1 + traffic share) × (1 + nines short) × runway urgency × (1 + ln symptoms).

    ``members``: each flow's hard components as a set (:func:`flow_members`), made once per
    assessment rather than once per root cause.
    """
    chosen = set(subjects)
    all_flows = flows(capacity)
    members = members if members is not None else flow_members(capacity)
    total = sum(f.get("peak_rps") or 0.0 for f in all_flows)
    hit = [f for f, inside in zip(all_flows, members) if not chosen.isdisjoint(inside)]
    share = (sum(f.get("peak_rps") or 0.0 for f in hit) / total) if total else None
    gap = max((f.get("availability_gap_nines") or 0.0 for f in hit), default=0.0)
    gap = max(gap, 0.0)
    by_name = components(capacity)
    runways = [by_name[n].get("runway_months") for n in chosen if n in by_name]
    known_runways = [r for r in runways if r is not None]
    runway = min(known_runways) if known_runways else None
    horizon = system(capacity).get("horizon_months")
    urgency = 1.0
    if runway is not None and runway <= 0:
        urgency = 2.0
    elif runway is not None and horizon is not None and runway < horizon:
        urgency = 1.5
    count = len(group.symptoms)
    weight = WEIGHT.get(head.severity, 1.0)
    value = weight * (1 + (share or 0.0)) * (1 + gap) * urgency * (1 + math.log(count))
    runway_text = "unknown" if runway is None else f"{runway:.1f} months"
    formula = (f"{weight:g} ({head.severity}) × (1 + {share or 0.0:.2f} of entry traffic) × (1 + {gap:.2f} nines short) "
               f"× {urgency:g} (runway {runway_text}) × (1 + ln {count} symptoms) = {value:.1f}")
    entries = tuple(sorted(str(f.get("entry")) for f in hit))
    return Impact(score=round(value, 3), severity=head.severity, traffic_share=share, gap_nines=gap or None,
                  runway_months=runway, symptoms=count, formula=formula), entries


def flow_members(capacity: dict | None) -> list[frozenset[str]]:
    """Each flow's hard components, as a set (same order as the flows)."""
    return [frozenset(f.get("hard_components") or ()) for f in flows(capacity)]


def effect(group: Group, base: Outcome) -> Effect | None:
    """Before → after figures of a change group's re-run."""
    if group.outcome is None:
        return None
    before, after = base.capacity, group.outcome.capacity
    target = next((str(c.path[1]) for c in group.changes if c.path[0] == "components"), None)
    first = components(before).get(target or "", {})
    second = components(after).get(target or "", {})
    cost_a, cost_b = system(before).get("monthly_cost"), system(after).get("monthly_cost")
    return Effect(
        cleared=tuple(sorted(f.fingerprint for f in group.symptoms)),
        introduced=tuple(sorted(fp for fp in group.outcome.findings if fp not in base.findings)),
        flows=flow_effects(before, after),
        utilization_before=first.get("utilization"), utilization_after=second.get("utilization"),
        runway_months_before=first.get("runway_months"), runway_months_after=second.get("runway_months"),
        monthly_cost_before=cost_a, monthly_cost_after=cost_b,
        monthly_cost_delta=None if cost_a is None or cost_b is None else round(cost_b - cost_a, 2),
        breaking_multiple_before=system(before).get("breaking_multiple"),
        breaking_multiple_after=system(after).get("breaking_multiple"),
    )


def root_causes(groups: list[Group], base: Outcome, locate: Callable[[Change], Location | None],
                position: Callable[[Finding], tuple[object, ...]]) -> list[RootCause]:
    """Typed, ranked root causes (RC1 first)."""
    made = []
    members = flow_members(base.capacity)
    for group in groups:
        head = headline_of(group, position)
        subjects = _subjects(head, group)
        score, entries = impact(group, head, subjects, base.capacity, members)
        location = next((loc for loc in (locate(c) for c in group.changes) if loc is not None), None) or head.location
        made.append(dict(
            basis=group.basis, category=head.category, changes=group.changes, derived_fact=group.derived_fact,
            effect=effect(group, base), flows=entries, headline=head.message, impact=score, location=location,
            rule_id=head.rule_id, severity=head.severity, subjects=subjects,
            symptoms=tuple(f.fingerprint for f in sorted(group.symptoms, key=position)),
        ))
    made.sort(key=lambda d: (-d["impact"].score, -rank(d["severity"]), d["headline"]))  # type: ignore[union-attr,arg-type]
    return [RootCause(id=f"RC{i}", **data) for i, data in enumerate(made, 1)]
