"""The ``components`` section: one entry per service, store, queue, balancer, ..."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    DomainName,
    ONE_OF_KINDS,
    ComponentKind,
    Count,
    Name,
    NonNegative,
    Positive,
    PositiveCount,
    Ratio,
    StrictModel,
)


class Autoscaling(StrictModel):
    """Horizontal autoscaling of a component's replicas."""

    enabled: bool = Field(default=True, description="Whether autoscaling is active (a block without it means yes).")
    min: Count | None = Field(default=None, description="Minimum replicas.")
    max: PositiveCount | None = Field(default=None, description="Maximum replicas.")
    metric: Literal["cpu", "memory", "requests", "concurrency", "queue-depth", "queue-age", "latency", "custom"] | None = (
        Field(default=None, description="Metric the autoscaler follows.")
    )
    target: Positive | None = Field(
        default=None, description="Target value of the metric; for cpu and memory a utilization fraction (0.7 = 70 %)."
    )
    mode: Literal["reactive", "scheduled", "predictive"] | None = Field(default=None, description="How scaling is triggered.")
    scale_out_s: NonNegative | None = Field(default=None, description="Seconds from a load rise to new replicas serving.")

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Autoscaling:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


class HealthChecks(StrictModel):
    """Probes that tell orchestrators and balancers whether an instance can serve."""

    readiness: bool | None = Field(default=None, description="A readiness probe exists.")
    liveness: bool | None = Field(default=None, description="A liveness probe exists.")
    identical: bool | None = Field(default=None, description="Readiness and liveness probes are the same check.")
    deep: bool | None = Field(default=None, description="Liveness or balancer checks call shared dependencies (e.g. the database).")
    load_balancer: bool | None = Field(default=None, description="The load balancer health-checks this component.")


class Deployment(StrictModel):
    """How new versions are rolled out."""

    strategy: Literal["recreate", "all-at-once", "rolling", "blue-green", "canary"] | None = Field(
        default=None, description="Rollout strategy."
    )
    auto_rollback: bool | None = Field(default=None, description="Failed rollouts are rolled back automatically.")
    canary_analysis: bool | None = Field(default=None, description="Canaries are promoted on automated metric analysis.")
    schema_changes: Literal["expand-contract", "breaking", "none"] | None = Field(
        default=None, description="How database schema changes are rolled out alongside code."
    )
    immutable: bool | None = Field(
        default=None, description="New versions and configuration changes replace instances from versioned images; nothing is changed in place."
    )


class DisruptionBudget(StrictModel):
    """How many replicas voluntary disruptions (drains, upgrades) may take at once."""

    min_available: Count | None = Field(default=None, description="Replicas that must stay available.")
    max_unavailable: Count | None = Field(default=None, description="Replicas that may be unavailable.")


class Resources(StrictModel):
    """Container resources of one replica."""

    cpu_request: NonNegative | None = Field(default=None, description="CPU cores requested.")
    cpu_limit: NonNegative | None = Field(default=None, description="CPU cores limit.")
    memory_request_mb: NonNegative | None = Field(default=None, description="Memory requested, MiB.")
    memory_limit_mb: NonNegative | None = Field(default=None, description="Memory limit, MiB.")


class Observability(StrictModel):
    """What is known about the component's health from outside."""

    metrics: bool | None = Field(default=None, description="Golden-signal metrics (latency, traffic, errors, saturation).")
    tracing: bool | None = Field(default=None, description="Distributed tracing with context propagation.")
    central_logs: bool | None = Field(default=None, description="Logs shipped to a central store.")
    slo_alerts: bool | None = Field(default=None, description="Alerts on SLO burn rate.")


class Observed(StrictModel):
    """What telemetry measured at the component (request rate and server-side latency percentiles)."""

    rps: NonNegative | None = Field(default=None, description="Measured requests per second it serves.")
    p50_ms: Positive | None = Field(default=None, description="Measured median response time, ms (its calls included).")
    p95_ms: Positive | None = Field(default=None, description="Measured 95th-percentile response time, ms.")
    p99_ms: Positive | None = Field(default=None, description="Measured 99th-percentile response time, ms.")


