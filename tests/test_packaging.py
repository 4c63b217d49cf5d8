"""The wheel ships the code, py.typed, and the knowledge base and rules as data."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def _declared_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return set(data["tool"]["setuptools"]["packages"])


def test_every_subpackage_is_declared():
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "scalexpert").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    missing = found - _declared_packages()
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


@pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="setuptools not installed")
def test_wheel_contains_rules_knowledge_and_py_typed(tmp_path):
    source = tmp_path / "src"  # a clean copy, so that no stale build/ folder leaks into the wheel
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in ("scalexpert", "rules", "knowledge"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("scalexpert-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "scalexpert/py.typed" in names
    rules = [n for n in names if n.startswith("scalexpert/builtin_rules/") and n.endswith(".yaml")]
    knowledge = [n for n in names if n.startswith("scalexpert/builtin_knowledge/") and n.endswith(".yaml")]
    assert len(rules) == len(list((ROOT / "rules").rglob("*.yaml")))
    assert len(knowledge) == len(list((ROOT / "knowledge").rglob("*.yaml")))


def test_installed_package_finds_its_data():
    from scalexpert.knowledge_base import builtin_dir
    from scalexpert.language.ruleset import builtin_rules_dir

    assert (builtin_dir() / "categories.yaml").is_file()
    assert any(builtin_rules_dir().rglob("*.yaml"))


def test_data_folders_are_found_in_an_uninstalled_checkout():
    """Run from a source checkout that is not installed, the top-level rules/ and knowledge/ serve."""
    from scalexpert.shipped import shipped_dir

    root = Path(__file__).resolve().parents[1]
    assert shipped_dir("scalexpert.not_installed_here", "rules") == root / "rules"
    assert (shipped_dir("scalexpert.builtin_knowledge", "knowledge") / "categories.yaml").is_file()
