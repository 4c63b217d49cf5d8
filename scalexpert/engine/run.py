"""Running a rule set over fact records with experta, recording every activation.

One engine per check: experta's rules remember the engine they are bound to, so each run builds
a fresh engine class from freshly compiled rules. The facts each rule matched are bound to
``f_<n>`` names, so that every conclusion keeps the exact facts (and through them the source
positions) it rests on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import cache as rule_cache
from ..errors import BudgetError, Diagnostic, RuleError
from ..facts.build import FactRecord
from ..language.conditions import Pattern, positive_patterns
from ..language.operators import holds
from ..language.ruleset import CompiledRule, RuleSet
from ..severity import severity_rank
from ._compat import Fact, KnowledgeEngine
from .compile import (
    FACT_KEY,
    PATTERN_FIELD,
    ExpertaBuilder,
    fact_class,
    fact_key,
    var_key,
)
from ..loader.yamlsource import Limits
from .rete import (
    CheckEngine,
    DispatchingReteMatcher,
    ExactRemovalStrategy,
    KeyedFactList,
    MatchBudget,
    adjust_network,
    empty,
    experta_version,
    new_fact,
    prepared_form,
    prepared_rule,
    reduce_for_cache,
    release,
)

MAX_STEPS = 1_000_000
_KEY = FACT_KEY
_VAR_PREFIX = var_key("")


@dataclass
class Activation:
    """One firing of one rule: its bindings and the facts (records) its patterns matched."""

    rule: CompiledRule
    bindings: dict[str, Any]
    matched: list[tuple[Pattern, FactRecord]]
    severity: str
    severity_reason: str | None = None


@dataclass
class EngineResult:
    """Activations of finding rules in firing order, and the proof of every derived fact."""

    activations: list[Activation] = field(default_factory=list)
    derived: dict[str, Activation] = field(default_factory=dict)
    records: dict[str, FactRecord] = field(default_factory=dict)


@dataclass
class CompiledRules:
    """experta conditions of every rule for one set of threshold values (reused across checks), in
    the form experta's matcher prepares them (rete.prepared_form: most of the cost of building a
    network). Kept in the rule cache (:func:`compiled_rules`)."""

    builder: ExpertaBuilder
    prepared: dict[str, Any]
    """Rule id → its prepared conditions."""
    used: dict[str, set[str]]
    idle: dict[tuple[Any, ...], list[RuleSession]] = field(default_factory=dict, repr=False, compare=False)
    """Networks built from these rules whose run is over, by their settings (:meth:`RuleSession.take`);
    never stored in the cache."""

    def prepared_form(self, rule: CompiledRule) -> Any:
        return self.prepared[rule.id]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "idle": {}}


ENGINE_CACHE = "engine"
"""Name of the rule cache's entries of compiled rules."""


def compiled_rules(ruleset: RuleSet, thresholds: dict[str, float], *, fold: bool = True) -> CompiledRules:
    """Compile (once per rule set, thresholds and ``fold``) the experta conditions of every rule.

    A rule set read through the rule cache (:mod:`scalexpert.cache`) keeps them in an entry of its
    own, derived from the rule set's entry, the thresholds, ``fold`` and experta's version: later
    processes read them back instead of compiling and preparing every rule again.
    """
    cache: dict[tuple[Any, ...], CompiledRules] = ruleset.__dict__.setdefault("_compiled", {})
    key = (tuple(sorted(thresholds.items())), fold)
    if key not in cache:
        def build() -> CompiledRules:
            classes = {name: fact_class(name) for name in ruleset.fact_types}
            keys = unique_keys_of(ruleset) if fold else {}
            builder = ExpertaBuilder(classes, lambda name: ruleset.knowledge.threshold(name, thresholds), unique_keys=keys)
            prepared = {rule.id: prepared_form(builder.conditions(rule.elements, [0]), rule.spec.salience)
                        for rule in ruleset.rules}
            return CompiledRules(builder, prepared, ruleset.used_fields())

        kind = repr(("compiled rules", key, experta_version()))
        compiled = rule_cache.derived(ruleset, kind, build, CompiledRules, ENGINE_CACHE, reduce_for_cache)
        if set(compiled.prepared) != {rule.id for rule in ruleset.rules}:  # pragma: no cover - the key covers the rules
            compiled = build()
        cache[key] = compiled
    return cache[key]


def run_rules(
    records: list[FactRecord],
    ruleset: RuleSet,
    *,
    thresholds: dict[str, float] | None = None,
    enabled: Callable[[CompiledRule], bool] | None = None,
    severities: Mapping[str, str] | None = None,
    indexed: bool = True,
    fold: bool = True,
    limits: Limits = Limits(),
) -> EngineResult:
    """Declare the records as facts, run every enabled rule, and return what fired.

    ``indexed`` hash-indexes the joins of the Rete network (see rete.py), and ``fold`` turns
    ``not`` patterns about a matched fact itself into tests on that fact (used only while the
    records' keys are unique); the findings are the same either way, only the time differs.
    """
    session = RuleSession.take(ruleset, thresholds=thresholds, enabled=enabled, severities=severities, indexed=indexed,
                               fold=fold and keys_are_unique(records, ruleset), limits=limits)
    try:
        result = session.run(records)
    except BaseException:
        session.close()
        raise
    session.give_back()
    return result


