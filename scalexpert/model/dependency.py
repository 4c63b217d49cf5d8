"""The ``dependencies`` section: who calls whom, and how."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Count, Name, NonNegative, Positive, Ratio, StrictModel


class Dependency(StrictModel):
    """A call or message from one component to another."""

    source: Name = Field(alias="from", description="The calling (or publishing) component.")
    target: Name = Field(alias="to", description="The component called (or published to).")
    mode: Literal["sync", "async"] | None = Field(
        default=None, description="sync: the caller waits for the answer; async: it does not. Assumed sync when omitted."
    )
    protocol: Literal[
        "http", "http2", "grpc", "websocket", "sql", "redis", "memcached", "amqp", "kafka", "mqtt", "tcp", "dns", "other"
    ] | None = Field(default=None, description="Protocol of the calls.")
    role: Literal["request", "startup", "health", "admin", "batch"] | None = Field(
        default=None,
        description="What the edge is for: request (a call on the request path; assumed when omitted), startup "
        "(start-up ordering only, e.g. Compose depends_on without calls), health (health or monitoring polls), "
        "admin (administration) or batch (batch or back-office paths). Only request edges enter single points of "
        "failure, blast radius, flow availability, latency, timeout budgets, fan-out and retry amplification.",
    )
    share: Ratio | None = Field(
        default=None,
        description="Share of the caller's requests routed over this edge when the caller routes one-of "
        "(alternatives). Routes without a share split the remainder equally (an assumption reports state).",
    )
    calls_per_request: NonNegative | None = Field(
        default=None,
        description="Calls made per request the caller serves (fan-out multiplier); below 1, the probability "
        "that a request makes the call. Assumed 1.",
    )
    read_share: Ratio | None = Field(default=None, description="Share of these calls that only read.")
    hard: bool | None = Field(
        default=None, description="The caller fails when this dependency fails. Assumed true for sync, false for async."
    )
    timeout_ms: Positive | None = Field(default=None, description="Timeout of one attempt, ms.")
    retries: Count | None = Field(default=None, description="Extra attempts after a failure.")
    backoff: Literal["none", "fixed", "exponential"] | None = Field(default=None, description="Delay between attempts.")
    jitter: bool | None = Field(default=None, description="Backoff delays are randomised.")
    circuit_breaker: bool | None = Field(default=None, description="A circuit breaker guards the calls.")
    bulkhead: bool | None = Field(default=None, description="The calls use their own pool, isolated from other dependencies.")
    fallback: bool | None = Field(default=None, description="The caller degrades gracefully (cached, default) when it fails.")
    idempotency_key: bool | None = Field(default=None, description="Writes carry an idempotency key, so retries are safe.")
    writes: bool | None = Field(default=None, description="The calls change data in the target.")
    strong_read: bool | None = Field(default=None, description="The caller needs to read its own writes (strong consistency).")
    cross_zone: bool | None = Field(default=None, description="The calls cross availability zones.")
    cross_region: bool | None = Field(default=None, description="The calls cross regions.")
    discovery: Literal["static", "dns", "registry", "mesh"] | None = Field(default=None, description="How the caller finds targets.")
    client_balancing: bool | None = Field(default=None, description="The client balances requests across target instances.")
    payload_bytes: NonNegative | None = Field(default=None, description="Request plus response size, bytes.")
    compression: bool | None = Field(default=None, description="Payloads are compressed.")
    batching: bool | None = Field(default=None, description="Calls are batched.")
    pagination: bool | None = Field(default=None, description="Collection reads are paginated with a maximum page size.")
    polling_interval_s: Positive | None = Field(default=None, description="Interval at which the caller polls, seconds.")
    latency_ms: Positive | None = Field(default=None, description="Network round trip of one call, ms.")
    parallel: bool | None = Field(default=None, description="Made in parallel with the caller's other parallel calls.")
    description: str | None = Field(default=None, max_length=2_000, description="What the call is for.")

    @property
    def on_request_path(self) -> bool:
        """A request-path call: ``role`` is request, or not stated (assumed request)."""
        return self.role in (None, "request")
