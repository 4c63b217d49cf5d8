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
from scalexpert.engine import run
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
    compiled_rules(rules_for(Config()), {}).idle.clear()  # no network built with the shortcuts is reused
    monkeypatch.setattr(run, "IDLE_NETWORKS", 0)
    monkeypatch.setattr(rete, "flatten", lambda dispatch, negated: None)  # every chain through its nodes
    monkeypatch.setattr(rete, "dispatch_types", lambda root: None)  # every fact to every type test
    monkeypatch.setattr(rete, "fast_plan", lambda checks, dispatched: None)  # every check through its function
    monkeypatch.setattr(rete, "_DIRECT", {})  # every callback through experta's activate
    monkeypatch.setattr(rete, "_scalars", lambda value: False)  # every value frozen by experta
    monkeypatch.setattr(rete.KeyedFactList, "of", staticmethod(lambda facts: facts))  # experta's fact list
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
        dispatch = [n for n in rete.walk(session.engine.matcher.root_node) if isinstance(n, rete.PatternDispatchNode)]
        programs = [steps for n in dispatch for steps in (n.programs or {}).values()]
        assert len(programs) == sum(len(n.by_pattern) for n in dispatch)
        assert sum(steps is not None for steps in programs) > 0.8 * len(programs)  # chains run inline
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


def test_a_network_given_back_is_reused_and_finds_what_a_new_one_finds() -> None:
    """run_rules keeps the finished network (emptied) for the next run with the same settings: runs over
    other facts in between leave nothing behind."""
    ruleset = rules_for(Config())
    paths = [ROOT / "examples" / "large-marketplace.yaml", ROOT / "examples" / "good-practice.yaml"]
    records = []
    for path in paths:
        loaded = load(path)
        records.append(build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model)))
    fresh = []
    for found in records:
        session = RuleSession(ruleset)
        try:
            fresh.append([f.model_dump(mode="json") for f in build_findings(session.run(found), ruleset)])
        finally:
            session.close()
    taken = RuleSession.take(ruleset)
    taken.give_back()
    for found, expected in [*zip(records, fresh), *zip(records, fresh)]:
        assert [f.model_dump(mode="json") for f in build_findings(run_rules(found, ruleset), ruleset)] == expected
    again = RuleSession.take(ruleset)
    assert again is taken  # the same network all along
    assert all(not getattr(node, "left_memory", None) and not getattr(node, "right_memory", None)
               and not getattr(node, "memory", None) for node in rete.walk(again.engine.matcher.root_node)
               if not isinstance(node, (rete.IndexedMatchNode, rete.IndexedNotNode)))
    assert all(node.joins.buckets == ({}, {}) for node in rete.walk(again.engine.matcher.root_node)
               if isinstance(node, (rete.IndexedMatchNode, rete.IndexedNotNode)))
    assert all(node.joins.tokens == ({}, {}) and node.joins.pending == [[], []] and node.joins.grouped == [None, None]
               for node in rete.walk(again.engine.matcher.root_node) if isinstance(node, rete.IndexedMatchNode))
    assert all(node.joins.right == {} for node in rete.walk(again.engine.matcher.root_node)
               if isinstance(node, rete.IndexedNotNode))
    assert RuleSession.take(ruleset) is not again  # taken: another caller gets a network of its own
    again.give_back()


def test_a_network_is_reused_only_for_the_same_settings() -> None:
    ruleset = rules_for(Config())
    first = RuleSession.take(ruleset)
    first.give_back()
    assert RuleSession.take(ruleset, severities={"SPOF-001": "low"}) is not first
    assert RuleSession.take(ruleset, enabled=lambda rule: rule.id != "SPOF-001") is not first
    from scalexpert.loader import Limits

    assert RuleSession.take(ruleset, limits=Limits(max_rule_matches=10)) is not first
    assert RuleSession.take(ruleset) is first


