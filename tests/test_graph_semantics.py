"""Graph analysis under the request semantics (issue 14): roles, routes with shares, fractional calls and
fallbacks; worked cases with exact figures, then properties over generated architectures."""

from __future__ import annotations

import textwrap
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalexpert.analysis.capacity import analyse
from scalexpert.analysis.graph import analyse_graph
from scalexpert.loader import load_text
from scalexpert.model import Architecture


def graph_of(text: str) -> Any:
    return analyse_graph(load_text(textwrap.dedent(text).lstrip("\n"), "arch.yaml").model)


ROUTES = """
version: 1
components:
  gw: {kind: api-gateway, managed: true}
  catalogue: {kind: service, replicas: 1}
  checkout: {kind: service, replicas: 1}
  recommender: {kind: service, replicas: 1}
  db: {kind: database, replicas: 1}
dependencies:
  - {from: gw, to: catalogue, share: 0.9}
  - {from: gw, to: checkout, share: 0.1}
  - {from: checkout, to: recommender, fallback: true}
  - {from: checkout, to: db, calls_per_request: 0.5}
  - {from: catalogue, to: db, role: startup}
"""


def test_routes_fallbacks_fractions_and_roles() -> None:
    g = graph_of(ROUTES)
    c = g.components
    assert c["catalogue"].blast_radius == 0.9 and c["catalogue"].blast_traffic == "90 % of entry traffic"
    assert c["checkout"].blast_radius == 0.1
    assert c["db"].blast_radius == 0.05  # 10 % of requests reach checkout, half of those call db
    assert not c["recommender"].spof and not c["recommender"].on_hard_path and c["recommender"].blast_radius == 0
    assert c["recommender"].on_request_path  # still reached, softly
    assert c["db"].hard_dependents == 1  # catalogue's start-up edge is no request-path call
    assert c["catalogue"].fan_out == 0 and c["catalogue"].sync_depth == 0 and c["catalogue"].startup_dependencies == 1
    assert c["gw"].fan_out == 2 and c["gw"].fan_out_calls == 1.0  # a router makes one call per request
    deps = {(d.source, d.target): f for d, f in zip(load_text(textwrap.dedent(ROUTES).lstrip("\n"), "a").model.dependencies,
                                                     g.dependencies)}
    startup = deps[("catalogue", "db")]
    assert (startup.request, startup.sync, startup.hard_effective, startup.route_share) == (False, False, False, 0.0)
    assert deps[("checkout", "recommender")].hard_effective is False
    assert deps[("checkout", "db")].route_share == 0.5


def test_unstated_shares_are_split_and_said_so() -> None:
    g = graph_of("""
        version: 1
        components:
          lb: {kind: load-balancer, managed: true}
          a: {kind: service, replicas: 1}
          b: {kind: service, replicas: 1}
          c: {kind: service, replicas: 1}
          db: {kind: database, replicas: 1}
        dependencies:
          - {from: lb, to: a, share: 0.5}
          - {from: lb, to: b}
          - {from: lb, to: c}
          - {from: b, to: db}
          - {from: a, to: db}
        """)
    c = g.components
    assert c["a"].blast_traffic == "50 % of entry traffic" and not c["a"].blast_radius_assumed
    assert c["b"].blast_radius == 0.25 and c["b"].blast_radius_stated == 0 and c["b"].blast_radius_assumed
    assert c["b"].blast_traffic == "the requests routed to b"
    assert c["db"].blast_radius == 0.75 and c["db"].blast_radius_stated == 0.5
    assert c["db"].blast_traffic == "50 % of entry traffic and the requests routed to b"


def test_calls_per_request_of_a_router_state_its_route_probabilities() -> None:
    g = graph_of("""
        version: 1
        components:
          gw: {kind: api-gateway, managed: true}
          a: {kind: service, replicas: 1}
          b: {kind: service, replicas: 1}
        dependencies:
          - {from: gw, to: a, calls_per_request: 0.7}
          - {from: gw, to: b, calls_per_request: 0.3}
        """)
    assert g.components["a"].blast_radius == 0.7 and g.components["b"].blast_radius == 0.3
    assert not g.components["a"].blast_radius_assumed


def test_fan_out_diamond_is_the_callers_share_not_twice() -> None:
    g = graph_of("""
        version: 1
        components:
          web: {kind: client}
          api: {kind: service, replicas: 2}
          a: {kind: service, replicas: 2}
          b: {kind: service, replicas: 2}
          db: {kind: database, replicas: 1}
        dependencies:
          - {from: web, to: api}
          - {from: api, to: a}
          - {from: api, to: b}
          - {from: a, to: db}
          - {from: b, to: db}
        """)
    assert g.components["db"].blast_radius == 1.0
    assert g.components["api"].fan_out_calls == 2.0


def test_one_of_timeout_budget_is_the_longest_route() -> None:
    g = graph_of("""
        version: 1
        components:
          web: {kind: client}
          gw: {kind: api-gateway}
          a: {kind: service}
          b: {kind: service}
        dependencies:
          - {from: web, to: gw, timeout_ms: 3000}
          - {from: gw, to: a, timeout_ms: 2000}
          - {from: gw, to: b, timeout_ms: 1000, retries: 1}
        """)
    assert g.dependencies[0].target_budget_ms == 2000  # not 2000 + 2 × 1000


# --- properties over generated architectures -------------------------------------------------------

NAMES = [f"c{i}" for i in range(7)]
KINDS = ["service", "service", "database", "cache", "api-gateway", "load-balancer", "external"]
FIGURES = ("blast_radius", "spof", "on_hard_path", "critical", "entry_flows", "fan_out", "fan_out_calls", "fan_in",
           "hard_dependents", "sync_depth", "retry_amplification", "on_request_path", "depth_from_entry", "in_cycle")
