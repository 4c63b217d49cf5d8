"""The engine's leaner bookkeeping refuses, keeps and joins exactly what experta's own would."""

from __future__ import annotations

import random
from typing import Any

import pytest

from scalexpert.engine import rete
from scalexpert.engine._compat import Fact
from scalexpert.engine.compile import FACT_KEY, fact_class
from experta.factlist import FactList


def _declared(facts: Any, made: list[Fact]) -> list[Any]:
    return [None if facts.declare(fact) is None else fact["__factid__"] for fact in made]


def test_keyed_fact_list_refuses_the_duplicates_experta_refuses() -> None:
    component, dependency = fact_class("component"), fact_class("dependency")

    def made() -> list[Fact]:
        return [
            component(**{FACT_KEY: "a", "kind": "service"}),
            component(**{FACT_KEY: "a", "kind": "service"}),  # a duplicate: refused
            component(**{FACT_KEY: "a", "kind": "database"}),  # same key, other values: a fact of its own
            dependency(**{FACT_KEY: "a", "kind": "service"}),  # same fields, another class
            component(kind="service"),  # no key
            component(kind="service"),  # ... and its duplicate
            component(**{FACT_KEY: "b", "kind": "service"}),
        ]

    plain, keyed = FactList(), rete.KeyedFactList()
    assert _declared(keyed, made()) == _declared(plain, made()) == [0, None, 1, 2, 3, None, 4]
    assert list(keyed) == list(plain)
    assert keyed.changes[0] == list(keyed.values())
    keyed.retract(0)
    plain.retract(0)
    again = [component(**{FACT_KEY: "a", "kind": "service"}), component(**{FACT_KEY: "a", "kind": "database"})]
    assert _declared(keyed, again) == _declared(plain, again) == [5, None]  # declared again once retracted
    assert keyed.changes[1][0][FACT_KEY] == "a"


def test_keyed_fact_list_takes_over_what_a_reset_declared() -> None:
    component = fact_class("component")
    plain = FactList()
    plain.declare(component(**{FACT_KEY: "a"}))
    keyed = rete.KeyedFactList.of(plain)
    assert dict(keyed) == dict(plain) and keyed.last_index == plain.last_index
    assert keyed.declare(component(**{FACT_KEY: "a"})) is None
    assert keyed.declare(component(**{FACT_KEY: "b"}))["__factid__"] == 1


def _match_node(indexed: bool, seen: list[Any]) -> Any:
    from experta.matchers.rete.check import SameContextCheck
    from experta.matchers.rete.nodes import OrdinaryMatchNode

    node = OrdinaryMatchNode(SameContextCheck())
    if indexed:
        node.__class__ = rete.IndexedMatchNode
    node._reset()
    node.add_child(object(), lambda token: seen.append(
        (token.tag, frozenset(map(id, token.data)), frozenset(token.context.items()))))
    return node


