"""Importers never copy secrets: the written architecture, its comments, the notes and every report
of ``check`` on the source files carry the marker instead (class 3 of the hostile-input suite).

Each source the importers read (the registry's sources and the content-detection registry's
formats, iterated at test time so that a source added later must bring its own fixture) gets a small
file of its own format with secrets of every shape planted where that format holds text: values of
secret-looking keys, URL userinfo, signed-URL signatures, Authorization values, webhook paths,
connection-string passwords, vendor token shapes. Every planted secret contains ``s3cr3t`` (or is a
vendor shape listed in ``SHAPES``), so one search proves that none got through.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.importers import import_paths
from scalexpert.importers.detect import SOURCES
from scalexpert.importers.registry import sources

pytestmark = pytest.mark.hostile("secrets")

_SCRIPT = Path(sys.executable).with_name("scalexpert")
SCALEXPERT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "scalexpert"]
"""The console script a user runs (``python -m scalexpert`` where it is not installed beside the interpreter)."""
SHAPES = ("AKIAS3CR3TEXAMPLE0XY", "ghp_s3cr3tAbCdEfGhIjKlMnOpQrStUvWxYz0123", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzM2NyM3QifQ.s3cr3tSignatureValue")
LEAK = re.compile("|".join(["s3cr3t", *(re.escape(s) for s in SHAPES)]), re.IGNORECASE)

URL_USERINFO = "https://deploy:tok-s3cr3t-1@api.example.org/v1/charge"
SIGNED_URL = ("https://assets.example.org/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAS3CR3TEXAMPLE0XY"
              "%2F20260101&X-Amz-Signature=0a1b2cs3cr3t3d4e5f&sig=s3cr3tsig&token=s3cr3ttok")
WEBHOOK = "https://hooks.slack.com/services/T0S3CR3T/B0S3CR3T/Zq8xW3vB7nM2kL9pR4tYs3cr3t"
POSTGRES = "postgres://orders:pg-s3cr3t@db:5432/orders"
JDBC = "jdbc:postgresql://db:5432/orders?user=orders&password=jdbc-s3cr3t"
MSSQL = "Server=db;Database=orders;User Id=sa;Password=mssql-s3cr3t;"
AUTHORIZATION = "Bearer s3cr3t-bearer-0123456789"


def _compose() -> dict[str, str]:
    return {"docker-compose.yml": f"""\
services:
  web:
    image: example/web:1
    environment:
      API_URL: "{URL_USERINFO}"
      REPORT_URL: "{SIGNED_URL}"
      SLACK_WEBHOOK: "{WEBHOOK}"
      DATABASE_URL: "{POSTGRES}"
      JDBC_URL: "{JDBC}"
      MSSQL: "{MSSQL}"
      DB_PASSWORD: pw-s3cr3t
      STRIPE_API_KEY: "sk_live_s3cr3tAbCdEfGhIjKlMn"
      GITHUB_TOKEN: "{SHAPES[1]}"
      CACHE_URL: "redis://:redis-s3cr3t@cache:6379/0"
    command: ["--token=cmd-s3cr3t", "--password", "flag-s3cr3t", "--upstream", "http://admin:admin-s3cr3t@cache:6379"]
    labels:
      description: "Authorization: {AUTHORIZATION}"
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: root-s3cr3t
  cache:
    image: redis:7
    command: redis-server --requirepass redis-s3cr3t
"""}


def _kubernetes() -> dict[str, str]:
    return {"deploy.yaml": f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    description: "Authorization: {AUTHORIZATION}"
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: example/web:1
          args: ["--api-key=arg-s3cr3t", "--upstream={URL_USERINFO}"]
          env:
            - {{name: API_URL, value: "{URL_USERINFO}"}}
            - {{name: REPORT_URL, value: "{SIGNED_URL}"}}
            - {{name: SLACK_WEBHOOK, value: "{WEBHOOK}"}}
            - {{name: DATABASE_URL, value: "{POSTGRES}"}}
            - {{name: JDBC_URL, value: "{JDBC}"}}
            - {{name: MSSQL, value: "{MSSQL}"}}
            - {{name: DB_PASSWORD, value: pw-s3cr3t}}
            - {{name: AWS_ACCESS_KEY_ID, value: {SHAPES[0]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: db}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
        - name: db
          image: postgres:16
          env: [{{name: POSTGRES_PASSWORD, value: root-s3cr3t}}]
          ports: [{{containerPort: 5432}}]
---
apiVersion: v1
kind: Service
metadata: {{name: db}}
spec:
  selector: {{app: db}}
  ports: [{{port: 5432}}]
"""}


