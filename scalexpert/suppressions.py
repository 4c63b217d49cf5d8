"""Suppressions written in the architecture file: accepted findings, with a reason, until they expire."""

from __future__ import annotations

import datetime as dt
from fnmatch import fnmatchcase

from .findings import Finding, Location, SuppressionRecord
from .loader import LoadedArchitecture


def apply_suppressions(
    findings: list[Finding], loaded: LoadedArchitecture, *, enabled: bool = True, today: dt.date | None = None
) -> tuple[list[Finding], list[str]]:
    """Mark suppressed findings; report expired suppressions and those that match nothing."""
    if not enabled:
        return findings, []
    today = today or dt.date.today()
    problems: list[str] = []
    used: set[int] = set()
    result: list[Finding] = []
    rules = loaded.model.suppressions
    for finding in findings:
        match = None
        for index, item in enumerate(rules):
            if item.rule not in (finding.rule_id, finding.rule_name):
                continue
            if item.component and not any(fnmatchcase(s, item.component) for s in finding.subjects):
                continue
            used.add(index)
            if item.expires is not None and item.expires < today:
                continue
            match = (index, item)
            break
        if match is None:
            result.append(finding)
            continue
        index, item = match
        pos = loaded.position("suppressions", index)
        record = SuppressionRecord(
            reason=item.reason, owner=item.owner, ticket=item.ticket,
            expires=item.expires.isoformat() if item.expires else None,
            location=Location(file=pos.file, line=pos.line, column=pos.column),
        )
        result.append(finding.model_copy(update={"suppressed": record}))
    for index, item in enumerate(rules):
        pos = loaded.position("suppressions", index)
        if item.expires is not None and item.expires < today:
            problems.append(f"{pos}: suppression of {item.rule} expired on {item.expires.isoformat()}")
        elif index not in used:
            problems.append(f"{pos}: suppression of {item.rule}" + (f" for {item.component}" if item.component else "")
                            + " matches no finding")
    return result, problems