@pytest.mark.parametrize("odd", [None, 20, 100])
@pytest.mark.parametrize("shared", [(), ("x",), ("x", "y")])
@pytest.mark.parametrize("seed", range(6))
def test_a_match_node_s_lean_memories_join_as_experta_s(shared: tuple[str, ...], seed: int, odd: int | None) -> None:
    """Random arrivals and retractions on both sides, one side alone first (its tokens held, then
    settled into buckets, retractions among held tokens too): each arrival makes the tokens experta's
    own match node makes. At step ``odd``, a token of another shape hands every token to experta's
    memories (held ones too) and experta's code path."""
    from collections import Counter

    from experta.matchers.rete.token import Token

    chance = random.Random(seed)
    component = fact_class("component")
    facts = [component(**{FACT_KEY: f"c{i}", "__factid__": i}) for i in range(12)]
    made: dict[bool, list[Any]] = {True: [], False: []}
    lean_seen: list[Any] = []
    plain_seen: list[Any] = []
    lean, plain = _match_node(True, lean_seen), _match_node(False, plain_seen)
    alone = chance.randrange(0, 40)  # arrivals on the left only, first
    for step in range(160):
        left = step < alone or chance.random() < 0.5
        kept = made[left]
        if step != odd and kept and chance.random() < 0.3:
            data, context = kept.pop(chance.randrange(len(kept)))
            token = Token.invalid(set(data), dict(context))
        elif step != odd and kept and chance.random() < 0.05:  # retracting what was never there
            token = Token.invalid({facts[0]}, {**{name: 0 for name in shared}, "l" if left else "r": facts[1]})
        else:
            data = {chance.choice(facts)} if not left else set(chance.sample(facts, chance.randint(1, 2)))
            context = {name: chance.randrange(3) for name in shared}
            context["l" if left else "r"] = chance.choice(facts)
            if step == odd:
                context["odd"] = 1
            kept.append((data, context))
            token = Token.valid(set(data), dict(context))
        lean_seen.clear()
        plain_seen.clear()
        (lean.activate_left if left else lean.activate_right)(token)
        (plain.activate_left if left else plain.activate_right)(token)
        assert Counter(lean_seen) == Counter(plain_seen), step
    assert lean.joins.disabled == (odd is not None)  # the lean path was taken until the odd token


def test_the_engine_refuses_the_facts_experta_refuses() -> None:
    """Conditional elements among the values, ``__`` inside a field name: refused with experta's errors,
    conditional elements first (each name is checked once, so a name seen before is checked again)."""
    from experta import KnowledgeEngine

    from scalexpert.engine._compat import W

    component = fact_class("component")
    for engine_class in (rete.CheckEngine, KnowledgeEngine):
        engine = engine_class()
        engine.reset()
        assert engine.declare(component(**{FACT_KEY: "a", "kind": "service"}))["__factid__"] == 1
        for _ in range(2):
            with pytest.raises(TypeError, match="conditional elements"):
                engine.declare(component(**{FACT_KEY: "b", "nested__name": 1}), component(**{FACT_KEY: "c", "kind": W()}))
            with pytest.raises(KeyError, match="double underscores"):
                engine.declare(component(**{FACT_KEY: "b", "nested__name": 1}))
        assert engine.declare(component(**{FACT_KEY: "b", "__special__": 1, "_p": frozenset({1})}))["__factid__"] == 2
        assert len(engine.facts) == 3


def _pattern_ids_one_by_one(builder: Any, fact_type: str, values: dict[str, Any]) -> frozenset[int]:
    """Each candidate pattern's literal tests in turn (what ExpertaBuilder.pattern_ids did before
    remembering outcomes per field value)."""
    name, by_value, rest = builder._discriminate(fact_type)
    candidates = by_value.get(values.get(name), []) if name is not None else []
    return frozenset(pid for pid, tests in (*candidates, *rest) if all(test(values) for test in tests))


