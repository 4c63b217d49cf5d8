"""Docker Compose → architecture: every mapping rule, on small fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scalexpert.errors import InputError, UsageError
from scalexpert.importers import import_paths
from scalexpert.loader import load_text

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "compose"


def _import(name: str) -> tuple[dict[str, Any], list[str], str]:
    result = import_paths([str(FIXTURES / name)])
    load_text(result.yaml_text)
    assert yaml.safe_load(result.yaml_text) == result.raw
    return result.raw, result.notes, result.yaml_text


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_kinds_follow_the_image() -> None:
    raw, _, _ = _import("kinds.yml")
    kinds = {name: c["kind"] for name, c in raw["components"].items()}
    assert kinds == {
        "orders-db": "database", "legacy-db": "database", "docs-db": "database", "sessions": "cache",
        "job-queue": "queue", "taskstore": "queue", "rabbit": "queue", "events": "stream",
        "zookeeper": "coordination", "proxy": "load-balancer", "api-gateway": "api-gateway", "kong": "api-gateway",
        "search": "search", "blobs": "object-storage", "tracing": "service", "metrics": "service", "worker": "service",
    }
    engines = {name: c.get("data", {}).get("engine") for name, c in raw["components"].items()}
    assert engines["orders-db"] == "postgres" and engines["docs-db"] == "mongodb" and engines["events"] == "kafka"
    assert raw["components"]["docs-db"]["technology"] == "mongo"


def test_kind_comments_say_what_they_were_inferred_from() -> None:
    _, _, text = _import("kinds.yml")
    assert "kind: database  # inferred from image postgres:15 (kinds.yml:4)" in text
    assert "kind: queue  # inferred from image redis:7-alpine and the name job-queue" in text
    assert "kind: queue  # inferred: Redis used as a message broker by env CELERY_BROKER_URL" in text


def test_observability_is_kept_but_not_a_dependency_or_entry_point() -> None:
    raw, notes, _ = _import("kinds.yml")
    tracing = raw["components"]["tracing"]
    assert tracing["critical"] is False and "Observability infrastructure" in tracing["description"]
    assert ("worker", "tracing") not in _edges(raw)
    assert any("observability components (tracing)" in n for n in notes)
    assert raw["system"]["entry_points"] == ["kong", "proxy"]


def test_redis_named_as_broker_by_a_caller_becomes_an_async_queue() -> None:
    raw, _, _ = _import("kinds.yml")
    edge = _edges(raw)[("worker", "taskstore")]
    assert (edge["protocol"], edge["mode"]) == ("redis", "async")


def test_stores_say_whether_a_volume_holds_their_data() -> None:
    raw, _, _ = _import("kinds.yml")
    assert raw["components"]["orders-db"]["description"] == "Data on named volume orders-data at /var/lib/postgresql/data."
    assert raw["components"]["legacy-db"]["description"].startswith("No persistent volume")
    assert "description" not in raw["components"]["proxy"]


def test_env_values_naming_services_become_dependencies_with_protocols() -> None:
    raw, _, _ = _import("edges.yml")
    protocols = {edge: d.get("protocol") for edge, d in _edges(raw).items()}
    assert protocols == {
        ("shop", "db"): "sql",  # postgresql:// URL and depends_on
        ("shop", "cache"): "memcached",  # CACHE_HOST=cache, protocol from the target's engine
        ("shop", "orders"): "http",  # http:// URL and links
        ("shop", "users-db"): "other",  # mongodb:// with two hosts, the second unknown
        ("shop", "reports"): "sql",  # JDBC URL
        ("shop", "events"): "kafka",  # host:port 9092
        ("shop", "rabbit"): "amqp",
        ("shop", "pricing"): "grpc",  # port 50051
        ("orders", "db"): "sql",  # primary-db is db's hostname
        ("loadgen", "shop"): "http",  # --host on the command line
        ("shop", "payments.example.com"): None,  # UPSTREAM_HOST names a host outside the input
    }
    assert _edges(raw)[("shop", "events")]["mode"] == "async"


def test_values_that_only_look_like_hosts_are_not_dependencies() -> None:
    raw, notes, _ = _import("edges.yml")
    targets = {d["to"] for d in raw["dependencies"] if d["from"] == "shop"}
    assert not targets & {"info", "batch", "shop"}  # LOG_LEVEL=info, MODE=batch, HOSTNAME=shop
    assert any("users-db-2" in n for n in notes)
    assert raw["components"]["payments.example.com"] == {"kind": "external"}


def test_passwords_never_reach_the_output() -> None:
    _, _, text = _import("edges.yml")
    assert "s3cret" not in text and "guest:guest" not in text
    assert "postgresql://<redacted>@db:5432/shop" in text


def test_every_dependency_says_where_it_was_read() -> None:
    _, _, text = _import("edges.yml")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("  - from:"):
            assert lines[i - 1].startswith("  # "), line
    assert "# depends_on db (edges.yml:23); env DATABASE_URL=postgresql://<redacted>@db:5432/shop (edges.yml:8)" in text


def test_jvm_heap_comes_from_java_opts() -> None:
    raw, _, _ = _import("edges.yml")
    assert (raw["components"]["shop"]["runtime"], raw["components"]["shop"]["heap_mb"]) == ("jvm", 512)


def test_odd_but_valid_compose() -> None:
    raw, notes, text = _import("odd.yml")
    components = raw["components"]
    assert raw["system"]["name"] == "odd-shop"
    assert components["web"]["kind"] == "service" and "technology" not in components["web"]
    assert raw["system"]["entry_points"] == ["bare", "web"]  # 8081:8081 (ports only), 127.0.0.1:3000:3000/tcp
    assert components["bare"] == {"kind": "service", "replicas": 1}
    assert components["store"]["kind"] == "database"  # build only, expose 5432
    assert components["api"]["technology"] == "example/api"  # no tag
    assert components["api"]["replicas"] == 3
    assert components["api"]["resources"] == {"cpu_request": 0.25, "cpu_limit": 0.5, "memory_request_mb": 256,
                                              "memory_limit_mb": 512}
    assert components["api"]["health_checks"] == {"readiness": True}
    assert components["api"]["deployment"] == {"strategy": "rolling"}
    assert components["api"]["anti_affinity"] is True
    assert components["api"]["local_disk_writes"] is True  # uploads:/data/uploads; the :ro config file does not count
    assert "replicas" not in components["agent"] and "replicas" not in components["zero"]
    assert components["legacy"]["replicas"] == 2 and components["legacy"]["scaling"] == "vertical-only"
    assert components["legacy"]["resources"] == {"cpu_limit": 1.5, "memory_limit_mb": 1024}
    assert components["legacy"]["health_checks"] == {"readiness": False}
    assert any("global" in n for n in notes) and any("scaled to 0" in n for n in notes)
    assert "replicas: 1  # inferred: not stated, Compose starts one container per service" in text


def test_override_files_apply_after_the_base_file() -> None:
    raw, _, _ = _import("override")
    assert raw["components"]["api"]["replicas"] == 4
    assert raw["components"]["api"]["technology"] == "example/api:1.0"
    assert set(_edges(raw)) == {("api", "db"), ("api", "cache")}


def test_names_that_yaml_would_misread_are_quoted(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text('services:\n  "yes":\n    image: example/a:1\n  "8080":\n    image: example/b:1\n'
                    '    environment: {UPSTREAM_URL: "http://yes/"}\n')
    result = import_paths([str(path)])
    assert sorted(load_text(result.yaml_text).model.components) == ["8080", "yes"]
    assert result.raw["dependencies"] == [{"from": "8080", "to": "yes", "protocol": "http", "role": "request"}]


def test_a_service_name_the_format_does_not_allow_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text("services:\n  _hidden:\n    image: example/a:1\n")
    with pytest.raises(UsageError, match="docker-compose.yml:2: '_hidden' cannot be a component name"):
        import_paths([str(path)])


def test_control_characters_are_reported_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text("services:\n  a:\n    image: x\x01y\n")
    with pytest.raises(InputError) as caught:
        import_paths([str(path)])
    assert (caught.value.diagnostics[0].line, caught.value.diagnostics[0].column) == (3, 13)
