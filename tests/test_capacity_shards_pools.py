"""Sharded stores, poolers, non-SQL stores, and the figures the capacity rules read (hand-computed)."""

from __future__ import annotations

import textwrap

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.loader import load_text


def model(text: str) -> CapacityReport:
    return analyse(load_text(textwrap.dedent(text)).model)


SHARDED = """
    version: 1
    system: {{entry_points: [api], traffic: {{peak_rps: 4000, read_ratio: 0.75}}}}
    components:
      api: {{kind: service}}
      db:
        kind: database
        capacity_rps: 1000
        data:
          engine: {engine}
          write_capacity_rps: 500
          replication: {{read_replicas: 1}}
          sharding: {{strategy: {strategy}, shards: 4}}
    dependencies:
      - {{from: api, to: db, protocol: sql}}
"""


def test_sharded_store_spreads_reads_and_writes_over_its_shards():
    db = model(SHARDED.format(engine="postgres", strategy="hash")).components["db"]
    # 4 shards × (1 primary + 1 read replica) × 1,000 rps = 8,000
    assert db.capacity_rps == 8000 and db.shards == 4 and db.replicas == 8
    # primary: (writes 1,000 / 4 + reads 3,000 / 8 nodes) / 1,000 = (250 + 375) / 1,000 = 0.625
    # writes: 1,000 / (500 × 4) = 0.5 — below the primary's 0.625, so 0.625 binds
    assert db.write_capacity_rps == 2000
    assert db.write_utilization == pytest.approx(0.5)
    assert db.utilization == pytest.approx(0.625)
    # writes alone: max(250 / 1,000, 0.5) = 0.5
    assert db.write_only_utilization == pytest.approx(0.5)
    # per shard: ⌈750 / (0.7 × 1,000 − 250)⌉ = ⌈1.67⌉ = 2, + 1 spare = 3; × 4 shards = 12
    assert db.replicas_needed == 12


def test_leaderless_engine_with_shards_spreads_the_same_way():
    db = model(SHARDED.format(engine="cassandra", strategy="consistent-hash")).components["db"]
    assert db.capacity_rps == 8000 and db.utilization == pytest.approx(0.625)


def test_strategy_none_ignores_a_shard_count():
    db = model(SHARDED.format(engine="postgres", strategy="none")).components["db"]
    # one primary: (1,000 + 3,000 / 2) / 1,000 = 2.5; writes 1,000 / 500 = 2.0
    assert db.capacity_rps == 2000 and db.shards == 1
    assert db.utilization == pytest.approx(2.5)
    assert db.write_utilization == pytest.approx(2.0)


def test_a_pooler_caps_the_connections_the_database_sees():
    report = model("""
        version: 1
        components:
          api: {kind: service, replicas: 10, pool_size: 20}
          jobs: {kind: worker, replicas: 2}
          db: {kind: database, data: {engine: postgres, pooler: true, cores: 4}}
        dependencies:
          - {from: api, to: db, protocol: sql}
          - {from: jobs, to: db}
    """)
    db = report.components["db"]
    # clients 10 × 20 = 200 (jobs' pool unknown); the pooler opens at most 20 (PgBouncer default_pool_size)
    assert db.client_connection_demand == 200
    assert db.connection_demand == 20 and db.connection_demand_complete is True
    # 20 / PostgreSQL's default 100
    assert db.connection_ratio == pytest.approx(0.2)
    # HikariCP: 2 × 4 cores + 1 spindle = 9; 20 / 9
    assert db.connection_optimum == 9
    assert db.connection_optimum_ratio == pytest.approx(20 / 9)
    assert {(a.component, a.field) for a in report.assumptions} >= {("db", "pooler_server_connections"),
                                                                     ("db", "effective_spindle_count")}


def test_connections_count_only_sql_callers_of_relational_stores():
    report = model("""
        version: 1
        components:
          api: {kind: service, replicas: 4, pool_size: 10}
          worker: {kind: worker, replicas: 2, pool_size: 5}
          pg: {kind: database, data: {engine: postgres}}
          table: {kind: database, data: {engine: dynamodb}}
          kv: {kind: database, technology: redis 7}
        dependencies:
          - {from: api, to: pg, protocol: http}
          - {from: worker, to: pg, protocol: sql}
          - {from: api, to: table}
          - {from: api, to: kv}
    """)
    # api reaches pg over HTTP (an API, not its SQL pool): only the worker's 2 × 5 = 10 count
    assert report.components["pg"].connection_demand == 10
    for store in ("table", "kv"):
        assert report.components[store].connection_demand is None
        assert report.components[store].max_connections is None


