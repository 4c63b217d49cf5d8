"""What the assessment knows about the format's fields, read from ``knowledge/assessment.yaml``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..loader.yamlsource import parse
from ..shipped import shipped_dir

FILE = "assessment.yaml"


@dataclass(frozen=True)
class OrderRule:
    """Changes to ``first`` fields come before changes to ``then`` fields."""

    first: tuple[str, ...]
    then: tuple[str, ...]
    same_subject: bool
    reason: str


@dataclass(frozen=True)
class DecisionSpec:
    """A change that trades one property for another: offered as options, never applied."""

    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class FieldKnowledge:
    """Description fields, decision fields, ordering rules and cost-following fields."""

    description: frozenset[str] = frozenset()
    decisions: dict[str, DecisionSpec] = field(default_factory=dict)
    order: tuple[OrderRule, ...] = ()
    cost_follows: tuple[str, ...] = ()
    count_fields: frozenset[str] = frozenset()


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    """Whether a dotted field name is one of ``patterns`` (``x.`` matches everything below ``x``)."""
    return any(name == p or (p.endswith(".") and name.startswith(p)) for p in patterns)


@functools.lru_cache(maxsize=1)
def field_knowledge() -> FieldKnowledge:
    """The built-in assessment knowledge (shipped with the package)."""
    path = shipped_dir("scalexpert.builtin_knowledge", "knowledge") / FILE
    raw, _ = parse(path.read_text("utf-8"), str(path))
    decisions = {str(k): DecisionSpec(str(v["question"]), tuple(str(o) for o in v["options"]))
                 for k, v in (raw.get("decision_fields") or {}).items()}
    order = tuple(OrderRule(tuple(r["first"]), tuple(r["then"]), bool(r.get("same_subject")), str(r["reason"]))
                  for r in raw.get("order") or [])
    return FieldKnowledge(frozenset(raw.get("description_fields") or ()), decisions, order,
                          tuple(raw.get("cost_follows") or ()), frozenset(raw.get("count_fields") or ()))
