"""The assessment's re-runs reuse what a change cannot alter: the original's graph analysis and capacity model
(for changes to fields they never read, model/reads.py) and any design analysed before (the same overlay).
Each reuse must give what a complete check of the changed file gives, and never a stale result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import scalexpert.assessment as assessment
from scalexpert.analysis.graph import analyse_graph
from scalexpert.api import _capacity, check
from scalexpert.config import Config
from scalexpert.loader import load_file, load_text, merge, validate
from scalexpert.model.base import StrictModel
from scalexpert.model.reads import changed_paths, recording_paths, recording_reads

ROOT = Path(__file__).resolve().parents[1]
MARKETPLACE = ROOT / "examples" / "large-marketplace.yaml"


def _full(path: Path, overlay: dict[str, Any]) -> Any:
    """A complete check (no assessment) of ``path`` with ``overlay`` merged onto it, as a user would write it."""
    text = yaml.safe_dump({"version": 1, "extends": str(path), **overlay}, sort_keys=True)
    return check(load_text(text, file=str(path.parent / "variant.yaml")), assess=False)


def _findings(report: Any) -> dict[str, str]:
    rules = set(report.rules_run)
    return {f.fingerprint: f.severity for f in report.findings if f.rule_id in rules}


def _ways(monkeypatch: pytest.MonkeyPatch, path: Path) -> dict[str, Any]:
    """The re-run functions ``api`` hands the assessment for ``path`` (captured, the assessment left out)."""
    caught: dict[str, Any] = {}

    def spy(report, arch, **kwargs):  # type: ignore[no-untyped-def]
        caught.update(kwargs, report=report, arch=arch)
        return report

    monkeypatch.setattr(assessment, "assess", spy)
    check(path)
    return caught


def test_a_change_to_the_load_a_component_receives_is_never_answered_from_the_original(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer calls from search-service to pricing-service lowers pricing-service's load: the capacity model
    must be re-run (its figures differ from the original's), and equal a complete check's."""
    ways = _ways(monkeypatch, MARKETPLACE)
    arch = ways["arch"]
    index = next(i for i, d in enumerate(arch.dependencies) if (d.source, d.target) == ("search-service", "pricing-service"))
    overlay = {"dependencies": [{"from": "search-service", "to": "pricing-service", "calls_per_request": 2}]}
    base = ways["report"].capacity.model_dump(mode="json")
    outcome = ways["rerun"](overlay)
    full = _full(MARKETPLACE, overlay)
    assert outcome.capacity == full.capacity.model_dump(mode="json")
    assert outcome.capacity["components"]["pricing-service"] != base["components"]["pricing-service"]
    assert outcome.findings == _findings(full)
    assert (("dependencies", index), "calls_per_request") in changed_paths(overlay, arch)


def test_a_change_to_a_field_no_model_reads_reuses_both_and_still_equals_a_complete_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ways = _ways(monkeypatch, MARKETPLACE)
    overlay = {"components": {"recommendation-service": {"observability": {"tracing": True}}}}
    outcome = ways["rerun"](overlay)
    full = _full(MARKETPLACE, overlay)
    assert outcome.capacity == full.capacity.model_dump(mode="json") == ways["report"].capacity.model_dump(mode="json")
    assert outcome.findings == _findings(full)
    assert outcome.findings != _findings(ways["report"])  # the finding about missing tracing is gone


