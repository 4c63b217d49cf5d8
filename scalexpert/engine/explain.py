"""Turning engine activations into findings with proof trees and what-if remedies."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from ..facts.build import FactRecord
from ..findings import Condition, Explanation, Finding, Location, Proof, rule_help_uri
from ..language import template
from ..language.conditions import OP_WORDS, AnyOf, Constraint, Element, Not, Pattern, ThresholdRef, Var
from ..language.operators import holds
from ..language.ruleset import RuleSet
from ..loader import Position
from ..model import component_field_role, dependency_field_role, field_role
from ..severity import Severity, severity_rank
from .run import Activation, EngineResult


def _location(pos: Position | None) -> Location | None:
    return _location_of(pos) if pos else None


@lru_cache(maxsize=65_536)
def _location_of(pos: Position) -> Location:
    """One (immutable) Location per position: the conditions of many findings cite the same few values."""
    return Location(file=pos.file, line=pos.line, column=pos.column)


def _operand_text(operand: Any, bindings: dict[str, Any], threshold: Any) -> tuple[Any, str]:
    if isinstance(operand, ThresholdRef):
        value = threshold(operand.name)
        return value, f"{template.show_value(value)} (@{operand.name})"
    if isinstance(operand, Var):
        value = bindings.get(operand.name)
        return value, f"{template.show_value(value)} (${operand.name})"
    if isinstance(operand, list):
        return operand, "[" + ", ".join(template.show_value(v) for v in operand) + "]"
    return operand, template.show_value(operand)


def _conditions(pattern: Pattern, record: FactRecord, bindings: dict[str, Any], threshold: Any) -> tuple[Condition, ...]:
    found = []
    for c in pattern.constraints:
        if c.op == "bind":
            continue
        value = record.values.get(c.field)
        if c.op == "present":
            requirement = "stated" if c.operand else "not stated"
            text = f"{c.field} {'= ' + template.show_value(value) if c.operand else 'is not stated'}, rule requires it {requirement}"
        else:
            _, operand = _operand_text(c.operand, bindings, threshold)
            requirement = f"{OP_WORDS[c.op]} {operand}"
            text = f"{c.field} = {template.show_value(value)}, rule requires {requirement}"
        found.append(Condition(
            fact=record.label, field=c.field, value=value, requirement=requirement, text=text,
            location=_location(record.positions.get(c.field)), derivation=record.derivations.get(c.field),
        ))
    return tuple(found)


def _absent(elements: tuple[Element, ...], bindings: dict[str, Any], threshold: Any) -> tuple[str, ...]:
    texts = []
    for element in elements:
        if isinstance(element, Not):
            parts = []
            for c in element.pattern.constraints:
                if c.op == "present":
                    parts.append(f"{c.field} {'stated' if c.operand else 'not stated'}")
                else:
                    parts.append(f"{c.field} {OP_WORDS[c.op]} {_operand_text(c.operand, bindings, threshold)[1]}")
            texts.append(f"no {element.pattern.fact}" + (" with " + " and ".join(parts) if parts else ""))
        elif isinstance(element, AnyOf):
            for branch in element.branches:
                texts.extend(_absent(branch, bindings, threshold))
    return tuple(texts)


def _proof(record: FactRecord, pattern: Pattern, activation: Activation, result: EngineResult, threshold: Any,
           depth: int = 0) -> Proof:
    conditions = _conditions(pattern, record, activation.bindings, threshold)
    origin = result.derived.get(record.key)
    if origin is None or depth > 20:
        return Proof(fact=record.label, conditions=conditions)
    premises = tuple(_proof(r, p, origin, result, threshold, depth + 1) for p, r in origin.matched)
    return Proof(fact=record.label, rule=origin.rule.id, conditions=conditions,
                 absent=_absent(origin.rule.elements, origin.bindings, threshold), premises=premises)


def _clearing(c: Constraint, value: Any, threshold: Any) -> str | None:
    """The smallest change to a stated input value that breaks constraint ``c``."""
    operand = threshold(c.operand.name) if isinstance(c.operand, ThresholdRef) else c.operand
    if isinstance(operand, Var) or value is None or not holds(c.op, value, tuple(operand) if isinstance(operand, list) else operand):
        return None
    integer = isinstance(value, int) and not isinstance(value, bool)
    show = template.show_value
    if c.op == "lt":
        new = operand if not integer else int(-(-operand // 1))
        return f"{c.field}: {show(value)} → {show(new)}"
    if c.op == "le":
        return f"{c.field}: {show(value)} → {show(int(operand) + 1) if integer else 'above ' + show(operand)}"
    if c.op == "gt":
        return f"{c.field}: {show(value)} → {show(int(operand)) if integer else show(operand)}"
    if c.op == "ge":
        return f"{c.field}: {show(value)} → {show(int(-(-operand // 1)) - 1) if integer else 'below ' + show(operand)}"
    if c.op == "eq" and isinstance(value, bool):
        return f"{c.field}: {show(value)} → {show(not value)}"
    return None  # changing a category (kind, engine, ...) to "another value" is not advice


_NOT_REMEDIES = ("objectives.", "traffic.", "growth.")
_REDUNDANCY = ("replicas", "autoscaling.min", "autoscaling.max", "zone_count", "region_count", "shards")


_STORES = frozenset({"database", "search", "coordination", "cache", "queue", "stream"})
_ROLE_OF = {"component": component_field_role, "dependency": dependency_field_role,
            "system": lambda f: field_role(f"system.{f}")}


def _is_design(record: FactRecord, input_field: str) -> bool:
    """Advice changes design fields only: never what describes reality (traffic, objectives, what a
    component is or does, measured figures, prices)."""
    role_of = _ROLE_OF.get(record.type)
    return role_of is None or role_of(input_field) != "reality"


def _safe_for_stores(record: FactRecord, change: str) -> str:
    """A self-run store needs a standby that takes over by itself, not just a second copy: "replicas:
    1 → 2" alone is never offered for one whose failover is not automatic."""
    values = record.values
    if record.type != "component" or values.get("kind") not in _STORES or values.get("managed") is True:
        return change
    if not change.startswith(("replicas:", "autoscaling.min:")) or "failover" in change:
        return change
    failover = values.get("data.replication.failover")
    if failover == "automatic":
        return change
    return f"{change} with data.replication.failover: {f'{failover} → ' if failover else ''}automatic"


