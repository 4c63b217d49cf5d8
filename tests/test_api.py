"""The library API: check() on paths, text and models; typed, immutable, JSON-serialisable results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scalexpert
from scalexpert.errors import InputError, ScalexpertError

ROOT = Path(__file__).resolve().parents[1]
SINGLE = """\
version: 1
components:
  lb: {kind: load-balancer, managed: true}
  api: {kind: service, replicas: 1}
dependencies:
  - {from: lb, to: api}
"""


def test_public_names_are_exported():
    for name in scalexpert.__all__:
        assert getattr(scalexpert, name) is not None


def test_check_text_path_and_model_agree(tmp_path):
    path = tmp_path / "arch.yaml"
    path.write_text(SINGLE, "utf-8")
    from_text = scalexpert.check(SINGLE)
    from_path = scalexpert.check(path)
    from_model = scalexpert.check(scalexpert.load(path).model)
    keys = [[(f.rule_id, f.subjects) for f in r.findings] for r in (from_text, from_path, from_model)]
    assert keys[0] == keys[1] == keys[2]
    assert ("SPOF-001", ("api",)) in keys[0]


def test_report_is_immutable_and_json_serialisable():
    report = scalexpert.check(SINGLE)
    with pytest.raises(Exception):
        report.findings = ()  # type: ignore[misc]
    data = json.loads(report.model_dump_json())
    assert data["findings"][0]["explanation"]["proof"]


def test_findings_point_at_lines_of_the_input():
    report = scalexpert.check(SINGLE)
    finding = next(f for f in report.findings if f.rule_id == "SPOF-001")
    assert finding.location is not None and finding.location.line == 4
    assert "replicas: 1 → 2" in finding.explanation.what_if


def test_invalid_input_raises_input_error_with_positions():
    with pytest.raises(InputError) as caught:
        scalexpert.check("version: 1\ncomponents: {a: {kind: servce}}\n")
    assert isinstance(caught.value, ScalexpertError)
    assert caught.value.diagnostics[0].line == 2


def test_py_typed_is_shipped():
    assert (Path(scalexpert.__file__).parent / "py.typed").is_file()
