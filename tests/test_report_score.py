"""The 0–100 score: formula, what counts, and its properties."""

from __future__ import annotations

import itertools

import pytest

from scalexpert.findings import Explanation, Finding, Report, SuppressionRecord
from scalexpert.review.score import CAPS, WEIGHTS, score_report
from helpers import builtin_catalogue, make_report


def known_categories() -> set[str]:
    return set(builtin_catalogue().categories)


def finding(severity: str, category: str = "availability", n: int = 0, **extra: object) -> Finding:
    return Finding(rule_id="T-001", rule_name="t.rule", title="t", category=category, severity=severity,
                   subjects=(f"c{n}",), message="m", explanation=Explanation(proof=()), fingerprint=f"T-001@c{n}",
                   **extra)  # type: ignore[arg-type]


def report(*findings: Finding) -> Report:
    return make_report(tool_version="0", file="f.yaml", system="s", findings=findings, rules_evaluated=1)


@pytest.mark.parametrize(("severities", "expected"), [
    ((), 100), (("critical",), 50), (("high",), 75), (("medium",), 90), (("low",), 97), (("info",), 100),
    (("medium", "medium", "medium"), 73), (("critical", "critical"), 25), (("high", "medium"), 68),
])
def test_category_formula(severities: tuple[str, ...], expected: int) -> None:
    score = score_report(report(*(finding(s, n=i) for i, s in enumerate(severities))))
    assert {name: item.score for name, item in score.categories.items()} == ({"availability": expected} if severities else {})


def test_breakdown_per_category_with_arithmetic() -> None:
    score = score_report(report(finding("critical", "availability"), finding("medium", "caching", 1),
                                finding("medium", "caching", 2)))
    assert score.categories["availability"].score == 50
    assert score.categories["caching"].score == 81 and score.categories["caching"].counts == {"medium": 2}
    assert score.categories["caching"].formula == "100 × 0.90^2 = 81"
    assert score.category_count == len(known_categories()) >= 20  # every category of the knowledge base


def test_overall_is_the_geometric_mean_of_all_categories_capped_by_the_worst_finding() -> None:
    n = len(known_categories())
    high = score_report(report(finding("high")))
    mean = round(100 * 0.75 ** (1 / n))
    assert high.overall == min(mean, CAPS["high"]) == 74
    assert high.formula == f"geometric mean of {n} category scores = {mean}, capped at 74 by a high finding"
    assert score_report(report(*(finding("low", n=i) for i in range(3)))).overall == 96  # mean 100, capped
    two_highs = [finding("high", c, i) for i, c in enumerate(sorted(known_categories()) * 2)]
    uncapped = score_report(report(*two_highs))
    assert uncapped.overall == 56 and uncapped.formula == f"geometric mean of {n} category scores = 56"
    assert score_report(report()).overall == 100
    everywhere = score_report(report(*(finding("medium", c, i) for i, c in enumerate(sorted(known_categories())))))
    assert everywhere.overall == 89 and everywhere.formula.startswith(f"geometric mean of {n} category scores = 90")


def test_suppressed_and_meta_findings_do_not_count_baseline_does() -> None:
    accepted = finding("critical", suppressed=SuppressionRecord(reason="ok"))
    meta = finding("high", "suppressions", 1)
    base = finding("high", n=2, baseline=True)
    score = score_report(report(accepted, meta, base))
    assert score.overall == 74 and score.not_counted == 1 and set(score.categories) == {"availability"}


def test_more_findings_never_raise_a_score() -> None:
    severities = list(WEIGHTS)
    for combo in itertools.combinations_with_replacement(severities, 3):
        findings = [finding(s, ("availability", "caching", "custom-area")[i % 3], i) for i, s in enumerate(combo)]
        score, fewer = score_report(report(*findings)), score_report(report(*findings[:-1]))
        assert 0 <= score.overall <= fewer.overall <= 100
        assert all(score.categories[c].score <= fewer.categories[c].score for c in fewer.categories)
