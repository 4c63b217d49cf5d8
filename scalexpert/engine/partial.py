"""Re-running only the rules a change of facts can affect.

The assessment re-runs the analysis many times on one architecture with a small change applied. A
rule's findings depend only on the fields its patterns test, bind or join on (positive, ``not``,
``exists`` and ``any`` patterns alike), on which facts of its types exist, and on the derived facts
it matches. So, comparing the changed architecture's fact records with the original's:

* a rule is *affected* when a fact of a type it matches appeared or disappeared, or changed a field
  one of its patterns names, or when a rule deriving a fact type it matches is affected;
* only the affected finding rules run again, with every rule deriving the facts they match (a
  small Rete network, built once per set of rules and reused); every other rule's findings are the
  original run's.

The findings are the same as a full run's (tests/test_assessment.py compares them); the work is
proportional to what the change touches. Above ``FULL_SHARE`` of the rules, the full network runs (the
one the check itself ran, :meth:`RuleSession.take`).
A network already built for a larger set of rules is reused (its rules' findings are taken from it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from ..facts.build import FactRecord
from ..loader.yamlsource import Limits
from ..language.conditions import all_patterns
from ..language.ruleset import CompiledRule, RuleSet
from .explain import finding_keys
from .rete import empty
from .run import RuleSession

FULL_SHARE = 0.5
"""Run the full network (the check's own, :meth:`RuleSession.take`) when a change needs more than this share of
the rules: building a network of their own would cost about as much as running every rule. Below it a network of
the rules needed pays for its building in one run, as every finding rule of the full network fires again
(measured at 100 components: a full re-run 63–80 ms, a network of a third of the rules 16 ms to build and 28 ms
to run)."""
MAX_SESSIONS = 24
"""Small networks kept for reuse (each is built once per set of rules)."""

ALL = None
"""Marks a fact type whose facts appeared or disappeared (every rule matching it is affected)."""


class PartialRerun:
    """Findings (fingerprint → severity) of changed fact records, running only the affected rules."""

    def __init__(self, ruleset: RuleSet, base: list[FactRecord], base_findings: Mapping[str, str], *,
                 thresholds: dict[str, float] | None = None, enabled: Callable[[CompiledRule], bool] | None = None,
                 severities: Mapping[str, str] | None = None, limits: Limits = Limits(),
                 share: PartialRerun | None = None) -> None:
        """``share``: another rerunner of the same rules and settings whose networks (closing it closes them) and
        records' literal tests this one uses too."""
        self.ruleset = ruleset
        self.owner = share is None
        self.thresholds = thresholds or {}
        self.enabled = enabled
        self.severities = dict(severities or {})
        self.limits = limits
        self.base = {r.key: r for r in base}
        self.base_findings = dict(base_findings)
        self.rules = [r for r in ruleset.rules if enabled is None or enabled(r)]
        self.fields: dict[str, dict[str, set[str]]] = {}
        self.producers: dict[str, list[str]] = {}
        for rule in self.rules:
            names: dict[str, set[str]] = {}
            for pattern in all_patterns(rule.elements):
                names.setdefault(pattern.fact, set()).update(c.field for c in pattern.constraints)
            self.fields[rule.id] = names
            derive = rule.spec.then.derive
            if derive is not None:
                self.producers.setdefault(derive.fact, []).append(rule.id)
        self.finding_ids = {r.id for r in self.rules if r.is_finding}
        self.sessions: dict[frozenset[str], RuleSession] = share.sessions if share is not None else {}
        self.shared = share
        self.runs = {"skipped": 0, "partial": 0, "full": 0}
        self.known: dict[str, tuple[dict[str, Any], Any]] = share.known if share is not None else {}

    def rebase(self, records: list[FactRecord], findings: Mapping[str, str]) -> None:
        """Compare later runs with these records and findings (a sequence of changes, each on top of the last)."""
        self.base = {r.key: r for r in records}
        self.base_findings = dict(findings)

    def changes(self, records: list[FactRecord]) -> dict[str, set[str] | None]:
        """Fact type → the fields that changed (ALL: facts of the type appeared or disappeared)."""
        changed: dict[str, set[str] | None] = {}
        seen = set()
        for record in records:
            seen.add(record.key)
            old = self.base.get(record.key)
            if old is None or old.type != record.type:
                changed[record.type] = ALL
                continue
            if old.values == record.values or changed.get(record.type, set()) is ALL:
                continue
            fields = {k for k in set(old.values) | set(record.values) if old.values.get(k) != record.values.get(k)}
            slot = changed.setdefault(record.type, set())
            assert slot is not None
            slot.update(fields)
        for key, old in self.base.items():
            if key not in seen:
                changed[old.type] = ALL
        return changed

    def affected(self, changed: dict[str, set[str] | None]) -> set[str]:
        """Rules whose findings or derived facts the change can alter (to a fixed point over derived facts)."""
        changed = dict(changed)
        found: set[str] = set()
        grew = True
        while grew:
            grew = False
            for rule in self.rules:
                if rule.id in found:
                    continue
                for fact, names in self.fields[rule.id].items():
                    if fact in changed and (changed[fact] is ALL or names & changed[fact]):  # type: ignore[operator]
                        found.add(rule.id)
                        derive = rule.spec.then.derive
                        if derive is not None and changed.get(derive.fact, set()) is not ALL:
                            changed[derive.fact] = ALL
                        grew = True
                        break
        return found

    def needed(self, rules: set[str]) -> frozenset[str]:
        """The rules plus every rule deriving a fact type they match (recursively)."""
        chosen = set(rules)
        todo = list(rules)
        while todo:
            rule = todo.pop()
            for fact in self.fields.get(rule, {}):
                for producer in self.producers.get(fact, ()):
                    if producer not in chosen:
                        chosen.add(producer)
                        todo.append(producer)
        return frozenset(chosen)

    def run(self, records: list[FactRecord]) -> dict[str, str]:
        affected = self.affected(self.changes(records)) & self.finding_ids
        if not affected:
            self.runs["skipped"] += 1
            return dict(self.base_findings)
        chosen = self.needed(affected)
        if len(chosen) > FULL_SHARE * len(self.rules):
            self.runs["full"] += 1
            full = RuleSession.take(self.ruleset, thresholds=self.thresholds, enabled=self.enabled,
                                    severities=self.severities, limits=self.limits)
            try:  # the network of every rule is shared with the check's own run (RuleSession.take)
                result = full.run(records, self.known)
            except BaseException:
                full.close()
                raise
            full.give_back()
            return finding_keys(result, self.ruleset, self.thresholds)
        session = self.sessions.get(chosen)
        if session is None:  # a network built for more rules does as well: its rules' findings come from it
            wider = [rules for rules in self.sessions if chosen <= rules]
            if wider:
                chosen = min(wider, key=lambda rules: (len(rules), sorted(rules)))
                session = self.sessions[chosen]
                affected = set(chosen) & self.finding_ids
        if session is None:
            if len(self.sessions) >= MAX_SESSIONS:
                oldest = next(iter(self.sessions))
                self.sessions.pop(oldest).close()
            session = RuleSession(self.ruleset, thresholds=self.thresholds, severities=self.severities,
                                  enabled=lambda rule: rule.id in chosen, limits=self.limits)
            self.sessions[chosen] = session
        self.runs["partial"] += 1
        found = {fp: s for fp, s in self.base_findings.items() if fp.split("@", 1)[0] not in affected}
        types = self.types(chosen)  # a fact of another type matches no pattern of these rules
        result = session.run([r for r in records if r.type in types], self.known)
        empty(session.engine)  # a network waiting for its next run holds no facts (there may be MAX_SESSIONS of them)
        found.update(finding_keys(result, self.ruleset, self.thresholds))
        return found

    def types(self, rules: frozenset[str]) -> set[str]:
        """The fact types the patterns of ``rules`` match (the only facts their network needs: leaving the others
        out keeps the order of the facts it gets, and with it the order rules fire in)."""
        return {fact for rule in rules for fact in self.fields[rule]}

    def close(self) -> None:
        if not self.owner:  # the networks belong to the rerunner shared
            return
        for session in self.sessions.values():
            session.close()
        self.sessions.clear()
