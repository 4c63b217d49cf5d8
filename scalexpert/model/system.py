"""The ``system`` section: traffic, growth, objectives, failure domains."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import DomainName, Name, NonNegative, Positive, Ratio, StrictModel

class Traffic(StrictModel):
    """Load arriving at an entry point (or at the whole system)."""

    peak_rps: NonNegative | None = Field(default=None, description="Peak requests per second.")
    average_rps: NonNegative | None = Field(
        default=None, description="Average requests per second. Without a peak, the peak is assumed to be 2.5 × average."
    )
    read_ratio: Ratio | None = Field(default=None, description="Share of requests that only read (0–1).")
    payload_bytes: NonNegative | None = Field(default=None, description="Typical request plus response size in bytes.")
    spike_ramp_s: Positive | None = Field(
        default=None, description="Seconds in which traffic climbs from average to peak in the sharpest expected spike."
    )

    @model_validator(mode="after")
    def _peak_not_below_average(self) -> Traffic:
        if self.peak_rps is not None and self.average_rps is not None and self.peak_rps < self.average_rps:
            raise ValueError(f"peak_rps ({self.peak_rps:g}) is below average_rps ({self.average_rps:g})")
        return self

class JourneyObjectives(StrictModel):
    """What one user journey (the requests of one entry point) must achieve."""

    availability: Ratio | None = Field(default=None, description="Availability objective of this journey (0.999 = 99.9 %).")
    latency_p99_ms: Positive | None = Field(default=None, description="99th-percentile latency objective of this journey, ms.")

class EntryPoint(StrictModel):
    """A component where requests enter the system, with its own traffic."""

    component: Name = Field(description="Name of the component requests enter through.")
    traffic: Traffic | None = Field(default=None, description="Traffic at this entry point; defaults to the system traffic.")
    objectives: JourneyObjectives | None = Field(
        default=None, description="Objectives of the journey that enters here, when it differs from the system's."
    )

class Growth(StrictModel):
    """Expected traffic growth, as a factor over a horizon or as a monthly rate."""

    factor: Positive | None = Field(default=None, description="Traffic multiple expected at the end of the horizon (e.g. 3).")
    horizon_months: Positive | None = Field(default=None, description="Months until the factor is reached. Default 12.")
    monthly_rate: NonNegative | None = Field(
        default=None, description="Compound monthly growth rate (0.05 = 5 % a month). Used when no factor is given."
    )
    data_monthly_rate: NonNegative | None = Field(default=None, description="Compound monthly growth rate of stored data.")

class Objectives(StrictModel):
    """What the system must achieve."""

    availability: Ratio | None = Field(default=None, description="Availability objective as a fraction (0.999 = 99.9 %).")
    latency_p99_ms: Positive | None = Field(default=None, description="99th-percentile latency objective in milliseconds.")
    rto_s: NonNegative | None = Field(default=None, description="Recovery time objective in seconds.")
    rpo_s: NonNegative | None = Field(default=None, description="Recovery point objective in seconds (0 = no data loss).")
    cost_per_million_requests: NonNegative | None = Field(
        default=None, description="Budget per million requests, in the currency of the components' hourly costs."
    )
    staleness_s: NonNegative | None = Field(default=None, description="How stale data read by users may be, in seconds.")

class FailureDomain(StrictModel):
    """Something several components share beyond zones and regions, which fails for all of them at once."""

    kind: Literal["host", "vm", "cluster", "database-server", "runtime", "rack", "other"] = Field(
        description="What is shared: a host, VM, cluster, database server, shared runtime, rack, or other."
    )
    availability: Ratio | None = Field(default=None, description="Availability of the domain itself (0.999 = 99.9 %).")
    description: str | None = Field(default=None, max_length=2_000, description="What it is.")


class System(StrictModel):
    """The system as a whole."""

    name: str = Field(default="unnamed system", max_length=200, description="Name of the system.")
    description: str | None = Field(default=None, max_length=10_000, description="What the system does.")
    entry_points: list[Name | EntryPoint] | None = Field(
        default=None,
        description="Components where requests enter, by name or with their own traffic. "
        "When omitted: components of kind client, cdn, dns, load-balancer or api-gateway that nothing calls.",
    )
    traffic: Traffic | None = Field(default=None, description="Traffic at the entry points.")
    growth: Growth | None = Field(default=None, description="Expected growth of traffic and data.")
    objectives: Objectives | None = Field(default=None, description="Availability, latency, recovery and cost objectives.")
    regions: list[str] | None = Field(default=None, description="Regions the system runs in.")
    zones: list[str] | None = Field(default=None, description="Availability zones the system runs in.")
    failure_domains: dict[DomainName, FailureDomain] | None = Field(
        default=None,
        description="Shared failure domains by name (hosts, VMs, clusters, database servers, shared runtimes); "
        "components name those they share in their failure_domains. Zones are shared domains too.",
    )
    tenancy: Literal["single", "multi"] | None = Field(default=None, description="Single- or multi-tenant.")
    public_api: bool | None = Field(default=None, description="Whether third parties call the system's API.")
    dr_strategy: Literal["none", "backup-restore", "pilot-light", "warm-standby", "active-active"] | None = Field(
        default=None, description="Disaster-recovery strategy across regions."
    )
    chaos_testing: bool | None = Field(default=None, description="Whether failures are injected regularly (chaos engineering).")
    game_days: bool | None = Field(default=None, description="Whether failover game days or DR drills are run.")
    load_tested: bool | None = Field(default=None, description="Whether capacity figures come from load tests.")
    migration: Literal["none", "incremental", "big-bang"] | None = Field(
        default=None, description="How a monolith is being decomposed, if it is."
    )
    api_versioning: bool | None = Field(default=None, description="Whether the public API has a versioning policy.")
    pagination: bool | None = Field(default=None, description="Whether list endpoints are paginated with a maximum page size.")

