"""mypy passes on the package (configuration: [tool.mypy] in pyproject.toml)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_passes_on_the_package() -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the test extra")
    previous = os.getcwd()
    os.chdir(ROOT)  # the configuration's paths are relative to the repository root
    try:
        stdout, stderr, code = api.run(["--config-file", "pyproject.toml", "scalexpert"])
    finally:
        os.chdir(previous)
    assert code == 0, stdout + stderr
