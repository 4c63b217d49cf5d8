"""Analyses that derive numbers from an architecture before the rules run."""

from .capacity import (
    Assumption,
    BreakingPoint,
    CapacityDefaults,
    CapacityReport,
    ComponentCapacity,
    FlowCapacity,
    GrowthCell,
    GrowthRow,
    SystemCapacity,
    analyse,
    load_defaults,
)

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
