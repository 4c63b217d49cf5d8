"""Observed topology and load → architecture, or measured figures laid over another import.

Read:

- an OpenTelemetry service graph: the servicegraph connector's ``traces_service_graph_request_total``
  (labels ``client``, ``server``), as a Prometheus HTTP API query result (JSON) or a scrape of the
  collector's Prometheus endpoint (text exposition format);
- a Jaeger (``/api/dependencies``) or Zipkin (``/api/v2/dependencies``) dependency export (JSON):
  ``parent``, ``child``, ``callCount``;
- Prometheus HTTP API query results (JSON, one response or a list of them) with the PromQL text beside the
  data as ``"query"`` (the API response does not carry it, and an aggregated result has no metric name):
  request rates (``rate(...)`` of a counter), latency percentiles (``histogram_quantile(q, ...)``) and
  utilization, per component (label ``service``, ``service_name``, ``job``, ``app``, ``container`` ...).

Call counts become edges and ``calls_per_request`` (calls on the edge / requests the caller served);
every such value's comment starts with ``measured:``. An observed figure replaces a stated or default
one when the telemetry is imported together with another source (:func:`overlay`).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import Diagnostic, InputError
from .detect import Classified
from .draft import ComponentDraft, Draft, Edge, Fact
from .sources import has_component_field, slug

_GRAPH_METRIC = "traces_service_graph_request_total"
_EXPOSITION = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)', re.MULTILINE)
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_COMPONENT_LABELS = ("service_name", "service", "server", "job", "app", "app_kubernetes_io_name", "deployment",
                     "container", "destination_workload", "workload")
_QUANTILE = re.compile(r"histogram_quantile\s*\(\s*(0?\.\d+|1(?:\.0+)?)")
_KIND_OF_CONNECTION = {"database": "database", "messaging_system": "queue"}


def recognise(value: Any) -> str | None:
    """Which telemetry export a parsed JSON value is: ``jaeger``, ``zipkin``, ``servicegraph``, ``prometheus``."""
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return "jaeger" if _links(value["data"]) else None
    if isinstance(value, list) and value and _links(value):
        return "zipkin"
    responses = value if isinstance(value, list) else [value]
    if responses and all(_prometheus(r) for r in responses):
        graph = any(_series_name(s) == _GRAPH_METRIC or {"client", "server"} <= set(_metric(s))
                    for r in responses for s in r["data"]["result"])
        return "servicegraph" if graph else "prometheus"
    return None


def recognise_text(text: str) -> bool:
    """A Prometheus text exposition that holds service graph series."""
    return f"{_GRAPH_METRIC}{{" in text


def _links(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "parent" in i and "child" in i for i in items)


def _prometheus(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("status") == "success" and isinstance(value.get("data"), dict)
            and value["data"].get("resultType") in ("vector", "matrix") and isinstance(value["data"].get("result"), list))


def _series_name(series: Any) -> str:
    return str(_metric(series).get("__name__", ""))


def _metric(series: Any) -> dict[str, Any]:
    """A series' labels (empty when the series or its ``metric`` is not a mapping)."""
    labels = series.get("metric") if isinstance(series, dict) else None
    return labels if isinstance(labels, dict) else {}


