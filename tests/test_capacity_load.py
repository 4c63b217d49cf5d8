"""Load propagation of the capacity model: fan-out, read/write split, caches, retries, queues, cycles."""

from __future__ import annotations

import textwrap

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.loader import load_text


def model(text: str, **kwargs: object) -> CapacityReport:
    return analyse(load_text(textwrap.dedent(text)).model, **kwargs)  # type: ignore[arg-type]


def assumed(report: CapacityReport, component: str, field: str) -> bool:
    return any(a.component == component and a.field == field for a in report.assumptions)


def test_fan_out_multiplies_calls_per_request_along_the_path():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100, average_rps: 40}}
        components:
          api: {kind: service}
          search: {kind: service}
          index: {kind: search}
        dependencies:
          - {from: api, to: search, calls_per_request: 3}
          - {from: search, to: index, calls_per_request: 2.5}
    """)
    # api 100 → search 100 × 3 = 300 → index 300 × 2.5 = 750
    assert report.components["api"].offered_rps == 100
    assert report.components["search"].offered_rps == 300
    assert report.components["index"].offered_rps == 750
    # the average propagates the same way: 40 × 3 × 2.5 = 300
    assert report.components["index"].average_rps == 300
    assert report.components["index"].derivations["offered_rps"] == "λ(index) = 750 from search (× 2.5 calls) = 750"


def test_two_callers_add_up_and_missing_calls_per_request_is_an_assumption():
    report = model("""
        version: 1
        system: {entry_points: [web, mobile], traffic: {peak_rps: 50}}
        components:
          web: {kind: service}
          mobile: {kind: service}
          db: {kind: database}
        dependencies:
          - {from: web, to: db, calls_per_request: 2}
          - {from: mobile, to: db}
    """)
    # each entry shares the system traffic: 50 × 2 + 50 × 1 (assumed) = 150
    assert report.components["db"].offered_rps == 150
    assert assumed(report, "mobile → db", "calls_per_request")
    assert not assumed(report, "web → db", "calls_per_request")


def test_cache_hit_ratio_absorbs_the_fronted_stores_reads_worked_chain():
    # knowledge catalog §6.4: 4,000 rps, read ratio 0.9, cache hit 0.6 in front of pg
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 4000, read_ratio: 0.9}}
        components:
          api: {kind: service, replicas: 3, capacity_rps: 1500}
          orders: {kind: service, replicas: 2, capacity_rps: 800, pool_size: 30, autoscaling: {max: 6}}
          pg: {kind: database, data: {engine: postgres}}
          redis: {kind: cache, cache: {hit_ratio: 0.6, fronts: [pg]}}
        dependencies:
          - {from: api, to: orders}
          - {from: orders, to: redis}
          - {from: orders, to: pg}
    """)
    pg = report.components["pg"]
    # reads 4,000 × 0.9 × (1 − 0.6) = 1,440; writes 4,000 × 0.1 = 400; total 1,840
    assert pg.read_rps == pytest.approx(1440)
    assert pg.write_rps == pytest.approx(400)
    assert pg.offered_rps == pytest.approx(1840)
    # the cache itself sees every call: 4,000
    assert report.components["redis"].offered_rps == 4000
    # ρ(orders) = 4,000 / (2 × 800) = 2.5
    assert report.components["orders"].utilization == pytest.approx(2.5)
    # connections: orders autoscaling max 6 × pool 30 = 180 > PostgreSQL default 100 (assumed)
    assert pg.connection_demand == 180
    assert pg.max_connections == 100 and pg.max_connections_source == "assumed"
    assert pg.connection_ratio == pytest.approx(1.8)
    assert assumed(report, "pg", "data.max_connections")


def test_cache_only_helps_callers_that_call_it():
    report = model("""
        version: 1
        system: {entry_points: [a, b], traffic: {peak_rps: 100, read_ratio: 1.0}}
        components:
          a: {kind: service}
          b: {kind: service}
          db: {kind: database}
          cache: {kind: cache, cache: {hit_ratio: 0.9, fronts: [db]}}
        dependencies:
          - {from: a, to: cache}
          - {from: a, to: db}
          - {from: b, to: db}
    """)
    # a sends 100 × (1 − 0.9) = 10 reads; b does not use the cache: 100; total 110
    assert report.components["db"].offered_rps == pytest.approx(110)


