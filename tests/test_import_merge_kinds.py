"""Sources of different kinds describe one system: Kubernetes or Compose for the services, Terraform for
the managed stores, a Threagile model or a C4 workspace for the design, telemetry for the calls.

Fixtures are written here, small, for each mapping (never copied from ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scalexpert.importers import import_paths

K8S = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  replicas: 3
  selector:
    matchLabels: {app: orders}
  template:
    metadata:
      labels: {app: orders}
    spec:
      containers:
        - name: orders
          image: example/orders:1.0
          env:
            - name: DB_HOST
              value: orders-db.abc123.eu-west-1.rds.amazonaws.com
            - name: CACHE_HOST
              value: orders-cache
---
apiVersion: v1
kind: Service
metadata:
  name: orders
spec:
  selector: {app: orders}
  ports:
    - port: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  replicas: 2
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
        - name: frontend
          image: example/frontend:1.0
          env:
            - name: ORDERS_URL
              value: http://orders:8080
"""

TERRAFORM = """\
resource "aws_db_instance" "orders" {
  identifier     = "orders-db"
  engine         = "postgres"
  instance_class = "db.m5.large"
  multi_az       = true
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "orders-cache"
  engine                     = "redis"
  node_type                  = "cache.m5.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
}

resource "aws_sqs_queue" "unused" {
  name = "audit-events"
}
"""

COMPOSE = """\
services:
  web:
    image: example/web:2
    environment:
      DATABASE_URL: postgres://orders-db:5432/orders
    depends_on: [orders-db]
  orders-db:
    image: postgres:16
    deploy:
      replicas: 1
"""

THREAGILE = """\
threagile_version: 1.0.0
title: Orders
technical_assets:
  Web Shop:
    id: web
    type: process
    technology: web-server
    availability: critical
    communication_links:
      Orders Data:
        target: orders-db
        protocol: jdbc
  Orders DB:
    id: orders-db
    type: datastore
    technology: database
    availability: critical
    redundant: true
"""

JAEGER = {"data": [{"parent": "frontend", "child": "orders", "callCount": 600},
                   {"parent": "orders", "child": "orders-db", "callCount": 300}]}


def _write(tmp_path: Path, files: dict[str, str]) -> list[str]:
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    return paths


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_kubernetes_and_terraform_merge_by_endpoint_and_identifier(tmp_path: Path) -> None:
    result = import_paths(_write(tmp_path, {"k8s.yaml": K8S, "main.tf": TERRAFORM}))
    components, edges = result.raw["components"], _edges(result.raw)
    # the RDS endpoint in DB_HOST is aws_db_instance.orders, whose identifier is orders-db; the label
    # "orders" is taken by the Kubernetes service, so the database is named by its identifier
    assert components["orders-db"]["kind"] == "database"
    assert components["orders-db"]["data"]["replication"]["failover"] == "automatic"
    assert components["orders"]["kind"] == "service" and components["orders"]["replicas"] == 3
    assert not any(name.endswith("amazonaws.com") for name in components)  # no external placeholder left
    # CACHE_HOST=orders-cache matches nothing in Kubernetes; it is the replication group's id in Terraform
    assert edges[("orders", "cache")]["role"] == "request"
    assert edges[("orders", "orders-db")]["protocol"] == "sql"
    assert ("frontend", "orders") in edges
    assert "orders-cache is cache (main.tf:" in result.yaml_text
    # the Terraform note about calls it cannot see is restated for the merged input
    assert any("no source in the input states a caller of unused" in n for n in result.notes)
    assert not any(n.startswith("no caller of") for n in result.notes)


def test_every_written_value_says_where_it_came_from(tmp_path: Path) -> None:
    result = import_paths(_write(tmp_path, {"k8s.yaml": K8S, "main.tf": TERRAFORM}))
    body = result.yaml_text.split("\ncomponents:", 1)[1].split("\ndependencies:", 1)[0]
    for line in body.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "- from:", "to:")) and not stripped.endswith(":"):
            assert "#" in line, line
            comment = line.split("#", 1)[1]
            assert ":" in comment or "[" in comment, line  # a file:line, or the source's name in brackets
    lines = result.yaml_text.split("\ndependencies:", 1)[1].splitlines()
    for i, line in enumerate(lines):
        if line.startswith("  - from:"):  # each dependency's comment names the file that states it
            assert ".yaml:" in lines[i - 1] or ".tf:" in lines[i - 1], lines[i - 1]
    assert "[Terraform]" in result.yaml_text  # a value inferred from a Terraform resource type names its source
    assert result.positions[("components", "orders-db", "kind")].label == "main.tf"
    assert result.positions[("components", "orders", "replicas")].label == "k8s.yaml"


