"""GitLab Code Quality: a JSON array of issues that merge requests show on the changed lines.

One issue per finding that is not suppressed (baseline findings included: GitLab compares the
merge request's report with the target branch's, so accepted findings show as unchanged). Each
issue has ``description``, ``check_name`` (the rule id), ``fingerprint`` (an MD5 hex digest of the
file and the finding's stable fingerprint, unique per issue as GitLab requires), ``severity``
(critical → blocker, high → critical, medium → major, low → minor, info → info) and
``location.path`` relative to the repository root (``--base-dir``) with ``lines.begin``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from ..findings import Report
from .common import one_line, pretty_json_bytes, repo_path, status

SEVERITIES = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def document(reports: Sequence[Report], options: object = None) -> list[dict[str, Any]]:
    """The Code Quality report as Python data."""
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()
    for report in reports:
        path = repo_path(report.file, options)
        for finding in report.findings:
            if status(finding) == "suppressed":
                continue
            loc = finding.location
            file = repo_path(loc.file, options) if loc is not None and not loc.file.startswith("<") else path
            digest = hashlib.md5(f"{file}\0{finding.fingerprint}".encode(), usedforsecurity=False).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            issues.append({
                "type": "issue",
                "check_name": finding.rule_id,
                "description": one_line(f"{finding.rule_id} {finding.message}"),
                "fingerprint": digest,
                "severity": SEVERITIES.get(finding.severity, "major"),
                "location": {"path": file, "lines": {"begin": max(loc.line, 1) if loc is not None else 1}},
            })
    return issues


def render(reports: Sequence[Report], options: object = None) -> str:
    """Code Quality JSON, keys sorted, two-space indent."""
    return render_bytes(reports, options).decode("utf-8")


def render_bytes(reports: Sequence[Report], options: object = None) -> bytes:
    """:func:`render` as UTF-8 bytes."""
    return pretty_json_bytes(document(reports, options))


__all__ = ["SEVERITIES", "document", "render"]