def test_zone_loss_utilization_and_queue_utilization_at_max():
    report = model("""
        version: 1
        system: {entry_points: [api, two], traffic: {peak_rps: 300}}
        components:
          api: {kind: service, replicas: 6, zones: 3, capacity_rps: 100}
          two: {kind: service, replicas: 6, capacity_rps: 100}
          jobs: {kind: queue, messaging: {consumed_by: [worker]}}
          worker: {kind: worker, replicas: 2, autoscaling: {min: 2, max: 4}, capacity_rps: 10}
        dependencies:
          - {from: api, to: jobs, mode: async, calls_per_request: 0.1}
    """)
    # losing the fullest of 3 zones (⌈6/3⌉ = 2): 300 / (4 × 100) = 0.75; zones not stated, one replica: 300 / 500
    assert report.components["api"].utilization_after_loss == pytest.approx(0.75)
    assert report.components["two"].utilization_after_loss == pytest.approx(0.6)
    jobs = report.components["jobs"]
    # arrival 30; drain 2 × 10 = 20 today (1.5), 4 × 10 = 40 at the most consumers (0.75)
    assert jobs.queue_utilization == pytest.approx(1.5)
    assert jobs.queue_utilization_at_max == pytest.approx(0.75)


def test_nic_pool_wait_and_rate_limit_headroom():
    report = model("""
        version: 1
        system: {entry_points: [gw], traffic: {peak_rps: 400, payload_bytes: 10000}}
        components:
          gw: {kind: api-gateway, managed: true, balancer: {rate_limit_rps: 5000}}
          api: {kind: service, replicas: 4, capacity_rps: 250, pool_size: 10, nic_gbps: 1}
          db: {kind: database, capacity_rps: 2000, service_time_ms: 20, data: {engine: postgres}}
          jobs: {kind: queue, messaging: {consumed_by: [worker], consumer_rate: 1}}
          worker: {kind: worker, replicas: 1, capacity_rps: 1}
        dependencies:
          - {from: gw, to: api, payload_bytes: 10000}
          - {from: api, to: db, protocol: sql, payload_bytes: 2000}
          - {from: api, to: jobs, mode: async}
    """)
    api = report.components["api"]
    # served 400 × 10,000 B + made 400 × 2,000 B to db = 4.8 MB/s × 8 / 10⁹ / 4 replicas = 0.0096 Gbit/s
    assert api.network_gbps_per_replica == pytest.approx(0.0096)
    assert api.nic_utilization == pytest.approx(0.0096)
    # db: ρ = 400 / 2,000 = 0.2 → R = 20 / 0.8 = 25 ms; busy = 400 / 4 replicas × 0.025 s = 2.5 of pool 10
    assert api.pool_busy_connections == pytest.approx(2.5)
    assert api.pool_utilization == pytest.approx(0.25)
    gw = report.components["gw"]
    # api: ρ 400 / 1,000 = 0.4; reaches 0.7 at 1.75 × (700 rps) and 1 at 2.5 × (1,000 rps); the worker behind
    # the queue is not counted (the queue protects it), nor is the limit itself
    assert gw.downstream_bottleneck == "api"
    assert gw.downstream_safe_rps == pytest.approx(700)
    assert gw.downstream_saturation_rps == pytest.approx(1000)


def test_shared_function_concurrency_utilization():
    report = model("""
        version: 1
        system: {entry_points: [a, b], traffic: {peak_rps: 1000}}
        components:
          a: {kind: function, function: {duration_ms: 300}}
          b: {kind: function, function: {duration_ms: 200}}
    """)
    # 1,000 × 0.3 + 1,000 × 0.2 = 500 of the assumed 1,000 account concurrency
    assert report.system.function_concurrency_demand == pytest.approx(500)
    assert report.system.function_concurrency_utilization == pytest.approx(0.5)
