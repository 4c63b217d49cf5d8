"""The quantitative capacity model: load, queueing, availability, latency, growth, cost.

Parts, in the order ``run.analyse`` uses them:

* ``defaults``: the documented default numbers (``capacity-defaults.yaml``);
* ``context``: what is read from the architecture once (entry traffic, load edges, queue drains);
* ``load``: load propagation through the dependency graph;
* ``queueing``: capacity, utilization, queueing factor and replica sizing of one component;
* ``resources``: queues and database connection pools;
* ``availability``: availability of components and of entry flows;
* ``latency``: mean and p99 latency of a flow along its request path;
* ``tails``: percentiles (M/M/c tail, log-normal sums), fan-out tail amplification, the USL curve;
* ``growth``: horizon, runway, saturation multiples and cost;
* ``component``: one component's record from all of the above;
* ``pressure``: figures that need every component (zone loss, NIC bandwidth, pool waits, rate limits);
* ``records``: the typed report (what the model reports);
* ``notation``: number formatting for derivations and the log of assumptions;
* ``render``: the capacity report as plain text;
* ``run``: ``analyse(arch)``, all of it in order.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import *  # noqa: F403  (the names below, for type checkers)

# Imported on first use (PEP 562): the fact schema needs only the record models.
__all__ = [
    "Assumption",
    "BreakingPoint",
    "CapacityDefaults",
    "CapacityReport",
    "ComponentCapacity",
    "FlowCapacity",
    "GrowthCell",
    "GrowthRow",
    "SystemCapacity",
    "analyse",
    "load_defaults",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".run", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
