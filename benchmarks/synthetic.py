"""Seeded synthetic architectures for benchmarks: a realistic mix of kinds, ~2 dependencies each."""

from __future__ import annotations

import random
from typing import Any

import yaml

_MIX = [
    ("service", 40), ("worker", 8), ("function", 4), ("database", 12), ("cache", 8), ("queue", 8),
    ("stream", 3), ("search", 3), ("object-storage", 2), ("external", 4), ("api-gateway", 3),
    ("load-balancer", 3), ("coordination", 1), ("cdn", 1),
]


def generate(size: int, seed: int = 7) -> dict[str, Any]:
    """An architecture with ``size`` components as plain data (deterministic for a seed)."""
    rng = random.Random(seed * 1_000_003 + size)
    kinds = [k for k, w in _MIX for _ in range(w)]
    names: dict[str, str] = {}
    entries = max(1, size // 100)
    for i in range(entries):
        names[f"edge-{i}"] = "load-balancer"
    for i in range(size - entries):
        kind = rng.choice(kinds)
        names[f"{kind.replace('-', '')}-{i}"] = kind
    compute = [n for n, k in names.items() if k in ("service", "api-gateway")]
    stores = [n for n, k in names.items() if k in ("database", "cache", "search", "object-storage", "external", "coordination")]
    queues = [n for n, k in names.items() if k in ("queue", "stream")]
    workers = [n for n, k in names.items() if k in ("worker", "function")]
    components: dict[str, Any] = {}
    for name, kind in names.items():
        comp: dict[str, Any] = {"kind": kind}
        if kind not in ("external", "cdn"):
            comp["replicas"] = rng.choice([1, 1, 2, 3, 3, 4])
            comp["zones"] = rng.choice([1, 2, 3])
        if kind in ("service", "worker", "api-gateway"):
            comp["capacity_rps"] = rng.choice([200, 500, 1000, 2000])
            if rng.random() < 0.5:
                comp["autoscaling"] = {"min": rng.choice([1, 2, 3]), "max": rng.choice([4, 8, 16]), "metric": "cpu"}
            comp["health_checks"] = {"readiness": rng.random() < 0.7, "liveness": rng.random() < 0.7}
            comp["pool_size"] = rng.choice([10, 20, 50])
            comp["observability"] = {"metrics": rng.random() < 0.8, "tracing": rng.random() < 0.4}
        if kind == "database":
            comp["data"] = {
                "engine": rng.choice(["postgres", "mysql", "mongodb"]),
                "replication": {"failover": rng.choice(["automatic", "manual", "none"]),
                                "read_replicas": rng.choice([0, 0, 1, 2])},
                "size_gb": rng.choice([50, 500, 2000]), "max_storage_gb": 4000,
                "growth_gb_per_month": rng.choice([10, 100, 300]),
            }
        if kind == "cache":
            comp["cache"] = {"hit_ratio": rng.choice([0.5, 0.8, 0.95]), "ttl_s": rng.choice([0, 60, 300])}
        if kind in ("queue", "stream"):
            consumers = rng.sample(workers, min(len(workers), rng.choice([0, 1, 2]))) if workers else []
            comp["messaging"] = {"partitions": rng.choice([1, 3, 12]), "dead_letter_queue": rng.random() < 0.5,
                                 "delivery": "at-least-once", "consumed_by": sorted(consumers)}
        components[name] = comp
    dependencies: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(source: str, target: str, **fields: Any) -> None:
        if source != target and (source, target) not in seen:
            seen.add((source, target))
            dependencies.append({"from": source, "to": target, **fields})

    for i in range(entries):
        for target in rng.sample(compute, min(len(compute), 3)):
            add(f"edge-{i}", target, timeout_ms=2000)
    ordered = sorted(compute)
    for index, name in enumerate(ordered):
        later = ordered[index + 1:]
        for _ in range(rng.choice([0, 1, 1, 2])):
            if later:
                add(name, rng.choice(later[:50]), timeout_ms=rng.choice([500, 1000]),
                    retries=rng.choice([0, 0, 1, 3]), calls_per_request=rng.choice([1, 1, 2]))
        for _ in range(rng.choice([1, 1, 2])):
            if stores:
                add(name, rng.choice(stores), timeout_ms=rng.choice([200, 300]), writes=rng.random() < 0.5)
        if queues and rng.random() < 0.3:
            add(name, rng.choice(queues), mode="async")
    for name in workers:
        for _ in range(rng.choice([1, 2])):
            if stores:
                add(name, rng.choice(stores), timeout_ms=500)
    for dep in dependencies:
        for key in [k for k, v in dep.items() if v is None]:
            del dep[key]
    return {
        "version": 1,
        "system": {
            "name": f"synthetic-{size}",
            "traffic": {"peak_rps": 5000, "average_rps": 2000, "read_ratio": 0.8},
            "growth": {"factor": 3, "horizon_months": 12},
            "objectives": {"availability": 0.999, "latency_p99_ms": 500},
        },
        "components": components,
        "dependencies": dependencies,
    }


def generate_text(size: int, seed: int = 7) -> str:
    """The architecture as YAML text."""
    return yaml.safe_dump(generate(size, seed), sort_keys=False)
