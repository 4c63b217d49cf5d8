"""The capacity rules together: one report per weakness, graded severities, the arithmetic in the proof."""

from __future__ import annotations

import textwrap

import scalexpert
from scalexpert.findings import Finding, Report

CAPACITY_RULES = ("SCALE-", "CAPA-", "SPOF-003", "POOL-", "AS-003", "GW-002", "SLS-002", "NET-001", "COST-003",
                  "MQ-004", "REPL-001", "SHARD-001", "SHARD-007", "META-005")


def check(text: str) -> Report:
    return scalexpert.check(textwrap.dedent(text))


def found(report: Report, subject: str) -> dict[str, str]:
    """Capacity rule id → severity for the findings about ``subject``."""
    return {f.rule_id: f.severity for f in report.findings
            if f.subjects == (subject,) and f.rule_id.startswith(CAPACITY_RULES)}


def finding(report: Report, rule_id: str) -> Finding:
    return next(f for f in report.findings if f.rule_id == rule_id)


def derivations(f: Finding) -> list[str]:
    texts: list[str] = []
    stack = list(f.explanation.proof)
    while stack:
        proof = stack.pop()
        texts += [c.derivation for c in proof.conditions if c.derivation]
        stack += list(proof.premises)
    return texts


def test_utilization_findings_show_the_arithmetic_and_escalate():
    report = check("""
        version: 1
        system: {traffic: {peak_rps: 2100}}
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 2, zones: 2, capacity_rps: 1000}
        dependencies:
          - {from: lb, to: api}
    """)
    # ρ = 2,100 / 2,000 = 1.05 ≥ 1: critical; no sizing (CAPA-002) or growth finding on top
    assert found(report, "api") == {"SCALE-002": "critical"}
    assert "ρ(api) = 2,100 / (2 × 1,000) = 1.05" in derivations(finding(report, "SCALE-002"))


def test_a_write_bound_primary_is_left_to_the_sharding_rule():
    report = check("""
        version: 1
        system: {traffic: {peak_rps: 3000}}
        components:
          lb: {kind: load-balancer, managed: true}
          orders: {kind: service, replicas: 4}
          db: {kind: database, replicas: 2, capacity_rps: 10000, data: {engine: postgres, write_capacity_rps: 2500}}
        dependencies:
          - {from: lb, to: orders}
          - {from: orders, to: db, read_share: 0.2}
    """)
    # writes 2,400 / 2,500 = 0.96 bind the primary (reads add only 600 / 10,000)
    assert found(report, "db") == {"SHARD-001": "critical"}


def test_a_read_bound_primary_is_left_to_the_replica_rule():
    report = check("""
        version: 1
        system: {traffic: {peak_rps: 1300}}
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 3}
          db: {kind: database, replicas: 1, capacity_rps: 1200, data: {engine: postgres, replication: {read_replicas: 0}}}
        dependencies:
          - {from: lb, to: api}
          - {from: api, to: db, read_share: 0.75}
    """)
    # ρ = 1,300 / 1,200 = 1.08: reads 975 could move to replicas, writes alone 325 / 1,200 = 0.27
    assert found(report, "db") == {"REPL-001": "critical"}


def test_a_vertical_only_component_gets_the_ceiling_finding_not_the_generic_ones():
    report = check("""
        version: 1
        system: {traffic: {peak_rps: 900}, growth: {factor: 2, horizon_months: 12}}
        components:
          lb: {kind: load-balancer, managed: true}
          ledger: {kind: service, replicas: 2, zones: 2, scaling: vertical-only, capacity_rps: 500}
        dependencies:
          - {from: lb, to: ledger}
    """)
    # ρ 0.9 above the safe 0.7: no runway left; high, not SCALE-002 or CAPA-001 as well
    assert found(report, "ledger") == {"SCALE-003": "high"}


def test_an_autoscaling_ceiling_is_reported_once():
    report = check("""
        version: 1
        system: {traffic: {peak_rps: 1000}, growth: {factor: 3, horizon_months: 12}}
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 4, autoscaling: {min: 4, max: 6}, capacity_rps: 500}
        dependencies:
          - {from: lb, to: api}
    """)
    # the runway is short too (ρ 0.33 at 6 replicas, 0.7 at 2.1 ×: 6.8 months at 9.6 % a month) — AS-003 says it
    assert found(report, "api") == {"AS-003": "high"}


