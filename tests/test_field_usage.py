"""Every field of the format is read: by a rule, by the graph or capacity analysis, or kept as documentary.

A field nothing reads is a promise the tool does not keep: users state it and nothing changes. This
meta-test lists each input field once, so a new field comes with the rule or analysis that reads it,
or with the reason it is only documentation (``knowledge/documentary-fields.yaml``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scalexpert.api import rules_for
from scalexpert.config import Config
from scalexpert.facts.schema import base_fact_types
from scalexpert.knowledge_base import builtin_dir
from scalexpert.language.conditions import all_patterns
from scalexpert.loader.yamlsource import parse

ROOT = Path(__file__).resolve().parents[1]
ANALYSIS = ROOT / "scalexpert" / "analysis"

READ_BY_ANALYSIS = {
    "system.traffic.payload_bytes": "capacity model: network bandwidth per replica",
    "system.growth.factor": "capacity model: growth horizon",
    "system.growth.horizon_months": "capacity model: growth horizon",
    "system.growth.monthly_rate": "capacity model: growth horizon",
    "system.growth.data_monthly_rate": "capacity model: storage runway",
    "system.objectives.cost_per_million_requests": "capacity model: cost objective",
    "component.technology": "capacity model: engine defaults when data.engine is not stated",
    "component.data.max_connections": "capacity model: connection ratio",
    "component.messaging.consumed_by": "graph analysis: consumed-by relations and queue consumers",
    "component.messaging.consumer_rate": "capacity model: queue drain rate",
    "component.function.cold_start_ms": "graph analysis: cold_response_ms",
    "component.function.account_concurrency": "capacity model: function concurrency limit",
    "component.function.connections_per_instance": "capacity model: connection demand of functions",
    "dependency.latency_ms": "capacity model: latency along a path",
    "dependency.parallel": "capacity model: latency of parallel calls",
    "dependency.share": "capacity model: load routed over each edge; graph analysis: route weights, blast radius",
    "dependency.role": "graph analysis: only request edges enter request-path figures",
    "component.routing": "graph analysis: one-of routes versus fan-out",
    "component.failure_domains": "graph analysis: machine and database-server domains (SPOF-008, DATA-006)",
    "component.observed.p99_ms": "capacity model: a measured p99 at an entry point is the flow's latency (CAPA-004)",
}
"""Fields the analysis reads rather than a rule: field → what reads it."""

PENDING = {
    "component.coherency", "component.contention", "component.scaling_efficiency",
    "component.recovery", "component.concurrency",
}
"""Request-semantics fields of issue 14, added to the format before the analysis that reads them lands
(semantics-graph, semantics-capacity). Remove a field from here once it is read."""

SKIPPED = {"system.regions", "system.zones", "system.entry_points", "component.zones", "component.regions"}
"""Structural fields, read by the graph analysis directly (zones, regions, entry points)."""


def _input_fields() -> set[str]:
    types = base_fact_types()
    return {f"{fact}.{name}" for fact in ("system", "component", "dependency")
            for name, spec in types[fact].fields.items() if spec.origin == "input"}


def _read_by_rules() -> set[str]:
    ruleset = rules_for(Config())
    return {f"{pattern.fact}.{constraint.field}" for rule in ruleset.rules
            for pattern in all_patterns(rule.elements) for constraint in pattern.constraints}


@pytest.fixture(scope="module")
def documentary() -> dict[str, str]:
    path = builtin_dir() / "documentary-fields.yaml"
    raw, _ = parse(path.read_text("utf-8"), str(path))
    return {str(k): str(v) for k, v in raw.items()}


def test_every_field_is_read_or_documentary(documentary: dict[str, str]) -> None:
    unread = sorted(_input_fields() - _read_by_rules() - set(READ_BY_ANALYSIS) - set(documentary) - PENDING)
    assert not unread, (
        f"fields of the format that no rule or analysis reads: {unread}; write a rule that reads them, "
        "or list them in knowledge/documentary-fields.yaml with the reason they are kept"
    )


def test_documentary_fields_exist_and_no_rule_reads_them(documentary: dict[str, str]) -> None:
    assert not sorted(set(documentary) - _input_fields()), "documentary fields that the format does not have"
    assert not sorted(set(documentary) & _read_by_rules()), "documentary fields that a rule reads after all"
    assert all(len(reason) > 20 for reason in documentary.values())


@pytest.mark.parametrize("field", sorted(READ_BY_ANALYSIS))
def test_fields_read_by_the_analysis_appear_in_it(field: str) -> None:
    leaf = field.rsplit(".", 1)[1]
    # the analysis, and the model's properties it reads fields through (Component.route_mode reads routing)
    paths = [*sorted(ANALYSIS.rglob("*.py")), *sorted((ANALYSIS.parent / "model").glob("*.py"))]
    source = "\n".join(path.read_text("utf-8") for path in paths)
    needle = rf"\.{leaf}\b"
    assert re.search(needle, source), f"{field} is listed as read by the analysis, but it does not appear there"
    assert field in _input_fields()
