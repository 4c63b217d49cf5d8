"""The command as a user gets it: the wheel installed into a fresh virtual environment, run as a process.

Nothing here runs in-process: the wheel is built from a clean copy of the sources, installed with
``pip install --no-deps --no-index`` into a new venv (no network), and the real ``scalexpert``
console script and ``python -m scalexpert`` run in subprocesses from a folder outside the checkout.
The venv reaches the test environment's dependencies (pydantic, experta, ...) through a ``.pth``
file with plain path lines: those are added to ``sys.path`` but their own ``.pth`` files are not
processed, so an editable install of the checkout in the test environment stays inactive, which
the first test proves by where ``scalexpert`` is imported from.

``.ci/run`` runs this module on Python 3.10 and 3.13 as well as the default interpreter.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ecommerce-monolith.yaml"
GOOD = ROOT / "examples" / "good-practice.yaml"
COMPOSE = ROOT / "tests" / "fixtures" / "import" / "compose" / "edges.yml"
KUBERNETES = ROOT / "tests" / "fixtures" / "import" / "kubernetes" / "shop.yaml"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="building the wheel needs setuptools")


@dataclass(frozen=True)
class Installed:
    """A fresh venv with the wheel installed, and a folder outside the checkout to run in."""

    venv: Path
    work: Path

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    @property
    def script(self) -> Path:
        return self.bin / ("scalexpert.exe" if os.name == "nt" else "scalexpert")

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")

    def run(self, *args: str, python: bool = False, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(self.python), "-m", "scalexpert", *args] if python else [str(self.script), *args]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GITHUB_", "SCALEXPERT_"))}
        env["NO_COLOR"] = "1"
        return subprocess.run(command, cwd=self.work, capture_output=True, text=True, encoding="utf-8", input=stdin,
                              env=env, check=False, timeout=300)


def build_wheel(into: Path) -> Path:
    """A wheel from a clean copy of the sources (no stale build/ or egg-info can leak into it)."""
    source = into / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in ("scalexpert", "rules", "knowledge"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "-w", str(into), str(source)], check=True, capture_output=True, timeout=600)
    return next(into.glob("scalexpert-*.whl"))


def dependency_paths() -> list[str]:
    """Where the test environment keeps its installed packages (never the checkout itself)."""
    paths = [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    return [p for p in dict.fromkeys(paths) if Path(p).is_dir() and Path(p).resolve() != ROOT]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("installed")
    wheel = build_wheel(base)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True, timeout=300)
    target = Installed(venv=venv, work=base / "work")
    target.work.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "--python", str(target.python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=600)
    purelib = subprocess.run([str(target.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text("\n".join(dependency_paths()) + "\n", "utf-8")
    return target


def test_the_wheel_is_what_runs_not_the_checkout(installed: Installed) -> None:
    done = subprocess.run([str(installed.python), "-c", "import scalexpert, sys; print(scalexpert.__file__)"],
                          cwd=installed.work, capture_output=True, text=True, check=True)
    where = Path(done.stdout.strip()).resolve()
    assert where.is_relative_to(installed.venv.resolve()), where
    assert installed.script.is_file()


def test_help_and_a_bare_command_explain_themselves(installed: Installed) -> None:
    for argv in (["--help"], [], ["-h"]):
        done = installed.run(*argv)
        assert done.returncode == 0, (argv, done.stderr)
        assert "Usage: scalexpert" in done.stdout and "check" in done.stdout and "validate" in done.stdout
        assert done.stderr == "", done.stderr


def test_version(installed: Installed) -> None:
    from scalexpert import __version__

    done = installed.run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"scalexpert, version {__version__}"


def test_every_subcommand_has_help(installed: Installed) -> None:
    from scalexpert.cli import _COMMANDS

    commands = [[name] for name in _COMMANDS] + [["rules", "facts"], ["rules", "test"]]
    for argv in commands:
        done = installed.run(*argv, "--help")
        assert done.returncode == 0, (argv, done.stderr)
        assert f"Usage: scalexpert {' '.join(argv)}" in done.stdout, (argv, done.stdout)
        assert "Traceback" not in done.stderr


def test_check_a_markdown_design_document(installed: Installed) -> None:
    adr = installed.work / "adr.md"
    adr.write_text("# ADR 1\n\n```scalexpert\n" + EXAMPLE.read_text("utf-8") + "```\n", "utf-8")
    done = installed.run("check", "adr.md", "--format", "json", "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    locations = [f["location"] for r in json.loads(done.stdout)["reports"] for f in r["findings"] if f.get("location")]
    assert locations and all(loc["file"] == "adr.md" and loc["line"] >= 4 for loc in locations)


def test_check_with_no_argument_finds_files_by_content(installed: Installed) -> None:
    folder = installed.work / "repo"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "system.yml").write_text(GOOD.read_text("utf-8"), "utf-8")
    (folder / "workflow.yaml").write_text("on: [push]\njobs: {}\n", "utf-8")
    done = subprocess.run([str(installed.script), "check", "--format", "json"], cwd=folder, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == ["docs/system.yml"]


@pytest.mark.parametrize("path", [EXAMPLE, COMPOSE, KUBERNETES], ids=["architecture", "compose", "kubernetes"])
def test_check_each_input_format(installed: Installed, path: Path) -> None:
    done = installed.run("check", str(path), "--format", "json", "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == [str(path)] and sum(report["summary"]["active"].values()) > 0


def test_check_each_output_format(installed: Installed) -> None:
    from scalexpert.cli.check import FORMAT_NAMES

    for fmt in FORMAT_NAMES:
        done = installed.run("check", str(EXAMPLE), "--format", fmt)
        assert done.returncode == 1, (fmt, done.stderr)  # the example has high findings
        assert done.stdout.strip() and "Traceback" not in done.stderr, fmt
    assert installed.run("check", str(GOOD)).returncode == 0


def test_validate_a_broken_file_points_at_the_line(installed: Installed) -> None:
    broken = installed.work / "broken.yaml"
    broken.write_text("version: 1\ncomponents:\n  api: {kind: service, replicas: two}\n", "utf-8")
    done = installed.run("validate", "broken.yaml")
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("broken.yaml:3:"), done.stderr
    assert "replicas" in done.stderr and "Traceback" not in done.stderr


def test_python_dash_m(installed: Installed) -> None:
    done = installed.run("--version", python=True)
    assert done.returncode == 0 and done.stdout.startswith("scalexpert, version")
    done = installed.run("check", str(EXAMPLE), "--format", "sarif", python=True)
    assert done.returncode == 1 and json.loads(done.stdout)["version"] == "2.1.0"


def test_explain_and_schema_work_offline(installed: Installed) -> None:
    done = installed.run("explain", "SPOF-001")
    assert done.returncode == 0 and "How to fix" in done.stdout
    done = installed.run("schema", "-o", "architecture-v1.schema.json")
    assert done.returncode == 0 and json.loads((installed.work / "architecture-v1.schema.json").read_text("utf-8"))
    done = installed.run("init", "-")
    assert done.returncode == 0 and "$schema=architecture-v1.schema.json" in done.stdout
