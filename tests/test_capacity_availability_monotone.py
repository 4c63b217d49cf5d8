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
    # k = 1: 1 − (1 − 0.995)² = 0.999975, capped at the region's 0.9999 (two zones) — not 0.995² = 0.990025
    assert api.availability == pytest.approx(0.9999)
    assert api.availability_replicas_needed == 1
    assert any(a.component == "api" and a.field == "availability_replicas_needed" for a in report.assumptions)


def test_stated_capacity_gives_k_of_n_with_k_from_the_peak():
    # peak 250 / 100 rps per replica: k = 3. n = 4, a = 0.9: 4 × 0.9³ × 0.1 + 0.9⁴ = 0.2916 + 0.6561 = 0.9477
    assert fleet(4, 0.9, None, 100) == pytest.approx(0.9477)
    # n = 2 cannot carry the peak: counted as if the 3 it needs ran, 0.9³ = 0.729 (not 0.9² = 0.81)
    assert fleet(2, 0.9, None, 100) == pytest.approx(0.729)
    assert fleet(3, 0.9, None, 100) == pytest.approx(0.729)
    # one replica: 0.9³ too, never more than a larger fleet
    assert fleet(1, 0.9, None, 100) == pytest.approx(0.729)


def test_a_single_instance_is_capped_at_its_zone_like_a_fleet():
    # a stated 0.99999 per instance is still one zone: 0.9995
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