def test_edge_read_share_and_writes_flag_resplit_the_calls():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100, read_ratio: 0.5}}
        components:
          api: {kind: service}
          db: {kind: database}
          audit: {kind: database}
          catalog: {kind: database}
        dependencies:
          - {from: api, to: db, read_share: 0.8}
          - {from: api, to: audit, writes: true}
          - {from: api, to: catalog, writes: false}
    """)
    assert (report.components["db"].read_rps, report.components["db"].write_rps) == pytest.approx((80, 20))
    assert (report.components["audit"].read_rps, report.components["audit"].write_rps) == (0, 100)
    assert (report.components["catalog"].read_rps, report.components["catalog"].write_rps) == (100, 0)


def test_unknown_read_split_leaves_reads_none_and_the_cache_conservative():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100}}
        components:
          api: {kind: service}
          db: {kind: database}
          cache: {kind: cache, cache: {hit_ratio: 0.9, fronts: [db]}}
        dependencies:
          - {from: api, to: cache}
          - {from: api, to: db}
    """)
    db = report.components["db"]
    # no read_ratio anywhere: nothing is invented, every call still reaches the store
    assert db.offered_rps == 100
    assert db.read_rps is None and db.write_rps is None
    assert assumed(report, "api → db", "cache_absorption")


def test_cdn_hit_ratio_reduces_origin_traffic():
    report = model("""
        version: 1
        system: {traffic: {peak_rps: 1000}}
        components:
          edge: {kind: cdn, cdn: {hit_ratio: 0.75}}
          origin: {kind: service}
        dependencies:
          - {from: edge, to: origin}
    """)
    # inferred entry point: the CDN nothing calls; origin gets 1,000 × (1 − 0.75) = 250
    assert report.system.entry_points == ["edge"]
    assert report.components["origin"].offered_rps == pytest.approx(250)


def test_retries_inflate_the_expected_load_with_the_documented_failure_probability():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 1000}}
        components:
          api: {kind: service}
          pay: {kind: external}
        dependencies:
          - {from: api, to: pay, retries: 3, calls_per_request: 0.1}
    """)
    # 1,000 × 0.1 × (1 + 0.01 × 3) = 103
    assert report.components["pay"].offered_rps == pytest.approx(103)
    assert assumed(report, "api → pay", "retry_failure_probability")


def test_async_queue_levels_the_peak_to_the_drain_rate_and_backlogs_the_rest():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 500, average_rps: 100}}
        components:
          api: {kind: service}
          jobs: {kind: queue, messaging: {consumed_by: [worker], partitions: 3, consumer_rate: 50}}
          worker: {kind: worker, replicas: 4, capacity_rps: 60}
          db: {kind: database}
        dependencies:
          - {from: api, to: jobs, mode: async}
          - {from: worker, to: jobs}
          - {from: worker, to: db, calls_per_request: 2}
    """)
    jobs, worker = report.components["jobs"], report.components["worker"]
    # consumers_eff = min(4 replicas, 3 partitions) = 3; drain = 3 × 50 = 150 msg/s
    assert jobs.consumers == 4 and jobs.consumers_effective == 3
    assert jobs.drain_rps == 150
    # arrival 500 at peak: ρ_q = 500 / 150 = 3.33, backlog grows 500 − 150 = 350 msg/s
    assert jobs.arrival_rps == 500
    assert jobs.queue_utilization == pytest.approx(500 / 150)
    assert jobs.backlog_growth_per_s == 350
    # the consumer sees min(500, 150) = 150, its database 150 × 2 = 300 (the poll worker → jobs carries nothing)
    assert worker.offered_rps == 150
    assert report.components["db"].offered_rps == 300
    # drain after a one-hour consumer outage (assumed scenario) at the average arrival of 100:
    # backlog 100 × 3,600 = 360,000; 360,000 / (150 − 100) = 7,200 s
    assert jobs.backlog_messages == 360_000
    assert jobs.drain_time_s == pytest.approx(7200)
    assert assumed(report, "jobs", "consumer_outage_s")
    # consumers to drain the peak at ρ 0.7: ⌈500 / (50 × 0.7)⌉ = 15
    assert jobs.consumers_needed == 15


