"""``scalexpert diff OLD NEW``: structure, findings and capacity changes; exit code on regressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scalexpert.api import check, load
from scalexpert.cli import main
from scalexpert.config import Config
from scalexpert.review.diff import compare
from scalexpert.findings import Explanation, Finding, Report
from scalexpert.reporters.diff_report import regressions
from helpers import make_report

OLD = """\
version: 1
system: {name: shop, traffic: {peak_rps: 100}}
components:
  web: {kind: client}
  api: {kind: service, replicas: 3, capacity_rps: 100}
  old-job: {kind: worker, replicas: 1}
  db: {kind: database}
dependencies:
  - {from: web, to: api}
  - {from: api, to: db, timeout_ms: 500}
  - {from: old-job, to: db}
"""
NEW = """\
version: 1
system: {name: shop, traffic: {peak_rps: 100}}
components:
  web: {kind: client}
  api: {kind: service, replicas: 1, capacity_rps: 100}
  cache: {kind: cache}
  db: {kind: database}
dependencies:
  - {from: web, to: api}
  - {from: api, to: db, timeout_ms: 800}
  - {from: api, to: cache}
"""
ONLY = Config(enable=["SPOF-001"])


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


@pytest.fixture()
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(OLD, encoding="utf-8")
    Path("new.yaml").write_text(NEW, encoding="utf-8")
    Path("cfg.yaml").write_text("enable: [SPOF-001]\n", encoding="utf-8")
    return "old.yaml", "new.yaml"


def test_structure_and_findings(files: tuple[str, str]) -> None:
    old, new = load(Path(files[0])), load(Path(files[1]))
    result = compare(old.model, new.model, check(old, config=ONLY), check(new, config=ONLY))
    assert result.components_added == ("cache",) and result.components_removed == ("old-job",)
    (api,) = result.components_changed
    assert api.name == "api" and [(c.field, c.old, c.new) for c in api.changes] == [("replicas", 3, 1)]
    assert result.dependencies_added == ("api → cache",) and result.dependencies_removed == ("old-job → db",)
    (dep,) = result.dependencies_changed
    assert dep.name == "api → db" and [(c.field, c.old, c.new) for c in dep.changes] == [("timeout_ms", 500, 800)]
    assert [f.fingerprint for f in result.findings_new] == ["SPOF-001@api"]
    assert [f.fingerprint for f in result.findings_resolved] == []
    assert any(c.figure == "breaking point multiple" for c in result.capacity)


def test_cli_exit_codes_and_formats(files: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = files
    assert run(["diff", old, new, "--config", "cfg.yaml"]) == 1
    text = capsys.readouterr().out
    assert "  + cache" in text and "  - old-job" in text and "      replicas: 3 → 1" in text
    assert "new findings (1):" in text and "SPOF-001 api runs 1 instance(s)" in text
    assert run(["diff", new, old, "--config", "cfg.yaml"]) == 0  # only a resolved finding
    assert "resolved findings (1):" in capsys.readouterr().out
    assert run(["diff", old, new, "--config", "cfg.yaml", "--fail-on", "never"]) == 0
    capsys.readouterr()
    assert run(["diff", old, new, "--config", "cfg.yaml", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["regressions"] == 1 and doc["diff"]["components_added"] == ["cache"]
    assert run(["diff", old, new, "--config", "cfg.yaml", "--format", "markdown"]) == 1
    assert "## scalexpert diff:" in capsys.readouterr().out
    Path("broken.yaml").write_text("version: 1\n", encoding="utf-8")
    assert run(["diff", old, "broken.yaml"]) == 2


def test_same_file_has_no_changes(files: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", files[1], files[1], "--config", "cfg.yaml"]) == 0
    out = capsys.readouterr().out
    assert "components:" not in out and "unchanged findings: 1" in out and "nothing new at or above high" in out


def test_severity_rise_counts_as_a_regression() -> None:
    def report(severity: str) -> Report:
        finding = Finding(rule_id="R-001", rule_name="r.x", title="t", category="c", severity=severity, subjects=("a",),
                          message="m", explanation=Explanation(proof=()), fingerprint="R-001@a")
        return make_report(tool_version="0", file="f", system="s", findings=(finding,), rules_evaluated=1)

    model = load(NEW).model
    assert regressions(compare(model, model, report("medium"), report("high")), "high") == 1
    assert regressions(compare(model, model, report("high"), report("critical")), "high") == 0
