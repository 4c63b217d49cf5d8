"""Utilization, queueing, replica sizing, growth, runway, connections, functions and cost."""

from __future__ import annotations

import math
import textwrap

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.analysis.capacity.queueing import erlang_c, queueing_factor
from scalexpert.loader import load_text


def model(text: str, **kwargs: object) -> CapacityReport:
    return analyse(load_text(textwrap.dedent(text)).model, **kwargs)  # type: ignore[arg-type]


def test_utilization_headroom_and_derivation_with_the_users_numbers():
    report = model("""
        version: 1
        system: {entry_points: [orders-db-client], traffic: {peak_rps: 1800}}
        components:
          orders-db-client: {kind: service, replicas: 1, capacity_rps: 2000, service_time_ms: 10, concurrency: 1}
    """)
    c = report.components["orders-db-client"]
    # ρ = 1,800 / (1 × 2,000) = 0.90; headroom 0.10; M/M/1 factor 1 / (1 − 0.9) = 10; R = 10 ms × 10 = 100 ms
    assert c.utilization == pytest.approx(0.9)
    assert c.headroom == pytest.approx(0.1)
    assert c.queueing_factor == pytest.approx(10)
    assert c.response_time_ms == pytest.approx(100)
    assert c.capacity_source == "stated"
    assert c.derivations["utilization"] == "ρ(orders-db-client) = 1,800 / (1 × 2,000) = 0.90"


def test_erlang_c_matches_hand_computation_and_reduces_to_mm1():
    # c = 2, a = 1 (ρ = 0.5): P_wait = (a^c / c!) · 1/(1−ρ) / (1 + a + (a^c / c!) · 1/(1−ρ)) = 1 / (2 + 1) = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # M/M/2 factor 1 + (1/3) / (2 × 0.5) = 4/3; M/M/1 at ρ 0.5: 2
    assert queueing_factor(0.5, 2)[0] == pytest.approx(4 / 3)
    assert queueing_factor(0.5, 1)[0] == pytest.approx(2)
    # saturated: unbounded
    assert queueing_factor(1.0, 3)[0] is None


def test_saturated_component_has_no_queueing_factor_and_negative_headroom():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 300}}
        components:
          api: {kind: service, replicas: 2, capacity_rps: 100, service_time_ms: 5}
    """)
    c = report.components["api"]
    # ρ = 300 / 200 = 1.5
    assert c.utilization == pytest.approx(1.5)
    assert c.headroom == pytest.approx(-0.5)
    assert c.queueing_factor is None and c.response_time_ms is None
    assert report.system.bottleneck == "api" and report.system.max_utilization == pytest.approx(1.5)


def test_replicas_needed_is_n_plus_one_and_survives_losing_a_zone():
    report = model("""
        version: 1
        system: {entry_points: [one, three], traffic: {peak_rps: 2000}}
        components:
          one: {kind: service, replicas: 2, capacity_rps: 500}
          three: {kind: service, replicas: 2, capacity_rps: 500, zones: 3}
    """)
    # n_load = ⌈2,000 / (500 × 0.7)⌉ = ⌈5.71⌉ = 6; N+1 = 7
    assert report.components["one"].replicas_needed == 7
    # 3 zones: 7 − ⌈7/3⌉ = 4 < 6; 8 − 3 = 5; 9 − 3 = 6 ≥ 6 → 9
    assert report.components["three"].replicas_needed == 9


def test_database_reads_spread_over_read_replicas_and_writes_bind_the_primary():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 3000, read_ratio: 0.9}}
        components:
          api: {kind: service}
          db:
            kind: database
            capacity_rps: 1000
            data: {write_capacity_rps: 500, replication: {read_replicas: 2}}
        dependencies:
          - {from: api, to: db}
    """)
    db = report.components["db"]
    # reads 2,700 over 3 nodes = 900 each; primary = 300 writes + 900 reads = 1,200 / 1,000 = 1.2
    assert db.utilization == pytest.approx(1.2)
    # writes 300 / 500 = 0.6 (≤ 0.7: read replicas can still help)
    assert db.write_utilization == pytest.approx(0.6)
    assert db.capacity_rps == 3000 and db.replicas == 3
    # nodes = ⌈2,700 / (0.7 × 1,000 − 300)⌉ = ⌈6.75⌉ = 7, + 1 spare = 8
    assert db.replicas_needed == 8


