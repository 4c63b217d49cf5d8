"""Analyses that derive numbers from an architecture before the rules run."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .capacity.run import *  # noqa: F403  (the names below, for type checkers)

# Imported on first use (PEP 562): the fact schema needs only the record models, and commands
# such as ``scalexpert rules`` should not pay for the capacity analysis and networkx.
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
        return getattr(importlib.import_module(".capacity.run", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
