"""experta on Python 3.10+: the import shim in scalexpert/engine/_compat.py, and the logging it leaves alone."""

from __future__ import annotations

import collections
import subprocess
import sys
import textwrap

import pytest


def test_experta_imports_and_runs():
    from scalexpert.engine._compat import MATCH, Fact, KnowledgeEngine, Rule

    fired = []

    class Item(Fact):
        pass

    class Engine(KnowledgeEngine):
        @Rule(Item(size=MATCH.size))
        def seen(self, size):
            fired.append(size)

    engine = Engine()
    engine.reset()
    engine.declare(Item(size=3))
    engine.run()
    assert fired == [3]


def test_collections_aliases_are_removed_again():
    import scalexpert.engine._compat  # noqa: F401

    if sys.version_info >= (3, 10):
        assert not hasattr(collections, "Mapping")


@pytest.mark.slow
def test_root_logger_of_the_importing_program_is_left_alone():
    code = textwrap.dedent(
        """
        import logging
        root = logging.getLogger()
        before = (list(root.handlers), root.level)
        import scalexpert.api
        scalexpert.api.check("version: 1\\ncomponents: {a: {kind: service, replicas: 1}}\\n")
        after = (list(root.handlers), root.level)
        assert before == after, (before, after)
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_python_version_is_supported():
    assert sys.version_info >= (3, 10)