def test_database_whose_writes_exceed_the_safe_write_capacity_cannot_be_fixed_by_replicas():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 1000, read_ratio: 0.5}}
        components:
          api: {kind: service}
          db: {kind: database, capacity_rps: 5000, data: {write_capacity_rps: 600}}
        dependencies:
          - {from: api, to: db}
    """)
    db = report.components["db"]
    # writes 500 > 0.7 × 600 = 420
    assert db.replicas_needed is None
    assert "read replicas cannot help" in db.derivations["replicas_needed"]
    # write ρ 500 / 600 = 0.83 binds over (500 + 500) / 5,000 = 0.2
    assert db.utilization == pytest.approx(500 / 600)


def test_autoscaling_max_sets_the_saturation_multiple_and_breaking_point():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 400}}
        components:
          api: {kind: service, replicas: 2, capacity_rps: 100, autoscaling: {min: 2, max: 10}}
          db: {kind: database, capacity_rps: 2000}
        dependencies:
          - {from: api, to: db, calls_per_request: 2}
    """, growth=[2, 3])
    api, db = report.components["api"], report.components["db"]
    # today ρ(api) = 400 / 200 = 2.0 but the autoscaler may reach 10 × 100 = 1,000: saturates at 1,000 / 400 = 2.5×
    assert api.utilization == pytest.approx(2.0)
    assert api.utilization_at_max == pytest.approx(0.4)
    assert api.saturation_multiple == pytest.approx(2.5)
    # db: 800 / 2,000 = 0.4 → saturates at 2.5× too; ties go to the first name
    assert db.saturation_multiple == pytest.approx(2.5)
    assert report.breaking_point is not None
    assert (report.breaking_point.component, report.breaking_point.multiple) == ("api", pytest.approx(2.5))
    assert report.system.breaking_component == "api"
    # growth table at ×3: api 1,200 / 1,000 = 1.2, needs ⌈1,200 / 70⌉ = 18 + 1 = 19
    row = report.growth_table[1]
    assert row.multiple == 3
    assert row.components["api"].load_rps == 1200
    assert row.components["api"].utilization == pytest.approx(1.2)
    assert row.components["api"].replicas_needed == 19
    assert row.saturated == ["api", "db"]


def test_horizon_runway_and_utilization_at_horizon():
    report = model("""
        version: 1
        system:
          entry_points: [api]
          traffic: {peak_rps: 100}
          growth: {factor: 4, horizon_months: 24}
        components:
          api: {kind: service, replicas: 1, capacity_rps: 400}
    """)
    api = report.components["api"]
    assert report.system.horizon_multiple == 4
    # monthly rate g = 4^(1/24) − 1; ρ today 0.25 reaches 0.7 at 2.8×: runway = ln 2.8 / ln(1 + g) = 24 · ln 2.8 / ln 4
    assert api.runway_months == pytest.approx(24 * math.log(2.8) / math.log(4))
    # at the horizon: 400 / 400 = 1.0; replicas ⌈400 / 280⌉ = 2, + 1 = 3
    assert api.utilization_at_horizon == pytest.approx(1.0)
    assert api.offered_rps_at_horizon == 400
    assert api.replicas_needed_at_horizon == 3


def test_monthly_growth_rate_defaults_to_a_twelve_month_horizon():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100}, growth: {monthly_rate: 0.05}}
        components:
          api: {kind: service}
    """)
    assert report.system.horizon_multiple == pytest.approx(1.05**12)
    assert any(a.field == "growth.horizon_months" and a.value == 12 for a in report.assumptions)


def test_storage_runway_linear_and_compound():
    report = model("""
        version: 1
        system: {growth: {data_monthly_rate: 0.1}}
        components:
          linear: {kind: database, data: {size_gb: 400, max_storage_gb: 1000, growth_gb_per_month: 25}}
          compound: {kind: database, data: {size_gb: 100, max_storage_gb: 200}}
    """)
    # (1,000 − 400) / 25 = 24 months; ln(200 / 100) / ln 1.1 = 7.27 months
    assert report.components["linear"].storage_runway_months == pytest.approx(24)
    assert report.components["compound"].storage_runway_months == pytest.approx(math.log(2) / math.log(1.1))


def test_missing_capacity_is_never_invented():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 100}}
        components:
          api: {kind: service, replicas: 3}
          db: {kind: database}
        dependencies:
          - {from: api, to: db}
    """, growth=[2])
    for name in ("api", "db"):
        c = report.components[name]
        assert c.capacity_rps is None and c.capacity_source == "unknown"
        assert c.utilization is None and c.saturation_multiple is None and c.replicas_needed is None
    assert report.breaking_point is None
    assert report.growth_table[0].components["api"].utilization is None
    assert not any(a.field == "capacity_rps" for a in report.assumptions)


