"""Hostile baseline files: a few bytes must not cost what their numbers say.

A baseline entry's ``count`` is a number of accepted findings; it is capped, and it is never turned
into a list of that many entries (a 120-byte baseline with a count of 10**12 used to exhaust memory
while listing its stale entries).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SHOP

pytestmark = [pytest.mark.hostile("budgets"), pytest.mark.slow]  # starts processes


def _bounded_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))  # a runaway fails, never the machine


def run(tmp_path: Path, count: int) -> subprocess.CompletedProcess[str]:
    arch = tmp_path / "arch.yaml"
    arch.write_text(SHOP, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"scalexpert_baseline": 1, "findings": [
        {"file": "arch.yaml", "fingerprint": "GONE-1@x", "count": count}]}), encoding="utf-8")
    assert len(baseline.read_bytes()) <= 120
    return subprocess.run([sys.executable, "-m", "scalexpert", "check", "arch.yaml", "--baseline", "baseline.json",
                           "--fail-on", "never"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          preexec_fn=_bounded_memory)


def test_a_huge_count_is_refused_with_the_entry_named(tmp_path: Path) -> None:
    done = run(tmp_path, 10**12)
    assert done.returncode == 2, done.stderr
    assert "baseline.json" in done.stderr and "findings.0.count" in done.stderr and "1000000000" in done.stderr
    assert "internal error" not in done.stderr


def test_the_largest_count_allowed_is_counted_not_listed(tmp_path: Path) -> None:
    done = run(tmp_path, 10**9)
    assert done.returncode == 0, done.stderr
    assert "baseline: 1,000,000,000 accepted finding(s) no longer occur" in done.stderr
