"""Every reporter on one small architecture: content, escaping of hostile input, determinism."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.config import Config
from scalexpert.findings import Explanation, Finding, Location, Report
from scalexpert.reporters import FORMATS, RenderOptions, render
from scalexpert.reporters.github import escape_data, escape_property
from helpers import make_report

ROOT_DIR = Path(__file__).resolve().parents[1]
HOSTILE = "<script>alert(1)</script> `tick` | pipe \x1b[31mred\x1b[0m @here $x$ [link](http://x)"
ARCH = """\
version: 1
system:
  name: "<script>alert(1)</script> `tick` | pipe \\e[31mred\\e[0m @here $x$ [link](http://x)"
  objectives: {availability: 0.999}
components:
  web: {kind: client}
  api: {kind: service, replicas: 1}
  db: {kind: database}
dependencies:
  - {from: web, to: api}
  - {from: api, to: db}
suppressions:
  - rule: SPOF-001
    component: nothing-here
    reason: "<img src=x onerror=alert(1)> | `x`"
"""
ONLY_SPOF = Config(enable=["SPOF-001", "suppressions"])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = tmp_path_factory.mktemp("arch") / "shop.yaml"
    path.write_text(ARCH, encoding="utf-8")
    return check(path, config=ONLY_SPOF)


def hostile_report() -> Report:
    """A report whose finding carries hostile text everywhere a reporter prints input."""
    finding = Finding(
        rule_id="X-001", rule_name="x.hostile", title=HOSTILE, category="availability", severity="high",
        subjects=(HOSTILE,), message=HOSTILE + "\nsecond line", location=Location(file="a,b:c.yaml", line=3, column=2),
        explanation=Explanation(proof=(), what_if=(HOSTILE,)), remedy=HOSTILE, fingerprint="X-001@" + HOSTILE,
    )
    return make_report(tool_version="0", file="a,b:c.yaml", system=HOSTILE, findings=(finding,), rules_evaluated=1)


def test_every_format_is_deterministic(report: Report) -> None:
    for name in FORMATS:
        first = render(name, [report], RenderOptions(explain=True))
        second = render(name, [report], RenderOptions(explain=True))
        assert first == second, name
        assert first.endswith("\n"), name


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_format_lets_hostile_text_through(name: str) -> None:
    text = render(name, [hostile_report()], RenderOptions(explain=True))
    assert "\x1b" not in text, "terminal escapes must never reach the output"
    if name in ("html", "markdown", "junit"):
        assert "<script>" not in text and "<img" not in text
    if name == "markdown":
        assert "`tick`" not in text and "| pipe" not in text and "@here" not in text and "[link]" not in text
    if name == "github":
        assert all(line.startswith("::") or line[0].isdigit() for line in text.splitlines()), text


def test_report_escapes_input_from_a_real_file(report: Report) -> None:
    html = render("html", [report])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    markdown = render("markdown", [report])
    assert "&#60;script&#62;" in markdown and "&#96;tick&#96;" in markdown and "&#124; pipe" in markdown
    every = render("text", [report], RenderOptions(findings=True, explain=True))
    assert "\x1b" not in render("text", [report]) and "\x1b" not in every and "\\x1b[31m" in every


def test_text_groups_by_severity_and_ends_with_a_summary(report: Report) -> None:
    text = render("text", [report], RenderOptions(findings=True))
    lines = text.splitlines()
    assert lines[0] == "FAILED at --fail-on high: 1 critical finding in 1 root cause" and lines[2] == "CRITICAL (1)"
    assert re.match(r"  .*shop\.yaml:\d+:\d+: SPOF-001 api runs 1 instance", lines[3])
    assert "LOW (1)" in lines and any("SUPP-002" in line for line in lines)
    assert lines[-1] == "1 critical, 1 low in 1 file"
    assert "\x1b[" not in text


def test_text_colour_only_when_asked(report: Report) -> None:
    assert "\x1b[1;31mFAILED at --fail-on high" in render("text", [report], RenderOptions(color=True))
    assert "\x1b[1;31mCRITICAL (1)\x1b[0m" in render("text", [report], RenderOptions(color=True, findings=True))


def test_text_explain_prints_the_proof_tree_and_assumed_numbers(report: Report) -> None:
    text = render("text", [report], RenderOptions(explain=True))
    assert "why: rule SPOF-001" in text and "would clear it: replicas: 1 → 2" in text
    if report.assumptions:
        assert "assumed, not stated in the file (" in text
        assert f"{report.assumptions[0].subject}: " in text


def test_text_shows_score_breakdown(report: Report) -> None:
    assert "Score 49/100 (geometric mean" in render("text", [report])
    text = render("text", [report], RenderOptions(explain=True))
    assert "Score of" in text and ": 49/100" in text and "capped at 49 by a critical finding" in text
    assert "availability  50  1 critical: 100 × 0.50^1 = 50" in text


def test_json_document_shape(report: Report) -> None:
    doc = json.loads(render("json", [report]))
    assert doc["schema_version"] == "2" and doc["tool"]["name"] == "scalexpert"
    assert doc["files"] == [report.file]
    assert doc["summary"]["active"]["critical"] == 1 and doc["summary"]["failing"] == 1
    first = doc["reports"][0]
    assert first["score"]["overall"] == 49 and first["score"]["categories"]["availability"]["score"] == 50
    spof = next(f for f in first["findings"] if f["rule_id"] == "SPOF-001")
    assert spof["explanation"]["proof"] and spof["fingerprint"] == "SPOF-001@api"
    assert first["architecture"]["components"] == {"api": "service", "db": "database", "web": "client"}
    assert ["api", "db", "sync"] in first["architecture"]["dependencies"]


def test_json_validates_against_its_own_schema(report: Report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from scalexpert.reporters.json_report import json_schema

    jsonschema.validate(json.loads(render("json", [report])), json_schema())


def test_markdown_has_summary_table_findings_and_coloured_mermaid(report: Report) -> None:
    text = render("markdown", [report])
    assert "| File | Score | Critical |" in text
    assert "```mermaid\nflowchart LR" in text
    node = re.search(r'  (n\d+)\["api<br/>service<br/>1 finding"\]:::critical', text)
    assert node, text
    assert "classDef critical fill:" in text
    assert "SPOF-001" in text and "<details><summary>Why</summary>" in text


def test_junit_one_case_per_rule_and_file(report: Report) -> None:
    root = ET.fromstring(render("junit", [report]))
    suite = root.find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"SPOF-001 availability.single-point-of-failure", "SUPP-002 suppression.unused"}
    assert cases["SPOF-001 availability.single-point-of-failure"].find("failure") is not None
    assert cases["SUPP-002 suppression.unused"].find("failure") is None  # low is below the default threshold
    assert root.get("failures") == "1"
    strict = ET.fromstring(render("junit", [report], RenderOptions(fail_on="low")))
    assert strict.get("failures") == "2"


def test_github_annotations_with_levels_and_escaping(report: Report) -> None:
    lines = render("github", [report]).splitlines()
    assert lines[0].startswith("::error file=") and ",line=" in lines[0] and ",col=" in lines[0]
    assert "title=SPOF-001 " in lines[0] and "(critical)::api runs 1 instance(s); its failure fails 100 %25 of entry traffic" in lines[0]
    assert any(line.startswith("::notice ") and "SUPP-002" in line for line in lines)
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_html_is_self_contained(report: Report) -> None:
    page = render("html", [report])
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and 'data-component="api"' in page
    assert "Content-Security-Policy" in page
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page)
    assert " src=" not in page and "url(http" not in page and "@import" not in page
    external = re.findall(r'href="(?!#)([^"]+)"', page)
    assert not external, external  # no docs_url configured: no help links (the project has no public site)
    assert 'class="node severity-critical" data-component="api"' in page


def test_capacity_headline(report: Report) -> None:
    from scalexpert.analysis.capacity.records import BreakingPoint, SystemCapacity

    with_capacity = report.model_copy(update={"capacity": report.capacity.model_copy(update={
        "system": SystemCapacity(availability_estimate=0.99, availability_objective=0.999, availability_gap_nines=1.0,
                                 breaking_component="db", breaking_multiple=1.5),
        "breaking_point": BreakingPoint(component="db", multiple=1.5, derivation="d"),
    })})
    text = render("text", [with_capacity], RenderOptions(width=300))
    assert re.search(r"breaking point: +db saturates at 1\.5 × today's peak", text)
    assert "99 % estimated, below the objective of 99.9 % (1 nine short)" in text
    assert "| breaking point | db saturates at 1.5 × today's peak |" in render("markdown", [with_capacity])


def test_markdown_fits_a_pull_request_comment() -> None:
    from scalexpert.findings import Condition, Proof
    from scalexpert.reporters.markdown import LIMIT

    proof = Proof(fact="component api", conditions=tuple(
        Condition(fact="component api", field=f"f{i}", value=i, requirement="< 2", text="x" * 200) for i in range(20)))
    findings = tuple(
        Finding(rule_id=f"R-{i:03d}", rule_name="r.x", title="t", category="availability", severity="high",
                subjects=(f"c{i}",), message="m" * 100, explanation=Explanation(proof=(proof,)), fingerprint=f"R@{i}")
        for i in range(300))
    big = make_report(tool_version="0", file="big.yaml", system="s", findings=findings, rules_evaluated=300)
    text = render("markdown", [big])
    assert len(text) <= LIMIT and "Details were trimmed" in text and "| big.yaml |" in text
    assert "R-000" in text  # the worst findings stay
    small = render("markdown", [big.model_copy(update={"findings": findings[:2]})])
    assert "Details were trimmed" not in small and small.count("<details><summary>Why</summary>") == 2


def test_pretty_json_sorts_indents_and_keeps_values() -> None:
    from scalexpert.reporters.common import pretty_json

    data = {"b": [1, 2.5e-06, {"z": "é\x1f\"\\", "a": None}], "a": True, "c": 10**20}
    text = pretty_json(data)
    assert json.loads(text) == data
    assert text.endswith("}\n") and text.startswith('{\n  "a": true,\n  "b": [\n    1,')
    assert text.index('"a": null') < text.index('"z"')
    assert "é" in text and "\\u001f" in text
    with pytest.raises(ValueError):
        pretty_json({"x": float("nan")})


def _keys_sorted(value: object, path: str = "$") -> list[str]:
    """Paths of the JSON objects whose keys are not in sorted order."""
    bad = []
    if isinstance(value, dict):
        if list(value) != sorted(value):
            bad.append(path)
        for key, item in value.items():
            bad.extend(_keys_sorted(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            bad.extend(_keys_sorted(item, f"{path}[{index}]"))
    return bad


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT_DIR / "examples").glob("*.yaml")))
def test_json_report_keys_come_out_sorted(example: str) -> None:
    """The serializer writes the models as declared: every model's fields, and every dict, must be sorted."""
    report = check(ROOT_DIR / "examples" / example, config=Config(growth=[2.0, 5.0]))
    text = render("json", [report])
    assert _keys_sorted(json.loads(text)) == []
    assert text == render("json", [report])