IDLE_NETWORKS = 4
"""Finished networks kept for reuse per compiled rule set (one per combination of settings)."""


class RuleSession:
    """One Rete network, built once, run over several sets of facts in turn.

    Building the network is most of a small check's engine time; the assessment re-runs the rules
    on one architecture with many single changes, so it keeps one session (same findings as a
    fresh engine each time: memories, agenda and fact list are reset between runs).
    Callers of ``run`` must give records with unique keys when ``fold`` is on.
    """

    def __init__(self, ruleset: RuleSet, *, thresholds: dict[str, float] | None = None,
                 enabled: Callable[[CompiledRule], bool] | None = None, severities: Mapping[str, str] | None = None,
                 indexed: bool = True, fold: bool = True, limits: Limits = Limits()) -> None:
        self.ruleset = ruleset
        self.compiled = compiled_rules(ruleset, thresholds or {}, fold=fold)
        self.state = _State()

        def threshold(name: str) -> float:
            return ruleset.knowledge.threshold(name, thresholds)

        members: dict[str, Any] = {}
        for rule in ruleset.rules:
            if enabled is not None and not enabled(rule):
                continue
            members[f"rule_{len(members)}"] = prepared_rule(
                self.compiled.prepared_form(rule),
                _action(rule, self.state, self.compiled.builder, threshold, severities or {}),
            )
        members["__strategy__"] = ExactRemovalStrategy
        members["__matcher__"] = DispatchingReteMatcher
        engine_class = type("CheckEngine", (CheckEngine,), members)
        self.engine: Any = engine_class()
        self.budget = MatchBudget(limits.max_rule_matches, limits.max_matches, self._exceeded)
        adjust_network(self.engine.matcher, indexed=indexed, budget=self.budget)

    key: tuple[Any, ...] = ()
    """The settings the network was built for (:meth:`take`)."""

    @classmethod
    def take(cls, ruleset: RuleSet, *, thresholds: dict[str, float] | None = None,
             enabled: Callable[[CompiledRule], bool] | None = None, severities: Mapping[str, str] | None = None,
             indexed: bool = True, fold: bool = True, limits: Limits = Limits()) -> RuleSession:
        """A network for these rules and settings: one a finished run gave back (:meth:`give_back`), or a new one.

        Building the network of every rule is most of a small check's engine time, and a check with an
        assessment needs it again (re-runs, the plan's full checks). A network given back holds nothing
        of its last run (memories, agenda and facts are emptied, as between the runs of one session).
        """
        compiled = compiled_rules(ruleset, thresholds or {}, fold=fold)
        key = (tuple(rule.id for rule in ruleset.rules if enabled is None or enabled(rule)),
               tuple(sorted((severities or {}).items())), indexed, limits.max_rule_matches, limits.max_matches)
        try:
            session = compiled.idle.get(key, []).pop()
        except IndexError:
            session = cls(ruleset, thresholds=thresholds, enabled=enabled, severities=severities, indexed=indexed,
                          fold=fold, limits=limits)
            session.key = key
        return session

    def give_back(self) -> None:
        """Empty the network and keep it for the next :meth:`take` of the same settings (or free it)."""
        idle = self.compiled.idle
        if not self.key or (self.key not in idle and len(idle) >= IDLE_NETWORKS) or idle.get(self.key) or not IDLE_NETWORKS:
            self.close()
            return
        empty(self.engine)
        idle.setdefault(self.key, []).append(self)

    def _exceeded(self, rule_id: str, made: int, total: bool) -> None:
        """Stop the run: a rule (or all of them) built more matches than the limits allow."""
        rule = self.ruleset.find(rule_id)
        where = f" ({rule.file})" if rule is not None and rule.file else ""
        self.budget.reset()
        if total:
            raise BudgetError(
                f"the rules built more than {self.budget.total:,} matches in one check (rule {rule_id}{where} was "
                f"matching when the limit was reached); raise the limit with --max-matches (Limits.max_matches)")
        raise BudgetError(
            f"rule {rule_id}{where} built more than {self.budget.per_rule:,} matches in one check (patterns that "
            "share no variable multiply: every fact of one with every fact of the other); make its patterns share "
            "variables, or raise the limit with --max-rule-matches (Limits.max_rule_matches)")

    def run(self, records: list[FactRecord], known: dict[str, tuple[dict[str, Any], Any]] | None = None) -> EngineResult:
        """Run the rules over ``records`` (the network's memories start empty).

        ``known`` remembers each record's literal tests by key, reused while its values stay the same
        (the assessment's re-runs change a few records of many).
        """
        builder = self.compiled.builder
        result = self.state.result = EngineResult(records={r.key: r for r in records})
        engine = self.engine
        self.budget.reset()
        engine.reset()
        engine.facts = KeyedFactList.of(engine.facts)
        facts = []
        for record in records:
            wanted = self.compiled.used.get(record.type, ())
            values = {k: v for k, v in record.values.items() if k in wanted}
            seen = known.get(record.key) if known is not None else None
            if seen is not None and seen[0] == record.values:
                values[PATTERN_FIELD] = seen[1]
            else:
                values[PATTERN_FIELD] = builder.pattern_ids(record.type, record.values)
                if known is not None:
                    known[record.key] = (record.values, values[PATTERN_FIELD])
            values[_KEY] = record.key
            facts.append(new_fact(builder.fact_classes[record.type], values))
        engine.declare(*facts)  # one agenda update for all base facts
        engine.run(MAX_STEPS)
        if engine.agenda.activations:  # pragma: no cover - would need a million firings
            raise RuleError(Diagnostic("<rules>", 0, 0, "", f"rules did not settle after {MAX_STEPS:,} firings"))
        self.state.result = None
        return result

    def close(self) -> None:
        """Free the network (see rete.release)."""
        release(self.engine)


