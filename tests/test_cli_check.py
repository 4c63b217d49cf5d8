"""``scalexpert check`` and ``init``: exit codes, formats, output files, colour, progress."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.cli.check import use_color
from scalexpert.loader import load_file
from scalexpert.progress import Progress
from helpers import SHOP

FAILING = SHOP.replace("system: {name: shop}", "system: {name: shop, objectives: {availability: 0.999}}")
PASSING = FAILING.replace("replicas: 1", "replicas: 3")
STALE = FAILING + "suppressions:\n  - {rule: SPOF-001, component: nothing, reason: stale}\n"


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with architectures and a configuration running only SPOF-001 (and the suppression meta rules)."""
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    Path("failing.yaml").write_text(FAILING, encoding="utf-8")
    Path("passing.yaml").write_text(PASSING, encoding="utf-8")
    Path("stale.yaml").write_text(STALE, encoding="utf-8")
    Path("broken.yaml").write_text("version: 1\ncomponents:\n  api: {kind: servise}\n", encoding="utf-8")
    Path(".scalexpert.yaml").write_text("enable: [SPOF-001, suppressions]\n", encoding="utf-8")
    return tmp_path


def test_exit_codes() -> None:
    assert run(["check", "passing.yaml"]) == 0
    assert run(["check", "failing.yaml"]) == 1
    assert run(["check", "failing.yaml", "--fail-on", "never"]) == 0
    assert run(["check", "failing.yaml", "--fail-on", "critical"]) == 1
    assert run(["check", "broken.yaml"]) == 2
    assert run(["check", "passing.yaml", "--format", "nope"]) == 2
    assert run(["check", "missing.yaml"]) == 2


def test_meta_findings_count_at_their_severity() -> None:
    assert run(["check", "stale.yaml", "--fail-on", "critical"]) == 1  # the SPOF itself
    Path("stale-only.yaml").write_text(PASSING + "suppressions:\n  - {rule: SPOF-001, component: x, reason: r}\n",
                                       encoding="utf-8")
    assert run(["check", "stale-only.yaml"]) == 0  # unused suppression: low
    assert run(["check", "stale-only.yaml", "--fail-on", "low"]) == 1


def test_several_files_in_one_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "passing.yaml", "failing.yaml", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["files"] == ["passing.yaml", "failing.yaml"] and len(doc["reports"]) == 2


def test_input_errors_of_every_file_are_reported_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    Path("broken2.yaml").write_text("version: 2\ncomponents: {}\n", encoding="utf-8")
    assert run(["check", "broken.yaml", "failing.yaml", "broken2.yaml"]) == 2
    captured = capsys.readouterr()
    assert "broken.yaml:3:" in captured.err and "broken2.yaml:1:" in captured.err and captured.out == ""


def test_output_file_is_written_atomically_and_kept_when_the_run_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "failing.yaml", "--format", "json", "--output", "report.json"]) == 1
    assert capsys.readouterr().out == ""
    good = Path("report.json").read_text("utf-8")
    assert json.loads(good)["summary"]["failing"] == 1
    assert run(["check", "broken.yaml", "--format", "json", "--output", "report.json"]) == 2
    assert Path("report.json").read_text("utf-8") == good
    assert run(["check", "failing.yaml", "--config", "nope.yaml", "--output", "report.json"]) == 2
    assert Path("report.json").read_text("utf-8") == good
    assert not [p for p in Path(".").iterdir() if p.name.startswith(".scalexpert-")]  # no temporary files left


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "junit", "github", "html"])
def test_same_input_same_bytes(fmt: str) -> None:
    outputs = []
    for number in range(2):
        run(["check", "failing.yaml", "stale.yaml", "passing.yaml", "--format", fmt, "--explain", "-o", f"out{number}"])
        outputs.append(Path(f"out{number}").read_bytes())
    assert outputs[0] == outputs[1]


def test_github_format_is_chosen_on_github_actions(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run(["check", "failing.yaml"])
    assert capsys.readouterr().out.startswith("::error file=failing.yaml,line=5,col=3,")
    run(["check", "failing.yaml", "--format", "text"])
    assert capsys.readouterr().out.startswith("FAILED at --fail-on high: 1 critical finding")
    run(["check", "failing.yaml", "-o", "report.txt"])
    assert Path("report.txt").read_text("utf-8").startswith("FAILED at --fail-on high: 1 critical finding")


def test_explain_prints_proof_trees(capsys: pytest.CaptureFixture[str]) -> None:
    run(["check", "failing.yaml", "--explain"])
    out = capsys.readouterr().out
    assert "why: rule SPOF-001 (availability.single-point-of-failure) matched:" in out
    assert "would clear it: replicas: 1 → 2" in out


def test_no_colour_unless_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    run(["check", "failing.yaml"])
    assert "\x1b[" not in capsys.readouterr().out  # captured stdout is not a terminal
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert use_color(False, None) is True
    assert use_color(True, None) is False
    assert use_color(False, "report.txt") is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(False, None) is False
    monkeypatch.setenv("NO_COLOR", "")  # empty: as if unset (no-color.org)
    assert use_color(False, None) is True


def test_growth_option() -> None:
    assert run(["check", "passing.yaml", "--growth", "2,5", "--growth", "10"]) == 0
    assert run(["check", "passing.yaml", "--growth", "lots"]) == 2
    assert run(["check", "passing.yaml", "--growth", "-1"]) == 2


def test_no_suppressions_flag(capsys: pytest.CaptureFixture[str]) -> None:
    Path("accepted.yaml").write_text(FAILING + "suppressions:\n  - {rule: SPOF-001, component: api, reason: ok}\n",
                                     encoding="utf-8")
    assert run(["check", "accepted.yaml"]) == 0
    assert "SUPPRESSED (1, not failing)" in capsys.readouterr().out
    assert run(["check", "accepted.yaml", "--no-suppressions"]) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    terminal = _Terminal()
    with Progress(3, terminal) as progress:
        for index, name in enumerate(["a.yaml", "b\x1b[2J.yaml", "c.yaml"]):
            progress.step(index, name)
    shown = terminal.getvalue()
    assert "[2/3] checking b\\x1b[2J.yaml" in shown and "\x1b" not in shown and shown.endswith("\r")
    pipe = io.StringIO()
    with Progress(3, pipe) as progress:
        progress.step(0, "a.yaml")
    assert pipe.getvalue() == ""
    single = _Terminal()
    with Progress(1, single) as progress:
        progress.step(0, "a.yaml")
    assert single.getvalue() == ""


def test_init_writes_a_valid_starter_and_never_overwrites(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init"]) == 0
    starter = Path("architecture.yaml").read_text("utf-8")
    assert starter.count("#") > 10 and load_file("architecture.yaml").model.components
    Path("architecture.yaml").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert run(["init"]) == 2
    assert "already exists" in capsys.readouterr().err and Path("architecture.yaml").read_text("utf-8") == "mine"
    assert run(["init", "docs.arch.yaml"]) == 0 and Path("docs.arch.yaml").read_text("utf-8") == starter
    assert run(["init", "-"]) == 0 and capsys.readouterr().out == starter
