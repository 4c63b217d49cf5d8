"""Compiling checked rule conditions into experta rules. Operators are the fixed table of
:mod:`scalexpert.language.operators`; nothing from a rule file is evaluated as code."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..language.conditions import AnyOf, Constraint, Element, Exists, Not, Pattern, ThresholdRef, Var
from ..language.operators import OPERATIONS, holds
from ._compat import AND, AS, EXISTS, MATCH, NOT, OR, TEST, Fact, P, Rule


FACT_KEY = "_key"
"""Field every declared fact carries: the identity of its record."""


def var_key(name: str) -> str:
    """Name of a rule variable inside experta's context (kept apart from fact bindings)."""
    return f"v_{name}"


def fact_key(index: int) -> str:
    """Name under which the index-th positive pattern's fact is bound."""
    return f"f_{index}"


class _Compare:
    """A TEST comparing a pattern's field with a variable (``lt: $x``), with an explicit signature
    (experta reads it to pick the arguments). Plain data, so that compiled rules can be pickled."""

    def __init__(self, op: str, left: str, right: str) -> None:
        self.op, self.left, self.right = op, left, right

    @property
    def __signature__(self) -> inspect.Signature:
        return inspect.Signature([inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in (self.left, self.right)])

    def __call__(self, **values: Any) -> bool:
        return holds(self.op, values[self.left], values[self.right])

    def __repr__(self) -> str:
        return f"_Compare({self.op!r}, {self.left!r}, {self.right!r})"


FACT_TYPE_ATTRIBUTE = "_scalexpert_fact_type"
"""Class attribute naming the fact type of a fact class made by :func:`fact_class`."""


def fact_class(name: str) -> type[Fact]:
    """A new experta fact class for the fact type ``name`` (each compiled rule set has its own)."""
    title = name.title().replace("-", "").replace("_", "")
    return type(f"{title}Fact", (Fact,), {FACT_TYPE_ATTRIBUTE: name})


PATTERN_FIELD = "_p"
"""Field every declared fact carries: the ids of the patterns whose literal constraints it meets."""


class PatternMember:
    """Predicate of a pattern's membership check: the fact met the pattern's literal constraints."""

    _interned: dict[int, PatternMember] = {}

    def __init__(self, pattern_id: int) -> None:
        self.pattern_id = pattern_id

    @classmethod
    def of(cls, pattern_id: int) -> PatternMember:
        """One object per id, so that experta shares its checks."""
        if pattern_id not in cls._interned:
            cls._interned[pattern_id] = cls(pattern_id)
        return cls._interned[pattern_id]

    def __call__(self, value: Any) -> bool:
        return isinstance(value, frozenset) and self.pattern_id in value

    def __reduce__(self) -> tuple[Any, ...]:
        return (PatternMember.of, (self.pattern_id,))

    def __repr__(self) -> str:
        return f"PatternMember({self.pattern_id})"


LiteralTest = Callable[[dict[str, Any]], bool]


