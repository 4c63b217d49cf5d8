"""The JSON Schema: generated from the models, committed in sync, and agreeing with the examples."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from scalexpert.cli import cli, main
from scalexpert.schema import SCHEMA_FILE, json_schema, render_schema

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / SCHEMA_FILE
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../docs/schema/architecture-v1.schema.json"


def validator() -> Draft202012Validator:
    return Draft202012Validator(json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def as_json(value: Any) -> Any:
    """What an editor's YAML-to-JSON view of a value is: dates become ISO text."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def schema_errors(text: str) -> list[str]:
    document = as_json(yaml.safe_load(text))
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document))


def test_schema_header_and_dialect() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:scalexpert:")
    assert schema["title"] and schema["description"]
    Draft202012Validator.check_schema(schema)


def test_dependencies_use_from_and_to() -> None:
    dependency = json_schema()["$defs"]["Dependency"]
    assert {"from", "to"} <= set(dependency["properties"])
    assert not {"source", "target"} & set(dependency["properties"])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_is_valid_against_the_schema(path: Path) -> None:
    assert schema_errors(path.read_text("utf-8")) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_starts_with_the_editor_modeline(path: Path) -> None:
    first = path.read_text("utf-8").splitlines()[0]
    assert first == MODELINE
    assert (path.parent / first.split("$schema=", 1)[1]).resolve() == COMMITTED.resolve()


def test_dates_and_from_to_pass() -> None:
    text = """
version: 1
components: {a: {kind: service}, b: {kind: database}}
dependencies: [{from: a, to: b, timeout_ms: 100}]
suppressions: [{rule: X-1, reason: accepted, expires: 2030-01-31}]
"""
    assert schema_errors(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("components: {bad name: {kind: service}}", "components: 'bad name' does not match"),
        ("components: {a: {kind: service, replcas: 2}}", "components/a: Additional properties are not allowed"),
        ("components: {a: {kind: service, replicas: 0}}", "components/a/replicas: 0 is not valid under any"),
        ("components: {a: {kind: servce}}", "components/a/kind: 'servce' is not one of"),
        ("components: {a: {kind: service}}\ndependencies: [{source: a, target: a}]", "dependencies/0: 'from' is a required"),
        ("components: {a: {kind: service}}\nsuppressions: [{rule: X, reason: r, expires: '2030-02-30'}]", "suppressions/0/expires"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(text: str, expected: str) -> None:
    errors = schema_errors("version: 1\n" + text)
    assert any(error.startswith(expected) for error in errors), errors


def test_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == render_schema()
    assert json.loads(result.stdout)["$id"] == json_schema()["$id"]


def test_schema_command_writes_a_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    result = CliRunner().invoke(cli, ["schema", "--output", str(target)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.read_text("utf-8") == render_schema()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["schema.json"]  # no temporary file left behind


def test_schema_command_reports_an_unwritable_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing-dir" / "schema.json"
    with pytest.raises(SystemExit) as caught:
        main(["schema", "--output", str(target)])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write --output {target}: No such file or directory\n"
