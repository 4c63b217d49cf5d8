"""CI in one run: several reports from one analysis, GitLab Code Quality, capped GitHub annotations, repository paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.findings import Report
from scalexpert.reporters import RenderOptions, render
from scalexpert.reporters.codequality import SEVERITIES
from scalexpert.reporters.github import PER_LEVEL
from helpers import SHOP

ROOT = Path(__file__).resolve().parents[1]
MARKETPLACE = ROOT / "examples" / "large-marketplace.yaml"


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the architecture one folder down, and the current folder inside it."""
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".git").mkdir()  # what repository_root() looks for
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "shop.yaml").write_text(SHOP, "utf-8")
    return tmp_path


def test_several_outputs_and_the_terminal_report_from_one_analysis(capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import scalexpert.api

    calls: list[object] = []
    real = scalexpert.api.check
    monkeypatch.setattr(scalexpert.api, "check", lambda *a, **k: calls.append(a) or real(*a, **k))
    code = run(["check", "docs/shop.yaml", "-o", "sarif=out/r.sarif", "--output", "html=r.html",
                "-o", "codequality=cq.json", "-o", "json=r.json", "-o", "markdown=summary.md"])
    assert code == 1 and len(calls) == 1  # one analysis
    assert "SPOF-001" in capsys.readouterr().out  # the terminal report is still there
    sarif = json.loads(Path("out/r.sarif").read_text("utf-8"))
    report = json.loads(Path("r.json").read_text("utf-8"))
    assert len(sarif["runs"][0]["results"]) == sum(len(r["findings"]) for r in report["reports"])
    assert Path("r.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert json.loads(Path("cq.json").read_text("utf-8"))
    assert Path("summary.md").read_text("utf-8").strip()


def test_a_plain_output_path_still_takes_the_format_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "docs/shop.yaml", "--format", "json", "-o", "r.json", "-o", "sarif=r.sarif"]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(Path("r.json").read_text("utf-8"))["files"] == ["docs/shop.yaml"]
    assert json.loads(Path("r.sarif").read_text("utf-8"))["version"] == "2.1.0"


@pytest.mark.parametrize("argv", [["-o", "a.txt", "-o", "b.txt"], ["-o", "sarif=x", "-o", "json=x"], ["-o", "sarif="]])
def test_bad_output_lists_are_usage_errors(argv: list[str]) -> None:
    assert run(["check", "docs/shop.yaml", *argv]) == 2


def test_paths_are_relative_to_the_repository_root_not_the_current_folder(project: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "docs")
    run(["check", "shop.yaml", "-o", "sarif=../r.sarif", "-o", "codequality=../cq.json", "-o", "github=../gh.txt"])
    sarif = json.loads((project / "r.sarif").read_text("utf-8"))["runs"][0]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["results"] for loc in r["locations"]}
    assert uris == {"docs/shop.yaml"} and sarif["artifacts"][0]["location"]["uri"] == "docs/shop.yaml"
    assert {i["location"]["path"] for i in json.loads((project / "cq.json").read_text("utf-8"))} == {"docs/shop.yaml"}
    assert "file=docs/shop.yaml," in (project / "gh.txt").read_text("utf-8")
    run(["check", "shop.yaml", "--base-dir", ".", "-o", "sarif=../r2.sarif"])
    sarif = json.loads((project / "r2.sarif").read_text("utf-8"))["runs"][0]
    assert sarif["artifacts"][0]["location"]["uri"] == "shop.yaml"


def test_code_quality_issues_follow_gitlabs_format() -> None:
    from scalexpert.api import check

    report = check(str(MARKETPLACE))
    issues = json.loads(render("codequality", [report], RenderOptions(base_dir=str(ROOT))))
    assert len(issues) == len([f for f in report.findings if f.suppressed is None])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert set(issue) == {"type", "check_name", "description", "fingerprint", "severity", "location"}
        assert issue["severity"] in SEVERITIES.values() and len(issue["fingerprint"]) == 32
        assert issue["location"]["path"] == "examples/large-marketplace.yaml" and issue["location"]["lines"]["begin"] >= 1
    assert render("codequality", [report]) == render("codequality", [report])  # deterministic


def marketplace() -> Report:
    from scalexpert.api import check

    return check(str(MARKETPLACE))


def test_github_annotations_are_capped_per_level_and_the_rest_is_listed() -> None:
    report = marketplace()
    active = [f for f in report.findings if f.suppressed is None and not f.baseline]
    lines = render("github", [report]).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    for level in ("error", "warning", "notice"):
        assert sum(1 for line in annotations if line.startswith(f"::{level} ")) <= PER_LEVEL, level
    closing = [line for line in annotations if "not shown as annotations" in line]
    assert len(closing) == 1
    listed = [line for line in lines if line.startswith("  ")]
    assert len(annotations) - 1 + len(listed) == len(active)  # nothing lost: annotated or listed
    hidden = int(closing[0].split("::", 2)[2].split()[0])
    assert hidden == len(listed) > 0
    assert lines[-1].endswith("in 1 file")


def test_few_findings_are_all_annotations() -> None:
    from scalexpert.api import check

    report = check(SHOP)
    lines = render("github", [report]).splitlines()
    assert not any("not shown as annotations" in line for line in lines)
    assert len([line for line in lines if line.startswith("::")]) == len(report.findings)


def test_repository_root_is_found_from_a_subfolder(project: Path) -> None:
    from scalexpert.cli.check import repository_root

    assert repository_root(str(project / "docs")) == str(project)
