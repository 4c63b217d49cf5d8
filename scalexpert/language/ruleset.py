"""Loading rule files (built-in ``rules/`` and users' folders) into a checked rule set."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, InputError, RuleError
from ..facts.schema import FactType, FieldSpec, FieldType, base_fact_types
from ..knowledge_base import KnowledgeBase, KnowledgeEntry, load_knowledge
from ..knowledge_base import builtin_dir as builtin_knowledge_dir
from ..loader.load import read_text
from ..loader.typed import model_problems
from ..loader.yamlsource import Path, SourceMap, format_path, parse
from ..shipped import shipped_dir
from . import template
from .operators import OPERATIONS
from .conditions import ConditionParser, Element, Var, all_patterns
from .spec import RuleSpec

_TYPES: dict[type, FieldType] = {bool: "boolean", int: "integer", float: "number", str: "text"}


@dataclass
class CompiledRule:
    """A rule file, checked against the fact schema and the knowledge base."""

    spec: RuleSpec
    file: str
    source: SourceMap
    elements: tuple[Element, ...]
    variables: dict[str, FieldSpec]
    knowledge: KnowledgeEntry | None
    builtin: bool

    @property
    def id(self) -> str:
        """Stable id."""
        return self.spec.id

    @property
    def name(self) -> str:
        """Dotted name."""
        return self.spec.name

    @property
    def is_finding(self) -> bool:
        """Concludes a finding (rather than a derived fact)."""
        return self.spec.then.finding is not None

    @property
    def category(self) -> str:
        """Area of the knowledge base (from its entry)."""
        return self.knowledge.category if self.knowledge else "meta"

    @property
    def title(self) -> str:
        """Title from the knowledge entry, else the description or name."""
        return self.knowledge.title if self.knowledge else (self.spec.description or self.name)

    # Pickled (in the rule cache), a rule keeps its source map (thousands of positions, read only to report
    # a problem in the rule file) as the bytes of its own pickle, unpacked the first time it is used:
    # reading the built-in rule set back takes about 10 ms instead of 24.

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        source = state.pop("source", None)
        packed = state.pop(_PACKED, None)
        state[_PACKED] = packed if source is None else pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    if not TYPE_CHECKING:  # (so that type checkers still refuse unknown attributes)
        def __getattr__(self, name: str) -> Any:
            packed = self.__dict__.get(_PACKED) if name == "source" else None
            if packed is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            source = pickle.loads(packed)  # noqa: S301 - part of the rule-cache entry this rule came from
            self.__dict__["source"] = source
            del self.__dict__[_PACKED]
            return source


_PACKED = "_packed_source"


@dataclass
class RuleSet:
    """Rules in id order, the fact types they use (base and derived) and the knowledge base."""

    rules: list[CompiledRule]
    fact_types: dict[str, FactType]
    knowledge: KnowledgeBase
    lookup: dict[str, CompiledRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for rule in self.rules:
            for key in (rule.id, rule.name, *rule.spec.aliases):
                self.lookup[key] = rule

    def find(self, key: str) -> CompiledRule | None:
        """A rule by id, name or alias."""
        return self.lookup.get(key)

    def used_fields(self) -> dict[str, set[str]]:
        """Fields that patterns bind or join on; facts handed to experta need only these."""
        if not hasattr(self, "_used"):
            used: dict[str, set[str]] = {}
            for rule in self.rules:
                for pattern in all_patterns(rule.elements):
                    used.setdefault(pattern.fact, set()).update(
                        c.field for c in pattern.constraints if c.op == "bind" or isinstance(c.operand, Var)
                    )
            self._used = used
        return self._used

    @property
    def finding_rules(self) -> list[CompiledRule]:
        """Rules that conclude findings."""
        return [r for r in self.rules if r.is_finding]


def builtin_rules_dir() -> FsPath:
    """Folder of the built-in rules."""
    return shipped_dir("scalexpert.builtin_rules", "rules")


def rule_files(folder: FsPath) -> list[FsPath]:
    """Rule files of a folder (recursively), fixtures excluded, in a stable order."""
    return sorted(p for p in folder.rglob("*.y*ml") if not p.name.endswith((".test.yaml", ".test.yml")))


def load_ruleset(
    extra_dirs: list[str | os.PathLike[str]] | None = None,
    *,
    builtin: bool = True,
    knowledge: KnowledgeBase | None = None,
) -> RuleSet:
    """Read and check the built-in rules and the rules of ``extra_dirs``.

    With the built-in knowledge base (``knowledge`` not given), the checked rule set is kept in the
    rule cache (:mod:`scalexpert.cache`), keyed by the content of every file read.
    """
    files: list[tuple[FsPath, bool]] = [(p, True) for p in rule_files(builtin_rules_dir())] if builtin else []
    for folder in extra_dirs or []:
        path = FsPath(folder)
        if not path.is_dir():
            raise RuleError(Diagnostic(str(folder), 0, 0, "", "rules folder not found (expected a directory)"))
        files.extend((p, False) for p in rule_files(path))
    if knowledge is not None:
        return _load(files, knowledge)
    from .. import cache

    read = [*sorted(builtin_knowledge_dir().rglob("*.yaml")), *(p for p, _ in files)]
    kind = "ruleset " + " ".join(f"{int(b)}:{p}" for p, b in files)
    return cache.cached(read, kind, lambda: _load(files, load_knowledge()), RuleSet)


def _load(files: list[tuple[FsPath, bool]], kb: KnowledgeBase) -> RuleSet:
    problems: list[Diagnostic] = []
    pending: list[tuple[RuleSpec, Any, SourceMap, str, bool]] = []
    for path, is_builtin in files:
        read = _read_spec(path)
        if isinstance(read, list):
            problems.extend(read)
        else:
            pending.append((*read, is_builtin))
    fact_types = dict(base_fact_types())
    rules = _compile_all(pending, fact_types, kb, problems)
    _check_unique(rules, problems)
    if problems:
        raise RuleError(sorted(set(problems), key=lambda d: (d.file, d.line, d.column, d.message)))
    return RuleSet(sorted(rules, key=lambda r: r.id), fact_types, kb)


def _read_spec(path: FsPath) -> tuple[RuleSpec, Any, SourceMap, str] | list[Diagnostic]:
    file = str(path)
    try:  # read_text: regular files only, within the size limit (a rules folder may hold anything)
        raw, source = parse(read_text(file), file)
    except InputError as exc:
        return list(exc.diagnostics)
    spec, problems = model_problems(RuleSpec, raw, source)
    if spec is None:
        return problems
    return spec, raw, source, file


def _referenced_facts(raw: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(raw, list):
        for item in raw:
            found |= _referenced_facts(item)
    elif isinstance(raw, dict):
        for key, value in raw.items():
            if key in ("not", "exists", "any"):
                found |= _referenced_facts(value if isinstance(value, list) else [value])
            else:
                found.add(str(key))
    return found


def _compile_all(
    pending: list[tuple[RuleSpec, Any, SourceMap, str, bool]],
    fact_types: dict[str, FactType],
    kb: KnowledgeBase,
    problems: list[Diagnostic],
) -> list[CompiledRule]:
    rules: list[CompiledRule] = []
    waiting = list(pending)
    while waiting:
        unfinished = {spec.then.derive.fact for spec, *_ in waiting if spec.then.derive}
        ready = [p for p in waiting if not (_referenced_facts(p[1].get("when")) & unfinished)]
        if not ready:  # derived facts that depend on each other in a cycle: report them as unknown
            ready = waiting
        for item in ready:
            waiting.remove(item)
            rule = _compile_one(*item, fact_types, kb, problems)
            if rule is not None:
                rules.append(rule)
    return rules


def _compile_one(
    spec: RuleSpec, raw: Any, source: SourceMap, file: str, is_builtin: bool,
    fact_types: dict[str, FactType], kb: KnowledgeBase, problems: list[Diagnostic],
) -> CompiledRule | None:
    parser = ConditionParser(fact_types, set(kb.thresholds), source)
    knowledge = _knowledge_for(spec, raw, source, file, kb, parser)  # first: an inline entry adds thresholds
    elements = parser.parse(raw["when"], ("when",))
    _check_conclusion(spec, parser, fact_types)
    problems.extend(parser.problems)
    if parser.problems:
        return None
    return CompiledRule(spec, file, source, elements, dict(parser.bound), knowledge, is_builtin)


def _knowledge_for(
    spec: RuleSpec, raw: Any, source: SourceMap, file: str, kb: KnowledgeBase, parser: ConditionParser
) -> KnowledgeEntry | None:
    if isinstance(spec.knowledge, dict):
        inline = {"id": spec.id, **spec.knowledge}
        entry, found = model_problems(KnowledgeEntry, inline, source, ("knowledge",))
        parser.problems.extend(found)
        if entry is not None and entry.category not in kb.categories:
            parser.fail(("knowledge", "category"), f"unknown category {entry.category!r}")
        if entry is not None:  # users' rules name their own thresholds, like built-in knowledge entries
            _add_thresholds(entry, kb, parser)
        return entry
    key = spec.knowledge or spec.id
    entry = kb.entries.get(key)
    if entry is None and (spec.knowledge is not None or spec.then.finding is not None):
        parser.fail(("knowledge",) if spec.knowledge else ("id",), f"no knowledge entry {key!r} in knowledge/")
    return entry


def _add_thresholds(entry: KnowledgeEntry, kb: KnowledgeBase, parser: ConditionParser) -> None:
    """Make an inline entry's thresholds known to its conditions, and their values to the engine."""
    for name, threshold in entry.thresholds.items():
        owner = kb.thresholds.get(name, (threshold, entry.id))[1]
        if owner != entry.id:
            parser.fail(("knowledge", "thresholds", name), f"threshold {name!r} already defined by {owner}")
            continue
        kb.thresholds[name] = (threshold, entry.id)
        parser.thresholds.add(name)