class Replication(StrictModel):
    """Copies of a data store and how it fails over."""

    mode: Literal["none", "sync", "semi-sync", "async"] | None = Field(default=None, description="Replication mode.")
    read_replicas: Count | None = Field(default=None, description="Read replicas serving queries.")
    lag_s: NonNegative | None = Field(default=None, description="Typical (p99) replication lag, seconds.")
    failover: Literal["automatic", "manual", "none"] | None = Field(default=None, description="How a new primary takes over.")
    failover_tested: bool | None = Field(default=None, description="Failover is exercised regularly.")
    cross_region: bool | None = Field(default=None, description="A replica lives in another region.")
    lag_monitored: bool | None = Field(default=None, description="Replication lag is alerted on.")


class Sharding(StrictModel):
    """Horizontal partitioning of a data store."""

    strategy: Literal["none", "hash", "range", "directory", "modulo", "consistent-hash"] | None = Field(
        default=None, description="How keys map to shards."
    )
    key: str | None = Field(default=None, description="Shard (partition) key.")
    key_kind: Literal["uniform", "monotonic", "low-cardinality"] | None = Field(
        default=None, description="How the key's values spread: uniform, monotonic (timestamps, sequences) or low-cardinality."
    )
    shards: PositiveCount | None = Field(default=None, description="Number of shards.")
    top_key_share: Ratio | None = Field(default=None, description="Share of traffic that goes to the hottest key.")
    cross_shard_query_share: Ratio | None = Field(default=None, description="Share of queries that do not carry the shard key.")
    rebalance: Literal["none", "manual", "online"] | None = Field(default=None, description="How shards are rebalanced.")


class Backups(StrictModel):
    """Backups of a data store."""

    enabled: bool = Field(default=True, description="Backups are taken (a block without it means yes).")
    interval_h: Positive | None = Field(default=None, description="Hours between backups.")
    point_in_time: bool | None = Field(default=None, description="Point-in-time recovery (continuous log shipping).")
    cross_region: bool | None = Field(default=None, description="Copies are kept in another region or account.")
    restore_tested: bool | None = Field(default=None, description="Restores are tested regularly.")


class DataStore(StrictModel):
    """Properties of databases, search clusters, object storage and coordination services."""

    engine: str | None = Field(default=None, max_length=100, description="Engine, e.g. postgres, mysql, mongodb, cassandra, dynamodb.")
    replication: Replication | None = Field(default=None, description="Replication and failover.")
    sharding: Sharding | None = Field(default=None, description="Sharding.")
    size_gb: NonNegative | None = Field(default=None, description="Data size today, GB.")
    growth_gb_per_month: NonNegative | None = Field(default=None, description="Data growth, GB per month.")
    max_storage_gb: Positive | None = Field(default=None, description="Largest size the store can hold, GB.")
    max_connections: PositiveCount | None = Field(default=None, description="Connection limit (PostgreSQL default 100).")
    write_capacity_rps: Positive | None = Field(default=None, description="Writes per second the primary sustains.")
    cores: PositiveCount | None = Field(default=None, description="CPU cores of the primary.")
    backups: Backups | None = Field(default=None, description="Backups.")
    consistency: Literal["strong", "bounded", "session", "eventual"] | None = Field(
        default=None, description="Consistency model offered to readers."
    )
    multi_writer: bool | None = Field(default=None, description="Several nodes or regions accept writes.")
    conflict_resolution: Literal["none", "last-writer-wins", "crdt", "application"] | None = Field(
        default=None, description="How concurrent writes are reconciled."
    )
    pooler: bool | None = Field(default=None, description="A connection pooler or proxy (PgBouncer, RDS Proxy) sits in front.")
    denormalized_from: list[Name] | None = Field(default=None, description="Stores this one copies data from.")
    sync_channel: Literal["none", "events", "cdc", "batch"] | None = Field(
        default=None, description="How a denormalised copy is kept in sync."
    )
    analytics_queries: bool | None = Field(default=None, description="Reporting or analytics queries run on this store.")
    full_text_search: bool | None = Field(default=None, description="Full-text search runs on this (relational) store.")
    blobs: bool | None = Field(default=None, description="Large binary objects are stored in rows.")
    tiering: bool | None = Field(
        default=None, description="Older data moves to cheaper storage tiers or an archive by a lifecycle policy."
    )


