"""The quantitative capacity, availability, latency and cost model of an architecture.

``analyse(arch)`` propagates the entry traffic through the dependency graph (capacity_load), works
out each component's utilization, queueing, sizing, queues, pools, availability and cost
(capacity_component), then the entry flows' availability and latency, the breaking point under
growth and a growth table. Every number the file does not state is either left ``None`` or taken
from ``capacity-defaults.yaml`` and listed in ``assumptions``. See docs/capacity-model.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ...errors import UsageError
from ...model import Architecture
from .component import Analysis, component_record
from .context import build_context
from .defaults import CapacityDefaults, load_defaults
from .growth import horizon
from .records import (
    Assumption,
    BreakingPoint,
    CapacityReport,
    ComponentCapacity,
    FlowCapacity,
    GrowthCell,
    GrowthRow,
    SystemCapacity,
)
from .pressure import add_pressure
from .queueing import replicas_needed, running_replicas, running_utilization, utilization
from .availability import approx_percent, flow_availability
from .latency import LatencyModel, NodeLatency
from .notation import avail, nines, num, ratio


def analyse(arch: Architecture, *, growth: Sequence[float] = (), defaults: CapacityDefaults | None = None) -> CapacityReport:
    """The capacity model of ``arch``; ``growth`` lists the multiples of today's peak to tabulate."""
    multiples = sorted({float(m) for m in growth})
    if any(not (0 < m <= 1e6) for m in multiples):
        raise UsageError("growth multiples must be numbers above 0 and at most 1,000,000")
    defaults = defaults or load_defaults()
    ctx = build_context(arch, defaults)
    an = Analysis.create(ctx, horizon(ctx))
    components = add_pressure(an, {name: component_record(an, name) for name in ctx.names})
    flows = _flows(an, components)
    breaking = _breaking_point(components)
    table = [_growth_row(an, m) for m in multiples]
    system = _system(an, components, flows, breaking)
    return CapacityReport(components=components, flows=flows, system=system, breaking_point=breaking,
                          growth_table=table, assumptions=ctx.log.items())


def growth_table(arch: Architecture, growth: Sequence[float], *, defaults: CapacityDefaults | None = None) -> list[GrowthRow]:
    """``analyse(arch, growth=growth).growth_table`` alone: the rows read only the load model and each
    component's capacity, not the per-component figures (the assessment's timeline asks for rows at the
    months' multiples of a design whose figures it has)."""
    multiples = sorted({float(m) for m in growth})
    if any(not (0 < m <= 1e6) for m in multiples):
        raise UsageError("growth multiples must be numbers above 0 and at most 1,000,000")
    ctx = build_context(arch, defaults or load_defaults())
    an = Analysis.create(ctx, horizon(ctx))
    return [_growth_row(an, m) for m in multiples]


def _flows(an: Analysis, components: dict[str, ComponentCapacity]) -> list[FlowCapacity]:
    nodes = {}
    for name, record in components.items():
        saturated = record.utilization is not None and record.queueing_factor is None
        variance = record.response_time_variance or 0.0
        nodes[name] = NodeLatency(None if record.service_time_ms is None else record.response_time_ms, saturated, variance)
    latency = LatencyModel(an.ctx, nodes)
    objectives = an.ctx.arch.system.objectives
    target_a = objectives.availability if objectives else None
    target_l = objectives.latency_p99_ms if objectives else None
    flows = []
    for entry in an.ctx.entries:
        a = flow_availability(an.ctx, entry.name, an.availability)
        lat = latency.flow(entry.name)
        notes = {"availability": a.text}
        gap = None
        if target_a is not None:
            gap = nines(target_a) - nines(a.value)
            notes["availability_gap_nines"] = f"nines({avail(target_a)}) − nines({avail(a.value)}) = {gap:.2f}"
        if lat.text:
            notes["latency_p99_ms"] = lat.text
        if lat.mean_text:
            notes["latency_mean_ms"] = lat.mean_text
        basis = ("estimated from service times, queueing at today's utilization (each replica serving its "
                 "concurrency at once) and network hops" + (f"; {num(lat.mean_ms)} ms on average" if lat.mean_ms else ""))
        measured = an.ctx.comp(entry.name).observed
        if measured is not None and measured.p99_ms is not None:  # a measurement outranks the estimate
            estimate = f"; the model's estimate was {'≥ ' if lat.lower_bound else ''}{num(lat.ms)} ms" if lat.ms else ""
            notes["latency_p99_ms"] = (f"p99 L(flow {entry.name}) = {num(measured.p99_ms)} ms, measured at {entry.name} "
                                       f"(components.{entry.name}.observed.p99_ms){estimate}")
            lat = replace(lat, ms=measured.p99_ms, lower_bound=False, saturated=None, measured=True)
            basis = f"measured at {entry.name} (observed.p99_ms){estimate}"
        if a.assumed_factors:
            notes["availability_assumed_count"] = (f"{a.assumed_factors} of {a.factors} factors rest on assumed figures"
                                                   + (f" (components: {', '.join(a.assumed)})" if a.assumed else ""))
        share = a.assumed_factors / a.factors if a.factors else 0.0
        flows.append(FlowCapacity(
            entry=entry.name, peak_rps=entry.peak, average_rps=entry.average, hard_components=a.members,
            availability=a.value, availability_objective=target_a, availability_gap_nines=gap,
            availability_dominant=a.dominant, availability_assumed=a.assumed, availability_assumed_count=len(a.assumed),
            availability_factors=a.factors, availability_assumed_factors=a.assumed_factors,
            availability_assumed_share=share, availability_display=approx_percent(a.value) if a.assumed_factors else f"{a.value:.4%}",
            latency_p99_ms=lat.ms, latency_mean_ms=lat.mean_ms, latency_objective_ms=target_l,
            latency_is_lower_bound=lat.lower_bound, latency_path=lat.path, latency_saturated=lat.saturated,
            latency_measured=lat.measured, latency_basis=basis,
            derivations=notes,
        ))
    return flows


