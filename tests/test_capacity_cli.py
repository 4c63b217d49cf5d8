"""The capacity defaults file and the ``scalexpert capacity`` command."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scalexpert.analysis import CapacityReport, analyse, load_defaults
from scalexpert.analysis.capacity.defaults import CapacityDefaults
from scalexpert.cli import main
from scalexpert.errors import ConfigError, UsageError
from scalexpert.loader import load_text

ARCH = textwrap.dedent("""
    version: 1
    system:
      name: demo
      entry_points: [api]
      traffic: {peak_rps: 1000, average_rps: 400, read_ratio: 0.8}
      objectives: {availability: 0.999, latency_p99_ms: 200}
    components:
      api: {kind: service, replicas: 2, capacity_rps: 800, service_time_ms: 20, hourly_cost: 0.4}
      db: {kind: database, capacity_rps: 3000, data: {engine: postgres}}
      jobs: {kind: queue, messaging: {consumed_by: [worker], consumer_rate: 10}}
      worker: {kind: worker, replicas: 2, pool_size: 5}
    dependencies:
      - {from: api, to: db, calls_per_request: 2}
      - {from: api, to: jobs, mode: async, calls_per_request: 0.01}
      - {from: worker, to: db}
""")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_builtin_defaults_have_a_source_for_every_number():
    defaults = load_defaults()
    assert defaults.safe_utilization == 0.7
    assert defaults.peak_factor == 2.5
    assert defaults.max_connections["postgres"] == 100 and defaults.max_connections["mysql"] == 151
    assert defaults.availability_single_instance == 0.995 and defaults.availability_managed == 0.9995
    assert defaults.function_account_concurrency == 1000
    fields = set(CapacityDefaults.model_fields) - {"sources"}
    assert set(defaults.sources) == fields
    assert all(len(source) > 10 for source in defaults.sources.values())


def test_defaults_file_of_ones_own_changes_the_model(tmp_path: Path):
    text = (Path(__file__).resolve().parents[1] / "knowledge" / "capacity-defaults.yaml").read_text("utf-8")
    custom = tmp_path / "defaults.yaml"
    custom.write_text(text.replace("value: 0.7", "value: 0.5", 1), "utf-8")
    defaults = load_defaults(str(custom))
    assert defaults.safe_utilization == 0.5
    report = analyse(load_text(ARCH).model, defaults=defaults)
    # ⌈1,000 / (800 × 0.5)⌉ = 3, + 1 spare = 4
    assert report.components["api"].replicas_needed == 4


@pytest.mark.parametrize("text, message", [
    ("version: 1\ndefaults: {safe_utilization: 0.7}\n", "expected a mapping with 'value'"),
    ("version: 1\ndefaults:\n  safe_utilization: {value: 0.7, source: x}\n", "peak_factor"),
    ("version: 1\ndefaults:\n  safe_utilization: {value: 0.7, sauce: x}\n", "unknown keys sauce"),
    ("version: 2\ndefaults: {}\n", "version"),
    ("version: 1\ndefaults:\n  safe_utilization: {value: 2, source: x}\n", "safe_utilization"),
    ("- not a mapping\n", "expected a mapping"),
])
def test_invalid_defaults_files_raise_config_errors(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_defaults(str(path))


def test_report_is_json_serialisable_and_deterministic():
    first = analyse(load_text(ARCH).model, growth=[10, 2])
    second = analyse(load_text(ARCH).model, growth=[2, 10])
    assert json.dumps(first.model_dump(mode="json"), sort_keys=True) == json.dumps(second.model_dump(mode="json"), sort_keys=True)
    assert [row.multiple for row in first.growth_table] == [2, 10]
    assert CapacityReport.model_validate(first.model_dump(mode="json")) == first
    assert first.system.assumptions == len(first.assumptions) > 0


def test_bad_growth_multiples_are_usage_errors():
    with pytest.raises(UsageError):
        analyse(load_text(ARCH).model, growth=[0])


def test_cli_text_shows_table_breaking_point_and_assumptions(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "arch.yaml"
    path.write_text(ARCH, "utf-8")
    code, out, _ = run(capsys, "capacity", str(path), "--growth", "2,5")
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("component"))
    assert "ρ ×2" in header and "n ×5" in header
    api = next(line for line in lines if line.startswith("api "))
    # load 1,000, capacity 2 × 800 = 1,600, ρ 0.625 (printed 0.62), 2 replicas, needed ⌈1,000 / 560⌉ + 1 = 3;
    # ×2: 2,000 / 1,600 = 1.25 (saturated), ⌈2,000 / 560⌉ + 1 = 5; ×5: 3.125 (printed 3.12), ⌈5,000 / 560⌉ + 1 = 10
    assert api.split() == ["api", "service", "1,000", "1,600", "0.62", "2", "3", "1.25!", "5", "3.12!", "10"]
    # api saturates at 1,600 / 1,000 = 1.6×, db at 3,000 / (2,000 + 10 × 1) ≈ 1.49× first
    assert "Breaking point: db at 1.49 × today's peak" in out
    assert "Assumed numbers" in out and "[1]" in out


def test_cli_json_is_the_report_with_sorted_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "arch.yaml"
    path.write_text(ARCH, "utf-8")
    code, out, _ = run(capsys, "capacity", str(path), "--format", "json", "--growth", "3")
    assert code == 0
    data = json.loads(out)
    assert list(data) == sorted(data)
    expected = analyse(load_text(ARCH).model, growth=[3]).model_dump(mode="json")
    assert data == expected
    assert data["system"]["breaking_component"] == "db"


@pytest.mark.parametrize("argv, message", [
    (["--growth", "2,x"], "'x' is not a number"),
    (["--growth", "-1"], "must be above 0"),
    (["--defaults", "/nonexistent/defaults.yaml"], "cannot read capacity defaults"),
])
def test_cli_errors_exit_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str):
    path = tmp_path / "arch.yaml"
    path.write_text(ARCH, "utf-8")
    code, _, err = run(capsys, "capacity", str(path), *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_cli_invalid_architecture_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "arch.yaml"
    path.write_text("version: 1\ncomponents: {a: {kind: nonsense}}\n", "utf-8")
    code, _, err = run(capsys, "capacity", str(path))
    assert code == 2 and "kind" in err
