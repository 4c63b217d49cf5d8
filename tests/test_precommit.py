"""The pre-commit hook, run for real with ``pre-commit try-repo`` (``language: python``), offline.

pre-commit installs the hook into a fresh virtualenv with pip. To do that without a network, the
test packs the distributions already installed in this environment (scalexpert's dependencies, and
setuptools and wheel for building it) into a local wheelhouse, and points pip at it alone
(``PIP_NO_INDEX``, ``PIP_FIND_LINKS``, no pip configuration files). The hook repository is a
temporary git repository holding a copy of this working tree, committed, as try-repo needs.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import SHOP

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
FAILING = SHOP
PASSING = FAILING.replace("replicas: 1", "replicas: 3")
COPIED = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "scalexpert", "rules", "knowledge")


def hook() -> dict:
    (found,) = yaml.safe_load(HOOKS.read_text("utf-8"))
    return found


def test_hook_definition() -> None:
    definition = hook()
    assert definition["id"] == "scalexpert" and definition["entry"] == "scalexpert check --by-content"
    assert definition["language"] == "python"
    assert "files" not in definition  # chosen by content, never by name
    assert definition["types_or"] == ["yaml", "markdown"]


def _requirements(name: str) -> list[str]:
    from packaging.requirements import Requirement

    found = []
    for text in metadata.requires(name) or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement.name)
    return found


def _pack(dist: metadata.Distribution, folder: Path) -> None:
    """Write an installed distribution back out as a wheel (its own WHEEL tags, a fresh RECORD)."""
    wheel_meta = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip().split("-") for line in wheel_meta.splitlines() if line.startswith("Tag:")]
    tag = "-".join(".".join(sorted({t[i] for t in tags})) for i in range(3))  # compressed: py2.py3-none-any
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    info = f"{name}-{dist.version}.dist-info"
    files = [f for f in dist.files or [] if not str(f).startswith("..") and "__pycache__" not in str(f)]
    record_name = next((str(f) for f in files if str(f).endswith(".dist-info/RECORD")), f"{info}/RECORD")
    records = []
    with zipfile.ZipFile(folder / f"{name}-{dist.version}-{tag}.whl", "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in files:
            arcname = str(file).replace(os.sep, "/")
            if arcname == record_name or arcname.endswith(("/INSTALLER", "/direct_url.json", "/REQUESTED")):
                continue
            data = Path(file.locate()).read_bytes()
            wheel.writestr(arcname, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append(f"{arcname},sha256={digest},{len(data)}")
        wheel.writestr(record_name, "\n".join([*records, f"{record_name},,"]) + "\n")


def wheelhouse(folder: Path) -> Path:
    """Wheels of scalexpert's installed dependencies (closure) plus setuptools and wheel."""
    pytest.importorskip("packaging")
    folder.mkdir()
    todo, seen = [*_requirements("scalexpert"), "setuptools", "wheel"], set()
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            pytest.skip(f"{name} is not installed, so the offline wheelhouse cannot be built")
        _pack(dist, folder)
        todo.extend(_requirements(name))
    return folder


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
                    "-c", "init.defaultBranch=main", *args], cwd=folder, check=True, capture_output=True)


def hook_repository(folder: Path) -> Path:
    """A committed copy of this working tree: what try-repo clones and installs."""
    folder.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        elif source.exists():
            shutil.copy2(source, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "hook under test")
    return folder


WORKFLOW = """name: architecture
on: [push]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: echo "version: 1 components: none"
"""
BROKEN = "version: 1\ncomponents:\n  api: {kind: service, replicas: two}\n"


def project(folder: Path) -> Path:
    """A repository whose files are named to mislead: a workflow called architecture.yaml, architectures elsewhere."""
    (folder / "docs" / "notes").mkdir(parents=True)
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "architecture.yaml").write_text(WORKFLOW, encoding="utf-8")
    (folder / "docs" / "notes" / "shop.yml").write_text(BROKEN, encoding="utf-8")
    (folder / "services.yaml").write_text(FAILING, encoding="utf-8")
    (folder / "docs" / "passing.yaml").write_text(PASSING, encoding="utf-8")
    (folder / "docs" / "adr.md").write_text("# ADR\n\n```scalexpert\n" + FAILING + "```\n", encoding="utf-8")
    (folder / ".scalexpert.yaml").write_text("enable: [SPOF-001]\n", encoding="utf-8")  # independent of other rules
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    return folder


@pytest.mark.slow
def test_try_repo_runs_the_real_hook_offline(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (it is in the test extra)")
    hooks = hook_repository(tmp_path / "hooks")
    repo = project(tmp_path / "project")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull,
               PIP_FIND_LINKS=str(wheelhouse(tmp_path / "wheels")), PIP_DISABLE_PIP_VERSION_CHECK="1",
               NO_COLOR="1", GIT_CONFIG_NOSYSTEM="1")
    env.pop("GITHUB_ACTIONS", None)

    def try_repo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pre_commit), "try-repo", str(hooks), "scalexpert", "--color", "never", *args],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)

    # each try-repo installs the hook afresh: two runs only
    passing = try_repo("--files", ".github/workflows/architecture.yaml", "docs/passing.yaml")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout and "architecture.yaml" not in passing.stdout
    everything = try_repo("--all-files")
    assert everything.returncode != 0, everything.stdout + everything.stderr
    assert "docs/notes/shop.yml:3:" in everything.stdout and "replicas" in everything.stdout  # broken, under docs/
    assert "workflows" not in everything.stdout
