"""Suppressions: still reported as suppressed; expired and unused ones become meta findings."""

from __future__ import annotations

import datetime as dt

import pytest

import scalexpert.review.suppressions as suppressions_module
from scalexpert.api import check, load
from scalexpert.config import Config
from scalexpert.findings import Explanation, Finding, Report

BASE = """\
version: 1
system: {name: shop}
components:
  web: {kind: client}
  api: {kind: service, replicas: 1}
  db: {kind: database}
dependencies:
  - {from: web, to: api}
  - {from: api, to: db}
"""
ONLY = Config(enable=["SPOF-001", "suppressions"])


def run(suppressions: str, config: Config = ONLY) -> Report:
    return check(BASE + "suppressions:\n" + suppressions, config=config)


def by_rule(report: Report, rule_id: str) -> list[Finding]:
    return [f for f in report.findings if f.rule_id == rule_id]


def test_suppressed_finding_is_still_reported_with_its_record() -> None:
    report = run("  - {rule: SPOF-001, component: api, reason: accepted, owner: me, ticket: T-1, expires: 2999-12-31}\n")
    (spof,) = by_rule(report, "SPOF-001")
    assert spof.suppressed is not None and spof.suppressed.reason == "accepted" and spof.suppressed.ticket == "T-1"
    assert spof.suppressed.location is not None and spof.suppressed.location.line == 11
    assert report.active == () and not by_rule(report, "SUPP-002")


def test_match_by_rule_name_and_wildcard() -> None:
    report = run("  - {rule: availability.single-point-of-failure, component: 'a*', reason: by name}\n")
    assert by_rule(report, "SPOF-001")[0].suppressed is not None


def test_expired_suppression_reactivates_the_finding_and_is_reported() -> None:
    report = run("  - {rule: SPOF-001, component: api, reason: old, expires: 2001-02-03}\n")
    (spof,) = by_rule(report, "SPOF-001")
    assert spof.suppressed is None
    (expired,) = by_rule(report, "SUPP-001")
    assert expired.severity == "medium" and expired.location is not None and expired.location.line == 11
    assert "expired on 2001-02-03" in expired.message and expired.explanation.proof
    assert not by_rule(report, "SUPP-002")


def test_unused_and_unknown_rule_suppressions_are_reported() -> None:
    report = run("  - {rule: SPOF-001, component: db, reason: nothing}\n  - {rule: NOPE-001, reason: typo}\n")
    messages = sorted(f.message for f in by_rule(report, "SUPP-002"))
    assert messages == ["suppression of NOPE-001 names no known rule", "suppression of SPOF-001 for db matches no finding"]
    assert all(f.severity == "low" and f.category == "suppressions" for f in by_rule(report, "SUPP-002"))


def test_a_duplicate_suppression_is_unused() -> None:
    report = run("  - {rule: SPOF-001, component: api, reason: one}\n  - {rule: SPOF-001, component: api, reason: two}\n")
    (unused,) = by_rule(report, "SUPP-002")
    assert unused.location is not None and unused.location.line == 12


def test_suppression_of_a_disabled_rule_is_not_called_unused() -> None:
    report = run("  - {rule: SPOF-001, component: db, reason: x}\n", Config(disable=["SPOF-001"]))
    assert not by_rule(report, "SUPP-002")


def test_no_suppressions_ignores_them_all() -> None:
    report = run("  - {rule: SPOF-001, component: api, reason: x}\n  - {rule: NOPE-001, reason: y}\n",
                 ONLY.with_options(suppressions=False))
    assert by_rule(report, "SPOF-001")[0].suppressed is None
    assert not by_rule(report, "SUPP-001") and not by_rule(report, "SUPP-002")


def test_meta_rules_follow_severity_overrides_and_disable() -> None:
    text = "  - {rule: SPOF-001, component: db, reason: nothing}\n"
    raised = run(text, ONLY.with_options(severity={"suppression.unused": "high"}))
    assert by_rule(raised, "SUPP-002")[0].severity == "high"
    assert not by_rule(run(text, Config(disable=["SUPP-002"])), "SUPP-002")


def test_thousands_of_suppressions_use_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 exact suppressions: matching never falls back to pattern matching (no quadratic scan)."""
    lines = "".join(f"  - {{rule: SPOF-001, component: c{i}, reason: r}}\n" for i in range(5000))
    loaded = load(BASE + "suppressions:\n" + lines)
    calls = []
    original = suppressions_module.translate  # every wildcard pattern is compiled through it
    monkeypatch.setattr(suppressions_module, "translate", lambda *a: calls.append(a) or original(*a))
    findings = [Finding(rule_id="SPOF-001", rule_name="availability.single-point-of-failure", title="t",
                        category="availability", severity="high", subjects=(f"c{i}",), message="m",
                        explanation=Explanation(proof=()), fingerprint=f"SPOF-001@c{i}") for i in range(0, 5000, 2)]
    marked, meta = suppressions_module.apply_suppressions(findings, loaded, today=dt.date(2020, 1, 1))
    assert all(f.suppressed is not None for f in marked)
    assert len(meta) == 2500 and calls == []
