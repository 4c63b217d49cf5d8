"""The capacity report as plain text: a table per component, breaking point, flows, queues, cost."""

from __future__ import annotations

from ...terminal import lines as terminal_lines
from ...terminal import value as terminal_value
from .records import CapacityReport, ComponentCapacity, GrowthCell
from .notation import avail, mult, num, ratio

DASH = "—"


def render_text(report: CapacityReport, system_name: str, file: str) -> str:
    """Everything a person needs from the capacity model, deterministic and without colour."""
    out = [f"Capacity model of {terminal_value(system_name)} ({terminal_value(file)})", ""]
    out += _traffic(report)
    out += [""] + _table(report)
    out += [""] + _breaking(report)
    out += _flows(report)
    out += _queues(report)
    out += _connections(report)
    out += _cost(report)
    out += _assumptions(report)
    return terminal_lines("\n".join(out).rstrip() + "\n")  # names and notes come from the input


def _fmt(value: float | int | None) -> str:
    return DASH if value is None else num(value)


def _rho(value: float | None, mark: str = "") -> str:
    if value is None:
        return DASH
    return f"{ratio(value)}{mark}{'!' if value >= 1.0 else ''}"


def _traffic(report: CapacityReport) -> list[str]:
    s = report.system
    entries = ", ".join(s.entry_points) or "none found"
    if s.peak_rps is None:
        lines = [f"Traffic:  not stated (entry points: {entries}); loads are unknown"]
    else:
        lines = [f"Traffic:  peak {num(s.peak_rps)} rps, average {_fmt(s.average_rps)} rps (entry points: {entries})"]
    if s.horizon_multiple is not None:
        rate = f", {s.growth_monthly_rate:.2%} a month" if s.growth_monthly_rate is not None else ""
        lines.append(f"Growth:   × {num(s.horizon_multiple)} in {_fmt(s.horizon_months)} months{rate}")
    return lines


