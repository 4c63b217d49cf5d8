"""Hostile baselines, errors and edges (the budgets are in test_hostile_baseline.py): a 5,000-digit count, a boolean count, a FIFO, a NUL byte in the path.

Each is a clear error naming the baseline file, exit 2: never an internal error (Python's limit on
converting long integer strings raises ValueError, which used to escape), never a hang (a FIFO
opened for reading blocks until someone writes to it; only regular files are read).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.errors import ConfigError, UsageError
from scalexpert.review.baseline import read_baseline
from helpers import check_in, time_limit

ARCH = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"


def _baseline(count: str) -> str:
    return '{"scalexpert_baseline": 1, "findings": [{"file": "a.yaml", "fingerprint": "SPOF-001@api", "count": ' + count + "}]}"


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    return check_in(tmp_path, monkeypatch, capsys, ARCH, *argv)


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("digits", [4_301, 5_000, 100_000])
def test_a_count_of_thousands_of_digits_is_a_clean_error(digits: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "b.json").write_text(_baseline("9" * digits), encoding="utf-8")
    code, err = _run(tmp_path, monkeypatch, capsys, "--baseline", "b.json")
    assert code == 2
    assert "b.json: baseline is not a valid baseline: an integer too long to read" in err, err
    assert "internal error" not in err


@pytest.mark.hostile("errors")
def test_a_baseline_nested_beyond_the_interpreter_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="baseline"):
        read_baseline(str(tmp_path / "b.json"))


@pytest.mark.hostile("edges")
@pytest.mark.parametrize("field, value", [("count", "true"), ("scalexpert_baseline", "true")])
def test_a_boolean_is_never_a_count_or_a_version(field: str, value: str, tmp_path: Path) -> None:
    data = json.loads(_baseline("1"))
    if field == "count":
        data["findings"][0]["count"] = True
    else:
        data["scalexpert_baseline"] = True
    (tmp_path / "b.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=field):
        read_baseline(str(tmp_path / "b.json"))


@pytest.mark.hostile("edges")
def test_a_fifo_as_baseline_is_refused_without_blocking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "b.json")
    with time_limit(20), pytest.raises(UsageError, match="not a regular file"):
        read_baseline(str(tmp_path / "b.json"))


@pytest.mark.hostile("edges")
@pytest.mark.slow
def test_the_console_script_refuses_a_fifo_baseline_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ARCH, encoding="utf-8")
    os.mkfifo(tmp_path / "b.json")
    try:
        run = subprocess.run([sys.executable, "-m", "scalexpert", "check", "a.yaml", "--baseline", "b.json"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("check blocked reading a FIFO given as baseline")
    assert run.returncode == 2
    assert "b.json: the baseline is not a regular file" in run.stderr
