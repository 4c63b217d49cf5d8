"""The shape of a rule file (validated with positions before the conditions are compiled)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ..model.base import StrictModel
from ..severity import Severity

RULE_ID = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}$"
RULE_NAME = r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$"
FACT_NAME = r"^[a-z][a-z0-9_-]*$"


class Escalation(StrictModel):
    """Raise (or lower) the severity when bound values meet conditions."""

    severity: Severity = Field(description="Severity to report when the conditions hold.")
    when: dict[str, dict[str, Any]] = Field(
        min_length=1, description="Variable name → operators, e.g. {rho: {ge: 1.0}}; all must hold."
    )


class FindingSpec(StrictModel):
    """Conclude a finding."""

    subjects: list[str] = Field(min_length=1, description="Templates naming the subjects, e.g. ['{name}'].")
    message: str = Field(min_length=1, description="Message template, filled from the bound variables.")
    escalate: list[Escalation] = Field(default_factory=list, description="Severity changes by bound values.")


class DeriveSpec(StrictModel):
    """Conclude an intermediate fact that other rules match."""

    fact: str = Field(pattern=FACT_NAME, description="Name of the derived fact type.")
    fields: dict[str, Any] = Field(min_length=1, description="Field → '$variable' or literal value.")


class ThenSpec(StrictModel):
    """What a rule concludes: exactly one finding or one derived fact."""

    finding: FindingSpec | None = None
    derive: DeriveSpec | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ThenSpec:
        if (self.finding is None) == (self.derive is None):
            raise ValueError("'then' needs exactly one of 'finding' or 'derive'")
        return self


class RuleSpec(StrictModel):
    """One rule file."""

    id: str = Field(pattern=RULE_ID, description="Stable id, e.g. SPOF-001; never changes once released.")
    name: str = Field(pattern=RULE_NAME, description="Dotted human name, e.g. availability.single-instance-store.")
    knowledge: str | dict[str, Any] | None = Field(
        default=None, description="Knowledge entry id (defaults to the rule id), or an inline entry for users' own rules."
    )
    severity: Severity = Field(default="medium", description="Severity of the findings.")
    salience: int = Field(default=0, ge=-1000, le=1000, description="Higher fires first; derivation rules use it to run early.")
    description: str | None = Field(default=None, description="What a derivation rule concludes.")
    aliases: list[str] = Field(default_factory=list, description="Former ids and names of this rule.")
    tags: list[str] = Field(default_factory=list, description="Free tags.")
    when: list[Any] = Field(min_length=1, description="Conditions, all of which must hold.")
    then: ThenSpec = Field(description="The conclusion.")
