"""One self-contained HTML page: summary, an inline-SVG diagram with findings marked, every finding explained.

No scripts, fonts, images or style sheets are loaded (a Content-Security-Policy forbids it), so
the page renders the same offline and as a CI artifact. Every piece of input text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ..version import __version__
from ..findings import Finding, Proof, Report
from ..review.score import score_report
from .common import (
    DEFAULT_OPTIONS, RenderOptions, SEVERITY_ORDER, all_findings, assumptions_by_subject, capacity_figures,
    clean, counts, fails, growth_rows, status, summary_line,
)
from . import charts
from .assessment_text import effect_text, figures_text, money, pct, verdict as verdict_line
from .diagram import COLORS, svg

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#212529;max-width:1200px}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #dee2e6;padding-bottom:.3rem;margin-top:2.5rem}
h3{font-size:1.1rem}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dee2e6;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f8f9fa}.verdict{font-size:1.1rem;font-weight:bold}
.fail{color:#b02a37}.pass{color:#146c43}.diagram{overflow:auto;border:1px solid #dee2e6;padding:.5rem;background:#fcfcfd}
.finding{border-left:6px solid #6c757d;padding:.4rem .8rem;margin:.8rem 0;background:#f8f9fa}
.sev{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-weight:bold;font-size:.85rem;border:1px solid}
.status{font-size:.85rem;color:#6c757d;margin-left:.4rem}code{background:#eef0f2;padding:0 .2rem;border-radius:.2rem}
details{margin:.3rem 0}summary{cursor:pointer}.legend span{margin-right:1rem}ul.proof{margin:.2rem 0}
.diagram svg,.chart{max-width:100%;height:auto}.charts{display:grid;grid-template-columns:1fr;gap:1rem}
.charts figure{margin:0;border:1px solid #dee2e6;padding:.5rem;background:#fcfcfd}figcaption{font-weight:bold;margin-bottom:.3rem}
table.causes td:nth-child(4){max-width:40rem}.fix{color:#146c43}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def e(text: object) -> str:
    """Escape input text for HTML (control characters made visible first)."""
    return html.escape(clean(text), quote=True)


def _severity(severity: str) -> str:
    fill, stroke, text = COLORS.get(severity, COLORS["none"])
    return f'<span class="sev sev-{e(severity)}" style="background:{fill};border-color:{stroke};color:{text}">{e(severity)}</span>'


def _proof(proof: Proof) -> str:
    items = [f"<li>{e(proof.fact)}" + (f" <em>(derived by {e(proof.rule)})</em>" if proof.rule else "")]
    inner = []
    for c in proof.conditions:
        at = f" <code>{e(c.location.file)}:{c.location.line}</code>" if c.location else ""
        inner.append(f"<li>{e(c.text)}{at}" + (f"<br><small>= {e(c.derivation)}</small>" if c.derivation else "") + "</li>")
    inner.extend(f"<li>{e(a)}</li>" for a in proof.absent)
    inner.extend(_proof(p) for p in proof.premises)
    if inner:
        items.append('<ul class="proof">' + "".join(inner) + "</ul>")
    return "".join(items) + "</li>"


def _finding(finding: Finding, anchor: str) -> str:
    stroke = COLORS.get(finding.severity, COLORS["none"])[1]
    loc = finding.location
    where = f"<code>{e(loc.file)}:{loc.line}:{loc.column}</code>" if loc else ""
    state = {"suppressed": "suppressed", "baseline": "in baseline (not failing)"}.get(status(finding))
    parts = [f'<div class="finding status-{status(finding)}" id="{anchor}" style="border-left-color:{stroke}">',
             f"<div>{_severity(finding.severity)} <strong>{e(finding.rule_id)}</strong> {e(finding.title)}"
             + (f'<span class="status">{e(state)}</span>' if state else "") + "</div>",
             f'<p class="message">{e(finding.message)} {where}</p>']
    if finding.suppressed is not None:
        record = finding.suppressed
        extra = ", ".join(f"{k} {v}" for k, v in (("owner", record.owner), ("ticket", record.ticket),
                                                   ("until", record.expires)) if v)
        parts.append(f"<p>Accepted: {e(record.reason)}" + (f" ({e(extra)})" if extra else "") + "</p>")
    why = [_proof(p) for p in finding.explanation.proof] + [f"<li>{e(a)}</li>" for a in finding.explanation.absent]
    parts.append(f'<details><summary>Why: rule {e(finding.rule_id)} ({e(finding.rule_name)}) matched</summary>'
                 f'<ul class="proof">{"".join(why)}</ul>')
    if finding.explanation.severity_reason:
        parts.append(f"<p>Severity {e(finding.severity)} because {e(finding.explanation.severity_reason)}.</p>")
    if finding.explanation.what_if:
        parts.append("<p>Would clear it:</p><ul>" + "".join(f"<li><code>{e(w)}</code></li>" for w in finding.explanation.what_if) + "</ul>")
    parts.append("</details>")
    if finding.remedy:
        parts.append(f"<p><strong>Fix:</strong> {e(finding.remedy)}</p>")
    if finding.references:
        parts.append("<details><summary>References</summary><ul>" + "".join(f"<li>{e(r)}</li>" for r in finding.references) + "</ul></details>")
    if finding.help_uri.startswith(("https://", "http://")):
        parts.append(f'<p><a href="{e(finding.help_uri)}" rel="noopener noreferrer">More about {e(finding.rule_id)}</a></p>')
    parts.append("</div>")
    return "\n".join(parts)


def _legend() -> str:
    spans = [f'<span><span class="sev" style="background:{COLORS[s][0]};border-color:{COLORS[s][1]};color:{COLORS[s][2]}">'
             f"{s}</span></span>" for s in SEVERITY_ORDER]
    return '<p class="legend">Worst finding: ' + "".join(spans) + " · dashed arrows: asynchronous</p>"


def _assessment(report: Report, number: int) -> list[str]:
    """The charts, the root causes ranked, and the plan with measured effects."""
    parts: list[str] = []
    figures = [(title, chart) for title, chart in (
        ("Utilization today and at the growth horizon", charts.utilization(report, report.timeline.safe_utilization
                                                                           if report.timeline else 0.7)),
        ("Months of runway", charts.runway(report)),
        ("Flow availability against the objective", charts.availability(report)),
        ("The plan over time", charts.plan_timeline(report))) if chart]
    if figures:
        parts.append('<div class="charts">' + "".join(f"<figure><figcaption>{e(t)}</figcaption>{c}</figure>" for t, c in figures)
                     + "</div>")
    if report.root_causes:
        rows = []
        for cause in report.root_causes:
            loc = f"<code>{e(cause.location.file)}:{cause.location.line}</code>" if cause.location else ""
            fix = "; ".join(c.text for c in cause.changes if "(cost follows" not in c.text)
            rows.append(f'<tr id="r{number}-{e(cause.id)}"><td>{e(cause.id)}</td><td>{_severity(cause.severity)}</td><td>{loc}</td>'
                        f"<td>{e(cause.headline)}" + (f'<br><span class="fix">fix: {e(fix)}</span>' if fix else "")
                        + f'</td><td>{len(cause.symptoms)}</td><td title="{e(cause.impact.formula)}">{cause.impact.score:g}</td></tr>')
        parts.append(f"<h3>Root causes ({len(report.root_causes)}, by impact)</h3>"
                     '<table class="causes"><tr><th>#</th><th>Severity</th><th>Where</th><th>Cause</th><th>Findings</th>'
                     f"<th>Impact</th></tr>{''.join(rows)}</table>")
    plan = report.plan
    if plan is not None and plan.steps:
        rows = [f"<tr><td>{s.number}</td><td>{e(s.phase)}{f' (month {s.month:g})' if s.month is not None else ''}</td>"
                f"<td>{e(s.title)}" + (f"<br><small>after step {', '.join(map(str, s.after))}: {e(s.order_reason)}</small>"
                                       if s.after else "")
                + f"</td><td>{e(', '.join(s.root_causes))}</td><td>{e(effect_text(s.effect))}</td></tr>" for s in plan.steps]
        parts.append(f"<h3>Plan ({len(plan.steps)} steps)</h3><table class=\"plan\"><tr><th>Step</th><th>When</th>"
                     f"<th>Change</th><th>Root cause</th><th>Measured effect</th></tr>{''.join(rows)}</table>")
        if plan.today is not None and plan.target is not None:
            parts.append(f"<p>Target (every step applied, measured): {e(figures_text(plan.target.findings))}; "
                         f"availability {e(pct(plan.today.availability))} → {e(pct(plan.target.availability))}; "
                         f"cost {e(money(plan.today.monthly_cost))} → {e(money(plan.target.monthly_cost))} a month.</p>")
        if plan.conflicts:
            parts.append("<ul>" + "".join(f"<li>Conflict: {e(c)}</li>" for c in plan.conflicts) + "</ul>")
        if plan.decisions:
            items = "".join(f"<li><strong>{e(d.root_cause)}</strong>: {e(d.question)}<ul>"
                            + "".join(f"<li>{e(o)}</li>" for o in d.options) + f"</ul><small>Trade-offs: {e(d.trade_offs)}</small></li>"
                            for d in plan.decisions)
            parts.append(f"<details><summary>{len(plan.decisions)} decisions the file cannot make</summary><ul>{items}</ul></details>")
    return parts


def _report(report: Report, number: int) -> str:
    parts = [f'<section class="report" id="report-{number}"><h2>{e(report.file)} — {e(report.system)}</h2>']
    parts.extend(_assessment(report, number))
    score = score_report(report)
    rows = "".join(f"<tr><td>{e(name)}</td><td>{item.score}</td><td>{e(item.formula)}</td></tr>"
                   for name, item in score.categories.items())
    parts.append(f"<h3>Score {score.overall}/100</h3><p><code>{e(score.formula)}</code></p>")
    if rows:
        parts.append(f"<table><tr><th>Category</th><th>Score</th><th>Arithmetic</th></tr>{rows}</table>")
    ordered = sorted(report.findings, key=lambda f: ({"active": 0, "baseline": 1, "suppressed": 2}[status(f)],
                                                     SEVERITY_ORDER.index(f.severity) if f.severity in SEVERITY_ORDER else 9))
    anchors = {id(f): f"r{number}-f{i}" for i, f in enumerate(ordered)}
    links: dict[str, str] = {}
    for finding in ordered:
        for subject in finding.subjects:
            links.setdefault(subject, "#" + anchors[id(finding)])
    picture = svg(report, links)
    if picture:
        parts.append(f'<h3>Architecture</h3>{_legend()}<div class="diagram">{picture}</div>')
    parts.append(f"<h3>Findings ({len(ordered)})</h3>")
    parts.extend(_finding(f, anchors[id(f)]) for f in ordered)
    if not ordered:
        parts.append("<p>No findings.</p>")
    figures = capacity_figures(report) + [(f"growth {m}", t) for m, t in growth_rows(report)]
    if figures:
        parts.append("<h3>Capacity</h3><table>" + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in figures) + "</table>")
    if report.assumptions:
        items = "".join(f"<li><strong>{e(s)}</strong>: {e(v)}</li>" for s, v in assumptions_by_subject(report))
        parts.append(f"<details><summary>{len(report.assumptions)} numbers assumed (not stated in the file)</summary><ul>{items}</ul></details>")
    parts.extend(f'<p class="problem">Problem: {e(p)}</p>' for p in report.problems)
    parts.append("</section>")
    return "\n".join(parts)


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """The whole page."""
    fail_on = options.fail_on
    failing = sum(1 for f in all_findings(reports) if fails(f, fail_on))
    verdict = f'<p class="verdict {"fail" if failing else "pass"}">{e(verdict_line(reports, fail_on))}</p>'
    head = "".join(f"<th>{s}</th>" for s in SEVERITY_ORDER)
    rows = []
    for number, report in enumerate(reports):
        by = counts(report.findings)
        rows.append(f'<tr><td><a href="#report-{number}">{e(report.file)}</a></td><td>{score_report(report).overall}</td>'
                    + "".join(f"<td>{by[s]}</td>" for s in SEVERITY_ORDER)
                    + f"<td>{sum(1 for f in report.findings if status(f) == 'suppressed')}</td>"
                    + f"<td>{sum(1 for f in report.findings if status(f) == 'baseline')}</td></tr>")
    body = [f"<h1>scalexpert report</h1>{verdict}<p>{e(summary_line(reports))}</p>",
            f"<table><tr><th>File</th><th>Score</th>{head}<th>suppressed</th><th>baseline</th></tr>{''.join(rows)}</table>"]
    body.extend(_report(r, n) for n, r in enumerate(reports))
    body.append(f"<footer><p><small>scalexpert {e(__version__)}</small></p></footer>")
    title = "scalexpert report" + (f": {reports[0].system}" if len(reports) == 1 else "")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


__all__ = ["e", "render"]
