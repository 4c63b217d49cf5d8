"""SARIF 2.1.0 for code-scanning tools (GitHub, GitLab, IDEs).

One run; one rule descriptor per rule evaluated or reported (title, and the full help shipped with
the tool, from the reports' catalogues: summary, why, fix, trade-offs and references as
``help.text`` and ``help.markdown``; ``helpUri`` only when a documentation base address is
configured, ``docs_url``); file paths relative to the repository root (``--base-dir``); one result per finding at the YAML line of its component or dependency, with a
``partialFingerprints`` entry from the finding's fingerprint (stable across edits), suppressed
findings carrying SARIF suppressions, and ``baselineState`` when a baseline was applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from ..version import __version__
from ..findings import Finding, Report, RuleInfo, rule_help_uri
from ..review.score import score_report
from ..review.suppressions import META_RULES
from .common import DEFAULT_OPTIONS, RenderOptions, pretty_json_bytes, repo_path, status
from .text import explanation_lines

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "scalexpert/v1"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def uri(file: str) -> str:
    """A file name as a SARIF artifact URI: relative paths stay relative (to the repository root)."""
    if PureWindowsPath(file).drive:
        return PureWindowsPath(file).as_uri()
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return "file://" + quote(str(path))
    return quote(str(path))


def _md(text: str) -> str:
    """Plain text made inert in Markdown (no links, emphasis or HTML from knowledge text)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


def _descriptor(rule_id: str, name: str, example: Finding | None, info: RuleInfo | None,
                docs_url: str | None) -> dict[str, Any]:
    entry = info if info is not None and info.summary is not None else None
    meta = META_RULES.get(rule_id)
    title = entry.title if entry else meta.title if meta else example.title if example else name
    descriptor: dict[str, Any] = {"id": rule_id, "name": name, "shortDescription": {"text": title}}
    if entry is not None:
        descriptor["fullDescription"] = {"text": " ".join((entry.summary or "").split())}
        sections = [("Summary", entry.summary or ""), ("Why it matters", entry.why or ""),
                    ("How to fix", entry.fix or ""), ("Trade-offs", entry.trade_offs or "")]
        refs = [f"{r.title} — {r.url}" if r.url else r.title for r in entry.references]
        md_refs = [f"[{_md(r.title)}]({r.url})" if r.url else _md(r.title) for r in entry.references]
        text = "\n\n".join(f"{head}: {' '.join(body.split())}" for head, body in sections if body.strip())
        markdown = "\n\n".join(f"**{head}.** {_md(' '.join(body.split()))}" for head, body in sections if body.strip())
        if refs:
            text += "\n\nReferences:\n" + "\n".join(f"- {r}" for r in refs)
            markdown += "\n\n**References**\n\n" + "\n".join(f"- {r}" for r in md_refs)
        text += f"\n\nIn the terminal: scalexpert explain {rule_id}"
        markdown += f"\n\nIn the terminal: `scalexpert explain {rule_id}`"
        descriptor["help"] = {"text": text, "markdown": markdown}
        if docs_url:
            descriptor["helpUri"] = rule_help_uri(docs_url, rule_id)
    elif meta is not None or example is not None:
        remedy = meta.remedy if meta else example.remedy if example else ""
        if remedy:
            descriptor["help"] = {"text": remedy}
        help_uri = example.help_uri if example and example.help_uri else ""
        if help_uri:
            descriptor["helpUri"] = help_uri
    category = entry.category if entry else example.category if example else "suppressions" if meta else None
    if category:
        descriptor["properties"] = {"category": category, "tags": ["scalability", category]}
    return descriptor


def _location(finding: Finding, artifacts: dict[str, int], options: RenderOptions) -> dict[str, Any]:
    location: dict[str, Any] = {}
    loc = finding.location
    if loc is not None and not loc.file.startswith("<"):
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri(repo_path(loc.file, options))}}
        if loc.file in artifacts:
            physical["artifactLocation"]["index"] = artifacts[loc.file]
        if loc.line > 0:
            physical["region"] = {"startLine": loc.line, "startColumn": max(loc.column, 1)}
        location["physicalLocation"] = physical
    location["logicalLocations"] = [{"name": subject, "kind": "module"} for subject in finding.subjects]
    return location


def _result(finding: Finding, index: int, artifacts: dict[str, int], options: RenderOptions) -> dict[str, Any]:
    baseline_used = options.baseline_used
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "kind": "fail",
        "message": {"text": finding.message},
        "locations": [_location(finding, artifacts, options)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "severity": finding.severity,
            "category": finding.category,
            "subjects": list(finding.subjects),
            "explanation": explanation_lines(finding, indent=""),
        },
    }
    if finding.suppressed is not None:
        record = finding.suppressed
        suppression: dict[str, Any] = {"kind": "inSource", "status": "accepted", "justification": record.reason}
        if record.location is not None:
            suppression["location"] = {"physicalLocation": {"artifactLocation": {"uri": uri(repo_path(record.location.file, options))},
                                                            "region": {"startLine": max(record.location.line, 1)}}}
        extra = {k: v for k, v in (("owner", record.owner), ("ticket", record.ticket), ("expires", record.expires)) if v}
        if extra:
            suppression["properties"] = extra
        result["suppressions"] = [suppression]
    if baseline_used:
        result["baselineState"] = "unchanged" if status(finding) == "baseline" else "new"
    return result


def document(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The SARIF log as Python data."""
    baseline_used = options.baseline_used
    findings = [f for r in reports for f in r.findings]
    names: dict[str, str] = {}
    examples: dict[str, Finding] = {}
    infos: dict[str, RuleInfo] = {}
    for report in reports:
        names.update(report.rules_run)
        infos.update(report.catalogue.rules)
    for finding in findings:
        names.setdefault(finding.rule_id, finding.rule_name)
        examples.setdefault(finding.rule_id, finding)
    rule_ids = sorted(names)
    rules = [_descriptor(rid, names[rid], examples.get(rid), infos.get(rid), options.docs_url) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    files = [r.file for r in reports if not r.file.startswith("<")]
    artifacts = {name: i for i, name in enumerate(dict.fromkeys(files))}
    notes = [{"level": "warning", "message": {"text": f"{r.file}: {p}"}} for r in reports for p in r.problems]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "scalexpert", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "artifacts": [{"location": {"uri": uri(repo_path(name, options))}, "roles": ["analysisTarget"]}
                      for name in artifacts],
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule_id], artifacts, options) for f in findings],
        "properties": {"scores": {r.file: score_report(r).overall for r in reports}},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """SARIF JSON, keys sorted, two-space indent."""
    return render_bytes(reports, options).decode("utf-8")


def render_bytes(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """:func:`render` as UTF-8 bytes (what the command line writes)."""
    return pretty_json_bytes(document(reports, options))


__all__ = ["FINGERPRINT_KEY", "LEVELS", "document", "render", "uri"]
