"""Baselines: keyed on file + fingerprint (never lines), compared as a multiset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.review.baseline import (
    BaselineEntry,
    BaselineFile,
    apply_baseline,
    baseline_of,
    read_baseline,
    render_baseline,
)
from scalexpert.cli import main
from scalexpert.config import Config
from scalexpert.errors import ConfigError, UsageError
from scalexpert.findings import Explanation, Finding, Report
from helpers import SHOP, make_report

ARCH = SHOP
ONLY = Config(enable=["SPOF-001"])


def finding(fingerprint: str) -> Finding:
    return Finding(rule_id=fingerprint.split("@")[0], rule_name="r.x", title="t", category="availability",
                   severity="high", subjects=tuple(fingerprint.split("@")[1:]), message="m",
                   explanation=Explanation(proof=()), fingerprint=fingerprint)


def report(file: str, *fingerprints: str) -> Report:
    return make_report(tool_version="0", file=file, system="s", findings=tuple(finding(f) for f in fingerprints),
                  rules_evaluated=1)


def test_multiset_one_old_finding_never_hides_a_new_one(tmp_path: Path) -> None:
    baseline = BaselineFile(scalexpert_baseline=1, findings=[BaselineEntry(file="a.yaml", fingerprint="R-001@x")])
    (result,), outcome = apply_baseline([report(str(tmp_path / "a.yaml"), "R-001@x", "R-001@x", "R-001@y")],
                                        baseline, str(tmp_path))
    assert [f.baseline for f in result.findings] == [True, False, False]
    assert outcome.matched == 1 and outcome.stale == ()


def test_a_baseline_written_before_a_rename_still_matches(tmp_path: Path) -> None:
    baseline = BaselineFile(scalexpert_baseline=1, findings=[BaselineEntry(file="a.yaml", fingerprint="OLD-001@x")])
    renamed = {"OLD-001": "NEW-001", "NEW-001": "NEW-001"}
    (result,), outcome = apply_baseline([report(str(tmp_path / "a.yaml"), "NEW-001@x")], baseline, str(tmp_path),
                                        canonical=renamed.get)
    assert [f.baseline for f in result.findings] == [True] and outcome.stale == ()


def test_counts_and_stale_entries(tmp_path: Path) -> None:
    baseline = BaselineFile(scalexpert_baseline=1, findings=[
        BaselineEntry(file="a.yaml", fingerprint="R-001@x", count=2),
        BaselineEntry(file="a.yaml", fingerprint="R-001@gone"),
        BaselineEntry(file="other.yaml", fingerprint="R-001@z"),  # file not checked in this run: not stale
    ])
    (result,), outcome = apply_baseline([report(str(tmp_path / "a.yaml"), "R-001@x", "R-001@x")], baseline, str(tmp_path))
    assert all(f.baseline for f in result.findings) and result.active == ()
    assert outcome.stale == (("a.yaml", "R-001@gone"),)


def test_file_names_are_relative_to_the_baseline_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    arch = tmp_path / "docs" / "architecture.yaml"
    arch.write_text(ARCH, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    written = baseline_of([check("docs/architecture.yaml", config=ONLY)], str(tmp_path))
    assert [e.file for e in written.findings] == ["docs/architecture.yaml"]
    monkeypatch.chdir(tmp_path / "docs")
    (again,), outcome = apply_baseline([check("architecture.yaml", config=ONLY)], written, str(tmp_path))
    assert outcome.matched == 1 and again.active == ()


def test_moving_lines_keeps_matching(tmp_path: Path) -> None:
    arch = tmp_path / "a.yaml"
    arch.write_text(ARCH, encoding="utf-8")
    written = baseline_of([check(arch, config=ONLY)], str(tmp_path))
    arch.write_text("# moved\n# down\n" + ARCH, encoding="utf-8")
    (again,), outcome = apply_baseline([check(arch, config=ONLY)], written, str(tmp_path))
    assert outcome.matched == 1 and again.findings[0].location is not None and again.findings[0].location.line == 7


def test_suppressed_findings_are_not_written() -> None:
    suppressed = report("a.yaml", "R-001@x").findings[0].model_copy(update={"suppressed": {"reason": "ok"}})
    written = baseline_of([report("a.yaml").model_copy(update={"findings": (suppressed,)})], ".")
    assert written.findings == []


def test_render_and_read_round_trip(tmp_path: Path) -> None:
    written = baseline_of([report(str(tmp_path / "b.yaml"), "R-002@y", "R-001@x", "R-001@x")], str(tmp_path))
    path = tmp_path / "baseline.json"
    path.write_text(render_baseline(written), encoding="utf-8")
    assert read_baseline(str(path)) == written
    assert json.loads(path.read_text("utf-8"))["findings"][0] == {"file": "b.yaml", "fingerprint": "R-001@x", "count": 2}


def test_bad_baseline_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        read_baseline(str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        read_baseline(str(bad))
    bad.write_text('{"scalexpert_baseline": 1, "findings": [{"file": "a", "fingerprint": "x", "line": 3}]}', encoding="utf-8")
    with pytest.raises(ConfigError, match="findings.0.line"):
        read_baseline(str(bad))
    bad.write_text('{"scalexpert_baseline": 9, "findings": []}', encoding="utf-8")
    with pytest.raises(ConfigError, match="format 9 is not supported"):
        read_baseline(str(bad))


def test_cli_write_then_use_a_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    Path("a.yaml").write_text(ARCH, encoding="utf-8")
    Path("cfg.yaml").write_text("enable: [SPOF-001]\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["check", "a.yaml", "--config", "cfg.yaml"])
    assert done.value.code == 1
    with pytest.raises(SystemExit) as done:
        main(["check", "a.yaml", "--config", "cfg.yaml", "--write-baseline", "base.json"])
    assert done.value.code == 0 and "baseline written to base.json" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        main(["check", "a.yaml", "--config", "cfg.yaml", "--baseline", "base.json"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and "BASELINE (1, not failing)" in out and "(1 in baseline)" in out
    Path("a.yaml").write_text(ARCH.replace("  api: {kind: service, replicas: 1}", "  api: {kind: service, replicas: 1}\n"
                                           "  api2: {kind: service, replicas: 1}") + "  - {from: web, to: api2}\n",
                              encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["check", "a.yaml", "--config", "cfg.yaml", "--baseline", "base.json", "--findings"])
    assert done.value.code == 1 and "SPOF-001 api2 runs" in capsys.readouterr().out
