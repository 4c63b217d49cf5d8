"""Availability of components and of entry flows (D09, F08, F09).

A component's own availability ``a`` is stated, or a prior from the defaults (managed service,
provider kinds, single instance). A managed (or external) service's figure is its SLA and is used as is.
Otherwise ``a`` is per instance and n instances give ``P(at least k of n up)`` where k is the number
the peak load needs, ``⌈λ / capacity_rps⌉``, when both are known; otherwise k = 1 (any replica
serves; recorded as an assumption): ``1 − (1 − a)^n``. A fleet smaller than k cannot carry the peak
at all (its utilization shows it); it is counted as if exactly k ran, ``a^k``, so that adding a
replica never lowers the estimate. Instances are capped at the failure domain they share: one zone
(or zones not stated) → zone cap; several zones → region cap; several regions →
``1 − (1 − region cap)^regions``. A database whose failover is ``manual`` or ``none`` counts as one
instance.

A flow is every component reached from its entry point over hard synchronous dependencies (soft
and async dependencies excluded; clients excluded): ``A = Π a_eff`` over that set, each component
counted once however many paths reach it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .context import Context, ceil_count
from .load import Load
from .queueing import Capacity
from .notation import avail
from ..graph import is_hard, is_sync


@dataclass(frozen=True)
class ComponentAvailability:
    """Effective availability of one component."""

    value: float | None
    source: str | None
    text: str
    needed: int | None = None


def component_availability(ctx: Context, name: str, cap: Capacity, load: Load | None) -> ComponentAvailability:
    """a_eff of one component, with the arithmetic."""
    comp = ctx.comp(name)
    d = ctx.defaults
    if comp.kind == "client":
        return ComponentAvailability(None, None, "")
    provider = comp.managed is None and comp.kind in d.provider_service_kinds
    if comp.availability is not None:
        a, source = comp.availability, "stated"
    elif comp.managed or provider:
        a, source = d.availability_managed, "assumed"
        why = "managed service" if comp.managed else f"a {comp.kind} is a provider service"
        ctx.log.add(name, "availability", a, "availability_managed", f"not stated; {why}")
    else:
        a, source = d.availability_single_instance, "assumed"
        ctx.log.add(name, "availability", a, "availability_single_instance", "not stated; per instance")
    if comp.managed or provider or comp.kind == "external":
        whole = "external service" if comp.kind == "external" and not comp.managed else "managed"
        return ComponentAvailability(a, source, f"A({name}) = {avail(a)} ({whole}: used as is)")
    n = _instances(ctx, name)
    k = _needed(cap, load)
    if k is None:
        k = 1
        if n > 1 and comp.kind != "database":
            ctx.log.add(name, "availability_replicas_needed", 1,
                        reason="capacity_rps or load unknown: any one replica is taken to carry the peak (k = 1)")
    if k > n:
        value = a**k
        text = (f"A({name}) = {avail(a)}^{k} = {avail(value)}: the peak needs {k} replicas and {n} run "
                f"(overloaded, see utilization), counted as if {k} ran")
    elif n == 1:
        value, text = a, f"A({name}) = {avail(a)} (one instance)"
    elif k == 1:
        value = k_of_n(a, n, 1)
        text = f"A({name}) = 1 − (1 − {avail(a)})^{n} = {avail(value)}"
    else:
        value = k_of_n(a, n, k)
        text = f"A({name}) = P(≥ {k} of {n} up, a = {avail(a)}) = {avail(value)}"
    limit, domain = _domain_cap(ctx, name)
    if value > limit:
        value = limit
        text += f", capped at {domain} {avail(limit)}"
    return ComponentAvailability(value, source, text, k)


EXACT_LIMIT = 2000


def k_of_n(a: float, n: int, k: int) -> float:
    """Probability that at least k of n independent instances, each up with probability a, are up.

    Exact binomial sum up to 2,000 instances; beyond, the normal approximation (with continuity correction).
    """
    if a <= 0.0 or a >= 1.0:
        return 1.0 if a >= 1.0 else 0.0
    if k <= 1:
        return -math.expm1(min(n, 10**300) * math.log1p(-a))
    if n > EXACT_LIMIT:
        mean, spread = n * a, math.sqrt(n * a * (1.0 - a))
        return 0.5 * math.erfc((k - 0.5 - mean) / (spread * math.sqrt(2.0)))
    log_a, log_b = math.log(a), math.log1p(-a)
    base = math.lgamma(n + 1)
    return min(1.0, math.fsum(
        math.exp(base - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_a + (n - i) * log_b) for i in range(k, n + 1)
    ))


def _instances(ctx: Context, name: str) -> int:
    comp = ctx.comp(name)
    if comp.kind == "database" or (comp.data and comp.data.replication):
        replication = comp.data.replication if comp.data else None
        if replication and replication.failover in ("manual", "none"):
            return 1
        read_replicas = (replication.read_replicas if replication else None) or 0
        return max(comp.replicas or 1, 1 + read_replicas)
    if comp.kind == "function":
        return 1
    return ctx.replicas_now(name)


def instances_assumed(ctx: Context, name: str) -> bool:
    """Whether the instance count the availability rests on is assumed (replicas not stated)."""
    comp = ctx.comp(name)
    provider = comp.managed is None and comp.kind in ctx.defaults.provider_service_kinds
    if comp.managed or provider or comp.kind in ("external", "function", "client") or comp.replicas is not None:
        return False
    replication = comp.data.replication if comp.data else None
    if replication is not None and (replication.read_replicas is not None or replication.failover in ("manual", "none")):
        return False
    scaling = comp.autoscaler
    return not (scaling and scaling.enabled and scaling.min)


def _needed(cap: Capacity, load: Load | None) -> int | None:
    """⌈λ / capacity_rps⌉ (at least 1), or None when capacity or load is unknown."""
    if cap.model != "replicas" or cap.per_replica is None or load is None or not load.known:
        return None
    needed = ceil_count(load.total / cap.per_replica)
    return None if needed is None else max(1, needed)


def _domain_cap(ctx: Context, name: str) -> tuple[float, str]:
    comp = ctx.comp(name)
    d = ctx.defaults
    regions, zones = comp.region_count or 1, comp.zone_count or 1
    if regions >= 2:
        return 1.0 - (1.0 - d.availability_region_cap) ** regions, f"{regions} regions"
    if zones >= 2:
        return d.availability_region_cap, "region availability"
    return d.availability_zone_cap, "zone availability (one zone or zones not stated)"


@dataclass(frozen=True)
class FlowAvailability:
    """Composite availability of one entry flow."""

    members: list[str]
    value: float
    dominant: list[str]
    text: str


def flow_availability(ctx: Context, entry: str, each: dict[str, float | None]) -> FlowAvailability:
    """Series availability of the hard-dependency flow of ``entry``."""
    hard: dict[str, list[str]] | None = getattr(ctx, "_hard_targets", None)
    if hard is None:  # the same for every entry: built once per context
        hard = {}
        for dep in ctx.arch.dependencies:
            if is_sync(dep) and is_hard(dep) and not ctx.is_skipped(dep) and dep.target in ctx.arch.components:
                hard.setdefault(dep.source, []).append(dep.target)
        object.__setattr__(ctx, "_hard_targets", hard)
    seen, stack = {entry}, [entry]
    while stack:
        for target in hard.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    members = sorted(n for n in seen if each.get(n) is not None)
    value = math.prod(each[n] or 1.0 for n in members)
    ranked = sorted((n for n in members if (each[n] or 1.0) < 1.0), key=lambda n: (each[n] or 1.0, n))
    factors = [f"{avail(each[n] or 1.0)} ({n})" for n in ranked]
    shown = " × ".join(factors[:10]) + (f" × … ({len(factors) - 10} more)" if len(factors) > 10 else "")
    text = f"A(flow {entry}) = {shown or '1'} = {avail(value)}"
    return FlowAvailability(members, value, ranked[:3], text)
