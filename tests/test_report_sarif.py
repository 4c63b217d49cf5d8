"""SARIF 2.1.0: valid against the official schema, located at YAML lines, stable fingerprints, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.review.baseline import apply_baseline, baseline_of
from scalexpert.config import Config
from scalexpert.findings import Report
from scalexpert.reporters import RenderOptions, render
from scalexpert.reporters.sarif import FINGERPRINT_KEY, uri

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
ARCH = """\
version: 1
system: {name: shop, objectives: {availability: 0.999}}
components:
  web: {kind: client}
  api:
    kind: service
    replicas: 1
  worker: {kind: service, replicas: 1}
  db: {kind: database}
dependencies:
  - {from: web, to: api}
  - {from: web, to: worker}
  - {from: api, to: db}
suppressions:
  - rule: SPOF-001
    component: worker
    reason: accepted until the rewrite
    owner: team-a
    expires: 2999-01-01
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("sarif")
    (folder / "shop.yaml").write_text(ARCH, encoding="utf-8")
    return check(folder / "shop.yaml", config=Config(enable=["SPOF-001", "suppressions"]))


def sarif(reports: list[Report], **options: object) -> dict:
    return json.loads(render("sarif", reports, RenderOptions(**options)))  # type: ignore[arg-type]


def test_valid_against_the_sarif_schema(report: Report) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} not available")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text("utf-8"))
    baselined, _ = apply_baseline([report], baseline_of([report], "/"), "/")
    for doc in (sarif([report]), sarif(baselined, baseline_used=True), sarif([report], explain=True)):
        jsonschema.Draft4Validator(schema).validate(doc)


def test_results_sit_on_the_component_line(report: Report) -> None:
    results = sarif([report])["runs"][0]["results"]
    api = next(r for r in results if r["partialFingerprints"][FINGERPRINT_KEY] == "SPOF-001@api")
    region = api["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 3}  # the 'api:' key in ARCH
    assert api["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri(report.file)
    assert api["locations"][0]["logicalLocations"] == [{"name": "api", "kind": "module"}]
    assert api["level"] == "error" and api["properties"]["severity"] == "critical"


def test_suppressed_finding_carries_a_sarif_suppression(report: Report) -> None:
    results = sarif([report])["runs"][0]["results"]
    worker = next(r for r in results if r["partialFingerprints"][FINGERPRINT_KEY] == "SPOF-001@worker")
    (suppression,) = worker["suppressions"]
    assert suppression["kind"] == "inSource" and suppression["status"] == "accepted"
    assert suppression["justification"] == "accepted until the rewrite"
    assert suppression["properties"] == {"owner": "team-a", "expires": "2999-01-01"}
    assert suppression["location"]["physicalLocation"]["region"]["startLine"] == 15


def test_rule_descriptors_carry_knowledge_and_help(report: Report) -> None:
    run = sarif([report])["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    spof = rules["SPOF-001"]
    assert spof["name"] == "availability.single-point-of-failure"
    assert "helpUri" not in spof  # the project has no public documentation site: no address unless configured
    help_text, help_markdown = spof["help"]["text"], spof["help"]["markdown"]
    for head in ("Summary", "Why it matters", "How to fix", "References"):
        assert head in help_text and head in help_markdown
    assert "scalexpert explain SPOF-001" in help_text
    assert spof["fullDescription"]["text"]
    assert "informationUri" not in run["tool"]["driver"]


def test_help_uri_only_with_a_configured_docs_url(report: Report) -> None:
    run = sarif([report], docs_url="https://docs.example.test/sx/")["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["SPOF-001"]["helpUri"] == "https://docs.example.test/sx/rules/SPOF-001/"
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_fingerprints_do_not_depend_on_lines(tmp_path: Path, report: Report) -> None:
    moved = tmp_path / "shop.yaml"
    moved.write_text("# a comment that moves every line\n\n" + ARCH, encoding="utf-8")
    again = check(moved, config=Config(enable=["SPOF-001", "suppressions"]))
    before = [r["partialFingerprints"] for r in sarif([report])["runs"][0]["results"]]
    after = [r["partialFingerprints"] for r in sarif([again])["runs"][0]["results"]]
    assert before == after


def test_baseline_state_only_with_a_baseline(report: Report) -> None:
    assert all("baselineState" not in r for r in sarif([report])["runs"][0]["results"])
    baselined, _ = apply_baseline([report], baseline_of([report], "/"), "/")
    states = {r["partialFingerprints"][FINGERPRINT_KEY]: r["baselineState"]
              for r in sarif(baselined, baseline_used=True)["runs"][0]["results"]}
    assert states["SPOF-001@api"] == "unchanged" and states["SPOF-001@worker"] == "new"  # suppressed: never baselined


def test_uris() -> None:
    assert uri("examples/a b.yaml") == "examples/a%20b.yaml"
    assert uri("/abs/x.yaml") == "file:///abs/x.yaml"
