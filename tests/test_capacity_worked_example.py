"""The worked example of docs/capacity-model.md computes what the page says (the page cannot drift)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from scalexpert.analysis import CapacityReport, analyse
from scalexpert.loader import load_text

DOC = Path(__file__).resolve().parents[1] / "docs" / "capacity-model.md"


@pytest.fixture(scope="module")
def report() -> CapacityReport:
    section = DOC.read_text("utf-8").split("## 11. Worked example", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert match, "the worked example has a YAML block"
    return analyse(load_text(match.group(1)).model)


def test_loads(report: CapacityReport):
    # λ(pg) = 4,000 · 0.9 · (1 − 0.6) + 4,000 · 0.1 = 1,440 + 400
    assert report.components["pg"].offered_rps == pytest.approx(1840)
    assert report.components["redis"].offered_rps == 4000


def test_utilization_queueing_and_latency(report: CapacityReport):
    c = report.components
    assert c["api"].utilization == pytest.approx(4000 / 4500)
    assert c["orders"].utilization == pytest.approx(4000 / 4800)
    assert c["pg"].utilization == pytest.approx(1840 / 2500)
    assert c["pg"].queueing_factor == pytest.approx(1 / (1 - 1840 / 2500))
    assert c["api"].response_time_ms == pytest.approx(67.9, abs=0.05)
    assert c["orders"].response_time_ms == pytest.approx(47.6, abs=0.05)
    assert c["api"].response_time_p99_ms == pytest.approx(287, abs=0.5)
    assert c["pg"].response_time_p99_ms == pytest.approx(math.log(100) * 5 / (1 - 1840 / 2500), abs=0.05)
    # mean 67.9 + 47.6 + 18.9 + 1.0 + 3 hops; p99 from the log-normal with the flow's spread
    assert report.flows[0].latency_mean_ms == pytest.approx(138.4, abs=0.05)
    assert report.flows[0].latency_p99_ms == pytest.approx(403, abs=0.5)


def test_sizing_breaking_point_connections(report: CapacityReport):
    assert report.components["api"].replicas_needed == 6
    assert report.components["pg"].replicas_needed == 3
    assert report.breaking_point is not None and report.breaking_point.component == "api"
    assert report.breaking_point.multiple == pytest.approx(4500 / 4000)
    assert report.components["pg"].connection_demand == 300


def test_availability_runway_cost(report: CapacityReport):
    flow = report.flows[0]
    api = 0.995**3 + 3 * 0.995**2 * 0.005 * 0.75 + 3 * 0.995 * 0.005**2 * 0.375
    assert report.components["api"].availability_own == pytest.approx(api)
    assert report.components["orders"].recovery == "reschedule"
    assert flow.availability == pytest.approx(api * 0.99999997 * 0.995 * 0.9995 * 0.9995, abs=1e-7)
    assert flow.availability_gap_nines == pytest.approx(0.99, abs=0.005)
    assert (flow.availability_assumed_factors, flow.availability_factors) == (5, 6)
    assert flow.availability_display == "99.0 %"
    assert report.components["orders"].runway_months == pytest.approx(math.log(1.4) / math.log(2 ** (1 / 12)))
    assert report.system.monthly_cost == pytest.approx(1606)
    assert report.system.cost_per_million_requests == pytest.approx(2.2 / (3600 * 1600) * 1e6)
