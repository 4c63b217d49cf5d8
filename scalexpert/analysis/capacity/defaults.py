"""The documented default numbers of the capacity model, read from ``capacity-defaults.yaml``."""

from __future__ import annotations

import functools

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import ConfigError, InputError
from ...loader import parse, read_text
from ...shipped import shipped_dir

DEFAULTS_FILE = "capacity-defaults.yaml"


class CapacityDefaults(BaseModel):
    """Numbers used when an architecture does not state them, each with its public source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    safe_utilization: float = Field(gt=0.0, lt=1.0)
    peak_factor: float = Field(ge=1.0)
    calls_per_request: float = Field(ge=0.0)
    retry_failure_probability: float = Field(ge=0.0, le=1.0)
    spare_replicas: int = Field(ge=0)
    horizon_months: float = Field(gt=0.0)
    max_connections: dict[str, int]
    availability_single_instance: float = Field(gt=0.0, le=1.0)
    availability_managed: float = Field(gt=0.0, le=1.0)
    availability_zone_cap: float = Field(gt=0.0, le=1.0)
    availability_region_cap: float = Field(gt=0.0, le=1.0)
    provider_service_kinds: list[str]
    hop_latency_ms: float = Field(ge=0.0)
    cross_region_hop_latency_ms: float = Field(ge=0.0)
    function_account_concurrency: int = Field(ge=1)
    kinesis_shard_records_per_s: float = Field(gt=0.0)
    dynamodb_partition_reads_per_s: float = Field(gt=0.0)
    dynamodb_partition_writes_per_s: float = Field(gt=0.0)
    consumer_outage_s: float = Field(gt=0.0)
    cycle_rounds: int = Field(ge=0, le=10)
    hours_per_month: float = Field(gt=0.0)
    pooler_server_connections: int = Field(default=20, ge=1)
    effective_spindle_count: int = Field(default=1, ge=0)
    recovery_hours: dict[str, float] = Field(
        default_factory=lambda: {"reschedule": 5 / 60, "failover": 2 / 60, "rebuild": 4.0},
        description="Hours an instance is down after a failure, by how it recovers.",
    )
    failure_domain_availability: dict[str, float] = Field(
        default_factory=lambda: {"host": 0.995, "vm": 0.995, "database-server": 0.995, "runtime": 0.995,
                                 "cluster": 0.9995, "rack": 0.9995, "other": 0.995},
        description="Availability of a shared failure domain by kind, when system.failure_domains does not state it.",
    )
    latency_percentile: float = Field(default=0.99, gt=0.0, lt=1.0)
    sources: dict[str, str] = Field(default_factory=dict, description="Public source of each default, by name.")

    def source(self, name: str) -> str:
        """The source of one default (name as in the YAML file)."""
        return self.sources.get(name, "scalexpert default")


def load_defaults(path: str | None = None) -> CapacityDefaults:
    """Read the defaults: the built-in ``capacity-defaults.yaml``, or the file at ``path``."""
    if path is None:
        file = shipped_dir("scalexpert.builtin_knowledge", "knowledge") / DEFAULTS_FILE
        name, text = str(file), file.read_text("utf-8")
    else:
        try:
            name, text = path, read_text(path)
        except InputError as exc:
            raise ConfigError(f"{path}: cannot read capacity defaults: {exc}") from None
    return _parsed(name, text).model_copy()


@functools.lru_cache(maxsize=8)
def _parsed(name: str, text: str) -> CapacityDefaults:
    """The defaults of one file's text (parsed once: the assessment runs the capacity model many times)."""
    try:
        raw, _ = parse(text, name)
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    return _build(raw, name)


def _build(raw: Any, name: str) -> CapacityDefaults:
    entries = raw.get("defaults") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise ConfigError(f"{name}: expected a mapping with 'version: 1' and 'defaults'")
    if raw.get("version") != 1:
        raise ConfigError(f"{name}: version: expected 1, got {raw.get('version')!r}")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, entry in entries.items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise ConfigError(f"{name}: defaults.{key}: expected a mapping with 'value' and 'source'")
        unknown = set(entry) - {"value", "source", "note"}
        if unknown:
            raise ConfigError(f"{name}: defaults.{key}: unknown keys {', '.join(sorted(map(str, unknown)))}")
        values[str(key)] = entry["value"]
        sources[str(key)] = " ".join(str(entry.get("source") or "not given").split())
    try:
        return CapacityDefaults.model_validate({**values, "sources": sources})
    except ValidationError as exc:
        problems = [f"{name}: defaults.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)]
        raise ConfigError("\n".join(problems)) from None
