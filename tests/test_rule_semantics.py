"""Rules reviewed against the request semantics (issue 14): severities and messages that the fixture
files (subjects only) cannot show. Each test has the old false case and the true case side by side."""

from __future__ import annotations

import textwrap

from scalexpert.api import check
from scalexpert.config import Config
from scalexpert.findings import Finding


def findings(text: str, *rules: str) -> dict[str, Finding]:
    report = check(textwrap.dedent(text).lstrip("\n"), config=Config(enable=list(rules)))
    return {f"{f.rule_id}:{','.join(f.subjects)}": f for f in report.findings}


SINGLE = """
version: 1
system: {objectives: {availability: 0.999}}
components:
  lb: {kind: load-balancer, managed: true}
  api: {kind: service, replicas: 1}
dependencies:
  - {from: lb, to: api}
"""


def test_spof_001_is_critical_only_against_a_stated_high_objective() -> None:
    stated = findings(SINGLE, "SPOF-001")["SPOF-001:api"]
    assert stated.severity == "critical"
    assert stated.message == "api runs 1 instance(s); its failure fails 100 % of entry traffic"
    unstated = findings(SINGLE.replace("system: {objectives: {availability: 0.999}}\n", ""), "SPOF-001")
    assert unstated["SPOF-001:api"].severity == "high"  # before: critical, with no objective to judge it by


def test_spof_001_names_routes_instead_of_inventing_a_percentage() -> None:
    found = findings("""
        version: 1
        system: {objectives: {availability: 0.999}}
        components:
          gw: {kind: api-gateway, managed: true}
          a: {kind: service, replicas: 1}
          b: {kind: service, replicas: 3}
        dependencies:
          - {from: gw, to: a}
          - {from: gw, to: b}
        """, "SPOF-001")
    assert found["SPOF-001:a"].message == "a runs 1 instance(s); its failure fails the requests routed to a"
    assert found["SPOF-001:a"].severity == "high"  # an equal split of unstated shares is no figure to escalate on


def test_spof_001_blast_radius_through_routes_and_fractional_calls() -> None:
    found = findings("""
        version: 1
        system: {objectives: {availability: 0.999}}
        components:
          gw: {kind: api-gateway, managed: true}
          catalogue: {kind: service, replicas: 3}
          checkout: {kind: service, replicas: 3}
          pricing: {kind: service, replicas: 1}
        dependencies:
          - {from: gw, to: catalogue, share: 0.8}
          - {from: gw, to: checkout, share: 0.2}
          - {from: catalogue, to: pricing, calls_per_request: 0.5}
          - {from: checkout, to: pricing}
        """, "SPOF-001")
    # 80 % × 0.5 + 20 % = 60 %: before, every caller counted as every request (100 %)
    assert found["SPOF-001:pricing"].message == "pricing runs 1 instance(s); its failure fails 60 % of entry traffic"
    assert found["SPOF-001:pricing"].severity == "critical"


def test_spof_002_is_high_without_an_objective_and_critical_with_a_high_one() -> None:
    text = """
        version: 1
        components:
          lb: {kind: load-balancer, managed: true}
          api: {kind: service, replicas: 3}
          db: {kind: database, replicas: 1}
        dependencies:
          - {from: lb, to: api}
          - {from: api, to: db}
        """
    assert findings(text, "SPOF-002")["SPOF-002:db"].severity == "high"  # before: critical (share ≥ 0.5)
    high = text.replace("version: 1\n", "version: 1\n        system: {objectives: {availability: 0.999}}\n")
    assert findings(high, "SPOF-002")["SPOF-002:db"].severity == "critical"


SHARDED = """
version: 1
system: {traffic: {peak_rps: 3000}}
components:
  api: {kind: service, replicas: 3}
  likes-db:
    kind: database
    capacity_rps: 800
    data: {sharding: {strategy: hash, shards: 32, top_key_share: 0.35}}
dependencies:
  - {from: api, to: likes-db}
"""


def test_shard_003_needs_more_than_two_shards_worth_and_a_loaded_shard() -> None:
    found = findings(SHARDED, "SHARD-003")["SHARD-003:likes-db"]
    # ρ per shard 3000 / (32 × 800) = 0.117; the hot shard carries 32 × 0.35 + 0.65 = 11.85 times that
    assert found.message.startswith("The hottest key of likes-db takes 35% of its traffic (11.2 shards' worth)")
    assert "runs at utilization 1.39 at today's peak" in found.message and found.severity == "critical"
    assert not findings(SHARDED.replace("peak_rps: 3000", "peak_rps: 300"), "SHARD-003")  # before: high at any load
    assert not findings(SHARDED.replace("shards: 32", "shards: 4").replace("0.35", "0.3"), "SHARD-003")


CACHED = """
version: 1
system: {traffic: {peak_rps: 2000, read_ratio: 0.9}}
components:
  lb: {kind: load-balancer, managed: true}
  api: {kind: service, replicas: 3}
  db: {kind: database, replicas: 2, capacity_rps: 600, service_time_ms: 50}
  cache:
    kind: cache
    replicas: 1
    cache: {fronts: [db], hit_ratio: 0.9, hot_key_share: 0.2, stampede_protection: none}
dependencies:
  - {from: lb, to: api}
  - {from: api, to: cache, fallback: true}
  - {from: api, to: db}
"""


def test_cache_rules_read_the_cold_load_and_the_misses_per_rebuild() -> None:
    found = findings(CACHED, "CACHE-005", "CACHE-003")
    # 1,800 reads a second reach the cache (90 % of 2,000); 20 % of them on one key × 50 ms = 18 per rebuild
    assert "about 18 readers arrive while one rebuild runs" in found["CACHE-003:cache"].message
    assert "which then runs at utilization" in found["CACHE-005:cache"].message
    quiet = CACHED.replace("peak_rps: 2000", "peak_rps: 20")
    assert not findings(quiet, "CACHE-005", "CACHE-003")  # before: both fired on the share and the topology alone