def test_compose_and_threagile_merge_by_name_and_note_conflicts(tmp_path: Path) -> None:
    result = import_paths(_write(tmp_path, {"docker-compose.yml": COMPOSE, "model.yaml": THREAGILE}))
    components, edges = result.raw["components"], _edges(result.raw)
    assert set(components) == {"web", "orders-db"}
    # deployment outranks the model: Compose's one replica is kept, the conflict names both origins
    assert components["orders-db"]["replicas"] == 1
    conflict = next(n for n in result.notes if n.startswith("orders-db.replicas"))
    assert "docker-compose.yml" in conflict and "model.yaml" in conflict
    # what only the model states joins (its availability rating)
    assert components["orders-db"]["critical"] is True
    assert edges[("web", "orders-db")]["role"] == "request"  # the URL in DATABASE_URL, not only depends_on


def test_a_model_name_that_means_another_kind_is_kept_apart(tmp_path: Path) -> None:
    model = THREAGILE.replace("id: orders-db", "id: web-db").replace("target: orders-db", "target: web-db")
    model = model.replace("Orders DB", "Web")  # slug "web" → an alias equal to the Compose service
    result = import_paths(_write(tmp_path, {"docker-compose.yml": COMPOSE, "model.yaml": model}))
    components = result.raw["components"]
    assert components["web"]["kind"] == "service" and components["web-db"]["kind"] == "database"


def test_telemetry_over_kubernetes_keeps_roles_and_measures_calls(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"k8s.yaml": K8S, "deps.json": json.dumps(JAEGER)})
    result = import_paths(paths)
    edges = _edges(result.raw)
    frontend = edges[("frontend", "orders")]
    assert frontend["role"] == "request" and frontend["protocol"] == "http"  # kept from Kubernetes
    assert "calls_per_request" not in frontend  # frontend's own load is not observed
    assert edges[("orders", "orders-db.abc123.eu-west-1.rds.amazonaws.com")]["role"] == "request"
    assert result.positions[("dependencies", list(edges).index(("frontend", "orders")))].label == "k8s.yaml"


def test_three_kinds_and_telemetry_in_one_import(tmp_path: Path) -> None:
    jaeger = {"data": [{"parent": "frontend", "child": "orders", "callCount": 600},
                       {"parent": "orders", "child": "orders-db", "callCount": 1200}]}
    paths = _write(tmp_path, {"k8s.yaml": K8S, "main.tf": TERRAFORM, "deps.json": json.dumps(jaeger)})
    result = import_paths(paths)
    edge = _edges(result.raw)[("orders", "orders-db")]
    assert edge["calls_per_request"] == 2 and edge["protocol"] == "sql"
    assert "measured: 1,200 calls over 600 requests orders served" in result.yaml_text


