"""The input-size limit is configurable on the command line as well as in the library."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scalexpert.cli import cli

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "good-practice.yaml")


def test_check_and_validate_refuse_files_above_max_bytes():
    for command in ("check", "validate"):
        result = CliRunner().invoke(cli, [command, EXAMPLE, "--max-bytes", "1000"])
        assert result.exit_code == 2
        assert "is larger than the limit of 1,000" in result.output
        assert "Traceback" not in result.output


def test_a_raised_limit_reads_the_file():
    result = CliRunner().invoke(cli, ["validate", EXAMPLE, "--max-bytes", "100000"])
    assert result.exit_code == 0