def _nginx() -> dict[str, str]:
    return {"nginx.conf": f"""\
events {{}}
http {{
    upstream api {{
        server api:9000;
    }}
    server {{
        listen 80;
        location /api/ {{
            proxy_set_header Authorization "{AUTHORIZATION}";
            proxy_set_header X-Api-Key header-s3cr3t;
            proxy_pass http://api;
        }}
        location /pay/ {{
            proxy_pass {URL_USERINFO};
        }}
        location /report/ {{
            proxy_pass {SIGNED_URL};
        }}
        location /hook/ {{
            proxy_pass {WEBHOOK};
        }}
    }}
}}
"""}


def _envoy() -> dict[str, str]:
    return {"envoy.yaml": f"""\
static_resources:
  listeners:
    - address: {{socket_address: {{address: 0.0.0.0, port_value: 8080}}}}
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                stat_prefix: ingress
                route_config:
                  request_headers_to_add:
                    - header: {{key: Authorization, value: "{AUTHORIZATION}"}}
                  virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                        - match: {{prefix: "/api"}}
                          route: {{cluster: api, timeout: 3s}}
  clusters:
    - name: api
      load_assignment:
        cluster_name: api
        endpoints: [{{lb_endpoints: [{{endpoint: {{address: {{socket_address: {{address: "deploy:tok-s3cr3t@api.example.org", port_value: 443}}}}}}}}]}}]
"""}


def _properties() -> dict[str, str]:
    return {"docker-compose.yml": "services:\n  web:\n    image: example/web:1\n  db:\n    image: postgres:16\n"
                                  "  ratings:\n    image: example/ratings:1\n",
            "web/application.properties": f"""\
spring.datasource.url={JDBC}
spring.datasource.password=props-s3cr3t
ratings.url=http://svc:ratings-s3cr3t@ratings:9080/api?token=query-s3cr3t
payments.url={URL_USERINFO}
slack.webhook={WEBHOOK}
"""}


def _threagile() -> dict[str, str]:
    return {"model.threagile.yaml": f"""\
threagile_version: 1.0.0
title: "Shop (admin password=title-s3cr3t)"
technical_assets:
  Web:
    id: web
    description: "Calls {URL_USERINFO} with {AUTHORIZATION}; DB_PASSWORD=desc-s3cr3t"
    type: process
    technology: web-server
    communication_links:
      Orders:
        target: db
        description: "{POSTGRES} and {MSSQL} and {SIGNED_URL}"
        protocol: jdbc
  Database:
    id: db
    description: "Alerts go to {WEBHOOK}"
    type: datastore
    technology: database
"""}


def _terraform() -> dict[str, str]:
    return {"main.tf": f"""\
module "queue" {{
  source = "git::https://deploy:module-s3cr3t@git.example.org/infra/queue.git?ref=v1&private_token=mq-s3cr3t"
}}

resource "aws_db_instance" "main" {{
  engine         = "postgres"
  instance_class = "db.t3.medium"
  password       = "tf-s3cr3t"
}}

resource "aws_lambda_function" "web" {{
  function_name = "web"
  description   = "Calls {URL_USERINFO}; api_key=tfdesc-s3cr3t"
  environment {{
    variables = {{
      DATABASE_URL  = "{POSTGRES}"
      DB_HOST       = aws_db_instance.main.address
      DB_PASSWORD   = "env-s3cr3t"
      REPORT_URL    = "{SIGNED_URL}"
      SLACK_WEBHOOK = "{WEBHOOK}"
      JDBC_URL      = "{JDBC}"
      API_URL       = "{URL_USERINFO}"
    }}
  }}
}}
"""}


