"""The format reference covers the models, and the docgen command (staleness: tests/test_generated.py)."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import BaseModel

from scalexpert import model as format_model
from scalexpert.docgen.__main__ import main
from scalexpert.docgen.format_reference import EXAMPLE, KIND_NOTES, render
from scalexpert.loader import load_text
from scalexpert.model import ComponentKind


def test_the_example_in_the_reference_is_valid() -> None:
    assert f"```yaml\n{EXAMPLE}```" in render()
    assert sorted(load_text(EXAMPLE).model.components) == ["app", "db", "lb"]


def test_every_component_kind_is_described() -> None:
    assert sorted(KIND_NOTES) == sorted(get_args(ComponentKind))


def test_every_field_of_every_model_is_documented() -> None:
    text = render()
    for name in format_model.__all__:
        found = getattr(format_model, name)
        if not (isinstance(found, type) and issubclass(found, BaseModel)):
            continue
        assert f'<a id="{name.lower()}"></a>' in text, name
        section = text.split(f'<a id="{name.lower()}"></a>', 1)[1].split("<a id=", 1)[0]
        for field, info in found.model_fields.items():
            assert f"| `{info.alias or field}` |" in section, f"{name}.{field}"


def test_kind_table_says_which_blocks_apply() -> None:
    table = render().split("## Component kinds", 1)[1].split("## Contents", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| `")}
    assert len(rows) == len(get_args(ComponentKind))
    assert "[`cache`](#cache)" in rows["`cache`"]
    assert "[`cache`](#cache)" not in rows["`service`"]
    assert "[`messaging`](#messaging)" in rows["`stream`"]
    assert "[`function`](#function)" in rows["`function`"]


def test_field_rows_give_type_default_and_allowed_values() -> None:
    text = render()
    assert "| `replicas` | integer ≥ 1 | not stated | Running instances (for a database: nodes incl. primary). |" in text
    assert "| `version` | `1` | **required** | Format version; must be 1. |" in text
    assert "| `failover` | one of `automatic`, `manual`, `none` | not stated |" in text
    assert "| `enabled` | `true` or `false` | `true` |" in text


def test_main_prints_a_page(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["format"]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == render()


@pytest.mark.parametrize("argv", [[], ["nope"], ["format", "extra"]])
def test_main_rejects_unknown_pages(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("usage: python -m scalexpert.docgen all")
