"""Hostile paths: NUL bytes, symlink loops, file names that are not UTF-8, absurd ``--max-bytes``, huge names.

Each ends in a clear message naming the path (cut to a readable length), exit 2: never "internal
error", never a hang. Also: every file of a run is validated before any is analysed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import scalexpert.api
from scalexpert.api import check, load
from scalexpert.cli import main
from scalexpert.errors import InputError, RuleError, UsageError
from scalexpert.loader import Limits, load_file

ARCH = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"
UNDECODABLE = os.fsdecode(b"arch\xff.yaml")


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCALEXPERT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    return int(caught.value.code or 0), capsys.readouterr().err


def _clean(code: int, err: str) -> None:
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err, err


# --- NUL bytes ------------------------------------------------------------------------------------


@pytest.mark.hostile("errors")
def test_a_nul_byte_in_extends_is_an_error_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text('version: 1\nextends: "base\\0.yaml"\ncomponents: {}\n', encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys, "check", "a.yaml")
    _clean(code, err)
    assert "a.yaml:2:1: extends: a path with a NUL byte cannot name a file" in err


@pytest.mark.hostile("errors")
def test_a_nul_byte_in_a_path_given_to_the_library_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="NUL byte"):
        load_file(str(tmp_path / "a\0.yaml"))
    with pytest.raises(RuleError, match="NUL byte"):
        check(ARCH, rules=[str(tmp_path / "rules\0")])
    from scalexpert.review.baseline import read_baseline

    with pytest.raises(UsageError, match="NUL byte"):
        read_baseline(str(tmp_path / "b\0.json"))


# --- symlink loops --------------------------------------------------------------------------------


@pytest.mark.hostile("errors")
def test_a_symlink_loop_as_rules_folder_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    os.symlink("loop2", tmp_path / "loop1")
    os.symlink("loop1", tmp_path / "loop2")
    code, err = _run(tmp_path, monkeypatch, capsys, "check", "a.yaml", "--rules", "loop1")
    _clean(code, err)
    assert "loop1: cannot read the rules folder: Too many levels of symbolic links" in err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("where", ["extends", "baseline", "configuration"])
def test_symlink_loops_elsewhere_are_clean_errors(where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink("loop2", tmp_path / "loop1")
    os.symlink("loop1", tmp_path / "loop2")
    (tmp_path / "a.yaml").write_text(ARCH if where != "extends" else "extends: loop1\ncomponents: {}\n", encoding="utf-8")
    argv = {"extends": [], "baseline": ["--baseline", "loop1"], "configuration": ["--config", "loop1"]}[where]
    code, err = _run(tmp_path, monkeypatch, capsys, "check", "a.yaml", *argv)
    _clean(code, err)
    assert "loop1" in err


# --- file names that are not UTF-8 ----------------------------------------------------------------


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("command", ["check", "validate", "capacity", "plan"])
def test_an_undecodable_file_name_on_the_command_line_is_a_clean_error(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / UNDECODABLE).write_text(ARCH, encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys, command, UNDECODABLE)
    _clean(code, err)
    assert "arch\\udcff.yaml: the file name is not valid UTF-8" in err, err


@pytest.mark.hostile("errors")
def test_an_undecodable_file_name_in_a_folder_is_reported_not_crashed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.yaml").write_text(ARCH, encoding="utf-8")
    (tmp_path / "docs" / UNDECODABLE).write_text(ARCH, encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys, "check", "docs")
    _clean(code, err)
    assert "arch\\udcff.yaml: the file name is not valid UTF-8" in err, err


# --- --max-bytes ----------------------------------------------------------------------------------


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("command", ["check", "validate"])
@pytest.mark.parametrize("value", [str(2**63), str(2**64 + 5), "9" * 40])
def test_absurd_max_bytes_values_are_clamped(command: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys, command, "a.yaml", "--max-bytes", value,
                     *(["--format", "json"] if command == "check" else []))
    assert code in (0, 1), err
    assert "internal error" not in err


@pytest.mark.hostile("errors")
def test_limits_refuse_nonsense_and_clamp_the_absurd(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    assert load(str(tmp_path / "a.yaml"), Limits(max_bytes=2**63)).model.components["api"].replicas == 2
    for wrong in (0, -1, True, 1.5):
        with pytest.raises(UsageError, match="max_bytes must be a positive integer"):
            Limits(max_bytes=wrong)  # type: ignore[arg-type]


# --- huge names echoed ----------------------------------------------------------------------------


@pytest.mark.hostile("edges")
@pytest.mark.parametrize("argv", [
    ["check", "a.yaml", "--growth", "x" * 100_000],
    ["check", "a.yaml", "--rules", "r" * 100_000],
    ["check", "a.yaml", "--config", "c" * 100_000],
    ["check", "a.yaml", "--baseline", "b" * 100_000],
    ["check", "n" * 100_000],
    ["check", "e.yaml"],
    ["check", "a.yaml", "--config", "cfg.yaml"],
])
def test_messages_cut_huge_echoed_input(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    (tmp_path / "e.yaml").write_text(f"extends: {'p' * 100_000}.yaml\ncomponents: {{}}\n", encoding="utf-8")
    (tmp_path / "cfg.yaml").write_text(f"enable: [{'R' * 100_000}]\n", encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys, *argv)
    assert code == 2
    assert len(err) < 1_000, err[:500]
    assert "characters" in err or "..." in err, err


# --- every file validated before any is analysed -------------------------------------------------


@pytest.mark.hostile("edges")
def test_one_bad_file_among_many_is_reported_before_any_is_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    names = []
    for i in range(6):
        (tmp_path / f"a{i}.yaml").write_text(ARCH, encoding="utf-8")
        names.append(f"a{i}.yaml")
    (tmp_path / "bad.yaml").write_text("version: 1\ncomponents:\n  api: {kind: servic}\n", encoding="utf-8")
    names.insert(4, "bad.yaml")
    analysed: list[object] = []
    real = scalexpert.api.check

    def counting(*args: object, **kwargs: object) -> object:
        analysed.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scalexpert.api, "check", counting)
    code, err = _run(tmp_path, monkeypatch, capsys, "check", *names, "--format", "json")
    assert code == 2
    assert "bad.yaml:3:" in err
    assert analysed == [], f"{len(analysed)} files analysed before the bad one was reported"


@pytest.mark.hostile("errors")
@pytest.mark.slow
def test_the_console_script_refuses_an_undecodable_file_name(tmp_path: Path) -> None:
    (tmp_path / UNDECODABLE).write_text(ARCH, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scalexpert", "check", os.fsencode(UNDECODABLE)], cwd=tmp_path,
                         capture_output=True, timeout=300)
    assert run.returncode == 2
    assert b"the file name is not valid UTF-8" in run.stderr and b"internal error" not in run.stderr
