"""Importer details of issue 16: Kubernetes Jobs, CronJobs and bare Pods; positions with columns; edges from a
`terraform show -json` plan's configuration; roles on Terraform and Structurizr edges; nginx includes and nginx
from standard input. Fixtures are written here for the tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scalexpert.importers import import_paths

WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: example/api:1
          env: [{name: DB_HOST, value: db}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-report}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      parallelism: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: example/report:1
              env: [{name: DATABASE_URL, value: "postgres://db:5432/shop"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: example/migrate:1
          args: ["--db", "db:5432"]
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers:
    - name: debug
      image: example/tools:1
      env: [{name: API_URL, value: "http://api:8080"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: api-7d9f-abc
  ownerReferences: [{kind: ReplicaSet, name: api-7d9f}]
spec:
  containers: [{name: api, image: example/api:1}]
"""


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


@pytest.fixture()
def workloads(tmp_path: Path) -> Any:
    path = tmp_path / "workloads.yaml"
    path.write_text(WORKLOADS)
    return import_paths([str(path)])


def test_jobs_and_cronjobs_are_batch_workers_whose_calls_are_batch_edges(workloads: Any) -> None:
    components, edges = workloads.raw["components"], _edges(workloads.raw)
    assert components["nightly-report"]["kind"] == "worker" and components["nightly-report"]["replicas"] == 2
    assert "'0 2 * * *'" in components["nightly-report"]["description"]
    assert components["migrate"]["kind"] == "worker" and components["migrate"]["replicas"] == 1
    assert edges[("nightly-report", "db")]["role"] == "batch" and edges[("migrate", "db")]["role"] == "batch"
    assert edges[("api", "db")]["role"] == "request"
    for job in ("nightly-report", "migrate"):  # run to completion: no probes, no autoscaler, no budget stated
        assert not {"health_checks", "autoscaling", "disruption_budget", "anti_affinity"} & set(components[job])


def test_a_bare_pod_is_one_instance_nothing_replaces_and_owned_pods_are_left_out(workloads: Any) -> None:
    components = workloads.raw["components"]
    assert components["debug"]["replicas"] == 1 and components["debug"]["recovery"] == "rebuild"
    assert "api-7d9f-abc" not in components
    assert any("ownerReferences" in n and "Pod api-7d9f-abc" in n for n in workloads.notes)
    assert _edges(workloads.raw)[("debug", "api")]["role"] == "request"


def test_positions_carry_the_column_of_the_value(workloads: Any) -> None:
    replicas = workloads.positions[("components", "api", "replicas")]
    assert (replicas.line, replicas.column) == (5, 3)  # "  replicas: 2"
    image = workloads.positions[("components", "api", "technology")]
    assert (image.line, image.column) == (12, 11)  # "          image: example/api:1"


PLAN = {
    "format_version": "1.2",
    "planned_values": {"root_module": {"resources": [
        {"address": "aws_ecs_service.api", "mode": "managed", "type": "aws_ecs_service", "name": "api",
         "values": {"desired_count": 3, "launch_type": "FARGATE"}},
        {"address": "aws_ecs_task_definition.api", "mode": "managed", "type": "aws_ecs_task_definition",
         "name": "api", "values": {"cpu": "512", "memory": "1024"}},
        {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
         "values": {"identifier": "shop-db", "engine": "postgres", "instance_class": "db.m5.large", "multi_az": True}},
        {"address": "aws_elasticache_replication_group.sessions", "mode": "managed",
         "type": "aws_elasticache_replication_group", "name": "sessions",
         "values": {"replication_group_id": "sessions", "engine": "redis", "num_cache_clusters": 2}},
        {"address": "aws_security_group.app", "mode": "managed", "type": "aws_security_group", "name": "app",
         "values": {}},
        {"address": "aws_security_group.cache", "mode": "managed", "type": "aws_security_group", "name": "cache",
         "values": {}},
        {"address": "aws_security_group_rule.app_to_cache", "mode": "managed", "type": "aws_security_group_rule",
         "name": "app_to_cache", "values": {"type": "ingress", "from_port": 6379}},
    ]}},
    "configuration": {"root_module": {"resources": [
        {"address": "aws_ecs_service.api", "mode": "managed", "type": "aws_ecs_service", "name": "api",
         "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.api.arn",
                                                            "aws_ecs_task_definition.api"]},
                         "network_configuration": [{"security_groups": {"references": ["aws_security_group.app.id",
                                                                                       "aws_security_group.app"]}}]}},
        {"address": "aws_ecs_task_definition.api", "mode": "managed", "type": "aws_ecs_task_definition", "name": "api",
         "expressions": {"container_definitions": {"references": ["aws_db_instance.main.address",
                                                                  "aws_db_instance.main"]}}},
        {"address": "aws_elasticache_replication_group.sessions", "mode": "managed",
         "type": "aws_elasticache_replication_group", "name": "sessions",
         "expressions": {"security_group_ids": {"references": ["aws_security_group.cache.id",
                                                               "aws_security_group.cache"]}}},
        {"address": "aws_security_group_rule.app_to_cache", "mode": "managed", "type": "aws_security_group_rule",
         "name": "app_to_cache",
         "expressions": {"type": {"constant_value": "ingress"}, "from_port": {"constant_value": 6379},
                         "security_group_id": {"references": ["aws_security_group.cache.id", "aws_security_group.cache"]},
                         "source_security_group_id": {"references": ["aws_security_group.app.id",
                                                                     "aws_security_group.app"]}}},
    ]}},
}


