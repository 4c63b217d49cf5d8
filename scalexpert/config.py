"""Settings of a check: which rules run, at which severity, with which thresholds.

Configuration files (``.scalexpert.yaml``, ``[tool.scalexpert]`` in ``pyproject.toml``) are read by
:mod:`scalexpert.review.config_files`; their keys are the fields of :class:`Config`.
"""

from __future__ import annotations

from pydantic import Field

from .model.base import StrictModel
from .severity import FailOn, Severity


class Config(StrictModel):
    """Options shared by the command line, configuration files and the library API."""

    fail_on: FailOn = Field(default="high", description="Lowest severity that makes `check` exit 1.")
    enable: list[str] = Field(default_factory=list, description="Only these rules (ids, names or categories) run.")
    disable: list[str] = Field(default_factory=list, description="These rules (ids, names or categories) do not run.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Severity overrides by rule id or name."
    )
    thresholds: dict[str, float] = Field(default_factory=dict, description="Threshold overrides by name.")
    rules: list[str] = Field(default_factory=list, description="Extra folders of rules.")
    growth: list[float] = Field(default_factory=list, description="Traffic multiples for the capacity growth table.")
    suppressions: bool = Field(default=True, description="Honour suppressions in architecture files.")
    extends: str | None = Field(default=None, description="A preset or another configuration file this one builds on.")
    baseline: str | None = Field(default=None, description="Baseline file whose findings are reported but never fail a run.")
    docs_url: str | None = Field(
        default=None, description="Base address of your copy of the documentation site; findings and SARIF rules link to it "
        "only when it is set (e.g. https://docs.example.com/scalexpert/, or a template with {rule})."
    )

    def with_options(self, **changes: object) -> Config:
        """A copy with the given settings replaced (values of None are left out), validated again."""
        data = self.model_dump()
        data.update({key: value for key, value in changes.items() if value is not None})
        return Config.model_validate(data)