@dataclass
class Observed:
    """What the telemetry files measured."""

    calls: dict[tuple[str, str], float] = field(default_factory=dict)
    """Calls per edge (a count, or per second when the source was a rate)."""
    where: dict[tuple[str, str], str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    per_second: bool = False
    rates: dict[str, tuple[float, str]] = field(default_factory=dict)
    latency: dict[str, list[tuple[float, float, str]]] = field(default_factory=lambda: defaultdict(list))
    utilization: dict[str, tuple[float, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read(files: list[Classified]) -> Observed:
    """Every telemetry file, read into one set of observations."""
    observed = Observed()
    for item in files:
        text = item.text
        if recognise_text(text) and not text.lstrip().startswith(("{", "[")):
            _exposition(item, observed)
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise InputError(Diagnostic(item.path, 0, 0, "", f"invalid JSON: {exc}")) from None
        shape = recognise(value)
        if shape in ("jaeger", "zipkin"):
            _dependencies(item, value["data"] if shape == "jaeger" else value, observed)
        elif shape in ("servicegraph", "prometheus"):
            responses = value if isinstance(value, list) else [value]
            for number, response in enumerate(responses, 1):
                _query_result(item, response, observed, f"query {number} " if len(responses) > 1 else "")
        else:
            raise InputError(Diagnostic(item.path, 0, 0, "", "not a telemetry export scalexpert reads (a service "
                                        "graph, a Jaeger or Zipkin dependency list, or a Prometheus query result)"))
    return observed


def _count(value: Any, item: Classified, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(Diagnostic(item.path, 0, 0, "", f"{what}: {value!r} is not a number")) from None
    if not math.isfinite(number) or number < 0:
        raise InputError(Diagnostic(item.path, 0, 0, "", f"{what}: {value!r} is not a count"))
    return number


def _add_call(observed: Observed, client: str, server: str, calls: float, where: str) -> None:
    if not client or not server or client == server:
        return
    key = (slug(client), slug(server))
    observed.calls[key] = observed.calls.get(key, 0) + calls
    observed.where.setdefault(key, where)


def _dependencies(item: Classified, links: list[dict[str, Any]], observed: Observed) -> None:
    for index, link in enumerate(links):
        calls = _count(link.get("callCount", 0), item, f"link {index + 1} ({link.get('parent')} → {link.get('child')})")
        _add_call(observed, str(link["parent"]), str(link["child"]), calls, f"{item.label} link {index + 1}")


def _exposition(item: Classified, observed: Observed) -> None:
    for match in _EXPOSITION.finditer(item.text):
        if match.group("name") != _GRAPH_METRIC:
            continue
        labels = dict(_LABEL.findall(match.group("labels")))
        line = item.text.count("\n", 0, match.start()) + 1
        calls = _count(match.group("value"), item, f"line {line}")
        _add_call(observed, labels.get("client", ""), labels.get("server", ""), calls, f"{item.label}:{line}")
        _connection_kind(observed, labels)


def _connection_kind(observed: Observed, labels: dict[str, str]) -> None:
    kind = _KIND_OF_CONNECTION.get(labels.get("connection_type", ""))
    if kind and labels.get("server"):
        observed.kinds[slug(labels["server"])] = kind


def _query_result(item: Classified, response: dict[str, Any], observed: Observed, which: str) -> None:
    query = str(response.get("query", ""))
    rate = bool(re.search(r"\b(i?rate|increase)\s*\(", query))
    for index, series in enumerate(response["data"]["result"]):
        if not isinstance(series, dict):
            continue
        labels = {str(k): str(v) for k, v in (series.get("metric") or {}).items()}
        value = _last_value(series, item, index)
        name = labels.get("__name__", "")
        where = f"{item.label} {which}result {index + 1}"
        if name == _GRAPH_METRIC or {"client", "server"} <= set(labels):
            if "failed" in name or "failed" in query or "_seconds" in name or "_seconds" in query:
                continue  # failures and latencies of the graph are not calls
            observed.per_second = observed.per_second or rate
            _add_call(observed, labels.get("client", ""), labels.get("server", ""), value, where)
            _connection_kind(observed, labels)
            continue
        component = next((labels[k] for k in _COMPONENT_LABELS if labels.get(k)), None)
        if component is None:
            observed.notes.append(f"{where}: no label names a component ({', '.join(_COMPONENT_LABELS[:4])}...): "
                                  "not used")
            continue
        component = slug(component)
        kind = labels.get("span_kind", "")
        if kind and kind.upper().removeprefix("SPAN_KIND_") not in ("SERVER", "CONSUMER"):
            continue  # spanmetrics: a client span's calls and durations are the callee's, counted there
        measure = _measure(query, name)
        if measure is None and _SPAN_CALLS.search(name) and _counter_rate(series) is not None:
            value, measure = _counter_rate(series) or 0.0, "rate"  # a range of a calls counter: its rate
            query = query or f"rate of {name} over the range"
        if measure is None:
            observed.notes.append(f"{where}: what the figure measures is not known (give the PromQL text as "
                                  "\"query\" beside the result): not used")
        elif measure == "rate":  # several series of one service (span names, status codes) add up
            before = observed.rates.get(component)
            observed.rates[component] = ((before[0] if before else 0.0) + value,
                                         before[1] if before else f"{where}: {_short(query or name)}")
        elif measure == "utilization":
            if value > 1.0 and value <= 100:
                value /= 100  # a percentage
            observed.utilization[component] = (min(value, 1.0), f"{where}: {_short(query or name)}")
        else:
            quantile = float(measure)
            milliseconds = value if re.search(r"(_ms\b|milli)", query + name) else value * 1000
            if not math.isnan(milliseconds):
                observed.latency[component].append((quantile, milliseconds, f"{where}: {_short(query or name)}"))


_SPAN_CALLS = re.compile(r"(^|_)calls(_total)?$")
"""The spanmetrics connector's call counter (``calls_total``, ``traces_span_metrics_calls_total``)."""


def _counter_rate(series: dict[str, Any]) -> float | None:
    """The per-second rate of a counter from a range query's first and last samples (None: not a range)."""
    values = series.get("values")
    if not isinstance(values, list) or len(values) < 2:
        return None
    try:
        (t0, v0), (t1, v1) = (float(values[0][0]), float(values[0][1])), (float(values[-1][0]), float(values[-1][1]))
    except (TypeError, ValueError, IndexError):
        return None
    if t1 <= t0 or v1 < v0 or not all(math.isfinite(x) for x in (t0, v0, t1, v1)):
        return None  # a reset or a gauge: not a counter's rate
    return (v1 - v0) / (t1 - t0)


def _last_value(series: dict[str, Any], item: Classified, index: int) -> float:
    if isinstance(series.get("value"), list) and len(series["value"]) == 2:
        return _count(series["value"][1], item, f"result {index + 1}")
    values = series.get("values")
    if isinstance(values, list) and values:
        numbers = [_count(v[1], item, f"result {index + 1}") for v in values if isinstance(v, list) and len(v) == 2]
        return sum(numbers) / len(numbers) if numbers else 0.0
    raise InputError(Diagnostic(item.path, 0, 0, "", f"result {index + 1} has neither value nor values"))


def _measure(query: str, name: str) -> str | None:
    """``rate``, ``utilization`` or the quantile (``0.99``) that a query measures, or None."""
    text = f"{query} {name}".lower()
    quantile = _QUANTILE.search(text)
    if quantile:
        return quantile.group(1)
    if re.search(r"(cpu|memory|utili[sz]ation|saturation)", text):
        return "utilization"
    if re.search(r"\b(i?rate)\s*\(", text) and re.search(r"(_total|_count|requests|calls)", text):
        return "rate"
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "..."


# ---------------------------------------------------------------- a system from observations


def import_telemetry(files: list[Classified]) -> tuple[Draft, list[Edge]]:
    """An architecture made of what was observed alone: components, edges, calls per request, load."""
    observed = read(files)
    draft = Draft("telemetry")
    names = sorted({n for edge in observed.calls for n in edge} | set(observed.rates) | set(observed.utilization)
                   | set(observed.latency))
    if not names:
        raise InputError(Diagnostic(files[0].path, 0, 0, "", "no calls and no component figures in these "
                                    "telemetry files"))
    for name in names:
        comp = ComponentDraft(name, files[0].label)
        kind = observed.kinds.get(name)
        if kind:
            comp.set("kind", kind, "measured: the service graph's connection_type")
        else:
            comp.set("kind", "service", "inferred: seen in traces; telemetry does not tell the kind")
        draft.components[name] = comp
    edges = {key: Edge(key[0], key[1], (f"measured: {_calls(observed, key)} ({observed.where[key]})",), None, None)
             for key in sorted(observed.calls)}
    for name in names:
        if not any(target == name for _, target in observed.calls) and any(s == name for s, _ in observed.calls):
            draft.entry_points[name] = "measured: nothing in the traces calls it, so requests enter here"
    _apply(draft, edges, observed)
    draft.notes[:0] = observed.notes
    return draft, [edges[key] for key in sorted(edges)]


def _calls(observed: Observed, key: tuple[str, str]) -> str:
    value = observed.calls[key]
    return f"{_figure(value)} calls/s" if observed.per_second else f"{_figure(value)} calls"


def _figure(value: float) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def _apply(draft: Draft, edges: dict[tuple[str, str], Edge], observed: Observed, others: bool = False) -> list[str]:
    """Lay the observations over a draft: measured figures replace the others; returns what was replaced.

    ``others``: the draft comes from other sources (an overlay); an edge they state keeps its role, protocol
    and origin, and an edge only the traces show is a request edge."""
    replaced: list[str] = []
    served: dict[str, float] = defaultdict(float)
    for (_, target), calls in observed.calls.items():
        served[target] += calls
    for (source, target), calls in sorted(observed.calls.items()):
        if source not in draft.components or target not in draft.components:
            continue
        key = (source, target)
        edge = edges.get(key)
        evidence = f"measured: {_calls(observed, key)} ({observed.where[key]})"
        if edge is None:
            edge = Edge(source, target, (evidence,), None, None,
                        role=Fact("request", "measured: traced calls are requests") if others else None)
        elif not any(e.startswith("measured") for e in edge.evidence):
            edge = replace(edge, evidence=(*edge.evidence, evidence))
        if edge.role is not None and edge.role.value != "request" and calls > 0:  # traced calls are requests
            replaced.append(f"{source} → {target} role {edge.role.value}")
            edge = replace(edge, role=Fact("request", f"measured: calls traced ({observed.where[key]}); the other "
                                                     f"sources said {edge.role.value} ({edge.role.why})"))
        fields = dict(edge.fields)
        if served.get(source, 0) > 0:
            ratio = round(calls / served[source], 3)
            if ratio > 0:
                if "calls_per_request" in fields:
                    replaced.append(f"{source} → {target} calls_per_request")
                fields["calls_per_request"] = Fact(ratio, f"measured: {_figure(calls)} calls over "
                                                   f"{_figure(served[source])} requests {source} served")
        edges[key] = replace(edge, fields=fields)
    for name, (value, where) in sorted(observed.utilization.items()):
        if name in draft.components:
            if "utilization_avg" in draft.components[name].facts:
                replaced.append(f"{name} utilization_avg")
            draft.components[name].set("utilization_avg", round(value, 3), f"measured: {where}")
    for name, points in sorted(observed.latency.items()):
        if name not in draft.components:
            continue
        comp = draft.components[name]
        percentiles = {0.5: "p50_ms", 0.95: "p95_ms", 0.99: "p99_ms"}
        worst: dict[float, tuple[float, str]] = {}
        for q, ms, where in points:  # several series (span names): the slowest is the component's
            if q not in worst or ms > worst[q][0]:
                worst[q] = (ms, where)
        for q, (ms, where) in sorted(worst.items()):
            if q in percentiles and ms > 0 and has_component_field("observed"):
                comp.set(f"observed.{percentiles[q]}", round(ms, 1), f"measured: {where}")
        rest = [(q, ms) for q, (ms, _) in sorted(worst.items())
                if q not in percentiles or not has_component_field("observed")]
        if rest:
            text = ", ".join(f"p{_figure(q * 100)} {_figure(round(ms, 1))} ms" for q, ms in rest)
            old = comp.facts.get("description")
            description = f"{old.value} " if old else ""
            comp.set("description", f"{description}Measured latency: {text}."[:10_000],
                     f"{old.why}; measured: {points[0][2]}" if old else f"measured: {points[0][2]}")
    for name, (value, where) in sorted(observed.rates.items()):
        if name in draft.components and has_component_field("observed"):
            draft.components[name].set("observed.rps", round(value, 3), f"measured: {where}")
    entry_rates = [(name, value, where) for name, (value, where) in sorted(observed.rates.items())
                   if name in draft.entry_points or not any(t == name for _, t in observed.calls)]
    if entry_rates and all(name in draft.components for name, _, _ in entry_rates):
        total = sum(value for _, value, _ in entry_rates)
        if total > 0:
            draft.system["traffic.average_rps"] = Fact(round(total, 3), "measured: " + "; ".join(
                f"{name} {_figure(round(value, 3))}/s ({where})" for name, value, where in entry_rates))
    for name, (value, where) in sorted(observed.rates.items()):
        if name in draft.components and name not in {n for n, _, _ in entry_rates}:
            observed.notes.append(f"measured {_figure(round(value, 3))} requests/s at {name} ({where})")
    return replaced


def overlay(draft: Draft, found: list[Edge], files: list[Classified]) -> list[Edge]:
    """Lay telemetry over another import: observed edges and figures win, by component name."""
    observed = read(files)
    edges = {(e.source, e.target): e for e in found}
    unknown = sorted({n for key in observed.calls for n in key if n not in draft.components})
    replaced = _apply(draft, edges, observed, others=True)
    draft.notes.extend(observed.notes)
    measured = sum(1 for e in edges.values() for f in e.fields.values() if f.why.startswith("measured")) + \
        sum(1 for c in draft.components.values() for f in c.facts.values() if f.why.startswith("measured")) + \
        sum(1 for f in draft.system.values() if f.why.startswith("measured"))
    draft.notes.append(f"{measured} figures were measured (comments start with 'measured'); they replace stated "
                       "or default values" + (f" ({', '.join(replaced)})" if replaced else ""))
    if unknown:
        draft.notes.append(f"observed in telemetry but not in the other sources, left out: {', '.join(unknown)}")
    return [edges[key] for key in sorted(edges)]
