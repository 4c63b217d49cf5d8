"""Request semantics in the capacity model: routes and shares, edge roles, admission limits."""

from __future__ import annotations

import textwrap

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.loader import load_text


def model(text: str) -> CapacityReport:
    return analyse(load_text(textwrap.dedent(text)).model)


ROUTES = """
    version: 1
    system: {{entry_points: [gw], traffic: {{peak_rps: 1000}}}}
    components:
      gw: {{kind: api-gateway, managed: true{routing}}}
      orders: {{kind: service, replicas: 2, capacity_rps: 500}}
      search: {{kind: service, replicas: 2, capacity_rps: 500}}
      admin: {{kind: service, replicas: 1, capacity_rps: 500}}
    dependencies:
      - {{from: gw, to: orders, share: 0.7}}
      - {{from: gw, to: search}}
      - {{from: gw, to: admin}}
"""


def test_a_gateway_routes_each_request_to_one_backend_by_share():
    report = model(ROUTES.format(routing=""))
    # orders 0.7 stated; search and admin split the remaining 0.3 equally (assumed)
    assert report.components["orders"].offered_rps == pytest.approx(700)
    assert report.components["search"].offered_rps == pytest.approx(150)
    assert report.components["admin"].offered_rps == pytest.approx(150)
    assert any(a.component == "gw" and a.field == "share" for a in report.assumptions)


def test_fan_out_routing_calls_every_backend():
    report = model(ROUTES.format(routing=", routing: fan-out").replace(", share: 0.7", ""))
    assert report.components["search"].offered_rps == pytest.approx(1000)
    assert report.components["orders"].offered_rps == pytest.approx(1000)


@pytest.mark.parametrize("role", ["startup", "health", "admin"])
def test_start_up_health_and_admin_edges_carry_no_load(role: str):
    report = model(f"""
        version: 1
        system: {{entry_points: [api], traffic: {{peak_rps: 1000}}}}
        components:
          api: {{kind: service, replicas: 2, capacity_rps: 800}}
          db: {{kind: database, capacity_rps: 2000}}
          monitor: {{kind: service, replicas: 1}}
        dependencies:
          - {{from: api, to: db, role: {role}}}
    """)
    assert report.components["db"].offered_rps == 0


def test_a_rate_limit_passes_on_only_what_it_admits():
    report = model("""
        version: 1
        system: {entry_points: [gw], traffic: {peak_rps: 1000}}
        components:
          gw: {kind: api-gateway, managed: true, balancer: {rate_limit_rps: 400}}
          api: {kind: service, replicas: 2, capacity_rps: 300}
        dependencies:
          - {from: gw, to: api}
    """)
    # 1,000 arrive at the limiter, 400 pass: api runs at 400 / 600, not 1,000 / 600
    assert report.components["gw"].offered_rps == pytest.approx(1000)
    assert report.components["api"].offered_rps == pytest.approx(400)
    assert report.components["api"].utilization == pytest.approx(400 / 600)
    # growth cannot push api past what the limit admits
    assert report.components["api"].saturation_multiple is None


USL = """
    version: 1
    system: {{entry_points: [api], traffic: {{peak_rps: 3000}}}}
    components:
      api: {{kind: service, replicas: 4, capacity_rps: 500{scaling}, autoscaling: {{min: 4, max: 40}}}}
"""


def test_linear_scaling_is_an_assumption_stated_with_the_capacity_it_gives():
    report = model(USL.format(scaling=""))
    api = report.components["api"]
    assert api.capacity_rps == 2000 and api.scaling_efficiency == 1.0
    assert any(a.component == "api" and a.field == "scaling" and a.value == "linear" for a in report.assumptions)


def test_contention_and_coherency_give_capacity_at_n_and_where_more_replicas_stop_helping():
    report = model(USL.format(scaling=", contention: 0.05, coherency: 0.002"))
    api = report.components["api"]
    # X(4) = 4 / (1 + 0.05 × 3 + 0.002 × 4 × 3) = 3.407 replicas' worth
    assert api.capacity_rps == pytest.approx(500 * 4 / (1 + 0.15 + 0.024))
    # N* = √(0.95 / 0.002) = 21.8; no count carries 3,000 rps at ρ 0.7 (the best is 3,699 rps at N*)
    assert api.usl_peak_replicas == pytest.approx((0.95 / 0.002) ** 0.5)
    assert api.replicas_needed is None and "N* = 21.8" in api.derivations["replicas_needed"]
    assert not any(a.component == "api" and a.field == "scaling" for a in report.assumptions)


def test_a_measured_scaling_efficiency_sets_the_contention():
    report = model(USL.format(scaling=", scaling_efficiency: 0.8"))
    # σ = (1 / 0.8 − 1) / 3 = 0.0833: 4 replicas serve 3.2 replicas' worth
    assert report.components["api"].capacity_rps == pytest.approx(1600)


def test_routes_are_a_traffic_weighted_mixture_not_a_series():
    # the worked example of docs/capacity-model.md section 7
    report = model("""
        version: 1
        system: {entry_points: [gw], traffic: {peak_rps: 100}}
        components:
          gw: {kind: api-gateway, managed: true, availability: 1.0}
          orders: {kind: service, availability: 0.99, replicas: 1}
          search: {kind: service, availability: 0.9, replicas: 1}
        dependencies:
          - {from: gw, to: orders, share: 0.7}
          - {from: gw, to: search, share: 0.3}
    """)
    assert report.flows[0].availability == pytest.approx((1 - 0.7 * 0.01) * (1 - 0.3 * 0.1) * 0.9995)
    assert "≈ 96 %" in report.flows[0].derivations["availability"]


def test_a_zone_shared_by_five_components_fails_once():
    lines = ["version: 1", "system: {entry_points: [s0], zones: [eu-1a]}", "components:"]
    lines += [f"  s{i}: {{kind: service, replicas: 1, availability: 0.999}}" for i in range(5)]
    lines += ["dependencies:"] + [f"  - {{from: s{i}, to: s{i + 1}}}" for i in range(4)]
    report = model("\n".join(lines))
    # 0.999⁵ × the zone once (0.9995), not × 0.9995⁵
    assert report.flows[0].availability == pytest.approx(0.999**5 * 0.9995)
    assert report.components["s0"].failure_domains == ["the region", "zone eu-1a"]


def test_named_failure_domains_are_factored_out_once():
    report = model("""
        version: 1
        system:
          entry_points: [api]
          failure_domains: {pg-server: {kind: database-server, availability: 0.998}}
        components:
          api: {kind: service, replicas: 2, zones: 2, availability: 0.999}
          orders-db: {kind: database, availability: 0.999, failure_domains: [pg-server], zones: 2}
          users-db: {kind: database, availability: 0.999, failure_domains: [pg-server], zones: 2}
        dependencies:
          - {from: api, to: orders-db}
          - {from: api, to: users-db}
    """)
    api_own = 1 - 0.001**2
    assert report.flows[0].availability == pytest.approx(api_own * 0.999 * 0.999 * 0.998 * 0.9999)


def test_a_fallback_call_is_not_in_the_hard_product():
    text = """
        version: 1
        system: {{entry_points: [api]}}
        components:
          api: {{kind: service, replicas: 1, availability: 0.999}}
          recs: {{kind: service, replicas: 1, availability: 0.9}}
        dependencies:
          - {{from: api, to: recs{extra}}}
    """
    hard = model(text.format(extra="")).flows[0].availability
    soft = model(text.format(extra=", fallback: true")).flows[0].availability
    assert soft == pytest.approx(0.999 * 0.9995) and hard == pytest.approx(0.999 * 0.9 * 0.9995)
