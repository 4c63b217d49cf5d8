"""``scalexpert rules --format json`` and ``rules facts --format json``: the catalogue for machines."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scalexpert.cli import cli
from scalexpert.language.ruleset import load_ruleset


def run_json(*argv: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, list(argv))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, dict)
    return data


def test_rules_json_lists_every_finding_rule_with_its_metadata() -> None:
    ruleset = load_ruleset([])
    data = run_json("rules", "--format", "json")
    assert data["version"] == "1"
    rules = {r["id"]: r for r in data["rules"]}
    assert sorted(rules) == sorted(r.id for r in ruleset.finding_rules)
    spof = rules["SPOF-001"]
    assert spof["category"] == "availability" and spof["severity"] in {"high", "critical"}
    assert spof["title"] and spof["summary"] and spof["references"]
    assert all(set(r) >= {"id", "name", "category", "severity", "title", "thresholds", "references"} for r in rules.values())
    with_thresholds = [r for r in rules.values() if r["thresholds"]]
    assert with_thresholds and all("value" in t and "source" in t for r in with_thresholds for t in r["thresholds"].values())


def test_rules_json_honours_filters_and_all() -> None:
    only = run_json("rules", "--format", "json", "--category", "availability")["rules"]
    assert only and {r["category"] for r in only} == {"availability"}
    everything = run_json("rules", "--format", "json", "--all")["rules"]
    assert any(r["kind"] == "derivation" and r["severity"] is None for r in everything)


def test_facts_json_lists_every_fact_type_and_field() -> None:
    ruleset = load_ruleset([])
    facts = {f["name"]: f for f in run_json("rules", "facts", "--format", "json")["facts"]}
    assert sorted(facts) == sorted(ruleset.fact_types)
    component = {f["name"]: f for f in facts["component"]["fields"]}
    assert component["replicas"]["type"] in {"integer", "number"}
    assert {"name", "type", "origin", "values", "description"} <= set(component["kind"])


@pytest.mark.parametrize("argv", [["rules"], ["rules", "facts"]])
def test_text_stays_the_default(argv: list[str]) -> None:
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0 and not result.output.startswith("{")