class Cache(StrictModel):
    """Properties of a cache."""

    mode: Literal["standalone", "replicated", "cluster"] | None = Field(default=None, description="Deployment mode.")
    hit_ratio: Ratio | None = Field(default=None, description="Share of reads served from the cache.")
    ttl_s: NonNegative | None = Field(default=None, description="Time to live of entries, seconds (0 = none).")
    ttl_jitter: bool | None = Field(default=None, description="TTLs are randomised so entries do not expire together.")
    eviction: Literal["none", "lru", "lfu", "random", "ttl"] | None = Field(default=None, description="Eviction policy.")
    stampede_protection: Literal["none", "lock", "coalesce", "early-refresh", "stale-while-revalidate"] | None = Field(
        default=None, description="What stops many concurrent misses on one key from reaching the backend."
    )
    invalidation: Literal["none", "ttl", "write-through", "delete-on-write", "event"] | None = Field(
        default=None, description="How entries are invalidated when data changes."
    )
    hot_key_share: Ratio | None = Field(default=None, description="Share of reads that go to the hottest key.")
    max_value_bytes: NonNegative | None = Field(default=None, description="Largest value stored, bytes.")
    fronts: list[Name] | None = Field(default=None, description="Stores or services whose reads this cache absorbs (cache-aside).")
    warm_up: bool | None = Field(default=None, description="The cache is warmed before taking traffic.")
    writers: PositiveCount | None = Field(default=None, description="Number of components that write or invalidate entries.")


class Messaging(StrictModel):
    """Properties of queues and streams."""

    consumed_by: list[Name] | None = Field(default=None, description="Components that consume the messages.")
    partitions: PositiveCount | None = Field(default=None, description="Partitions or shards.")
    consumers: PositiveCount | None = Field(
        default=None, description="Consumer instances; defaults to the replicas of the consuming components."
    )
    consumer_rate: Positive | None = Field(default=None, description="Messages per second one consumer instance processes.")
    dead_letter_queue: bool | None = Field(default=None, description="Poison messages go to a dead-letter queue.")
    max_receive_count: PositiveCount | None = Field(default=None, description="Deliveries before a message is dead-lettered.")
    visibility_timeout_s: NonNegative | None = Field(default=None, description="Visibility timeout, seconds.")
    ordering: Literal["none", "per-key", "total"] | None = Field(default=None, description="Ordering the consumers need.")
    ordering_key: str | None = Field(default=None, description="Key that messages are partitioned by to keep order.")
    delivery: Literal["at-most-once", "at-least-once", "exactly-once"] | None = Field(default=None, description="Delivery guarantee.")
    idempotent_consumers: bool | None = Field(default=None, description="Consumers tolerate duplicate messages.")
    retention_h: NonNegative | None = Field(default=None, description="How long messages are kept, hours.")
    message_ttl_s: NonNegative | None = Field(default=None, description="Age after which messages are dropped, seconds.")
    replication_factor: PositiveCount | None = Field(default=None, description="Copies of each partition.")
    min_insync_replicas: PositiveCount | None = Field(default=None, description="Replicas that must acknowledge a write.")
    producer_acks: Literal["0", "1", "all"] | None = Field(default=None, description="Producer acknowledgement level.")
    durable: bool | None = Field(default=None, description="Messages survive a broker restart.")
    max_message_bytes: NonNegative | None = Field(default=None, description="Largest message, bytes.")
    consumer_lag_tolerance_h: NonNegative | None = Field(default=None, description="Longest consumer outage to survive, hours.")
    push_subscribers: bool | None = Field(default=None, description="Subscribers are pushed to (HTTP/function) without a buffer.")
    replay_h: NonNegative | None = Field(
        default=None, description="How far back consumers must be able to re-read messages (reprocessing, rebuilding read models), hours."
    )


