"""Observed topology and load: service graphs, trace dependency exports and Prometheus query results."""

from __future__ import annotations

from typing import Any


def recognise(value: Any) -> str | None:
    """Which telemetry export a parsed JSON value is: ``jaeger``, ``zipkin``, ``prometheus`` or None."""
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        value = value["data"]  # Jaeger's HTTP API wraps the list
        if _links(value):
            return "jaeger"
    if isinstance(value, list) and value and _links(value):
        return "zipkin"
    if isinstance(value, dict) and value.get("status") == "success" and isinstance(value.get("data"), dict):
        data = value["data"]
        if data.get("resultType") in ("vector", "matrix") and isinstance(data.get("result"), list):
            return "prometheus"
    return None


def _links(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "parent" in i and "child" in i for i in items)
