"""``diff`` in review workflows: git revisions of one file, and failing on a regression of the figures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.review.diff import parse_margin
from test_diff import NEW, OLD

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


def git(*args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false",
                    "-c", "init.defaultBranch=main", *args], check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """docs/arch.yaml committed as OLD, then as NEW (the working copy is NEW)."""
    monkeypatch.chdir(tmp_path)
    git("init", "-q")
    (tmp_path / "docs").mkdir()
    Path("docs/arch.yaml").write_text(OLD, "utf-8")
    git("add", "-A")
    git("commit", "-qm", "old")
    Path("docs/arch.yaml").write_text(NEW, "utf-8")
    git("commit", "-qam", "new")
    return tmp_path


def test_a_revision_against_the_working_copy(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", "--format", "json", "--fail-on", "never", "HEAD~1", "--", "docs/arch.yaml"]) == 0
    result = json.loads(capsys.readouterr().out)["diff"]
    assert result["old_file"] == "HEAD~1:docs/arch.yaml" and result["new_file"] == "docs/arch.yaml"
    assert result["components_added"] == ["cache"] and result["components_removed"] == ["old-job"]


def test_two_revisions_and_rev_path_objects(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", "--format", "json", "--fail-on", "never", "HEAD~1", "HEAD", "--", "docs/arch.yaml"]) == 0
    assert json.loads(capsys.readouterr().out)["diff"]["new_file"] == "HEAD:docs/arch.yaml"
    assert run(["diff", "HEAD:docs/arch.yaml", "HEAD~1:docs/arch.yaml", "--format", "json", "--fail-on", "never"]) == 0
    assert json.loads(capsys.readouterr().out)["diff"]["components_added"] == ["old-job"]


def test_from_a_subfolder_paths_are_relative_to_it(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo / "docs")
    assert run(["diff", "--format", "json", "--fail-on", "never", "HEAD~1", "--", "arch.yaml"]) == 0
    assert json.loads(capsys.readouterr().out)["diff"]["components_added"] == ["cache"]


def test_bad_revisions_are_usage_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", "no-such-rev", "--", "docs/arch.yaml"]) == 2
    err = capsys.readouterr().err
    assert "no-such-rev" in err and "Traceback" not in err


def test_new_findings_fail_at_the_threshold(repo: Path) -> None:
    assert run(["diff", "--fail-on", "high", "HEAD~1", "--", "docs/arch.yaml"]) == 1  # api lost its replicas


def test_a_worse_figure_fails_beyond_its_margin(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, file = ["diff", "--fail-on", "never"], ["HEAD~1", "--", "docs/arch.yaml"]
    assert run([*base, "--fail-on-worse", "capacity=10%", *file]) == 1  # 3 × peak → 1 × peak
    assert "regression: breaking point multiple: 3 → 1" in capsys.readouterr().err
    assert run([*base, "--fail-on-worse", "capacity=90%", *file]) == 0  # within the margin
    assert run([*base, "--fail-on-worse", "capacity=0%", "HEAD", "HEAD~1", "--", "docs/arch.yaml"]) == 0  # better


@pytest.mark.parametrize("text", ["capacity", "speed=1", "capacity=lots", "capacity=-1"])
def test_margins_are_checked(text: str) -> None:
    with pytest.raises(ValueError):
        parse_margin(text)
    assert parse_margin("availability=0.0005") == ("availability", 0.0005, False)
    assert parse_margin("latency=20%") == ("latency", 0.2, True)
