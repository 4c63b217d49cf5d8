"""Data-driven rule tests: every rule's knowledge examples and fixtures (``pytest -k RULE_ID``)."""

from __future__ import annotations

import pytest

from scalexpert.api import rules_for
from scalexpert.config import Config
from scalexpert.language.ruleset import builtin_rules_dir
from scalexpert.rule_testing import describe, folder_cases, knowledge_cases, run_case

RULESET = rules_for(Config())
CASES = [c for rule in RULESET.finding_rules for c in knowledge_cases(rule)] + folder_cases(builtin_rules_dir())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule_id}-{c.name}" for c in CASES])
def test_rule_case(case):
    result = run_case(case, RULESET)
    assert result.passed, describe(result)


def test_every_finding_rule_has_a_firing_example_and_a_near_miss():
    missing = []
    for rule in RULESET.finding_rules:
        cases = [c for c in CASES if c.rule_id == rule.id]
        if not any(c.expect for c in cases) or not any(not c.expect for c in cases):
            missing.append(rule.id)
    assert not missing, f"rules without a firing case and a near miss: {missing}"


def test_rule_ids_and_names_are_unique():
    ids = [r.id for r in RULESET.rules]
    names = [r.name for r in RULESET.rules]
    assert len(ids) == len(set(ids)) and len(names) == len(set(names))


def test_every_finding_rule_has_knowledge_with_references():
    for rule in RULESET.finding_rules:
        assert rule.knowledge is not None, rule.id
        assert rule.knowledge.references, rule.id
        assert rule.knowledge.category in RULESET.knowledge.categories, rule.id


def test_every_derived_fact_is_consumed():
    produced = {r.spec.then.derive.fact for r in RULESET.rules if r.spec.then.derive}
    consumed = {key for r in RULESET.rules for key in _facts(r.elements)}
    assert produced <= consumed, produced - consumed


def _facts(elements):
    from scalexpert.language.conditions import AnyOf, Exists, Not, Pattern

    for e in elements:
        if isinstance(e, Pattern):
            yield e.fact
        elif isinstance(e, (Not, Exists)):
            yield e.pattern.fact
        elif isinstance(e, AnyOf):
            for branch in e.branches:
                yield from _facts(branch)
