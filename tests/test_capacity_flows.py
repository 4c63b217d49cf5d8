"""Availability (series, parallel, failure domains) and latency (sequential, parallel) of entry flows."""

from __future__ import annotations

import math
import textwrap

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.analysis.capacity.availability import k_of_n
from scalexpert.loader import load_text


def model(text: str, **kwargs: object) -> CapacityReport:
    return analyse(load_text(textwrap.dedent(text)).model, **kwargs)  # type: ignore[arg-type]


def test_series_of_hard_dependencies_with_soft_and_async_ones_excluded():
    report = model("""
        version: 1
        system: {entry_points: [api], objectives: {availability: 0.999}}
        components:
          api: {kind: service, availability: 0.999}
          db: {kind: database, availability: 0.998}
          mail: {kind: external, availability: 0.9}
          queue: {kind: queue, availability: 0.5}
        dependencies:
          - {from: api, to: db}
          - {from: api, to: mail, hard: false}
          - {from: api, to: queue, mode: async}
    """)
    flow = report.flows[0]
    # series: 0.999 × 0.998 = 0.997002; mail (soft) and queue (async) excluded
    assert flow.hard_components == ["api", "db"]
    assert flow.availability == pytest.approx(0.999 * 0.998)
    assert flow.availability_dominant == ["db", "api"]
    # nines: −log10(0.001) − (−log10(1 − 0.997002)) = 3 − 2.523 = 0.477 nines short
    assert flow.availability_gap_nines == pytest.approx(3 + math.log10(1 - 0.999 * 0.998))
    assert report.system.availability_estimate == pytest.approx(0.997002)
    assert report.system.availability_objective == 0.999


def test_replicas_in_parallel_capped_by_the_shared_failure_domain():
    report = model("""
        version: 1
        system: {entry_points: [one-zone, two-zones, two-regions]}
        components:
          one-zone: {kind: service, replicas: 2, availability: 0.99}
          two-zones: {kind: service, replicas: 2, zones: 2, availability: 0.99}
          two-regions: {kind: service, replicas: 4, regions: 2, availability: 0.9}
    """)
    # 1 − (1 − 0.99)² = 0.9999, above the zone cap 0.9995 → 0.9995
    assert report.components["one-zone"].availability == pytest.approx(0.9995)
    # two zones: 0.9999 ≤ region cap 0.9999 → 0.9999
    assert report.components["two-zones"].availability == pytest.approx(0.9999)
    # 1 − 0.1⁴ = 0.9999 below the two-region cap 1 − (1 − 0.9999)² → 0.9999
    assert report.components["two-regions"].availability == pytest.approx(1 - 0.1**4)


def test_k_of_n_when_the_load_needs_several_replicas():
    # P(≥ 2 of 3 up), a = 0.9: 3 × 0.9² × 0.1 + 0.9³ = 0.243 + 0.729 = 0.972
    assert k_of_n(0.9, 3, 2) == pytest.approx(0.972)
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 150}}
        components:
          api: {kind: service, replicas: 3, capacity_rps: 100, availability: 0.9}
    """)
    # the peak needs ⌈150 / 100⌉ = 2 of the 3 replicas
    assert report.components["api"].availability == pytest.approx(0.972)


def test_managed_priors_and_failover_none():
    report = model("""
        version: 1
        system: {entry_points: [cdn]}
        components:
          cdn: {kind: cdn}
          rds: {kind: database, managed: true}
          pg: {kind: database, replicas: 2, data: {replication: {failover: none}}}
        dependencies:
          - {from: cdn, to: rds}
          - {from: rds, to: pg}
    """)
    # managed and provider kinds: 0.9995 as is; pg's standby cannot take over: one instance at 0.995
    assert report.components["cdn"].availability == pytest.approx(0.9995)
    assert report.components["rds"].availability == pytest.approx(0.9995)
    assert report.components["pg"].availability == pytest.approx(0.995)
    assert report.flows[0].availability == pytest.approx(0.9995 * 0.9995 * 0.995)
    assert {(a.component, a.field) for a in report.assumptions} >= {("cdn", "availability"), ("pg", "availability")}


def test_a_diamond_counts_a_shared_dependency_once():
    report = model("""
        version: 1
        system: {entry_points: [a]}
        components:
          a: {kind: service, availability: 0.99}
          b: {kind: service, availability: 0.99}
          c: {kind: service, availability: 0.99}
          d: {kind: database, availability: 0.9}
        dependencies:
          - {from: a, to: b}
          - {from: a, to: c}
          - {from: b, to: d}
          - {from: c, to: d}
    """)
    assert report.flows[0].availability == pytest.approx(0.99**3 * 0.9)


def test_latency_adds_sequential_hops_and_takes_the_slowest_parallel_call():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 50}, objectives: {latency_p99_ms: 100}}
        components:
          api: {kind: service, replicas: 1, capacity_rps: 100, service_time_ms: 10}
          auth: {kind: service, service_time_ms: 5}
          price: {kind: service, service_time_ms: 30}
          stock: {kind: service, service_time_ms: 20}
          db: {kind: database, service_time_ms: 4}
        dependencies:
          - {from: api, to: auth, latency_ms: 1}
          - {from: api, to: price, parallel: true, latency_ms: 2}
          - {from: api, to: stock, parallel: true, latency_ms: 2}
          - {from: stock, to: db, calls_per_request: 3, latency_ms: 1}
    """)
    flow = report.flows[0]
    # api: ρ 0.5 → 10 × 1/(1 − 0.5) = 20 ms; auth (unknown ρ: no queueing) 1 + 5 = 6
    # parallel: price 2 + 30 = 32; stock 2 + 20 + 3 × (1 + 4) = 37 → max 37
    # total 20 + 6 + 37 = 63 ms
    assert flow.latency_p99_ms == pytest.approx(63)
    assert flow.latency_path == ["api", "stock", "db"]
    assert flow.latency_is_lower_bound is False
    assert flow.latency_objective_ms == 100
    assert report.system.latency_p99_estimate_ms == pytest.approx(63)
    assert "auth 5" in flow.derivations["latency_p99_ms"]


def test_latency_is_a_lower_bound_without_service_times_and_unbounded_when_saturated():
    report = model("""
        version: 1
        system: {entry_points: [a, x], traffic: {peak_rps: 100}}
        components:
          a: {kind: service, service_time_ms: 10}
          b: {kind: service}
          x: {kind: service, service_time_ms: 1}
          y: {kind: service, replicas: 1, capacity_rps: 50, service_time_ms: 1}
        dependencies:
          - {from: a, to: b}
          - {from: x, to: y}
    """)
    a, x = report.flows
    # 10 + default hop 1 ms; b unknown
    assert a.latency_p99_ms == pytest.approx(11) and a.latency_is_lower_bound is True
    # y: ρ = 100 / 50 = 2 ≥ 1
    assert x.latency_p99_ms is None and x.latency_saturated == "y"
    assert report.system.latency_p99_estimate_ms is None and report.system.latency_flow == "x"
    assert report.system.latency_saturated == "y"


def test_latency_follows_a_cycle_once():
    report = model("""
        version: 1
        system: {entry_points: [a]}
        components:
          a: {kind: service, service_time_ms: 1}
          b: {kind: service, service_time_ms: 2}
        dependencies:
          - {from: a, to: b, latency_ms: 1}
          - {from: b, to: a, latency_ms: 1}
    """)
    # a 1 + hop 1 + b 2; b → a is not followed again
    assert report.flows[0].latency_p99_ms == pytest.approx(4)