@dataclass
class ExpertaBuilder:
    """Builds experta conditions for a rule set with thresholds resolved to numbers.

    A pattern's literal constraints (those without variables) are not handed to experta one by one:
    they are evaluated once per fact (``pattern_ids``) and the fact carries the ids of the patterns
    it meets, which experta checks with one membership test per pattern. Variables (bindings,
    joins, comparisons between facts) stay experta's work.
    """

    fact_classes: dict[str, type[Fact]]
    thresholds: Callable[[str], float]
    literal_tests: dict[str, list[tuple[int, list[LiteralTest]]]] = field(default_factory=dict)
    pattern_id_of: dict[tuple[Any, ...], int] = field(default_factory=dict)
    required: dict[int, dict[str, frozenset[Any]]] = field(default_factory=dict)
    """Per pattern id: text fields whose value must be one of a set (from ``eq``/``in``)."""
    _by_value: dict[str, _TypeMatcher] = field(default_factory=dict)
    _tests: dict[tuple[str, str, str], LiteralTest] = field(default_factory=dict)
    _specs: dict[tuple[str, str, str], tuple[Any, ...]] = field(default_factory=dict)
    """Per literal test: what it is made from (``("is", field, op, operand)`` or ``("not", parts)``)."""
    unique_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Fact type → key fields: ``not`` patterns about the matched fact itself are folded into its
    literal tests (:func:`folded_negations`). Empty: no folding. Valid only while the facts' keys
    are unique, which the engine checks."""

    def resolve(self, operand: Any) -> Any:
        """Threshold references become their values; other operands stay."""
        return self.thresholds(operand.name) if isinstance(operand, ThresholdRef) else operand

    def pattern_ids(self, fact_type: str, values: dict[str, Any]) -> frozenset[int]:
        """Ids of the patterns of ``fact_type`` whose literal constraints ``values`` meet.

        Patterns are looked up by the value of the field most of them require (``kind`` for
        components), so a fact is tested only against the patterns that could accept it.
        """
        matcher = self._by_value.get(fact_type)
        if matcher is None:
            matcher = self._by_value[fact_type] = _TypeMatcher(self, fact_type)
        return matcher(values)

    def _discriminate(self, fact_type: str) -> tuple[str | None, dict[Any, list[Any]], list[Any]]:
        entries = self.literal_tests.get(fact_type, [])
        counts: dict[str, int] = {}
        for pid, _ in entries:
            for name in self.required.get(pid, {}):
                counts[name] = counts.get(name, 0) + 1
        if not counts:
            return None, {}, list(entries)
        name = max(sorted(counts), key=lambda n: counts[n])
        by_value: dict[Any, list[Any]] = {}
        rest: list[Any] = []
        for pid, tests in entries:
            allowed = self.required.get(pid, {}).get(name)
            if allowed is None:
                rest.append((pid, tests))
            else:
                for value in allowed:
                    by_value.setdefault(value, []).append((pid, tests))
        return name, by_value, rest

    def conditions(self, elements: tuple[Element, ...], counter: list[int]) -> list[Any]:
        """experta conditional elements for a conjunction."""
        built: list[Any] = []
        tests: list[Any] = []
        folded = folded_negations(elements, self.unique_keys)
        into: dict[int, list[Pattern]] = {}
        for position, target in folded.items():
            negation = elements[position]
            assert isinstance(negation, Not)
            into.setdefault(target, []).append(negation.pattern)
        for position, element in enumerate(elements):
            if isinstance(element, Pattern):
                index = counter[0]
                counter[0] += 1
                built.append(getattr(AS, fact_key(index)) << self.pattern(element, index, into.get(position, ())))
                tests.extend(self.tests(element, index))
            elif isinstance(element, Not):
                if position not in folded:
                    built.append(NOT(self.pattern(element.pattern)))
            elif isinstance(element, Exists):
                built.append(EXISTS(self.pattern(element.pattern)))
            elif isinstance(element, AnyOf):
                built.append(OR(*(AND(*self.conditions(branch, counter)) for branch in element.branches)))
        return built + tests

    def pattern(self, pattern: Pattern, index: int | None = None, negated: Sequence[Pattern] = ()) -> Any:
        """One experta pattern: the membership check, bindings and equality joins.

        ``negated`` are ``not`` patterns folded into this one (:func:`folded_negations`): the fact
        must not meet all the literal constraints of any of them.
        """
        literal = _literal_constraints(pattern)
        groups = [_literal_constraints(q) for q in negated]
        signature = (pattern.fact, *sorted(self._signature(c) for c in literal),
                     *sorted(("not", *sorted(self._signature(c) for c in group)) for group in groups))
        pid = self.pattern_id_of.get(signature)
        if pid is None:  # patterns with the same literal constraints share an id, and so their alpha nodes
            pid = self.pattern_id_of[signature] = len(self.pattern_id_of)
            checks = [self._literal_test(c) for c in literal] + [self._negated_test(group) for group in groups]
            self.literal_tests.setdefault(pattern.fact, []).append((pid, checks))
            self._by_value.pop(pattern.fact, None)
            for c in literal:
                if c.op in ("eq", "in") and isinstance(c.operand, (str, list)):
                    options = frozenset(c.operand) if isinstance(c.operand, list) else frozenset([c.operand])
                    if all(isinstance(o, str) for o in options):
                        known = self.required.setdefault(pid, {})
                        known[c.field] = known[c.field] & options if c.field in known else options
        by_field: dict[str, Any] = {PATTERN_FIELD: P(PatternMember.of(pid))}
        for c in pattern.constraints:
            if c.op == "bind" or (c.op == "eq" and isinstance(c.operand, Var)):
                piece = getattr(MATCH, var_key(c.operand.name))
            elif isinstance(c.operand, Var):
                piece = getattr(MATCH, _hidden(index, c.field))  # compared in a TEST once all are bound
            else:
                continue
            by_field[c.field] = by_field[c.field] & piece if c.field in by_field else piece
        return self.fact_classes[pattern.fact](**by_field)

    def _signature(self, c: Constraint) -> tuple[str, str, str]:
        return (c.field, c.op, repr(self.resolve(c.operand)))

    def _literal_test(self, c: Constraint) -> LiteralTest:
        """The test of one literal constraint; equal constraints of different patterns share one object."""
        signature = self._signature(c)
        test = self._tests.get(signature)
        if test is None:
            operand = self.resolve(c.operand)
            self._specs[signature] = ("is", c.field, c.op, operand)
            test = self._tests[signature] = literal_function(c.field, c.op, operand)
        return test

    def _negated_test(self, group: list[Constraint]) -> LiteralTest:
        """Passes when the fact does not meet every constraint of ``group`` (a folded ``not``)."""
        signature = ("not", repr(sorted(self._signature(c) for c in group)), "")
        test = self._tests.get(signature)
        if test is None:
            tests = [self._literal_test(c) for c in group]
            self._specs[signature] = ("not", tuple(self._signature(c) for c in group))
            test = self._tests[signature] = _none_of(tests)
        return test

    def __getstate__(self) -> dict[str, Any]:
        """What the rule cache stores: the literal tests as the data they are made from (functions
        do not pickle), without the threshold lookup (thresholds are resolved when compiling)."""
        state = dict(self.__dict__)
        names = {id(test): signature for signature, test in self._tests.items()}
        state["literal_tests"] = {fact: [(pid, [names[id(t)] for t in tests]) for pid, tests in entries]
                                  for fact, entries in self.literal_tests.items()}
        state["_tests"] = {}
        state["_by_value"] = {}
        state["thresholds"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        tests = self._tests
        for signature, spec in self._specs.items():
            if spec[0] == "is":
                tests[signature] = literal_function(*spec[1:])
        for signature, spec in self._specs.items():
            if spec[0] == "not":
                tests[signature] = _none_of([tests[part] for part in spec[1]])
        self.literal_tests = {fact: [(pid, [tests[name] for name in names]) for pid, names in entries]
                              for fact, entries in state["literal_tests"].items()}

    def tests(self, pattern: Pattern, index: int) -> list[Any]:
        """TESTs comparing a field with another variable (``lt: $x``)."""
        found = []
        for c in pattern.constraints:
            if isinstance(c.operand, Var) and c.op not in ("bind", "eq"):
                left, right = _hidden(index, c.field), var_key(c.operand.name)
                found.append(TEST(_Compare(c.op, left, right)))
        return found


_MISSING: Any = object()
_REMEMBERED = frozenset({str, int, float, bool, type(None)})
"""Types of field values whose test outcomes are remembered per value."""
REMEMBERED_VALUES = 512
"""Values remembered per field and type (a field of measured figures has as many values as facts)."""


class _TypeMatcher:
    """The patterns of one fact type whose literal tests a fact's values meet (``ExpertaBuilder.pattern_ids``).

    Every literal test reads one field (a folded ``not`` is made of such tests), so the outcomes of
    all the tests of a field are one bit set per value of that field, remembered per value (values of
    the kinds in :data:`_REMEMBERED`; others are tested each time). A fact's bits start as those of
    every field absent, and each field it holds replaces its own; a pattern holds when its tests'
    bits are all set. As before, patterns are
    looked up by the value of the field most of them require, so only those that could hold are
    compared. The tests are the same functions; only how often each runs changes.
    """

    def __init__(self, builder: ExpertaBuilder, fact_type: str) -> None:
        self.name, by_value, rest = builder._discriminate(fact_type)
        signature_of = {id(test): signature for signature, test in builder._tests.items()}
        bits: dict[int, int] = {}
        fields: dict[str, list[tuple[int, LiteralTest]]] = {}
        self.composites: list[tuple[int, int]] = []

        def bit_of(test: LiteralTest) -> int:
            found = bits.get(id(test))
            if found is not None:
                return found
            spec = builder._specs[signature_of[id(test)]]
            if spec[0] == "is":
                bit = bits[id(test)] = len(bits)
                fields.setdefault(spec[1], []).append((bit, test))
            else:  # a folded ``not``: holds unless every one of its tests holds
                mask = 0
                for part in spec[1]:
                    mask |= 1 << bit_of(builder._tests[part])
                bit = bits[id(test)] = len(bits)
                self.composites.append((bit, mask))
            return bit

        def required(entries: list[tuple[int, list[LiteralTest]]]) -> list[tuple[int, int]]:
            made = []
            for pid, tests in entries:
                mask = 0
                for test in tests:
                    mask |= 1 << bit_of(test)
                made.append((pid, mask))
            return made

        self.rest = required(rest)
        self.by_value = {value: required(entries) + self.rest for value, entries in by_value.items()}
        self.fields: dict[str, tuple[list[tuple[int, LiteralTest]], dict[type, dict[Any, int]], int]] = {}
        """Field → its tests (bit, test), the outcomes remembered per type and value, and the mask of its bits."""
        self.absent = 0
        """The bits of every field's tests when the field is absent (a fact's starting point)."""
        for name, tests in fields.items():
            mask = 0
            for bit, test in tests:
                mask |= 1 << bit
                if test({}):
                    self.absent |= 1 << bit
            self.fields[name] = (tests, {}, mask)

    def __call__(self, values: dict[str, Any]) -> frozenset[int]:
        bits = self.absent
        fields = self.fields
        for name, value in values.items():  # only the fields present change their tests' outcomes
            field = fields.get(name)
            if field is None:
                continue
            tests, remembered, mask = field
            kind = type(value)
            known = remembered.get(kind)
            outcome = None if known is None else known.get(value)
            if outcome is None:
                alone = {name: value}
                outcome = 0
                for bit, test in tests:
                    if test(alone):
                        outcome |= 1 << bit
                if kind in _REMEMBERED:
                    known = remembered.setdefault(kind, {})
                    if len(known) < REMEMBERED_VALUES:
                        known[value] = outcome
            bits = (bits & ~mask) | outcome
        for bit, mask in self.composites:
            if bits & mask != mask:
                bits |= 1 << bit
        candidates = self.by_value.get(values.get(self.name), self.rest) if self.name is not None else self.rest
        return frozenset([pid for pid, mask in candidates if bits & mask == mask])



def literal_function(name: str, op: str, operand: Any) -> LiteralTest:
    """The test of the literal constraint ``name op operand`` (thresholds already resolved)."""
    if op == "present":
        return (lambda values: name in values) if operand else (lambda values: name not in values)
    operation = OPERATIONS[op]
    operand = tuple(operand) if isinstance(operand, list) else operand
    special = _special_test(op, name, operand)
    if special is not None:
        return special
    return lambda values: name in values and _safe(operation, values[name], operand)


def _none_of(tests: list[LiteralTest]) -> LiteralTest:
    return lambda values: not all(t(values) for t in tests)


def _special_test(op: str, name: str, operand: Any) -> LiteralTest | None:
    """The most common literal tests written out (same results as the operator table; they run
    once per fact and pattern, so a call less matters): equality with a text or a flag, numeric
    comparisons with a number, membership in a list of texts. None for anything else."""
    if op == "eq" and type(operand) in (str, bool):
        kind = type(operand)
        return lambda values: type(values.get(name, _MISSING)) is kind and values[name] == operand
    if op in ("lt", "le", "gt", "ge") and type(operand) in (int, float):
        compare = OPERATIONS[op]

        def numeric(values: dict[str, Any]) -> bool:
            value = values.get(name, _MISSING)
            return value is not _MISSING and bool(compare(value, operand))

        return numeric
    if op == "in" and isinstance(operand, tuple) and operand and all(type(o) is str for o in operand):
        options = frozenset(operand)
        return lambda values: isinstance(values.get(name, _MISSING), str) and values[name] in options
    return None


def _literal_constraints(pattern: Pattern) -> list[Constraint]:
    return [c for c in pattern.constraints if not isinstance(c.operand, Var) and c.op != "bind"]


def _key_variables(pattern: Pattern, unique_keys: dict[str, tuple[str, ...]]) -> dict[str, str] | None:
    """Key field → variable, when the pattern ties every key field of its fact type to a variable."""
    keys = unique_keys.get(pattern.fact)
    if not keys:
        return None
    found = {c.field: c.operand.name for c in pattern.constraints
             if c.field in keys and isinstance(c.operand, Var) and c.op in ("bind", "eq")}
    return found if len(found) == len(keys) else None


def folded_negations(elements: tuple[Element, ...], unique_keys: dict[str, tuple[str, ...]]) -> dict[int, int]:
    """``not`` elements of a conjunction that can become literal tests of an earlier pattern.

    ``not: {dependency: {from: $a, to: $b, timeout_ms: {present: true}}}`` after a pattern that
    matched the dependency $a → $b can only be about that same fact, since dependencies are unique
    per pair (``unique_keys``: fact type → key fields, from the fact schema): it holds exactly when
    that fact does not meet the ``not``'s literal constraints. Tested on the fact itself, it needs no
    join. Returns position of the ``not`` → position of the pattern it folds into.
    """
    folded: dict[int, int] = {}
    earlier: list[tuple[int, Pattern, dict[str, str]]] = []
    for position, element in enumerate(elements):
        if isinstance(element, Pattern):
            keys = _key_variables(element, unique_keys)
            if keys is not None:
                earlier.append((position, element, keys))
        elif isinstance(element, Not):
            negated = element.pattern
            keys = _key_variables(negated, unique_keys)
            variables = [c for c in negated.constraints if isinstance(c.operand, Var)]
            if keys is None or len(variables) != len(keys):
                continue  # compares other fields with variables: a real join
            for target, pattern, bound in earlier:
                if pattern.fact == negated.fact and bound == keys:
                    folded[position] = target
                    break
    return folded


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
