"""Hostile configuration: ``.scalexpert.yaml`` and ``[tool.scalexpert]`` in ``pyproject.toml``.

An empty or comment-only configuration means the defaults; a boolean is never a threshold or a
traffic multiple (``true`` used to be read as 1.0); a NUL byte in a path, a FIFO named as the
configuration, and a 100,000-character key end in a clear error with the file (and its line and
column for YAML), exit 2, never an internal error or a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.config import Config
from scalexpert.errors import ConfigError
from scalexpert.review.config_files import load_config

from helpers import check_in

ARCH = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    return check_in(tmp_path, monkeypatch, capsys, ARCH, *argv)


@pytest.mark.hostile("edges")
@pytest.mark.parametrize("name, text", [
    (".scalexpert.yaml", ""),
    (".scalexpert.yaml", "# settings come later\n\n# (none yet)\n"),
    (".scalexpert.yml", "---\n"),
    ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.scalexpert]\n"),
])
def test_an_empty_or_comment_only_configuration_means_the_defaults(
    name: str, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert load_config(start=tmp_path).config == Config()
    code, err = _run(tmp_path, monkeypatch, capsys)
    assert code == 0, err


@pytest.mark.hostile("edges")
@pytest.mark.parametrize("text, expected", [
    ("fail-on: high\nthresholds: {as_target_max: true}\n", ".scalexpert.yaml:2:14: thresholds.as_target_max: expected a number, got true"),
    ("growth: [2, true]\n", ".scalexpert.yaml:1:13: growth[1]: expected a number, got true"),
    ("suppressions: 1\n", ".scalexpert.yaml:1:1: suppressions: expected true or false, got 1"),
])
def test_booleans_are_not_numbers_in_yaml_configuration(
    text: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".scalexpert.yaml").write_text(text, encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys)
    assert code == 2
    assert expected in err, err


@pytest.mark.hostile("edges")
def test_booleans_are_not_numbers_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.scalexpert]\nthresholds = {as_target_max = true}\n", encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys)
    assert code == 2
    assert "pyproject.toml: thresholds.as_target_max: expected a number, got true" in err, err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("key", ["rules", "baseline", "extends"])
def test_a_nul_byte_in_a_configured_path_is_a_clean_error(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    value = '["a\\0b"]' if key == "rules" else '"a\\0b"'
    (tmp_path / ".scalexpert.yaml").write_text(f"fail-on: high\n{key}: {value}\n", encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys)
    assert code == 2
    assert f".scalexpert.yaml:2:1: {key}: a path with a NUL byte cannot name a file" in err, err
    assert "internal error" not in err


@pytest.mark.hostile("edges")
def test_a_fifo_named_as_configuration_is_refused_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    os.mkfifo(tmp_path / "cfg.yaml")
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(tmp_path / "cfg.yaml")


@pytest.mark.hostile("edges")
def test_a_huge_unknown_key_is_echoed_shortened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".scalexpert.yaml").write_text(f"? {'k' * 100_000}\n: 1\n", encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys)
    assert code == 2
    assert "unknown key" in err and len(err) < 1_000, err[:300]


@pytest.mark.hostile("edges")
@pytest.mark.slow
def test_the_console_script_runs_with_an_empty_configuration(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    (tmp_path / ".scalexpert.yaml").write_text("# nothing configured yet\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scalexpert", "check", "a.yaml", "--format", "json"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
