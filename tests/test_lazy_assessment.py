"""`check` skips the assessment when no format it writes shows it (GitHub annotations, Code Quality).

The assessment (root causes, the plan, the growth timeline) re-runs the analysis with changes applied
and is most of a check's time. These formats list findings only, so the skip must leave their bytes
exactly as an assessed run would write them; text, JSON, Markdown and HTML still get it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scalexpert.assessment
from scalexpert.api import check
from scalexpert.reporters import ASSESSED, FORMATS, RenderOptions, render
from scalexpert.review.score import score_report

ROOT = Path(__file__).resolve().parents[1]
UNASSESSED = sorted(set(FORMATS) - ASSESSED)
OPTIONS = RenderOptions(base_dir=str(ROOT))


def same_without_assessment(path: Path) -> None:
    assessed, bare = check(str(path)), check(str(path), assess=False)
    assert assessed.root_causes and not bare.root_causes  # the assessment ran in one and not the other
    for name in UNASSESSED:
        assert render(name, [bare], OPTIONS) == render(name, [assessed], OPTIONS), (path.name, name)


def test_formats_without_the_assessment_are_the_same_bytes_without_it() -> None:
    same_without_assessment(ROOT / "examples" / "saas-multitenant.yaml")


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "realworld").glob("*.yaml")]),
                         ids=lambda p: p.name)
def test_every_shipped_file_is_the_same_in_those_formats_without_the_assessment(path: Path) -> None:
    if "good-practice" in path.name:
        pytest.skip("nothing to assess")
    same_without_assessment(path)


def test_the_assessed_formats_are_the_ones_that_show_it() -> None:
    report = check(str(ROOT / "examples" / "saas-multitenant.yaml"))
    for name in ("text", "markdown", "html"):
        assert "root cause" in render(name, [report], OPTIONS).lower(), name
    assert json.loads(render("json", [report]))["reports"][0]["root_causes"]
    for name in ("junit", "sarif"):  # their score counts one unit per root cause
        assert "over 21 root causes" in score_report(report).formula and "score" in render(name, [report], OPTIONS)


class Ran(BaseException):
    """The assessment was called."""


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    from scalexpert.cli import main

    def refuse(*args: object, **kwargs: object) -> None:
        raise Ran  # not an Exception: the command's own error handling lets it through

    monkeypatch.setattr(scalexpert.assessment, "assess", refuse)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    with pytest.raises((SystemExit, Ran)) as caught:
        main(["check", str(ROOT / "examples" / "saas-multitenant.yaml"), *argv])
    return (caught.value.code if isinstance(caught.value, SystemExit) else -1), capsys.readouterr().out


@pytest.mark.parametrize("fmt", UNASSESSED)
def test_check_in_a_format_without_the_assessment_never_runs_it(fmt: str, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(monkeypatch, capsys, "--format", fmt)
    assert code == 1 and out  # high findings: exit 1, the report written


def test_one_output_that_shows_it_is_enough_to_run_it(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _ = run(monkeypatch, capsys, "--format", "github", "-o", f"markdown={tmp_path / 'r.md'}")
    assert code == -1  # the markdown file shows root causes: the assessment ran
    code, _ = run(monkeypatch, capsys, "--format", "github", "-o", f"codequality={tmp_path / 'r.json'}")
    assert code == 1
