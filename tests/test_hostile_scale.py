"""Hostile shapes: cycles, exponential path counts, dense graphs, thousands of suppressions.

A file small enough to pass the size limit must still be cheap to analyse: graph analysis may
not enumerate paths, suppressions may not be matched pairwise against everything at a high cost.
Nothing here measures time in an assertion; each case runs under a generous time guard so that a
regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json

import pytest

from scalexpert.api import check
from scalexpert.findings import Report
from scalexpert.loader import load_text
from scalexpert.reporters import FORMATS, RenderOptions, render
from helpers import time_limit

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")




def checked(text: str, formats: tuple[str, ...] | None = None) -> Report:
    with time_limit(120):
        report = check(load_text(text, "shape.yaml"))
        for name in formats if formats is not None else tuple(FORMATS):
            out = render(name, [report], RenderOptions(explain=True))
            if name in ("json", "sarif"):
                json.loads(out, parse_constant=refuse)
    return report


def refuse(constant: str) -> None:
    raise AssertionError(f"{constant} in JSON output: not valid JSON")


def architecture(components: list[str], dependencies: list[tuple[str, str]], extra: str = "") -> str:
    comps = "".join(f"  {name}: {{kind: service, replicas: 2, capacity_rps: 100}}\n" for name in components)
    deps = "".join(f"  - {{from: {a}, to: {b}, retries: 2}}\n" for a, b in dependencies)
    return (f"version: 1\nsystem: {{traffic: {{peak_rps: 50}}, objectives: {{availability: 0.999, latency_p99_ms: 200}}}}\n"
            f"components:\n  web: {{kind: load-balancer}}\n{comps}"
            f"dependencies:\n  - {{from: web, to: {components[0]}}}\n{deps}{extra}")


def test_small_dependency_cycle_gives_a_report() -> None:
    report = checked(architecture(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]))
    assert report.architecture is not None and len(report.architecture.dependencies) >= 3


def test_long_cycle_with_chords_gives_a_report() -> None:
    names = [f"s{i}" for i in range(300)]
    edges = [(names[i], names[(i + 1) % 300]) for i in range(300)] + [(names[i], names[(i + 7) % 300]) for i in range(300)]
    checked(architecture(names, edges), formats=("json", "text"))


def test_exponentially_many_paths_give_a_report() -> None:
    """40 layers of 2 services, every one calling both of the next layer: 2**40 paths from the entry."""
    layers = [[f"l{i}a", f"l{i}b"] for i in range(40)]
    edges = [(a, b) for upper, lower in zip(layers, layers[1:]) for a in upper for b in lower]
    edges.append(("l0a", "l0b"))
    checked(architecture([n for layer in layers for n in layer], edges))


def test_dense_graph_gives_a_report() -> None:
    names = [f"n{i}" for i in range(40)]
    checked(architecture(names, [(a, b) for a in names for b in names if a != b]), formats=("json",))


def test_thousands_of_suppressions_stay_fast() -> None:
    names = [f"svc{i}" for i in range(50)]
    rules = ["SPOF-001", "SPOF-002", "availability.*", "*", "NOPE-999"]
    suppressions = "".join(
        f"  - {{rule: {rules[i % len(rules)]!r}, component: {('svc' + str(i % 70)) if i % 3 else 'svc*'!r}, "
        f"reason: 'accepted {i}', expires: '2999-01-01'}}\n" for i in range(5_000))
    report = checked(architecture(names, list(zip(names, names[1:])), extra="suppressions:\n" + suppressions))
    assert report.findings


def test_a_thousand_components_give_a_report() -> None:
    names = [f"c{i}" for i in range(1_000)]
    checked(architecture(names, list(zip(names, names[1:]))), formats=("json", "text", "markdown"))


def test_wildcard_suppressions_cannot_backtrack_for_ever() -> None:
    """fnmatch patterns such as '*a*a*…*b' against long names: linear, not exponential, matching."""
    names = ["a" * 120 + str(i) for i in range(20)]
    pattern = "*a" * 99 + "*b"
    suppressions = "".join(f"  - {{rule: '*', component: '{pattern}', reason: r}}\n" for _ in range(20))
    checked(architecture(names, list(zip(names, names[1:])), extra="suppressions:\n" + suppressions), formats=("json",))


def chain(size: int) -> str:
    """An entry balancer, then ``size`` services each calling the next, every one with a service time."""
    comps = "".join(f"  s{i}: {{kind: service, replicas: 2, capacity_rps: 500, service_time_ms: 1}}\n" for i in range(size))
    deps = "".join(f"  - {{from: s{i}, to: s{i + 1}, timeout_ms: 1000}}\n" for i in range(size - 1))
    return ("version: 1\nsystem: {traffic: {peak_rps: 100}, entry_points: [edge]}\n"
            f"components:\n  edge: {{kind: load-balancer, replicas: 2}}\n{comps}"
            f"dependencies:\n  - {{from: edge, to: s0}}\n{deps}")


def fan_out(size: int) -> str:
    """An entry balancer and a gateway calling ``size`` services, each behind a cache it also calls."""
    comps = "".join(f"  s{i}: {{kind: service, replicas: 2, capacity_rps: 500}}\n" for i in range(size))
    deps = "".join(f"  - {{from: gw, to: s{i}}}\n" for i in range(size))
    return ("version: 1\nsystem: {traffic: {peak_rps: 100}, entry_points: [edge]}\n"
            "components:\n  edge: {kind: load-balancer, replicas: 2}\n"
            f"  gw: {{kind: service, replicas: 2, capacity_rps: 5000}}\n{comps}"
            f"dependencies:\n  - {{from: edge, to: gw}}\n{deps}")


@pytest.mark.hostile("budgets")
def test_a_long_chain_costs_memory_in_proportion_to_its_length() -> None:
    """3,000 services in a row: the flow's latency names each once, and no component carries the
    terms or path of everything below it (that took 300 MiB here, growing with the square)."""
    import tracemalloc

    from scalexpert.analysis import capacity
    from scalexpert.analysis.graph import analyse_graph

    model = load_text(chain(3_000), "chain.yaml").model
    with time_limit(300):
        tracemalloc.start()
        try:
            graph = analyse_graph(model)
            report = capacity.analyse(model)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 150 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    [flow] = graph.flows
    assert flow.longest_path.count(" → ") == 3_000 and flow.sync_depth == 3_000
    [latency] = report.flows
    assert latency.latency_path == ["edge", *(f"s{i}" for i in range(3_000))]
    mean = latency.derivations["latency_mean_ms"]
    assert all(f" s{i} " in mean for i in range(0, 3_000, 97)) and mean.count(" + ") == 3_000


@pytest.mark.hostile("budgets")
def test_a_wide_fan_out_is_analysed_in_time_proportional_to_its_width() -> None:
    """A gateway calling 8,000 services: each call's caches were looked up among all 8,000 again
    (minutes); the time guard fails the test instead of waiting for that."""
    from scalexpert.analysis import capacity
    from scalexpert.analysis.graph import analyse_graph

    model = load_text(fan_out(8_000), "fan-out.yaml").model
    with time_limit(150):
        graph = analyse_graph(model)
        report = capacity.analyse(model)
    assert graph.components["gw"].fan_out == 8_000
    assert len(report.components) == 8_002


@pytest.mark.hostile("budgets")
def test_more_components_or_dependencies_than_the_limits_are_refused_at_their_key() -> None:
    from scalexpert.errors import InputError
    from scalexpert.loader import Limits

    text = chain(30)
    with pytest.raises(InputError) as caught:
        load_text(text, "big.yaml", limits=Limits(max_components=20))
    [problem] = caught.value.diagnostics
    assert (problem.file, problem.line, problem.path) == ("big.yaml", 3, "components")
    assert "31 components, more than the limit of 20" in problem.message and "--max-components" in problem.message
    with pytest.raises(InputError, match=r"30 dependencies, more than the limit of 29.*--max-dependencies"):
        load_text(text, "big.yaml", limits=Limits(max_dependencies=29))
    assert len(load_text(text, "big.yaml", limits=Limits(max_components=31, max_dependencies=30)).model.components) == 31


@pytest.mark.hostile("budgets")
def test_the_component_limit_is_an_option_of_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    (tmp_path / "big.yaml").write_text(chain(30), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", "big.yaml", "--max-components", "20"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("big.yaml:3:1: components: 31 components"), done.stderr
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", "big.yaml", "--max-components", "31",
                           "--fail-on", "never", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _findings(count: int) -> list:  # type: ignore[type-arg]
    from scalexpert.findings import Explanation, Finding

    return [Finding(rule_id="SPOF-001", rule_name="availability.single-point-of-failure", title="t", category="availability",
                    severity="high", subjects=(f"c{i}",), message="m", explanation=Explanation(proof=()),
                    fingerprint=f"SPOF-001@c{i}") for i in range(count)]


@pytest.mark.hostile("budgets")
def test_wildcard_suppressions_past_the_matching_limit_stop_before_matching() -> None:
    """3,000 findings × 2,000 distinct wildcard patterns: 6 million tests, more than the default limit."""
    import datetime as dt

    from scalexpert.errors import BudgetError
    from scalexpert.loader import Limits
    from scalexpert.review import suppressions

    lines = "".join(f"  - {{rule: SPOF-001, component: 'c*x{i}', reason: r}}\n" for i in range(2_000))
    loaded = load_text(architecture(["c0"], []) + "suppressions:\n" + lines, "s.yaml")
    with time_limit(60), pytest.raises(BudgetError, match=r"s\.yaml: matching 2,000 wildcard suppressions .* 6,000,000 "
                                                           r"pattern tests.*--max-suppression-matches"):
        suppressions.apply_suppressions(_findings(3_000), loaded, today=dt.date(2020, 1, 1))
    marked, _ = suppressions.apply_suppressions(_findings(3_000), loaded, today=dt.date(2020, 1, 1),
                                                limits=Limits(max_suppression_matches=6_000_000))
    assert not any(f.suppressed for f in marked)


@pytest.mark.hostile("budgets")
def test_each_wildcard_pattern_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from scalexpert.review import suppressions

    lines = "".join(f"  - {{rule: SPOF-001, component: 'c1*', reason: r{i}}}\n" for i in range(3_000))
    loaded = load_text(architecture(["c0"], []) + "suppressions:\n" + lines, "s.yaml")
    compiled: list[str] = []
    original = suppressions.translate
    monkeypatch.setattr(suppressions, "translate", lambda pattern: compiled.append(pattern) or original(pattern))
    marked, _ = suppressions.apply_suppressions(_findings(200), loaded, today=dt.date(2020, 1, 1))
    assert compiled == ["c1*"]
    assert sum(1 for f in marked if f.suppressed) == 111  # c1, c10…c19, c100…c199


@pytest.mark.hostile("budgets")
def test_validate_takes_the_size_limits_its_messages_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    (tmp_path / "big.yaml").write_text(chain(30), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scalexpert", "validate", "big.yaml", "--max-dependencies", "29"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "30 dependencies, more than the limit of 29" in done.stderr, done.stderr
    assert "--max-dependencies" in done.stderr
    done = subprocess.run([sys.executable, "-m", "scalexpert", "validate", "big.yaml", "--max-components", "31"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "big.yaml: valid" in done.stdout, done.stderr


@pytest.mark.hostile("budgets")
def test_a_join_memory_forgets_retracted_tokens_entirely() -> None:
    """Emptied entry lists left in a join's bucket were walked by every later lookup: a long chain's
    retractions made each lookup cost the number of tokens ever seen (17x the time for 4x the size)."""
    from scalexpert.engine.rete import _Joins

    joins = _Joins()
    for i in range(1_000):
        context = {"n": "same"}
        assert joins.accepts(context, 0) and joins.accepts(context, 1)
        entry = [frozenset({i}), context, 0]
        joins.add(0, entry)
        assert joins.remove(0, entry[0], context) is entry
    assert all(not bucket for bucket in joins.buckets[0].values())
