"""The engine's leaner bookkeeping refuses, keeps and joins exactly what experta's own would."""

from __future__ import annotations

from typing import Any

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