def _structurizr() -> dict[str, str]:
    return {"workspace.dsl": f"""\
workspace "Shop" "token=ws-s3cr3t" {{
    model {{
        shop = softwareSystem "Shop" {{
            web = container "Web" "Calls {URL_USERINFO} with {AUTHORIZATION}" "Java password=tech-s3cr3t"
            db = container "Database" "{POSTGRES}; {MSSQL}" "PostgreSQL" "Database"
        }}
        hooks = softwareSystem "Alerts" "{WEBHOOK}" "External"
        shop.web -> shop.db "Reads {JDBC}" "JDBC"
        shop.web -> hooks "Posts to {WEBHOOK} and {SIGNED_URL}" "HTTPS"
    }}
}}
"""}


def _telemetry() -> dict[str, str]:
    series = [
        {"metric": {"client": "web", "server": "db", "connection_type": "database"}, "value": [1767225600, "5"]},
    ]
    rates = [{"metric": {"service_name": "web", "url": URL_USERINFO}, "value": [1767225600, "4"]}]
    odd = [{"metric": {"service_name": "web", "token": "label-s3cr3t"}, "value": [1767225600, "1"]}]
    return {"telemetry.json": json.dumps([
        {"query": "sum by (client, server, connection_type) (rate(traces_service_graph_request_total[10m]))",
         "status": "success", "data": {"resultType": "vector", "result": series}},
        {"query": f'sum by (service_name) (rate(http_server_requests_total{{api_key="q-s3cr3t",url="{URL_USERINFO}"}}[5m]))',
         "status": "success", "data": {"resultType": "vector", "result": rates}},
        {"status": "success", "data": {"resultType": "vector", "result": odd}},
    ], indent=1)}


FIXTURES = {
    "compose": _compose, "kubernetes": _kubernetes, "nginx": _nginx, "envoy": _envoy, "properties": _properties,
    "threagile": _threagile, "terraform": _terraform, "structurizr": _structurizr, "telemetry": _telemetry,
}
FORMATS = ("text", "json", "sarif", "markdown", "html", "github", "junit")


def _every_source() -> list[str]:
    return [s.name for s in sources()] + [s.name for s in SOURCES]


def test_every_source_has_a_fixture_with_planted_secrets() -> None:
    assert sorted(_every_source()) == sorted(FIXTURES)


def _write(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    for relative, content in FIXTURES[name]().items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(content)
    return folder


def _files(folder: Path) -> list[str]:
    """The source files one by one (``check`` on a folder looks for architecture files first)."""
    return sorted(str(p) for p in folder.rglob("*") if p.is_file())


def _leaks(output: str) -> list[str]:
    return sorted({m.group(0) for m in LEAK.finditer(output)})


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_secret_reaches_the_imported_file_its_comments_or_the_notes(tmp_path: Path, name: str) -> None:
    folder = _write(tmp_path, name)
    out = tmp_path / "arch.yaml"
    run = subprocess.run([*SCALEXPERT, "import", str(folder), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    written = out.read_text()
    assert "<redacted>" in written  # something was planted where this source copies text
    assert _leaks(written) == [] and _leaks(run.stderr) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_secret_reaches_any_report_of_a_check_on_the_source_files(tmp_path: Path, name: str) -> None:
    folder = _write(tmp_path, name)
    for fmt in FORMATS:
        run = subprocess.run([*SCALEXPERT, "check", *_files(folder), "--format", fmt], cwd=tmp_path,
                             capture_output=True, text=True)
        assert run.returncode in (0, 1), (fmt, run.stderr)
        assert _leaks(run.stdout + run.stderr) == [], fmt


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_secret_in_the_library_result(tmp_path: Path, name: str) -> None:
    result = import_paths([str(_write(tmp_path, name))])
    assert _leaks(result.yaml_text + json.dumps(result.raw) + "\n".join(result.notes) + json.dumps(result.origins)) == []


def test_an_error_message_of_an_import_quotes_no_secret(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  'web password=err-s3cr3t':\n    image: example/web:1\n")
    run = subprocess.run([*SCALEXPERT, "import", str(tmp_path / "docker-compose.yml")], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert _leaks(run.stderr) == []