def _breaking_point(components: dict[str, ComponentCapacity]) -> BreakingPoint | None:
    ranked = sorted((r.saturation_multiple, n) for n, r in components.items() if r.saturation_multiple is not None)
    if not ranked:
        return None
    multiple, name = ranked[0]
    detail = components[name].derivations.get("saturation_multiple", "")
    return BreakingPoint(component=name, multiple=multiple,
                         derivation=f"{name} saturates first: {detail}")


def _growth_row(an: Analysis, multiple: float) -> GrowthRow:
    cells: dict[str, GrowthCell] = {}
    saturated = []
    for name in an.ctx.names:
        load = an.load(name, multiple)
        if load is None:
            cells[name] = GrowthCell()
            continue
        cap = an.caps[name]
        util = utilization(an.ctx, name, cap, load)
        rho = util.at_max
        running = running_replicas(an.ctx, name, cap, load, an.load(name))
        running_rho = running_utilization(cap, load, running)
        drain = an.ctx.drains[name].drain_max_rps if name in an.ctx.drains else None
        queue = load.total / drain if drain else None
        needed, _ = replicas_needed(an.ctx, name, cap, load)
        cells[name] = GrowthCell(load_rps=load.total, utilization=rho, queue_utilization=queue, replicas_needed=needed,
                                 replicas_running=running,
                                 running_utilization=running_rho if running_rho is not None else util.value)
        if (rho is not None and rho >= 1.0) or (queue is not None and queue >= 1.0):
            saturated.append(name)
    return GrowthRow(multiple=multiple, components=cells, saturated=saturated)


def _system(an: Analysis, comps: dict[str, ComponentCapacity], flows: list[FlowCapacity],
            breaking: BreakingPoint | None) -> SystemCapacity:
    ctx = an.ctx
    notes: dict[str, str] = {}
    objectives = ctx.arch.system.objectives
    values: dict[str, object] = {
        "entry_points": [e.name for e in ctx.entries],
        "availability_objective": objectives.availability if objectives else None,
        "latency_objective_ms": objectives.latency_p99_ms if objectives else None,
        "cost_objective_per_million": objectives.cost_per_million_requests if objectives else None,
        "horizon_multiple": an.horizon.multiple, "horizon_months": an.horizon.months,
        "growth_monthly_rate": an.horizon.monthly_rate, "cycles": len(an.model.cycles),
        "assumptions": len(ctx.log.items()),
    }
    if an.horizon.text:
        notes["horizon_multiple"] = an.horizon.text
    peak, average = _system_traffic(an)
    values.update(peak_rps=peak, average_rps=average)
    if flows:
        worst = min(flows, key=lambda f: (f.availability, f.entry))
        values.update(availability_estimate=worst.availability, availability_flow=worst.entry,
                      availability_gap_nines=worst.availability_gap_nines, availability_display=worst.availability_display,
                      availability_factors=worst.availability_factors,
                      availability_assumed_factors=worst.availability_assumed_factors)
        notes["availability_estimate"] = worst.derivations["availability"]
        saturated = [f for f in flows if f.latency_saturated]
        timed = [f for f in flows if f.latency_p99_ms is not None]
        slowest = saturated[0] if saturated else (max(timed, key=lambda f: (f.latency_p99_ms or 0.0, f.entry)) if timed else None)
        if slowest is not None:
            values.update(latency_p99_estimate_ms=slowest.latency_p99_ms, latency_flow=slowest.entry,
                          latency_saturated=slowest.latency_saturated)
            notes["latency_p99_estimate_ms"] = slowest.derivations.get("latency_p99_ms", "")
    loaded = [(max(r.utilization or 0.0, r.queue_utilization or 0.0), n) for n, r in comps.items()
              if r.utilization is not None or r.queue_utilization is not None]
    if loaded:
        rho, name = min(loaded, key=lambda x: (-x[0], x[1]))
        values.update(bottleneck=name, max_utilization=rho)
    if breaking is not None:
        values.update(breaking_component=breaking.component, breaking_multiple=breaking.multiple)
        notes["breaking_multiple"] = breaking.derivation
    _system_cost(an, comps, average, values, notes)
    _function_concurrency(an, comps, values, notes)
    return SystemCapacity(**values, derivations=notes)  # type: ignore[arg-type]


