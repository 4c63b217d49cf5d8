"""Design changes: read from a finding's what-ifs, placed on the subject its proof names, applied as an overlay.

A what-if reads ``field: old → new`` (several joined by `` and `` or `` with ``). The subject it applies to is
the first fact of the finding's proof (then its subjects) that states ``field`` with the value
``old``; a change whose subject cannot be found that way is not offered. Fields that describe
reality (the format's ``field_role``) are never changed, nor those ``knowledge/assessment.yaml`` lists
as not a plan step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..facts.build import flatten
from ..findings import Change, Finding, Proof
from ..language.template import show_value
from ..model import Architecture
from ..model.roles import field_role
from .knowledge import FieldKnowledge, matches

_PART = re.compile(r"^([A-Za-z_][\w.\-]*): (.+?) → (.+)$")
_SPLIT = re.compile(r" (?:and|with) (?=[A-Za-z_][\w.\-]*: )")
_NUMBER = re.compile(r"^-?[\d,]*\.?\d+(?:e[-+]?\d+)?$")
_NOT_DESIGN = ("objectives.", "traffic.", "growth.", "graph.", "capacity.")


def _number(text: str) -> float | int | None:
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    plain = text.replace(",", "")
    value = float(plain)
    return int(value) if "." not in plain and "e" not in plain and value.is_integer() else value


def new_value(text: str, old: Any) -> Any:
    """The value a what-if's right-hand side names (``below 5`` → the nearest value below 5)."""
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    bound = re.fullmatch(r"(below|above) (.+)", text)
    integer = isinstance(old, int) and not isinstance(old, bool)
    if bound:
        limit = _number(bound[2])
        if limit is None:
            return None
        if integer:
            return math.ceil(limit) - 1 if bound[1] == "below" else math.floor(limit) + 1
        return round(limit * (0.9 if bound[1] == "below" else 1.1), 6)
    number = _number(text)
    if number is not None:
        return int(number) if integer and float(number).is_integer() else number
    return text


def _labels(proofs: Iterable[Proof]) -> Iterator[str]:
    for proof in proofs:
        yield proof.fact
        yield from _labels(proof.premises)


class Entities:
    """The subjects of one architecture, by fact label, with their flattened stated fields."""

    def __init__(self, arch: Architecture):
        self.arch = arch
        self._flat: dict[str, dict[str, Any] | None] = {}
        self.deps = {(d.source, d.target): i for i, d in enumerate(arch.dependencies)}

    def flat(self, label: str) -> dict[str, Any] | None:
        if label not in self._flat:
            self._flat[label] = self._build(label)
        return self._flat[label]

    def _build(self, label: str) -> dict[str, Any] | None:
        kind, _, name = label.partition(" ")
        if kind == "component" and name in self.arch.components:
            return flatten(self.arch.components[name])
        if kind == "dependency":
            source, _, target = name.partition(" → ")
            if (source, target) in self.deps:
                return flatten(self.arch.dependencies[self.deps[(source, target)]])
        if kind == "system":
            return flatten(self.arch.system)
        return None

    def path(self, label: str, field: str) -> tuple[str | int, ...]:
        kind, _, name = label.partition(" ")
        parts = tuple(field.split("."))
        if kind == "component":
            return ("components", name, *parts)
        if kind == "dependency":
            source, _, target = name.partition(" → ")
            return ("dependencies", self.deps[(source, target)], *parts)
        return ("system", *parts)

    def candidates(self, finding: Finding) -> list[str]:
        """Fact labels to try, in order: the proof's facts, then the finding's subjects."""
        labels = [label for label in _labels(finding.explanation.proof) if label.split(" ", 1)[0] in ("component", "dependency")]
        subjects = finding.subjects
        labels += [f"dependency {a} → {b}" for a, b in zip(subjects, subjects[1:])]
        labels += [f"component {s}" for s in subjects]
        labels.append("system")
        return list(dict.fromkeys(label for label in labels if self.flat(label) is not None))


def _short(label: str) -> str:
    return label.partition(" ")[2] or label


def changes_of(finding: Finding, entities: Entities, known: FieldKnowledge) -> list[tuple[Change, ...]]:
    """The design changes a finding's what-ifs name, each a tuple of field changes; decisions excluded."""
    found = []
    for what_if in finding.explanation.what_if:
        parts = []
        for text in _SPLIT.split(what_if):
            match = _PART.match(text.strip())
            if not match:
                break
            field, old_text, new_text = match.groups()
            if field.startswith(_NOT_DESIGN) or field in known.description or field in known.decisions:
                break
            change = _place(finding, entities, field, old_text, new_text)
            if change is None or role(change) == "reality":
                break
            parts.append(change)
        else:
            if parts:
                found.append(tuple(parts))
    return found