def test_a_startup_edge_that_traces_show_carrying_calls_becomes_a_request(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    image: example/web:2\n    depends_on: [api]\n  api:\n    image: example/api:2\n"
    traces = {"data": [{"parent": "web", "child": "api", "callCount": 10}]}
    result = import_paths(_write(tmp_path, {"docker-compose.yml": compose, "deps.json": json.dumps(traces)}))
    edge = _edges(result.raw)[("web", "api")]
    assert edge["role"] == "request"
    assert "the other sources said startup" in result.yaml_text


@pytest.mark.slow
def test_the_console_script_imports_and_checks_mixed_kinds(tmp_path: Path) -> None:
    folder = tmp_path / "system"
    folder.mkdir()
    _write(folder, {"k8s.yaml": K8S, "main.tf": TERRAFORM})
    script = str(Path(sys.executable).parent / "scalexpert")
    done = subprocess.run([script, "import", str(folder / "k8s.yaml"), str(folder / "main.tf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "one kind at a time" not in done.stderr and "orders-db:" in done.stdout
    for args in ([str(folder / "k8s.yaml"), str(folder / "main.tf")], [str(folder)]):
        done = subprocess.run([script, "check", *args, "--format", "json"], capture_output=True, text=True,
                              check=False, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        reports = json.loads(done.stdout)["reports"]
        assert len(reports) == 1  # one system, not one per kind of file
        assert set(reports[0]["architecture"]["components"]) == {"orders", "frontend", "orders-db", "cache", "unused"}
        cited = {c["location"]["file"].rsplit("/", 1)[-1] for c in reports[0]["root_causes"]}
        assert "k8s.yaml" in cited  # positions point at the raw files


def test_a_folder_of_different_kinds_is_one_system_to_check(tmp_path: Path) -> None:
    from scalexpert.discovery import discover

    _write(tmp_path, {"k8s.yaml": K8S, "main.tf": TERRAFORM})
    (tmp_path / "compose").mkdir()
    _write(tmp_path / "compose", {"docker-compose.yml": COMPOSE, "k8s.yaml": K8S})
    targets = {t.path: t for t in discover([str(tmp_path)])}
    mixed = targets[str(tmp_path)]
    assert mixed.kind == "deployment" and sorted(Path(f).name for f in mixed.files) == ["k8s.yaml", "main.tf"]
    # Compose and Kubernetes in one folder describe the same system twice: one check per kind
    assert {p.rsplit(" ", 1)[-1] for p in targets if p.startswith(str(tmp_path / "compose"))} == \
        {"(compose)", "(kubernetes)"}


def _series(labels: dict[str, str], values: list[tuple[float, float]]) -> dict[str, Any]:
    return {"metric": labels, "values": [[t, str(v)] for t, v in values]}


def test_spanmetrics_give_measured_rates_and_latency_percentiles(tmp_path: Path) -> None:
    """The OpenTelemetry spanmetrics connector: calls per service (server spans, summed over span names;
    a range of the counter is a rate) and duration histograms read as observed p50/p95/p99."""
    calls = {"status": "success", "data": {"resultType": "matrix", "result": [
        _series({"__name__": "traces_span_metrics_calls_total", "service_name": "orders", "span_name": "GET /orders",
                 "span_kind": "SPAN_KIND_SERVER"}, [(1000, 100), (1060, 700)]),
        _series({"__name__": "traces_span_metrics_calls_total", "service_name": "orders", "span_name": "POST /orders",
                 "span_kind": "SPAN_KIND_SERVER"}, [(1000, 0), (1060, 120)]),
        _series({"__name__": "traces_span_metrics_calls_total", "service_name": "orders", "span_name": "SELECT",
                 "span_kind": "SPAN_KIND_CLIENT"}, [(1000, 0), (1060, 6000)]),
    ]}}
    quantiles = [{"query": f"histogram_quantile({q}, sum by (le, service_name, span_name) "
                           "(rate(traces_span_metrics_duration_milliseconds_bucket{span_kind=\"SPAN_KIND_SERVER\"}[5m])))",
                  "status": "success", "data": {"resultType": "vector", "result": [
                      {"metric": {"service_name": "orders", "span_name": "GET /orders"}, "value": [1060, str(ms)]},
                      {"metric": {"service_name": "orders", "span_name": "POST /orders"}, "value": [1060, str(ms * 2)]},
                  ]}} for q, ms in ((0.5, 20), (0.95, 90), (0.99, 150))]
    paths = _write(tmp_path, {"k8s.yaml": K8S, "calls.json": json.dumps(calls), "latency.json": json.dumps(quantiles)})
    result = import_paths(paths)
    observed = result.raw["components"]["orders"]["observed"]
    assert observed["rps"] == 12  # (600 + 120) calls over 60 s; client spans left out
    assert observed == {"rps": 12, "p50_ms": 40, "p95_ms": 180, "p99_ms": 300}  # the slowest span name
    assert "p99_ms: 300  # measured: latency.json query 3 result 2" in result.yaml_text
    assert "observed" not in result.raw["components"]["frontend"]


def test_a_measured_p99_at_the_entry_is_the_flows_latency() -> None:
    from scalexpert.analysis.capacity import analyse
    from scalexpert.loader import load_text

    text = """\
version: 1
system: {traffic: {peak_rps: 10}, objectives: {latency_p99_ms: 250}}
components:
  lb: {kind: load-balancer, managed: true, observed: {p99_ms: 180}}
  api: {kind: service, replicas: 2, capacity_rps: 100, service_time_ms: 50}
dependencies:
  - {from: lb, to: api, latency_ms: 1}
"""
    flow = analyse(load_text(text, file="a.yaml").model).flows[0]
    assert flow.latency_p99_ms == 180 and flow.latency_measured and not flow.latency_is_lower_bound
    assert "measured at lb" in flow.derivations["latency_p99_ms"] and "estimate" in flow.latency_basis + \
        flow.derivations["latency_p99_ms"]


def test_terraform_modules_in_subfolders_are_one_system_to_check(tmp_path: Path) -> None:
    from scalexpert.discovery import discover

    (tmp_path / "modules" / "db").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('module "db" {\n  source = "./modules/db"\n}\n')
    (tmp_path / "modules" / "db" / "main.tf").write_text(TERRAFORM)
    targets = discover([str(tmp_path)])
    assert [(t.kind, sorted(Path(f).relative_to(tmp_path).as_posix() for f in t.files)) for t in targets] == \
        [("deployment", ["main.tf", "modules/db/main.tf"])]
    result = import_paths(list(targets[0].files))
    assert {"orders", "cache", "unused"} <= set(result.raw["components"])