def test_a_run_that_fails_does_not_give_its_network_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from scalexpert.errors import BudgetError
    from scalexpert.loader import Limits

    ruleset = rules_for(Config())
    loaded = load(ROOT / "examples" / "large-marketplace.yaml")
    records = build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model))
    made: list[RuleSession] = []
    take = RuleSession.take.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(RuleSession, "take", classmethod(lambda cls, *a, **k: made.append(take(cls, *a, **k)) or made[-1]))
    with pytest.raises(BudgetError):
        run_rules(records, ruleset, limits=Limits(max_matches=10))
    assert len(made) == 1
    assert not any(made[0] in idle for idle in compiled_rules(ruleset, {}).idle.values())
    assert made[0].engine.matcher.root_node is None  # closed: its memories freed


def test_a_field_bound_to_two_variables_runs_inline_and_binds_both() -> None:
    """``W('h0_x') & W('v_x')`` (a field compared in a TEST and also bound) binds both variables, as
    experta's own check does; a fact without the field fails, as there."""
    from experta.matchers.rete.check import FeatureCheck
    from experta.matchers.rete.token import Token

    from scalexpert.engine._compat import W
    from scalexpert.engine.compile import fact_class

    check = FeatureCheck("timeout_ms", W("h0_timeout_ms") & W("v_timeout"))
    assert rete.fast_plan((check,), False) == ((), (("h0_timeout_ms", "timeout_ms"), ("v_timeout", "timeout_ms")), None)
    dependency = fact_class("dependency")
    for fact, context in [(dependency(timeout_ms=30), {}), (dependency(), {}), (dependency(timeout_ms=30), {"v_timeout": 31}),
                          (dependency(timeout_ms=30), {"v_timeout": 30})]:
        results = []
        for plan in (True, False):
            node = rete.IsolatedFeatureTesterNode(check)
            node.negated = False
            node.plan = rete.fast_plan((check,), False) if plan else None
            seen: list[Any] = []
            node.add_child(object(), lambda token: seen.append(dict(token.context)))
            node._activate(Token.valid(fact, dict(context)))
            results.append(seen)
        assert results[0] == results[1]
    assert check(dependency(timeout_ms=30)) == {"h0_timeout_ms": 30, "v_timeout": 30}


def test_a_dispatch_node_runs_each_distinct_chain_once_per_fact_and_every_callback_in_order() -> None:
    """Chains with the same checks under several patterns make one token, handed to each of their
    callbacks in pattern order; a fact failing such a chain reaches none of them; a pattern whose
    chains are not folded gets the token itself; facts of other pattern sets get their own plans."""
    from experta.matchers.rete.token import Token

    from scalexpert.engine.compile import fact_class

    component = fact_class("component")
    calls: list[tuple[str, Any]] = []

    def callback(name: str) -> Any:
        return lambda token: calls.append((name, token))

    dispatch = rete.PatternDispatchNode("_p")
    dispatch.by_pattern = {3: [rete.ChildNode(object(), callback("unfolded"))]}
    same = ((component,), (("v_name", "name"),), "f_0")
    dispatch.programs = {
        1: [(*same, (callback("a"), callback("b")))],
        2: [(*same, (callback("c"),)), ((component,), (("v_zone", "zone"),), None, (callback("d"),))],
        3: None,
    }
    dispatch.plans = {}
    fact = component(name="api", zone="z1", _p=frozenset({1, 2, 3}))
    dispatch._activate(Token.valid(fact))
    assert [name for name, _ in calls] == ["a", "b", "c", "d", "unfolded"]
    tokens = {name: token for name, token in calls}
    assert tokens["a"] is tokens["b"] is tokens["c"] and tokens["a"].context == {"v_name": "api", "f_0": fact}
    assert tokens["d"].context == {"v_zone": "z1"} and tokens["unfolded"].context == {}
    calls.clear()
    dispatch._activate(Token.valid(component(zone="z2", _p=frozenset({1, 2}))))  # no name: the shared chain fails
    assert [(name, token.context) for name, token in calls] == [("d", {"v_zone": "z2"})]
    assert set(dispatch.plans) == {frozenset({1, 2, 3}), frozenset({1, 2})}
