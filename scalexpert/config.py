"""Settings of a check: which rules run, at which severity, with which thresholds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .model.base import StrictModel

FailOn = Literal["info", "low", "medium", "high", "critical", "never"]


class Config(StrictModel):
    """Options shared by the command line, configuration files and the library API."""

    fail_on: FailOn = Field("high", description="Lowest severity that makes `check` exit 1.")
    enable: list[str] = Field(default_factory=list, description="Only these rules (ids, names or categories) run.")
    disable: list[str] = Field(default_factory=list, description="These rules (ids, names or categories) do not run.")
    severity: dict[str, Literal["info", "low", "medium", "high", "critical"]] = Field(
        default_factory=dict, description="Severity overrides by rule id or name."
    )
    thresholds: dict[str, float] = Field(default_factory=dict, description="Threshold overrides by name.")
    rules: list[str] = Field(default_factory=list, description="Extra folders of rules.")
    growth: list[float] = Field(default_factory=list, description="Traffic multiples for the capacity growth table.")
    suppressions: bool = Field(True, description="Honour suppressions in architecture files.")
    extends: str | None = Field(None, description="A preset or another configuration file this one builds on.")
