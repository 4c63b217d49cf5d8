"""Deployment importers, deeper: edge roles, connection strings, external hosts, sources merged in
``check`` as in ``import``, positions in the source files, files that are not YAML, standard input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.importers import import_paths
from scalexpert.importers.detect import gather
from scalexpert.importers.draft import edges
from scalexpert.importers.merge import merge
from scalexpert.importers.registry import find
from scalexpert.importers.values import connection_string, refs_in_env, HostRef
from scalexpert.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "deploy"
BASE, OVERRIDE = str(FIXTURES / "base.yml"), str(FIXTURES / "override.yml")
SCALEXPERT = [sys.executable, "-m", "scalexpert"]


def _roles(*paths: str) -> dict[tuple[str, str], str]:
    inputs = gather(list(paths))
    drafts = [(find(str(f.format)).kind, find(str(f.format)).read([f])) for f in inputs.files]
    draft = merge(drafts) if len(drafts) == 1 else merge([(drafts[0][0], find("compose").read(inputs.files))])
    return {(e.source, e.target): e.role.value for e in edges(draft) if e.role is not None}


def test_depends_on_alone_is_startup_order_and_connections_are_requests() -> None:
    raw = import_paths([BASE]).raw
    roles = {(d["from"], d["to"]): d["role"] for d in raw["dependencies"]}
    assert roles == _roles(BASE)
    assert roles == {
        ("web", "api"): "request",  # depends_on and API_URL: the URL shows the calls
        ("api", "db"): "request",  # a .NET connection string
        ("api", "cache"): "request",  # CACHE_ADDR=cache:6379
        ("api", "migrate"): "startup",  # depends_on only
        ("api", "api.payments.example.com"): "request",
        ("monitor", "api"): "health",  # a URL to /healthz
    }


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("ConnectionStrings__Orders", "Server=db;Database=orders;User Id=sa", [HostRef("db")]),
        ("DB", "Host=pg;Port=5433;Database=x", [HostRef("pg", 5433)]),
        ("SQL", "Data Source=tcp:sql.example.com,1433;Initial Catalog=x", [HostRef("sql.example.com", 1433)]),
        ("ORACLE_URL", "jdbc:oracle:thin:@//ora:1521/SVC", [HostRef("ora", 1521, "oracle")]),
        ("JDBC", "jdbc:sqlserver://mssql:1433;databaseName=x", [HostRef("mssql", 1433, "sqlserver")]),
        ("RedisConnection", "cache", [HostRef("cache")]),  # a *Connection* key names an address
        ("PAYMENTS_ADDR", "payments:9000", [HostRef("payments", 9000)]),
        ("OPTIONS", "a=1;b=2", []),  # key=value; pairs without a server key
        ("GREETING", "Server=down; please retry", []),  # not a connection string: parts without '='
    ],
)
def test_connection_strings_of_every_common_shape(key: str, value: str, expected: list[HostRef]) -> None:
    assert refs_in_env(key, value) == expected


def test_a_sentence_is_not_a_connection_string() -> None:
    assert connection_string("hello; world") is None


def test_external_hosts_become_external_components() -> None:
    raw = import_paths([BASE]).raw
    assert raw["components"]["api.payments.example.com"] == {"kind": "external"}
    assert {"from": "api", "to": "api.payments.example.com", "protocol": "http", "role": "request"} in raw["dependencies"]


def test_check_merges_compose_base_and_override_as_import_does() -> None:
    imported = import_paths([BASE, OVERRIDE]).raw
    assert imported["components"]["api"]["replicas"] == 3
    result = subprocess.run([*SCALEXPERT, "check", BASE, OVERRIDE, "--format", "json", "--fail-on", "never"],
                            capture_output=True, text=True, check=True)
    import json

    reports = json.loads(result.stdout)["reports"]
    assert len(reports) == 1  # one system, not two
    assert reports[0]["architecture"]["components"]["api"] == "service"
    assert not any(f["subjects"] == ["api"] and f["rule_id"] == "SPOF-001" for f in reports[0]["findings"])


def test_findings_on_source_files_cite_the_line_that_states_the_fact() -> None:
    report = check([BASE, OVERRIDE])
    db = next(f for f in report.findings if f.rule_id == "SPOF-002" and f.subjects == ("db",))
    assert (db.location.file, db.location.line) == (BASE, 22)  # `db:` in base.yml, not the generated file
    lines = Path(BASE).read_text().splitlines()
    assert lines[db.location.line - 1].strip() == "db:"
    cited = [p for f in report.findings for p in _positions(f)]
    assert cited and all(p[0] in (BASE, OVERRIDE) for p in cited)
    assert (OVERRIDE, 4) in cited or not any(p[0] == OVERRIDE for p in cited)


def _positions(finding: object) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(node: object) -> None:
        location = getattr(node, "location", None)
        if location is not None and getattr(location, "file", None):
            found.append((location.file, location.line))
        for child in getattr(node, "children", ()) or ():
            walk(child)
        for item in getattr(node, "items", ()) or ():
            walk(item)

    walk(finding)
    return found


def test_a_file_that_is_not_yaml_is_an_unsupported_file_type(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just: some [text\n{ that is not YAML\n")
    for command in (["import", str(odd)], ["check", str(odd)]):
        result = subprocess.run([*SCALEXPERT, *command], capture_output=True, text=True)
        assert result.returncode == 2, command
        assert "unsupported file type" in result.stderr and "YAML syntax error" not in result.stderr
    with pytest.raises(InputError, match="unsupported file type"):
        import_paths([str(odd)])


def test_rendered_manifests_import_from_standard_input() -> None:
    manifest = (FIXTURES / "rendered.yaml").read_text()  # what `helm template` prints
    result = subprocess.run([*SCALEXPERT, "import", "-"], input=manifest, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "  shop:\n" in result.stdout and "stdin (Kubernetes)" in result.stdout
    assert "replicas: 2  # spec.replicas (stdin:" in result.stdout
    checked = subprocess.run([*SCALEXPERT, "check", "-", "--format", "json", "--fail-on", "never"], input=manifest,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


CLUSTER = str(FIXTURES / "cluster.yaml")


def test_kubernetes_autoscalers_budgets_and_their_stated_absence() -> None:
    components = import_paths([CLUSTER]).raw["components"]
    assert components["api"]["autoscaling"] == {"min": 3, "max": 12, "metric": "cpu", "target": 0.7}
    assert components["api"]["disruption_budget"] == {"min_available": 2}
    for name in ("orders-db", "sessions"):  # looked for, found none: stated absence, not unknown
        assert components[name]["autoscaling"] == "none"
        assert components[name]["disruption_budget"] == "none"


def test_kubernetes_zones_spread_and_storage() -> None:
    result = import_paths([CLUSTER])
    components = result.raw["components"]
    assert components["api"]["zones"] == ["eu-west-1a", "eu-west-1b"]
    assert components["api"]["anti_affinity"] is True
    assert "topologySpreadConstraints across zones (cluster.yaml:10)" in result.yaml_text
    assert components["orders-db"]["storage"] == "persistent"  # StatefulSet volumeClaimTemplates
    assert components["sessions"]["storage"] == "ephemeral"  # emptyDir at /data
    assert "storage" not in components["api"]  # a service: its storage is not the question
    edges = {(d["from"], d["to"]): d for d in result.raw["dependencies"]}
    assert edges[("api", "orders-db")]["protocol"] == "sql"  # Host=orders-db;Port=5432 in DB_CONNECTION
    assert edges[("api", "sessions")]["role"] == "request"


MESH = str(FIXTURES / "mesh")


def test_gateways_route_one_of_their_backends_with_weights_as_shares() -> None:
    raw = import_paths([MESH]).raw
    assert raw["system"]["entry_points"] == ["ingress-nginx", "istio-ingressgateway", "public"]
    edges = {(d["from"], d["to"]): d for d in raw["dependencies"]}
    for gateway in ("ingress-nginx", "istio-ingressgateway", "public"):
        assert raw["components"][gateway] == {"kind": "load-balancer", "routing": "one-of"}
    assert edges[("istio-ingressgateway", "web")]["share"] == 0.9  # VirtualService weights 90/10
    assert edges[("istio-ingressgateway", "legacy")]["share"] == 0.1
    assert edges[("public", "web")]["share"] == 0.75  # HTTPRoute backendRefs weights 3/1
    assert "share" not in edges[("ingress-nginx", "web")]  # one route: nothing to split


def test_versions_behind_one_service_are_one_component() -> None:
    components = import_paths([MESH]).raw["components"]
    assert "ratings-v1" not in components and "web-v1" not in components
    assert components["ratings"]["replicas"] == 3  # v1 (1) + v2 (2)
    assert components["web"]["replicas"] == 2


def test_istio_timeouts_retries_and_circuit_breaking_apply_to_the_callers() -> None:
    result = import_paths([MESH])
    edge = next(d for d in result.raw["dependencies"] if (d["from"], d["to"]) == ("web", "ratings"))
    assert (edge["timeout_ms"], edge["retries"], edge["circuit_breaker"], edge["bulkhead"]) == (1500, 2, True, True)
    assert "share" not in edge  # a split between subsets of one component is not a route
    assert "circuit_breaker: true  # DestinationRule ratings outlierDetection" in result.yaml_text


def test_an_object_applied_twice_keeps_the_last_definition(tmp_path: Path) -> None:
    apps = (FIXTURES / "mesh" / "apps.yaml").read_text()
    (tmp_path / "a.yaml").write_text(apps)
    (tmp_path / "b.yaml").write_text(apps.replace("replicas: 2\n  selector: {matchLabels: {app: web", "replicas: 5\n  selector: {matchLabels: {app: web"))
    result = import_paths([str(tmp_path)])
    assert result.raw["components"]["web"]["replicas"] == 5
    assert any("Deployment web-v1 is defined 2 times" in n for n in result.notes)


GATEWAYS = FIXTURES / "gateways"


def _edges_of(*paths: Path) -> dict[tuple[str, str], dict[str, object]]:
    raw = import_paths([str(p) for p in paths]).raw
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_nginx_locations_and_upstreams_become_routes_of_the_service_that_mounts_the_file() -> None:
    result = import_paths([str(GATEWAYS / "docker-compose.yml"), str(GATEWAYS / "edge" / "nginx.conf")])
    edge = result.raw["components"]["edge"]  # the Compose service that mounts edge/nginx.conf
    assert (edge["kind"], edge["routing"], edge["concurrency"]) == ("load-balancer", "one-of", 2048)
    edges = _edges_of(GATEWAYS / "docker-compose.yml", GATEWAYS / "edge" / "nginx.conf")
    assert (edges[("edge", "shop-a")]["share"], edges[("edge", "shop-b")]["share"]) == (0.75, 0.25)  # weight=3, 1
    assert edges[("edge", "shop-a")]["timeout_ms"] == 5000  # proxy_read_timeout of the http block
    assert (edges[("edge", "api")]["timeout_ms"], edges[("edge", "api")]["retries"]) == (2000, 2)
    assert "proxy_read_timeout 2s (nginx.conf:17)" in result.yaml_text


def test_an_nginx_configuration_alone_names_its_hosts() -> None:
    result = import_paths([str(GATEWAYS / "edge" / "nginx.conf")])
    assert sorted(result.raw["components"]) == ["edge"]  # named after its folder
    assert any("shop-a" in n and "match no component" in n for n in result.notes)


def test_a_broken_nginx_configuration_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "nginx.conf"
    broken.write_text("http {\n  server {\n    location / {\n      proxy_pass http://a;\n")
    result = subprocess.run([*SCALEXPERT, "import", str(broken)], capture_output=True, text=True)
    assert result.returncode == 2 and "nginx:" in result.stderr and "Traceback" not in result.stderr


def test_envoy_routes_clusters_retries_and_weights() -> None:
    edges = _edges_of(GATEWAYS / "docker-compose.yml", GATEWAYS / "front-proxy" / "envoy.yaml")
    api = edges[("front-proxy", "api")]  # cluster address ${API_HOST} from the project's .env
    assert (api["timeout_ms"], api["retries"], api["protocol"]) == (1000, 2, "http")  # per_try_timeout wins
    assert (edges[("front-proxy", "shop-a")]["share"], edges[("front-proxy", "shop-b")]["share"]) == (0.8, 0.2)


def test_traefik_labels_route_the_proxy_to_the_labelled_services() -> None:
    result = import_paths([str(GATEWAYS / "traefik" / "docker-compose.yml")])
    edges = {(d["from"], d["to"]): d for d in result.raw["dependencies"]}
    assert sorted(edges) == [("proxy", "blog"), ("proxy", "shop"), ("proxy", "shop-v2")]  # admin: traefik.enable=false
    assert (edges[("proxy", "shop")]["share"], edges[("proxy", "shop-v2")]["share"]) == (0.75, 0.25)
    assert result.raw["components"]["proxy"]["routing"] == "one-of"


def test_compose_reads_the_project_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("API_HOST=api\nTAG=2\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: example/web:${TAG}\n    environment:\n      - API_HOST\n"
        "  api:\n    image: example/api:1\n")
    result = import_paths([str(tmp_path / "compose.yaml")])
    assert result.raw["components"]["web"]["technology"] == "example/web:2"
    assert ("web", "api") in {(d["from"], d["to"]) for d in result.raw["dependencies"]}


def test_an_application_properties_file_adds_the_calls_of_its_component() -> None:
    result = import_paths([MESH])
    edge = next(d for d in result.raw["dependencies"] if (d["from"], d["to"]) == ("web", "ratings"))
    assert "application.properties:2" in result.yaml_text  # the mp-rest/url line is cited
    assert edge["retries"] == 2  # the mesh's policy applies to calls found in any source
    assert not any(name.startswith("config:") for name in result.raw["components"])


def test_a_properties_file_of_no_component_is_left_out_with_a_note() -> None:
    result = import_paths([MESH, str(FIXTURES / "mesh-orphan" / "tools" / "app.properties")])
    assert any("app.properties: no component is named like a folder above it" in n for n in result.notes)


def test_explanations_of_a_manifest_cite_its_own_lines() -> None:
    result = subprocess.run([*SCALEXPERT, "check", CLUSTER, "--explain", "--fail-on", "never"],
                            capture_output=True, text=True, check=True)
    lines = Path(CLUSTER).read_text().splitlines()
    cited = re.findall(r"graph\.min_replicas = 1, rule requires < 2 \(" + re.escape(CLUSTER) + r":(\d+)\)", result.stdout)
    # orders-db states `replicas: 1`; sessions states none: its spec is cited (Kubernetes starts 1)
    assert [lines[int(n) - 1].strip() for n in cited] == ["replicas: 1", "spec:"]
