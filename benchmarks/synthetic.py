"""Seeded synthetic architectures for benchmarks, shaped like real microservice systems.

The generator builds what the public systems under ``../shared/realworld`` look like, not a random
graph: entry balancers route (``one-of``, with shares) to API gateways; each gateway routes to the
services of its domain; services call a few others one layer down (front, domain and leaf services,
so call chains are a few hops deep, not the length of the domain; some calls optional, some with a
fallback, some in parallel), own a database (several databases share one database server), often sit behind a
cache, and publish work to queues that workers consume. Health polls and start-up ordering are
edges with their own roles, as importers record them. A realistic share of components is well built
(three zones, autoscaling, disruption budgets, timeouts with backoff and jitter, retries at one layer
so they do not multiply, circuit breakers, replicated stores with tested failover and a stated
consistency model and capacity), and a team's calls are as well built as its service; the rest carry
the gaps real reviews find. tests/test_benchmark.py holds its findings per component within the range
of the real systems described in ``tests/realworld``.

Deterministic for a (size, seed) pair; the benchmark's findings digest depends on it.
"""

from __future__ import annotations

import random
from typing import Any

import yaml

ZONES = ["zone-a", "zone-b", "zone-c"]
_DOMAIN_SIZE = 24  # services per gateway domain
_LAYERS = 3  # call depth below the gateway
_TIERS = (("good", 0.45), ("fair", 0.35), ("poor", 0.20))


