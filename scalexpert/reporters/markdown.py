"""Markdown for pull-request comments: a summary table, the findings, capacity, and a Mermaid diagram.

Text from the input is escaped (:func:`md`): Markdown and HTML syntax, table pipes, backticks,
``@`` mentions and ``$`` math become character references, so a component named
``<script>`` or ``a|b`` shows as written and cannot change the comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..findings import Finding, Proof, Report
from ..review.score import score_report
from .common import (
    DEFAULT_OPTIONS, RenderOptions, SEVERITY_ORDER, all_findings, assumptions_by_subject, capacity_figures,
    clean, counts, fails, growth_rows, status, summary_line,
)
from .assessment_text import effect_text, figures_text, money, pct
from .diagram import mermaid

_SPECIAL = set("\\`*{}[]<>#!|~&$@")
_SPECIAL_RE = re.compile("[" + re.escape("".join(sorted(_SPECIAL))) + "]")
_ICONS = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦", "info": "⬜"}


def md(text: object) -> str:
    """Inline Markdown text: one line, every syntax character as a numeric character reference."""
    flat = " ".join(clean(text).split())
    return _SPECIAL_RE.sub(lambda m: f"&#{ord(m.group())};", flat)


def _summary_table(reports: Sequence[Report], fail_on: str) -> list[str]:
    head = "| File | Score | " + " | ".join(s.capitalize() for s in SEVERITY_ORDER) + " | Suppressed | Baseline | Failing |"
    lines = [head, "|" + "---|" * (len(SEVERITY_ORDER) + 5)]
    for report in reports:
        by = counts(report.findings)
        cells = [md(report.file), str(score_report(report).overall), *(str(by[s]) for s in SEVERITY_ORDER),
                 str(sum(1 for f in report.findings if status(f) == "suppressed")),
                 str(sum(1 for f in report.findings if status(f) == "baseline")),
                 str(sum(1 for f in report.findings if fails(f, fail_on)))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _where(finding: Finding) -> str:
    loc = finding.location
    return f"{md(loc.file)}:{loc.line}" if loc else "-"


def _proof(proof: Proof, depth: int) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}- {md(proof.fact)}" + (f" (derived by {md(proof.rule)})" if proof.rule else "")]
    for condition in proof.conditions:
        at = f" ({md(condition.location.file)}:{condition.location.line})" if condition.location else ""
        lines.append(f"{pad}  - {md(condition.text)}{at}")
        if condition.derivation:
            lines.append(f"{pad}    - {md('= ' + condition.derivation)}")
    lines.extend(f"{pad}  - {md(a)}" for a in proof.absent)
    for premise in proof.premises:
        lines.extend(_proof(premise, depth + 1))
    return lines


def _finding(finding: Finding, detailed: bool = True) -> list[str]:
    tag = {"suppressed": " — suppressed", "baseline": " — in baseline"}.get(status(finding), "")
    lines = [f"- {_ICONS.get(finding.severity, '')} **{md(finding.severity)}** {md(finding.rule_id)} "
             f"{md(finding.message)} ({_where(finding)}){tag}"]
    body: list[str] = []
    for proof in finding.explanation.proof:
        body.extend(_proof(proof, 0))
    body.extend(f"- {md(a)}" for a in finding.explanation.absent)
    if finding.explanation.severity_reason:
        body.append(f"- severity {md(finding.severity)} because {md(finding.explanation.severity_reason)}")
    body.extend(f"- would clear it: {md(w)}" for w in finding.explanation.what_if)
    if finding.suppressed:
        body.append(f"- accepted: {md(finding.suppressed.reason)}")
    if finding.remedy:
        body.append(f"- fix: {md(finding.remedy)}")
    if finding.help_uri:
        body.append(f"- more: <{finding.help_uri.replace('>', '%3E').replace(' ', '%20')}>")
    if body and detailed:
        lines += ["", "  <details><summary>Why</summary>", ""] + [f"  {line}" for line in body] + ["", "  </details>", ""]
    return lines


def _capacity(report: Report) -> list[str]:
    figures = capacity_figures(report)
    if not figures and not report.assumptions:
        return []
    lines = ["#### Capacity", "", "| | |", "|---|---|"]
    lines += [f"| {md(label)} | {md(value)} |" for label, value in figures]
    lines += [f"| growth {md(multiple)} | {md(text)} |" for multiple, text in growth_rows(report)]
    if report.assumptions:
        lines += ["", f"<details><summary>{len(report.assumptions)} numbers assumed (not stated in the file)</summary>", ""]
        lines += [f"- {md(subject)}: {md(items)}" for subject, items in assumptions_by_subject(report)]
        lines += ["", "</details>"]
    return lines + [""]


@dataclass(frozen=True)
class _Fit:
    """How much detail a comment carries: proofs for which findings, how many findings, a diagram or not."""

    details: str = "all"  # all | failing | none
    most: int | None = None
    diagram: bool = True


_FITS = (_Fit(), _Fit("failing"), _Fit("none"), *(_Fit("none", n) for n in (200, 100, 50, 20)),
         _Fit("none", 20, False), _Fit("none", 0, False))
LIMIT = 60_000
"""Characters a comment may take: GitHub refuses comments over 65,536; the rest is headroom."""


def _mermaid_plan(report: Report) -> list[str]:
    """The plan as a Mermaid flowchart (renders on GitHub): one box per phase, steps in order, dependencies as arrows."""
    plan = report.plan
    if plan is None or not plan.steps:
        return []
    titles = {"now": "Now", "before-horizon": "Before the growth horizon", "hardening": "Hardening"}
    lines = ["```mermaid", "flowchart LR"]
    for phase in ("now", "before-horizon", "hardening"):
        steps = [s for s in plan.steps if s.phase == phase]
        if not steps:
            continue
        lines.append(f'  subgraph {phase.replace("-", "_")}["{titles[phase]}"]')
        lines.append("    direction TB")
        for step in steps:
            label = f"{step.number}. {step.title}" + (f" (month {step.month:g})" if step.month is not None else "")
            label = label.replace('"', "'").replace("\n", " ")
            lines.append(f'    s{step.number}["{md(label)}"]')
        lines.append("  end")
    for step in plan.steps:
        for before in step.after:
            lines.append(f"  s{before} --> s{step.number}")
    lines.append("```")
    return lines


def _assessment(report: Report, fit: _Fit) -> list[str]:
    """Root causes ranked, the plan as a table with measured effects, and as a Mermaid chart."""
    lines: list[str] = []
    causes = report.root_causes if fit.most is None else report.root_causes[: max(fit.most // 2, 10)]
    if causes:
        lines += [f"#### Root causes ({len(report.root_causes)}, by impact)", "", "| # | severity | where | cause | findings |",
                  "|---|---|---|---|---|"]
        for cause in causes:
            where = f"`{md(cause.location.file)}:{cause.location.line}`" if cause.location else ""
            fix = "; ".join(c.text for c in cause.changes if "(cost follows" not in c.text)
            lines.append(f"| {cause.id} | {cause.severity} | {where} | {md(cause.headline.split(': ', 1)[0])}"
                         + (f" — fix: `{md(fix)}`" if fix else "") + f" | {len(cause.symptoms)} |")
        if len(causes) < len(report.root_causes):
            lines.append(f"| … | | | {len(report.root_causes) - len(causes)} more | |")
        lines.append("")
    plan = report.plan
    if plan is not None and plan.steps:
        lines += [f"#### Plan ({len(plan.steps)} steps)", "", "| step | when | change | root cause | measured effect |",
                  "|---|---|---|---|---|"]
        for step in plan.steps:
            when = step.phase + (f" (month {step.month:g})" if step.month is not None else "")
            after = f" (after {', '.join(map(str, step.after))})" if step.after else ""
            lines.append(f"| {step.number} | {when} | `{md(step.title)}`{after} | {', '.join(step.root_causes)} | "
                         f"{md(effect_text(step.effect))} |")
        lines.append("")
        if plan.today is not None and plan.target is not None:
            found = figures_text(plan.target.findings)
            lines += [f"Target (every step applied, measured): {found}; availability {pct(plan.today.availability)} → "
                      f"{pct(plan.target.availability)}; cost {money(plan.today.monthly_cost)} → {money(plan.target.monthly_cost)} "
                      "a month.", ""]
        if fit.diagram:
            lines += _mermaid_plan(report) + [""]
    return lines


def _report(report: Report, several: bool, fit: _Fit, fail_on: str) -> list[str]:
    lines = [f"### {md(report.file)} — {md(report.system)}", ""] if several else []
    lines.extend(_assessment(report, fit))
    score = score_report(report)
    lines.append(f"**Score {score.overall}/100** ({md(score.formula)})"
                 + "".join(f" · {md(name)} {item.score}" for name, item in score.categories.items()))
    lines.append("")
    chart = mermaid(report) if fit.diagram else None
    if chart:
        lines += ["<details open><summary>Architecture (coloured by worst finding)</summary>", "", "```mermaid",
                  chart.rstrip("\n"), "```", "", "</details>", ""]
    lines.extend(_capacity(report))
    ordered = sorted(report.findings, key=lambda f: ({"active": 0, "baseline": 1, "suppressed": 2}[status(f)],
                                                     SEVERITY_ORDER.index(f.severity) if f.severity in SEVERITY_ORDER else 9))
    shown = ordered if fit.most is None else ordered[: fit.most]
    if ordered:
        lines += [f"#### Findings ({len(ordered)})", ""]
        for finding in shown:
            detailed = fit.details == "all" or (fit.details == "failing" and fails(finding, fail_on))
            lines.extend(_finding(finding, detailed))
        if len(shown) < len(ordered):
            lines.append(f"- … and {len(ordered) - len(shown)} more (left out to fit a comment)")
        lines.append("")
    lines.extend(f"- problem: {md(p)}" for p in report.problems)
    return lines


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """The whole comment, with as much detail as fits in :data:`LIMIT` characters."""
    fail_on = options.fail_on
    failing = sum(1 for f in all_findings(reports) if fails(f, fail_on))
    verdict = (f"❌ {failing} finding{'s' if failing != 1 else ''} at or above **{fail_on}**" if failing
               else "ℹ️ no failure threshold (`--fail-on never`)" if fail_on == "never"
               else f"✅ nothing at or above **{fail_on}**")
    title = "## scalexpert report" + (f": {md(reports[0].system)}" if len(reports) == 1 else "")
    head = [title, "", f"{verdict} — {md(summary_line(reports))}", ""] + _summary_table(reports, fail_on) + [""]
    text = ""
    for fit in _FITS:
        lines = list(head)
        if fit != _FITS[0]:
            lines += ["_Details were trimmed to fit a pull-request comment; `--format html` or `json` has everything._", ""]
        for report in reports:
            lines.extend(_report(report, len(reports) > 1, fit, fail_on))
        text = "\n".join(lines).rstrip("\n") + "\n"
        if len(text) <= LIMIT:
            break
    return text


__all__ = ["LIMIT", "md", "render"]
