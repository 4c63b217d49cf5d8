"""The catalogue's shape: file name = rule id, folder = category, one id prefix per category, old ids kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalexpert.api import rules_for
from scalexpert.config import Config
from scalexpert.language.ruleset import RuleSet, builtin_rules_dir

RENAMED = {
    "MS-005": "RES-001", "MS-006": "RES-002", "MS-009": "RES-003", "MS-010": "RES-004", "MS-011": "RES-005",
    "MS-012": "RES-006", "MS-013": "RES-007", "MS-014": "RES-008", "MQ-008": "RES-009",
    "CAP-001": "CONSIST-001", "CAP-002": "CONSIST-002", "CAP-003": "CONSIST-003",
    "CONS-001": "QUORUM-001", "CONS-002": "QUORUM-002",
}
"""Ids renamed in 0.2.0 so that one prefix names one category (finding rules; their old ids are aliases)."""


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return rules_for(Config())


def _prefix(rule_id: str) -> str:
    return rule_id.rsplit("-", 1)[0]


def test_file_name_is_the_rule_id(ruleset: RuleSet) -> None:
    assert not [(r.id, Path(r.file).name) for r in ruleset.rules if Path(r.file).name != f"{r.id}.yaml"]


def test_folder_is_the_category(ruleset: RuleSet) -> None:
    root = builtin_rules_dir().resolve()
    wrong = []
    for rule in ruleset.rules:
        folder = Path(rule.file).resolve().parent.relative_to(root).as_posix()
        if rule.knowledge is not None and rule.knowledge.category != folder:
            wrong.append((rule.id, folder, rule.knowledge.category))
        if rule.knowledge is not None:
            entry_folder = Path(ruleset.knowledge.files[rule.knowledge.id]).parent.name
            if entry_folder != rule.knowledge.category:
                wrong.append((rule.id, "knowledge/" + entry_folder, rule.knowledge.category))
    assert not wrong, f"rules whose folder is not their category: {wrong}"


def test_one_id_prefix_per_category(ruleset: RuleSet) -> None:
    root = builtin_rules_dir().resolve()
    prefixes: dict[str, set[str]] = {}
    for rule in ruleset.rules:  # derivation rules too: they live with the rules they serve
        folder = Path(rule.file).resolve().parent.relative_to(root).as_posix()
        prefixes.setdefault(folder, set()).add(_prefix(rule.id))
    mixed = {folder: sorted(found) for folder, found in prefixes.items() if len(found) > 1}
    assert not mixed, f"categories holding several id prefixes: {mixed}"
    owners: dict[str, list[str]] = {}
    for folder, found in prefixes.items():
        for prefix in found:
            owners.setdefault(prefix, []).append(folder)
    assert not {p: f for p, f in owners.items() if len(f) > 1}, "a prefix used by several categories"


def test_every_category_folder_is_declared(ruleset: RuleSet) -> None:
    root = builtin_rules_dir()
    folders = {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders <= set(ruleset.knowledge.categories), folders - set(ruleset.knowledge.categories)


@pytest.mark.parametrize(("old", "new"), sorted(RENAMED.items()))
def test_old_ids_still_find_the_renamed_rule(ruleset: RuleSet, old: str, new: str) -> None:
    rule = ruleset.find(old)
    assert rule is not None and rule.id == new
    assert old in rule.spec.aliases


def test_old_ids_still_select_rules_in_a_configuration() -> None:
    ruleset = rules_for(Config(enable=["MS-005"]))
    from scalexpert.api import check
    from helpers import SHOP
    from scalexpert.loader import load_text

    report = check(load_text(SHOP), rules=ruleset, config=Config(enable=["MS-005"]))
    assert {f.rule_id for f in report.findings} <= {"RES-001"}
