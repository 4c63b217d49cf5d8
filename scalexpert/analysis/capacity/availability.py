"""Availability of components and of entry flows (D09, F08, F09).

**A component given its failure domains up.** Its own availability ``a`` per instance is stated,
or a prior from how an instance recovers: ``a = 1 − u₀ × t(recovery) / t(rebuild)`` where ``u₀ = 1 −
availability_single_instance`` is the unavailability of one instance rebuilt by hand in hours, and a
rescheduled instance (an orchestrator replaces it in minutes) or a failover to a standby is down for
a shorter time. A managed, provider or external service's figure is its SLA and is used as is.

n instances carry a fraction of the peak each: with ``L = λ / capacity per replica`` replicas'
worth of load, ``i`` instances up serve ``min(1, i / L)`` of the requests, so

    A = Σ_i C(n, i) aⁱ (1 − a)ⁿ⁻ⁱ · min(1, i / L)

(a fleet one replica short at peak loses that replica's share of the capacity for its time to
recover, not every request). Without capacity or load, ``L = 1``: any replica carries the peak
(``1 − (1 − a)ⁿ``, recorded as an assumption). A fleet that cannot carry the peak at all is counted
as if it exactly fitted (``A = a``; the utilization rules report the overload), so that adding a
replica never lowers the estimate. A database whose failover is ``manual`` or ``none`` counts as one
instance; its standbys, with automatic failover, take over (``L = 1``).

**Failure domains.** What several components share fails them together, so it is factored out
once: the region (components in several zones), a zone (components in one zone; zones that are
not named are taken to be one shared zone), and the ``failure_domains`` a component names (a host,
a VM, a cluster, a database server, a shared runtime). A component across several regions has no
shared location domain; its own figure is capped at ``1 − (1 − region cap)^R``.

**A flow.** Each component ``v`` is needed by a share ``q(v)`` of the requests entering at the
entry point: ``q(entry) = 1`` and, over request-path edges that are synchronous, hard and without
a fallback, ``q(w) = min(1, Σ q(u) · p(u → w))``, where ``p`` is the route's ``share`` when the caller
routes each request to one of its dependencies (``routing: one-of``; unknown shares split the
remainder equally) and the probability of the call (``calls_per_request`` up to 1) when it calls
them all. A domain is needed by ``q(d) = min(1, Σ_{v ∈ d} q(v))``. Then

    A(flow) = Π_d (1 − q(d) · (1 − A_d)) × Π_v (1 − q(v) · (1 − A_v | domains up))

which is the traffic-weighted mixture over routes (exact for a series and for alternatives that
share nothing, and conservative where the same component is reached several ways), with every
shared domain counted once. Fallbacks, asynchronous calls, soft calls and edges that are not on
the request path (start-up order, health polls, administration, batch) never enter it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...model import Dependency
from .context import Context, ceil_count
from .load import Load
from .notation import avail
from .queueing import Capacity
from ..graph import is_hard, is_sync

@dataclass(frozen=True)
class Domain:
    """A failure domain several components may share."""

    key: str
    label: str
    value: float
    assumed: bool
    text: str


@dataclass(frozen=True)
class ComponentAvailability:
    """Availability of one component: on its own (its domains up) and with its domains."""

    value: float | None
    """On its own: ``min(A given domains up, its location's availability) × its named domains``."""
    source: str | None
    text: str
    needed: int | None = None
    own: float | None = None
    """Given its failure domains up."""
    domains: tuple[Domain, ...] = ()
    recovery: str | None = None
    assumed: bool = False


def component_availability(ctx: Context, name: str, cap: Capacity, load: Load | None) -> ComponentAvailability:
    """A of one component, with the arithmetic."""
    comp = ctx.comp(name)
    d = ctx.defaults
    if comp.kind == "client":
        return ComponentAvailability(None, None, "")
    provider = comp.managed is None and comp.kind in d.provider_service_kinds
    if comp.managed or provider or comp.kind == "external":
        if comp.availability is not None:
            a, source = comp.availability, "stated"
        else:
            a, source = d.availability_managed, "assumed"
            why = "managed service" if comp.managed else f"a {comp.kind} is a provider service"
            ctx.log.add(name, "availability", a, "availability_managed", f"not stated; {why}")
        whole = "external service" if comp.kind == "external" and not comp.managed else "managed"
        return ComponentAvailability(a, source, f"A({name}) = {avail(a)} ({whole}: used as is)", own=a,
                                     assumed=source == "assumed")
    recovery, recovery_text = _recovery(ctx, name)
    if comp.availability is not None:
        a, source, prior = comp.availability, "stated", f"{avail(comp.availability)} per instance (stated)"
    else:
        a, prior = _instance_prior(ctx, name, recovery, recovery_text)
        source = "assumed"
    n = _instances(ctx, name)
    own, text, k = _fleet(ctx, name, cap, load, a, n)
    text = f"{text}; a = {prior}"
    limit = _region_cap(ctx, name)
    if limit is not None and own > limit[0]:
        own = limit[0]
        text += f", capped at {limit[1]} {avail(limit[0])}"
    domains = failure_domains(ctx, name)
    location = math.prod(dom.value for dom in domains if not dom.key.startswith("domain:"))
    named = [dom for dom in domains if dom.key.startswith("domain:")]
    value = min(own, location) * math.prod(dom.value for dom in named)
    if domains and value < own:
        where = " × ".join(f"{dom.label} {avail(dom.value)}" for dom in named)
        text += (f"; on its own capped at its location {avail(location)}" if own > location else "")
        text += f"; × {where}" if named else ""
        text += f" = {avail(value)} (in a flow each shared domain counts once)"
    assumed = source == "assumed" or instances_assumed(ctx, name)
    return ComponentAvailability(value, source, text, k, own, domains, recovery, assumed)


def _recovery(ctx: Context, name: str) -> tuple[str, str]:
    """How an instance of ``name`` recovers: stated, or inferred from what the file says (with why)."""
    comp = ctx.comp(name)
    stated = comp.recovery
    if stated:
        return stated, "recovery stated"
    replication = comp.data.replication if comp.data else None
    failover = replication.failover if replication else None
    if failover == "automatic":
        return "failover", "inferred from data.replication.failover: automatic"
    if failover in ("manual", "none"):
        return "rebuild", f"inferred from data.replication.failover: {failover}"
    scaling = comp.autoscaler
    budget = comp.budget
    probes = comp.health_checks
    if scaling is not None and scaling.enabled:
        return "reschedule", "inferred: autoscaling means an orchestrator replaces instances"
    if budget is not None:
        return "reschedule", "inferred: a disruption budget means an orchestrator replaces instances"
    if probes is not None and probes.liveness:
        return "reschedule", "inferred: a liveness probe means an orchestrator replaces instances"
    return "rebuild", "assumed: nothing in the file says instances are replaced automatically"


def _instance_prior(ctx: Context, name: str, recovery: str, why: str) -> tuple[float, str]:
    d = ctx.defaults
    base = d.availability_single_instance
    hours = d.recovery_hours
    t, t_rebuild = hours.get(recovery, hours["rebuild"]), hours["rebuild"]
    if recovery == "rebuild":
        ctx.log.add(name, "availability", base, "availability_single_instance",
                    f"not stated; per instance, recovery: rebuild ({why})")
        return base, f"{avail(base)} per instance (recovery: rebuild, {why})"
    a = 1.0 - (1.0 - base) * t / t_rebuild
    ctx.log.add(name, "availability", a, "recovery_hours",
                f"not stated; per instance, recovery: {recovery} in {t:g} h instead of {t_rebuild:g} h ({why})")
    text = (f"1 − (1 − {avail(base)}) × {t:g} h / {t_rebuild:g} h = {avail(a)} per instance "
            f"(recovery: {recovery}, {why})")
    return a, text


def _fleet(ctx: Context, name: str, cap: Capacity, load: Load | None, a: float, n: int) -> tuple[float, str, int | None]:
    """(A given domains up, text, replicas the peak needs)."""
    comp = ctx.comp(name)
    share = _replicas_of_load(cap, load)
    if share is None:
        if n > 1 and comp.kind != "database":
            ctx.log.add(name, "availability_replicas_needed", 1,
                        reason="capacity_rps or load unknown: any one replica is taken to carry the peak")
        if n == 1:
            return a, f"A({name}) = {avail(a)} (one instance)", 1
        value = fraction_served(a, n, 1.0)
        return value, f"A({name}) = 1 − (1 − a)^{n} = {avail(value)}", 1
    k = max(1, ceil_count(share) or 1)
    if share >= n:
        return a, (f"A({name}) = a = {avail(a)}: the peak needs {share:.3g} replicas' capacity and {n} run "
                   f"(overloaded, see utilization), each failure loses 1/{n} of it"), k
    value = fraction_served(a, n, share)
    text = (f"A({name}) = Σ_i P(i of {n} up) × min(1, i / {share:.3g}) = {avail(value)} "
            f"(the peak needs {share:.3g} replicas' capacity; fewer serve that fraction)")
    return value, text, k


def _replicas_of_load(cap: Capacity, load: Load | None) -> float | None:
    """λ / capacity per replica (at least a tiny positive), or None when unknown."""
    if cap.model != "replicas" or cap.per_replica is None or load is None or not load.known:
        return None
    if not math.isfinite(load.total) or load.total <= 0:
        return None
    return max(load.total / cap.per_replica, 1e-9)


EXACT_LIMIT = 2000


def fraction_served(a: float, n: int, share: float) -> float:
    """E[min(1, X / L)] for X ~ Binomial(n, a) instances up and L = ``share`` replicas' worth of load.

    Exact up to 2,000 instances; beyond, the normal approximation of the shortfall E[(L − X)⁺] / L.
    """
    if a >= 1.0:
        return 1.0
    if a <= 0.0:
        return 0.0
    share = min(share, float(n))
    k = max(1, math.ceil(share - 1e-9))
    if n > EXACT_LIMIT:
        mean, spread = n * a, math.sqrt(n * a * (1.0 - a))
        z = (share - mean) / spread
        shortfall = (share - mean) * 0.5 * math.erfc(-z / math.sqrt(2.0)) + spread * math.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi)
        return max(0.0, min(1.0, 1.0 - shortfall / share))
    if k == 1 and share <= 1.0:
        return -math.expm1(min(n, 10**300) * math.log1p(-a))
    log_a, log_b = math.log(a), math.log1p(-a)
    base = math.lgamma(n + 1)
    lost = math.fsum(
        math.exp(base - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_a + (n - i) * log_b) * (1.0 - i / share)
        for i in range(0, k)
    )
    return max(0.0, min(1.0, 1.0 - lost))


