"""Parsing and checking the ``when`` part of a rule against the fact schema.

A condition list is a conjunction of elements:

* a pattern ``{<fact type>: {<field>: <constraint>, ...}}``;
* ``{not: <pattern>}`` — no such fact exists;
* ``{exists: <pattern>}`` — at least one such fact exists (matched once);
* ``{any: [<element or list of elements>, ...]}`` — one of the alternatives holds.

A constraint is a literal (equality), ``$var`` (bind the field, or join on an already bound
variable), or a mapping of operators: ``eq ne lt le gt ge in not_in contains matches present bind``.
Operands are literals, ``$var`` (a bound variable) or ``@name`` (a threshold from knowledge/).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Union

from ..errors import Diagnostic
from ..facts.schema import FactType, FieldSpec
from ..loader.yamlsource import Path, SourceMap, format_path

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "matches", "present", "bind")
_NUMERIC = ("lt", "le", "gt", "ge")
_VAR = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")
_THRESHOLD = re.compile(r"^@([A-Za-z_][A-Za-z0-9_]*)$")
OP_WORDS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "in", "not_in": "not in",
            "contains": "contains", "matches": "matches", "present": "present"}


@dataclass(frozen=True)
class Var:
    """A reference to a bound variable."""

    name: str


@dataclass(frozen=True)
class ThresholdRef:
    """A reference to a named threshold."""

    name: str


Operand = Union[Var, ThresholdRef, Any]


@dataclass(frozen=True)
class Constraint:
    """``field op operand``; op ``bind`` binds the field's value to a variable."""

    field: str
    op: str
    operand: Operand
    path: Path = ()


@dataclass(frozen=True)
class Pattern:
    """Facts of one type whose fields meet all constraints."""

    fact: str
    constraints: tuple[Constraint, ...]
    path: Path = ()


@dataclass(frozen=True)
class Not:
    """No fact matches the pattern."""

    pattern: Pattern


@dataclass(frozen=True)
class Exists:
    """Some fact matches the pattern."""

    pattern: Pattern


@dataclass(frozen=True)
class AnyOf:
    """One of several conjunctions holds."""

    branches: tuple[tuple[Element, ...], ...]


Element = Union[Pattern, Not, Exists, AnyOf]


