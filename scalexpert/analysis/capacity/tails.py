"""Percentiles, tail amplification and scaling curves used by the capacity model.

* M/M/c response time ``R = S + W``: S ~ Exp(μ), W = 0 with probability 1 − C, else Exp(θ) with
  θ = cμ − λ (C: Erlang C). ``P(W > t) = C·e^{−θt}`` and
  ``P(R > t) = (1 − C)·e^{−μt} + C·(θ·e^{−μt} − μ·e^{−θt}) / (θ − μ)`` (θ ≠ μ).
* A path's latency is a sum of independent stages; its percentile is read off a log-normal with
  the path's mean and variance (moment matching; for one exponential stage it overstates the p99
  by about 6 %).
* N parallel calls finish when the slowest does: ``P(max > t) = 1 − Π (1 − P_i(> t))``, so a call
  with a 1 % tail called 10 times in parallel leaves 1 − 0.99¹⁰ ≈ 9.6 % of requests in it.
* Universal Scalability Law: ``X(N) = N / (1 + σ(N − 1) + κN(N − 1))`` times one replica's
  throughput; it peaks at ``N* = √((1 − σ) / κ)``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_NORMAL = NormalDist()


def mmc_tail(t: float, mu: float, theta: float, wait: float) -> float:
    """P(R > t) for an M/M/c response time (service rate μ per server, θ = cμ − λ, C = wait)."""
    if t <= 0:
        return 1.0
    service = math.exp(-mu * t)
    if abs(theta - mu) < 1e-12 * max(theta, mu):
        queued = (1.0 + mu * t) * service
    else:
        queued = (theta * service - mu * math.exp(-theta * t)) / (theta - mu)
    return (1.0 - wait) * service + wait * queued


def mmc_percentile(q: float, service_ms: float, servers: int, rho: float, wait: float) -> float:
    """The q-quantile (0.99 for p99) of an M/M/c response time, ms."""
    mu = 1.0 / service_ms
    theta = servers * mu * (1.0 - rho)
    return _solve(lambda t: mmc_tail(t, mu, theta, wait), 1.0 - q, service_ms)


def mmc_moments(service_ms: float, servers: int, rho: float, wait: float) -> tuple[float, float]:
    """Mean and variance of an M/M/c response time, ms and ms²."""
    theta = servers * (1.0 - rho) / service_ms
    mean_w = wait / theta
    var_w = wait * (2.0 - wait) / (theta * theta)
    return service_ms + mean_w, service_ms * service_ms + var_w


def lognormal_quantile(q: float, mean: float, variance: float) -> float:
    """The q-quantile of the log-normal with this mean and variance (the mean itself when var = 0)."""
    if mean <= 0:
        return 0.0
    if variance <= 0 or not math.isfinite(mean) or not math.isfinite(variance):
        return mean
    s2 = math.log1p(variance / (mean * mean))
    try:
        return math.exp(math.log(mean) - s2 / 2.0 + _NORMAL.inv_cdf(q) * math.sqrt(s2))
    except OverflowError:
        return math.inf


def lognormal_tail(t: float, mean: float, variance: float) -> float:
    """P(X > t) for the log-normal with this mean and variance."""
    if t <= 0:
        return 1.0
    if variance <= 0 or mean <= 0:
        return 1.0 if t < mean else 0.0
    s2 = math.log1p(variance / (mean * mean))
    return 1.0 - _NORMAL.cdf((math.log(t) - math.log(mean) + s2 / 2.0) / math.sqrt(s2))


def parallel_moments(branches: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Mean, variance and p99 of the slowest of independent parallel branches (each mean, variance).

    Quantiles of the maximum solve Π F_i(t) = q (tail amplification 1 − Π(1 − p_i)); a log-normal is
    fitted through its median and its p99.
    """
    if len(branches) == 1:
        mean, var = branches[0]
        return mean, var, lognormal_quantile(0.99, mean, var)
    scale = max(m for m, _ in branches) or 1.0

    def tail(t: float) -> float:
        return 1.0 - math.prod(1.0 - lognormal_tail(t, m, v) for m, v in branches)

    median = _solve(tail, 0.5, scale)
    p99 = _solve(tail, 0.01, scale)
    if median <= 0 or p99 <= median:
        return max(m for m, _ in branches), max(v for _, v in branches), p99
    sigma = math.log(p99 / median) / _NORMAL.inv_cdf(0.99)
    mean = median * math.exp(min(sigma * sigma / 2.0, 700.0))
    try:
        return mean, math.expm1(sigma * sigma) * mean * mean, p99
    except OverflowError:
        return mean, math.inf, p99


def fan_out_tail(p: float, calls: int) -> float:
    """Share of requests that meet at least one of ``calls`` parallel calls' tail of probability p."""
    return 1.0 - (1.0 - p) ** calls


def _solve(tail, target: float, scale: float) -> float:
    """Smallest t with tail(t) ≤ target (tail decreasing), by doubling then bisection."""
    low, high = 0.0, max(scale, 1e-9)
    for _ in range(200):
        if tail(high) <= target:
            break
        low, high = high, high * 2.0
    for _ in range(100):
        mid = (low + high) / 2.0
        if tail(mid) <= target:
            high = mid
        else:
            low = mid
        if high - low <= 1e-9 * high:
            break
    return high


def usl_throughput(n: float, sigma: float, kappa: float) -> float:
    """Replicas' worth of throughput N replicas give under contention σ and coherency κ."""
    if n <= 0:
        return 0.0
    return n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


def usl_peak(sigma: float, kappa: float) -> float | None:
    """N* = √((1 − σ) / κ), the replicas beyond which throughput falls; None without coherency cost."""
    if kappa <= 0 or sigma >= 1:
        return None
    return math.sqrt((1.0 - sigma) / kappa)
