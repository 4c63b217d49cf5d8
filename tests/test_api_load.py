"""scalexpert.load() tells a file name from YAML text."""

from __future__ import annotations

from pathlib import Path

import pytest

import scalexpert
from scalexpert.errors import InputError

ARCH = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"


def test_a_file_named_like_yaml_text_is_read_as_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "version-2.yaml").write_text(ARCH, "utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = scalexpert.load("version-2.yaml")
    assert loaded.file == "version-2.yaml"
    assert list(loaded.model.components) == ["api"]


def test_a_missing_file_is_reported_as_a_file_not_parsed_as_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="version-3.yaml"):
        scalexpert.load("version-3.yaml")


@pytest.mark.parametrize("text", [ARCH, "{version: 1, components: {api: {kind: service}}}"])
def test_text_with_a_newline_or_a_key_value_colon_is_yaml(text: str):
    assert "api" in scalexpert.load(text).model.components


def test_an_existing_file_wins_over_a_colon_in_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "shop: v2.yaml").write_text(ARCH, "utf-8")
    monkeypatch.chdir(tmp_path)
    assert scalexpert.load("shop: v2.yaml").file == "shop: v2.yaml"
