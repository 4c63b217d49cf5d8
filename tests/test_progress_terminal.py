"""Progress on stderr for one large file, when stderr is a terminal (a real pseudo-terminal); nothing otherwise."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.progress import LARGE_BYTES, Progress, phase
from helpers import SHOP

pty = pytest.importorskip("pty")


def large_file(folder: Path) -> Path:
    """A small system padded with comments past LARGE_BYTES: large to read, quick to check."""
    path = folder / "large.yaml"
    padding = "".join(f"# note {i:06d}: {'x' * 60}\n" for i in range(LARGE_BYTES // 70 + 10))
    path.write_text(padding + SHOP, "utf-8")
    assert path.stat().st_size >= LARGE_BYTES
    return path


def run_with_stderr_on(path: Path, terminal: bool) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if not terminal:
        done = subprocess.run([sys.executable, "-m", "scalexpert", "check", str(path), "--fail-on", "never"],
                              capture_output=True, text=True, env=env, timeout=300, check=False)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "scalexpert", "check", str(path), "--fail-on", "never"],
                                   stdout=subprocess.PIPE, stderr=follower, env=env)
        os.close(follower)
        out, _ = process.communicate(timeout=300)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal closed
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    return process.returncode, out.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


def test_a_large_file_shows_its_phases_on_a_terminal(tmp_path: Path) -> None:
    path = large_file(tmp_path)
    code, out, err = run_with_stderr_on(path, terminal=True)
    assert code == 0 and "SPOF-001" in out and "checking" not in out  # progress never mixes into the report
    assert "[1/1] checking" in err and "rule engine" in err and "graph analysis" in err
    assert err.endswith("\r")  # the line is erased at the end


def test_nothing_on_stderr_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    code, out, err = run_with_stderr_on(large_file(tmp_path), terminal=False)
    assert code == 0 and out and err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_small_single_files_show_nothing_and_phases_need_a_check_in_progress() -> None:
    terminal = _Terminal()
    with Progress(1, terminal) as progress:
        progress.step(0, "small.yaml")
        phase("rule engine")
    assert terminal.getvalue() == ""
    phase("outside any check")  # no progress installed: nothing happens
    with Progress(1, terminal) as progress:
        progress.step(0, "big.yaml", large=True)
        phase("rule engine")
    assert "[1/1] checking big.yaml: rule engine" in terminal.getvalue()
