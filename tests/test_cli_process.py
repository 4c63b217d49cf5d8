"""The installed program as a process: exit codes, complete output, and no traceback on exit.

The program disables the cyclic garbage collector and ends with ``os._exit`` after flushing its
output (scalexpert/cli/__init__.py); these tests show that nothing written is lost that way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")

ROOT = Path(__file__).resolve().parents[1]
MONOLITH = ROOT / "examples" / "ecommerce-monolith.yaml"
GOOD = ROOT / "examples" / "good-practice.yaml"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scalexpert", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", check=False, timeout=120)


def test_findings_exit_1_with_the_whole_report_on_stdout() -> None:
    done = run("check", str(MONOLITH), "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["failing"] > 0
    assert done.stderr == ""


def test_clean_file_exits_0_and_report_file_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = run("check", str(GOOD), "--fail-on", "high", "--format", "json", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text("utf-8"))["files"] == [str(GOOD)]


def test_usage_and_input_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncomponents: [\n", "utf-8")
    done = run("check", str(bad))
    assert done.returncode == 2 and "bad.yaml:" in done.stderr and "Traceback" not in done.stderr
    assert run("check", "--format", "nope", str(GOOD)).returncode == 2
    assert run("--version").stdout.startswith("scalexpert")


def test_reader_leaving_early_does_not_change_the_exit_code() -> None:
    done = subprocess.run(f'"{sys.executable}" -m scalexpert check "{MONOLITH}" --explain | head -1', shell=True,
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr


IMPORTS = """
import sys
from scalexpert.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(m for m in ("networkx", "scalexpert.reporters", "scalexpert.analysis.capacity.run", "jsonschema",
                           "pydantic.json_schema") if m in sys.modules)
print("HEAVY", ",".join(heavy))
"""


def test_quick_commands_import_only_what_they_need() -> None:
    """--version, rules and explain start without graph analysis, the capacity model or reporters."""
    for argv in (["--version"], ["rules"], ["explain", "SPOF-001"]):
        done = subprocess.run([sys.executable, "-c", IMPORTS, *argv], cwd=ROOT, capture_output=True, text=True,
                              check=False, timeout=120)
        heavy = done.stdout.rsplit("HEAVY", 1)[-1].strip()
        allowed = {"pydantic.json_schema"} if argv != ["--version"] else set()
        assert set(filter(None, heavy.split(","))) <= allowed, (argv, heavy)


def test_an_internal_error_is_one_line_and_exit_2(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """A bug surfaces as one clear line with exit code 2; SCALEXPERT_DEBUG=1 lets the traceback through."""
    import pytest

    from scalexpert import api
    from scalexpert.cli import main

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(api, "check", broken)
    monkeypatch.delenv("SCALEXPERT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(MONOLITH)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError: division by zero)" in err and "Traceback" not in err
    monkeypatch.setenv("SCALEXPERT_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["check", str(MONOLITH)])


def test_console_script_help_runs_without_pytest_imports() -> None:
    """The console script, not ``python -m``: ``--help`` and a bare call once crashed on importlib.util."""
    script = Path(sys.executable).with_name("scalexpert")
    if not script.exists():
        import pytest

        pytest.skip("no console script next to the interpreter")
    for args in ([], ["--help"]):
        done = subprocess.run([str(script), *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Commands:" in done.stdout and "Traceback" not in done.stderr