def test_a_saved_plans_configuration_gives_edges(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN))
    result = import_paths([str(path)])
    edges = _edges(result.raw)
    database = edges[("api", "main")]  # the task definition's container definitions name the database
    assert database["protocol"] == "sql" and database["role"] == "request"
    assert "container_definitions" in result.yaml_text or "task_definition of aws_ecs_service.api" in result.yaml_text
    cache = edges[("api", "sessions")]  # only a security group rule says the service may reach the cache
    assert cache["role"] == "request" and "allowed, not proven to be used" in result.yaml_text
    assert not any("no dependency can be read" in n for n in result.notes)


def test_a_plan_without_configuration_says_what_it_cannot_see(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({k: v for k, v in PLAN.items() if k != "configuration"}))
    result = import_paths([str(path)])
    assert result.raw["dependencies"] == []
    assert any("configuration" in n and "no dependency can be read" in n for n in result.notes)


def test_terraform_and_structurizr_edges_carry_a_role(tmp_path: Path) -> None:
    dsl = tmp_path / "workspace.dsl"
    dsl.write_text("""workspace "Shop" {
    model {
        shop = softwareSystem "Shop" {
            web = container "Web" "" "Java"
            db = container "Database" "" "PostgreSQL" "Database"
            monitor = container "Monitor" "" "Go"
        }
        web -> db "Reads and writes orders" "JDBC"
        monitor -> web "Polls its health" "HTTPS"
    }
}
""")
    edges = _edges(import_paths([str(dsl)]).raw)
    assert edges[("web", "database")]["role"] == "request"
    assert edges[("monitor", "web")]["role"] == "health"
    tf = tmp_path / "tf"
    tf.mkdir()
    (tf / "main.tf").write_text("""resource "aws_lambda_function" "worker" {
  function_name = "worker"
  environment {
    variables = { QUEUE_URL = aws_sqs_queue.jobs.url }
  }
}
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
""")
    edge = _edges(import_paths([str(tf)]).raw)[("worker", "jobs")]
    assert edge["role"] == "request"


NGINX = """events { worker_connections 1024; }
http {
    include conf.d/*.conf;
    include /etc/nginx/mime.types;
    server {
        listen 80;
        location / { proxy_pass http://web:8080; }
    }
}
"""
API_CONF = """upstream api_pool {
    server api-1:9000 weight=3;
    server api-2:9000;
}
server {
    listen 81;
    location /api/ {
        proxy_read_timeout 5s;
        proxy_pass http://api_pool;
    }
}
"""
COMPOSE = """services:
  web: {image: example/web:1}
  api-1: {image: example/api:1}
  api-2: {image: example/api:1}
  proxy:
    image: nginx:1.27
    volumes: ["./nginx.conf:/etc/nginx/nginx.conf:ro"]
"""


def test_nginx_includes_are_followed_beside_the_file_and_not_outside(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "nginx.conf").write_text(NGINX)
    (tmp_path / "conf.d" / "api.conf").write_text(API_CONF)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    result = import_paths([str(tmp_path)])
    edges = _edges(result.raw)
    assert {("proxy", "web"), ("proxy", "api-1"), ("proxy", "api-2")} <= set(edges)
    assert edges[("proxy", "api-1")]["share"] == 0.75 and edges[("proxy", "api-1")]["timeout_ms"] == 5000
    where = result.positions[("dependencies", list(edges).index(("proxy", "api-1")))]
    assert where.label == "conf.d/api.conf" and where.line == 9  # the included file's own line
    assert any("include /etc/nginx/mime.types not followed" in n for n in result.notes)
    assert sum(1 for c in result.raw["components"] if c in ("conf.d", "nginx")) == 0  # not a gateway of its own


def test_nginx_includes_are_bounded(tmp_path: Path) -> None:
    from scalexpert.importers import gateways

    (tmp_path / "loop.conf").write_text("include loop.conf;\ninclude a/*.conf;\n")
    (tmp_path / "a").mkdir()
    for i in range(gateways.MAX_INCLUDED_FILES + 5):
        (tmp_path / "a" / f"{i:03}.conf").write_text(f"upstream u{i} {{ server h{i}:80; }}\n")
    (tmp_path / "nginx.conf").write_text("http { include loop.conf; server { location / { proxy_pass http://x; } } }\n")
    document = gateways.nginx_parse((tmp_path / "nginx.conf").read_text(), str(tmp_path / "nginx.conf"), "nginx.conf")[0]
    assert len(document["included"]) == gateways.MAX_INCLUDED_FILES
    assert any(f"past {gateways.MAX_INCLUDED_FILES} included files" in n for n in document["notes"])


@pytest.mark.slow
def test_nginx_from_standard_input(tmp_path: Path) -> None:
    script = str(Path(sys.executable).parent / "scalexpert")
    done = subprocess.run([script, "import", "-"], input=NGINX, capture_output=True, text=True, check=False,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "must be given as a file" not in done.stderr
    assert "include conf.d/*.conf not followed" in done.stderr + done.stdout
