"""Properties of the capacity model on generated architectures (hypothesis).

* giving a call a fallback never lowers any flow's availability;
* adding a replica never lowers any component's or flow's availability;
* a start-up or health edge changes no request-path figure (load, availability, latency).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.model import Architecture

KINDS = ["service", "service", "database", "cache", "api-gateway", "external"]


@st.composite
def architectures(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(min_value=2, max_value=7))
    names = [f"c{i}" for i in range(count)]
    components: dict[str, Any] = {}
    for i, name in enumerate(names):
        kind = "load-balancer" if i == 0 else draw(st.sampled_from(KINDS))
        comp: dict[str, Any] = {"kind": kind}
        if kind != "external" and draw(st.booleans()):
            comp["replicas"] = draw(st.integers(min_value=1, max_value=5))
        if draw(st.booleans()):
            comp["availability"] = draw(st.sampled_from([0.9, 0.99, 0.995, 0.999]))
        if kind in ("service", "cache") and draw(st.booleans()):
            comp["capacity_rps"] = draw(st.sampled_from([50, 200, 1000]))
            comp["service_time_ms"] = draw(st.sampled_from([2, 20, 80]))
        if kind != "external" and draw(st.booleans()):
            comp["zones"] = draw(st.sampled_from([1, 2, 3, ["a"], ["b"]]))
        if kind != "external" and draw(st.booleans()):
            comp["recovery"] = draw(st.sampled_from(["reschedule", "failover", "rebuild"]))
        components[name] = comp
    dependencies = []
    for j in range(1, count):  # a DAG: every edge goes from a lower to a higher index
        for i in range(j):
            if draw(st.integers(min_value=0, max_value=2)) == 0 or (i == 0 and j == 1):
                dep: dict[str, Any] = {"from": names[i], "to": names[j]}
                if draw(st.booleans()):
                    dep["calls_per_request"] = draw(st.sampled_from([0.3, 1, 2]))
                if draw(st.integers(min_value=0, max_value=3)) == 0:
                    dep["hard"] = False
                dependencies.append(dep)
    return {"version": 1, "system": {"entry_points": ["c0"], "traffic": {"peak_rps": draw(st.sampled_from([10, 300, 3000]))}},
            "components": components, "dependencies": dependencies}


def run(data: dict[str, Any]) -> CapacityReport:
    return analyse(Architecture.model_validate(data))


def flows(report: CapacityReport) -> dict[str, float]:
    return {f.entry: f.availability for f in report.flows}


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(architectures(), st.data())
def test_a_fallback_never_lowers_any_flows_availability(data: dict[str, Any], pick: Any):
    before = flows(run(data))
    index = pick.draw(st.integers(min_value=0, max_value=len(data["dependencies"]) - 1))
    data["dependencies"][index]["fallback"] = True
    after = flows(run(data))
    assert all(after[e] >= before[e] - 1e-12 for e in before), (before, after)


@SETTINGS
@given(architectures(), st.data())
def test_adding_a_replica_never_lowers_availability(data: dict[str, Any], pick: Any):
    candidates = [n for n, c in data["components"].items() if c["kind"] != "external"]
    name = pick.draw(st.sampled_from(candidates))
    before = run(data)
    data["components"][name]["replicas"] = data["components"][name].get("replicas", 1) + 1
    after = run(data)
    assert (after.components[name].availability or 0) >= (before.components[name].availability or 0) - 1e-12
    assert all(flows(after)[e] >= flows(before)[e] - 1e-12 for e in flows(before))


@SETTINGS
@given(architectures(), st.data(), st.sampled_from(["startup", "health"]))
def test_a_start_up_or_health_edge_changes_no_request_path_figure(data: dict[str, Any], pick: Any, role: str):
    names = sorted(data["components"])
    source = pick.draw(st.sampled_from(names))
    target = pick.draw(st.sampled_from([n for n in names if n != source]))
    if any(d["from"] == source and d["to"] == target for d in data["dependencies"]):
        return
    before = run(data)
    data["dependencies"].append({"from": source, "to": target, "role": role})
    after = run(data)
    for name in names:
        assert after.components[name].offered_rps == before.components[name].offered_rps
    for old, new in zip(before.flows, after.flows):
        assert (new.availability, new.latency_p99_ms, new.latency_mean_ms) == (old.availability, old.latency_p99_ms, old.latency_mean_ms)
