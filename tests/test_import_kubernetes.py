"""Kubernetes manifests → architecture: every mapping rule, on small fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scalexpert.errors import InputError
from scalexpert.importers import import_paths
from scalexpert.loader import load_text

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "kubernetes"


@pytest.fixture(scope="module")
def shop() -> tuple[dict[str, Any], list[str], str]:
    result = import_paths([str(FIXTURES / "shop.yaml")])
    load_text(result.yaml_text)
    assert yaml.safe_load(result.yaml_text) == result.raw
    return result.raw, result.notes, result.yaml_text


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_workloads_become_components(shop: tuple[dict[str, Any], list[str], str]) -> None:
    raw, notes, _ = shop
    kinds = {name: c["kind"] for name, c in raw["components"].items()}
    assert kinds == {"web": "service", "api": "service", "postgres": "database", "cache": "cache",
                     "rabbitmq": "queue", "worker": "service", "log-agent": "service",
                     "ingress": "load-balancer",  # the proxy that serves the Ingress
                     "nightly-report": "worker"}  # a CronJob: batch work
    assert raw["system"]["name"] == "shop"


def test_replicas_stated_defaulted_and_daemonsets(shop: tuple[dict[str, Any], list[str], str]) -> None:
    raw, notes, text = shop
    replicas = {name: c.get("replicas") for name, c in raw["components"].items()}
    assert replicas == {"web": 2, "api": 3, "postgres": 1, "cache": 1, "rabbitmq": 1, "worker": 2, "log-agent": None,
                        "ingress": None, "nightly-report": 1}
    assert "replicas: 1  # inferred: spec.replicas not stated, Kubernetes starts 1 (shop.yaml:187)" in text
    assert any("DaemonSet log-agent runs one pod per node" in n for n in notes)


def test_probes_and_whether_they_are_identical(shop: tuple[dict[str, Any], list[str], str]) -> None:
    components = shop[0]["components"]
    assert components["web"]["health_checks"] == {"readiness": True, "liveness": True, "identical": True}
    assert components["api"]["health_checks"] == {"readiness": True, "liveness": True, "identical": False}
    assert components["postgres"]["health_checks"] == {"readiness": False, "liveness": False}


def test_strategy_spread_and_resources(shop: tuple[dict[str, Any], list[str], str]) -> None:
    raw, notes, _ = shop
    api, cache, web = raw["components"]["api"], raw["components"]["cache"], raw["components"]["web"]
    assert api["deployment"] == {"strategy": "recreate"} and web["deployment"] == {"strategy": "rolling"}
    assert "deployment" not in raw["components"]["log-agent"] and any("OnDelete" in n for n in notes)
    assert (api["anti_affinity"], cache["anti_affinity"], web["anti_affinity"]) == (True, True, False)
    assert raw["components"]["log-agent"]["anti_affinity"] is True
    assert api["resources"] == {"cpu_request": 0.25, "cpu_limit": 1, "memory_request_mb": 512, "memory_limit_mb": 1024}
    assert (api["runtime"], api["heap_mb"]) == ("jvm", 1024)


def test_volumes_emptydir_versus_claims(shop: tuple[dict[str, Any], list[str], str]) -> None:
    components = shop[0]["components"]
    assert components["postgres"]["description"] == "Data on volume claim template pgdata at /var/lib/postgresql/data."
    assert components["cache"]["description"].startswith("No persistent volume")
    assert "local_disk_writes" not in components["api"]  # emptyDir at /tmp


def test_services_resolve_through_selectors_and_give_entry_points(shop: tuple[dict[str, Any], list[str], str]) -> None:
    raw, _, text = shop
    assert raw["system"]["entry_points"] == ["ingress", "web"]  # the Ingress's proxy routes to api
    assert [(d["from"], d["to"], d["role"]) for d in raw["dependencies"] if d["from"] == "ingress"] == [
        ("ingress", "api", "request")]
    assert "- web  # Service frontend of type LoadBalancer (shop.yaml:63)" in text
    assert "- ingress  # Ingress public-api (shop.yaml:" in text
    assert "# Ingress public-api routes to api-svc (shop.yaml:" in text
    protocols = {edge: d.get("protocol") for edge, d in _edges(raw).items()}
    assert protocols == {
        ("web", "api"): "http",  # API_URL=http://api-svc:80: Service api-svc selects app=api
        ("api", "postgres"): "sql",  # postgres.shop.svc.cluster.local
        ("api", "cache"): "redis",  # CACHE_URL from envFrom api-config
        ("api", "rabbitmq"): "amqp",  # configMapKeyRef queue-config/broker
        ("worker", "rabbitmq"): "amqp",  # envFrom with a prefix
        ("ingress", "api"): "grpc",  # the Ingress's route; api-svc's port is named grpc
    }
    assert _edges(raw)[("api", "rabbitmq")]["mode"] == "async"
    assert "ConfigMap queue-config" in text


def test_autoscalers_of_every_api_version(shop: tuple[dict[str, Any], list[str], str]) -> None:
    raw, notes, _ = shop
    scaling = {name: c.get("autoscaling") for name, c in raw["components"].items() if c.get("autoscaling", "none") != "none"}
    assert scaling == {
        "api": {"min": 3, "max": 12, "metric": "cpu", "target": 0.7},  # autoscaling/v2
        "web": {"min": 1, "max": 6, "metric": "cpu", "target": 0.6},  # autoscaling/v1, minReplicas defaulted
        "worker": {"min": 2, "max": 20, "metric": "memory", "target": 0.8},  # autoscaling/v2beta1
    }
    assert any("targets Deployment does-not-exist" in n for n in notes)


def test_disruption_budgets_counts_and_percentages(shop: tuple[dict[str, Any], list[str], str]) -> None:
    components = shop[0]["components"]
    assert components["api"]["disruption_budget"] == {"min_available": 2}
    assert components["worker"]["disruption_budget"] == {"max_unavailable": 1}  # 50 % of 2


def test_sidecars_do_not_decide_the_kind(shop: tuple[dict[str, Any], list[str], str]) -> None:
    assert shop[0]["components"]["rabbitmq"]["technology"] == "rabbitmq:3.12-management"


def test_lists_headless_pods_and_workload_names() -> None:
    result = import_paths([str(FIXTURES / "list.yaml")])
    load_text(result.yaml_text)
    edges = _edges(result.raw)
    assert set(edges) == {("queue-consumer", "bus"), ("queue-consumer", "kafka")}
    assert edges[("queue-consumer", "kafka")]["protocol"] == "kafka"
    assert result.raw["components"]["kafka"]["replicas"] == 3
    assert "no Service bus in the input, matched the workload of that" in result.yaml_text


def test_a_workload_without_containers_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: 1\n")
    with pytest.raises(InputError) as caught:
        import_paths([str(path)])
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.file, diagnostic.line) == (str(path), 5)
    assert "containers" in diagnostic.message


def test_same_name_in_two_namespaces_is_kept_apart(tmp_path: Path) -> None:
    doc = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api, namespace: {ns}}}\n"
           "spec:\n  template:\n    spec:\n      containers: [{{name: api, image: example/api:1}}]\n")
    (tmp_path / "a.yaml").write_text(doc.format(ns="blue") + "---\n" + doc.format(ns="green"))
    result = import_paths([str(tmp_path / "a.yaml")])
    assert sorted(result.raw["components"]) == ["api.blue", "api.green"]


def test_manifests_without_workloads_are_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n")
    with pytest.raises(InputError, match="no workloads"):
        import_paths([str(path)])