def _what_if(activation: Activation, result: EngineResult, threshold: Any, depth: int = 0) -> list[str]:
    """Changes to stated design inputs that would break one of the conditions (through derived facts too)."""
    changes = [_safe_for_stores(record, change) for record, change in _changes(activation, result, threshold, depth)]
    return list(dict.fromkeys(changes))


def _changes(activation: Activation, result: EngineResult, threshold: Any, depth: int = 0) -> list[tuple[FactRecord, str]]:
    changes: list[tuple[FactRecord, str]] = []
    for pattern, record in activation.matched:
        origin = result.derived.get(record.key)
        if origin is not None and depth < 5:
            changes.extend(_changes(origin, result, threshold, depth + 1))
            continue
        for c in pattern.constraints:
            if c.op in ("bind", "present"):
                continue
            if c.field in record.remedies:
                changes.append((record, record.remedies[c.field]))
                continue
            if c.field.startswith(_NOT_REMEDIES):
                continue  # lowering an objective or wishing for less traffic is not a fix
            if c.op in ("gt", "ge") and c.field.endswith(_REDUNDANCY):
                continue  # "at least two replicas" scopes a rule; removing replicas is not a fix
            if c.field in record.inputs:
                change = _clearing(c, record.values.get(c.field), threshold)
                if change and _is_design(record, record.inputs[c.field]):
                    changes.append((record, change.replace(c.field, record.inputs[c.field], 1)))
                continue
            if c.field not in record.positions or not _is_design(record, c.field):
                continue
            change = _clearing(c, record.values.get(c.field), threshold)
            if change:
                changes.append((record, change))
    return changes