def test_competing_consumers_share_a_queue_and_stream_groups_each_get_everything():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 90}}
        components:
          api: {kind: service}
          q: {kind: queue, messaging: {consumed_by: [w1, w2]}}
          s: {kind: stream, messaging: {consumed_by: [g1, g2]}}
          w1: {kind: worker, replicas: 1}
          w2: {kind: worker, replicas: 2}
          g1: {kind: worker, replicas: 1}
          g2: {kind: worker, replicas: 1}
        dependencies:
          - {from: api, to: q, mode: async}
          - {from: api, to: s, mode: async}
    """)
    # no consumer_rate: drain unknown, consumers see the whole arrival, split by instances 1 : 2
    assert report.components["w1"].offered_rps == pytest.approx(30)
    assert report.components["w2"].offered_rps == pytest.approx(60)
    assert report.components["g1"].offered_rps == 90 and report.components["g2"].offered_rps == 90
    assert report.components["q"].drain_rps is None


def test_zero_traffic_components_get_zero_load_not_none():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100}}
        components:
          api: {kind: service}
          batch: {kind: worker, replicas: 2, capacity_rps: 10}
    """)
    batch = report.components["batch"]
    assert batch.offered_rps == 0
    assert batch.utilization == 0
    # never saturates, however much the entry traffic grows
    assert batch.saturation_multiple is None
    assert batch.cost_per_million_requests is None


def test_missing_traffic_leaves_every_load_unknown():
    report = model("""
        version: 1
        components:
          lb: {kind: load-balancer}
          api: {kind: service, replicas: 2, capacity_rps: 100}
        dependencies:
          - {from: lb, to: api}
    """, growth=[2])
    api = report.components["api"]
    assert report.system.entry_points == ["lb"]
    assert api.offered_rps is None and api.utilization is None and api.replicas_needed is None
    assert api.capacity_rps == 200  # what the file states is still reported
    assert report.breaking_point is None
    assert report.growth_table[0].components["api"].load_rps is None


def test_only_average_traffic_assumes_the_peak_factor():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {average_rps: 100}}
        components:
          api: {kind: service}
    """)
    # peak = 100 × 2.5
    assert report.components["api"].offered_rps == 250
    assert assumed(report, "api", "peak_rps")


def test_entry_point_traffic_of_its_own_overrides_the_system_traffic():
    report = model("""
        version: 1
        system:
          traffic: {peak_rps: 10, average_rps: 5}
          entry_points: [{component: public, traffic: {peak_rps: 300, average_rps: 100}}, internal]
        components:
          public: {kind: api-gateway}
          internal: {kind: service}
    """)
    assert report.components["public"].offered_rps == 300
    assert report.components["internal"].offered_rps == 10
    # system traffic: 300 (own) + 10 (shared, counted once)
    assert report.system.peak_rps == 310


def test_cycles_are_cut_after_one_round_and_recorded():
    report = model("""
        version: 1
        system: {entry_points: [a], traffic: {peak_rps: 100}}
        components:
          a: {kind: service}
          b: {kind: service}
          c: {kind: service}
        dependencies:
          - {from: a, to: b}
          - {from: b, to: c}
          - {from: c, to: a, calls_per_request: 0.5}
    """)
    # first round a = b = c = 100; the closing edge c → a adds 100 × 0.5 = 50 once:
    # a = 150, b = 150, c = 150, and propagation stops
    assert [report.components[n].offered_rps for n in "abc"] == [150, 150, 150]
    assert report.system.cycles == 1
    assert assumed(report, "c → a", "cycle_rounds")


def test_a_cycle_that_amplifies_load_still_ends():
    report = model("""
        version: 1
        system: {entry_points: [a], traffic: {peak_rps: 10}}
        components:
          a: {kind: service}
          b: {kind: service}
        dependencies:
          - {from: a, to: b, calls_per_request: 10}
          - {from: b, to: a, calls_per_request: 10}
    """)
    # round 1: a 10, b 100; b → a closes the cycle: a = 10 + 100 × 10 = 1,010, b = 10,100
    assert report.components["a"].offered_rps == 1010
    assert report.components["b"].offered_rps == 10100


def test_loads_within_the_levelled_part_match_a_full_run():
    """The growth grid propagates only the components behind queues; the rest scale with the multiple."""
    import math
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from synthetic import generate_text

    from scalexpert.analysis.capacity.component import Analysis
    from scalexpert.analysis.capacity.context import build_context
    from scalexpert.analysis.capacity.defaults import load_defaults
    from scalexpert.analysis.capacity.growth import horizon
    from scalexpert.loader import load_text

    arch = load_text(generate_text(1000), "synthetic.yaml").model
    ctx = build_context(arch, load_defaults())
    analysis = Analysis.create(ctx, horizon(ctx))
    levelled = analysis.levelled
    assert len(levelled) > 20 and not analysis.model.back_edges
    for multiple in (1.4, 7.5, 300.0):
        within = analysis.model.loads_within(levelled, "peak", multiple)
        full = analysis.model.loads("peak", multiple)
        for name in levelled:
            for a, b in zip(within[name][:3], full[name][:3]):
                assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), (name, multiple, a, b)
            assert within[name].known == full[name].known
