"""Shared pytest configuration: the ``--long-fuzz`` option.

By default the property-based tests run a small, fixed set of examples (derandomized, so every run
tries the same inputs and stays fast). ``pytest --long-fuzz`` loads a hypothesis profile with many
more examples and fresh random inputs, for a nightly or pre-release run::

    .venv/bin/pytest -q tests/test_robustness_generated.py tests/test_robustness_mutated.py --long-fuzz

The robustness tests look at ``hypothesis.settings.default.max_examples`` when they are imported:
above 100 means this profile is loaded, and they use its count with random (not derandomized)
inputs. The profile also raises the count of every other hypothesis test that does not fix its
own ``max_examples``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

LONG_FUZZ_EXAMPLES = 2_000
"""max_examples of the ``long-fuzz`` profile; tests scale their default budget up to about this."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long-fuzz",
        action="store_true",
        default=False,
        help="Run the property-based robustness tests with many more (random) examples.",
    )


_CACHE_DIR: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    # The rule cache of the runs the suite makes (in process and in subprocesses) goes to a folder of
    # its own, never the user's ~/.cache, and is removed at the end.
    if "SCALEXPERT_CACHE_DIR" not in os.environ:
        _CACHE_DIR.append(tempfile.mkdtemp(prefix="scalexpert-test-cache-"))
        os.environ["SCALEXPERT_CACHE_DIR"] = _CACHE_DIR[0]
    if config.getoption("--long-fuzz"):
        settings.register_profile("long-fuzz", max_examples=LONG_FUZZ_EXAMPLES, deadline=None, derandomize=False)
        settings.load_profile("long-fuzz")


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _CACHE_DIR:
        os.environ.pop("SCALEXPERT_CACHE_DIR", None)
        shutil.rmtree(folder, ignore_errors=True)
    _CACHE_DIR.clear()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A rule cache of the test's own (on, in a temporary folder), for the cache tests."""
    folder = tmp_path / "cache"
    monkeypatch.delenv("SCALEXPERT_CACHE", raising=False)
    monkeypatch.setenv("SCALEXPERT_CACHE_DIR", str(folder))
    return folder