def build_findings(result: EngineResult, ruleset: RuleSet, thresholds: dict[str, float] | None = None,
                   docs_url: str | None = None) -> list[Finding]:
    """One finding per activation of a finding rule (identical findings merged), in a stable order."""

    def threshold(name: str) -> float:
        return ruleset.knowledge.threshold(name, thresholds)

    findings: dict[str, Finding] = {}
    thresholds_named = {"@" + name: threshold(name) for name in ruleset.knowledge.thresholds}
    for activation in result.activations:
        rule = activation.rule
        spec = rule.spec.then.finding
        assert spec is not None
        values = dict(activation.bindings)
        values.update(thresholds_named)
        subjects = tuple(template.render(s, values) for s in spec.subjects)
        fingerprint = "@".join((rule.id, *subjects))
        proof = tuple(_proof(r, p, activation, result, threshold) for p, r in activation.matched)
        entry = rule.knowledge
        finding = Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            title=rule.title,
            category=rule.category,
            severity=cast("Severity", activation.severity),
            subjects=subjects,
            message=template.render(spec.message, values),
            location=_location(_subject_record(activation, subjects).position) if activation.matched else None,
            explanation=Explanation(
                proof=proof,
                absent=_absent(rule.elements, activation.bindings, threshold),
                severity_reason=activation.severity_reason,
                what_if=tuple(_what_if(activation, result, threshold)),
            ),
            remedy=entry.fix.strip() if entry else "",
            references=tuple(f"{r.title} — {r.url}" if r.url else r.title for r in entry.references) if entry else (),
            help_uri=rule_help_uri(docs_url, rule.id) if rule.builtin else "",
            fingerprint=fingerprint,
        )
        previous = findings.get(fingerprint)
        if previous is None or _preferred(finding, previous):
            findings[fingerprint] = finding
    return sorted(findings.values(), key=sort_key)


def finding_keys(result: EngineResult, ruleset: RuleSet, thresholds: dict[str, float] | None = None) -> dict[str, str]:
    """Fingerprint → severity of the findings :func:`build_findings` would make, without building proofs.

    What the assessment needs when it re-runs the analysis with a change applied.
    """

    named = {"@" + name: ruleset.knowledge.threshold(name, thresholds) for name in ruleset.knowledge.thresholds}
    found: dict[str, str] = {}
    for activation in result.activations:
        spec = activation.rule.spec.then.finding
        assert spec is not None
        values = {**activation.bindings, **named}
        fingerprint = "@".join((activation.rule.id, *(template.render(s, values) for s in spec.subjects)))
        if fingerprint not in found or severity_rank(activation.severity) > severity_rank(found[fingerprint]):
            found[fingerprint] = activation.severity
    return found


def _preferred(new: Finding, old: Finding) -> bool:
    """The higher severity wins; a tie is settled by content, never by firing order (which varies)."""
    if _rank(new) != _rank(old):
        return _rank(new) > _rank(old)
    return new.model_dump_json() < old.model_dump_json()


def _subject_record(activation: Activation, subjects: tuple[str, ...]) -> FactRecord:
    """The matched fact that best locates the finding: one about a subject, else the first."""
    for _, record in activation.matched:
        if record.type in ("component", "dependency") and (
            record.values.get("name") in subjects or record.values.get("from") in subjects
        ):
            return record
    return activation.matched[0][1]


def _rank(finding: Finding) -> int:
    return severity_rank(finding.severity)


def sort_key(finding: Finding) -> tuple[Any, ...]:
    """Most severe first, then by file position, rule and subjects."""
    loc = finding.location
    return (-_rank(finding), loc.file if loc else "", loc.line if loc else 0, finding.rule_id, finding.subjects)