def test_composite_availability_is_graded_by_the_gap_and_by_assumed_figures():
    text = """
        version: 1
        system: {{objectives: {{availability: 0.9999}}}}
        components:
          lb: {{kind: load-balancer, managed: true, availability: 0.99999}}
          api: {{kind: service, replicas: 3, zones: 3, availability: 0.999}}
          db: {{kind: database{db}}}
        dependencies:
          - {{from: lb, to: api}}
          - {{from: api, to: db}}
    """
    # db at 0.995 stated: flow ≈ 0.99999 × 0.995 × the region 0.9999 and db's zone 0.9996 (assumed
    # domain figures, 2 of 5 factors) = 0.99449, 1.74 nines short, no component assumed: critical
    assert found(check(text.format(db=", replicas: 1, availability: 0.995")), "lb") == {"SPOF-003": "critical"}
    # db availability assumed (0.995 per instance, rebuilt by hand): the same gap, but now 3 of the 5
    # factors rest on assumed figures (db, the region, the zone): lowered to medium
    assert found(check(text.format(db=", replicas: 1")), "lb") == {"SPOF-003": "medium"}
    # db at 0.9998 stated: 0.99929, 0.85 nines short: high
    assert found(check(text.format(db=", replicas: 1, availability: 0.9998")), "lb") == {"SPOF-003": "high"}
    # two db nodes with automatic failover (a standby takes over in minutes): db ≈ 1, the flow is the
    # region and zone, 0.71 nines short, on assumed figures: medium
    standby = ", replicas: 2, data: {replication: {failover: automatic}}"
    assert found(check(text.format(db=standby)), "lb") == {"SPOF-003": "medium"}
    # most factors assumed (api's availability and replicas too): lowered to medium even 1.7 nines short
    mostly_assumed = text.replace("replicas: 3, zones: 3, availability: 0.999", "zones: 3").replace(
        "managed: true, availability: 0.99999", "managed: true")
    assert found(check(mostly_assumed.format(db=", replicas: 1")), "lb") == {"SPOF-003": "medium"}


def test_queue_fed_functions_are_left_to_the_queue_and_shared_accounts_count_together():
    report = check("""
        version: 1
        system: {traffic: {peak_rps: 1000}}
        components:
          gw: {kind: api-gateway, managed: true, routing: fan-out}
          resize: {kind: function, function: {duration_ms: 450}}
          thumbs: {kind: function, function: {duration_ms: 450}}
          jobs: {kind: queue, managed: true, messaging: {consumed_by: [worker]}}
          worker: {kind: function, function: {duration_ms: 1000, reserved_concurrency: 10}}
        dependencies:
          - {from: gw, to: resize}
          - {from: gw, to: thumbs}
          - {from: gw, to: jobs, mode: async, calls_per_request: 0.02}
    """)
    # resize and thumbs each need 450 of the shared 1,000 (45 %), together 900 (90 %): both reported
    assert found(report, "resize") == {"SLS-002": "high"}
    assert found(report, "thumbs") == {"SLS-002": "high"}
    # worker drains jobs at 10 / 1 s = 10/s for 20/s arriving: the queue's deficit, not the function's
    assert found(report, "worker") == {}
    assert found(report, "jobs") == {"MQ-004": "critical"}


def test_missing_capacity_is_asked_for_per_component_only_where_meta_004_does_not():
    no_service_capacity = check("""
        version: 1
        system: {name: shop, traffic: {peak_rps: 100}}
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 2}
        dependencies:
          - {from: lb, to: api}
    """)
    assert [f.rule_id for f in no_service_capacity.findings if f.rule_id in ("META-004", "META-005")] == ["META-004"]
    partly = check("""
        version: 1
        system: {name: shop, traffic: {peak_rps: 100}}
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 2}
          auth: {kind: service, replicas: 2, capacity_rps: 500}
        dependencies:
          - {from: lb, to: api}
          - {from: api, to: auth}
    """)
    assert found(partly, "api") == {"META-005": "info"}
