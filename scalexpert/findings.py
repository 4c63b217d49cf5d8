"""What a check produces: findings with their explanations, and the report around them.

All models are immutable and JSON-serialisable (``report.model_dump(mode="json")``). Fields are
declared in alphabetical order, and ``Report.capacity`` is serialized with sorted keys, so that the
JSON report comes out of pydantic's serializer with sorted keys and no re-sorting pass.

A report is complete: besides the findings it carries the capacity model (typed records) and the
catalogue of the rules that ran (titles, categories, help texts), so that reporters need nothing
but the report.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator
from pydantic.json_schema import SkipJsonSchema

from .analysis.capacity.records import CapacityReport
from .severity import Severity

SCHEMA_VERSION = "1"


def rule_help_uri(docs_url: str | None, rule_id: str) -> str:
    """The documentation address of a rule under a configured base (``docs_url``), or "" when none is set.

    The project publishes no documentation site of its own: a team that serves ``docs/`` (for
    example with ``mkdocs build``) sets ``docs_url`` to where it lives. A base with ``{rule}`` in it
    is a template (``https://wiki.example/scalexpert/{rule}.html``); any other base gets the page
    that ``mkdocs build`` makes of docs/rules/RULE.md appended (``<base>/rules/RULE/``).
    """
    if not docs_url:
        return ""
    if "{rule}" in docs_url:
        return docs_url.replace("{rule}", rule_id)
    return f"{docs_url.rstrip('/')}/rules/{rule_id}/"


def sorted_keys(value: Any) -> Any:
    """``value`` with the keys of every dict in it (lists and tuples included) in sorted order."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, (list, tuple)):
        return type(value)(sorted_keys(item) for item in value)
    return value


def _capacity_json(value: CapacityReport) -> Any:
    return sorted_keys(value.model_dump(mode="json"))


_SORTED_KEYS = PlainSerializer(_capacity_json, return_type=dict[str, Any])
"""The capacity model is serialized with sorted keys (its records declare their fields by topic)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Frozen):
    """A place in an input file (1-based line and column)."""

    column: int
    file: str
    line: int


class Condition(_Frozen):
    """One condition of a rule that a fact met, with the value that mattered."""

    derivation: str | None = Field(default=None, description="How a computed value was computed, with the user's numbers.")
    fact: str = Field(description="The fact, e.g. 'component orders-db'.")
    field: str = Field(description="The field compared.")
    location: Location | None = Field(default=None, description="Where the value was written (stated values).")
    requirement: str = Field(description="What the rule requires, e.g. '< 2'.")
    text: str = Field(description="'replicas = 1, rule requires < 2'.")
    value: Any = Field(default=None, description="Its value.")


class Proof(_Frozen):
    """How a fact the rule matched came about: stated, or derived by a rule from other facts."""

    absent: tuple[str, ...] = Field(default=(), description="Facts that had to be absent.")
    conditions: tuple[Condition, ...] = Field(default=(), description="Conditions the fact met in the rule.")
    fact: str = Field(description="The fact.")
    premises: tuple[Proof, ...] = Field(default=(), description="Proofs of the facts it was derived from.")
    rule: str | None = Field(default=None, description="Rule that derived it (None: from the input and its analysis).")


class Explanation(_Frozen):
    """Why a rule fired: the proof tree back to the input, and what would clear the finding."""

    absent: tuple[str, ...] = Field(default=(), description="Facts whose absence the rule required.")
    proof: tuple[Proof, ...] = Field(description="One proof per fact the rule matched.")
    severity_reason: str | None = Field(default=None, description="Why the severity differs from the rule's default.")
    what_if: tuple[str, ...] = Field(default=(), description="Input changes that would clear it, e.g. 'replicas: 1 → 2'.")


class SuppressionRecord(_Frozen):
    """The suppression that accepted a finding."""

    expires: str | None = None
    location: Location | None = None
    owner: str | None = None
    reason: str
    ticket: str | None = None


class Finding(_Frozen):
    """One conclusion of a rule about one or more subjects."""

    baseline: bool = Field(default=False, description="Also in the baseline given to the run: reported, never failing.")
    category: str
    explanation: Explanation
    fingerprint: str = Field(description="rule@subject[@subject]: stable across edits, used by baselines.")
    help_uri: str = ""
    location: Location | None = None
    message: str
    references: tuple[str, ...] = ()
    remedy: str = ""
    rule_id: str
    rule_name: str
    severity: Severity
    subjects: tuple[str, ...]
    suppressed: SuppressionRecord | None = None
    title: str


class Assumption(_Frozen):
    """A number or fact scalexpert assumed because the input did not state it."""

    field: str
    source: str
    subject: str
    value: Any


class ArchitectureSummary(_Frozen):
    """The shape of the checked architecture, for diagrams: components and who calls whom."""

    components: dict[str, str] = Field(default_factory=dict, description="Component name → kind.")
    dependencies: tuple[tuple[str, str, str], ...] = Field(
        default=(), description="(from, to, mode): mode is sync, async, or delivery (a queue to its consumer)."
    )
    entry_points: tuple[str, ...] = Field(default=(), description="Components where requests enter.")

    @field_validator("components")
    @classmethod
    def _sorted(cls, value: dict[str, str]) -> dict[str, str]:
        return dict(sorted(value.items()))


class RuleReference(_Frozen):
    """A public source a rule's knowledge entry cites."""

    title: str
    url: str | None = None


class RuleInfo(_Frozen):
    """What reports say about a rule: its names, category and, from its knowledge entry, the help text."""

    category: str = Field(description="Area of the knowledge base.")
    fix: str | None = Field(default=None, description="How to fix it (None: the rule has no knowledge entry).")
    id: str
    name: str
    references: tuple[RuleReference, ...] = ()
    summary: str | None = Field(default=None, description="What it is (None: the rule has no knowledge entry).")
    title: str
    trade_offs: str | None = None
    why: str | None = None


class Catalogue(_Frozen):
    """The rules and categories a report was made with (shared by every report of one run)."""

    categories: dict[str, str] = Field(default_factory=dict, description="Category slug → title.")
    rules: dict[str, RuleInfo] = Field(default_factory=dict, description="Rule id → what reports say about it.")


class Report(_Frozen):
    """The result of checking one architecture."""

    architecture: ArchitectureSummary | None = Field(default=None, description="Components and dependencies, for diagrams.")
    assumptions: tuple[Assumption, ...] = ()
    capacity: Annotated[CapacityReport, _SORTED_KEYS] = Field(description="The capacity model: load, utilization, availability, latency, growth, cost.")
    catalogue: SkipJsonSchema[Catalogue] = Field(default_factory=Catalogue, exclude=True,
                                 description="Rules and categories of the run (in memory only: not written to JSON).")
    file: str
    findings: tuple[Finding, ...]
    problems: tuple[str, ...] = Field(default=(), description="Problems of the run that are not findings.")
    rules_evaluated: int
    rules_run: dict[str, str] = Field(default_factory=dict, description="Id → name of every finding rule evaluated.")
    schema_version: str = SCHEMA_VERSION
    system: str
    tool_version: str

    @field_validator("rules_run")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sorted_keys(value)


    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings that are neither suppressed nor in the baseline: the ones that can fail a run."""
        return tuple(f for f in self.findings if f.suppressed is None and not f.baseline)
