"""Compiling parsed rules into experta rules. Operators are a fixed table of Python functions;
nothing from a rule file is evaluated as code."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .._compat import AS, EXISTS, MATCH, NOT, OR, TEST, Fact, P, Rule, W
from .conditions import AnyOf, Constraint, Element, Exists, Not, Pattern, ThresholdRef, Var


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda v, x: (type(v) is type(x) or _num(v) and _num(x)) and v == x,
    "ne": lambda v, x: not ((type(v) is type(x) or _num(v) and _num(x)) and v == x),
    "lt": lambda v, x: _num(v) and v < x,
    "le": lambda v, x: _num(v) and v <= x,
    "gt": lambda v, x: _num(v) and v > x,
    "ge": lambda v, x: _num(v) and v >= x,
    "in": lambda v, x: v in x,
    "not_in": lambda v, x: v not in x,
    "contains": lambda v, x: isinstance(v, tuple) and x in v,
    "matches": lambda v, x: isinstance(v, str) and fnmatchcase(v, x),
}


def holds(op: str, value: Any, operand: Any) -> bool:
    """Whether ``value op operand`` holds (False for values of the wrong type)."""
    try:
        return bool(OPERATIONS[op](value, operand))
    except TypeError:
        return False


FACT_KEY = "_key"
"""Field every declared fact carries: the identity of its record."""


def var_key(name: str) -> str:
    """Name of a rule variable inside experta's context (kept apart from fact bindings)."""
    return f"v_{name}"


def fact_key(index: int) -> str:
    """Name under which the index-th positive pattern's fact is bound."""
    return f"f_{index}"


class _Test:
    """A TEST over bound variables with an explicit signature (experta reads it to pick arguments)."""

    def __init__(self, names: list[str], check: Callable[..., bool]) -> None:
        self._check = check
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names]
        )

    def __call__(self, **values: Any) -> bool:
        return self._check(**values)


@dataclass
class ExpertaBuilder:
    """Builds experta conditions for one rule with thresholds resolved to numbers."""

    fact_classes: dict[str, type[Fact]]
    thresholds: Callable[[str], float]

    def resolve(self, operand: Any) -> Any:
        """Threshold references become their values; other operands stay."""
        return self.thresholds(operand.name) if isinstance(operand, ThresholdRef) else operand

    def conditions(self, elements: tuple[Element, ...], counter: list[int]) -> list[Any]:
        """experta conditional elements for a conjunction."""
        built: list[Any] = []
        tests: list[Any] = []
        for element in elements:
            if isinstance(element, Pattern):
                index = counter[0]
                counter[0] += 1
                built.append(getattr(AS, fact_key(index)) << self.pattern(element, index))
                built.extend(self.absences(element, index))
                tests.extend(self.tests(element, index))
            elif isinstance(element, Not):
                built.append(NOT(self.pattern(element.pattern)))
            elif isinstance(element, Exists):
                built.append(EXISTS(self.pattern(element.pattern)))
            elif isinstance(element, AnyOf):
                from experta import AND

                built.append(OR(*(AND(*self.conditions(branch, counter)) for branch in element.branches)))
        return built + tests

    def pattern(self, pattern: Pattern, index: int | None = None) -> Any:
        """One experta pattern: literal tests, bindings and equality joins (``index``: positive patterns)."""
        by_field: dict[str, Any] = {}
        if index is not None and any(c.op == "present" and c.operand is False for c in pattern.constraints):
            by_field[FACT_KEY] = getattr(MATCH, f"k{index}")
        for constraint in pattern.constraints:
            piece = self._field_test(constraint, index)
            if piece is None:
                continue
            by_field[constraint.field] = by_field[constraint.field] & piece if constraint.field in by_field else piece
        return self.fact_classes[pattern.fact](**by_field)

    def absences(self, pattern: Pattern, index: int) -> list[Any]:
        """``present: false``: no fact with this fact's key states the field (experta cannot test absence)."""
        missing = [c.field for c in pattern.constraints if c.op == "present" and c.operand is False]
        key = getattr(MATCH, f"k{index}")
        return [NOT(self.fact_classes[pattern.fact](**{FACT_KEY: key, name: W()})) for name in missing]

    def _field_test(self, c: Constraint, index: int | None) -> Any:
        if c.op == "bind" or (c.op == "eq" and isinstance(c.operand, Var)):
            return getattr(MATCH, var_key(c.operand.name))
        if isinstance(c.operand, Var):
            return getattr(MATCH, _hidden(index, c.field))  # compared in a TEST once every variable is bound
        if c.op == "present":
            return W() if c.operand else None  # absence is tested by a NOT pattern on the fact's key
        operation = OPERATIONS[c.op]
        operand = self.resolve(c.operand)
        operand = tuple(operand) if isinstance(operand, list) else operand
        return P(lambda value, _op=operation, _x=operand: _safe(_op, value, _x))

    def tests(self, pattern: Pattern, index: int) -> list[Any]:
        """TESTs comparing a field with another variable (``lt: $x``)."""
        found = []
        for c in pattern.constraints:
            if isinstance(c.operand, Var) and c.op not in ("bind", "eq"):
                left, right = _hidden(index, c.field), var_key(c.operand.name)
                check = _Test([left, right], lambda _o=c.op, _a=left, _b=right, **kw: holds(_o, kw[_a], kw[_b]))
                found.append(TEST(check))
        return found


def _hidden(index: int | None, field: str) -> str:
    return f"h{index}_" + "".join(ch if ch.isalnum() else "_" for ch in field)


def _safe(operation: Callable[[Any, Any], bool], value: Any, operand: Any) -> bool:
    try:
        return bool(operation(value, operand))
    except TypeError:
        return False


def make_rule(conditions: list[Any], salience: int, action: Callable[..., None]) -> Any:
    """An experta Rule object (bound to an engine class by the caller)."""
    return Rule(*conditions, salience=salience)(action)
