"""Suppressions written in the architecture file: accepted findings, with a reason, until they expire.

A suppressed finding is still reported, marked as suppressed. Suppressions that expired or that
match no finding are themselves reported, as findings of two built-in meta rules (``SUPP-001``,
``SUPP-002``), so that every output format shows them and ``--fail-on`` can count them.
Suppressions are indexed by rule and exact component, so thousands of them stay fast. Wildcard
patterns are compiled once each and tried once per distinct (rule, component) of the findings;
what that would cost is counted first, and above ``Limits.max_suppression_matches`` the check
stops with an error rather than spending minutes on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
import re
from fnmatch import translate
from typing import cast

from ..errors import BudgetError
from ..findings import Condition, Explanation, Finding, Location, Proof, SuppressionRecord
from ..loader import LoadedArchitecture, Limits
from ..model import Suppression
from ..severity import Severity

CATEGORY = "suppressions"
"""Category of the meta findings (left out of the score: they are about the document, not the system)."""


@dataclass(frozen=True)
class MetaRule:
    """A built-in rule about suppressions themselves."""

    id: str
    name: str
    title: str
    severity: str
    remedy: str


EXPIRED = MetaRule("SUPP-001", "suppression.expired", "Expired suppression", "medium",
                   "Fix the finding, or renew the suppression with a new 'expires' date and a reason that still holds.")
UNUSED = MetaRule("SUPP-002", "suppression.unused", "Unused suppression", "low",
                  "Remove the suppression: the finding it accepted no longer occurs (or the rule or component name is misspelt).")
META_RULES: dict[str, MetaRule] = {EXPIRED.id: EXPIRED, UNUSED.id: UNUSED}


@dataclass
class _Index:
    """Suppression indexes of one rule: by exact component name, those without a component, and the
    wildcard patterns (each compiled once; ``seen`` remembers the numbers matching a component)."""

    exact: dict[str, list[int]] = field(default_factory=dict)
    every: list[int] = field(default_factory=list)
    wild: list[tuple[int, Callable[[str], object]]] = field(default_factory=list)
    seen: dict[str, list[int]] = field(default_factory=dict)

    def matching(self, subject: str) -> list[int]:
        """Numbers of the wildcard suppressions that match ``subject`` (each pattern tried once per subject)."""
        found = self.seen.get(subject)
        if found is None:
            found = self.seen[subject] = [number for number, match in self.wild if match(subject)]
        return found


def _index(items: list[Suppression], key_of: Callable[[str], str]) -> dict[str, _Index]:
    index: dict[str, _Index] = {}
    compiled: dict[str, Callable[[str], object]] = {}
    for number, item in enumerate(items):
        slot = index.setdefault(key_of(item.rule), _Index())
        component = item.component
        if component is None:
            slot.every.append(number)
        elif any(ch in component for ch in "*?["):
            if component not in compiled:
                compiled[component] = re.compile(translate(component)).match
            slot.wild.append((number, compiled[component]))
        else:
            slot.exact.setdefault(component, []).append(number)
    return index


def _pattern_tests(index: dict[str, _Index], findings: list[Finding]) -> int:
    """How many pattern tests matching ``findings`` would take: wildcards × distinct (rule, component)."""
    pairs = {(key, subject) for f in findings for key in (f.rule_id, f.rule_name) for subject in f.subjects}
    return sum(len(index[key].wild) for key, _ in pairs if key in index)


def _candidates(index: dict[str, _Index], keys: Iterable[str], subjects: tuple[str, ...]) -> list[int]:
    """Numbers of the suppressions that match a finding, in file order."""
    found: set[int] = set()
    for key in dict.fromkeys(keys):
        slot = index.get(key)
        if slot is None:
            continue
        found.update(slot.every)
        for subject in subjects:
            found.update(slot.exact.get(subject, ()))
            found.update(slot.matching(subject))
    return sorted(found)


def apply_suppressions(
    findings: list[Finding],
    loaded: LoadedArchitecture,
    *,
    enabled: bool = True,
    today: dt.date | None = None,
    canonical: Callable[[str], str | None] | None = None,
    evaluated: set[str] | None = None,
    meta_enabled: Callable[[MetaRule], bool] | None = None,
    meta_severity: Mapping[str, str] | None = None,
    limits: Limits = Limits(),
) -> tuple[list[Finding], list[Finding]]:
    """Mark suppressed findings; return them and the meta findings about expired and unused suppressions.

    ``canonical`` maps a rule id, name or alias to the rule's id (None: unknown rule);
    ``evaluated`` holds the ids of the rules that ran, so that suppressions of disabled rules
    are not called unused. Matching wildcard patterns may take at most
    ``limits.max_suppression_matches`` pattern tests (a BudgetError names the limit).
    """
    items = list(loaded.model.suppressions)
    if not enabled or not items:
        return findings, []
    today = today or dt.date.today()

    def key_of(rule: str) -> str:
        return (canonical(rule) if canonical else None) or rule

    index = _index(items, key_of)
    tests = _pattern_tests(index, findings)
    if tests > limits.max_suppression_matches:
        wild = sum(len(slot.wild) for slot in index.values())
        raise BudgetError(
            f"{loaded.file}: matching {wild:,} wildcard suppressions against the findings would take {tests:,} "
            f"pattern tests, more than the limit of {limits.max_suppression_matches:,}; name components exactly "
            "(exact names are looked up, not matched), or raise the limit with --max-suppression-matches "
            "(Limits.max_suppression_matches)")
    used: set[int] = set()
    result: list[Finding] = []
    for finding in findings:
        match = None
        for number in _candidates(index, (finding.rule_id, finding.rule_name), finding.subjects):
            used.add(number)
            expires = items[number].expires
            if expires is None or expires >= today:
                match = number
                break
        if match is None:
            result.append(finding)
            continue
        item = items[match]
        result.append(finding.model_copy(update={"suppressed": SuppressionRecord(
            reason=item.reason, owner=item.owner, ticket=item.ticket,
            expires=item.expires.isoformat() if item.expires else None,
            location=_location(loaded, match),
        )}))
    meta = _meta_findings(items, loaded, used, today, key_of, canonical, evaluated)
    wanted = meta_enabled or (lambda rule: True)
    severities = meta_severity or {}
    chosen = []
    for finding in meta:
        rule = META_RULES[finding.rule_id]
        if not wanted(rule):
            continue
        level = severities.get(rule.id) or severities.get(rule.name)
        chosen.append(finding.model_copy(update={"severity": level}) if level else finding)
    return result, chosen


def _location(loaded: LoadedArchitecture, number: int, field_name: str | None = None) -> Location:
    pos = loaded.position("suppressions", number, *(field_name,) if field_name else ())
    return Location(file=pos.file, line=pos.line, column=pos.column)


def _meta_findings(
    items: list[Suppression], loaded: LoadedArchitecture, used: set[int], today: dt.date,
    key_of: Callable[[str], str], canonical: Callable[[str], str | None] | None, evaluated: set[str] | None,
) -> list[Finding]:
    found = []
    for number, item in enumerate(items):
        target = f"{item.rule}" + (f" for {item.component}" if item.component else "")
        label = f"suppression {number + 1} ({target})"
        if item.expires is not None and item.expires < today:
            text = f"expires = {item.expires.isoformat()}, which has passed"
            found.append(_meta(EXPIRED, item, number, loaded,
                               f"suppression of {target} expired on {item.expires.isoformat()}; the finding is reported again",
                               Condition(fact=label, field="expires", value=item.expires.isoformat(),
                                         requirement="a date not yet passed", text=text,
                                         location=_location(loaded, number, "expires"))))
            continue
        if number in used:
            continue
        known = canonical(item.rule) if canonical else item.rule
        if known is not None and evaluated is not None and known not in evaluated:
            continue  # the rule did not run (disabled): no evidence either way
        why = "names no known rule" if known is None else "matches no finding"
        found.append(_meta(UNUSED, item, number, loaded, f"suppression of {target} {why}",
                           Condition(fact=label, field="rule", value=item.rule,
                                     requirement="a finding of this rule" + (" and component" if item.component else ""),
                                     text=f"no finding of {target} in this run" if known else f"rule {item.rule!r} is unknown",
                                     location=_location(loaded, number, "rule"))))
    return found


def _meta(rule: MetaRule, item: Suppression, number: int, loaded: LoadedArchitecture, message: str,
          condition: Condition) -> Finding:
    subjects = (item.rule, item.component or "*")
    return Finding(
        rule_id=rule.id, rule_name=rule.name, title=rule.title, category=CATEGORY, severity=cast("Severity", rule.severity),
        subjects=subjects, message=message, location=_location(loaded, number),
        explanation=Explanation(proof=(Proof(fact=condition.fact, conditions=(condition,)),)),
        remedy=rule.remedy, fingerprint="@".join((rule.id, *subjects)),
    )


__all__ = ["CATEGORY", "EXPIRED", "META_RULES", "UNUSED", "MetaRule", "apply_suppressions"]
