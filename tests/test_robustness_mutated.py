"""Property: mutated versions of the shipped examples end in a report or a clean, positioned error.

Each example of examples/ is damaged the way edits and bad merges damage files: lines deleted or
duplicated, indentation changed, random (YAML-significant, control, bidi, non-ASCII) characters
inserted, values swapped between lines, numbers replaced by extremes, the text cut short. In-process
examples run under a time guard; a handful of fixed mutations also run through the real command
line in a subprocess with a timeout (exit 0, 1 or 2; on 2, ``file:line:col:`` messages and no
traceback). ``pytest --long-fuzz`` runs many more examples (see tests/conftest.py).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalexpert.api import check
from scalexpert.errors import InputError
from scalexpert.loader import load_text
from scalexpert.reporters import FORMATS, RenderOptions, render
from helpers import time_limit

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TEXTS = {path: path.read_text(encoding="utf-8") for path in EXAMPLES}
LONG = settings.default.max_examples > 100  # the long-fuzz profile of tests/conftest.py is loaded
FUZZ = settings(
    max_examples=settings.default.max_examples if LONG else 80,
    derandomize=not LONG,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS_PER_EXAMPLE = 30
INSERTS = list(":-[]{}&*!|>'\"#%@`,?\t\r\n ") + ["\x00", "\x1b[2J", "\u202e", "\ufeff", "ü", "€", "<<: *a", "&a ", "!!python/name:os.system ",
                                               "!custom ", "0x", "1e400", ".nan", "- ", "  "]
EXTREMES = ["0", "-1", "-0.0", "1.0e+308", "1" + "0" * 400, "0x" + "f" * 2000, ".nan", ".inf", "-.inf", "0.0000001",
            "9223372036854775808"]
NUMBER = re.compile(r"(?<=: )-?[0-9][0-9_.]*(?=\s|$)")


def mutate(text: str, rng: random.Random, steps: int) -> str:
    """Apply ``steps`` random edits of the kinds listed in the module docstring."""
    lines = text.splitlines(keepends=True) or ["\n"]
    for _ in range(steps):
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            lines[i] = " " * rng.choice([1, 2, 3, 4, 8]) + lines[i]
        elif op == 3:
            lines[i] = lines[i][rng.randint(1, 4):] if lines[i].startswith(" ") else lines[i]
        elif op == 4:
            column = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:column] + rng.choice(INSERTS) + lines[i][column:]
        elif op == 5:
            j = rng.randrange(len(lines))
            a, b = lines[i].partition(": "), lines[j].partition(": ")
            if a[1] and b[1]:
                lines[i], lines[j] = a[0] + ": " + b[2], b[0] + ": " + a[2]
        elif op == 6:
            lines[i] = NUMBER.sub(lambda _m: rng.choice(EXTREMES), lines[i])
        else:
            joined = "".join(lines)
            lines = [joined[: rng.randrange(len(joined) + 1)]] or ["\n"]
            lines = lines if lines[0] else ["\n"]
    return "".join(lines)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Path, str]:
    path = draw(st.sampled_from(EXAMPLES))
    seed = draw(st.integers(0, 2**32 - 1))
    return path, mutate(TEXTS[path], random.Random(seed), draw(st.integers(1, 3)))




OUTCOMES: dict[str, int] = {"report": 0, "input error": 0}


@FUZZ
@given(mutated())
def test_mutated_examples_end_in_a_report_or_a_positioned_error(case: tuple[Path, str]) -> None:
    path, text = case
    files = {str(path), str(path.parent / "saas-multitenant.yaml")}  # the example that ``extends`` another
    with time_limit(SECONDS_PER_EXAMPLE):
        try:
            loaded = load_text(text, str(path))
        except InputError as error:
            first = error.diagnostics[0]
            assert first.file in files and first.line >= 1 and first.column >= 1, str(first)
            for diagnostic in error.diagnostics:  # a file that ``extends`` names may be missing: file-level
                positioned = diagnostic.file in files and diagnostic.line >= 1 and diagnostic.column >= 1
                assert positioned or (diagnostic.line == 0 and not diagnostic.path), str(diagnostic)
            OUTCOMES["input error"] += 1
            return
        report = check(loaded)
        for name in FORMATS:
            render(name, [report], RenderOptions(explain=True))
    OUTCOMES["report"] += 1


def test_mutations_gave_both_outcomes() -> None:
    if sum(OUTCOMES.values()) == 0:  # run alone (-k): nothing to look at
        return
    assert OUTCOMES["report"] > 0 and OUTCOMES["input error"] > 0, OUTCOMES


def cli(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scalexpert", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, encoding="utf-8", errors="replace")


LOCATED = re.compile(r"^[^\n]+\.yaml:\d+:\d+: ")


@pytest.mark.parametrize("seed", range(6))
def test_command_line_on_mutated_files_exits_cleanly(seed: int, tmp_path: Path) -> None:
    """The real CLI in a subprocess (with a timeout): exit 0, 1 or 2, never a traceback."""
    rng = random.Random(seed)
    source = EXAMPLES[seed % len(EXAMPLES)]
    target = tmp_path / source.name
    target.write_text(mutate(TEXTS[source], rng, 3), encoding="utf-8")
    done = cli(["check", "--format", "json", "--no-color", str(target)], tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    if done.returncode == 2:
        lines = done.stderr.strip().splitlines()
        assert lines and all(LOCATED.match(line) or line.startswith(str(target) + ": ") for line in lines), done.stderr
        assert done.stdout == ""
    else:
        assert done.stdout.startswith("{")


def test_command_line_on_a_syntax_error_prints_file_line_column(tmp_path: Path) -> None:
    target = tmp_path / "broken.yaml"
    target.write_text("version: 1\ncomponents:\n  api: {kind: service\n", encoding="utf-8")
    done = cli(["check", str(target)], tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"{target}:4:1: YAML syntax error"), done.stderr
    assert "Traceback" not in done.stderr
