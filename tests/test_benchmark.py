"""The benchmark script runs, reports every phase, and its findings check catches a change.

No timing is asserted here (the numbers are machine noise in a test); see benchmarks/run.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"
PHASES = {"load+validate", "graph analysis", "capacity model", "fact building", "rule loading", "engine",
          "explanations", "report"}


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--sizes", "10", "--repeat", "1", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=300)


def test_benchmark_reports_phases_and_compares_findings(tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    done = bench("--json", str(first))
    assert done.returncode == 0, done.stderr
    result = json.loads(first.read_text("utf-8"))
    size = result["sizes"]["10"]
    assert set(size["phases"]) == PHASES == set(size["peak_mib"])
    assert size["end_to_end_s"] > 0 and size["peak_rss_mib"] > 0
    assert re.fullmatch(r"\d+ findings, digest [0-9a-f]{16}", size["findings"]), size["findings"]
    assert "scalexpert --version" in result["startup"]
    assert "end to end" in done.stdout

    report = size["report"]  # the end-to-end JSON report of check, assessment included
    assert re.fullmatch(r"[0-9a-f]{16}", report["digest"]) and report["findings"] > 0 and report["components"] == 10

    tables = tmp_path / "tables.md"
    same = bench("--compare", str(first), "--realism", "--markdown", str(tables))
    assert same.returncode == 0 and "findings identical to first.json" in same.stdout
    assert "check's JSON report identical to first.json" in same.stdout
    written = tables.read_text("utf-8")
    assert "| root causes in the report |" in written
    assert "| tests/realworld/sock-shop.yaml |" in written and "| synthetic-10 | 10 |" in written

    report["digest"] = "0000000000000000"  # same findings, another report: the assessment changed
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(result), "utf-8")
    different = bench("--compare", str(altered))
    assert different.returncode == 1 and "check's JSON report DIFFERENT" in different.stdout

    size["findings"] = size["findings"].split(",")[0] + ", digest 0000000000000000"
    altered.write_text(json.dumps(result), "utf-8")
    different = bench("--compare", str(altered))
    assert different.returncode == 1 and "findings DIFFERENT" in different.stdout
