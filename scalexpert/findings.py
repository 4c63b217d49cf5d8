"""What a check produces: findings with their explanations, and the report around them.

All models are immutable and JSON-serialisable (``report.model_dump(mode="json")``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"
DOCS_RULES_URI = "https://github.com/scalexpert/scalexpert/blob/main/docs/rules/"
"""Base of the help URI of every rule: ``<base><RULE-ID>.md``."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Frozen):
    """A place in an input file (1-based line and column)."""

    file: str
    line: int
    column: int


class Condition(_Frozen):
    """One condition of a rule that a fact met, with the value that mattered."""

    fact: str = Field(description="The fact, e.g. 'component orders-db'.")
    field: str = Field(description="The field compared.")
    value: Any = Field(None, description="Its value.")
    requirement: str = Field(description="What the rule requires, e.g. '< 2'.")
    text: str = Field(description="'replicas = 1, rule requires < 2'.")
    location: Location | None = Field(None, description="Where the value was written (stated values).")
    derivation: str | None = Field(None, description="How a computed value was computed, with the user's numbers.")


class Proof(_Frozen):
    """How a fact the rule matched came about: stated, or derived by a rule from other facts."""

    fact: str = Field(description="The fact.")
    rule: str | None = Field(None, description="Rule that derived it (None: from the input and its analysis).")
    conditions: tuple[Condition, ...] = Field(default=(), description="Conditions the fact met in the rule.")
    absent: tuple[str, ...] = Field(default=(), description="Facts that had to be absent.")
    premises: tuple[Proof, ...] = Field(default=(), description="Proofs of the facts it was derived from.")


class Explanation(_Frozen):
    """Why a rule fired: the proof tree back to the input, and what would clear the finding."""

    proof: tuple[Proof, ...] = Field(description="One proof per fact the rule matched.")
    absent: tuple[str, ...] = Field(default=(), description="Facts whose absence the rule required.")
    severity_reason: str | None = Field(None, description="Why the severity differs from the rule's default.")
    what_if: tuple[str, ...] = Field(default=(), description="Input changes that would clear it, e.g. 'replicas: 1 → 2'.")


class SuppressionRecord(_Frozen):
    """The suppression that accepted a finding."""

    reason: str
    owner: str | None = None
    ticket: str | None = None
    expires: str | None = None
    location: Location | None = None


class Finding(_Frozen):
    """One conclusion of a rule about one or more subjects."""

    rule_id: str
    rule_name: str
    title: str
    category: str
    severity: str
    subjects: tuple[str, ...]
    message: str
    location: Location | None = None
    explanation: Explanation
    remedy: str = ""
    references: tuple[str, ...] = ()
    help_uri: str = ""
    fingerprint: str = Field(description="rule@subject[@subject]: stable across edits, used by baselines.")
    suppressed: SuppressionRecord | None = None
    baseline: bool = Field(False, description="Also in the baseline given to the run: reported, never failing.")


class Assumption(_Frozen):
    """A number or fact scalexpert assumed because the input did not state it."""

    subject: str
    field: str
    value: Any
    source: str


class ArchitectureSummary(_Frozen):
    """The shape of the checked architecture, for diagrams: components and who calls whom."""

    components: dict[str, str] = Field(default_factory=dict, description="Component name → kind.")
    dependencies: tuple[tuple[str, str, str], ...] = Field(
        default=(), description="(from, to, mode): mode is sync, async, or delivery (a queue to its consumer)."
    )
    entry_points: tuple[str, ...] = Field(default=(), description="Components where requests enter.")


class Report(_Frozen):
    """The result of checking one architecture."""

    schema_version: str = SCHEMA_VERSION
    tool_version: str
    file: str
    system: str
    findings: tuple[Finding, ...]
    rules_evaluated: int
    assumptions: tuple[Assumption, ...] = ()
    capacity: dict[str, Any] | None = None
    problems: tuple[str, ...] = Field(default=(), description="Problems of the run that are not findings.")
    architecture: ArchitectureSummary | None = Field(None, description="Components and dependencies, for diagrams.")
    rules_run: dict[str, str] = Field(default_factory=dict, description="Id → name of every finding rule evaluated.")

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings that are neither suppressed nor in the baseline: the ones that can fail a run."""
        return tuple(f for f in self.findings if f.suppressed is None and not f.baseline)
