"""Helpers several test modules share: a time guard and a small architecture."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SHOP = """\
version: 1
system: {name: shop}
components:
  web: {kind: client}
  api: {kind: service, replicas: 1}
dependencies:
  - {from: web, to: api}
"""
"""A client calling one single-replica service: SPOF-001 fires on ``api``."""


class Hang(BaseException):
    """Raised by the time guard; a BaseException, so that no ``except Exception`` can swallow it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - Windows
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s: an unbounded loop or runaway computation")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def empty_capacity() -> Any:
    """The capacity model of an architecture without components (for reports built by hand)."""
    from scalexpert.analysis.capacity.records import CapacityReport, SystemCapacity

    return CapacityReport(components={}, flows=[], system=SystemCapacity())


def builtin_catalogue() -> Any:
    """The catalogue of the built-in rules and categories, as ``check`` puts it into a report."""
    from scalexpert.api import catalogue, rules_for
    from scalexpert.config import Config

    return catalogue(rules_for(Config()))


def make_report(findings: Any = (), **fields: Any) -> Any:
    """A report built by hand: no capacity figures, the built-in catalogue."""
    from scalexpert.findings import Report

    values: dict[str, Any] = {"tool_version": "0", "file": "f.yaml", "system": "s", "rules_evaluated": 1,
                              "capacity": empty_capacity(), "catalogue": builtin_catalogue()}
    values.update(fields)
    return Report(findings=tuple(findings), **values)


def check_in(tmp_path: Any, monkeypatch: Any, capsys: Any, arch: str, *argv: str) -> tuple[int, str]:
    """Exit code and stderr of ``scalexpert check a.yaml --format json ARGV`` run in process in ``tmp_path``."""
    import pytest

    from scalexpert.cli import main

    (tmp_path / "a.yaml").write_text(arch, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCALEXPERT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["check", "a.yaml", "--format", "json", *argv])
    return int(caught.value.code or 0), capsys.readouterr().err


USER_RULE = """\
id: USER-001
name: user.single-replica
severity: {severity}
when:
  - component: {{name: $n, replicas: {{lt: {limit}}}}}
then:
  finding: {{subjects: ["{{n}}"], message: "{{n}} has few replicas"}}
knowledge:
  title: Few replicas
  category: availability
  summary: s
  why: w
  fix: f
  trade_offs: t
  references: [{{title: a source}}]
"""
"""A user rule for the rule-cache tests: components with fewer than ``limit`` replicas."""


def user_rules(folder: Any, severity: str = "low", limit: int = 2) -> Any:
    """Write USER_RULE into ``folder`` (a pathlib.Path, made if missing) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "user-001.yaml").write_text(USER_RULE.format(severity=severity, limit=limit), encoding="utf-8")
    return folder
