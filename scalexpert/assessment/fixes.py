"""The design change a knowledge entry recommends, read from its examples, placed on a finding's subjects.

Every knowledge entry's good example is a near miss of its anti-pattern: the fields that differ on the
anti-pattern's subjects are the change the knowledge recommends (SPOF-001: ``replicas 1 → 3`` with
``zones → 3``; RES-006: ``backoff none → exponential`` with ``jitter → true``). A finding gets that
change on its own subjects: the component at the same position among its subjects, the call between
its first two subjects, the calls into it or the components that call it, or the system, as the
example has it. Values follow the example's direction: a number the good example raises is raised
to at least its value (never lowered), one it lowers is lowered to at most its value; a list of zone
names becomes a count (``count_fields`` in knowledge/assessment.yaml). Fields the example removes,
lists of names and components the example adds cannot be placed and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ..findings import Change
from ..loader.yamlsource import safe_load
from ..language.template import show_value
from ..model.roles import field_role
from .changes import Entities
from .knowledge import FieldKnowledge

NOT_DESIGN = ("objectives.", "traffic.", "growth.", "graph.", "capacity.", "failure_domains.")
IDENTITY = frozenset({"name", "kind", "from", "to", "technology", "description", "role", "zones_names"})


@dataclass(frozen=True)
class FieldFix:
    """One field of an entry's near miss: where it sits relative to the finding's subjects, and its values."""

    where: str  # component | call | incoming | callers | system
    index: int
    field: str
    before: Any
    after: Any


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    if isinstance(node, Mapping):
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, Mapping):
                flat.update(_flat(value, f"{name}."))
            else:
                flat[name] = value
    return flat


def _deps(doc: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for dep in doc.get("dependencies") or []:
        if isinstance(dep, Mapping) and "from" in dep and "to" in dep:
            found[(str(dep["from"]), str(dep["to"]))] = {k: v for k, v in _flat(dep).items() if k not in ("from", "to")}
    return found


def _diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


_CACHE: dict[tuple[str, str, str], tuple[FieldFix, ...]] = {}

def entry_fixes(entry: Any) -> tuple[FieldFix, ...]:
    """The near miss of an entry's examples as field fixes (empty without examples or an expected subject)."""
    examples = getattr(entry, "examples", None)
    if examples is None or not examples.anti_pattern.expect:
        return ()
    key = (str(entry.id), examples.anti_pattern.architecture, examples.good.architecture)
    if key not in _CACHE:
        _CACHE[key] = _compute(examples.anti_pattern.architecture, examples.good.architecture,
                               [str(n) for n in examples.anti_pattern.expect[0]])
    return _CACHE[key]


def _compute(anti_text: str, good_text: str, names: list[str]) -> tuple[FieldFix, ...]:
    try:
        anti, good = safe_load(anti_text), safe_load(good_text)
    except yaml.YAMLError:  # pragma: no cover - the knowledge tests load every example
        return ()
    if not isinstance(anti, Mapping) or not isinstance(good, Mapping):
        return ()
    position = {name: i for i, name in reversed(list(enumerate(names)))}
    anti_deps, good_deps = _deps(anti), _deps(good)
    fixes: list[FieldFix] = []
    comps_a, comps_g = anti.get("components") or {}, good.get("components") or {}
    for name in sorted(set(comps_a) & set(comps_g)):
        if name in position:
            where, index = "component", position[name]
        else:
            callee = next((position[t] for (s, t) in sorted(anti_deps) if s == name and t in position), None)
            if callee is None:
                continue
            where, index = "callers", callee
        for field, before, after in _diff(_flat(comps_a[name]), _flat(comps_g[name])):
            fixes.append(FieldFix(where, index, field, before, after))
    for (source, target) in sorted(set(anti_deps) & set(good_deps)):
        if source in position and target in position and position[target] == position[source] + 1:
            where, index = "call", position[source]
        elif target in position and source not in position:
            where, index = "incoming", position[target]
        else:
            continue
        for field, before, after in _diff(anti_deps[(source, target)], good_deps[(source, target)]):
            fixes.append(FieldFix(where, index, field, before, after))
    for field, before, after in _diff(_flat(anti.get("system")), _flat(good.get("system"))):
        fixes.append(FieldFix("system", 0, field, before, after))
    return tuple(fixes)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def new_value(fix: FieldFix, current: Any, known: FieldKnowledge) -> Any:
    """The value the fix sets on a subject stating ``current`` (None: nothing to change, or not placeable)."""
    after, before = fix.after, fix.before
    if after is None or isinstance(after, Mapping):
        return None
    if fix.field in known.count_fields:
        need = len(after) if isinstance(after, (list, tuple)) else after
        have = len(current) if isinstance(current, (list, tuple)) else current
        if not _number(need) or (_number(have) and have >= need):
            return None
        return int(need)
    if isinstance(after, (list, tuple)):
        return None
    if _number(after):
        if fix.field == "replicas" and current is None:
            current = 1
        lowers = _number(before) and after < before
        if _number(current) and (current <= after if lowers else current >= after):
            return None
        return after
    if current == after:
        return None
    return after


