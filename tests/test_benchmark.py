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
    assert size["text_cpu_s"] > 0 and "text report" in done.stdout  # the default format, timed too

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


def test_side_by_side_with_checkov_interleaves_and_reports_both_checks(tmp_path: Path) -> None:
    """--checkov (here a stand-in executable: no network) times check, check --no-assess and Checkov."""
    fake = tmp_path / "checkov"
    calls = tmp_path / "calls.txt"
    fake.write_text(f"#!{sys.executable}\nimport sys\n"
                    f"open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
                    "print('3.3.30' if sys.argv[1:] == ['--version'] else '{\"results\": {}}')\n", "utf-8")
    fake.chmod(0o755)
    manifest = ROOT / "tests" / "fixtures" / "import" / "kubernetes" / "shop.yaml"
    out, tables = tmp_path / "out.json", tmp_path / "tables.md"
    done = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "0", "--repeat", "2", "--checkov", "--checkov-exe",
                           str(fake), "--manifest", str(manifest), "--json", str(out), "--markdown", str(tables)],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    compared = json.loads(out.read_text("utf-8"))["checkov"]
    assert compared["checkov_version"] == "3.3.30" and compared["repeat"] == 2
    for key in ("scalexpert", "findings_only", "checkov"):
        assert compared[f"{key}_s"] > 0 and compared[f"{key}_cpu_s"] > 0
    assert compared["findings_only_cpu_ratio"] == compared["checkov_cpu_s"] / compared["findings_only_cpu_s"]
    runs = [line for line in calls.read_text("utf-8").splitlines() if line != "--version"]
    assert len(runs) == 3 and all("--framework kubernetes" in line for line in runs)  # one warm-up, two timed
    assert "findings only" in done.stdout
    assert "| `scalexpert check --no-assess` (findings only, as Checkov) |" in tables.read_text("utf-8")


def test_synthetic_findings_per_component_lie_within_the_real_systems(tmp_path: Path) -> None:
    """The generator is meant to look like the real systems (issue 20): its findings per component lie
    within the range of the systems described in tests/realworld, so the benchmark measures a realistic load."""
    from scalexpert import api

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synthetic import generate_text
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    real = []
    for path in sorted((ROOT / "tests" / "realworld").glob("*.yaml")):
        report = api.check(path, assess=False)
        real.append(len(report.findings) / len(report.architecture.components))
    assert len(real) >= 3
    synthetic = tmp_path / "synthetic-300.yaml"
    synthetic.write_text(generate_text(300), "utf-8")
    report = api.check(synthetic, assess=False)
    per_component = len(report.findings) / len(report.architecture.components)
    assert min(real) <= per_component <= max(real), (per_component, real)