def _tier(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for name, weight in _TIERS:
        total += weight
        if roll < total:
            return name
    return "poor"


def _service(rng: random.Random, tier: str, kind: str = "service") -> dict[str, Any]:
    comp: dict[str, Any] = {"kind": kind, "capacity_rps": rng.choice([300, 600, 1200, 2500])}
    comp["service_time_ms"] = rng.choice([5, 10, 20, 40])
    if tier == "good":
        comp.update(replicas=3, zones=list(ZONES), stateless=True, concurrency=rng.choice([16, 32, 64]),
                    autoscaling={"min": 3, "max": rng.choice([12, 24]), "metric": "cpu", "target": 0.6},
                    disruption_budget={"max_unavailable": 1}, anti_affinity=True, recovery="reschedule",
                    health_checks={"readiness": True, "liveness": True, "identical": False, "deep": False},
                    deployment={"strategy": "rolling", "auto_rollback": True},
                    resources={"cpu_request": 0.5, "cpu_limit": 1.0, "memory_request_mb": 512, "memory_limit_mb": 512},
                    observability={"metrics": True, "tracing": True, "central_logs": True, "slo_alerts": True},
                    pool_size=20)
    elif tier == "fair":
        comp.update(replicas=2, zones=ZONES[:2], recovery="reschedule",
                    autoscaling=rng.choice(["none", {"min": 2, "max": 6, "metric": "cpu"}]),
                    health_checks={"readiness": True, "liveness": rng.random() < 0.5},
                    observability={"metrics": True, "tracing": rng.random() < 0.5}, pool_size=rng.choice([10, 50]))
    else:
        comp.update(replicas=1, health_checks={"readiness": False, "liveness": False},
                    session_state=rng.choice(["local", "none"]), pool_size=100)
    return comp


def _database(rng: random.Random, tier: str, server: str | None) -> dict[str, Any]:
    engine = rng.choice(["postgres", "postgres", "mysql", "mongodb"])
    comp: dict[str, Any] = {"kind": "database", "technology": engine}
    if tier == "good":
        comp.update(replicas=3, zones=list(ZONES), storage="persistent", recovery="failover",
                    data={"engine": engine, "size_gb": rng.choice([50, 200, 800]), "max_storage_gb": 4000,
                          "growth_gb_per_month": rng.choice([5, 20, 60]), "max_connections": 500, "pooler": True,
                          "replication": {"mode": "semi-sync", "failover": "automatic", "failover_tested": True,
                                          "read_replicas": rng.choice([1, 2])},
                          "backups": {"point_in_time": True, "cross_region": True, "restore_tested": True},
                          "consistency": "strong", "write_capacity_rps": rng.choice([800, 2000])},
                    capacity_rps=rng.choice([2000, 5000]))
    elif tier == "fair":
        comp.update(replicas=2, zones=ZONES[:2], storage="persistent",
                    data={"engine": engine, "size_gb": rng.choice([100, 1000]), "max_storage_gb": 2000,
                          "growth_gb_per_month": rng.choice([20, 100]), "max_connections": 200,
                          "replication": {"mode": "async", "failover": "manual"}, "backups": {"interval_h": 24}})
    else:
        comp.update(replicas=1, storage=rng.choice(["persistent", "ephemeral"]),
                    data={"engine": engine, "size_gb": 500, "max_storage_gb": 1000, "growth_gb_per_month": 150,
                          "max_connections": 100, "replication": {"failover": "none"}})
    if server is not None:
        comp["failure_domains"] = [server]
    return comp


def generate(size: int, seed: int = 7) -> dict[str, Any]:
    """An architecture with about ``size`` components as plain data (deterministic for a seed)."""
    rng = random.Random(seed * 1_000_003 + size)
    components: dict[str, Any] = {}
    dependencies: list[dict[str, Any]] = []
    failure_domains: dict[str, Any] = {"cluster-main": {"kind": "cluster", "availability": 0.9995}}
    seen: set[tuple[str, str]] = set()

    def add(source: str, target: str, **fields: Any) -> None:
        if source != target and (source, target) not in seen:
            seen.add((source, target))
            dependencies.append({"from": source, "to": target, **{k: v for k, v in fields.items() if v is not None}})

    def call_fields(tier: str, timeout: int, retries: int = 1) -> dict[str, Any]:
        if tier == "good":  # well built: retries at one layer at a time, so they do not multiply
            return {"timeout_ms": timeout, "retries": retries, "backoff": "exponential", "jitter": True,
                    "circuit_breaker": True}
        if tier == "fair":
            return {"timeout_ms": timeout * 3, "retries": rng.choice([0, 3]), "backoff": rng.choice(["fixed", None])}
        return {}

    domains = max(1, round(size / (_DOMAIN_SIZE * 2.4)))  # a domain: its services, stores, caches, queues
    entries = max(1, size // 400)
    gateways = [f"gateway-{d}" for d in range(domains)]
    for i in range(entries):
        name = f"edge-lb-{i}"
        components[name] = {"kind": "load-balancer", "managed": True,
                            "balancer": {"health_checks": True, "idle_timeout_s": 60}}
    components["monitor"] = {"kind": "service", "replicas": 2, "zones": ZONES[:2]}
    components["config-server"] = {"kind": "service", "replicas": 2, "zones": ZONES[:2], "capacity_rps": 200}
    budget = size - len(components)
    serial = 0
    for d, gateway in enumerate(gateways):
        if budget <= 0:
            break
        tier = _tier(rng)
        components[gateway] = {"kind": "api-gateway", "replicas": 3 if tier != "poor" else 1,
                               "zones": list(ZONES) if tier != "poor" else 1, "capacity_rps": 5000,
                               "balancer": {"rate_limiting": tier == "good", "health_checks": True,
                                            "request_timeout_s": 30}}
        budget -= 1
        server = f"db-server-{d}"
        failure_domains[server] = {"kind": "database-server"}
        services: list[str] = []
        tiers: dict[str, str] = {}
        for _ in range(min(_DOMAIN_SIZE, max(1, budget // 2))):
            tier = _tier(rng)
            name = f"svc-{serial}"
            serial += 1
            comp = _service(rng, tier)
            comp["failure_domains"] = ["cluster-main"]
            components[name] = comp
            tiers[name] = tier
            services.append(name)
            budget -= 1
            add("monitor", name, role="health", polling_interval_s=15)
            if rng.random() < 0.3:
                add(name, "config-server", role="startup")
            if budget > 0 and rng.random() < 0.8:
                db = f"{name}-db"
                shared = server if rng.random() < 0.4 else None
                components[db] = _database(rng, _tier(rng), shared)
                budget -= 1
                add(name, db, protocol="sql", writes=rng.random() < 0.6, **call_fields(tier, 300))
                if budget > 0 and rng.random() < 0.35:
                    cache = f"{name}-cache"
                    good = tier == "good"
                    components[cache] = {"kind": "cache", "replicas": 3 if good else 1, "zones": 3 if good else 1,
                                         "cache": {"mode": "replicated" if good else "standalone",
                                                   "hit_ratio": rng.choice([0.6, 0.85, 0.95]), "ttl_s": 300,
                                                   "ttl_jitter": good, "eviction": "lru", "fronts": [db],
                                                   "stampede_protection": "coalesce" if good else "none"}}
                    budget -= 1
                    add(name, cache, protocol="redis", timeout_ms=50 if good else None, fallback=good or None)
            if budget > 1 and rng.random() < 0.15:
                queue, worker = f"{name}-jobs", f"{name}-worker"
                components[queue] = {"kind": "queue", "managed": True,
                                     "messaging": {"consumed_by": [worker], "dead_letter_queue": tier != "poor",
                                                   "delivery": "at-least-once", "idempotent_consumers": tier == "good",
                                                   "visibility_timeout_s": 60}}
                components[worker] = _service(rng, tier, kind="worker")
                budget -= 2
                add(name, queue, mode="async", protocol="amqp")
                if f"{name}-db" in components:
                    add(worker, f"{name}-db", protocol="sql", writes=True, **call_fields(tier, 1000))
        shares = sorted(rng.random() + 0.05 for _ in services)
        total = sum(shares)
        for name, weight in zip(services, shares):
            add(gateway, name, share=round(weight / total * 0.999, 4), **call_fields("good", 5000))
        # services call down a few layers (front, domain, leaf), as real call graphs do: a hop or
        # three below the gateway, not a chain through the whole domain
        layer_of = {name: index * _LAYERS // len(services) for index, name in enumerate(services)}
        layers = [[name for name in services if layer_of[name] == layer] for layer in range(_LAYERS)]
        for name in services:
            layer = layer_of[name]
            later = layers[layer + 1] if layer + 1 < _LAYERS else []
            tier = tiers[name]  # a team that builds its service well configures its calls well
            for _ in range(rng.choice([0, 1, 1, 2])):
                if later:
                    extra: dict[str, Any] = {}
                    roll = rng.random()
                    if roll < 0.2:
                        extra["fallback"] = True
                    elif roll < 0.35:
                        extra["calls_per_request"] = rng.choice([0.1, 0.3, 0.5])
                    elif roll < 0.45:
                        extra["parallel"] = True
                    add(name, rng.choice(later), protocol="grpc", **call_fields(tier, 500, retries=0), **extra)
    built = [g for g in gateways if g in components]
    for i in range(entries):
        targets = rng.sample(built, min(len(built), 4))
        for target in targets:
            add(f"edge-lb-{i}", target, share=round(1 / len(targets), 4) if rng.random() < 0.6 else None,
                timeout_ms=30000)
    if budget > 0:  # third-party APIs fill the rest
        callers = [n for n, c in components.items() if c["kind"] == "service" and n != "monitor"]
        for i in range(budget):
            name = f"external-{i}"
            components[name] = {"kind": "external", "availability": rng.choice([0.999, 0.9995])}
            if callers:
                add(rng.choice(callers), name, protocol="http", fallback=rng.random() < 0.5 or None,
                    calls_per_request=rng.choice([0.05, 0.2, 1]), **call_fields(rng.choice(["good", "fair"]), 2000))
    return {
        "version": 1,
        "system": {
            "name": f"synthetic-{size}",
            "entry_points": [f"edge-lb-{i}" for i in range(entries)],
            "traffic": {"peak_rps": 5000, "average_rps": 2000, "read_ratio": 0.8},
            "growth": {"factor": 3, "horizon_months": 12},
            "objectives": {"availability": 0.999, "latency_p99_ms": 500},
            "zones": list(ZONES),
            "failure_domains": failure_domains,
        },
        "components": components,
        "dependencies": dependencies,
    }


def generate_text(size: int, seed: int = 7) -> str:
    """The architecture as YAML text."""
    return yaml.safe_dump(generate(size, seed), sort_keys=False)