def _system_traffic(an: Analysis) -> tuple[float | None, float | None]:
    """Σ entry points with their own traffic, plus the system traffic once if any entry shares it."""
    if not an.traffic_known:
        return None, None
    shared = [e for e in an.ctx.entries if not e.own]
    counted = [e for e in an.ctx.entries if e.own] + shared[:1]
    if any(e.peak is None or e.average is None for e in counted):
        return None, None
    return sum(e.peak or 0.0 for e in counted), sum(e.average or 0.0 for e in counted)


def _system_cost(an: Analysis, comps: dict[str, ComponentCapacity], average: float | None,
                 values: dict[str, object], notes: dict[str, str]) -> None:
    billable = {n: r for n, r in comps.items() if r.kind != "client"}
    costed = {n: r for n, r in billable.items() if r.monthly_cost is not None}
    values["cost_complete"] = bool(billable) and len(costed) == len(billable)
    if not costed:
        return
    monthly = sum(r.monthly_cost or 0.0 for r in costed.values())
    values["monthly_cost"] = monthly
    notes["monthly_cost"] = f"Σ {len(costed)} of {len(billable)} components = {num(monthly)}"
    if an.horizon.multiple is not None:
        values["monthly_cost_at_horizon"] = sum(r.monthly_cost_at_horizon or 0.0 for r in costed.values())
    hourly = sum(an.ctx.comp(n).hourly_cost or 0.0 for n in costed)
    if average:
        per_million = hourly / (3600.0 * average) * 1e6
        values["cost_per_million_requests"] = per_million
        notes["cost_per_million_requests"] = f"{num(hourly)}/h / (3,600 × {num(average)} rps) × 10⁶ = {num(per_million)}"


def _function_concurrency(an: Analysis, comps: dict[str, ComponentCapacity], values: dict[str, object],
                          notes: dict[str, str]) -> None:
    shared = [n for n, r in comps.items() if r.kind == "function" and r.concurrency_limit_source is not None
              and not (an.ctx.comp(n).function and an.ctx.comp(n).function.reserved_concurrency)]  # type: ignore[union-attr]
    if not shared:
        return
    limit = min(comps[n].concurrency_limit or 0 for n in shared)
    values["function_account_concurrency"] = limit
    demands = [comps[n].concurrency_demand for n in shared]
    if all(d is not None for d in demands):
        total = sum(d or 0.0 for d in demands)
        values["function_concurrency_demand"] = total
        values["function_concurrency_utilization"] = total / limit if limit else None
        notes["function_concurrency_utilization"] = f"{num(total)} / {num(limit)} = {ratio(total / limit)}" if limit else ""
        notes["function_concurrency_demand"] = (f"Σ {' + '.join(num(d) for d in demands)} = {num(total)} of "
                                                f"{num(limit)} account concurrency ({ratio(total / limit)})")


__all__ = [
    "Assumption",
    "BreakingPoint",
    "CapacityDefaults",
    "CapacityReport",
    "ComponentCapacity",
    "FlowCapacity",
    "GrowthCell",
    "GrowthRow",
    "SystemCapacity",
    "analyse",
    "growth_table",
    "load_defaults",
]
