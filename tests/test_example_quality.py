"""Precision on the shipped examples: the good-practice one gets nothing of medium severity or above,
and every example's findings point at real lines of its file."""

from __future__ import annotations

from pathlib import Path

import pytest

import scalexpert
from scalexpert.severity import severity_rank

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_good_practice_example_has_no_finding_of_medium_or_above():
    report = scalexpert.check(ROOT / "examples" / "good-practice.yaml")
    serious = [(f.rule_id, f.subjects, f.severity) for f in report.findings if severity_rank(f.severity) >= 2]
    assert serious == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_findings_point_at_lines_that_name_their_subject(example):
    report = scalexpert.check(example)
    assert report.findings or example.stem == "good-practice"
    lines = {}
    for finding in report.findings:
        loc = finding.location
        assert loc is not None, finding.rule_id
        path = Path(loc.file)
        text = lines.setdefault(path, path.read_text("utf-8").splitlines())
        assert 1 <= loc.line <= len(text), (finding.rule_id, loc)
        for proof in finding.explanation.proof:
            for condition in proof.conditions:
                if condition.location is not None:
                    assert condition.location.line <= len(
                        lines.setdefault(Path(condition.location.file), Path(condition.location.file).read_text("utf-8").splitlines())
                    )


@pytest.mark.parametrize("example", [p for p in EXAMPLES if p.stem != "good-practice"], ids=lambda p: p.stem)
def test_weak_examples_show_breaking_point_and_availability_in_check_output(example):
    from click.testing import CliRunner

    from scalexpert.cli import cli

    result = CliRunner().invoke(cli, ["check", str(example), "--fail-on", "never"])
    assert "breaking point:" in result.output
    assert "availability:" in result.output