def k_of_n(a: float, n: int, k: int) -> float:
    """Probability that at least k of n independent instances, each up with probability a, are up."""
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


def _region_cap(ctx: Context, name: str) -> tuple[float, str] | None:
    """A component across several regions shares no location domain: its own figure is capped instead."""
    regions = ctx.comp(name).region_count or 1
    if regions < 2:
        return None
    return 1.0 - (1.0 - ctx.defaults.availability_region_cap) ** regions, f"{regions} regions"


def failure_domains(ctx: Context, name: str) -> tuple[Domain, ...]:
    """The shared domains ``name`` fails with: its location (region, zone) and its named domains."""
    cache: dict[str, tuple[Domain, ...]] = ctx.__dict__.setdefault("_domains", {})
    if name in cache:
        return cache[name]
    comp = ctx.comp(name)
    d = ctx.defaults
    found: list[Domain] = []
    regions = comp.region_count or 1
    if regions < 2:
        region_name = _single(comp.regions) or _single(ctx.arch.system.regions) or ""
        label = f"region {region_name}".strip() if region_name else "the region"
        found.append(Domain(f"region:{region_name}", label, d.availability_region_cap, True,
                            f"{label} {avail(d.availability_region_cap)} (availability_region_cap)"))
        zones = comp.zone_count
        if not zones or zones < 2:
            zone = _single(comp.zones) if isinstance(comp.zones, list) else None
            zone = zone or _single(ctx.arch.system.zones) or ""
            value = d.availability_zone_cap / d.availability_region_cap
            zlabel = f"zone {zone}" if zone else "the zone"
            if not zone:
                ctx.log.add(name, "zones", 1, reason="zones not named: components without named zones share one zone")
            found.append(Domain(f"zone:{zone}", zlabel, value, True,
                                f"{zlabel} {avail(d.availability_zone_cap)} / region {avail(d.availability_region_cap)}"))
    declared = ctx.arch.system.failure_domains or {}
    for domain in comp.failure_domains or []:
        spec = declared.get(domain)
        kind = spec.kind if spec is not None else "other"
        stated = spec.availability if spec is not None else None
        if stated is not None:
            value, assumed = stated, False
        else:
            value, assumed = d.failure_domain_availability.get(kind, d.failure_domain_availability["other"]), True
            ctx.log.add(f"domain {domain}", "availability", value, "failure_domain_availability",
                        f"not stated; a {kind} fails like one instance of its kind")
        found.append(Domain(f"domain:{domain}", f"{kind} {domain}", value, assumed, f"{kind} {domain} {avail(value)}"))
    result = tuple(found)
    cache[name] = result
    return result


