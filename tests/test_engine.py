"""The engine's adjustments to experta: exact retraction, isolated bindings, indexed joins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scalexpert.analysis.graph import analyse_graph
from scalexpert.api import load, rules_for
from scalexpert.config import Config
from scalexpert.engine import run_rules
from scalexpert.explain import build_findings
from scalexpert.facts.build import build_facts
from scalexpert.language.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = "knowledge: {title: t, category: meta, summary: s, why: w, fix: f, trade_offs: t, references: [{title: x}]}\n"
CHAIN = """\
version: 1
components:
  gw: {kind: api-gateway, managed: true}
  a: {kind: service, replicas: 2}
  b: {kind: service, replicas: 2, health_checks: {readiness: false, liveness: false}}
  c: {kind: service, replicas: 2}
  d: {kind: service, replicas: 2}
  e: {kind: service, replicas: 2}
  db: {kind: database, managed: true}
dependencies:
  - {from: gw, to: a}
  - {from: a, to: b}
  - {from: b, to: c}
  - {from: c, to: d}
  - {from: d, to: e}
  - {from: e, to: db}
"""


def test_a_not_that_becomes_false_retracts_even_when_other_rules_fire_on_the_same_fact(tmp_path):
    (tmp_path / "XA-001.yaml").write_text(textwrap.dedent("""\
        id: XA-001
        name: x.probes
        when:
          - any:
              - component: {name: $name, kind: service, health_checks.readiness: false}
              - component: {name: $name, kind: service, health_checks.liveness: false}
        then: {finding: {subjects: ["{name}"], message: "{name}"}}
        """) + KNOWLEDGE, "utf-8")
    (tmp_path / "XB-001.yaml").write_text(textwrap.dedent("""\
        id: XB-001
        name: x.top-of-chain
        when:
          - component: {name: $name, kind: service, graph.sync_depth: {gt: 3}}
          - not:
              dependency: {to: $name, graph.sync: true, graph.source_kind: service}
        then: {finding: {subjects: ["{name}"], message: "{name}"}}
        """) + KNOWLEDGE, "utf-8")
    ruleset = load_ruleset([tmp_path], builtin=False)
    from scalexpert.api import check

    report = check(CHAIN, rules=ruleset, config=Config())
    assert sorted((f.rule_id, f.subjects) for f in report.findings) == [("XA-001", ("b",)), ("XB-001", ("a",))]


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_indexed_joins_give_the_same_findings(example):
    ruleset = rules_for(Config())
    loaded = load(example)
    records = build_facts(loaded, analyse_graph(loaded.model))
    results = []
    for indexed in (True, False):
        result = run_rules(records, ruleset, indexed=indexed)
        results.append([(f.rule_id, f.subjects, f.severity, f.message) for f in build_findings(result, ruleset)])
    assert results[0] == results[1]
    assert results[0] or example.stem == "good-practice"


def _requirements(proofs):  # type: ignore[no-untyped-def]
    for proof in proofs:
        yield from (c.requirement for c in proof.conditions)
        yield from _requirements(proof.premises)


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_explanations_show_variables_bound_inside_an_any_branch(example):
    """`lt: $objective` where $objective is bound in the same `any` branch shows its value, not a blank."""
    import re

    from scalexpert.api import check

    for finding in check(example).findings:
        for requirement in _requirements(finding.explanation.proof):
            assert not re.search(r"\s\s\(\$\w+\)", requirement), (finding.rule_id, requirement)


def test_a_finished_run_leaves_no_network_behind():
    """Nodes and tokens are freed by reference counting when a check returns, without a collection.

    experta caches activations at class level and its nodes refer to each other; a library that
    checks many files in one process must not keep each run's network until a full collection.
    """
    import gc

    from experta.matchers.rete.token import Token

    from scalexpert import rete
    from scalexpert.api import check

    check(ROOT / "examples" / "large-marketplace.yaml")
    check(ROOT / "examples" / "large-marketplace.yaml")
    kinds = (rete.IndexedMatchNode, rete.IndexedNotNode, rete.TrackedConflictSetNode, rete.IsolatedFeatureTesterNode, Token)
    assert [o for o in gc.get_objects() if isinstance(o, kinds)] == []
