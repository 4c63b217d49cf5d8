"""Threagile models → architecture: every mapping, and each input refused with its message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scalexpert.errors import InputError
from scalexpert.importers import detect, import_paths
from scalexpert.importers.sources import has_component_field, has_system_field

SHOP = str(Path(__file__).parent / "fixtures" / "import" / "threagile" / "shop.threagile.yaml")


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_a_threagile_model_is_recognised_by_content() -> None:
    assert detect(SHOP) == "threagile"


def test_technical_assets_become_components_with_kinds_from_technology() -> None:
    raw = import_paths([SHOP]).raw
    kinds = {name: c["kind"] for name, c in raw["components"].items()}
    assert kinds == {"admin-tool": "service", "browser": "client", "edge-lb": "load-balancer",
                     "fulfilment": "function", "order-queue": "queue", "shop-db": "database", "shop-web": "service"}
    assert "payment-lib" not in raw["components"]  # a library runs inside another asset
    assert raw["system"]["name"] == "Small Shop"
    assert raw["system"]["entry_points"] == ["edge-lb"]  # called by the browser


def test_redundancy_and_availability_ratings() -> None:
    components = import_paths([SHOP]).raw["components"]
    assert components["edge-lb"]["replicas"] == 2 and components["shop-db"]["replicas"] == 2
    assert components["shop-web"]["replicas"] == 1
    assert "replicas" not in components["order-queue"]  # not stated: unknown, not one
    assert components["edge-lb"]["critical"] is True and components["shop-web"]["critical"] is True
    assert components["fulfilment"]["critical"] is False
    assert "critical" not in components["order-queue"]  # rated important: neither


def test_links_become_dependencies_with_protocol_mode_and_read_only() -> None:
    result = import_paths([SHOP])
    edges = _edges(result.raw)
    assert edges[("browser", "edge-lb")]["protocol"] == "http" and edges[("browser", "edge-lb")]["mode"] == "sync"
    assert edges[("shop-web", "order-queue")]["mode"] == "async"
    assert edges[("shop-web", "order-queue")]["protocol"] == "amqp"
    assert edges[("fulfilment", "order-queue")]["writes"] is False
    merged = edges[("shop-web", "shop-db")]  # a read-only and a writing link: one dependency, not read-only
    assert merged["protocol"] == "sql" and "writes" not in merged
    assert merged["description"] == "Read Products; Write Orders"
    assert "protocol jdbc-encrypted (shop.threagile.yaml:59)" in result.yaml_text


def test_trust_boundaries_and_shared_runtimes_are_failure_domains() -> None:
    result = import_paths([SHOP])
    if has_system_field("failure_domains") and has_component_field("failure_domains"):
        domains = result.raw["system"]["failure_domains"]
        assert domains["vm-1"]["kind"] == "host" and domains["lambda-runtime"]["kind"] == "runtime"
        assert "cloud" not in domains  # a network boundary is a security zone, not a shared failure
        assert result.raw["components"]["shop-db"]["failure_domains"] == ["cluster-1", "vm-1"]
    else:
        text = " ".join(result.notes)
        assert "Database VM (execution-environment)" in text and "order-queue, shop-db" in text
        assert "shared runtime Function Runtime" in text


@pytest.mark.parametrize(("body", "message", "line"), [
    ("threagile_version: 1.0.0\ntitle: x\n", "no technical assets to import", 0),
    ("threagile_version: 1.0.0\ntechnical_assets:\n  A:\n    type: process\n", "technical asset 'A' has no id", 3),
    ("threagile_version: 1.0.0\ntechnical_assets:\n  A:\n    id: a\n    communication_links:\n      L:\n"
     "        target: nowhere\n", "communication link 'L' of 'A' targets 'nowhere', which is no technical asset id", 7),
    ("threagile_version: 1.0.0\ntechnical_assets:\n  A:\n    id: a\n  B:\n    id: a\n",
     "technical asset id 'a' is used twice", 6),
])
def test_refused_models_say_why_and_where(tmp_path: Path, body: str, message: str, line: int) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        import_paths([str(path)])
    diagnostic = caught.value.diagnostics[0]
    assert message in diagnostic.message
    if line:
        assert diagnostic.line == line


def test_check_on_the_raw_model_runs_the_rules_instead_of_rejecting_keys() -> None:
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", SHOP, "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert "unknown key" not in done.stdout + done.stderr
    assert '"edge-lb"' in done.stdout