@dataclass
class _State:
    """The result the rules' actions write to (the current run's)."""

    result: EngineResult | None = None


def unique_keys_of(ruleset: RuleSet) -> dict[str, tuple[str, ...]]:
    """Fact type → the fields that identify its facts (from the fact schema)."""
    return {name: fact_type.key for name, fact_type in ruleset.fact_types.items() if fact_type.key}


def keys_are_unique(records: list[FactRecord], ruleset: RuleSet) -> bool:
    """Whether no two records of a type share their key: what folding relies on.

    The loader guarantees it for files; a model built in code might not.
    """
    for fact_type, fields in unique_keys_of(ruleset).items():
        keys = [tuple(r.values.get(f) for f in fields) for r in records if r.type == fact_type]
        if len(set(keys)) != len(keys):
            return False
    return True


def _action(
    rule: CompiledRule,
    state: _State,
    builder: ExpertaBuilder,
    threshold: Callable[[str], float],
    severities: Mapping[str, str],
) -> Callable[..., None]:
    patterns = positive_patterns(rule.elements)

    def fire(engine: KnowledgeEngine, **context: Any) -> None:
        result = state.result
        assert result is not None
        matched = [
            (pattern, result.records[context[fact_key(i)][_KEY]])
            for i, pattern in enumerate(patterns)
            if fact_key(i) in context
        ]
        # every variable bound, those bound inside one branch of an `any` included
        bindings = {key[len(_VAR_PREFIX):]: value for key, value in context.items()
                    if isinstance(key, str) and key.startswith(_VAR_PREFIX)}
        severity = severities.get(rule.id, rule.spec.severity)
        reason = None
        if rule.spec.then.finding is not None:
            for step in rule.spec.then.finding.escalate:
                if all(_escalation_holds(bindings.get(var), ops, threshold) for var, ops in step.when.items()):
                    if severity_rank(step.severity) > severity_rank(severity) or reason is None:
                        reason = ", ".join(f"{var} {_ops_text(ops)}" for var, ops in step.when.items())
                        severity = step.severity
        activation = Activation(rule, bindings, matched, severity, reason)
        derive = rule.spec.then.derive
        if derive is None:
            result.activations.append(activation)
            return
        values = {k: bindings.get(v[1:]) if isinstance(v, str) and v.startswith("$") else v for k, v in derive.fields.items()}
        values = {k: v for k, v in values.items() if v is not None}
        key = f"{derive.fact}:" + json.dumps(values, sort_keys=True, default=str)
        if key in result.records:
            return
        anchor = matched[0][1] if matched else None
        label = f"{derive.fact} (" + ", ".join(f"{k}={v}" for k, v in sorted(values.items())) + ")"
        result.records[key] = FactRecord(derive.fact, key, label, values, anchor.position if anchor else None)
        result.derived[key] = activation
        declared = {**values, PATTERN_FIELD: builder.pattern_ids(derive.fact, values), _KEY: key}
        engine.declare(builder.fact_classes[derive.fact](**declared))

    fire.__name__ = rule.id
    return fire


def _escalation_holds(value: Any, ops: dict[str, Any], threshold: Callable[[str], float]) -> bool:
    for op, operand in ops.items():
        if isinstance(operand, str) and operand.startswith("@"):
            operand = threshold(operand[1:])
        if not holds(op, value, tuple(operand) if isinstance(operand, list) else operand):
            return False
    return True


def _ops_text(ops: dict[str, Any]) -> str:
    from ..language.conditions import OP_WORDS

    return " and ".join(f"{OP_WORDS.get(op, op)} {operand}" for op, operand in ops.items())
