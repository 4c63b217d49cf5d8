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
