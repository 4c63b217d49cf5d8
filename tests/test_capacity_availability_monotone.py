"""Availability of replicated components: k-of-n only where capacity is stated, never lower with more replicas."""

from __future__ import annotations

import textwrap

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.loader import load_text


def model(text: str) -> CapacityReport:
    return analyse(load_text(textwrap.dedent(text)).model)


def fleet(replicas: int, availability: float, zones: int | None, capacity: int | None, peak: int = 250) -> float:
    zones_text = f", zones: {zones}" if zones else ""
    capacity_text = f", capacity_rps: {capacity}" if capacity else ""
    report = model(f"""
        version: 1
        system: {{entry_points: [api], traffic: {{peak_rps: {peak}}}}}
        components:
          api: {{kind: service, replicas: {replicas}, availability: {availability}{zones_text}{capacity_text}}}
    """)
    value = report.components["api"].availability
    assert value is not None
    return value


def test_unknown_capacity_means_any_replica_serves_and_is_recorded():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100}}
        components:
          api: {kind: service, replicas: 2, zones: 2}
    """)
    api = report.components["api"]
    # k = 1: 1 − (1 − 0.995)² = 0.999975 — not 0.995² = 0.990025 — × the region it shares (two zones)
    assert api.availability_own == pytest.approx(0.999975)
    assert api.availability == pytest.approx(0.9999)  # on its own: capped at its region
    assert api.availability_replicas_needed == 1
    assert any(a.component == "api" and a.field == "availability_replicas_needed" for a in report.assumptions)


def test_stated_capacity_loses_the_share_of_capacity_a_failed_replica_carried():
    zone = 1.0  # well below the zone's 0.9995: on its own, not capped
    # peak 250 / 100 rps per replica = 2.5 replicas' worth. n = 4, a = 0.9: 3 or 4 up serve everything
    # (0.9477); 2 up serve 2 / 2.5 (6 × 0.81 × 0.01 = 0.0486 of the time); 1 up 1 / 2.5 (0.0036)
    expected = 0.9477 + 0.0486 * 0.8 + 0.0036 * 0.4
    assert fleet(4, 0.9, None, 100) == pytest.approx(expected * zone)
    # n = 3: 3 up 0.729; 2 up 0.243 × 0.8; 1 up 0.027 × 0.4
    assert fleet(3, 0.9, None, 100) == pytest.approx((0.729 + 0.243 * 0.8 + 0.027 * 0.4) * zone)
    # a fleet that cannot carry the peak (2 replicas for 2.5's worth) loses 1/n per failed replica:
    # on average a = 0.9 of what it serves (the overload itself is the utilization rules' finding)
    assert fleet(2, 0.9, None, 100) == pytest.approx(0.9 * zone)
    assert fleet(1, 0.9, None, 100) == pytest.approx(0.9 * zone)


def test_a_single_instance_fails_with_its_zone_too():
    # a stated 0.99999 per instance still runs in one zone: capped at 0.9995 (in a flow: × the zone once)
    assert fleet(1, 0.99999, None, None) == pytest.approx(0.9995)


@pytest.mark.parametrize("availability", [0.9, 0.995, 0.99999])
@pytest.mark.parametrize("zones", [None, 2, 3])
@pytest.mark.parametrize("capacity", [None, 100, 40])
def test_more_replicas_never_lower_availability(availability: float, zones: int | None, capacity: int | None):
    values = [fleet(n, availability, zones, capacity) for n in range(1, 10)]
    assert all(later >= earlier - 1e-15 for earlier, later in zip(values, values[1:])), values


def test_flows_list_the_components_whose_availability_is_assumed():
    report = model("""
        version: 1
        system: {entry_points: [lb], objectives: {availability: 0.999}}
        components:
          lb: {kind: load-balancer, managed: true, availability: 0.9999}
          api: {kind: service, availability: 0.999}
          db: {kind: database, replicas: 2, data: {replication: {failover: automatic}}}
        dependencies:
          - {from: lb, to: api}
          - {from: api, to: db}
    """)
    flow = report.flows[0]
    # api: replicas not stated (one instance assumed); db: availability not stated (0.995 per instance assumed)
    assert flow.availability_assumed == ["api", "db"]
    assert flow.availability_assumed_count == 2
