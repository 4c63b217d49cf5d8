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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..findings import Change, Effect, Finding, Impact, Location, Proof, RootCause
from ..model import Architecture
from .changes import Entities, changes_of, field_of, key, overlay, with_costs
from .fixes import FieldFix, endorsed, entry_fixes, place, removes
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


class Verifier:
    """Applies changes to the model and re-runs the analysis, within a bounded number of re-runs."""

    def __init__(self, arch: Architecture, rerun: Rerun, base: Outcome, severity: Mapping[str, str], budget: int | None):
        self.arch, self.rerun, self.base, self.severity, self.budget = arch, rerun, base, severity, budget
        self.runs = 0
        self.cache: dict[str, tuple[Outcome | None, set[str], dict[str, str], list[str]]] = {}

    @property
    def spent(self) -> bool:
        return self.budget is not None and self.runs >= self.budget

    def measure(self, changes: tuple[Change, ...]) -> tuple[Outcome | None, set[str], dict[str, str], list[str]]:
        """(outcome, findings cleared, findings introduced, introduced at or above the worst cleared one)."""
        name = key(changes)
        if name in self.cache:
            return self.cache[name]
        self.runs += 1
        outcome = self.rerun(overlay(changes, self.arch))
        if outcome is None:
            result: tuple[Outcome | None, set[str], dict[str, str], list[str]] = (None, set(), {}, [])
        else:
            base = self.base.findings
            cleared = {fp for fp in self.severity if fp in base and fp not in outcome.findings}
            introduced = {fp: s for fp, s in outcome.findings.items() if fp not in base}
            worst = max((rank(self.severity[c]) for c in cleared), default=-1)
            result = (outcome, cleared, introduced,
                      sorted(f"{fp} ({s})" for fp, s in introduced.items() if rank(s) >= worst))
        self.cache[name] = result
        return result


def _combine(first: tuple[Change, ...], more: Iterable[Change]) -> tuple[Change, ...]:
    """``first`` plus the changes of ``more`` on other fields (a field both set keeps the larger number, else first's)."""
    kept = {c.path: c for c in first}
    for change in more:
        other = kept.get(change.path)
        if other is None:
            kept[change.path] = change
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (other.new, change.new)) and \
                change.new > other.new:
            kept[change.path] = change
    return tuple(kept.values())


def knowledge_fix(finding: Finding, entities: Entities, known: FieldKnowledge,
                  entries: Mapping[str, Any]) -> tuple[tuple[Change, ...], tuple[FieldFix, ...]]:
    """The change the finding's knowledge entry recommends on its subjects (empty when it is a decision)."""
    fixes = entry_fixes(entries.get(finding.rule_id))
    placed, decision = place(fixes, finding.subjects, entities, known)
    return (() if decision else placed), fixes


def _fingerprint_fix(fingerprint: str, entities: Entities, known: FieldKnowledge,
                     entries: Mapping[str, Any]) -> tuple[Change, ...]:
    rule, *subjects = fingerprint.split("@")
    placed, decision = place(entry_fixes(entries.get(rule)), tuple(subjects), entities, known)
    return () if decision else placed


