"""Observed topology and load: service graphs, Jaeger/Zipkin exports, Prometheus query results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scalexpert.errors import InputError
from scalexpert.importers import detect, import_paths

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "telemetry"


def _path(name: str) -> str:
    return str(FIXTURES / name)


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


@pytest.mark.parametrize("name", ["servicegraph.json", "collector-metrics.prom", "jaeger-dependencies.json",
                                  "zipkin-dependencies.json", "load.json"])
def test_every_export_is_recognised_by_content(name: str) -> None:
    assert detect(_path(name)) == "telemetry"


def test_a_service_graph_gives_edges_and_calls_per_request() -> None:
    result = import_paths([_path("servicegraph.json")])
    edges = _edges(result.raw)
    assert set(edges) == {("loadgen", "shop"), ("shop", "orders"), ("shop", "cache"), ("orders", "db")}
    assert edges[("shop", "orders")]["calls_per_request"] == 0.5  # a probability, never rounded up
    assert edges[("shop", "cache")]["calls_per_request"] == 3
    assert "calls_per_request" not in edges[("loadgen", "shop")]  # what loadgen serves is not observed
    assert result.raw["components"]["db"]["kind"] == "database"  # connection_type
    assert result.raw["system"]["entry_points"] == ["loadgen"]
    assert "calls_per_request: 0.5  # measured: 25 calls over 50 requests shop served" in result.yaml_text


def test_the_collector_scrape_and_trace_dependency_exports() -> None:
    scrape = _edges(import_paths([_path("collector-metrics.prom")]).raw)
    assert set(scrape) == {("frontend", "cart"), ("frontend", "catalog"), ("cart", "redis")}  # failures are not calls
    assert scrape[("cart", "redis")]["calls_per_request"] == 2
    assert _edges(import_paths([_path("jaeger-dependencies.json")]).raw)[("search", "index")]["calls_per_request"] == 3
    assert _edges(import_paths([_path("zipkin-dependencies.json")]).raw)[("accounts", "ledger")]["calls_per_request"] == 0.5


def test_observed_figures_lie_over_another_source_and_say_so() -> None:
    result = import_paths([_path("shop-compose.yml"), _path("servicegraph.json"), _path("load.json")])
    raw, edges = result.raw, _edges(result.raw)
    assert edges[("shop", "orders")]["protocol"] == "http"  # read from Compose
    assert edges[("shop", "orders")]["calls_per_request"] == 0.5  # measured
    assert ("shop", "cache") in edges  # a call only the traces show
    assert "loadgen" not in raw["components"]
    assert raw["components"]["orders"]["utilization_avg"] == 0.62
    assert raw["components"]["orders"]["observed"]["p99_ms"] == 320  # a format field, not description text
    assert raw["components"]["shop"]["observed"]["rps"] == 48.5
    assert raw["system"]["traffic"]["average_rps"] == 48.5
    notes = " ".join(result.notes)
    assert "observed in telemetry but not in the other sources, left out: loadgen" in notes
    assert "query 4 result 1: no label names a component" in notes
    assert "figures were measured (comments start with 'measured')" in notes


def test_refused_exports(tmp_path: Path) -> None:
    bad = tmp_path / "deps.json"
    bad.write_text(json.dumps([{"parent": "a", "child": "b", "callCount": "many"}]))
    with pytest.raises(InputError, match="is not a number"):
        import_paths([str(bad)])
    bad.write_text(json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {"service": "a"}, "value": [1, "3"]}]}}))
    with pytest.raises(InputError, match="no calls and no component figures"):
        import_paths([str(bad)])
