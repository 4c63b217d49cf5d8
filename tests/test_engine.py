"""The engine's adjustments to experta: exact retraction, isolated bindings, indexed joins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scalexpert.analysis.capacity import analyse
from scalexpert.analysis.graph import analyse_graph
from scalexpert.api import load, rules_for
from scalexpert.config import Config
from scalexpert.engine import build_findings, run_rules
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
    records = build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model))
    results = []
    for indexed, fold in ((True, True), (False, True), (True, False)):
        result = run_rules(records, ruleset, indexed=indexed, fold=fold)
        results.append([f.model_dump() for f in build_findings(result, ruleset)])
    assert results[0] == results[1] == results[2]
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


def test_a_finished_run_frees_its_tokens_and_facts_at_once():
    """Tokens and declared facts are freed by reference counting when a check returns, without a collection.

    experta caches activations at class level and its nodes refer to each other; a library that
    checks many files in one process must not keep each run's memories until a full collection.
    (The emptied nodes themselves still wait for the collector: experta's wiring closures hold them.)
    """
    import gc

    from experta.fact import Fact
    from experta.matchers.rete.token import Token

    from scalexpert.api import check
    from scalexpert.engine.compile import FACT_KEY

    def held() -> list[object]:
        return [o for o in gc.get_objects() if isinstance(o, Token) or (isinstance(o, Fact) and FACT_KEY in o)]

    gc.collect()  # what earlier tests left for the collector
    assert held() == []
    gc.disable()
    try:
        check(ROOT / "examples" / "large-marketplace.yaml")
        check(ROOT / "examples" / "large-marketplace.yaml")
        left = held()
    finally:
        gc.enable()
    assert left == []


def test_negations_are_not_folded_when_two_dependencies_share_their_ends():
    """Folding a `not` into the matched dependency relies on one dependency per pair; a model built in
    code can break that, and then the engine joins as written (RES-900: a timeout on either call counts)."""
    from scalexpert.engine import keys_are_unique
    from scalexpert.model import Architecture

    data = {
        "version": 1,
        "system": {"name": "pair", "objectives": {"availability": 0.999}},
        "components": {"a": {"kind": "service", "replicas": 2}, "b": {"kind": "service", "replicas": 2}},
        "dependencies": [{"from": "a", "to": "b", "timeout_ms": 100}, {"from": "a", "to": "b", "retries": 2}],
    }
    model = Architecture.model_validate(data)
    ruleset = rules_for(Config())
    loaded = load(model)
    records = build_facts(loaded, analyse_graph(model), analyse(model))
    assert not keys_are_unique(records, ruleset)
    found = [[(f.rule_id, f.subjects) for f in build_findings(run_rules(records, ruleset, fold=fold), ruleset)]
             for fold in (True, False)]
    assert found[0] == found[1]
    assert ("RES-001", ("a", "b")) not in found[0]
