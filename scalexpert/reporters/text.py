"""Plain terminal text: the verdict, root causes ranked, the plan's headline steps, growth, score, a summary.

Concise by default (docs/assessment.md); ``explain`` adds each root cause's findings with their
proofs and the capacity figures, ``findings`` lists every finding grouped by severity.

Colour only when asked (the command asks on a terminal without ``NO_COLOR``). Every piece of text
that came from the input goes through :func:`~.common.clean`, so it cannot move the cursor or
change colours.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, Proof, Report
from ..review.score import score_report
from .assessment_text import LIST_ROOT_CAUSES, LIST_STEPS, plan_lines, root_cause_lines, timeline_lines, verdict, wrap
from .common import (
    DEFAULT_OPTIONS, RenderOptions, SEVERITY_ORDER, all_findings, assumptions_by_subject, capacity_figures,
    clean, growth_rows, status, summary_line, where,
)

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m", "info": "\033[2m",
           "suppressed": "\033[2m", "baseline": "\033[2m", "title": "\033[1m"}
_RESET = "\033[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_COLORS[style]}{text}{_RESET}" if color else text


def _proof_lines(proof: Proof, indent: str) -> list[str]:
    head = f"{indent}- {proof.fact}" + (f"  [derived by {proof.rule}]" if proof.rule else "")
    lines = [clean(head)]
    for condition in proof.conditions:
        at = f" ({condition.location.file}:{condition.location.line})" if condition.location else ""
        lines.append(clean(f"{indent}    {condition.text}{at}"))
        if condition.derivation:
            lines.append(clean(f"{indent}      = {condition.derivation}"))
    for absent in proof.absent:
        lines.append(clean(f"{indent}    {absent}"))
    for premise in proof.premises:
        lines.extend(_proof_lines(premise, indent + "    "))
    return lines


def explanation_lines(finding: Finding, indent: str = "    ") -> list[str]:
    """The proof tree, absences, severity reason, what-if, remedy and help link of a finding."""
    lines = [clean(f"{indent}why: rule {finding.rule_id} ({finding.rule_name}) matched:")]
    for proof in finding.explanation.proof:
        lines.extend(_proof_lines(proof, indent + "  "))
    for absent in finding.explanation.absent:
        lines.append(clean(f"{indent}  - {absent}"))
    if finding.explanation.severity_reason:
        lines.append(clean(f"{indent}severity {finding.severity} because {finding.explanation.severity_reason}"))
    for change in finding.explanation.what_if:
        lines.append(clean(f"{indent}would clear it: {change}"))
    if finding.remedy:
        lines.append(clean(f"{indent}fix: {finding.remedy}"))
    if finding.help_uri:
        lines.append(clean(f"{indent}more: {finding.help_uri}"))
    elif finding.references:  # the help ships with the tool: no address needed
        lines.append(clean(f"{indent}more: scalexpert explain {finding.rule_id}"))
    return lines


def _finding_line(finding: Finding) -> str:
    return clean(f"  {where(finding)}: {finding.rule_id} {finding.message}")


def _suppressed_line(finding: Finding) -> str:
    record = finding.suppressed
    assert record is not None
    extra = [f"owner {record.owner}" if record.owner else "", f"ticket {record.ticket}" if record.ticket else "",
             f"until {record.expires}" if record.expires else ""]
    details = ", ".join(e for e in extra if e)
    return clean(f"  {where(finding)}: {finding.rule_id} {finding.message} — accepted: {record.reason}"
                 + (f" ({details})" if details else ""))


def _findings_section(findings: list[Finding], explain: bool, color: bool, active: bool = True) -> list[str]:
    lines: list[str] = []
    for severity in SEVERITY_ORDER if active else ():
        group = [f for f in findings if f.severity == severity and status(f) == "active"]
        if group:
            lines.append(_paint(f"{severity.upper()} ({len(group)})", severity, color))
            for finding in group:
                lines.append(_finding_line(finding))
                if explain:
                    lines.extend(explanation_lines(finding))
            lines.append("")
    for label, make in (("suppressed", _suppressed_line), ("baseline", _finding_line)):
        group = [f for f in findings if status(f) == label]
        if group:
            lines.append(_paint(f"{label.upper()} ({len(group)}, not failing)", label, color))
            lines.extend(make(f) for f in group)
            lines.append("")
    return lines


def capacity_lines(report: Report, color: bool = False, explain: bool = False) -> list[str]:
    """The capacity section of one report (empty when there is no capacity data)."""
    figures = capacity_figures(report)
    if not figures and not report.assumptions:
        return []
    lines = [_paint(clean(f"Capacity of {report.file} ({report.system})"), "title", color)]
    width = max((len(label) for label, _ in figures), default=0)
    lines.extend(f"  {label + ':':<{width + 1}} {value}" for label, value in figures)
    growth = growth_rows(report)
    if growth:
        lines.append("  growth:")
        lines.extend(f"    {multiple:<8} {text}" for multiple, text in growth)
    if report.assumptions and explain:
        lines.append(f"  assumed, not stated in the file ({len(report.assumptions)} numbers):")
        lines.extend(f"    {subject}: {items}" for subject, items in assumptions_by_subject(report))
    elif report.assumptions:
        lines.append(f"  assumed, not stated in the file: {len(report.assumptions)} numbers (--explain lists them)")
    lines.append("")
    return lines


def score_lines(report: Report, color: bool = False, breakdown: bool = True, width: int = 100) -> list[str]:
    """The score of one report with its breakdown by category (``breakdown``)."""
    score = score_report(report)
    if not breakdown:
        return wrap(clean(f"Score {score.overall}/100 ({score.formula}; --explain shows each category)"), width) + [""]
    lines = [_paint(clean(f"Score of {report.file} ({report.system}): {score.overall}/100"), "title", color)
             + f"  ({score.formula})"]
    width = max((len(name) for name in score.categories), default=0)
    for name, item in score.categories.items():
        detail = ", ".join(f"{n} {s}" for s, n in item.counts.items())
        lines.append(clean(f"  {name:<{width}} {item.score:>3}  {detail}: {item.formula}"))
    if score.not_counted:
        lines.append(f"  ({score.not_counted} suppressed finding{'s' if score.not_counted != 1 else ''} not counted)")
    lines.append("")
    return lines


def _symptom_lines(report: Report, explain: bool, width: int) -> list[str]:
    """Under --explain: each root cause with every finding it explains, each with its proof."""
    by_fp = {f.fingerprint: f for f in report.findings}
    lines = []
    for cause in report.root_causes:
        lines.extend(wrap(clean(f"{cause.id} ({cause.severity}, impact {cause.impact.score:g}: {cause.impact.formula})"),
                          width))
        if cause.derived_fact:
            label = {"derived-fact": "shared derived fact", "subject": "shared subject"}.get(cause.basis, "shared stated fact")
            lines.extend(wrap(clean(f"  {label}: {cause.derived_fact}"), width, "", 6))
        for fp in cause.symptoms:
            finding = by_fp.get(fp)
            if finding is None:
                continue
            lines.append(_finding_line(finding))  # as --findings prints it (not wrapped: proofs follow)
            if explain:
                lines.extend(explanation_lines(finding))
    return lines + [""] if lines else []


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Verdict, then per file root causes, plan, growth and score; findings and proofs on request."""
    explain = options.explain
    color = options.color
    every = options.findings
    width = options.width or 100
    fail_on = str(options.fail_on)
    head = verdict(reports, fail_on)
    lines = [_paint(head, "critical" if head.startswith("FAILED") else "title", color), ""]
    if every:  # every finding by severity (with proofs under --explain), as before root causes existed
        lines.extend(_findings_section(all_findings(reports), explain, color))
    for report in reports:
        if report.root_causes:
            lines.extend(root_cause_lines(report, width, None if explain or every else LIST_ROOT_CAUSES))
            lines.append("")
            if not every:
                lines.extend(_findings_section(list(report.findings), False, color, active=False))
        if explain and not every:
            lines.extend(_symptom_lines(report, explain, width))
        elif not report.root_causes:
            lines.extend(_findings_section(list(report.findings), False, color))
        plan = plan_lines(report, width, None if explain else LIST_STEPS)
        if plan:
            lines.extend(plan + [""])
        headline = [f"{label}: {value}" for label, value in capacity_figures(report)[:2]]
        if headline and not (explain or every):
            lines.extend(wrap(clean("Capacity — " + "; ".join(headline)), width) + [""])
        growth = timeline_lines(report, width)
        if growth:
            lines.extend(growth + [""])
        if explain or every:
            lines.extend(capacity_lines(report, color, explain))
        lines.extend(score_lines(report, color, breakdown=explain or every, width=width))
        lines.extend(clean(f"{report.file}: {problem}") for problem in report.problems)
    lines.append(summary_line(reports))
    return "\n".join(lines) + "\n"


__all__ = ["capacity_lines", "explanation_lines", "render", "score_lines"]
