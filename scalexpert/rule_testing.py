"""Running rule fixtures: the examples of knowledge entries and ``*.test.yaml`` files beside rules.

A fixture file holds cases; each case is an architecture (YAML text or mapping) and the findings
the rule must report on it, as lists of subjects (an empty list: it must not fire)::

    rule: TEAM-001
    cases:
      - name: fires-on-single-db
        architecture: |
          version: 1
          components: {db: {kind: database, replicas: 1}}
        expect: [[db]]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from .config import Config
from .errors import InputError, RuleError
from .language.ruleset import CompiledRule, RuleSet
from .loader import load_text, read_text
from .loader.typed import model_problems
from .loader.yamlsource import parse
from .model.base import StrictModel


class FixtureCase(StrictModel):
    """One case of a fixture file."""

    name: str = Field(min_length=1)
    architecture: str | dict[str, Any]
    expect: list[list[str]] = Field(default_factory=list)


class FixtureFile(StrictModel):
    """A ``*.test.yaml`` file."""

    rule: str
    cases: list[FixtureCase] = Field(min_length=1)


@dataclass(frozen=True)
class Case:
    """A runnable case: which rule, which architecture, which findings are expected."""

    rule_id: str
    name: str
    architecture: str
    expect: tuple[tuple[str, ...], ...]
    origin: str


@dataclass(frozen=True)
class CaseResult:
    """What running a case gave."""

    case: Case
    found: tuple[tuple[str, ...], ...]
    error: str | None = None

    @property
    def passed(self) -> bool:
        """Found exactly the expected findings."""
        return self.error is None and sorted(self.found) == sorted(self.case.expect)


def knowledge_cases(rule: CompiledRule) -> list[Case]:
    """The two examples of a rule's knowledge entry as cases."""
    entry = rule.knowledge
    if entry is None or entry.examples is None:
        return []
    origin = f"knowledge {entry.id}"
    return [
        Case(rule.id, "anti_pattern", entry.examples.anti_pattern.architecture,
             tuple(tuple(s) for s in entry.examples.anti_pattern.expect), origin),
        Case(rule.id, "good", entry.examples.good.architecture, tuple(tuple(s) for s in entry.examples.good.expect), origin),
    ]


def fixture_cases(path: Path) -> list[Case]:
    """Cases of one ``*.test.yaml`` file."""
    file = str(path)
    raw, source = parse(read_text(file), file)  # bounded; regular files only
    fixture, problems = model_problems(FixtureFile, raw, source)
    if fixture is None:
        raise RuleError(problems)
    cases = []
    for case in fixture.cases:
        text = case.architecture if isinstance(case.architecture, str) else yaml.safe_dump(case.architecture, sort_keys=False)
        cases.append(Case(fixture.rule, case.name, text, tuple(tuple(s) for s in case.expect), f"{file}#{case.name}"))
    return cases


def folder_cases(folder: Path) -> list[Case]:
    """Every fixture case below a folder."""
    return [case for path in sorted(folder.rglob("*.test.y*ml")) for case in fixture_cases(path)]


def run_case(case: Case, ruleset: RuleSet) -> CaseResult:
    """Check the case's architecture with only its rule (and the derivation rules) enabled."""
    from .api import check

    rule = ruleset.find(case.rule_id)
    if rule is None:
        return CaseResult(case, (), f"unknown rule {case.rule_id}")
    try:
        loaded = load_text(case.architecture, file=case.origin)
        report = check(loaded, rules=ruleset, config=Config(enable=[rule.id], suppressions=False))
    except (InputError, RuleError) as exc:
        return CaseResult(case, (), str(exc))
    found = tuple(f.subjects for f in report.findings if f.rule_id == rule.id)
    return CaseResult(case, found)


def describe(result: CaseResult) -> str:
    """One line per case: PASS/FAIL, rule, case, and what differed."""
    state = "PASS" if result.passed else "FAIL"
    line = f"{state} {result.case.rule_id} {result.case.name} ({result.case.origin})"
    if result.error:
        return f"{line}: {result.error}"
    if not result.passed:
        return f"{line}: expected {list(map(list, result.case.expect))}, found {list(map(list, result.found))}"
    return line
