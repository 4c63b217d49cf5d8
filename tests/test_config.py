"""Configuration files: discovery, pyproject and YAML, presets, extends, unknown keys, CLI precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

import scalexpert.review.config_files as config_files
from scalexpert.api import check
from scalexpert.cli import main
from scalexpert.config import Config
from scalexpert.review.config_files import find_config, load_config, presets
from scalexpert.errors import ConfigError
from helpers import SHOP

ARCH = SHOP


needs_toml = pytest.mark.skipif(config_files._toml_loader() is None, reason="no TOML reader (Python 3.10 without tomli)")


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@needs_toml
def test_found_from_the_current_directory_upwards(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".scalexpert.yaml").write_text("fail_on: low\n", encoding="utf-8")
    assert find_config(tmp_path / "a" / "b") == tmp_path / ".scalexpert.yaml"
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # no table: skipped
    assert find_config(tmp_path / "a" / "b") == tmp_path / ".scalexpert.yaml"
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.scalexpert]\nfail-on = 'medium'\n", encoding="utf-8")
    assert find_config(tmp_path / "a" / "b") == tmp_path / "a" / "pyproject.toml"
    assert load_config(start=tmp_path / "a" / "b").config.fail_on == "medium"
    (tmp_path / "a" / ".scalexpert.yml").write_text("fail_on: critical\n", encoding="utf-8")
    assert find_config(tmp_path / "a") == tmp_path / "a" / ".scalexpert.yml"  # YAML before pyproject in a folder


def test_no_file_means_defaults(tmp_path: Path) -> None:
    loaded = load_config(start=tmp_path)
    assert loaded.config == Config() and loaded.files == ()


@needs_toml
def test_pyproject_table_with_every_kind_of_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.scalexpert]\nfail-on = 'medium'\ndisable = ['SPOF-001']\nrules = ['my-rules']\n"
        "[tool.scalexpert.severity]\n'SPOF-001' = 'low'\n", encoding="utf-8")
    config = load_config(tmp_path / "pyproject.toml").config
    assert config.fail_on == "medium" and config.disable == ["SPOF-001"] and config.severity == {"SPOF-001": "low"}
    assert config.rules == [str((tmp_path / "my-rules").resolve())]  # relative to the file


@needs_toml
def test_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / ".scalexpert.yaml"
    path.write_text("fail_on: low\nfial_on: high\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.scalexpert\.yaml:2:1: unknown key 'fial_on'"):
        load_config(path)
    (tmp_path / "pyproject.toml").write_text("[tool.scalexpert]\ncolour = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        load_config(tmp_path / "pyproject.toml")


def test_invalid_values_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("fail_on: sometimes\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="fail_on"):
        load_config(path)
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(path)


def test_presets_are_data_and_valid() -> None:
    known = presets()
    assert {"default", "strict", "relaxed"} <= set(known)
    for preset in known.values():
        Config.model_validate(preset["settings"])


def test_extends_a_preset_and_overrides_it(tmp_path: Path) -> None:
    path = tmp_path / ".scalexpert.yaml"
    path.write_text("extends: strict\nseverity: {suppression.unused: low}\n", encoding="utf-8")
    loaded = load_config(path)
    assert loaded.config.fail_on == "low"  # from the preset
    assert loaded.config.severity == {"suppression.expired": "high", "suppression.unused": "low"}  # merged, file wins
    assert loaded.files[-1] == "<preset strict>"


def test_extends_another_file_and_detects_cycles(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("extends: relaxed\ndisable: [SPOF-001]\n", encoding="utf-8")
    (tmp_path / "team.yaml").write_text("extends: base.yaml\nfail_on: medium\n", encoding="utf-8")
    config = load_config(tmp_path / "team.yaml").config
    assert config.fail_on == "medium" and config.disable == ["SPOF-001"]
    (tmp_path / "base.yaml").write_text("extends: team.yaml\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cycle"):
        load_config(tmp_path / "team.yaml")
    (tmp_path / "team.yaml").write_text("extends: nowhere\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="neither a preset"):
        load_config(tmp_path / "team.yaml")


def test_python_without_a_toml_reader_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_files, "_toml_loader", lambda: None)
    (tmp_path / "pyproject.toml").write_text("[tool.scalexpert]\nfail-on = 'low'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="needs the 'tomli' package"):
        load_config(start=tmp_path)


def test_unknown_rules_and_thresholds_in_configuration_are_errors(tmp_path: Path) -> None:
    arch = tmp_path / "a.yaml"
    arch.write_text(ARCH, encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown rule or category 'NOPE-001'"):
        check(arch, config=Config(disable=["NOPE-001"]))
    with pytest.raises(ConfigError, match="unknown threshold 'no_such_threshold'"):
        check(arch, config=Config(thresholds={"no_such_threshold": 1.0}))


def test_cli_flag_wins_and_config_option_overrides_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.yaml").write_text(ARCH, encoding="utf-8")
    Path(".scalexpert.yaml").write_text("enable: [SPOF-001]\nfail_on: never\n", encoding="utf-8")
    assert run(["check", "a.yaml"]) == 0  # discovered: never fails
    assert run(["check", "a.yaml", "--fail-on", "high"]) == 1  # the flag wins
    Path("other.yaml").write_text("enable: [SPOF-001]\n", encoding="utf-8")
    assert run(["check", "a.yaml", "--config", "other.yaml"]) == 1  # --config replaces the discovered file
    Path(".scalexpert.yaml").write_text("fail_on: never\nbogus: 1\n", encoding="utf-8")
    capsys.readouterr()
    assert run(["check", "a.yaml"]) == 2
    assert "unknown key 'bogus'" in capsys.readouterr().err
    assert run(["check", "a.yaml", "--config", "missing.yaml"]) == 2
