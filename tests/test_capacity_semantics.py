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
