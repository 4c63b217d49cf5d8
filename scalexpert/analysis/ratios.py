"""Ratios of stated numbers that rules compare with thresholds (the rule language has no arithmetic).

Each ratio exists only when every number it rests on is stated; otherwise it is None, so that no
rule fires on a number the user did not give.
"""

from __future__ import annotations

from ..model import Architecture, Component


def peak_to_average(arch: Architecture) -> float | None:
    """System peak rps over average rps, when both are stated and the average is positive."""
    traffic = arch.system.traffic
    if traffic is None or traffic.peak_rps is None or not traffic.average_rps:
        return None
    return round(traffic.peak_rps / traffic.average_rps, 6)


def component_ratios(arch: Architecture, comp: Component) -> dict[str, float | None]:
    """heap_share, cold_response_ms, gc_pause_share and hot_key_shards of one component (None where not stated)."""
    limit = comp.resources.memory_limit_mb if comp.resources else None
    heap_share = round(comp.heap_mb / limit, 6) if comp.heap_mb is not None and limit else None
    fn = comp.function
    cold = fn.cold_start_ms + fn.duration_ms if fn and fn.cold_start_ms is not None and fn.duration_ms is not None else None
    objective = arch.system.objectives.latency_p99_ms if arch.system.objectives else None
    gc_share = round(comp.gc_pause_p99_ms / objective, 6) if comp.gc_pause_p99_ms is not None and objective else None
    sharding = comp.data.sharding if comp.data else None
    hot = None
    if sharding and sharding.top_key_share is not None and sharding.shards and sharding.strategy != "none":
        hot = round(sharding.top_key_share * sharding.shards, 6)
    return {"heap_share": heap_share, "cold_response_ms": cold, "gc_pause_share": gc_share, "hot_key_shards": hot}


def ratio_notes(arch: Architecture, comp: Component, ratios: dict[str, float | None]) -> dict[str, str]:
    """How each ratio was computed, with the file's numbers (for explanations)."""
    notes: dict[str, str] = {}
    if ratios["heap_share"] is not None and comp.resources:
        notes["graph.heap_share"] = (
            f"heap_mb {comp.heap_mb:g} / resources.memory_limit_mb {comp.resources.memory_limit_mb:g} = {ratios['heap_share']:.2f}"
        )
    if ratios["cold_response_ms"] is not None and comp.function:
        notes["graph.cold_response_ms"] = (
            f"function.cold_start_ms {comp.function.cold_start_ms:g} + function.duration_ms {comp.function.duration_ms:g}"
            f" = {ratios['cold_response_ms']:g} ms"
        )
    if ratios["gc_pause_share"] is not None and arch.system.objectives:
        notes["graph.gc_pause_share"] = (
            f"gc_pause_p99_ms {comp.gc_pause_p99_ms:g} / objectives.latency_p99_ms "
            f"{arch.system.objectives.latency_p99_ms:g} = {ratios['gc_pause_share']:.2f}"
        )
    if ratios["hot_key_shards"] is not None and comp.data and comp.data.sharding:
        sharding = comp.data.sharding
        notes["graph.hot_key_shards"] = (
            f"data.sharding.top_key_share {sharding.top_key_share:g} × data.sharding.shards {sharding.shards} "
            f"= {ratios['hot_key_shards']:g} shards' worth of traffic on the hottest key"
        )
    return notes


RATIO_SOURCES = {"graph.heap_share": "heap_mb", "graph.cold_response_ms": "function.cold_start_ms",
                 "graph.gc_pause_share": "gc_pause_p99_ms", "graph.hot_key_shards": "data.sharding.top_key_share"}
"""Input field each ratio rests on (what-if remedies change that one)."""