PROPERTY = settings(max_examples=80, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def architectures(draw: st.DrawFn) -> dict[str, Any]:
    """Acyclic or not, entry c0 (a gateway or client), components of mixed kinds and edges of every shape."""
    count = draw(st.integers(3, len(NAMES)))
    components: dict[str, Any] = {"c0": {"kind": draw(st.sampled_from(["client", "api-gateway"]))}}
    for name in NAMES[1:count]:
        comp: dict[str, Any] = {"kind": draw(st.sampled_from(KINDS)), "replicas": draw(st.integers(1, 3))}
        if comp["kind"] == "service" and draw(st.booleans()):
            comp["routing"] = draw(st.sampled_from(["one-of", "fan-out"]))
        components[name] = comp
    deps: list[dict[str, Any]] = []
    pairs = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(1, count - 1)), max_size=12, unique=True))
    for a, b in pairs:
        if a == b:
            continue
        dep: dict[str, Any] = {"from": NAMES[a], "to": NAMES[b]}
        if draw(st.booleans()):
            dep["calls_per_request"] = draw(st.sampled_from([0.1, 0.5, 1, 3]))
        if draw(st.integers(0, 4)) == 0:
            dep["fallback"] = True
        if draw(st.integers(0, 5)) == 0:
            dep["mode"] = "async"
        if draw(st.integers(0, 5)) == 0:
            dep["role"] = draw(st.sampled_from(["startup", "health", "batch"]))
        deps.append(dep)
    return {"version": 1, "system": {"entry_points": ["c0"]}, "components": components, "dependencies": deps}


def analysed(raw: dict[str, Any]) -> Any:
    return analyse_graph(Architecture.model_validate(raw))


def figures(raw: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    result = analysed(raw)
    return {name: tuple(getattr(c, f) for f in FIGURES) for name, c in result.components.items()}


@PROPERTY
@given(architectures(), st.data())
def test_a_fallback_never_widens_a_blast_radius(raw: dict[str, Any], data: st.DataObject) -> None:
    if not raw["dependencies"]:
        return
    before = analysed(raw).components
    i = data.draw(st.integers(0, len(raw["dependencies"]) - 1))
    softer = {**raw, "dependencies": [dict(d, fallback=True) if j == i else d for j, d in enumerate(raw["dependencies"])]}
    after = analysed(softer).components
    for name in before:
        assert after[name].blast_radius <= before[name].blast_radius + 1e-9
        assert before[name].spof or not after[name].spof


@PROPERTY
@given(architectures(), st.data())
def test_a_startup_or_health_edge_changes_no_request_path_figure(raw: dict[str, Any], data: st.DataObject) -> None:
    used = {(d["from"], d["to"]) for d in raw["dependencies"]}
    names = list(raw["components"])
    a, b = data.draw(st.sampled_from(names)), data.draw(st.sampled_from(names))
    if a == b or (a, b) in used:
        return
    role = data.draw(st.sampled_from(["startup", "health", "admin", "batch"]))
    more = {**raw, "dependencies": [*raw["dependencies"], {"from": a, "to": b, "role": role}]}
    assert figures(more) == figures(raw)
    assert [f.model_dump() for f in analysed(more).flows] == [f.model_dump() for f in analysed(raw).flows]


@PROPERTY
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=5), st.data())
def test_splitting_a_route_keeps_each_backend_within_its_share(weights: list[float], data: st.DataObject) -> None:
    total = sum(weights) or 1.0
    shares = [round(w / total, 4) * 0.999 for w in weights]
    stated = [data.draw(st.booleans()) for _ in shares]
    components: dict[str, Any] = {"gw": {"kind": "api-gateway", "managed": True}, "db": {"kind": "database", "replicas": 1}}
    deps: list[dict[str, Any]] = []
    for i, share in enumerate(shares):
        components[f"b{i}"] = {"kind": "service", "replicas": 1}
        deps.append({"from": "gw", "to": f"b{i}", **({"share": share} if stated[i] else {})})
        if data.draw(st.booleans()):
            deps.append({"from": f"b{i}", "to": "db"})
    raw = {"version": 1, "system": {"entry_points": ["gw"]}, "components": components, "dependencies": deps}
    result = analysed(raw).components
    for i, share in enumerate(shares):
        if stated[i]:
            assert result[f"b{i}"].blast_radius <= share + 1e-6
        assert result[f"b{i}"].blast_radius <= 1.0
    unsplit = analysed({**raw, "components": {**components, "gw": {**components["gw"], "routing": "fan-out"}},
                        "dependencies": [{k: v for k, v in d.items() if k != "share"} for d in deps]}).components
    for name in components:
        assert result[name].blast_radius <= unsplit[name].blast_radius + 1e-9




@PROPERTY
@given(architectures(), st.data())
def test_a_fallback_never_lowers_a_flows_availability(raw: dict[str, Any], data: st.DataObject) -> None:
    if not raw["dependencies"]:
        return
    i = data.draw(st.integers(0, len(raw["dependencies"]) - 1))
    softer = {**raw, "dependencies": [dict(d, fallback=True) if j == i else d for j, d in enumerate(raw["dependencies"])]}

    def flows(arch: dict[str, Any]) -> dict[str, float | None]:
        return {f.entry: f.availability for f in analyse(Architecture.model_validate(arch)).flows}

    before, after = flows(raw), flows(softer)
    for entry, value in before.items():
        if value is not None and after[entry] is not None:
            assert after[entry] >= value - 1e-12