def decisions_of(finding: Finding, entities: Entities, known: FieldKnowledge) -> list[tuple[str, Change]]:
    """What-ifs on decision fields: (field, the change it would be)."""
    found = []
    for what_if in finding.explanation.what_if:
        for text in _SPLIT.split(what_if):
            match = _PART.match(text.strip())
            if match and match[1] in known.decisions:
                change = _place(finding, entities, match[1], match[2], match[3])
                if change is not None:
                    found.append((match[1], change))
    return found


def _place(finding: Finding, entities: Entities, field: str, old_text: str, new_text: str) -> Change | None:
    unstated = None
    for label in entities.candidates(finding):
        flat = entities.flat(label) or {}
        if field in flat and show_value(flat[field]) == old_text:
            return _change(entities, label, field, flat[field], new_value(new_text, flat[field]))
        if field not in flat and unstated is None and field == "replicas" and old_text == "1" and label.startswith("component"):
            unstated = label  # replicas not stated: one instance
    if unstated is not None:
        return _change(entities, unstated, field, None, new_value(new_text, 1))
    return None


def _change(entities: Entities, label: str, field: str, old: Any, new: Any) -> Change | None:
    if new is None or new == old:
        return None
    subject = label if not label.startswith("system") else "system"
    return Change(subject=subject, path=entities.path(label, field), old=old, new=new,
                  text=f"{_short(subject)}: {field} {show_value(old) if old is not None else 'not stated'} → {show_value(new)}")


def role(change: Change) -> str | None:
    """``design`` or ``reality`` (the format's own classification of the field), None when it has none."""
    section = str(change.path[0])
    prefix = "system" if section == "system" else f"{section}.*"
    return field_role(f"{prefix}.{field_of(change)}")


def field_of(change: Change) -> str:
    """The dotted field a change sets (``data.replication.failover``)."""
    start = 1 if change.path[0] == "system" else 2
    return ".".join(str(p) for p in change.path[start:])


def with_costs(changes: Iterable[Change], arch: Architecture, known: FieldKnowledge) -> tuple[Change, ...]:
    """The changes plus, where a component's replicas grow, its stated hourly cost in proportion."""
    result = list(changes)
    for change in list(result):
        if change.path[0] != "components" or not matches(field_of(change), known.cost_follows):
            continue
        comp = arch.components.get(str(change.path[1]))
        if comp is None or comp.hourly_cost is None or not isinstance(change.new, int):
            continue
        before = change.old if isinstance(change.old, int) and change.old > 0 else (comp.replicas or 1)
        if change.new <= before or any(c.path == ("components", change.path[1], "hourly_cost") for c in result):
            continue
        cost = round(comp.hourly_cost * change.new / before, 6)
        result.append(Change(subject=change.subject, path=("components", change.path[1], "hourly_cost"),
                             old=comp.hourly_cost, new=cost,
                             text=f"{change.path[1]}: hourly_cost {show_value(comp.hourly_cost)} → {show_value(cost)} "
                                  f"(cost follows {field_of(change)}, assumed)"))
    return tuple(result)


def overlay(changes: Iterable[Change], arch: Architecture) -> dict[str, Any]:
    """The changes as an overlay that ``extends`` merges onto the file (dependencies by from/to)."""
    out: dict[str, Any] = {}
    deps: dict[int, dict[str, Any]] = {}
    for change in changes:
        if change.path[0] == "dependencies":
            index = int(change.path[1])
            dep = arch.dependencies[index]
            node = deps.setdefault(index, {"from": dep.source, "to": dep.target})
            _set(node, [str(p) for p in change.path[2:]], change.new)
        else:
            _set(out, [str(p) for p in change.path], change.new)
    if deps:
        out["dependencies"] = [deps[i] for i in sorted(deps)]
    return out


def _set(node: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def key(changes: tuple[Change, ...]) -> str:
    """A stable identity of a set of changes."""
    return " and ".join(sorted(c.text for c in changes))


def summary(changes: Iterable[Change], shown: int = 2) -> str:
    """The changes in a few words: per subject its field changes, subjects with the same changes together
    (``on 12 calls (a → b, c → d, …)`` beyond ``shown`` of them)."""
    per: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for change in changes:
        if "(cost follows" in change.text:
            continue
        name = change.subject.partition(" ")[2] or change.subject
        old = f"{show_value(change.old)} " if change.old is not None else ""
        per.setdefault(name, []).append(f"{field_of(change)} {old}→ {show_value(change.new)}")
        kinds[name] = "calls" if change.path[0] == "dependencies" else "components"
    same: dict[tuple[str, ...], list[str]] = {}
    for name, parts in per.items():
        same.setdefault(tuple(parts), []).append(name)
    out = []
    for fields, names in same.items():
        if len(names) > shown:
            out.append(f"{', '.join(fields)} on {len(names)} {kinds[names[0]]} ({', '.join(names[:shown])}, …)")
        else:
            out.append(f"{', '.join(names)}: {', '.join(fields)}")
    return "; ".join(out)