class Balancer(StrictModel):
    """Properties of load balancers and API gateways."""

    algorithm: Literal[
        "round-robin", "weighted-round-robin", "least-connections", "least-outstanding", "random", "ip-hash",
        "hash-mod", "consistent-hash", "power-of-two"
    ] | None = Field(default=None, description="Balancing algorithm.")
    layer: Literal["l4", "l7"] | None = Field(default=None, description="Network layer it balances at.")
    health_checks: bool | None = Field(default=None, description="Backends are health-checked.")
    rate_limit_rps: Positive | None = Field(default=None, description="Total requests per second it admits.")
    rate_limiting: bool | None = Field(default=None, description="Any rate limiting is applied.")
    per_client_quota: bool | None = Field(default=None, description="Limits per client or API key.")
    idle_timeout_s: Positive | None = Field(default=None, description="Idle connection timeout, seconds.")
    request_timeout_s: Positive | None = Field(default=None, description="Longest request it lets through, seconds.")
    authentication: bool | None = Field(default=None, description="Authenticates requests.")


class Function(StrictModel):
    """Properties of serverless functions."""

    timeout_s: Positive | None = Field(default=None, description="Function timeout, seconds.")
    duration_ms: Positive | None = Field(default=None, description="Typical duration of one invocation, ms.")
    cold_start_ms: NonNegative | None = Field(default=None, description="Added latency of a cold start, ms.")
    provisioned_concurrency: Count | None = Field(default=None, description="Pre-initialised instances.")
    reserved_concurrency: Count | None = Field(default=None, description="Concurrency reserved for this function.")
    account_concurrency: PositiveCount | None = Field(
        default=None, description="Concurrency limit shared by the account's functions (default 1,000)."
    )
    connections_per_instance: Count | None = Field(default=None, description="Database connections each instance opens.")


class Cdn(StrictModel):
    """Properties of a content delivery network."""

    hit_ratio: Ratio | None = Field(default=None, description="Share of requests served from the edge.")
    max_age_s: NonNegative | None = Field(default=None, description="Cache lifetime of versioned static assets, seconds.")
    origin_shield: bool | None = Field(default=None, description="An origin shield tier is enabled.")


_BLOCK_KINDS: dict[str, frozenset[str]] = {
    "data": frozenset({"database", "search", "object-storage", "coordination", "cache", "queue", "stream"}),
    "cache": frozenset({"cache"}),
    "messaging": frozenset({"queue", "stream"}),
    "balancer": frozenset({"load-balancer", "api-gateway"}),
    "function": frozenset({"function"}),
    "cdn": frozenset({"cdn"}),
}


