"""Rules reviewed against the request semantics (issue 14): severities and messages that the fixture
files (subjects only) cannot show. Each test has the old false case and the true case side by side."""

from __future__ import annotations

import textwrap

from scalexpert.api import check
from scalexpert.config import Config
from scalexpert.findings import Finding


def findings(text: str, *rules: str) -> dict[str, Finding]:
    report = check(textwrap.dedent(text).lstrip("\n"), config=Config(enable=list(rules)))
    return {f"{f.rule_id}:{','.join(f.subjects)}": f for f in report.findings}


SINGLE = """
version: 1
system: {objectives: {availability: 0.999}}
components:
  lb: {kind: load-balancer, managed: true}
  api: {kind: service, replicas: 1}
dependencies:
  - {from: lb, to: api}
"""


def test_spof_001_is_critical_only_against_a_stated_high_objective() -> None:
    stated = findings(SINGLE, "SPOF-001")["SPOF-001:api"]
    assert stated.severity == "critical"
    assert stated.message == "api runs 1 instance(s); its failure fails 100 % of entry traffic"
    unstated = findings(SINGLE.replace("system: {objectives: {availability: 0.999}}\n", ""), "SPOF-001")
    assert unstated["SPOF-001:api"].severity == "high"  # before: critical, with no objective to judge it by


def test_spof_001_names_routes_instead_of_inventing_a_percentage() -> None:
    found = findings("""
        version: 1
        system: {objectives: {availability: 0.999}}
        components:
          gw: {kind: api-gateway, managed: true}
          a: {kind: service, replicas: 1}
          b: {kind: service, replicas: 3}
        dependencies:
          - {from: gw, to: a}
          - {from: gw, to: b}
        """, "SPOF-001")
    assert found["SPOF-001:a"].message == "a runs 1 instance(s); its failure fails the requests routed to a"
    assert found["SPOF-001:a"].severity == "high"  # an equal split of unstated shares is no figure to escalate on


def test_spof_001_blast_radius_through_routes_and_fractional_calls() -> None:
    found = findings("""
        version: 1
        system: {objectives: {availability: 0.999}}
        components:
          gw: {kind: api-gateway, managed: true}
          catalogue: {kind: service, replicas: 3}
          checkout: {kind: service, replicas: 3}
          pricing: {kind: service, replicas: 1}
        dependencies:
          - {from: gw, to: catalogue, share: 0.8}
          - {from: gw, to: checkout, share: 0.2}
          - {from: catalogue, to: pricing, calls_per_request: 0.5}
          - {from: checkout, to: pricing}
        """, "SPOF-001")
    # 80 % × 0.5 + 20 % = 60 %: before, every caller counted as every request (100 %)
    assert found["SPOF-001:pricing"].message == "pricing runs 1 instance(s); its failure fails 60 % of entry traffic"
    assert found["SPOF-001:pricing"].severity == "critical"


def test_spof_002_is_high_without_an_objective_and_critical_with_a_high_one() -> None:
    text = """
        version: 1
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 3}
          db: {kind: database, replicas: 1}
        dependencies:
          - {from: lb, to: api}
          - {from: api, to: db}
        """
    assert findings(text, "SPOF-002")["SPOF-002:db"].severity == "high"  # before: critical (share ≥ 0.5)
    high = text.replace("version: 1\n", "version: 1\n        system: {objectives: {availability: 0.999}}\n")
    assert findings(high, "SPOF-002")["SPOF-002:db"].severity == "critical"
