"""The report is complete and typed: capacity records, one Severity, the rule catalogue inside, one render()."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import get_args

import pytest

import scalexpert
from scalexpert.analysis.capacity.records import CapacityReport, SystemCapacity
from scalexpert.config import Config
from scalexpert.errors import UsageError
from scalexpert.findings import Report
from scalexpert.reporters import FORMATS, RenderOptions
from scalexpert.reporters import render as render_format
from scalexpert.severity import SEVERITIES, SEVERITY_ORDER, Severity, at_least, severity_rank
from helpers import SHOP

PACKAGE = Path(__file__).resolve().parents[1] / "scalexpert"


@pytest.fixture(scope="module")
def report() -> Report:
    return scalexpert.check(SHOP)


def test_capacity_figures_are_typed_records(report: Report) -> None:
    assert isinstance(report.capacity, CapacityReport)
    assert isinstance(report.capacity.system, SystemCapacity)
    assert set(report.capacity.components) == {"web", "api"}
    dumped = report.model_dump(mode="json")["capacity"]
    assert list(dumped) == sorted(dumped) and list(dumped["system"]) == sorted(dumped["system"])


def test_a_report_without_capacity_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Report(tool_version="0", file="f", system="s", findings=(), rules_evaluated=0)  # type: ignore[call-arg]


def test_the_catalogue_travels_in_the_report_but_not_in_its_json(report: Report) -> None:
    spof = report.catalogue.rules["SPOF-001"]
    assert spof.summary and spof.fix and spof.references and spof.category in report.catalogue.categories
    assert "catalogue" not in report.model_dump(mode="json")
    assert "catalogue" not in json.loads(render_format("json", [report]))["reports"][0]


def test_sarif_and_score_read_the_report_not_the_knowledge_folder(report: Report) -> None:
    """A report whose catalogue says otherwise is rendered as it says: nothing is read from knowledge/."""
    rules = dict(report.catalogue.rules)
    rules["SPOF-001"] = rules["SPOF-001"].model_copy(update={"summary": "Told by the report itself."})
    only_two = report.catalogue.model_copy(update={"rules": rules, "categories": {"availability": "A", "other": "O"}})
    told = report.model_copy(update={"catalogue": only_two})
    sarif = json.loads(render_format("sarif", [told]))
    (descriptor,) = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "SPOF-001"]
    assert descriptor["fullDescription"]["text"] == "Told by the report itself."
    score = json.loads(render_format("json", [told]))["reports"][0]["score"]
    assert score["category_count"] == len({"availability", "other"} | set(score["categories"]))


def test_reporters_and_the_review_workflow_never_read_the_knowledge_base() -> None:
    offenders = []
    for folder in ("reporters", "review"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(("knowledge_base", "shipped")):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders


def test_one_severity_type_with_its_order(report: Report) -> None:
    assert get_args(Severity) == SEVERITIES == ("info", "low", "medium", "high", "critical")
    assert SEVERITY_ORDER == tuple(reversed(SEVERITIES))
    assert [severity_rank(s) for s in SEVERITIES] == [0, 1, 2, 3, 4] and severity_rank("never") == -1
    assert at_least("high", "medium") and not at_least("low", "medium") and not at_least("critical", "never")
    assert scalexpert.SEVERITY_ORDER is SEVERITY_ORDER and scalexpert.Severity is Severity
    with pytest.raises(ValueError):
        Config(severity={"SPOF-001": "severe"})  # type: ignore[dict-item]
    finding = report.findings[0].model_dump()
    assert scalexpert.Finding.model_validate(finding) == report.findings[0]
    with pytest.raises(ValueError, match="severity"):
        scalexpert.Finding.model_validate({**finding, "severity": "severe"})


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_public_render_is_what_check_writes(report: Report, name: str) -> None:
    expected = render_format(name, [report], RenderOptions(fail_on="medium"))
    assert scalexpert.render(report, name, fail_on="medium") == expected
    assert scalexpert.render([report, report], name) == render_format(name, [report, report])


def test_public_render_refuses_an_unknown_format(report: Report) -> None:
    with pytest.raises(UsageError, match="unknown format 'pdf'"):
        scalexpert.render(report, "pdf")
