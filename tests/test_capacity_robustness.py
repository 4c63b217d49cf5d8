"""The capacity model never crashes and never loops, whatever (valid) numbers it is given."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalexpert.analysis import analyse
from scalexpert.model import Architecture

KINDS = ["service", "worker", "function", "database", "cache", "queue", "stream", "load-balancer", "cdn", "external", "client"]
NAMES = [f"c{i}" for i in range(7)]

maybe_rate = st.one_of(st.none(), st.floats(0.001, 1e6))
maybe_ratio = st.one_of(st.none(), st.floats(0.0, 1.0))
maybe_count = st.one_of(st.none(), st.integers(1, 50))


@st.composite
def components(draw: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in NAMES[: draw(st.integers(1, len(NAMES)))]:
        kind = draw(st.sampled_from(KINDS))
        comp: dict[str, Any] = {"kind": kind, "replicas": draw(maybe_count), "capacity_rps": draw(maybe_rate),
                                "service_time_ms": draw(maybe_rate), "availability": draw(maybe_ratio),
                                "zones": draw(st.one_of(st.none(), st.integers(1, 4))),
                                "hourly_cost": draw(st.one_of(st.none(), st.floats(0, 100))),
                                "pool_size": draw(maybe_count), "managed": draw(st.one_of(st.none(), st.booleans()))}
        if draw(st.booleans()):
            comp["autoscaling"] = {"min": 1, "max": draw(st.integers(1, 100))}
        if kind == "database":
            comp["data"] = {"engine": draw(st.sampled_from(["postgres", "mysql", "dynamodb", "other"])),
                            "write_capacity_rps": draw(maybe_rate), "size_gb": draw(st.one_of(st.none(), st.floats(0, 1e4))),
                            "max_storage_gb": draw(st.one_of(st.none(), st.floats(1, 1e4))),
                            "sharding": {"shards": draw(maybe_count)},
                            "replication": {"read_replicas": draw(st.integers(0, 5)),
                                            "failover": draw(st.sampled_from(["automatic", "manual", "none"]))}}
        if kind == "cache":
            comp["cache"] = {"hit_ratio": draw(maybe_ratio), "fronts": draw(st.lists(st.sampled_from(NAMES), max_size=2))}
        if kind in ("queue", "stream"):
            comp["messaging"] = {"consumed_by": draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True)),
                                 "partitions": draw(maybe_count), "consumer_rate": draw(maybe_rate),
                                 "consumers": draw(maybe_count)}
        if kind == "function":
            comp["function"] = {"duration_ms": draw(maybe_rate), "reserved_concurrency": draw(maybe_count)}
        result[name] = {k: v for k, v in comp.items() if v is not None}
    return result


@st.composite
def architectures(draw: Any) -> dict[str, Any]:
    comps = draw(components())
    names = sorted(comps)
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=12, unique=True))
    deps = [{"from": a, "to": b, "mode": draw(st.sampled_from([None, "sync", "async"])),
             "calls_per_request": draw(st.one_of(st.none(), st.floats(0, 20))), "retries": draw(st.one_of(st.none(), st.integers(0, 5))),
             "parallel": draw(st.one_of(st.none(), st.booleans())), "read_share": draw(maybe_ratio),
             "hard": draw(st.one_of(st.none(), st.booleans()))} for a, b in pairs if a != b]
    traffic = {"peak_rps": draw(st.one_of(st.none(), st.floats(0, 1e5))), "read_ratio": draw(maybe_ratio)}
    system: dict[str, Any] = {"traffic": {k: v for k, v in traffic.items() if v is not None}}
    if draw(st.booleans()):
        system["growth"] = {"factor": draw(st.floats(0.5, 100))}
    if draw(st.booleans()):
        system["objectives"] = {"availability": draw(st.floats(0.9, 0.99999)), "latency_p99_ms": 100}
    return {"version": 1, "system": system, "components": comps,
            "dependencies": [{k: v for k, v in d.items() if v is not None} for d in deps]}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(architectures(), st.lists(st.floats(0.1, 1000), max_size=3))
def test_any_valid_architecture_gives_a_json_report(raw: dict[str, Any], growth: list[float]):
    arch = Architecture.model_validate(raw)
    report = analyse(arch, growth=growth)
    text = json.dumps(report.model_dump(mode="json"), sort_keys=True, allow_nan=False)
    assert set(report.components) == set(arch.components)
    for record in report.components.values():
        if record.utilization is not None and record.offered_rps is not None:
            assert record.utilization >= 0
        if record.availability is not None:
            assert 0.0 <= record.availability <= 1.0
    for flow in report.flows:
        assert 0.0 <= flow.availability <= 1.0
        assert flow.latency_p99_ms is None or math.isfinite(flow.latency_p99_ms)
    assert text == json.dumps(analyse(arch, growth=growth).model_dump(mode="json"), sort_keys=True)


def _model(text: str, **kwargs: Any) -> Any:
    from scalexpert.loader import load_text

    return analyse(load_text(text).model, **kwargs)


def test_zone_aware_sizing_is_computed_not_counted_up():
    report = _model("version: 1\nsystem: {entry_points: [api], traffic: {peak_rps: 1000000000000}}\n"
                    "components:\n  api: {kind: service, replicas: 1, zones: 2, capacity_rps: 1}\n")
    # n_load = ⌈10¹² / 0.7⌉ = 1,428,571,428,572; two zones: n ≥ n_load · 2 / 1 = 2,857,142,857,144
    assert report.components["api"].replicas_needed == 2_857_142_857_144


def test_k_of_n_for_large_fleets_approximates_the_exact_sum():
    from scalexpert.analysis.capacity.availability import k_of_n

    n, k, a = 2500, 2480, 0.995
    exact = math.fsum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                               + i * math.log(a) + (n - i) * math.log1p(-a)) for i in range(k, n + 1))
    assert k_of_n(a, n, k) == pytest.approx(exact, abs=0.02)
    assert k_of_n(a, 10**12, 1) == 1.0


def test_counts_beyond_reason_are_clamped_and_recorded():
    # the format refuses such counts; a model built without validation can still carry them
    from scalexpert.model import Component, System, Traffic

    api = Component.model_construct(kind="service", replicas=10**400, capacity_rps=1.0)
    system = System(entry_points=["api"], traffic=Traffic(peak_rps=100))
    arch = Architecture.model_construct(version=1, system=system, components={"api": api}, dependencies=[], suppressions=[])
    report = analyse(arch)
    assert report.components["api"].replicas == 10**9
    assert any(a.component == "components.api.replicas" and a.value == 10**9 for a in report.assumptions)


def test_loads_that_overflow_become_unknown_not_infinite():
    hops = "".join(f"  - {{from: s{i}, to: s{i + 1}, calls_per_request: 1.0e+100}}\n" for i in range(5))
    comps = "".join(f"  s{i}: {{kind: service, replicas: 2, capacity_rps: 100}}\n" for i in range(6))
    report = _model(f"version: 1\nsystem: {{entry_points: [s0], traffic: {{peak_rps: 100}}}}\ncomponents:\n{comps}"
                    f"dependencies:\n{hops}", growth=[2])
    # 100 × (10¹⁰⁰)⁴ = 10⁴⁰² overflows: None in the report, never Infinity in JSON
    assert report.components["s4"].offered_rps is None
    assert report.components["s3"].offered_rps == pytest.approx(1e302)
    json.dumps(report.model_dump(mode="json"), allow_nan=False)
