"""Importing the public deployment files in shared/realworld, compared with the reviewers' neutral facts.

Only edges whose evidence is a deployment file are expected; those the files name but cannot
show (addresses compiled into images, callers known only from source) are listed with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from scalexpert.importers import import_paths
from scalexpert.loader import load_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
REALWORLD = SHARED / "realworld"

Edge = tuple[str, str]

_IMAGE_ONLY = "the address is compiled into the image: no deployment file names it"
_CONFIG_ONLY = "service-config.json lists every address but not which service calls it; the caller is in the source"


def _same(name: str) -> str:
    return name


@dataclass(frozen=True)
class Case:
    folder: str
    inputs: tuple[str, ...]
    evidence_files: tuple[str, ...]
    variant: str | None = None
    present_in: str | None = None
    rename: Callable[[str], str] = _same
    unfindable: dict[Edge, str] = field(default_factory=dict)
    extra: dict[Edge, str] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "sock-shop-compose": Case(
        "sock-shop", ("deploy/docker-compose/docker-compose.yml",), ("docker-compose.yml",), "compose", "docker-compose.yml",
        unfindable={
            ("edge-router", "front-end"): "routing is in the edge-router image's Traefik configuration",
            ("queue-master", "rabbitmq"): _IMAGE_ONLY,
        },
    ),
    "sock-shop-kubernetes": Case(
        "sock-shop", ("deploy/kubernetes",), ("complete-demo.yaml",), "k8s", "kubernetes complete-demo.yaml",
        unfindable={
            ("front-end", "session-db"): "SESSION_REDIS=true names no host; the address is compiled into the image",
            ("catalogue", "catalogue-db"): _IMAGE_ONLY,
            ("carts", "carts-db"): _IMAGE_ONLY,
            ("orders", "orders-db"): _IMAGE_ONLY,
            ("shipping", "rabbitmq"): _IMAGE_ONLY,
            ("queue-master", "rabbitmq"): _IMAGE_ONLY,
        },
    ),
    "hotelreservation": Case(
        "deathstarbench-hotelreservation", ("hotelReservation",), ("config.json", "docker-compose.yml")),
    "socialnetwork": Case(
        "deathstarbench-socialnetwork", ("socialNetwork",), ("service-config.json", "docker-compose.yml"),
        unfindable={edge: _CONFIG_ONLY for edge in [
            ("url-shorten-service", "url-shorten-memcached"), ("user-mention-service", "user-mongodb"),
            ("user-mention-service", "user-memcached"), ("user-service", "user-memcached"),
            ("user-service", "social-graph-service"), ("social-graph-service", "social-graph-redis"),
            ("social-graph-service", "user-service"), ("home-timeline-service", "home-timeline-redis"),
            ("home-timeline-service", "post-storage-service"), ("home-timeline-service", "social-graph-service"),
            ("user-timeline-service", "user-timeline-redis"), ("user-timeline-service", "post-storage-service"),
            ("post-storage-service", "post-storage-memcached"),
        ]},
        extra={("media-service", "media-mongodb"): "docker-compose.yml depends_on media-mongodb; the reviewer found no call"},
    ),
    "mediamicroservices": Case(
        "deathstarbench-mediamicroservices", ("mediaMicroservices",), ("service-config.json", "docker-compose.yml")),
    "teastore-kubernetes": Case("teastore", ("examples/kubernetes",), ("teastore-clusterip.yaml",)),
    "teastore-compose": Case(
        "teastore", ("examples/docker/docker-compose_default.yaml",), ("teastore-clusterip.yaml",),
        rename=lambda name: f"teastore-{name}",
    ),
}


def _facts(case: Case) -> dict[str, Any]:
    path = REALWORLD / case.folder / "neutral-facts.json"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return json.loads(path.read_text(encoding="utf-8"))


def _import(case: Case, guess: bool = False) -> dict[str, Any]:
    result = import_paths([str(REALWORLD / case.folder / p) for p in case.inputs], guess_names=guess)
    load_text(result.yaml_text)
    raw = result.raw
    raw["components"] = {case.rename(n): c for n, c in raw["components"].items()}
    raw["dependencies"] = [{**d, "from": case.rename(d["from"]), "to": case.rename(d["to"])} for d in raw["dependencies"]]
    return raw


def _components(case: Case, facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in facts["components"]
            if case.present_in is None or case.present_in in (c.get("present_in") or [case.present_in])}


def _neutral_edges(case: Case, facts: dict[str, Any]) -> dict[Edge, dict[str, Any]]:
    variants = {None, case.variant}
    return {(e["from"], e["to"]): e for e in facts["edges"] if e.get("variant") in variants}


def _expected_kind(component: dict[str, Any]) -> str:
    """The reviewer's free-text kind in the format's words, read from its first phrase.

    Redis "key-value stores" count as caches: an image cannot tell a cache from a primary store.
    """
    text = component["kind"].lower()
    head = text.split("(")[0].split(" / ")[0]
    if head.startswith("service registry") and "consul" in text:
        return "coordination"
    for phrase, kind in (("tracing backend", "service"), ("dns", "dns"), ("load-generator", "client"),
                         ("reverse proxy", "load-balancer"), ("api gateway", "api-gateway"),
                         ("message broker", "queue"), ("database", "database"), ("cache", "cache"),
                         ("key-value store", "cache")):
        if phrase in head:
            return kind
    return "service"


@pytest.mark.parametrize("name", sorted(CASES))
def test_components_kinds_and_replicas_match_the_neutral_facts(name: str) -> None:
    case = CASES[name]
    facts = _facts(case)
    expected = _components(case, facts)
    raw = _import(case)
    assert sorted(raw["components"]) == sorted(expected)
    kinds = {n: raw["components"][n]["kind"] for n in expected}
    assert kinds == {n: _expected_kind(c) for n, c in expected.items()}
    replicas = {n: raw["components"][n].get("replicas") for n in expected}
    assert replicas == {n: c["replicas"] for n, c in expected.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edges_stated_by_deployment_files_are_found(name: str) -> None:
    case = CASES[name]
    neutral = _neutral_edges(case, _facts(case))
    stated = {edge for edge, e in neutral.items() if any(f in e["evidence"] for f in case.evidence_files)}
    assert set(case.unfindable) <= stated, "an 'unfindable' edge is not even stated by a deployment file"
    found = {(d["from"], d["to"]) for d in _import(case)["dependencies"]}
    assert stated - set(case.unfindable) <= found
    assert not found & set(case.unfindable), "found an edge listed as unfindable: update the list"
    assert found - set(neutral) == set(case.extra)


@pytest.mark.parametrize("name", sorted(CASES))
def test_guessing_from_names_adds_only_edges_the_reviewers_found(name: str) -> None:
    case = CASES[name]
    neutral = _neutral_edges(case, _facts(case))
    guessed = {(d["from"], d["to"]) for d in _import(case, guess=True)["dependencies"]}
    wrong = guessed - set(neutral) - set(case.extra)
    assert wrong <= {("media-service", "media-memcached")}  # declared in compose, used by no code


def test_guessing_from_names_finds_sock_shop_databases() -> None:
    case = CASES["sock-shop-kubernetes"]
    _facts(case)
    guessed = {(d["from"], d["to"]) for d in _import(case, guess=True)["dependencies"]}
    assert {("catalogue", "catalogue-db"), ("carts", "carts-db"), ("orders", "orders-db"), ("user", "user-db")} <= guessed


def test_sock_shop_autoscalers_bind_except_the_misnamed_cart() -> None:
    case = CASES["sock-shop-kubernetes"]
    _facts(case)
    result = import_paths([str(REALWORLD / case.folder / "deploy/kubernetes")])
    scaled = {n: c["autoscaling"] for n, c in result.raw["components"].items() if c.get("autoscaling", "none") != "none"}
    assert result.raw["components"]["carts"]["autoscaling"] == "none"  # the HPA named cart targets nothing
    assert sorted(scaled) == ["catalogue", "front-end", "orders", "payment", "queue-master", "shipping", "user"]
    assert all(a == {"min": 1, "max": 10, "metric": "cpu", "target": 0.5} for a in scaled.values())
    assert any("HorizontalPodAutoscaler cart targets Deployment cart" in note for note in result.notes)
    assert result.raw["system"]["entry_points"] == ["front-end"]


def test_probes_resources_and_storage_of_sock_shop() -> None:
    case = CASES["sock-shop-kubernetes"]
    facts = _components(case, _facts(case))
    components = _import(case)["components"]
    for name, fact in facts.items():
        checks = components[name]["health_checks"]
        assert (checks["readiness"], checks["liveness"]) == (fact["readiness_probe"], fact["liveness_probe"]), name
        limits = (fact["resource_limits"] or {}).get(name)
        assert ("resources" in components[name]) == (limits is not None), name
    assert components["front-end"]["resources"]["memory_limit_mb"] == 1000
    assert components["carts"]["resources"]["cpu_limit"] == 0.3
    for store in ("carts-db", "orders-db", "user-db", "catalogue-db", "rabbitmq", "session-db"):
        assert components[store]["description"].startswith("No persistent volume"), store


def test_hotel_reservation_volumes_and_fixed_container_names() -> None:
    case = CASES["hotelreservation"]
    _facts(case)
    components = _import(case)["components"]
    assert components["mongodb-geo"]["description"] == "Data on named volume geo at /data/db."
    fixed = sorted(n for n, c in components.items() if c.get("scaling") == "vertical-only")
    assert fixed == ["attractions", "memcached-review", "review"]
    assert components["jaeger"]["critical"] is False


def test_import_is_deterministic() -> None:
    case = CASES["sock-shop-kubernetes"]
    _facts(case)
    paths = [str(REALWORLD / case.folder / p) for p in case.inputs]
    assert import_paths(paths).yaml_text == import_paths(paths).yaml_text


def _sample(folder: str, *inputs: str) -> Any:
    facts = REALWORLD / folder / "neutral-facts.json"
    if not facts.exists():
        pytest.skip(f"{facts} is not available")
    result = import_paths([str(REALWORLD / folder / p) for p in inputs])
    load_text(result.yaml_text)
    return result, json.loads(facts.read_text(encoding="utf-8"))


def test_istio_tutorial_components_routes_and_mesh_policies() -> None:
    result, facts = _sample("istio-tutorial", ".")
    components = result.raw["components"]
    assert {c["name"]: c["replicas"] for c in facts["components"] if c["replicas"]} == {
        n: components[n]["replicas"] for n in ("customer", "preference", "recommendation")}
    assert sorted(components) == sorted(c["name"] for c in facts["components"])
    found = {(d["from"], d["to"]) for d in result.raw["dependencies"] if d["role"] == "request"}
    assert found == {(e["from"], e["to"]) for e in facts["edges"]}  # Gateway route + application.properties
    last = next(d for d in result.raw["dependencies"] if d["to"] == "recommendation")
    assert (last["circuit_breaker"], last["retries"]) == (True, 3)  # the last-applied istiofiles


def test_istio_bookinfo_gateway_and_versions() -> None:
    result, facts = _sample("istio-bookinfo", "samples/bookinfo/platform/kube/bookinfo.yaml",
                            "samples/bookinfo/networking/bookinfo-gateway.yaml")
    components = result.raw["components"]
    expected = {c["name"]: c["replicas"] for c in facts["components"] if not c["name"].startswith("ratelimit")}
    assert {n: components[n].get("replicas") for n in expected} == expected  # reviews: v1 + v2 + v3
    assert result.raw["system"]["entry_points"] == ["istio-ingressgateway"]
    assert ("istio-ingressgateway", "productpage") in {(d["from"], d["to"]) for d in result.raw["dependencies"]}
    assert components["productpage"]["autoscaling"] == "none" and components["productpage"]["disruption_budget"] == "none"


def test_opentelemetry_demo_compose_with_its_env_file_and_envoy_routes() -> None:
    result, facts = _sample("opentelemetry-demo", "docker-compose.yml", "src/frontend-proxy/envoy.tmpl.yaml")
    assert sorted(result.raw["components"]) == sorted(c["name"] for c in facts["components"])
    requests = {(d["from"], d["to"]) for d in result.raw["dependencies"] if d["role"] == "request"}
    assert {(e["from"], e["to"]) for e in facts["edges"]} <= requests
    comments = " ".join(line.strip().lstrip("# ") for line in result.yaml_text.splitlines())
    assert "route to cluster image-provider (envoy.tmpl.yaml:" in comments


def test_start_up_order_alone_is_not_a_request_edge() -> None:
    case = CASES["hotelreservation"]
    _facts(case)
    roles = {d["role"] for d in _import(case)["dependencies"]}
    assert roles == {"startup"}  # every edge of hotelReservation's compose file is a depends_on