def is_design(section: str, field: str, known: FieldKnowledge) -> bool:
    """Whether a plan may change the field (not a description of reality, an objective, or an identity)."""
    if field.startswith(NOT_DESIGN) or field in IDENTITY or field in known.description:
        return False
    prefix = "system" if section == "system" else f"{section}.*"
    return field_role(f"{prefix}.{field}") != "reality"


def place(fixes: Iterable[FieldFix], subjects: tuple[str, ...], entities: Entities,
          known: FieldKnowledge) -> tuple[tuple[Change, ...], bool]:
    """The fixes on a finding's subjects, and whether the change is a decision (a field the plan only offers)."""
    arch = entities.arch
    changes: dict[tuple[str | int, ...], Change] = {}
    decision = False
    for fix in fixes:
        labels: list[str] = []
        subject = subjects[fix.index] if fix.index < len(subjects) else None
        if fix.where == "system":
            labels = ["system"]
        elif subject is None:
            continue
        elif fix.where == "component" and subject in arch.components:
            labels = [f"component {subject}"]
        elif fix.where == "call" and fix.index + 1 < len(subjects):
            labels = [f"dependency {subject} → {subjects[fix.index + 1]}"]
        elif fix.where == "incoming":
            labels = [f"dependency {s} → {t}" for (s, t) in entities.deps if t == subject]
        elif fix.where == "callers":
            labels = list(dict.fromkeys(f"component {s}" for (s, t) in entities.deps if t == subject))
        section = "system" if fix.where == "system" else ("dependencies" if fix.where in ("call", "incoming") else "components")
        if not is_design(section, fix.field, known):
            continue
        if fix.field in known.decisions:
            decision = True
            continue
        for label in labels:
            flat = entities.flat(label)
            if flat is None:
                continue
            current = flat.get(fix.field)
            if isinstance(current, tuple):
                current = list(current)
            new = new_value(fix, current, known)
            if new is None:
                continue
            path = entities.path(label, fix.field)
            name = label.partition(" ")[2] if label != "system" else "system"
            shown = show_value(current) if current is not None else "not stated"
            changes[path] = Change(subject=label, path=path, old=current, new=new,
                                   text=f"{name}: {fix.field} {shown} → {show_value(new)}")
    return tuple(changes.values()), decision


def removes(change: Change) -> bool:
    """Whether a change turns a feature off (a count to 0, a flag to false, a mode to none)."""
    off = change.new in (0, False, "none") and not (isinstance(change.new, float) and change.new != 0)
    return bool(off) and change.old not in (None, 0, False, "none")


def endorsed(change: Change, fixes: Iterable[FieldFix]) -> bool:
    """Whether the knowledge's near miss makes the same move on the same field (so removing is the advice)."""
    field = ".".join(str(p) for p in change.path[1 if change.path[0] == "system" else 2:])
    return any(f.field == field and f.after == change.new for f in fixes)