def _check_conclusion(spec: RuleSpec, parser: ConditionParser, fact_types: dict[str, FactType]) -> None:
    bound = parser.bound
    if spec.then.finding is not None:
        finding = spec.then.finding
        texts: list[tuple[Path, str]] = [(("then", "finding", "message"), finding.message)]
        texts += [(("then", "finding", "subjects", i), s) for i, s in enumerate(finding.subjects)]
        for path, text in texts:
            try:
                names = template.placeholders(text)
            except ValueError as exc:
                parser.fail(path, str(exc))
                continue
            for name, _ in names:
                known = name[1:] in parser.thresholds if name.startswith("@") else name in bound
                if not known:
                    parser.fail(path, f"{{{name}}} is not a bound variable or threshold")
        for i, step in enumerate(finding.escalate):
            for var, ops in step.when.items():
                base = ("then", "finding", "escalate", i, "when", var)
                if var not in bound and var not in parser.partly_bound:
                    parser.fail(base, f"variable {var!r} is not bound")
                for op, operand in ops.items():
                    if op not in OPERATIONS:
                        parser.fail((*base, op), f"unknown operator {op!r}")
                    elif isinstance(operand, str) and operand.startswith("@") and operand[1:] not in parser.thresholds:
                        parser.fail((*base, op), f"unknown threshold {operand}")
        return
    derive = spec.then.derive
    assert derive is not None
    if derive.fact in base_fact_types():
        parser.fail(("then", "derive", "fact"), f"{derive.fact!r} is a base fact type; derive a new type")
        return
    fact = fact_types.setdefault(derive.fact, FactType(derive.fact, f"Derived by rules such as {spec.id}.", derived=True))
    for name, value in derive.fields.items():
        path = ("then", "derive", "fields", name)
        if isinstance(value, str) and value.startswith("$"):
            if value[1:] not in bound:
                parser.fail(path, f"variable {value} is not bound")
                continue
            kind = bound[value[1:]].type
        elif type(value) in _TYPES:
            kind = _TYPES[type(value)]
        else:
            parser.fail(path, "a derived field is a '$variable' or a plain value")
            continue
        existing = fact.fields.get(str(name))
        if existing and existing.type != kind and {existing.type, kind} != {"integer", "number"}:
            parser.fail(path, f"{derive.fact}.{name} is {existing.type} elsewhere, {kind} here")
        fact.add(FieldSpec(str(name), kind, f"Set by {spec.id}.", "derived"))


def _check_unique(rules: list[CompiledRule], problems: list[Diagnostic]) -> None:
    seen: dict[str, CompiledRule] = {}
    for rule in sorted(rules, key=lambda r: (not r.builtin, r.file)):
        for key, path in ((rule.id, ("id",)), (rule.name, ("name",)), *((a, ("aliases",)) for a in rule.spec.aliases)):
            if key in seen and seen[key] is not rule:
                pos = rule.source.position(path)
                problems.append(Diagnostic(rule.file, pos.line, pos.column, format_path(path),
                                           f"{key!r} is already used by {seen[key].file}"))
            seen.setdefault(key, rule)