def verify_changes(findings: list[Finding], arch: Architecture, known: FieldKnowledge, rerun: Rerun,
                   base: Outcome, budget: int | None = None, entries: Mapping[str, Any] | None = None,
                   ) -> tuple[dict[str, Verified], dict[str, set[str]], dict[str, list[str]], set[str], Verifier]:
    """Apply each candidate change once; keep those that clear a proposer and make nothing as bad.

    Candidates, in this order: the change each finding's knowledge entry recommends (its near miss,
    fixes.py), then the finding's what-ifs. A what-if that turns a feature off (``retries 3 → 0``) is
    offered only when the knowledge's own fix does the same. A candidate that clears a proposer but
    brings something as severe is tried once more with its companions: the knowledge fixes of what
    it brought (``replicas 1 → 3`` with ``zones → 3``, a store's replicas with failover). A finding
    already cleared by a verified candidate proposes nothing more. Returns the verified changes,
    each change's proposers, what rejected changes were measured to do per proposer (key ``""``:
    candidates left unverified when the re-runs ran out), the names of knowledge-backed changes,
    and the verifier (its re-runs count and cache).
    """
    entries = entries or {}
    entities = Entities(arch)
    severity = {f.fingerprint: f.severity for f in findings}
    if budget == 0:  # nothing can be verified: no candidates either (a very large file)
        return {}, {}, {"": [f.fingerprint for f in findings]}, set(), Verifier(arch, rerun, base, severity, 0)
    proposals: dict[str, tuple[Change, ...]] = {}
    proposers: dict[str, set[str]] = {}
    backed: set[str] = set()
    rejected: dict[str, list[str]] = {}
    for finding in findings:
        fixed, fixes = knowledge_fix(finding, entities, known, entries)
        offered = [fixed] if fixed else []
        for changes in changes_of(finding, entities, known):
            off = [c for c in changes if removes(c) and not endorsed(c, fixes)]
            if off:
                rejected.setdefault(finding.fingerprint, []).append(
                    f"not offered: {', '.join(c.text for c in off)} turns the feature off; the knowledge's fix is "
                    + ("; ".join(c.text for c in fixed) if fixed else "a design change the file cannot state"))
                continue
            offered.append(changes)
        for number, changes in enumerate(offered):
            name = key(changes)
            proposals.setdefault(name, changes)
            proposers.setdefault(name, set()).add(finding.fingerprint)
            if number == 0 and fixed:
                backed.add(name)
    verifier = Verifier(arch, rerun, base, severity, budget)
    verified: dict[str, Verified] = {}
    explained: set[str] = set()

    classes: dict[tuple[object, ...], list[str]] = {}
    for name in sorted(proposals):
        classes.setdefault(change_kind(proposals[name]), []).append(name)

    def urgency(names: list[str]) -> tuple[object, ...]:  # knowledge first, the most severe proposer, then by name
        return (not any(n in backed for n in names), -max(rank(severity[fp]) for n in names for fp in proposers[n]),
                names[0])

    def accept(name: str, changes: tuple[Change, ...], outcome: Outcome, cleared: set[str], introduced: dict[str, str],
               wanted: set[str]) -> None:
        verified[name] = Verified(changes, cleared, introduced, outcome)
        proposers[name] = wanted
        explained.update(cleared)

    pending: list[str] = []
    for names in sorted(classes.values(), key=urgency):
        if len(names) > 1 and not verifier.spent:  # the same change on several subjects: one re-run first
            wanted = set().union(*(proposers[n] for n in names))
            if wanted <= explained:
                continue
            changes = with_costs(tuple(c for n in names for c in proposals[n]), arch, known)
            outcome, cleared, introduced, worse = verifier.measure(changes)
            if outcome is not None and wanted <= cleared and not worse:
                accept(" + ".join(names), changes, outcome, cleared, introduced, wanted)
                if all(n in backed for n in names):
                    backed.add(" + ".join(names))
                continue
        pending.extend(names)
    for name in sorted(pending, key=lambda n: urgency([n])):
        if proposers[name] <= explained:
            continue
        if verifier.spent:
            rejected.setdefault("", []).append(name)
            continue
        changes = with_costs(proposals[name], arch, known)
        outcome, cleared, introduced, worse = verifier.measure(changes)
        if outcome is None:
            continue
        if cleared & proposers[name] and not worse:
            accept(name, changes, outcome, cleared, introduced, proposers[name])
            continue
        grown = False
        for _ in range(2):  # companions: the knowledge fixes of what the change brings
            if not (cleared & proposers[name]) or not worse or verifier.spent:
                break
            companions = [c for text in worse for c in _fingerprint_fix(text.split(" (", 1)[0], entities, known, entries)]
            larger = with_costs(_combine(changes, companions), arch, known)
            if key(larger) == key(changes):
                break
            changes, grown = larger, True
            outcome, cleared, introduced, worse = verifier.measure(changes)
            if outcome is None:
                break
        if grown and outcome is not None and cleared & proposers[name] and not worse:
            joint = key(tuple(c for c in changes if "(cost follows" not in c.text))
            accept(joint, changes, outcome, cleared, introduced, proposers[name])
            if name in backed:
                backed.add(joint)
            continue
        text = (f"measured: {name} clears {len(cleared & proposers[name])} of the findings that propose it"
                + (f" but brings {', '.join(worse)}" if worse else ""))
        for fp in proposers[name]:
            rejected.setdefault(fp, []).append(text)
    return verified, proposers, rejected, backed, verifier


