"""What the capacity model reports: per component, per entry flow, for the system, per growth multiple.

Records are flat (scalars, and lists of names) so that they become ``capacity.<field>`` facts; each
carries ``derivations``: field name → the arithmetic with the file's numbers.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = Union[bool, int, float, str, None]


def tidy(value: Any) -> Any:
    """Drop floating-point dust: floats keep 12 significant digits (399.9999999999999 → 400.0).

    A float that overflowed (∞, NaN: only from absurd inputs) becomes None, so reports stay valid JSON.
    """
    if isinstance(value, float):
        return float(f"{value:.12g}") if math.isfinite(value) else None
    return value


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _tidy_floats(cls, data: Any) -> Any:
        if isinstance(data, dict):  # tidy() written out: this runs for every field of every record
            return {key: (float(f"{value:.12g}") if _finite(value) else None) if isinstance(value, float) else value
                    for key, value in data.items()}
        return data


_finite = math.isfinite


class Assumption(_Record):
    """A number the model used that the file does not state."""

    component: str = Field(description="Component, dependency ('a → b') or 'system' the number is about.")
    field: str = Field(description="The field that was assumed.")
    value: Scalar = Field(description="The value used.")
    source: str = Field(description="Where the default comes from (capacity-defaults.yaml).")
    reason: str = Field("", description="Why it was needed.")


class ComponentCapacity(_Record):
    """Load, capacity, queueing, availability and cost figures of one component."""

    kind: str = Field(description="Kind of the component.")
    offered_rps: float | None = Field(None, description="Peak requests per second arriving (after fan-out, caches, retries).")
    average_rps: float | None = Field(None, description="Average requests per second arriving.")
    read_rps: float | None = Field(None, description="Peak reads per second (None when the read share is unknown).")
    write_rps: float | None = Field(None, description="Peak writes per second (None when the read share is unknown).")
    read_share: float | None = Field(None, description="read_rps / offered_rps: share of its load that only reads.")
    offered_rps_at_horizon: float | None = Field(None, description="Peak load at the growth horizon.")
    replicas: int | None = Field(None, description="Instances serving today (for a database: primary + read replicas).")
    max_replicas: int | None = Field(None, description="Most instances the configuration allows (autoscaling max).")
    capacity_per_replica_rps: float | None = Field(None, description="Requests per second one instance serves.")
    capacity_rps: float | None = Field(None, description="Total capacity today: per replica × replicas.")
    shards: int | None = Field(None, description="Databases: shards the load spreads over (data.sharding.shards).")
    write_capacity_rps: float | None = Field(None, description="Databases: writes per second all primaries sustain (per node × shards).")
    max_capacity_rps: float | None = Field(None, description="Capacity at the most replicas the configuration allows.")
    capacity_source: Literal["stated", "assumed", "unknown"] = Field(
        "unknown", description="stated in the file, assumed from a published provider limit, or unknown."
    )
    scaling_efficiency: float | None = Field(
        None, description="Throughput of today's replicas ÷ (replicas × one replica's): 1 when scaling is linear (assumed unless stated)."
    )
    usl_peak_replicas: float | None = Field(
        None, description="N* = √((1 − σ) / κ): replicas beyond which adding more lowers throughput (USL; None without coherency cost)."
    )
    capacity_model: str | None = Field(
        None, description="How capacity is known: replicas, database, function (concurrency), limit (an admission limit), none."
    )
    utilization: float | None = Field(None, description="ρ at today's peak and replicas (for a database: the primary).")
    utilization_at_max: float | None = Field(None, description="ρ at today's peak with the most replicas allowed.")
    write_utilization: float | None = Field(None, description="Writes / write capacity of the primary.")
    write_only_utilization: float | None = Field(
        None, description="Databases: ρ of the primary from its writes alone (reads moved elsewhere)."
    )
    utilization_after_loss: float | None = Field(
        None, description="ρ at today's peak after losing the fullest zone (one replica when zones are not stated), at the most replicas allowed."
    )
    hot_shard_utilization: float | None = Field(
        None, description="Databases: ρ of the shard holding the hottest key: ρ per shard × (shards × top_key_share + 1 − top_key_share)."
    )
    cold_store_utilization: float | None = Field(
        None, description="Caches: ρ of the busiest store it fronts when it is empty or lost (the reads it absorbs come back)."
    )
    hot_key_concurrent_misses: float | None = Field(
        None, description="Caches: reads of the hottest key arriving while one miss rebuilds it (key rate × the store's service time)."
    )
    utilization_after_loss_at_max: float | None = Field(
        None, description="ρ after the same loss once the autoscaler has added replicas up to its maximum (its catch-up)."
    )
    loss_scenario: str | None = Field(None, description="What utilization_after_loss loses: a zone, or one replica when zones are not stated.")
    loss_catch_up: str | None = Field(None, description="What the autoscaler's catch-up after that loss gives, in words.")
    replicas_needed_basis: str | None = Field(
        None, description="What sets replicas_needed: N+1 (the spare replicas) or a zone lost, whichever needs more."
    )
    headroom: float | None = Field(None, description="1 − ρ.")
    queueing_factor: float | None = Field(
        None, description="Response time / service time (M/M/1 or Erlang C); None when ρ ≥ 1 (unbounded)."
    )
    service_time_ms: float | None = Field(None, description="Time one request takes without queueing, ms.")
    response_time_ms: float | None = Field(None, description="Mean response time: service time × queueing factor, ms.")
    response_time_p99_ms: float | None = Field(None, description="99th-percentile response time from the M/M/c tail, ms.")
    response_time_variance: float | None = Field(None, description="Variance of the response time, ms².")
    servers_per_replica: int | None = Field(None, description="Requests one replica serves at once (concurrency; servers in M/M/c).")
    admission_limit_rps: float | None = Field(None, description="Requests per second it admits (rate limit, function concurrency ÷ duration); the rest is rejected.")
    rejection_rate: float | None = Field(None, description="Share of today's peak an admission limit rejects: 1 − 1/ρ at ρ ≥ 1.")
    replicas_needed: int | None = Field(
        None, description="Replicas to stay ≤ the safe utilization at today's peak, N+1 and zone-loss aware."
    )
    replicas_needed_at_horizon: int | None = Field(None, description="The same at the growth horizon.")
    saturation_multiple: float | None = Field(
        None, description="Multiple of today's peak at which ρ reaches 1 at the most replicas allowed."
    )
    utilization_at_horizon: float | None = Field(None, description="ρ at the growth horizon, at the most replicas allowed.")
    replicas_at_horizon: int | None = Field(
        None, description="Replicas it runs at the growth horizon: today's, more as its autoscaler follows the load, at most its max."
    )
    running_utilization_at_horizon: float | None = Field(
        None, description="ρ at the growth horizon at the replicas it runs then (compare with utilization today)."
    )
    runway_months: float | None = Field(None, description="Months of growth until the safe utilization is reached.")
    storage_runway_months: float | None = Field(None, description="Months until the data fills max_storage_gb.")
    connection_demand: int | None = Field(None, description="Σ callers' pool size × their most replicas.")
    connection_demand_complete: bool | None = Field(None, description="Every caller's pool size is known.")
    max_connections: int | None = Field(None, description="Connection limit (stated, or the engine's default).")
    max_connections_source: Literal["stated", "assumed"] | None = Field(None, description="Where max_connections comes from.")
    connection_ratio: float | None = Field(None, description="connection_demand / max_connections.")
    concurrency_demand: float | None = Field(None, description="Functions: peak rps × duration (Little's law).")
    concurrency_limit: int | None = Field(None, description="Functions: reserved or account concurrency.")
    concurrency_limit_source: Literal["stated", "assumed"] | None = Field(None, description="Where concurrency_limit comes from.")
    arrival_rps: float | None = Field(None, description="Queues: messages per second arriving at peak.")
    consumers: int | None = Field(None, description="Queues: consumer instances.")
    consumers_effective: int | None = Field(None, description="Queues: min(consumers, partitions).")
    consumer_rate: float | None = Field(None, description="Queues: messages per second one consumer processes.")
    drain_rps: float | None = Field(None, description="Queues: consumers_effective × consumer_rate.")
    queue_utilization: float | None = Field(None, description="Queues: arrival / drain.")
    queue_utilization_at_max: float | None = Field(None, description="Queues: arrival / drain with the most consumers allowed.")
    backlog_growth_per_s: float | None = Field(None, description="Queues: messages per second the backlog grows at peak.")
    backlog_messages: float | None = Field(None, description="Queues: backlog after a consumer outage (the drain scenario).")
    drain_time_s: float | None = Field(None, description="Queues: seconds to drain that backlog at average arrival.")
    consumers_needed: int | None = Field(None, description="Queues: consumers to drain the peak at the safe utilization.")
    client_connection_demand: int | None = Field(None, description="Σ callers' pool size × their most replicas, before any pooler.")
    connection_optimum: int | None = Field(None, description="Databases: (2 × data.cores) + effective spindles (HikariCP formula).")
    connection_optimum_ratio: float | None = Field(None, description="connection_demand / connection_optimum.")
    pool_busy_connections: float | None = Field(
        None, description="Callers: connections one replica keeps busy at peak (database calls/s × database response time)."
    )
    pool_utilization: float | None = Field(None, description="Callers: pool_busy_connections / pool_size.")
    network_gbps_per_replica: float | None = Field(None, description="Gbit/s one replica moves at peak (requests served and made × payload).")
    nic_utilization: float | None = Field(None, description="network_gbps_per_replica / nic_gbps.")
    downstream_safe_rps: float | None = Field(
        None, description="Rate limiters: traffic through it at which the first component it feeds reaches the safe utilization."
    )
    downstream_saturation_rps: float | None = Field(
        None, description="Rate limiters: traffic through it at which the first component it feeds saturates (ρ = 1)."
    )
    downstream_bottleneck: str | None = Field(None, description="Rate limiters: that component.")
    downstream_safe_rejects: float | None = Field(
        None, description="Rate limiters: share of today's peak a limit at downstream_safe_rps would reject (0 when it is above today's peak)."
    )
    availability: float | None = Field(None, description="Effective availability incl. replicas and its failure domains (zone, region, named domains).")
    availability_own: float | None = Field(None, description="Availability with its failure domains up (replicas and capacity shortfall only).")
    failure_domains: list[str] = Field(default_factory=list, description="Shared failure domains it fails with (region, zone, named domains).")
    recovery: str | None = Field(None, description="How a failed instance comes back: reschedule, failover or rebuild (stated or inferred).")
    availability_source: Literal["stated", "assumed"] | None = Field(None, description="Where the instance availability comes from.")
    availability_replicas_needed: int | None = Field(
        None, description="Replicas that must be up to carry the peak (k of k-of-n); 1 when capacity or load is unknown."
    )
    monthly_cost: float | None = Field(None, description="hourly_cost × hours per month.")
    monthly_cost_at_horizon: float | None = Field(None, description="Monthly cost at the growth horizon.")
    cost_per_million_requests: float | None = Field(None, description="hourly_cost / (3600 × average rps) × 10⁶.")
    derivations: dict[str, str] = Field(default_factory=dict, description="Field → arithmetic with the file's numbers.")


class FlowCapacity(_Record):
    """Availability and latency of the requests of one entry point."""

    entry: str = Field(description="The entry point.")
    peak_rps: float | None = Field(None, description="Peak requests per second entering here.")
    average_rps: float | None = Field(None, description="Average requests per second entering here.")
    hard_components: list[str] = Field(default_factory=list, description="Components the flow fails without.")
    availability: float = Field(description="Composite availability of the hard-dependency flow.")
    availability_objective: float | None = Field(None, description="The system's availability objective.")
    availability_gap_nines: float | None = Field(None, description="Nines of the objective − nines of the estimate (> 0: short).")
    availability_dominant: list[str] = Field(default_factory=list, description="Components that dominate unavailability, worst first.")
    availability_assumed: list[str] = Field(
        default_factory=list, description="Components of the flow whose availability or instance count is assumed."
    )
    availability_assumed_count: int = Field(0, description="How many components of the flow rest on assumed availability figures.")
    availability_factors: int = Field(0, description="Factors of the flow's availability product: components and shared failure domains.")
    availability_assumed_factors: int = Field(0, description="How many of those factors rest on assumed figures.")
    availability_assumed_share: float = Field(0.0, description="availability_assumed_factors / availability_factors.")
    availability_display: str = Field("", description="The availability with the precision its inputs support (≈ 97 % when most are assumed).")
    latency_p99_ms: float | None = Field(
        None, description="99th-percentile latency estimate of the flow's requests, ms (M/M/c response times, log-normal sum)."
    )
    latency_mean_ms: float | None = Field(None, description="Mean latency of the flow's requests, ms.")
    latency_objective_ms: float | None = Field(None, description="The system's p99 latency objective, ms.")
    latency_is_lower_bound: bool = Field(False, description="Some component on the path has no service time.")
    latency_path: list[str] = Field(default_factory=list, description="The slowest synchronous path.")
    latency_saturated: str | None = Field(None, description="A component on the path with ρ ≥ 1 (latency unbounded).")
    latency_measured: bool = Field(
        False, description="latency_p99_ms is measured at the entry point (observed.p99_ms), not estimated."
    )
    latency_basis: str = Field("", description="Where latency_p99_ms comes from, in words (estimated from ..., or measured at ...).")
    derivations: dict[str, str] = Field(default_factory=dict, description="Field → arithmetic.")


class SystemCapacity(_Record):
    """System-wide figures."""

    entry_points: list[str] = Field(default_factory=list, description="Entry points the load enters through.")
    peak_rps: float | None = Field(None, description="Peak requests per second entering the system.")
    average_rps: float | None = Field(None, description="Average requests per second entering the system.")
    availability_estimate: float | None = Field(None, description="Availability of the worst entry flow.")
    availability_flow: str | None = Field(None, description="Entry point of that flow.")
    availability_display: str | None = Field(None, description="That availability with the precision its inputs support.")
    availability_factors: int | None = Field(None, description="Factors of that flow's availability (components and shared domains).")
    availability_assumed_factors: int | None = Field(None, description="How many of them rest on assumed figures.")
    availability_objective: float | None = Field(None, description="Availability objective.")
    availability_gap_nines: float | None = Field(None, description="Nines short of the objective (> 0: short).")
    latency_p99_estimate_ms: float | None = Field(None, description="Latency estimate of the slowest entry flow, ms.")
    latency_flow: str | None = Field(None, description="Entry point of that flow.")
    latency_saturated: str | None = Field(None, description="A component at ρ ≥ 1 on a flow's path (latency unbounded).")
    latency_objective_ms: float | None = Field(None, description="p99 latency objective, ms.")
    bottleneck: str | None = Field(None, description="Component with the highest utilization today.")
    max_utilization: float | None = Field(None, description="Its utilization.")
    breaking_component: str | None = Field(None, description="Component that saturates first as traffic grows.")
    breaking_multiple: float | None = Field(None, description="Multiple of today's peak at which it saturates.")
    horizon_multiple: float | None = Field(None, description="Traffic multiple at the growth horizon.")
    horizon_months: float | None = Field(None, description="Months to the growth horizon.")
    growth_monthly_rate: float | None = Field(None, description="Compound monthly traffic growth.")
    monthly_cost: float | None = Field(None, description="Σ monthly cost of the components that state hourly_cost.")
    monthly_cost_at_horizon: float | None = Field(None, description="The same at the growth horizon.")
    cost_per_million_requests: float | None = Field(None, description="Σ hourly cost / (3600 × average rps) × 10⁶.")
    cost_objective_per_million: float | None = Field(None, description="Budget per million requests.")
    cost_complete: bool = Field(False, description="Every component states hourly_cost.")
    function_concurrency_demand: float | None = Field(None, description="Σ concurrency of functions without reserved concurrency.")
    function_account_concurrency: int | None = Field(None, description="Account concurrency they share.")
    function_concurrency_utilization: float | None = Field(
        None, description="function_concurrency_demand / function_account_concurrency."
    )
    cycles: int = Field(0, description="Dependency cycles the load model had to cut.")
    assumptions: int = Field(0, description="Number of assumed numbers.")
    derivations: dict[str, str] = Field(default_factory=dict, description="Field → arithmetic.")


class BreakingPoint(_Record):
    """The component that saturates first as traffic grows."""

    component: str
    multiple: float
    derivation: str


class GrowthCell(_Record):
    """One component at one growth multiple."""

    load_rps: float | None = None
    utilization: float | None = Field(None, description="ρ at the most replicas allowed (what saturation is judged on).")
    queue_utilization: float | None = None
    replicas_needed: int | None = None
    replicas_running: int | None = Field(None, description="Replicas it runs at this load (autoscaled: today's, more as the load asks, at most its max).")
    running_utilization: float | None = Field(None, description="ρ at the replicas it runs at this load.")


class GrowthRow(_Record):
    """All components at one multiple of today's peak."""

    multiple: float
    components: dict[str, GrowthCell]
    saturated: list[str] = Field(default_factory=list, description="Components at ρ ≥ 1 at this multiple.")


class CapacityReport(_Record):
    """The capacity model of an architecture."""

    components: dict[str, ComponentCapacity]
    flows: list[FlowCapacity]
    system: SystemCapacity
    breaking_point: BreakingPoint | None = None
    growth_table: list[GrowthRow] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list)
