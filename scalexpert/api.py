"""The library entry point: ``check(source) -> Report``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .analysis.graph import analyse_graph
from .config import Config
from .engine import run_rules
from .errors import ConfigError, UsageError
from .explain import build_findings
from .facts.build import build_facts
from .findings import Assumption, Report
from .language.ruleset import CompiledRule, RuleSet, load_ruleset
from .loader import LoadedArchitecture, SourceMap, load_file, load_text
from .model import Architecture

Source = "str | os.PathLike[str] | Architecture | LoadedArchitecture"


def load(source: str | os.PathLike[str] | Architecture | LoadedArchitecture) -> LoadedArchitecture:
    """Load a path, YAML text or model into a LoadedArchitecture."""
    if isinstance(source, LoadedArchitecture):
        return source
    if isinstance(source, Architecture):
        return LoadedArchitecture(model=source, source=SourceMap("<model>"), file="<model>")
    if isinstance(source, os.PathLike):
        return load_file(source)
    if isinstance(source, str):
        if "\n" not in source and len(source) < 4096 and not source.lstrip().startswith("version"):
            return load_file(source)
        return load_text(source)
    raise UsageError(f"cannot check a {type(source).__name__}: give a path, YAML text or an Architecture")


def rules_for(config: Config, rules: RuleSet | Sequence[str | os.PathLike[str]] | None = None) -> RuleSet:
    """The rule set to use: given, or built-in plus the configured and given folders."""
    if isinstance(rules, RuleSet):
        return rules
    folders = [*config.rules, *(str(r) for r in rules or [])]
    return _cached_ruleset(tuple(folders))


_RULESETS: dict[tuple[str, ...], RuleSet] = {}


def _cached_ruleset(folders: tuple[str, ...]) -> RuleSet:
    key = tuple(str(Path(f).resolve()) for f in folders)
    if key not in _RULESETS:
        _RULESETS[key] = load_ruleset(list(folders))
    return _RULESETS[key]


def selector(config: Config, ruleset: RuleSet) -> Any:
    """A predicate choosing the rules to run from ``enable``/``disable`` (ids, names or categories)."""
    known = {key for r in ruleset.rules for key in (r.id, r.name, r.category, *r.spec.aliases)}
    for key in [*config.enable, *config.disable, *config.severity]:
        if key not in known:
            raise ConfigError(f"unknown rule or category {key!r} in configuration")

    def chosen(rule: CompiledRule) -> bool:
        keys = {rule.id, rule.name, rule.category, *rule.spec.aliases}
        if config.enable and rule.is_finding and not keys & set(config.enable):
            return False
        return not (rule.is_finding and keys & set(config.disable))

    return chosen


def check(
    source: str | os.PathLike[str] | Architecture | LoadedArchitecture,
    *,
    rules: RuleSet | Sequence[str | os.PathLike[str]] | None = None,
    config: Config | None = None,
) -> Report:
    """Check one architecture (a path, YAML text or a model) and return the report."""
    config = config or Config()
    loaded = load(source)
    ruleset = rules_for(config, rules)
    graph = analyse_graph(loaded.model)
    capacity = _capacity(loaded.model, config)
    records = build_facts(loaded, graph, capacity)
    severities = {}
    for key, level in config.severity.items():
        rule = ruleset.find(key)
        if rule is not None:
            severities[rule.id] = level
    result = run_rules(records, ruleset, thresholds=config.thresholds, enabled=selector(config, ruleset),
                       severities=severities)
    findings = build_findings(result, ruleset, config.thresholds)
    from .suppressions import apply_suppressions

    findings, problems = apply_suppressions(findings, loaded, enabled=config.suppressions)
    return Report(
        tool_version=__version__,
        file=loaded.file,
        system=loaded.model.system.name,
        findings=tuple(findings),
        rules_evaluated=sum(1 for r in ruleset.finding_rules if selector(config, ruleset)(r)),
        assumptions=tuple(_assumptions(capacity)),
        capacity=capacity.model_dump(mode="json") if capacity is not None and hasattr(capacity, "model_dump") else None,
        problems=tuple(problems),
    )


def _capacity(arch: Architecture, config: Config) -> Any:
    try:
        from .analysis import capacity
    except ImportError:  # pragma: no cover - shipped with the package
        return None
    analyse = getattr(capacity, "analyse", None)
    return analyse(arch, growth=config.growth) if analyse else None


def _assumptions(capacity: Any) -> list[Assumption]:
    found = []
    for item in getattr(capacity, "assumptions", None) or []:
        data = item.model_dump() if hasattr(item, "model_dump") else dict(item)
        found.append(Assumption(
            subject=str(data.get("component") or data.get("subject") or "system"),
            field=str(data.get("field", "")),
            value=data.get("value"),
            source=str(data.get("source", "")),
        ))
    return found