def group(findings: list[Finding], verified: dict[str, Verified], proposers: dict[str, set[str]],
          names: Iterable[str], known: FieldKnowledge | None = None, backed: set[str] | None = None) -> list[Group]:
    """Every finding into exactly one group (see the module docstring)."""
    by_fp = {f.fingerprint: f for f in findings}
    remaining = set(by_fp)
    groups: list[Group] = []
    backed = backed or set()
    while True:
        best: tuple[float, bool, int, str] | None = None
        for name, item in verified.items():
            gain = item.cleared & remaining
            if not gain & proposers[name]:
                continue
            weight = sum(WEIGHT.get(by_fp[fp].severity, 0.0) for fp in gain)
            candidate = (weight, name in backed, -len(item.changes), name)
            if best is None or candidate[:3] > best[:3] or (candidate[:3] == best[:3] and name < best[3]):
                best = candidate
        if best is None:
            break
        item = verified[best[3]]
        gain = item.cleared & remaining
        groups.append(Group("change", [by_fp[fp] for fp in sorted(gain)], item.changes, outcome=item.outcome,
                            proposed=proposers[best[3]]))
        remaining -= gain
    groups.extend(_by_derived_fact([by_fp[fp] for fp in sorted(remaining)], set(names), known))
    return groups


def change_kind(changes: tuple[Change, ...]) -> tuple[object, ...]:
    """What a change is, the subject aside: the section, the field and the values."""
    return tuple(sorted((str(c.path[0]), field_of(c), repr(c.old), repr(c.new)) for c in changes
                        if "(cost follows" not in c.text))


def _kind(group: Group) -> tuple[object, ...]:
    """What a change group's change is, the subject aside: its headline rule and the fields it sets (a database
    and a coordination service may need different replica counts for the same gap)."""
    head = max(group.symptoms, key=lambda f: (rank(f.severity), f.fingerprint in group.proposed))
    return (head.rule_id, tuple(sorted({(str(c.path[0]), field_of(c)) for c in group.changes if "(cost follows" not in c.text})))


def _normal(label: str, names: set[str]) -> str | None:
    """A derived fact's type and the subjects it names (``unsafe-retry (from=a, to=b)``); None when it names none."""
    head, _, rest = label.partition(" (")
    pairs = [(k, v.strip()) for k, v in _PAIR.findall(rest) if v.strip() in names]
    return f"{head} ({', '.join(f'{k}={v}' for k, v in pairs)})" if pairs else None


def _shared_fact(group: Group, names: set[str]) -> set[str]:
    return {n for f in group.symptoms for n in (_normal(x, names) for x in _derived(f.explanation.proof)) if n}


def _blocks(group: Group) -> set[tuple[str, str]]:
    """The (subject, block) pairs a change group's changes set: ``(component orders-db, data.backups)``."""
    found = set()
    for change in group.changes:
        field = field_of(change)
        if "(cost follows" in change.text or "." not in field:
            continue
        found.add((change.subject, field.rsplit(".", 1)[0]))
    return found


def merge_systemic(groups: list[Group], arch: Architecture, rerun: Rerun | Verifier, base: Outcome,
                   names: set[str] | None = None) -> list[Group]:
    """Merge change groups that are one design fact, when the merged change is verified:

    the same change on different subjects (one systemic cause); symptoms whose proofs share a
    derived fact about the same subjects (``unsafe-retry`` on one call: backoff and an idempotency
    key); changes to one block of one subject (``orders-db``'s ``data.backups``).
    """
    verifier = rerun if isinstance(rerun, Verifier) else Verifier(arch, rerun, base, dict(base.findings), None)
    names = names or set(arch.components)
    groups = _merge(groups, verifier, base, lambda g: {_kind(g)})
    groups = _merge(groups, verifier, base, lambda g: _shared_fact(g, names))
    return _merge(groups, verifier, base, _blocks)


