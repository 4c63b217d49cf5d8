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

    same = bench("--compare", str(first))
    assert same.returncode == 0 and "findings identical to first.json" in same.stdout

    size["findings"] = size["findings"].split(",")[0] + ", digest 0000000000000000"
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(result), "utf-8")
    different = bench("--compare", str(altered))
    assert different.returncode == 1 and "DIFFERENT" in different.stdout
