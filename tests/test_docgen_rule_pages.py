"""The rule catalogue (docs/rules/): committed pages match a fresh rendering and cover every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalexpert.docgen import PAGES
from scalexpert.docgen import rule_pages
from scalexpert.docgen.__main__ import main
from scalexpert.docgen.rule_pages import INDEX, render_files
from scalexpert.findings import rule_help_uri
from scalexpert.language.ruleset import RuleSet, load_ruleset
from scalexpert.review.suppressions import META_RULES

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "docs" / "rules"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_files()


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_ruleset()


def test_regenerate_command_is_named() -> None:
    assert PAGES["rules"].command == "python -m scalexpert.docgen rules"
    assert PAGES["rules"].folder and PAGES["rules"].path == "docs/rules"


def test_every_finding_rule_has_a_page_at_its_help_link(pages: dict[str, str], ruleset: RuleSet) -> None:
    assert rule_help_uri("https://docs.example.test/scalexpert/", "SPOF-001") == "https://docs.example.test/scalexpert/rules/SPOF-001/"
    assert rule_help_uri("https://wiki.example.test/{rule}.html", "SPOF-001") == "https://wiki.example.test/SPOF-001.html"
    assert rule_help_uri(None, "SPOF-001") == ""
    assert sorted(pages) == sorted([INDEX, *(f"{rule.id}.md" for rule in ruleset.finding_rules)])


@pytest.mark.parametrize("heading", ["## What it finds", "## Why it matters", "## How to fix it", "## Trade-offs",
                                     "## Example that fires", "## A near miss", "## References", "## The rule"])
def test_every_page_has_every_section(pages: dict[str, str], heading: str) -> None:
    missing = [name for name, text in pages.items() if name != INDEX and f"\n{heading}\n" not in text]
    assert not missing, f"pages without {heading!r}: {missing}"


def test_example_section_shows_what_the_rule_reports(pages: dict[str, str], ruleset: RuleSet) -> None:
    silent = []
    for rule in ruleset.finding_rules:
        entry = rule.knowledge
        assert entry is not None and entry.examples is not None
        reported = pages[f"{rule.id}.md"].split("scalexpert reports:", 1)[1].split("## A near miss", 1)[0]
        for subjects in entry.examples.anti_pattern.expect:
            if f" {', '.join(subjects)} (line " not in reported:
                silent.append(f"{rule.id}: {subjects}")
    assert not silent, f"examples whose expected findings are not shown: {silent}"


def test_page_shows_severity_escalation_thresholds_and_the_rule_file(pages: dict[str, str]) -> None:
    spof = pages["SPOF-001.md"]
    assert spof.startswith("# SPOF-001: Single point of failure on the request path\n")
    assert "| severity | high; critical when `stated` ≥ 0.5 and `high_objective` = true |" in spof
    assert "| rule file | `rules/availability/SPOF-001.yaml` |" in spof
    assert "```yaml\nid: SPOF-001\nname: availability.single-point-of-failure\n" in spof
    assert "CRITICAL api (line 5:3): api runs 1 instance(s)" in spof
    assert "  would clear it: replicas: 1 → 2" in spof
    stateful = pages["SPOF-002.md"]
    assert "| `availability_high_objective` | 0.999 fraction |" in stateful
    assert "(index.md#availability)" in stateful


def test_index_lists_every_rule_by_category(pages: dict[str, str], ruleset: RuleSet) -> None:
    index = pages[INDEX]
    for rule in ruleset.finding_rules:
        assert index.count(f"| [{rule.id}]({rule.id}.md) |") == 1, rule.id
        assert f'<a id="{rule.category}"></a>' in index
    for meta in META_RULES.values():
        assert f"| {meta.id} | {meta.severity} | `{meta.name}` |" in index
    derived = [rule for rule in ruleset.rules if not rule.is_finding]
    assert all(f"| {rule.id} | `" in index for rule in derived)


def test_main_writes_the_folder_and_removes_stale_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = {"index.md": "# Rule catalogue\n", "NEW-001.md": "# NEW-001: é\n", "SAME-001.md": "# kept\n"}
    monkeypatch.setattr(rule_pages, "render_files", lambda: fresh)
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "OLD-001.md").write_text("a rule that no longer exists\n", "utf-8")
    (folder / "SAME-001.md").write_text("# kept\n", "utf-8")
    (folder / "notes.txt").write_text("not a page: left alone\n", "utf-8")
    assert main(["rules", str(folder)]) == 0
    assert {path.name: path.read_text("utf-8") for path in folder.glob("*.md")} == fresh
    assert (folder / "notes.txt").exists()


def test_main_refuses_a_folder_whose_parent_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", str(tmp_path / "no" / "rules")]) == 2
    assert "run this from the repository root" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_main_rejects_extra_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "a", "b"]) == 2
    assert "FOLDER-PAGE [DIR]" in capsys.readouterr().err