def _single(value: object) -> str | None:
    if isinstance(value, list) and len(set(value)) == 1:
        return str(value[0])
    return None


def hard_request(dep: Dependency) -> bool:
    """Synchronous, hard and without a fallback: the caller fails when it fails."""
    return is_sync(dep) and is_hard(dep) and not dep.fallback


@dataclass(frozen=True)
class FlowAvailability:
    """Composite availability of one entry flow."""

    members: list[str]
    value: float
    dominant: list[str]
    text: str
    factors: int = 0
    assumed: list[str] = field(default_factory=list)
    assumed_factors: int = 0
    needs: dict[str, float] = field(default_factory=dict)


def needs(ctx: Context, entry: str) -> dict[str, float]:
    """q(v): the share of the entry's requests that need v (hard request path), for every v reached."""
    hard: dict[str, list[tuple[str, float]]] | None = ctx.__dict__.get("_hard_edges")
    if hard is None:  # the same for every entry: built once per context
        hard = {}
        for name in ctx.names:
            for dep in ctx.outgoing.get(name, []):
                if not (dep.on_request_path and hard_request(dep) and not ctx.is_skipped(dep)):
                    continue
                if dep.target not in ctx.arch.components or dep.target == name:
                    continue
                calls = dep.calls_per_request if dep.calls_per_request is not None else 1.0
                p = ctx.route_share(dep) * min(1.0, calls)
                if p > 0:
                    hard.setdefault(name, []).append((dep.target, p))
        ctx.__dict__["_hard_edges"] = hard
    q: dict[str, float] = {}
    incoming: dict[str, float] = {entry: 1.0}
    for name in _reach_order(hard, entry):  # callers first; an edge back into a cycle adds nothing
        q[name] = 1.0 if name == entry else min(1.0, incoming.get(name, 0.0))
        for target, p in hard.get(name, []):
            if target not in q:
                incoming[target] = incoming.get(target, 0.0) + q[name] * p
    return q


