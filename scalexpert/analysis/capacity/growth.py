"""Growth: horizon multiple, runway (F24), storage runway, saturation multiples, cost (F31, D17).

Loads grow with the entry traffic. Where they grow in proportion (everything not behind a queue
that levels the load), the multiple at which ρ reaches a threshold θ is ``θ / ρ_today``. Behind a
levelling queue, load stops growing once the queue's drain is reached, so the multiple is found
numerically on the propagated loads (bracketing with secant and bisection steps, ≤ 100 runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .context import Context
from .notation import num

MAX_MULTIPLE = 1e6


@dataclass(frozen=True)
class Horizon:
    """Expected growth of the traffic."""

    multiple: float | None
    months: float | None
    monthly_rate: float | None
    text: str


def horizon(ctx: Context) -> Horizon:
    """Growth factor at the horizon: ``growth.factor``, or ``(1 + monthly_rate)^months``."""
    growth = ctx.arch.system.growth
    if growth is None or (growth.factor is None and growth.monthly_rate is None):
        return Horizon(None, None, None, "")
    months = growth.horizon_months
    if months is None:
        months = ctx.defaults.horizon_months
        ctx.log.add("system", "growth.horizon_months", months, "horizon_months", "not stated")
    if growth.factor is not None:
        try:
            rate = growth.factor ** (1.0 / months) - 1.0
        except OverflowError:  # a tiny horizon: the monthly rate is beyond any float
            rate = math.inf
        text = f"growth × {num(growth.factor)} in {num(months)} months = {rate:.2%} a month"
        return Horizon(growth.factor, months, rate, text)
    rate = growth.monthly_rate or 0.0
    try:
        multiple = (1.0 + rate) ** months
    except OverflowError:
        multiple = math.inf
    return Horizon(multiple, months, rate, f"(1 + {rate:g})^{num(months)} = {num(multiple)}")


def runway_months(multiple_at_target: float | None, rate: float | None) -> float | None:
    """Months until the load reaches ``multiple_at_target`` × today's (F24); 0 when already there."""
    if multiple_at_target is None or rate is None or rate <= 0:
        return None
    if multiple_at_target <= 1.0:
        return 0.0
    return math.log(multiple_at_target) / math.log(1.0 + rate)


def storage_runway(ctx: Context, name: str) -> tuple[float | None, str]:
    """Months until ``size_gb`` reaches ``max_storage_gb``: linear GB/month, else the data growth rate."""
    data = ctx.comp(name).data
    if data is None or data.size_gb is None or data.max_storage_gb is None:
        return None, ""
    size, most = data.size_gb, data.max_storage_gb
    if size >= most:
        return 0.0, f"{num(size)} GB ≥ {num(most)} GB: full"
    if data.growth_gb_per_month:
        months = (most - size) / data.growth_gb_per_month
        return months, f"({num(most)} − {num(size)}) GB / {num(data.growth_gb_per_month)} GB a month = {num(months)} months"
    growth = ctx.arch.system.growth
    rate = growth.data_monthly_rate if growth else None
    if not rate or size <= 0:
        return None, ""
    months = math.log(most / size) / math.log(1.0 + rate)
    return months, f"ln({num(most)} / {num(size)}) / ln(1 + {rate:g}) = {num(months)} months"


def solve_multiple(rho_at: Callable[[float], float | None], threshold: float, guess: float) -> float | None:
    """Smallest multiple k with ρ(k) ≥ threshold, for ρ non-decreasing in k; None if never (≤ 10⁶)."""
    top = rho_at(MAX_MULTIPLE)
    if top is None or top < threshold:
        return None
    lo, f_lo = 0.0, 0.0
    hi, f_hi = MAX_MULTIPLE, top
    if 0.0 < guess < MAX_MULTIPLE:
        value = rho_at(guess)
        if value is not None and abs(value - threshold) <= 1e-9 * threshold:
            return guess
        if value is not None and value < threshold:
            lo, f_lo = guess, value
        elif value is not None:
            hi, f_hi = guess, value
    for step in range(100):
        if hi - lo <= 1e-9 * hi:
            break
        k = lo + (threshold - f_lo) * (hi - lo) / (f_hi - f_lo) if step % 2 == 0 and f_hi > f_lo else (lo + hi) / 2
        if not lo < k < hi:
            k = (lo + hi) / 2
        value = rho_at(k)
        if value is None:
            return None
        if abs(value - threshold) <= 1e-9 * threshold:
            return k
        if value < threshold:
            lo, f_lo = k, value
        else:
            hi, f_hi = k, value
    return hi


@dataclass(frozen=True)
class Cost:
    """Monthly cost of one component now and at the horizon, and per million requests."""

    monthly: float | None = None
    at_horizon: float | None = None
    per_million: float | None = None
    texts: tuple[tuple[str, str], ...] = ()


def cost(ctx: Context, name: str, average_rps: float | None, horizon_multiple: float | None,
         replicas_for_load: Callable[[float], int | None], replicas_now: int | None) -> Cost:
    """Cost figures of one component (``replicas_for_load(k)``: replicas the load alone needs at k × today)."""
    hourly = ctx.comp(name).hourly_cost
    if hourly is None:
        return Cost()
    hours = ctx.defaults.hours_per_month
    monthly = hourly * hours
    texts = [("monthly_cost", f"{num(hourly)}/h × {num(hours)} h = {num(monthly)}")]
    per_million = None
    if average_rps:
        per_million = hourly / (3600.0 * average_rps) * 1e6
        texts.append(("cost_per_million_requests",
                      f"{num(hourly)} / (3,600 × {num(average_rps)} rps) × 10⁶ = {num(per_million)}"))
    at_horizon = None
    if horizon_multiple is not None:
        needed_then = replicas_for_load(horizon_multiple)
        if needed_then is not None and replicas_now:
            scale = max(1.0, needed_then / replicas_now)
            texts.append(("monthly_cost_at_horizon",
                          f"{num(monthly)} × max(1, {needed_then} replicas needed / {replicas_now} today) = {num(monthly * scale)}"))
        else:
            scale = horizon_multiple
            ctx.log.add(name, "cost_growth", "proportional to load",
                        reason="no replica sizing for it: cost assumed to grow in proportion to load")
            texts.append(("monthly_cost_at_horizon",
                          f"{num(monthly)} × {num(horizon_multiple)} (grows with load) = {num(monthly * scale)}"))
        at_horizon = monthly * scale
    return Cost(monthly, at_horizon, per_million, tuple(texts))
