"""Every experta internal that scalexpert/engine/rete.py relies on, pinned in one place.

The engine adjusts experta's Rete network after experta builds it (class switches, overridden
private methods, memories read and replaced). experta documents none of this, so a new experta
release that renames any of it must fail here, loudly and by name, before anything else breaks.
"""

from __future__ import annotations

import inspect

import pytest

from scalexpert.engine import _compat  # noqa: F401  (experta imported through the shim)
from experta import KnowledgeEngine  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.fact import Fact, InitialFact  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.abstract import OneInputNode  # noqa: E402
from experta.matchers.rete.check import FactCapture, FeatureCheck, SameContextCheck, TypeCheck  # noqa: E402
from experta.matchers.rete.mixins import ChildNode  # noqa: E402
from experta.matchers.rete.nodes import ConflictSetNode, FeatureTesterNode, NotNode, OrdinaryMatchNode, WhereNode  # noqa: E402
from experta.matchers.rete.token import Token, TokenInfo  # noqa: E402
from experta.matchers.rete.utils import extract_facts, generate_checks  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

METHODS = [
    (OrdinaryMatchNode, ("activate_left", "activate_right", "_activate_left", "_activate_right", "_reset")),
    (NotNode, ("activate_left", "activate_right", "_activate_left", "_activate_right", "_reset")),
    (FeatureTesterNode, ("activate", "_activate", "_reset")),
    (ConflictSetNode, ("activate", "_activate", "get_activations")),
    (WhereNode, ("activate", "_activate")),
    (OneInputNode, ("activate", "add_child", "_reset")),
    (ReteMatcher, ("changes", "build_alpha_part", "build_beta_part", "_get_conflict_set_nodes")),
    (DepthStrategy, ("get_key", "_update_agenda")),
]


@pytest.mark.parametrize(("cls", "names"), METHODS, ids=lambda v: getattr(v, "__name__", ""))
def test_methods_the_adjustments_override_or_call(cls: type, names: tuple[str, ...]) -> None:
    missing = [n for n in names if not callable(getattr(cls, n, None))]
    assert not missing, f"experta's {cls.__name__} no longer has {missing}"


def test_builders_are_static_and_take_what_the_matcher_passes() -> None:
    for name, params in (("build_alpha_part", ["ruleset", "root_node"]), ("build_beta_part", ["ruleset", "alpha_terminals"])):
        assert isinstance(inspect.getattr_static(ReteMatcher, name), staticmethod), name
        assert list(inspect.signature(getattr(ReteMatcher, name)).parameters) == params, name


def test_record_shapes() -> None:
    assert ChildNode._fields == ("node", "callback")
    assert TokenInfo._fields == ("data", "context")
    assert issubclass(Token, tuple) and Token._fields == ("tag", "data", "context")
    assert {"VALID", "INVALID"} <= set(Token.TagType.__members__)


def test_check_attributes_the_compiled_checks_read() -> None:
    class Item(Fact):
        pass

    checks = set(generate_checks(Item(size=3)))
    kinds = {type(c) for c in checks}
    assert TypeCheck in kinds and FeatureCheck in kinds
    feature = next(c for c in checks if isinstance(c, FeatureCheck))
    for name in ("what", "check", "expected", "how"):
        assert hasattr(feature, name), f"FeatureCheck.{name}"
    assert hasattr(next(c for c in checks if isinstance(c, TypeCheck)), "fact_type")
    assert "bind" in inspect.signature(FactCapture).parameters
    assert callable(extract_facts) and callable(SameContextCheck)


def test_a_built_network_has_the_attributes_the_adjustments_use() -> None:
    """An engine with our matcher and strategy: root node, children, memories and agenda as read."""
    from scalexpert.engine.rete import DispatchingReteMatcher, ExactRemovalStrategy, walk

    class Item(Fact):
        pass

    class Other(Fact):
        pass

    from experta import MATCH, NOT, Rule

    class Engine(KnowledgeEngine):
        __matcher__ = DispatchingReteMatcher
        __strategy__ = ExactRemovalStrategy

        @Rule(Item(key=MATCH.k), NOT(Other(key=MATCH.k)))
        def lonely(self, k):  # noqa: ANN001, ANN202
            pass

        @Rule(Item(key=MATCH.k), Other(key=MATCH.k))
        def paired(self, k):  # noqa: ANN001, ANN202
            pass

    engine = Engine()
    engine.reset()
    assert isinstance(engine.matcher, DispatchingReteMatcher) and isinstance(engine.strategy, ExactRemovalStrategy)
    assert isinstance(engine.agenda, Agenda) and hasattr(engine.agenda, "activations")
    nodes = walk(engine.matcher.root_node)
    joins = [n for n in nodes if type(n) in (OrdinaryMatchNode, NotNode)]
    assert {type(n) for n in joins} == {OrdinaryMatchNode, NotNode}
    for node in joins:
        for name in ("left_memory", "right_memory", "matcher", "children"):
            assert hasattr(node, name), f"{type(node).__name__}.{name}"
        assert isinstance(node.matcher, SameContextCheck)
    testers = [n for n in nodes if isinstance(n, FeatureTesterNode)]
    assert testers and all(hasattr(n, "matcher") for n in testers)
    assert all(isinstance(child, ChildNode) for n in nodes for child in n.children)
    assert isinstance(InitialFact(), Fact)
