"""JUnit XML for CI test tabs: one test suite per file, one test case per rule × file.

A test case fails when the rule has an active finding at or above the failure threshold in that
file (so the test tab agrees with the exit code); its other findings (below the threshold,
suppressed, in the baseline) are listed in the case's ``system-out``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..findings import Finding, Report
from ..review.score import score_report
from .common import DEFAULT_OPTIONS, RenderOptions, clean, fails, status, where
from .text import explanation_lines


def _line(finding: Finding) -> str:
    tag = {"suppressed": " [suppressed]", "baseline": " [baseline]"}.get(status(finding), "")
    return clean(f"{where(finding)}: {finding.severity}: {finding.message}{tag}")


def _case(suite: ET.Element, report: Report, rule_id: str, name: str, findings: list[Finding], fail_on: str) -> int:
    case = ET.SubElement(suite, "testcase", {"classname": clean(report.file), "name": clean(f"{rule_id} {name}"),
                                             "file": clean(report.file)})
    failing = [f for f in findings if fails(f, fail_on)]
    if failing:
        worst = failing[0]
        message = worst.message if len(failing) == 1 else f"{len(failing)} findings, first: {worst.message}"
        failure = ET.SubElement(case, "failure", {"type": worst.severity, "message": clean(message)})
        body: list[str] = []
        for finding in failing:
            body.append(_line(finding))
            body.extend(explanation_lines(finding))
        failure.text = "\n".join(body)
    failing_ids = {id(f) for f in failing}
    others = [f for f in findings if id(f) not in failing_ids]
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    return 1 if failing else 0


def render(reports: Sequence[Report], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """The JUnit document (no timestamps or durations: the output is deterministic)."""
    fail_on = options.fail_on
    root = ET.Element("testsuites", {"name": "scalexpert"})
    total = failures = 0
    for report in reports:
        by_rule: dict[str, list[Finding]] = {}
        names = dict(report.rules_run)
        for finding in report.findings:
            by_rule.setdefault(finding.rule_id, []).append(finding)
            names.setdefault(finding.rule_id, finding.rule_name)
        suite = ET.SubElement(root, "testsuite", {"name": clean(report.file)})
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "system", "value": clean(report.system)})
        ET.SubElement(properties, "property", {"name": "score", "value": str(score_report(report).overall)})
        failed = sum(_case(suite, report, rid, names[rid], by_rule.get(rid, []), fail_on) for rid in sorted(names))
        suite.set("tests", str(len(names)))
        suite.set("failures", str(failed))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(names)
        failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["render"]
