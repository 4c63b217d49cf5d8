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

SCHEMA_VERSION = "2"
"""2: root causes, the plan and the growth timeline (``root_causes``, ``plan``, ``timeline``); the score counts root causes."""


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
    if isinstance(value, dict):  # (no call per plain value: the capacity model has about a million)
        return {key: sorted_keys(item) if isinstance(item := value[key], _NESTED) else item for key in sorted(value)}
    if isinstance(value, (list, tuple)):
        return type(value)([sorted_keys(item) if isinstance(item, _NESTED) else item for item in value])
    return value


_NESTED = (dict, list, tuple)


def _capacity_json(value: CapacityReport) -> Any:
    return sorted_keys(value.model_dump(mode="json"))


_SORTED_KEYS = PlainSerializer(_capacity_json, return_type=dict[str, Any])
"""The capacity model is serialized with sorted keys (its records declare their fields by topic)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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


class Change(_Frozen):
    """One change to the design: a stated field of one subject set to a new value."""

    new: Any = Field(description="The value the change sets.")
    old: Any = Field(None, description="The value stated today.")
    path: tuple[str | int, ...] = Field(description="Where in the file, e.g. ('components', 'orders-db', 'replicas').")
    subject: str = Field(description="'component orders-db', 'dependency api → db' or 'system'.")
    text: str = Field(description="'orders-db: replicas 1 → 2'.")


class FlowEffect(_Frozen):
    """A flow's estimated availability before and after a change."""

    after: float | None = None
    before: float | None = None
    entry: str
    objective: float | None = None


class Effect(_Frozen):
    """What a change does, measured by re-running the whole analysis with it applied."""

    breaking_multiple_after: float | None = Field(None, description="Growth multiple at which the first component saturates.")
    breaking_multiple_before: float | None = None
    cleared: tuple[str, ...] = Field(default=(), description="Fingerprints of the findings that disappear.")
    flows: tuple[FlowEffect, ...] = ()
    introduced: tuple[str, ...] = Field(default=(), description="Fingerprints of findings that appear (each below what it clears).")
    monthly_cost_after: float | None = None
    monthly_cost_before: float | None = None
    monthly_cost_delta: float | None = Field(None, description="after − before (None when no cost is stated).")
    runway_months_after: float | None = Field(None, description="Months until the subject crosses safe utilization.")
    runway_months_before: float | None = None
    utilization_after: float | None = Field(None, description="Peak utilization of the changed component.")
    utilization_before: float | None = None


class Impact(_Frozen):
    """How a root cause was ranked: each part, and the arithmetic."""

    formula: str = Field(description="The arithmetic of the score.")
    gap_nines: float | None = Field(None, description="Nines missing from the worst affected flow's objective.")
    runway_months: float | None = Field(None, description="Months until an affected component crosses safe utilization.")
    score: float
    severity: str
    symptoms: int = Field(description="Findings it explains.")
    traffic_share: float | None = Field(None, description="Share of entry traffic through its subjects.")


class RootCause(_Frozen):
    """One cause: a design fact, the smallest verified change that clears it, its symptoms."""

    basis: str = Field(description="'change': findings a verified change clears; 'derived-fact': findings whose proofs share a "
                                   "derived fact; 'stated-fact': findings whose proofs rest on one stated design fact; 'systemic': one "
                                   "rule's findings on several subjects resting on the same stated facts; 'subject': findings on one "
                                   "subject that no verified change clears and that share no fact; "
                                   "'finding': one finding on its own.")
    category: str
    changes: tuple[Change, ...] = Field(default=(), description="The verified change (empty: none the file can make).")
    derived_fact: str | None = Field(None, description="The fact the symptoms' proofs share (basis derived-fact or stated-fact), or their subject (basis subject).")
    effect: Effect | None = Field(None, description="Measured by re-running with the change applied.")
    flows: tuple[str, ...] = Field(default=(), description="Entry flows through its subjects.")
    headline: str
    id: str = Field(description="RC1, RC2, ... in rank order.")
    impact: Impact
    location: Location | None = None
    rule_id: str = Field(description="The rule of the headline finding.")
    severity: str = Field(description="The most severe symptom.")
    subjects: tuple[str, ...]
    symptoms: tuple[str, ...] = Field(description="Fingerprints of the findings it explains (each in exactly one root cause).")


class Decision(_Frozen):
    """A choice the file cannot make for the team, with its trade-offs."""

    options: tuple[str, ...]
    question: str
    root_cause: str
    trade_offs: str


