"""The library under concurrent use: checks in several threads leave the process as they found it.

``check()`` relaxes the cyclic garbage collector's thresholds while it runs. Each call used to save
the thresholds it found and restore them when it ended, so two overlapping calls left the relaxed
thresholds behind for good (the second saved the first one's relaxed values). The first check to
start now saves them and the last one to end restores them.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest

import scalexpert.api
from scalexpert.api import check

ARCH = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"


@pytest.mark.hostile("edges")
def test_overlapping_checks_restore_the_collector_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A starts, B starts, A ends, B ends: the order that left the thresholds changed, made certain."""
    original = gc.get_threshold()
    a_inside, b_inside, a_done = threading.Event(), threading.Event(), threading.Event()
    real_phase = scalexpert.api.phase

    def phase(name: str) -> None:
        if name == "reading":
            if threading.current_thread().name == "A":
                a_inside.set()
                assert b_inside.wait(60)
            else:
                b_inside.set()
                assert a_done.wait(60)
        real_phase(name)

    monkeypatch.setattr(scalexpert.api, "phase", phase)
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            if name == "B":
                assert a_inside.wait(60)
            check(ARCH, assess=False)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if name == "A":
                a_done.set()

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert gc.get_threshold() == original


@pytest.mark.hostile("edges")
def test_many_concurrent_checks_restore_the_collector_thresholds() -> None:
    original = gc.get_threshold()
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(check(ARCH, assess=False))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert len(results) == 6
    assert gc.get_threshold() == original
