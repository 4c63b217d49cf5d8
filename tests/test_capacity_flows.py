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
    # series: 0.999 × 0.998, and the zone both run in (not named: one shared zone) once:
    # region 0.9999 × zone 0.9995 / 0.9999 = 0.9995; mail (soft) and queue (async) excluded
    expected = 0.999 * 0.998 * 0.9995
    assert flow.hard_components == ["api", "db"]
    assert flow.availability == pytest.approx(expected)
    assert flow.availability_dominant == ["db", "api"]
    assert flow.availability_gap_nines == pytest.approx(3 + math.log10(1 - expected))
    assert report.system.availability_estimate == pytest.approx(expected)
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
    # 1 − (1 − 0.99)² = 0.9999 with its domains up; in a flow × the zone it runs in (0.9995 with its region)
    assert report.components["one-zone"].availability_own == pytest.approx(0.9999)
    assert report.components["one-zone"].availability == pytest.approx(0.9995)  # on its own: capped at its zone
    # two zones: 0.9999 × the region 0.9999
    assert report.components["two-zones"].availability == pytest.approx(0.9999)
    # 1 − 0.1⁴ = 0.9999 below the two-region cap 1 − (1 − 0.9999)²; no shared location domain
    assert report.components["two-regions"].availability == pytest.approx(1 - 0.1**4)
    assert report.components["two-regions"].failure_domains == []


def test_k_of_n_when_the_load_needs_several_replicas():
    # P(≥ 2 of 3 up), a = 0.9: 3 × 0.9² × 0.1 + 0.9³ = 0.243 + 0.729 = 0.972
    assert k_of_n(0.9, 3, 2) == pytest.approx(0.972)
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 150}}
        components:
          api: {kind: service, replicas: 3, capacity_rps: 100, availability: 0.9}
    """)
    # the peak needs 1.5 replicas' capacity: 2 or 3 up serve it all (0.972), one up serves 1 / 1.5 of it
    # (3 × 0.9 × 0.1² = 0.027 of the time), none up nothing: 0.972 + 0.027 × 2/3 = 0.990
    assert report.components["api"].availability_own == pytest.approx(0.990)
    assert report.components["api"].availability_replicas_needed == 2


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
    assert report.components["pg"].availability_own == pytest.approx(0.995)
    assert report.components["pg"].recovery == "rebuild"
    assert report.flows[0].availability == pytest.approx(0.9995 * 0.9995 * 0.995 * 0.9995)
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
    # every component counted once, and the zone they share once
    assert report.flows[0].availability == pytest.approx(0.99**3 * 0.9 * 0.9995)


def test_latency_adds_sequential_hops_and_waits_for_the_slowest_parallel_call():
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
    api = report.components["api"]
    # api: 100 rps × 10 ms = one request at a time, ρ 0.5: M/M/1 mean 10 / (1 − 0.5) = 20 ms and
    # p99 ln(100) × 20 = 92.1 ms
    assert api.servers_per_replica == 1
    assert api.response_time_ms == pytest.approx(20)
    assert api.response_time_p99_ms == pytest.approx(math.log(100) * 20, rel=1e-6)
    # parallel: price 2 + 30 = 32 and stock 2 + 20 + 3 × (1 + 4) = 37 on average; the request waits
    # for the slower of the two, on average more than either: mean > 20 + 6 + 37 = 63
    assert flow.latency_mean_ms > 63
    assert flow.latency_p99_ms > flow.latency_mean_ms
    assert flow.latency_path == ["api", "stock", "db"]
    assert flow.latency_is_lower_bound is False
    assert flow.latency_objective_ms == 100
    assert report.system.latency_p99_estimate_ms == pytest.approx(flow.latency_p99_ms)
    assert "auth 5" in flow.derivations["latency_mean_ms"]
    assert "parallel calls wait for the slowest" in flow.derivations["latency_p99_ms"]


def test_fan_out_amplifies_the_tail_and_a_fractional_call_is_a_probability():
    text = """
        version: 1
        system: {{entry_points: [api], traffic: {{peak_rps: 10}}}}
        components:
          api: {{kind: service, service_time_ms: 1}}
          shard: {{kind: service, service_time_ms: 20}}
        dependencies:
          - {{from: api, to: shard, latency_ms: 1{call}}}
    """
    one = model(text.format(call="")).flows[0]
    ten = model(text.format(call=", parallel: true, calls_per_request: 10")).flows[0]
    half = model(text.format(call=", calls_per_request: 0.5")).flows[0]
    # one call: mean 1 + 1 + 20 = 22 ms
    assert one.latency_mean_ms == pytest.approx(22)
    # ten parallel calls: the slowest of ten; P(max > t) = 1 − (1 − p)¹⁰, so the flow's p99 lies near
    # one call's 99.9th percentile, well above one call's p99
    assert ten.latency_p99_ms > 1.3 * one.latency_p99_ms
    assert ten.latency_mean_ms > one.latency_mean_ms
    # a call made by half the requests adds half its time on average (not rounded up to one call)
    assert half.latency_mean_ms == pytest.approx(1 + 0.5 * 21)


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
    assert a.latency_mean_ms == pytest.approx(11) and a.latency_is_lower_bound is True
    # y: ρ = 100 / 50 = 2 ≥ 1: requests queue without bound
    assert x.latency_p99_ms is None and x.latency_saturated == "y"
    assert report.system.latency_p99_estimate_ms is None and report.system.latency_flow == "x"
    assert report.system.latency_saturated == "y"


def test_an_admission_limit_rejects_and_keeps_latency_bounded():
    report = model("""
        version: 1
        system: {entry_points: [gw], traffic: {peak_rps: 1000}}
        components:
          gw: {kind: api-gateway, managed: true, service_time_ms: 2, balancer: {rate_limit_rps: 800}}
          api: {kind: service, replicas: 4, capacity_rps: 400, service_time_ms: 10}
        dependencies:
          - {from: gw, to: api}
    """)
    gw, flow = report.components["gw"], report.flows[0]
    # ρ = 1,000 / 800 = 1.25: 1 − 1/1.25 = 20 % of today's peak rejected, no queue at the limiter
    assert gw.rejection_rate == pytest.approx(0.2)
    assert gw.queueing_factor == 1.0
    assert flow.latency_saturated is None and flow.latency_p99_ms is not None
    # api sees the 800 admitted: ρ = 800 / 1,600 = 0.5
    assert report.components["api"].utilization == pytest.approx(0.5)


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
    assert report.flows[0].latency_mean_ms == pytest.approx(4)