def test_pattern_ids_remembered_per_value_are_the_patterns_whose_tests_hold() -> None:
    """Outcomes remembered per field value never stand in for another value: 1, 1.0 and True, absent
    and None, texts, numbers either side of a threshold, lists; the same values seen twice."""
    from pathlib import Path

    from scalexpert.analysis.capacity import analyse
    from scalexpert.analysis.graph import analyse_graph
    from scalexpert.api import load, rules_for
    from scalexpert.config import Config
    from scalexpert.engine.run import compiled_rules
    from scalexpert.facts.build import build_facts

    ruleset = rules_for(Config())
    builder = compiled_rules(ruleset, {}).builder
    loaded = load(Path(__file__).resolve().parents[1] / "examples" / "large-marketplace.yaml")
    records = build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model))
    chance = random.Random(5)
    choices = [True, False, 1, 0, 1.0, 0.0, -0.0, 2, 3.5, 100, 10_000, float("nan"), None, "", "x", "service",
               "database", ("a",), ()]
    checked = 0
    for _ in range(3):
        for record in records:
            values = dict(record.values)
            for name in chance.sample(sorted(values), min(len(values), 4)):
                if chance.random() < 0.2:
                    del values[name]
                else:
                    values[name] = chance.choice(choices + [v for v in record.values.values() if isinstance(v, (int, float, str))][:5])
            for tried in (record.values, values):
                assert builder.pattern_ids(record.type, tried) == _pattern_ids_one_by_one(builder, record.type, tried)
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("first", ["right", "left"])
@pytest.mark.parametrize("shared", [(), ("x",), ("x", "y")])
@pytest.mark.parametrize("seed", range(6))
def test_a_not_node_s_right_tokens_kept_as_they_are_count_as_experta_s(shared: tuple[str, ...], seed: int, first: str) -> None:
    """Random arrivals and retractions on both sides of a not node, one side alone first: right tokens
    stored before the shared variables are known, or left tokens held unindexed while the right side
    has had none (arriving again, retracted among held ones, then settled as entries): each arrival
    passes on the tokens experta's not node does, and the memories end as experta's."""
    from collections import Counter

    from experta.matchers.rete.check import SameContextCheck
    from experta.matchers.rete.nodes import NotNode
    from experta.matchers.rete.token import Token

    chance = random.Random(seed)
    component = fact_class("component")
    facts = [component(**{FACT_KEY: f"c{i}", "__factid__": i}) for i in range(12)]
    seen: dict[bool, list[Any]] = {True: [], False: []}
    nodes = {}
    for lean in (True, False):
        node = NotNode(SameContextCheck())
        if lean:
            node.__class__ = rete.IndexedNotNode
        node._reset()
        node.add_child(object(), lambda token, lean=lean: seen[lean].append(
            (token.tag, frozenset(map(id, token.data)), frozenset(token.context.items()))))
        nodes[lean] = node
    made: dict[bool, list[Any]] = {True: [], False: []}
    alone = chance.randrange(0, 30) if first == "right" else chance.randrange(5, 60)  # arrivals on one side only, first
    for step in range(160):
        left = (step >= alone and chance.random() < 0.5) if first == "right" else (step < alone or chance.random() < 0.5)
        kept = made[left]
        if kept and chance.random() < 0.3:
            data, context = kept.pop(chance.randrange(len(kept)))
            token = Token.invalid(set(data), dict(context))
        else:
            data = {chance.choice(facts)} if not left else set(chance.sample(facts, chance.randint(1, 2)))
            context = {name: chance.randrange(3) for name in shared}
            context["l" if left else "r"] = chance.choice(facts)
            if left and any(d == data and c == context for d, c in kept):
                if step >= alone or first == "right":
                    continue  # experta's left memory keeps one count per token
            else:
                kept.append((data, context))
            token = Token.valid(set(data), dict(context))
        for lean, node in nodes.items():
            seen[lean].clear()
            (node.activate_left if left else node.activate_right)(token)
        assert Counter(seen[True]) == Counter(seen[False]), step
        if first == "left" and step < alone:  # left tokens only: held unindexed, no entry made
            joins = nodes[True].joins
            assert not joins.settled and not any(joins.buckets[0].values())
            assert len(joins.pending or [t for ts in (joins.grouped or {}).values() for t in ts]) >= len(kept)
    assert not nodes[True].joins.disabled

    def remembered(memory: Any) -> Counter[Any]:
        return Counter((frozenset(map(id, info.data)), info.context) for info in memory)

    nodes[True]._fallback()  # the lean memories handed to experta hold what experta's own do
    assert remembered(nodes[True].left_memory) == remembered(nodes[False].left_memory)
    assert dict(Counter(nodes[True].left_memory.values())) == dict(Counter(nodes[False].left_memory.values()))
    assert remembered(nodes[True].right_memory) == remembered(nodes[False].right_memory)
