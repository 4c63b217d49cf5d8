"""What graph analysis derives per component, dependency, entry flow and cycle (fact fields)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Derived(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ComponentGraph(_Derived):
    """Graph facts about one component."""

    is_entry: bool = Field(description="Requests enter the system here.")
    callers: int = Field(description="Distinct components that call or publish to it.")
    fan_in: int = Field(description="Distinct components that call it synchronously on the request path.")
    fan_out: int = Field(description="Synchronous request-path dependencies it has (routes of a one-of caller included).")
    fan_out_calls: float = Field(
        description="Synchronous calls it makes per request it serves: Σ route share or call probability × calls "
        "(a one-of router makes about one)."
    )
    hard_dependents: int = Field(
        description="Distinct components whose requests fail when it fails (hard request calls without fallback)."
    )
    writers: int = Field(description="Distinct components that write to it.")
    compute_clients: int = Field(description="Distinct services, workers and functions that use it.")
    sync_depth: int = Field(description="Longest chain of synchronous calls below it.")
    in_cycle: bool = Field(description="It is part of a cycle of synchronous dependencies.")
    on_request_path: bool = Field(description="Reachable from an entry point over request edges.")
    on_hard_path: bool = Field(
        description="Some entry traffic fails when it fails (reached over hard request calls without fallback)."
    )
    critical: bool = Field(description="On a hard path with no fallback anywhere between the entry point and it.")
    min_replicas: int | None = Field(default=None, description="Fewest replicas it runs with (replicas, or autoscaling min).")
    max_replicas: int | None = Field(default=None, description="Most replicas it runs with (autoscaling max, or replicas).")
    zone_count: int | None = Field(default=None, description="Zones it runs in.")
    region_count: int | None = Field(default=None, description="Regions it runs in.")
    redundant: bool | None = Field(default=None, description="Survives losing one instance (None: not stated).")
    zone_redundant: bool | None = Field(default=None, description="Survives losing one zone (None: not stated).")
    spof: bool = Field(description="On a hard path of an entry point and not redundant.")
    articulation_point: bool = Field(description="Removing it splits the dependency graph.")
    entry_flows: int = Field(description="Entry points whose hard flow contains it.")
    blast_radius: float = Field(
        description="Share of entry traffic that fails when it fails (0-1): entry shares along hard request calls, "
        "times route shares and call probabilities; unstated route shares split equally."
    )
    blast_radius_stated: float = Field(description="The blast radius from stated route shares alone (0-1).")
    blast_radius_assumed: bool = Field(description="The blast radius rests on an equal split of unstated route shares.")
    blast_traffic: str = Field(
        description="The traffic that fails with it, in words: '40 % of entry traffic', or 'the requests routed to "
        "x' where route shares are not stated."
    )
    retry_amplification: float = Field(description="Worst product of (1 + retries) over the paths that reach it.")
    consumers: int = Field(description="Components consuming its messages (queues and streams).")
    cached: bool = Field(description="A cache absorbs its reads (cache.fronts).")
    session_clients: int = Field(description="Components that keep their sessions in it.")
    depth_from_entry: int | None = Field(default=None, description="Fewest hops from an entry point.")
    startup_dependencies: int = Field(description="Dependencies it needs to start (role startup).")
    machine_domain: str | None = Field(
        default=None, description="The first host, VM or rack failure domain it sits in, as 'name (kind)' (all its replicas share it)."
    )
    routes_domain: str | None = Field(
        default=None, description="A host, VM or rack failure domain that all of its two or more one-of routes sit in."
    )
    server_domain: str | None = Field(default=None, description="The database-server failure domain it sits in.")
    server_members: str | None = Field(default=None, description="The components in that database-server domain, as 'a, b'.")
    server_member_count: int | None = Field(default=None, description="How many components that database-server domain holds.")
    server_lead: bool | None = Field(
        default=None, description="It is the alphabetically first component of its database-server domain (findings name it)."
    )
    server_clients: int | None = Field(
        default=None, description="Distinct services, workers and functions that call any component of that domain."
    )
    heap_share: float | None = Field(default=None, description="heap_mb / resources.memory_limit_mb (both stated).")
    cold_response_ms: float | None = Field(
        default=None, description="function.cold_start_ms + function.duration_ms: a cold invocation, ms (both stated)."
    )
    hot_key_shards: float | None = Field(
        None, description="data.sharding.top_key_share × data.sharding.shards: shards' worth of traffic on the hottest key (both stated)."
    )
    gc_pause_share: float | None = Field(
        default=None, description="gc_pause_p99_ms / the system's objectives.latency_p99_ms (both stated)."
    )


class DependencyGraph(_Derived):
    """Graph facts about one dependency."""

    sync: bool = Field(
        description="A request-path call the caller waits for (mode sync, the assumed default; start-up, health, "
        "admin and batch edges are not request-path calls)."
    )
    hard_effective: bool = Field(
        description="The caller's request fails when it fails: a sync request call, hard (stated, or assumed from "
        "the mode) and without fallback."
    )
    request: bool = Field(description="On the request path (role request, or not stated).")
    route_share: float = Field(
        description="Probability that one request of the caller uses it: the route's share under one-of routing, "
        "calls_per_request below 1 under fan-out, else 1 (0 off the request path)."
    )
    route_share_assumed: bool = Field(description="route_share is an equal split of unstated route shares.")
    source_kind: str = Field(description="Kind of the caller.")
    target_kind: str = Field(description="Kind of the target.")
    target_redundant: bool | None = Field(default=None, description="The target survives losing one instance.")
    target_min_replicas: int | None = Field(default=None, description="Fewest replicas of the target.")
    target_availability: float | None = Field(default=None, description="Stated availability of the target.")
    target_fan_in: int = Field(description="Distinct synchronous callers of the target.")
    target_sync_depth: int = Field(description="Longest synchronous chain below the target.")
    target_cached: bool = Field(description="A cache absorbs the target's reads.")
    on_cycle: bool = Field(description="Part of a cycle of synchronous dependencies.")
    on_hard_path: bool = Field(description="A request-path call whose caller is on a hard path of an entry point.")
    retry_amplification: float = Field(description="Worst product of (1 + retries) on paths ending with this call.")
    caller_timeout_ms: float | None = Field(default=None, description="Longest timeout with which the caller itself is called.")
    target_budget_ms: float | None = Field(
        default=None,
        description="Worst time the target may spend on its own sync calls: Σ (1 + retries) × timeout over "
        "sequential calls plus the longest parallel one; for a one-of target, its longest route.",
    )
    sibling_sync_calls: int = Field(description="Synchronous dependencies of the caller (incl. this one).")


class FlowGraph(_Derived):
    """Graph facts about the flow of one entry point."""

    entry: str = Field(description="The entry point.")
    sync_depth: int = Field(description="Longest chain of synchronous calls from the entry point.")
    longest_path: str = Field(description="That chain, as 'a → b → c'.")
    components: int = Field(description="Components reached from the entry point.")
    hard_components: int = Field(description="Components the entry point fails without.")
    retry_amplification: float = Field(description="Worst product of (1 + retries) along a path.")
    retry_layers: int = Field(description="Most retrying calls along one path.")
    traffic_share: float = Field(description="Share of entry traffic arriving here.")


class CycleGraph(_Derived):
    """A cycle of synchronous dependencies."""

    first: str = Field(description="Alphabetically first member (the subject of findings).")
    members: str = Field(description="Members, as 'a → b → a'.")
    size: int = Field(description="Number of components in the cycle.")


class SystemGraph(_Derived):
    """Graph facts about the whole system."""

    components: int = Field(description="Number of components.")
    services: int = Field(description="Services, workers and functions.")
    sync_dependencies: int = Field(description="Synchronous dependencies.")
    entry_points: int = Field(description="Entry points.")
    max_sync_depth: int = Field(description="Longest chain of synchronous calls from any entry point.")
    cycles: int = Field(description="Cycles of synchronous dependencies.")
    sync_without_timeout_share: float = Field(description="Share of synchronous dependencies without a timeout.")
    sync_without_breaker_share: float = Field(description="Share of synchronous dependencies without a circuit breaker.")
    zone_count: int | None = Field(default=None, description="Zones named in the system or its components.")
    region_count: int | None = Field(default=None, description="Regions named in the system or its components.")
    stateful_components: int = Field(description="Data stores, caches, queues and streams.")
    peak_to_average: float | None = Field(
        default=None, description="traffic.peak_rps / traffic.average_rps of the system (both stated)."
    )