def _table(report: CapacityReport) -> list[str]:
    multiples = [row.multiple for row in report.growth_table]
    header = ["component", "kind", "load/s", "capacity/s", "ρ", "replicas", "needed"]
    for m in multiples:
        header += [f"ρ ×{num(m)}", f"n ×{num(m)}"]
    rows = [header]
    for name, c in sorted(report.components.items()):
        row = [name, c.kind, _fmt(c.offered_rps), _capacity(c), _current_rho(c), _fmt(c.replicas), _fmt(c.replicas_needed)]
        for growth in report.growth_table:
            cell = growth.components.get(name, GrowthCell())
            row += [_cell_rho(cell), _fmt(cell.replicas_needed)]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    out = []
    for i, row in enumerate(rows):
        text = "  ".join(v.ljust(w) if j < 2 else v.rjust(w) for j, (v, w) in enumerate(zip(row, widths)))
        out.append(text.rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    out.append("ρ: utilization (q: arrival / drain of a queue); ! saturated; ×k columns use the most replicas allowed.")
    return out


def _capacity(c: ComponentCapacity) -> str:
    if c.capacity_rps is None:
        return DASH
    return num(c.capacity_rps) + ("*" if c.capacity_source == "assumed" else "")


def _current_rho(c: ComponentCapacity) -> str:
    if c.utilization is None and c.queue_utilization is not None:
        return _rho(c.queue_utilization, "q")
    return _rho(c.utilization)


def _cell_rho(cell: GrowthCell) -> str:
    if cell.utilization is None and cell.queue_utilization is not None:
        return _rho(cell.queue_utilization, "q")
    return _rho(cell.utilization)


def _breaking(report: CapacityReport) -> list[str]:
    point = report.breaking_point
    if point is None:
        return ["Breaking point: unknown (no component states a capacity the load can be compared with)", ""]
    return [f"Breaking point: {point.component} at {mult(point.multiple)} × today's peak", f"  {point.derivation}", ""]


def _flows(report: CapacityReport) -> list[str]:
    if not report.flows:
        return []
    lines = ["Entry flows:"]
    for f in report.flows:
        objective = f" (objective {avail(f.availability_objective)}" if f.availability_objective is not None else ""
        if objective and f.availability_gap_nines is not None:
            gap = f.availability_gap_nines
            objective += f", {abs(gap):.2f} nines {'short' if gap > 0 else 'spare'})"
        elif objective:
            objective += ")"
        worst = f"; worst: {', '.join(f.availability_dominant)}" if f.availability_dominant else ""
        lines.append(f"  {f.entry}: availability {avail(f.availability)}{objective}{worst}")
        lines.append(f"  {' ' * len(f.entry)}  p99 latency {_latency(f.latency_p99_ms, f.latency_is_lower_bound, f.latency_saturated)}"
                     + (" measured" if f.latency_measured else "")
                     + (f" (objective {num(f.latency_objective_ms)} ms)" if f.latency_objective_ms is not None else "")
                     + (f" via {' → '.join(f.latency_path)}" if len(f.latency_path) > 1 else ""))
    return lines + [""]


def _latency(ms: float | None, lower: bool, saturated: str | None) -> str:
    if saturated:
        return f"unbounded ({saturated} at ρ ≥ 1)"
    if ms is None:
        return "unknown (no service times)"
    return f"{'≥ ' if lower else ''}{num(ms)} ms"


def _queues(report: CapacityReport) -> list[str]:
    queues = [(n, c) for n, c in sorted(report.components.items()) if c.kind in ("queue", "stream")]
    if not queues:
        return []
    lines = ["Queues:"]
    for name, c in queues:
        text = f"  {name}: arrival {_fmt(c.arrival_rps)}/s, drain {_fmt(c.drain_rps)}/s"
        if c.queue_utilization is not None:
            text += f" (ρ_q {ratio(c.queue_utilization)}), backlog grows {num(c.backlog_growth_per_s)}/s"
        if c.drain_time_s is not None:
            text += f", drains an outage's backlog in {num(c.drain_time_s)} s"
        lines.append(text)
    return lines + [""]


def _connections(report: CapacityReport) -> list[str]:
    pools = [(n, c) for n, c in sorted(report.components.items()) if c.connection_demand is not None]
    if not pools:
        return []
    lines = ["Connections:"]
    for name, c in pools:
        limit = f" of {num(c.max_connections)} max ({c.max_connections_source})" if c.max_connections is not None else ""
        ratio_text = f" = {ratio(c.connection_ratio)}" if c.connection_ratio is not None else ""
        partial = "" if c.connection_demand_complete else " (some callers' pool sizes unknown)"
        pooled = (f" through a pooler (clients hold {num(c.client_connection_demand)})"
                  if c.client_connection_demand is not None and c.client_connection_demand != c.connection_demand else "")
        lines.append(f"  {name}: {num(c.connection_demand)}{limit}{ratio_text}{pooled}{partial}")
    return lines + [""]


def _cost(report: CapacityReport) -> list[str]:
    s = report.system
    if s.monthly_cost is None:
        return []
    text = f"Cost: {num(s.monthly_cost)} a month"
    if s.monthly_cost_at_horizon is not None:
        text += f", {num(s.monthly_cost_at_horizon)} at the horizon"
    if s.cost_per_million_requests is not None:
        text += f"; {num(s.cost_per_million_requests)} per million requests"
    if not s.cost_complete:
        text += " (not every component states hourly_cost)"
    return [text, ""]


def _assumptions(report: CapacityReport) -> list[str]:
    if not report.assumptions:
        return ["Assumed numbers: none; every number used is stated in the file."]
    lines = [f"Assumed numbers ({len(report.assumptions)}), not stated in the file:"]
    sources: dict[str, int] = {}
    for a in report.assumptions:
        value = num(a.value) if isinstance(a.value, (int, float)) and not isinstance(a.value, bool) else str(a.value)
        reason = f"; {a.reason}" if a.reason else ""
        mark = sources.setdefault(a.source, len(sources) + 1)
        lines.append(f"  {a.component}: {a.field} = {value}{reason} [{mark}]")
    lines += ["", "Sources of the defaults:"]
    lines += [f"  [{mark}] {source}" for source, mark in sources.items()]
    return lines
