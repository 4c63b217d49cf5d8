"""``scalexpert validate``: exit codes, one ``file:line:col: path: message`` line per problem, no tracebacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scalexpert.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: [^:]+: .+$")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_every_example_is_valid() -> None:
    assert len(EXAMPLES) >= 6
    code, out, err = run("validate", *map(str, EXAMPLES))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{path}: valid" for path in EXAMPLES]


def test_quiet_prints_nothing_for_valid_files() -> None:
    assert run("validate", "--quiet", str(EXAMPLES[0])) == (0, "", "")


def test_invalid_file_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\ncomponents:\n  orders-db:\n    kind: database\n    replicas: two\n"
        "dependencies:\n  - {from: api, to: orders-db}\n",
        encoding="utf-8",
    )
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines == [
        f"{path}:5:5: components.orders-db.replicas: expected an integer >= 1, got 'two'",
        f"{path}:7:6: dependencies[0].from: unknown component 'api'",
    ]
    assert all(PROBLEM_LINE.match(line) for line in lines)


def test_valid_and_invalid_files_together(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncomponents:\n  a: {kind: servce}\n", encoding="utf-8")
    code, out, err = run("validate", str(EXAMPLES[0]), str(bad))
    assert code == 2
    assert out == f"{EXAMPLES[0]}: valid\n"
    assert err.startswith(f"{bad}:3:7: components.a.kind: expected one of ")
    assert err.endswith("got 'servce'; did you mean 'service'?\n")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ":1:1: empty file: expected a mapping that starts with 'version: 1'"),
        (b"version: 1\n\xff\n", ":2:1: not UTF-8: byte 0xff cannot be decoded; save the file as UTF-8"),
        (b"a: [\n", ":2:1: YAML syntax error: "),
        (
            b"version: 1\ncomponents: !!python/name:os.system x\n",
            ":2:13: components: tag 'tag:yaml.org,2002:python/name:os.system' is not allowed: only plain YAML values are read\n",
        ),
    ],
)
def test_unreadable_files_give_clean_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    code, _, err = run("validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}{expected}")
    assert len(err.splitlines()) == 1


def test_directory_and_missing_file(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path), str(tmp_path / "nope.yaml"))
    assert code == 2
    assert err.splitlines() == [f"{tmp_path}: is a directory, not a file", f"{tmp_path / 'nope.yaml'}: no such file"]