class PlanStep(_Frozen):
    """One step of the remediation plan."""

    after: tuple[int, ...] = Field(default=(), description="Steps that must come first.")
    changes: tuple[Change, ...]
    effect: Effect | None = Field(None, description="Measured with this step's change alone applied to today's design.")
    in_sequence: Effect | None = Field(
        None, description="Measured with every earlier step applied first: what this step adds on top of them "
                          "(None: not measured, the re-runs are bounded).")
    month: float | None = Field(None, description="Month the subject crosses safe utilization (phase before-horizon).")
    number: int
    order_reason: str | None = Field(None, description="Why it waits for the steps in ``after``.")
    phase: str = Field(description="now, before-horizon or hardening.")
    root_causes: tuple[str, ...]
    title: str


class TargetFigures(_Frozen):
    """What a check of an architecture reports, in figures (today's design, or the plan's target)."""

    availability: float | None = None
    breaking_multiple: float | None = None
    findings: dict[str, int] = Field(default_factory=dict, description="Active findings by severity.")
    flows: dict[str, float] = Field(default_factory=dict, description="Entry → estimated availability.")
    monthly_cost: float | None = None
    root_causes: int | None = Field(None, description="Root causes at medium or above (None: not grouped).")

    @field_validator("findings", "flows")
    @classmethod
    def _sorted(cls, value: dict[str, Any]) -> dict[str, Any]:
        return dict(sorted(value.items()))


class Plan(_Frozen):
    """The phased remediation plan, its target and what a check of the target still reports."""

    conflicts: tuple[str, ...] = Field(default=(), description="Changes that contradict each other, and which one the plan keeps.")
    decisions: tuple[Decision, ...] = ()
    remaining: tuple[str, ...] = Field(default=(), description="What a check of the target still reports, and why.")
    steps: tuple[PlanStep, ...]
    target: TargetFigures | None = Field(None, description="Measured by checking the target (every step applied).")
    today: TargetFigures | None = None


class TimelineEvent(_Frozen):
    """A component crossing a line as traffic grows."""

    component: str
    kind: str = Field(description="safe-utilization, saturation or storage-full.")
    month: float | None = None
    multiple: float | None = None
    text: str


class TimelinePoint(_Frozen):
    """The system at one month of growth."""

    fleet: int | None = Field(None, description="Replicas the load needs across sized components (at least today's).")
    fleet_target: int | None = None
    month: float | None = Field(None, description="Months from today (None: growth rate not stated, by multiple only).")
    monthly_cost: float | None = Field(None, description="Cost of the fleet the load needs at this month.")
    monthly_cost_target: float | None = Field(None, description="Cost of the plan's target at this month.")
    multiple: float
    utilization: dict[str, float] = Field(default_factory=dict, description="Component → utilization.")

    @field_validator("utilization")
    @classmethod
    def _sorted(cls, value: dict[str, float]) -> dict[str, float]:
        return dict(sorted(value.items()))


class Timeline(_Frozen):
    """Growth over time from the capacity model: crossings, fleet and cost."""

    events: tuple[TimelineEvent, ...] = ()
    horizon_months: float | None = None
    monthly_rate: float | None = None
    points: tuple[TimelinePoint, ...] = ()
    safe_utilization: float


class Report(_Frozen):
    """The result of checking one architecture."""

    architecture: ArchitectureSummary | None = Field(default=None, description="Components and dependencies, for diagrams.")
    assumptions: tuple[Assumption, ...] = ()
    capacity: Annotated[CapacityReport, _SORTED_KEYS] = Field(description="The capacity model: load, utilization, availability, latency, growth, cost.")
    catalogue: SkipJsonSchema[Catalogue] = Field(default_factory=Catalogue, exclude=True,
                                 description="Rules and categories of the run (in memory only: not written to JSON).")
    file: str
    findings: tuple[Finding, ...]
    plan: Plan | None = Field(None, description="The phased remediation plan (schema 2).")
    problems: tuple[str, ...] = Field(default=(), description="Problems of the run that are not findings.")
    root_causes: tuple[RootCause, ...] = Field(default=(), description="Findings grouped by cause, ranked (schema 2).")
    rules_evaluated: int
    rules_run: dict[str, str] = Field(default_factory=dict, description="Id → name of every finding rule evaluated.")
    schema_version: str = SCHEMA_VERSION
    system: str
    timeline: Timeline | None = Field(None, description="Growth and cost over time (schema 2).")
    tool_version: str

    @field_validator("rules_run")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sorted_keys(value)

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings that are neither suppressed nor in the baseline: the ones that can fail a run."""
        return tuple(f for f in self.findings if f.suppressed is None and not f.baseline)
