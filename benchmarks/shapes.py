"""Hostile shapes for the benchmark: a long dependency chain and a wide fan-out.

``chain``: an entry balancer, then ``n`` services each calling the next (one path ``n`` long).
``fanout``: an entry balancer routing to one gateway that calls ``n`` services, each with its own
database. Both are small files whose analysis must stay near-linear in ``n``.
"""

from __future__ import annotations

SHAPES = ("chain", "fanout")

_HEAD = ("version: 1\nsystem:\n  name: {name}\n  traffic: {{peak_rps: 100}}\n"
         "  objectives: {{availability: 0.999, latency_p99_ms: 500}}\n"
         "  entry_points:\n    - {{component: edge}}\n")


def shape_text(shape: str, size: int) -> str:
    """The YAML text of ``shape`` with ``size`` services."""
    comps = ["components:", "  edge: {kind: load-balancer, replicas: 2}"]
    deps = ["dependencies:"]
    if shape == "chain":
        for i in range(size):
            comps.append(f"  s{i}: {{kind: service, replicas: 2, capacity_rps: 500, service_time_ms: 1}}")
        deps.append("  - {from: edge, to: s0, timeout_ms: 1000}")
        for i in range(size - 1):
            deps.append(f"  - {{from: s{i}, to: s{i + 1}, timeout_ms: 1000}}")
    elif shape == "fanout":
        comps.append("  gw: {kind: api-gateway, replicas: 2, capacity_rps: 5000}")
        deps.append("  - {from: edge, to: gw}")
        for i in range(size):
            comps.append(f"  s{i}: {{kind: service, replicas: 2, capacity_rps: 500}}")
            deps.append(f"  - {{from: gw, to: s{i}, timeout_ms: 1000}}")
    else:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    return _HEAD.format(name=f"{shape}-{size}") + "\n".join(comps + deps) + "\n"
