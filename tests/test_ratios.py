"""Ratios of stated numbers that graph analysis adds for rules (the rule language has no arithmetic)."""

from __future__ import annotations

from scalexpert.analysis.graph import analyse_graph
from scalexpert.loader import load_text

STATED = """
version: 1
system:
  traffic: {peak_rps: 3000, average_rps: 1000}
  objectives: {latency_p99_ms: 500}
components:
  api: {kind: service, runtime: jvm, heap_mb: 1536, gc_pause_p99_ms: 100, resources: {memory_limit_mb: 2048}}
  fn: {kind: function, function: {cold_start_ms: 800, duration_ms: 300}}
"""

UNSTATED = """
version: 1
system:
  traffic: {peak_rps: 3000}
components:
  api: {kind: service, runtime: jvm, heap_mb: 1536, gc_pause_p99_ms: 100}
  fn: {kind: function, function: {cold_start_ms: 800}}
"""


def test_ratios_are_computed_from_stated_numbers():
    graph = analyse_graph(load_text(STATED).model)
    assert graph.system is not None and graph.system.peak_to_average == 3.0
    assert graph.components["api"].heap_share == 0.75
    assert graph.components["api"].gc_pause_share == 0.2
    assert graph.components["fn"].cold_response_ms == 1100
    assert graph.notes["api"]["graph.heap_share"] == "heap_mb 1536 / resources.memory_limit_mb 2048 = 0.75"
    assert graph.sources["fn"]["graph.cold_response_ms"] == "function.cold_start_ms"


def test_ratios_are_none_when_a_number_is_not_stated():
    graph = analyse_graph(load_text(UNSTATED).model)
    assert graph.system is not None and graph.system.peak_to_average is None
    assert graph.components["api"].heap_share is None
    assert graph.components["api"].gc_pause_share is None
    assert graph.components["fn"].cold_response_ms is None
    assert "graph.heap_share" not in graph.notes["api"]