class _SharedLabels:
    """Indexes joined into classes when they share a label (union–find with path halving)."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))
        self._owner: dict[Any, int] = {}

    def find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, index: int, label: Any) -> None:
        """Put ``index`` in the class of the first index given ``label`` (or make it that index)."""
        if label in self._owner:
            self._parent[self.find(index)] = self.find(self._owner[label])
        else:
            self._owner[label] = index

    def classes(self) -> dict[int, list[int]]:
        """Root → its indexes, in index order."""
        found: dict[int, list[int]] = {}
        for index in range(len(self._parent)):
            found.setdefault(self.find(index), []).append(index)
        return found


def _merge(groups: list[Group], verifier: Verifier, base: Outcome, keys: Callable[[Group], set[Any]]) -> list[Group]:
    changes_groups = [g for g in groups if g.basis == "change"]
    labels = _SharedLabels(len(changes_groups))
    for index, item in enumerate(changes_groups):
        for label in sorted(keys(item), key=repr):
            labels.join(index, label)
    class_of: dict[int, list[Group]] = {}  # id of a group → the groups of its class
    for indexes in labels.classes().values():
        members = [changes_groups[i] for i in indexes]
        class_of.update((id(member), members) for member in members)
    merged: list[Group] = []
    done: set[int] = set()
    for item in groups:
        if id(item) in done:
            continue
        if item.basis != "change":
            merged.append(item)
            continue
        members = class_of[id(item)]
        done.update(id(m) for m in members)
        if len(members) < 2 or verifier.spent:
            merged.extend(members)
            continue
        changes = _combine(members[0].changes, [c for m in members[1:] for c in m.changes])
        symptoms = [f for m in members for f in m.symptoms]
        outcome, cleared, introduced, _ = verifier.measure(changes)
        worst = max(rank(f.severity) for f in symptoms)
        if outcome is None or any(f.fingerprint not in cleared for f in symptoms) or \
                any(rank(s) >= worst for s in introduced.values()):
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
    by_label = _SharedLabels(len(findings))
    facts: dict[int, str] = {}
    for index, finding in enumerate(findings):
        derived = {n for n in (_normal(label, names) for label in _derived(finding.explanation.proof)) if n}
        stated = set(_stated(finding.explanation.proof, known)) if known is not None else set()
        for label in sorted(derived) + sorted(stated - derived):
            by_label.join(index, label)
            facts.setdefault(index, label)
    members = by_label.classes()
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
    by_subject: dict[str, list[int]] = {}  # findings still alone on one subject: one cause about that subject
    for root, indexes in members.items():
        if len(indexes) == 1:
            first = findings[indexes[0]].subjects[:1]
            by_subject.setdefault(f"component {first[0]}" if first and first[0] in names else "system", []).append(root)
    subject_of: dict[int, str] = {}
    for label, roots in by_subject.items():
        if len(roots) > 1:
            for other in roots[1:]:
                members[roots[0]].extend(members.pop(other))
            subject_of[roots[0]] = label
    groups = []
    for root, indexes in members.items():
        chosen = [findings[i] for i in indexes]
        shared, basis = None, "finding"
        if root in subject_of:
            groups.append(Group("subject", chosen, derived_fact=subject_of[root]))
            continue
        same_rule = len({f.rule_id for f in chosen}) == 1 and len({f.subjects for f in chosen}) == len(chosen)
        patterns = [frozenset(_pattern(x) for x in _stated(f.explanation.proof, known)) for f in chosen] if known else []
        if len(indexes) > 1 and same_rule and patterns and len(set(patterns)) == 1 and not any(
                set(_derived(chosen[0].explanation.proof)) & set(_derived(f.explanation.proof)) for f in chosen[1:]):
            basis = "systemic"
            shared = f"{len(chosen)} subjects with " + "; ".join(sorted(patterns[0]))
        elif len(indexes) > 1:
            labels = [{n for n in (_normal(x, names) for x in _derived(f.explanation.proof)) if n} for f in chosen]
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


def effect_between(changes: Iterable[Change], first_run: Outcome, second_run: Outcome) -> Effect:
    """Before → after figures of two runs, the second with ``changes`` applied on top of the first."""
    effect_of = effect(Group("change", [], tuple(changes), outcome=second_run), first_run)
    assert effect_of is not None
    cleared = tuple(sorted(fp for fp in first_run.findings if fp not in second_run.findings))
    return effect_of.model_copy(update={"cleared": cleared})


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