class Component(StrictModel):
    """One part of the system, of one of the documented kinds."""

    kind: ComponentKind = Field(description="What the component is.")
    description: str | None = Field(default=None, max_length=10_000, description="What it does.")
    technology: str | None = Field(default=None, max_length=200, description="Product or image, e.g. 'postgres:15', 'redis'.")
    owner: str | None = Field(default=None, max_length=200, description="Team that owns it.")
    environment: Literal["production", "non-production"] | None = Field(default=None, description="Environment it serves.")
    critical: bool | None = Field(default=None, description="Whether the business considers it critical.")
    managed: bool | None = Field(
        default=None, description="Run by a provider as a managed (redundant, multi-zone) service, e.g. RDS Multi-AZ, S3."
    )
    replicas: PositiveCount | None = Field(default=None, description="Running instances (for a database: nodes incl. primary).")
    routing: Literal["one-of", "fan-out"] | None = Field(
        default=None,
        description="How a request uses the component's request edges: one-of (each request takes one of them, "
        "weighted by their share: routes, alternatives) or fan-out (each request calls all of them). "
        "Assumed one-of for load-balancer, api-gateway and dns, fan-out otherwise.",
    )
    failure_domains: list[DomainName] | None = Field(
        default=None,
        description="Failure domains it shares with other components beyond zones and regions (a host, VM, "
        "cluster, database server, shared runtime), by their names in system.failure_domains.",
    )
    storage: Literal["ephemeral", "persistent"] | None = Field(
        default=None,
        description="Where it keeps its data: ephemeral (container filesystem, emptyDir: lost when the instance "
        "is replaced) or persistent (volume, PVC, managed storage).",
    )
    recovery: Literal["reschedule", "failover", "rebuild"] | None = Field(
        default=None,
        description="How a failed instance comes back: reschedule (an orchestrator replaces it in minutes), "
        "failover (a standby takes over) or rebuild (rebuilt or restored by hand, hours).",
    )
    zones: list[str] | PositiveCount | None = Field(default=None, description="Zones it runs in, as names or a count.")
    regions: list[str] | PositiveCount | None = Field(default=None, description="Regions it runs in, as names or a count.")
    autoscaling: Autoscaling | Literal["none"] | None = Field(
        default=None, description="Horizontal autoscaling; `none`: stated that there is none (not stated: leave it out)."
    )
    scaling: Literal["horizontal", "vertical-only"] | None = Field(default=None, description="How it can grow.")
    capacity_rps: Positive | None = Field(
        default=None, description="Requests per second one replica serves at acceptable latency (from a load test)."
    )
    service_time_ms: Positive | None = Field(default=None, description="Time one request takes to process, ms, without queueing.")
    concurrency: PositiveCount | None = Field(
        default=None, description="Requests one replica serves at once (servers per replica in the queueing model)."
    )
    contention: Ratio | None = Field(
        default=None, description="Universal Scalability Law contention coefficient σ (serialised share of the work)."
    )
    coherency: Ratio | None = Field(
        default=None, description="Universal Scalability Law coherency coefficient κ (cost of keeping replicas consistent)."
    )
    scaling_efficiency: Annotated[float, Field(gt=0.0, le=1.0)] | None = Field(
        default=None, description="Measured scaling efficiency at the stated replicas (throughput ÷ replicas × one replica's)."
    )
    availability: Ratio | None = Field(default=None, description="Availability of the component itself (e.g. a provider SLA).")
    stateless: bool | None = Field(default=None, description="Keeps no state between requests in the instance.")
    session_state: Literal["none", "local", "external", "token"] | None = Field(
        default=None, description="Where user session state lives."
    )
    session_store: Name | None = Field(default=None, description="Component that holds external session state.")
    sticky_sessions: bool | None = Field(default=None, description="Clients are pinned to one instance.")
    local_disk_writes: bool | None = Field(default=None, description="Writes files to local disk that other replicas need.")
    serves_static: bool | None = Field(default=None, description="Serves static assets (images, scripts, styles).")
    monolith: bool | None = Field(default=None, description="A monolith that holds many capabilities.")
    websocket: bool | None = Field(default=None, description="Holds long-lived WebSocket connections.")
    pubsub_backplane: bool | None = Field(default=None, description="WebSocket nodes share messages through a pub/sub backplane.")
    health_checks: HealthChecks | None = Field(default=None, description="Health checks.")
    deployment: Deployment | None = Field(default=None, description="Rollout strategy.")
    disruption_budget: DisruptionBudget | Literal["none"] | None = Field(
        default=None, description="Disruption budget (e.g. Kubernetes PDB); `none`: stated that there is none."
    )
    anti_affinity: bool | None = Field(default=None, description="Replicas are spread across hosts or zones.")
    resources: Resources | None = Field(default=None, description="Container resources per replica.")
    runtime: Literal["jvm", "go", "node", "python", "dotnet", "ruby", "rust", "other"] | None = Field(
        default=None, description="Language runtime."
    )
    heap_mb: Positive | None = Field(default=None, description="Maximum heap, MiB (JVM -Xmx).")
    gc_pause_p99_ms: NonNegative | None = Field(default=None, description="99th-percentile GC pause, ms.")
    observability: Observability | None = Field(default=None, description="Metrics, tracing, logs and alerts.")
    pool_size: PositiveCount | None = Field(default=None, description="Database connections each replica's pool holds.")
    bulkheads: bool | None = Field(default=None, description="Separate pools per dependency.")
    outbox: bool | None = Field(default=None, description="Events are published through a transactional outbox or CDC.")
    cells: bool | None = Field(default=None, description="Partitioned into independent cells or shuffle shards.")
    hourly_cost: NonNegative | None = Field(default=None, description="Cost per hour of the whole component at its replicas.")
    pricing: Literal["on-demand", "reserved", "savings-plan", "spot"] | None = Field(default=None, description="Pricing model.")
    utilization_avg: Ratio | None = Field(default=None, description="Observed average utilization (0–1).")
    observed: Observed | None = Field(
        default=None, description="Measured load and latency (telemetry); a measured p99 at an entry point is the "
        "flow's latency, in place of the estimate."
    )
    nic_gbps: Positive | None = Field(default=None, description="Network bandwidth per replica, Gbit/s.")
    quota_rps: Positive | None = Field(
        default=None, description="Provider quota or account limit on the requests (or messages) per second it accepts, e.g. an API gateway's account throttle."
    )
    load_shedding: bool | None = Field(
        default=None, description="Past its capacity it rejects excess requests early (HTTP 429/503) from a bounded queue instead of queueing them all."
    )
    graceful_shutdown: bool | None = Field(
        default=None, description="On termination it stops taking requests, finishes those in flight and leaves the balancer before exiting (connection draining)."
    )
    recovery_control_plane: bool | None = Field(
        default=None, description="Recovering it (failover, replacement, a DNS change) needs a provider control-plane call, not only mechanisms already running."
    )
    saga: Literal["none", "orchestrated", "choreographed"] | None = Field(
        default=None, description="How writes it makes in several services are coordinated and compensated when one step fails."
    )
    data: DataStore | None = Field(default=None, description="Data-store properties (databases, search, storage, caches, brokers).")
    cache: Cache | None = Field(default=None, description="Cache properties (kind cache).")
    messaging: Messaging | None = Field(default=None, description="Queue or stream properties (kinds queue, stream).")
    balancer: Balancer | None = Field(default=None, description="Balancer properties (kinds load-balancer, api-gateway).")
    function: Function | None = Field(default=None, description="Serverless properties (kind function).")
    cdn: Cdn | None = Field(default=None, description="CDN properties (kind cdn).")

    @model_validator(mode="after")
    def _blocks_fit_kind(self) -> Component:
        for block, kinds in _BLOCK_KINDS.items():
            if getattr(self, block) is not None and self.kind not in kinds:
                allowed = ", ".join(sorted(kinds))
                raise ValueError(f"'{block}' applies to kind {allowed}, not to '{self.kind}'")
        return self

    @property
    def route_mode(self) -> str:
        """``routing`` as stated, else the default of the kind (one-of for balancers, gateways, DNS)."""
        return self.routing or ("one-of" if self.kind in ONE_OF_KINDS else "fan-out")

    @property
    def autoscaler(self) -> Autoscaling | None:
        """The autoscaling block, or None when autoscaling is not stated or stated as `none`."""
        return self.autoscaling if isinstance(self.autoscaling, Autoscaling) else None

    @property
    def budget(self) -> DisruptionBudget | None:
        """The disruption budget, or None when it is not stated or stated as `none`."""
        return self.disruption_budget if isinstance(self.disruption_budget, DisruptionBudget) else None

    @property
    def zone_count(self) -> int | None:
        """Number of zones, whichever way they were written."""
        return _count(self.zones)

    @property
    def region_count(self) -> int | None:
        """Number of regions, whichever way they were written."""
        return _count(self.regions)


def _count(value: list[str] | int | None) -> int | None:
    if value is None:
        return None
    return len(set(value)) if isinstance(value, list) else value