class ConditionParser:
    """Parses a ``when`` list, collecting problems instead of stopping at the first."""

    def __init__(self, fact_types: dict[str, FactType], thresholds: set[str], source: SourceMap) -> None:
        self.fact_types = fact_types
        self.thresholds = thresholds
        self.source = source
        self.problems: list[Diagnostic] = []
        self.bound: dict[str, FieldSpec] = {}
        self.partly_bound: set[str] = set()
        """Variables bound in some but not all branches of an ``any``: an escalation may test them
        (it holds only when a branch that binds them matched); messages cannot use them."""

    def fail(self, path: Path, message: str) -> None:
        """Record a problem at ``path`` of the rule file."""
        pos = self.source.position(path)
        self.problems.append(Diagnostic(pos.file, pos.line, pos.column, format_path(path), message))

    def parse(self, raw: list[Any], base: Path) -> tuple[Element, ...]:
        """Parse a conjunction; variables bound in positive patterns become visible to later ones."""
        return tuple(e for i, item in enumerate(raw) if (e := self._element(item, (*base, i), negated=False)))

    def _element(self, item: Any, path: Path, negated: bool) -> Element | None:
        if not isinstance(item, dict) or len(item) != 1:
            self.fail(path, "each condition is a mapping with one key: a fact type, 'not', 'exists' or 'any'")
            return None
        (key, body), = item.items()
        if key in ("not", "exists"):
            pattern = self._element(body, (*path, key), negated=True)
            if not isinstance(pattern, Pattern):
                if pattern is not None:
                    self.fail((*path, key), f"'{key}' takes one pattern")
                return None
            return Not(pattern) if key == "not" else Exists(pattern)
        if key == "any":
            return self._any(body, (*path, key), negated)
        return self._pattern(str(key), body, path, negated)

    def _any(self, body: Any, path: Path, negated: bool) -> AnyOf | None:
        if negated or not isinstance(body, list) or len(body) < 2:
            self.fail(path, "'any' takes a list of at least two alternatives (not inside not/exists)")
            return None
        before = dict(self.bound)
        branches: list[tuple[Element, ...]] = []
        bound_sets: list[set[str]] = []
        for i, branch in enumerate(body):
            self.bound = dict(before)
            items = branch if isinstance(branch, list) else [branch]
            branches.append(self.parse(items, (*path, i)) if isinstance(branch, list) else
                            tuple(e for e in [self._element(branch, (*path, i), False)] if e))
            bound_sets.append(set(self.bound) - set(before))
        common = set.intersection(*bound_sets) if bound_sets else set()
        self.partly_bound.update(set.union(*bound_sets) - common if bound_sets else set())
        self.bound = {**before, **{k: v for k, v in self.bound.items() if k in common}}
        return AnyOf(tuple(branches))

    def _pattern(self, fact: str, body: Any, path: Path, negated: bool) -> Pattern | None:
        fact_path = (*path, fact)
        if fact not in self.fact_types:
            hint = _hint(fact, list(self.fact_types))
            self.fail(fact_path, f"unknown fact type {fact!r}{hint}")
            return None
        if body is None:
            body = {}
        if not isinstance(body, dict):
            self.fail(fact_path, "a pattern maps field names to constraints")
            return None
        fact_type = self.fact_types[fact]
        constraints: list[Constraint] = []
        for name, raw in body.items():
            field_path = (*fact_path, name)
            spec = fact_type.fields.get(str(name))
            if spec is None:
                self.fail(field_path, f"fact type {fact!r} has no field {name!r}{_hint(str(name), list(fact_type.fields))}")
                continue
            constraints.extend(self._constraints(spec, raw, field_path, negated))
        return Pattern(fact, tuple(constraints), fact_path)

    def _constraints(self, spec: FieldSpec, raw: Any, path: Path, negated: bool) -> list[Constraint]:
        shorthand = not isinstance(raw, dict)
        if shorthand:
            raw = {"eq": raw}
        found: list[Constraint] = []
        for op, operand in raw.items():
            op_path = path if shorthand else (*path, op)
            if op not in OPERATORS:
                self.fail(op_path, f"unknown operator {op!r}{_hint(str(op), list(OPERATORS))}; known: {', '.join(OPERATORS)}")
                continue
            parsed = self._operand(spec, str(op), operand, op_path, negated)
            if parsed is not None:
                found.append(parsed)
        return found

    def _operand(self, spec: FieldSpec, op: str, operand: Any, path: Path, negated: bool) -> Constraint | None:
        if op == "bind":
            if not isinstance(operand, str) or not (m := _VAR.match("$" + operand.lstrip("$"))):
                self.fail(path, "bind takes a variable name")
                return None
            if negated:
                self.fail(path, "variables cannot be bound inside not/exists")
                return None
            self.bound[m.group(1)] = spec
            return Constraint(spec.name, "bind", Var(m.group(1)), path)
        if op == "present":
            if not isinstance(operand, bool):
                self.fail(path, "present takes true or false")
                return None
            if negated and operand is False:
                self.fail(path, "present: false cannot be used inside not/exists; use present: true there")
                return None
            return Constraint(spec.name, op, operand, path)
        if op in _NUMERIC and spec.type not in ("number", "integer"):
            self.fail(path, f"{op} needs a numeric field; {spec.name} is {spec.type}")
            return None
        if isinstance(operand, str) and (m := _VAR.match(operand)):
            name = m.group(1)
            if name not in self.bound:
                if op == "eq" and not negated:
                    self.bound[name] = spec
                    return Constraint(spec.name, "bind", Var(name), path)
                self.fail(path, f"variable ${name} is not bound by an earlier pattern")
                return None
            if negated and op != "eq":
                self.fail(path, "inside not/exists, compare with variables only by equality")
                return None
            return Constraint(spec.name, op, Var(name), path)
        if isinstance(operand, str) and (m := _THRESHOLD.match(operand)):
            if m.group(1) not in self.thresholds:
                self.fail(path, f"unknown threshold @{m.group(1)}{_hint(m.group(1), sorted(self.thresholds))}")
                return None
            if op not in _NUMERIC + ("eq", "ne"):
                self.fail(path, f"a threshold can only be compared with {', '.join(_NUMERIC)}")
                return None
            operand = ThresholdRef(m.group(1))
        elif not self._literal_fits(spec, op, operand, path):
            return None
        return Constraint(spec.name, op, operand, path)

    def _literal_fits(self, spec: FieldSpec, op: str, operand: Any, path: Path) -> bool:
        if op in ("in", "not_in"):
            if not isinstance(operand, list) or not operand:
                self.fail(path, f"{op} takes a non-empty list")
                return False
            return all(self._value_fits(spec, v, path) for v in operand)
        if op == "contains":
            if spec.type != "list":
                self.fail(path, f"contains needs a list field; {spec.name} is {spec.type}")
                return False
            return True
        if op == "matches":
            if spec.type != "text" or not isinstance(operand, str):
                self.fail(path, "matches compares a text field with a glob pattern such as 'orders-*'")
                return False
            return True
        return self._value_fits(spec, operand, path)

    def _value_fits(self, spec: FieldSpec, value: Any, path: Path) -> bool:
        expected = {"number": (int, float), "integer": (int,), "boolean": (bool,), "text": (str,), "list": (list,)}
        ok = isinstance(value, expected[spec.type]) and not (spec.type in ("number", "integer") and isinstance(value, bool))
        if not ok:
            self.fail(path, f"{spec.name} is {spec.type}; {value!r} can never match")
            return False
        if spec.values and value not in spec.values:
            self.fail(path, f"{value!r} is not a value of {spec.name}{_hint(str(value), list(spec.values))}; "
                            f"values: {', '.join(spec.values)}")
            return False
        return True


def _hint(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def positive_patterns(elements: tuple[Element, ...]) -> list[Pattern]:
    """Patterns that bind facts (outside not/exists), in order; for 'any', those of every branch."""
    found: list[Pattern] = []
    for element in elements:
        if isinstance(element, Pattern):
            found.append(element)
        elif isinstance(element, AnyOf):
            for branch in element.branches:
                found.extend(positive_patterns(branch))
    return found


def all_patterns(elements: tuple[Element, ...]) -> list[Pattern]:
    """Every pattern, positive or inside not/exists/any."""
    found: list[Pattern] = []
    for element in elements:
        if isinstance(element, Pattern):
            found.append(element)
        elif isinstance(element, (Not, Exists)):
            found.append(element.pattern)
        elif isinstance(element, AnyOf):
            for branch in element.branches:
                found.extend(all_patterns(branch))
    return found