def test_function_capacity_from_the_published_concurrency_limit():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 2000}}
        components:
          api: {kind: api-gateway, routing: fan-out}
          thumbnail: {kind: function, function: {duration_ms: 250}}
          resize: {kind: function, function: {duration_ms: 100, reserved_concurrency: 100}}
        dependencies:
          - {from: api, to: thumbnail}
          - {from: api, to: resize, calls_per_request: 0.5}
    """)
    thumb, resize = report.components["thumbnail"], report.components["resize"]
    # Little: 2,000 × 0.25 s = 500 concurrent of the assumed account limit 1,000 → ρ 0.5
    assert thumb.concurrency_demand == pytest.approx(500)
    assert (thumb.concurrency_limit, thumb.concurrency_limit_source) == (1000, "assumed")
    assert thumb.capacity_source == "assumed" and thumb.capacity_rps == pytest.approx(4000)
    assert thumb.utilization == pytest.approx(0.5)
    # reserved: 1,000 × 0.1 s = 100 of 100 → ρ 1.0 (stated)
    assert resize.utilization == pytest.approx(1.0) and resize.capacity_source == "stated"
    # only functions without reserved concurrency share the account: 500 of 1,000
    assert report.system.function_concurrency_demand == pytest.approx(500)
    assert report.system.function_account_concurrency == 1000


def test_published_stream_and_dynamodb_partition_limits_are_assumed_capacities():
    report = model("""
        version: 1
        system: {entry_points: [api], traffic: {peak_rps: 1500, read_ratio: 0.5}}
        components:
          api: {kind: service}
          events: {kind: stream, technology: Amazon Kinesis, messaging: {partitions: 2}}
          table: {kind: database, data: {engine: dynamodb, sharding: {shards: 1}}}
        dependencies:
          - {from: api, to: events, mode: async}
          - {from: api, to: table}
    """)
    # Kinesis: 2 shards × 1,000 records/s = 2,000 → ρ 1,500 / 2,000 = 0.75
    assert report.components["events"].capacity_rps == 2000
    assert report.components["events"].utilization == pytest.approx(0.75)
    # DynamoDB, 1 partition: reads 750 / 3,000 = 0.25, writes 750 / 1,000 = 0.75 → 0.75
    table = report.components["table"]
    assert table.capacity_source == "assumed"
    assert table.utilization == pytest.approx(0.75)


def test_connection_demand_sums_callers_pools_at_their_most_replicas():
    report = model("""
        version: 1
        components:
          api: {kind: service, replicas: 3, pool_size: 20, autoscaling: {max: 5}}
          jobs: {kind: worker, replicas: 2, pool_size: 5}
          report: {kind: worker}
          db: {kind: database, data: {engine: mysql}}
        dependencies:
          - {from: api, to: db}
          - {from: jobs, to: db}
          - {from: report, to: db}
    """)
    db = report.components["db"]
    # 5 × 20 + 2 × 5 = 110 of MySQL's default 151; report's pool is unknown
    assert db.connection_demand == 110
    assert db.connection_demand_complete is False
    assert (db.max_connections, db.max_connections_source) == (151, "assumed")
    assert db.connection_ratio == pytest.approx(110 / 151)


def test_cost_now_at_horizon_and_per_million_requests():
    report = model("""
        version: 1
        system:
          entry_points: [api]
          traffic: {peak_rps: 1000, average_rps: 400}
          growth: {factor: 3}
        components:
          api: {kind: service, replicas: 2, capacity_rps: 800, hourly_cost: 0.5}
          db: {kind: database, hourly_cost: 1.0}
        dependencies:
          - {from: api, to: db}
    """)
    api, db = report.components["api"], report.components["db"]
    # 0.5 × 730 = 365 a month; per million: 0.5 / (3,600 × 400) × 10⁶ = 0.347
    assert api.monthly_cost == pytest.approx(365)
    assert api.cost_per_million_requests == pytest.approx(0.5 / (3600 * 400) * 1e6)
    # horizon ×3: 3,000 rps needs ⌈3,000 / (800 × 0.7)⌉ = 6 replicas vs 2 today → 365 × 3 = 1,095
    assert api.monthly_cost_at_horizon == pytest.approx(1095)
    # db capacity unknown: assumed to grow with load, 730 × 3 = 2,190
    assert db.monthly_cost_at_horizon == pytest.approx(2190)
    s = report.system
    assert s.monthly_cost == pytest.approx(1095)
    assert s.monthly_cost_at_horizon == pytest.approx(1095 + 2190)
    # system: 1.5 / (3,600 × 400) × 10⁶ = 1.04
    assert s.cost_per_million_requests == pytest.approx(1.5 / (3600 * 400) * 1e6)
    assert s.cost_complete is True
