"""The engine's shortcuts change nothing but time: inline feature tests, direct callbacks and the
prepared rules reused by later networks give the findings experta's own path gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scalexpert.analysis.capacity import analyse
from scalexpert.analysis.graph import analyse_graph
from scalexpert.api import load, rules_for
from scalexpert.config import Config
from scalexpert.engine import build_findings, rete, run_rules
from scalexpert.engine.run import RuleSession, compiled_rules
from scalexpert.facts.build import build_facts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "realworld").glob("*.yaml"))


def findings(example: Path) -> list[dict[str, Any]]:
    ruleset = rules_for(Config())
    loaded = load(example)
    records = build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model))
    return [f.model_dump(mode="json") for f in build_findings(run_rules(records, ruleset), ruleset)]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_inline_tests_and_direct_callbacks_give_experta_s_findings(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = findings(example)
    monkeypatch.setattr(rete, "fast_plan", lambda checks, dispatched: None)  # every check through its function
    monkeypatch.setattr(rete, "_DIRECT", {})  # every callback through experta's activate
    monkeypatch.setattr(rete, "_scalars", lambda value: False)  # every value frozen by experta
    assert findings(example) == fast
    assert fast or example.stem == "good-practice"


def test_the_inline_path_is_taken() -> None:
    """Most feature-test nodes of the built-in network run inline (else the test above proves little)."""
    session = RuleSession(rules_for(Config()))
    try:
        nodes = [n for n in rete.walk(session.engine.matcher.root_node) if isinstance(n, rete.IsolatedFeatureTesterNode)]
        inline = [n for n in nodes if n.plan is not None]
        assert len(inline) > 0.8 * len(nodes)
        assert not any(n.negated for n in nodes)  # no rule negates a field constraint
    finally:
        session.close()


def test_later_networks_reuse_the_prepared_rules_and_find_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = rules_for(Config())
    loaded = load(ROOT / "examples" / "large-marketplace.yaml")
    records = build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model))
    first = [f.model_dump(mode="json") for f in build_findings(run_rules(records, ruleset), ruleset)]
    prepared = compiled_rules(ruleset, {}).prepared
    assert set(prepared) == {rule.id for rule in ruleset.rules}

    def refuse(rule: Any) -> Any:
        raise AssertionError("a rule was prepared again")

    monkeypatch.setattr(rete, "prepare_rule", refuse)
    again = [f.model_dump(mode="json") for f in build_findings(run_rules(records, ruleset), ruleset)]
    assert again == first


def test_building_facts_leaves_no_reference_cycles() -> None:
    """The command line runs without the cyclic collector: a fact record must not leave a cycle
    behind (a nested function calling itself did, once per record)."""
    import gc

    from scalexpert.facts.build import flatten

    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        flat = flatten({"a": {"b": {"c": 1}, "d": [1, 2]}, "e": "x"}, prefix="p.")
        assert gc.collect() == 0
        assert flat == {"p.a.b.c": 1, "p.a.d": (1, 2), "p.e": "x"}
    finally:
        if was:
            gc.enable()
