"""A 0–100 score per category and overall, with the arithmetic that produced it.

Category score: start at 100; every counted finding of the category removes a share of what is
left, ``100 × Π (1 − w[severity])``. Weights: critical 0.50, high 0.25, medium 0.10, low 0.03,
info 0. Multiplicative, because it has diminishing returns without clamping (the tenth medium
costs less than the first and no score goes below 0, so two bad architectures still compare),
does not depend on the order of findings, and keeps one critical (50) worse than one high (75)
or three mediums (73).

Overall score: the geometric mean of the scores of every category of the knowledge base (as the
report's catalogue lists them; a category without findings scores 100), capped by the worst
counted finding: at most 49 with a critical, 74 with a high, 89 with a medium, 96 with a low. The mean over a fixed set of
categories keeps the overall informative for large architectures (a product over all findings
would be 0 for most real designs) and never rises when a finding is added; the cap keeps one
critical problem from being averaged away.

Counted: root causes (schema 2; docs/assessment.md), each once at its most severe symptom in the
category of its headline finding, so that one cause seen by eleven rules costs once; a report
without root causes counts its findings. A root cause counts when any of its findings is active
or in the baseline (the architecture still has them).
Not counted: suppressed findings (reviewed and accepted, often false positives), and the
suppression meta findings (they are about the document, not the system). Scores are rounded
half up at the end.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from ..findings import Finding, Report
from ..severity import SEVERITY_ORDER

WEIGHTS: dict[str, float] = {"critical": 0.50, "high": 0.25, "medium": 0.10, "low": 0.03, "info": 0.0}
CAPS: dict[str, int] = {"critical": 49, "high": 74, "medium": 89, "low": 96, "info": 100}
META_CATEGORY = "suppressions"


class CategoryScore(BaseModel):
    """The score of one category and how it came about."""

    model_config = ConfigDict(frozen=True)

    counts: dict[str, int] = Field(description="Counted findings by severity.")
    formula: str = Field(description="The arithmetic, e.g. '100 × 0.75^1 × 0.90^2 = 61'.")
    score: int = Field(description="0–100.")

    @field_serializer("counts")
    def _sorted(self, value: dict[str, int]) -> dict[str, int]:
        return dict(sorted(value.items()))


class Score(BaseModel):
    """Scores of one report."""

    model_config = ConfigDict(frozen=True)

    caps: dict[str, int] = Field(default_factory=lambda: dict(CAPS), description="Highest overall score per worst severity.")
    categories: dict[str, CategoryScore] = Field(description="Categories with counted findings (all others are 100).")
    category_count: int = Field(description="Categories the geometric mean runs over.")
    formula: str = Field(description="The arithmetic of the overall score.")
    not_counted: int = Field(default=0, description="Suppressed findings, left out of the score.")
    overall: int = Field(description="0–100: geometric mean of every category's score, capped by the worst finding.")
    weights: dict[str, float] = Field(default_factory=lambda: dict(WEIGHTS), description="Share removed per severity.")

    @field_serializer("caps", "categories", "weights")
    def _sorted(self, value: dict[str, Any]) -> dict[str, Any]:
        return dict(sorted(value.items()))


def counted(finding: Finding) -> bool:
    """Whether a finding counts for the score."""
    return finding.suppressed is None and finding.category != META_CATEGORY


def _round(value: float) -> int:
    return int(math.floor(round(value, 9) + 0.5))  # round(…, 9): float noise never decides a half


def _category(findings: Iterable[Finding]) -> tuple[float, dict[str, int], str]:
    counts = {s: 0 for s in SEVERITY_ORDER}
    for finding in findings:
        if finding.severity in counts:
            counts[finding.severity] += 1
    value = 100.0
    factors = []
    for severity in SEVERITY_ORDER:
        n = counts[severity]
        if n and WEIGHTS[severity] > 0:
            value *= (1 - WEIGHTS[severity]) ** n
            factors.append(f"{1 - WEIGHTS[severity]:.2f}^{n}")
    formula = "100" + "".join(f" × {f}" for f in factors) + f" = {_round(value)}" if factors else "100 (nothing counted)"
    return value, {s: n for s, n in counts.items() if n}, formula


def _units(report: Report) -> list[Finding]:
    """What the score counts: one stand-in finding per root cause (its headline's category, its severity)."""
    findings = [f for f in report.findings if counted(f)]
    if not report.root_causes:
        return findings
    by_fp = {f.fingerprint: f for f in findings}
    units = []
    for cause in report.root_causes:
        present = [by_fp[fp] for fp in cause.symptoms if fp in by_fp]
        if present:
            head = next((f for f in present if f.rule_id == cause.rule_id), present[0])
            units.append(head.model_copy(update={"severity": cause.severity, "category": cause.category}))
    return units


def score_report(report: Report) -> Score:
    """Score one report."""
    chosen = _units(report)
    by_category: dict[str, list[Finding]] = {}
    for finding in chosen:
        by_category.setdefault(finding.category, []).append(finding)
    categories = {}
    logs = 0.0
    for name in sorted(by_category):
        value, counts, formula = _category(by_category[name])
        categories[name] = CategoryScore(score=_round(value), counts=counts, formula=formula)
        logs += math.log(max(value, 1e-9) / 100)
    total = len(set(report.catalogue.categories) | set(by_category)) or 1
    mean = 100 * math.exp(logs / total)
    worst = next((s for s in SEVERITY_ORDER if any(f.severity == s for f in chosen)), None)
    cap = CAPS[worst] if worst else 100
    overall = min(_round(mean), cap)
    unit = f" over {len(chosen)} root causes" if report.root_causes else ""
    formula = f"geometric mean of {total} category scores{unit} = {_round(mean)}"
    if worst and cap < _round(mean):
        formula += f", capped at {cap} by a {worst} finding"
    skipped = sum(1 for f in report.findings if f.suppressed is not None and f.category != META_CATEGORY)
    return Score(overall=overall, formula=formula, categories=categories, category_count=total, not_counted=skipped)


__all__ = ["CAPS", "WEIGHTS", "CategoryScore", "Score", "counted", "score_report"]
