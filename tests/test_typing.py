"""The public API type-checks from a user's script: mypy --strict and pyright strict, regular and editable installs.

The script below is what a user writes. It is checked against scalexpert installed from the wheel
into a fresh venv and against an editable install (``pip install -e . --config-settings
editable_mode=compat``: type checkers cannot follow the import hook of setuptools' default editable
mode, which this project's layout needs because rules/ and knowledge/ are mapped into the package;
see README.md). The venvs reach the test environment's dependencies through a ``.pth`` file, as in
tests/test_installed.py. pyright runs where it is installed (``npm install -g pyright``; .ci/run does).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scalexpert
from test_installed import ROOT, build_wheel, dependency_paths

USER_SCRIPT = '''\
"""A user's script: check an architecture, keep what fails, render it."""

from __future__ import annotations

from pathlib import Path

import scalexpert
from scalexpert import Config, Finding, InputError, Report


def failing(report: Report, threshold: str = "high") -> list[Finding]:
    """Active findings at or above the threshold."""
    order = ("info", "low", "medium", "high", "critical")
    return [f for f in report.findings if order.index(f.severity) >= order.index(threshold) and f.suppressed is None]


def main() -> int:
    text = Path("architecture.yaml").read_text("utf-8") if Path("architecture.yaml").exists() else (
        "version: 1\\ncomponents:\\n  api: {kind: service, replicas: 1}\\n")
    try:
        report: Report = scalexpert.check(text, filename="architecture.yaml", config=Config(fail_on="high"))
    except InputError as error:
        for diagnostic in error.diagnostics:
            print(f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}: {diagnostic.message}")
        return 2
    for finding in failing(report):
        where = f"{finding.location.file}:{finding.location.line}" if finding.location else "-"
        print(where, finding.severity, finding.rule_id, finding.message)
    print(scalexpert.__version__, len(report.findings))
    return 1 if failing(report) else 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

mypy_available = importlib.util.find_spec("mypy") is not None


def test_all_is_a_literal_list_of_every_export() -> None:
    init = Path(scalexpert.__file__).read_text("utf-8")
    tree = ast.parse(init)
    literal = next(node for node in tree.body if isinstance(node, ast.Assign)
                   and any(getattr(t, "id", "") == "__all__" for t in node.targets))
    assert isinstance(literal.value, ast.List) and all(isinstance(e, ast.Constant) for e in literal.value.elts)
    assert scalexpert.__all__ == ["__version__", *sorted(scalexpert._EXPORTS)]
    checking = next(node for node in tree.body if isinstance(node, ast.If))
    imported = [alias for node in ast.walk(checking) if isinstance(node, ast.ImportFrom) for alias in node.names]
    assert imported and all(alias.asname == alias.name for alias in imported)  # explicit re-exports
    assert sorted(alias.name for alias in imported) == sorted(scalexpert._EXPORTS)


def _venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True, timeout=300)
    python = folder / ("Scripts" if os.name == "nt" else "bin") / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text("\n".join(dependency_paths()) + "\n", "utf-8")
    return python


@pytest.fixture(scope="module", params=["wheel", "editable"])
def install(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv's python with scalexpert installed from the wheel, or editable from a copy of the sources."""
    base = tmp_path_factory.mktemp(request.param)
    python = _venv(base / "venv")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index"]
    if request.param == "wheel":
        subprocess.run([*pip, str(build_wheel(base))], check=True, capture_output=True, timeout=600)
    else:
        source = base / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
        for name in ("scalexpert", "rules", "knowledge"):
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy(ROOT / name, source / name)
        subprocess.run([*pip, "--no-build-isolation", "--config-settings", "editable_mode=compat", "-e", str(source)],
                       check=True, capture_output=True, timeout=600)
    where = subprocess.run([str(python), "-c", "import scalexpert; print(scalexpert.__file__)"], cwd=base,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).resolve().is_relative_to(base.resolve()), where  # not the checkout under test
    return python


def user_project(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "user.py").write_text(USER_SCRIPT, "utf-8")
    (folder / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": "strict"}), "utf-8")
    return folder


def test_the_user_script_runs(install: Path, tmp_path: Path) -> None:
    project = user_project(tmp_path / "user")
    done = subprocess.run([str(install), "user.py"], cwd=project, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stderr
    assert "architecture.yaml:3 critical SPOF-001" in done.stdout or "architecture.yaml:3 high" in done.stdout


@pytest.mark.skipif(not mypy_available, reason="mypy is not installed (it is in the test extra)")
def test_mypy_strict_accepts_the_user_script(install: Path, tmp_path: Path) -> None:
    project = user_project(tmp_path / "user")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable",
                           str(install), "user.py"], cwd=project, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found in 1 source file" in done.stdout


@pytest.mark.skipif(shutil.which("pyright") is None, reason="pyright is not installed (npm install -g pyright)")
def test_pyright_strict_accepts_the_user_script(install: Path, tmp_path: Path) -> None:
    project = user_project(tmp_path / "user")
    done = subprocess.run(["pyright", "--pythonpath", str(install), "user.py"], cwd=project, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stdout
