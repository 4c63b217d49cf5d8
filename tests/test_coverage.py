"""Coverage of the seed document: every heading has rules or a reason, and the mapping names real headings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scalexpert.docgen.coverage import covering_rules, render
from scalexpert.knowledge_base import SeedSection, load_coverage
from scalexpert.language.ruleset import RuleSet, load_ruleset

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "scalability-architect.md"


@pytest.fixture(scope="module")
def sections() -> list[SeedSection]:
    return load_coverage()


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_ruleset()


def test_no_heading_is_blank(sections: list[SeedSection], ruleset: RuleSet) -> None:
    covered = covering_rules(ruleset.finding_rules)
    blank = [h.heading for s in sections for h in s.headings if not covered.get(h.heading) and not h.reason]
    assert not blank, f"seed headings with neither a rule nor a reason: {blank}"


def test_every_heading_has_a_rule(sections: list[SeedSection], ruleset: RuleSet) -> None:
    covered = covering_rules(ruleset.finding_rules)
    assert not [h.heading for s in sections for h in s.headings if not covered.get(h.heading)]


def test_entries_name_known_headings(sections: list[SeedSection], ruleset: RuleSet) -> None:
    known = {h.heading for s in sections for h in s.headings}
    unknown = {entry.id: sorted(set(entry.seed) - known) for entry in ruleset.knowledge.entries.values()
               if set(entry.seed) - known}
    assert not unknown, f"knowledge entries naming headings that knowledge/coverage.yaml does not list: {unknown}"


def test_every_finding_rule_covers_a_heading(ruleset: RuleSet) -> None:
    assert not [rule.id for rule in ruleset.finding_rules if not (rule.knowledge and rule.knowledge.seed)]


def test_headings_are_the_seed_documents() -> None:
    if not SEED.is_file():
        pytest.skip("the seed document (../shared) is not available")
    text = SEED.read_text("utf-8")
    in_seed = re.findall(r"^- \*\*(.+?)\*\*", text, flags=re.MULTILINE)
    listed = [h.heading for s in load_coverage() for h in s.headings]
    assert listed == in_seed


def test_page_lists_every_heading_with_its_rules(sections: list[SeedSection]) -> None:
    page = render(sections)
    for section in sections:
        assert f"## {section.section}\n" in page
        for heading in section.headings:
            assert f"| {heading.heading} |" in page
    assert "| Circuit Breaker Pattern | [CB-001](rules/CB-001.md)" in page


def test_every_builtin_entry_has_a_status_and_a_version(ruleset: RuleSet) -> None:
    assert not [e.id for e in ruleset.knowledge.entries.values() if not e.since]


@pytest.mark.slow
def test_rule_pages_list_every_threshold_the_rule_uses(ruleset: RuleSet) -> None:
    from scalexpert.docgen.rule_pages import render_rule, used_thresholds

    for rule in ruleset.finding_rules:
        page = render_rule(rule, ruleset)
        for name in used_thresholds(rule, ruleset):
            assert f"| `{name}` |" in page, f"{rule.id}'s page does not list threshold {name}"


def test_heuristic_thresholds_say_why(ruleset: RuleSet) -> None:
    for name, (threshold, owner) in ruleset.knowledge.thresholds.items():
        if threshold.heuristic or threshold.source.lower().startswith("heuristic"):
            assert threshold.heuristic, f"{owner}: {name} says heuristic in its source but not heuristic: true"
            assert len(threshold.source.split()) >= 8, f"{owner}: {name} is a heuristic without a reason"


def test_references_point_at_a_page_not_a_pillar_or_question_overview(ruleset: RuleSet) -> None:
    overview = re.compile(r"/welcome\.html$|/framework/[a-z]+-\d+\.html$|/wellarchitected/latest/[a-z-]+-pillar/?$")
    broad = [(e.id, str(ref.url)) for e in ruleset.knowledge.entries.values() for ref in e.references
             if ref.url is not None and overview.search(str(ref.url))]
    assert not broad, f"references to a pillar's or question's overview instead of the practice they name: {broad}"