def test_the_same_design_measured_again_and_after_other_steps_gives_a_complete_checks_figures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's steps (rerun_after, each compared with the previous step) and the target (full_check) reuse the
    designs measured before; whatever order they come in, each equals a complete check of its own overlay."""
    ways = _ways(monkeypatch, MARKETPLACE)
    first = {"components": {"seller-gateway": {"replicas": 3, "zones": 3}}}
    second = {"components": {"seller-gateway": {"replicas": 3, "zones": 3,
                                                 "balancer": {"health_checks": True}}},
              "dependencies": [{"from": "search-service", "to": "pricing-service", "batching": True}]}
    expected = {}
    for overlay in (first, second):
        full = _full(MARKETPLACE, overlay)
        expected[str(overlay)] = (_findings(full), full.capacity.model_dump(mode="json"))
    alone = ways["rerun"](first)
    for overlay in (first, second, first, second):  # steps in sequence, then again in another order
        outcome = ways["rerun_after"](overlay)
        assert (outcome.findings, outcome.capacity) == expected[str(overlay)], overlay
    assert ways["rerun"](second).findings == expected[str(second)][0]
    assert alone.findings == expected[str(first)][0]
    report, target = ways["full_check"](second)
    loaded = load_file(MARKETPLACE)  # the changed design located at the original file's lines, as api does
    raw = loaded.model.model_dump(by_alias=True, exclude_none=True, mode="json")
    full = check(validate(merge(raw, second), loaded.source, loaded.file), assess=False)
    assert report.model_dump(mode="json") == full.model_dump(mode="json")
    assert target.components["seller-gateway"].replicas == 3


def test_a_design_whose_models_a_re_run_let_go_is_analysed_again_for_a_complete_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A design the verification measured keeps only its records, findings and figures; checked in full later
    (the target), it is analysed again and gives a complete check's report, and its growth table is its own."""
    ways = _ways(monkeypatch, MARKETPLACE)
    overlay = {"components": {"cart-store": {"replicas": 2}}}
    measured = ways["rerun"](overlay)
    again = ways["rerun_after"](overlay)  # a step of the plan reads the records the re-run kept
    report, target = ways["full_check"](overlay)
    loaded = load_file(MARKETPLACE)
    raw = loaded.model.model_dump(by_alias=True, exclude_none=True, mode="json")
    full = check(validate(merge(raw, overlay), loaded.source, loaded.file), assess=False)
    assert report.model_dump(mode="json") == full.model_dump(mode="json")
    assert measured.findings == again.findings == _findings(full)
    assert measured.capacity == again.capacity == full.capacity.model_dump(mode="json")
    assert target.components["cart-store"].replicas == 2
    grown = ways["grow"](target, [1.0, 2.0])
    assert grown["components"]["cart-store"] == full.capacity.model_dump(mode="json")["components"]["cart-store"]
    assert grown["growth_table"] != ways["grow"](ways["arch"], [1.0, 2.0])["growth_table"]


def test_reads_are_recorded_per_object_and_attribute() -> None:
    """Capacity reads search-service → pricing-service's calls and one component's replicas by their own
    paths; a field nothing reads is not recorded; the hook is gone afterwards."""
    arch = load_file(MARKETPLACE).model
    with recording_paths(arch) as graph_reads:
        analyse_graph(arch)
    with recording_paths(arch) as capacity_reads:
        _capacity(arch, Config())
    index = next(i for i, d in enumerate(arch.dependencies) if (d.source, d.target) == ("search-service", "pricing-service"))
    assert (("dependencies", index), "calls_per_request") in capacity_reads.paths
    assert (("components", "cart-service"), "replicas") in capacity_reads.paths
    tracing = changed_paths({"components": {"recommendation-service": {"observability": {"tracing": True}}}}, arch)
    assert tracing == {(("components", "recommendation-service", "observability"), "tracing")}
    assert not capacity_reads.touched_by(tracing) and not graph_reads.touched_by(tracing)
    replicas = changed_paths({"components": {"cart-store": {"replicas": 2}}}, arch)
    assert capacity_reads.touched_by(replicas) and graph_reads.touched_by(replicas)
    assert "__getattribute__" not in StrictModel.__dict__


def test_overlapping_recordings_each_see_every_read() -> None:
    """Recordings nest (and may overlap across threads): the inner one ending leaves the outer one recording."""
    arch = load_file(MARKETPLACE).model
    with recording_paths(arch) as outer:
        with recording_reads() as names:
            arch.components["cart-service"].replicas  # noqa: B018 - a read to record
        arch.components["cart-store"].zones  # noqa: B018
    assert "replicas" in names and "zones" not in names
    assert {(("components", "cart-service"), "replicas"), (("components", "cart-store"), "zones")} <= outer.paths
    assert "__getattribute__" not in StrictModel.__dict__


def test_a_new_block_is_the_attribute_that_creates_it() -> None:
    """A change that adds a block a component did not state is a change to the attribute holding it (which a
    model reading ``data`` on that component sees)."""
    arch = load_file(MARKETPLACE).model
    assert arch.components["cart-store"].data is None
    changed = changed_paths({"components": {"cart-store": {"data": {"replication": {"failover": "automatic"}}}}}, arch)
    assert changed == {(("components", "cart-store"), "data")}
    assert changed_paths({"components": {"no-such-component": {"replicas": 2}}}, arch) is None


EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_timeline_from_growth_rows_alone_is_the_complete_models(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The timeline asks for growth tables of designs already analysed: the rows computed alone
    (capacity.growth_table) give the timeline a complete capacity run at those multiples gives."""
    from scalexpert.analysis.capacity.run import analyse, growth_table
    from scalexpert.assessment.timeline import grid

    quick = check(path)
    original = assessment.assess
    grown: list[Any] = []

    def complete(report, arch, **kwargs):  # type: ignore[no-untyped-def]
        def grow(design, multiples):  # type: ignore[no-untyped-def]
            grown.append(design)
            return analyse(design, growth=multiples).model_dump(mode="json")

        return original(report, arch, **{**kwargs, "grow": grow})

    monkeypatch.setattr(assessment, "assess", complete)
    slow = check(path)
    assert grown and quick.timeline is not None
    assert quick.timeline == slow.timeline
    _, multiples, _, _ = grid(quick.capacity.model_dump(mode="json"))
    for design in grown:
        assert growth_table(design, [*multiples, 2.5, 1e6]) == analyse(design, growth=[*multiples, 2.5, 1e6]).growth_table


def test_facts_built_with_a_shared_memo_are_those_built_without() -> None:
    """The flat form of graph and capacity records is kept by identity across designs: a design with its own
    (changed) capacity model never gets the original's figures."""
    from scalexpert.facts.build import build_facts

    loaded = load_file(MARKETPLACE)
    text = yaml.safe_dump({"version": 1, "extends": str(MARKETPLACE),
                           "dependencies": [{"from": "search-service", "to": "pricing-service", "calls_per_request": 2}]})
    changed = load_text(text, file=str(MARKETPLACE.parent / "variant.yaml"))
    memo: dict[Any, Any] = {}

    def facts(design: Any, memo: dict[Any, Any] | None) -> list[tuple[Any, ...]]:
        graph, capacity = analyse_graph(design.model), _capacity(design.model, Config())
        return [(r.key, r.values, r.derivations, r.positions) for r in build_facts(design, graph, capacity, memo)]

    first = facts(loaded, memo)
    assert facts(loaded, None) == first
    assert facts(changed, memo) == facts(changed, None) != first
    graph, capacity = analyse_graph(loaded.model), _capacity(loaded.model, Config())
    again = [(r.key, r.values, r.derivations, r.positions) for r in build_facts(loaded, graph, capacity, memo)]
    assert again == first == [(r.key, r.values, r.derivations, r.positions) for r in build_facts(loaded, graph, capacity, memo)]



def test_networks_of_the_needed_rules_fed_only_their_fact_types_give_the_full_networks_findings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes re-run with a network of only the rules they need (fed only the facts of the types those rules
    match) give the findings the network of every rule gives for the same facts, whatever share of the rules
    they need."""
    import scalexpert.engine.partial as partial
    from scalexpert.api import rules_for
    from scalexpert.engine import finding_keys, run_rules
    from scalexpert.facts.build import build_facts

    def records(loaded: Any) -> list[Any]:
        return build_facts(loaded, analyse_graph(loaded.model), _capacity(loaded.model, Config()))

    ruleset = rules_for(Config())
    loaded = load_file(MARKETPLACE)
    base = records(loaded)
    base_findings = finding_keys(run_rules(base, ruleset), ruleset)
    raw = loaded.model.model_dump(by_alias=True, exclude_none=True, mode="json")
    for overlay in ({"components": {"cart-store": {"replicas": 2}}},  # a third of the rules
                    {"components": {"seller-gateway": {"replicas": 3, "zones": 3}}},
                    {"components": {"recommendation-service": {"observability": {"tracing": True}}}},
                    {"dependencies": [{"from": "search-service", "to": "pricing-service", "batching": True}]}):
        changed = records(validate(merge(raw, overlay), loaded.source, loaded.file))
        full = finding_keys(run_rules(changed, ruleset), ruleset)
        assert full != base_findings, overlay
        for share in (1.0, 0.0):  # a network of the needed rules always; the network of every rule always
            monkeypatch.setattr(partial, "FULL_SHARE", share)
            rerunner = partial.PartialRerun(ruleset, base, base_findings)
            try:
                assert rerunner.run(changed) == full, (overlay, share)
                assert rerunner.run(changed) == full, (overlay, share)  # the network reused
            finally:
                rerunner.close()



def test_a_check_that_lets_the_graph_analysis_go_before_the_rules_reports_what_one_keeping_it_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without re-runs that reuse it (large architectures), a check lets the graph analysis's records go once
    the facts are built (only its entry points are read again): the report, assessment included, is the same."""
    import scalexpert.api as api

    kept = check(MARKETPLACE)
    original = api._checked
    given: list[Any] = []

    def checked(*args: Any) -> Any:
        given.append(args[4])
        return original(*args)

    monkeypatch.setattr(api, "REUSE_FROM", 10**9)  # as at 10,000 components: no re-run reuses the original's parts
    monkeypatch.setattr(api, "_checked", checked)
    let_go = check(MARKETPLACE)
    assert given[0].components == {} and given[0].dependencies == [] and given[0].entry_points  # (let go)
    assert let_go.model_dump(mode="json") == kept.model_dump(mode="json")
    assert let_go.plan is not None and let_go.root_causes  # (assessed)
