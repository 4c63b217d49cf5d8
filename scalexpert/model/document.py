"""The root of an architecture file: version, system, components, dependencies, suppressions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from .base import Name, StrictModel
from .component import Component
from .dependency import Dependency
from .system import System


class Suppression(StrictModel):
    """An accepted finding: reported as suppressed, with a reason, until it expires."""

    rule: str = Field(min_length=1, max_length=100, description="Rule id (SPOF-001) or name (spof.single-instance).")
    component: str | None = Field(
        default=None, max_length=200, description="Component name the suppression applies to; '*' and '?' wildcards allowed."
    )
    reason: str = Field(min_length=1, max_length=2_000, description="Why the finding is accepted (mandatory).")
    owner: str | None = Field(default=None, max_length=200, description="Who accepted it.")
    ticket: str | None = Field(default=None, max_length=200, description="Ticket tracking the remedy.")
    expires: dt.date | None = Field(default=None, description="Date (YYYY-MM-DD) after which the suppression no longer applies.")

    @field_validator("expires", mode="before")
    @classmethod
    def _date_from_text(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"expected a date (YYYY-MM-DD), got {value!r}") from None
        if isinstance(value, dt.datetime):
            return value.date()
        return value

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a suppression needs a reason")
        return value


class Architecture(StrictModel):
    """A whole architecture description, format version 1."""

    version: Literal[1] = Field(description="Format version; must be 1.")
    system: System = Field(default_factory=System, description="The system as a whole.")
    components: dict[Name, Component] = Field(description="Components by name.")
    dependencies: list[Dependency] = Field(default_factory=list, description="Calls and messages between components.")
    suppressions: list[Suppression] = Field(default_factory=list, description="Accepted findings.")
    extends: str | None = Field(
        default=None, description="Path (relative to this file) of an architecture file this one extends and overrides."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_a_number(cls, value: object) -> object:
        if isinstance(value, bool):  # YAML's true equals 1 in Python; a version is never a boolean
            raise ValueError(f"expected 1, got {str(value).lower()}")
        return value
