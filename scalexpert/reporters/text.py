"""Plain terminal text: findings grouped by severity with file:line, a summary, optional proof trees."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, Proof, Report

_ORDER = ("critical", "high", "medium", "low", "info")
_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m", "info": "\033[2m"}
_RESET = "\033[0m"


def _clean(text: str) -> str:
    """Strip control characters (terminal escapes) from text that came from the input."""
    return "".join(ch if ch.isprintable() or ch == "\n" else "\\x%02x" % ord(ch) for ch in text)


def _where(finding: Finding) -> str:
    loc = finding.location
    return f"{loc.file}:{loc.line}:{loc.column}" if loc else "-"


def _proof_lines(proof: Proof, indent: str) -> list[str]:
    head = f"{indent}- {proof.fact}" + (f"  [derived by {proof.rule}]" if proof.rule else "")
    lines = [_clean(head)]
    for condition in proof.conditions:
        where = f" ({condition.location.file}:{condition.location.line})" if condition.location else ""
        lines.append(_clean(f"{indent}    {condition.text}{where}"))
        if condition.derivation:
            lines.append(_clean(f"{indent}      = {condition.derivation}"))
    for absent in proof.absent:
        lines.append(_clean(f"{indent}    {absent}"))
    for premise in proof.premises:
        lines.extend(_proof_lines(premise, indent + "    "))
    return lines


def explanation_lines(finding: Finding, indent: str = "    ") -> list[str]:
    """The proof tree, absences, severity reason and what-if of a finding."""
    lines = [f"{indent}why: rule {finding.rule_id} ({finding.rule_name}) matched:"]
    for proof in finding.explanation.proof:
        lines.extend(_proof_lines(proof, indent + "  "))
    for absent in finding.explanation.absent:
        lines.append(_clean(f"{indent}  - {absent}"))
    if finding.explanation.severity_reason:
        lines.append(_clean(f"{indent}severity {finding.severity} because {finding.explanation.severity_reason}"))
    for change in finding.explanation.what_if:
        lines.append(_clean(f"{indent}would clear it: {change}"))
    if finding.remedy:
        lines.append(_clean(f"{indent}fix: {finding.remedy}"))
    return lines


def render(reports: Sequence[Report], options: object = None) -> str:
    """Findings by severity, then a one-line summary per run."""
    explain = bool(getattr(options, "explain", False))
    color = bool(getattr(options, "color", False))
    lines: list[str] = []
    findings = [f for r in reports for f in r.findings]
    for severity in _ORDER:
        group = [f for f in findings if f.severity == severity and f.suppressed is None]
        if not group:
            continue
        title = f"{severity.upper()} ({len(group)})"
        lines.append(f"{_COLORS[severity]}{title}{_RESET}" if color else title)
        for finding in group:
            lines.append(_clean(f"  {_where(finding)}: {finding.rule_id} {finding.message}"))
            if explain:
                lines.extend(explanation_lines(finding))
        lines.append("")
    suppressed = [f for f in findings if f.suppressed is not None]
    for finding in suppressed:
        lines.append(_clean(f"  suppressed {_where(finding)}: {finding.rule_id} {finding.message} "
                            f"(reason: {finding.suppressed.reason if finding.suppressed else ''})"))
    for report in reports:
        for problem in report.problems:
            lines.append(_clean(f"  {problem}"))
    counts = {s: sum(1 for f in findings if f.severity == s and f.suppressed is None) for s in _ORDER}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no findings"
    files = len(reports)
    lines.append(f"{summary} in {files} file{'s' if files != 1 else ''}"
                 + (f" ({len(suppressed)} suppressed)" if suppressed else ""))
    return "\n".join(lines) + "\n"