def _reach_order(hard: dict[str, list[tuple[str, float]]], entry: str) -> list[str]:
    """Components reached from the entry, callers before callees (reverse post-order; cycles cut)."""
    order: list[str] = []
    seen = {entry}
    stack: list[tuple[str, int]] = [(entry, 0)]
    while stack:
        name, index = stack.pop()
        targets = hard.get(name, [])
        if index < len(targets):
            stack.append((name, index + 1))
            target = targets[index][0]
            if target not in seen:
                seen.add(target)
                stack.append((target, 0))
        else:
            order.append(name)
    order.reverse()
    return order


def flow_availability(ctx: Context, entry: str, each: dict[str, ComponentAvailability]) -> FlowAvailability:
    """A(flow): every shared domain once, each component weighted by the share of requests needing it."""
    q = needs(ctx, entry)
    members = sorted(n for n in q if n in each and each[n].own is not None and q[n] > 0)
    domains: dict[str, tuple[Domain, float]] = {}
    for name in members:
        for dom in each[name].domains:
            held = domains.get(dom.key)
            domains[dom.key] = (dom, min(1.0, (held[1] if held else 0.0) + q[name]))
    factors: list[tuple[float, str, bool]] = []
    for name in members:
        own = each[name].own or 1.0
        factors.append((1.0 - q[name] * (1.0 - own), name, each[name].assumed))
    for key, (dom, share) in sorted(domains.items()):
        factors.append((1.0 - share * (1.0 - dom.value), dom.label, dom.assumed))
    value = math.prod(f for f, _, _ in factors)
    ranked = sorted((f for f in factors if f[0] < 1.0), key=lambda f: (f[0], f[1]))
    assumed = [n for n in members if each[n].assumed]
    assumed_factors = sum(1 for f in factors if f[2])

    def shown(f: tuple[float, str, bool]) -> str:
        name = f[1]
        if name in q and q[name] < 1.0:
            own = each[name].own or 1.0
            return f"(1 − {q[name]:.3g} × {1.0 - own:.3g}) ({name})"
        return f"{avail(f[0])} ({name})"

    parts = [shown(f) for f in ranked]
    product = " × ".join(parts[:10]) + (f" × … ({len(parts) - 10} more)" if len(parts) > 10 else "")
    head = f"A(flow {entry}) = {product or '1'} = {avail(value)}"
    if assumed_factors:
        head += f" ≈ {approx_percent(value)}, {assumed_factors} of {len(factors)} factors assumed"
    dominant = [f[1] for f in ranked if f[1] in each][:3]
    return FlowAvailability(members, value, dominant, head, len(factors), assumed, assumed_factors, q)


def approx_percent(value: float) -> str:
    """An availability rounded to what assumed inputs support: 0.9706 → "97 %", 0.99953 → "99.95 %"."""
    if value >= 1.0:
        return "100 %"
    nines = -math.log10(1.0 - value) if value < 1.0 else 9.0
    decimals = max(0, min(4, math.floor(nines) - 1))
    return f"{value * 100:.{decimals}f} %"
