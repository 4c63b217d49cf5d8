"""The assessment: root causes (every finding in exactly one), verified changes, the plan, its target, the timeline."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.assessment.knowledge import field_knowledge
from scalexpert.assessment.plan import steps
from scalexpert.cli import main
from scalexpert.findings import SCHEMA_VERSION, Change, Impact, Report, RootCause
from scalexpert.loader import load_file
from scalexpert.review.score import score_report

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "realworld").glob("*.yaml")])
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {path.name: check(path) for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_finding_is_in_exactly_one_root_cause(path: Path, reports: dict[str, Report]) -> None:
    report = reports[path.name]
    placed = [fp for cause in report.root_causes for fp in cause.symptoms]
    assert sorted(placed) == sorted(f.fingerprint for f in report.findings)
    assert len(placed) == len(set(placed))
    assert [c.id for c in report.root_causes] == [f"RC{i}" for i in range(1, len(report.root_causes) + 1)]
    keys = [(c.headline, c.subjects, tuple(x.text for x in c.changes)) for c in report.root_causes]
    assert len(keys) == len(set(keys)), "no root cause appears twice"
    scores = [c.impact.score for c in report.root_causes]
    assert scores == sorted(scores, reverse=True), "ranked by impact"
    by_fp = {f.fingerprint: f for f in report.findings}
    for cause in report.root_causes:
        assert cause.severity == max((by_fp[fp].severity for fp in cause.symptoms), key=RANK.__getitem__)
        assert str(cause.impact.score) in cause.impact.formula or f"{cause.impact.score:.1f}" in cause.impact.formula


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_change_clears_its_symptoms_and_makes_nothing_worse(path: Path, reports: dict[str, Report]) -> None:
    """Re-checked from scratch (an overlay written to disk), each root cause's change does what it claims."""
    report = reports[path.name]
    arch = load_file(path).model
    from scalexpert.assessment.changes import overlay

    for cause in [c for c in report.root_causes if c.changes][:4]:
        data = overlay(cause.changes, arch)
        changed = check(_overlay_file(path, data, cause.id), assess=False)
        now = {f.fingerprint: f.severity for f in changed.findings}
        assert not set(cause.symptoms) & set(now), f"{cause.id} {cause.changes[0].text} left some of its findings"
        before = {f.fingerprint for f in report.findings}
        worst = max(RANK[report_severity(report, fp)] for fp in cause.symptoms)
        worse = [fp for fp, s in now.items() if fp not in before and RANK[s] >= worst]
        assert not worse, f"{cause.id} brought {worse}"


def report_severity(report: Report, fingerprint: str) -> str:
    return next(f.severity for f in report.findings if f.fingerprint == fingerprint)


def _overlay_file(path: Path, data: dict, name: str) -> Path:
    import tempfile

    import yaml

    folder = Path(tempfile.mkdtemp(prefix="scalexpert-overlay-"))
    target = folder / f"{name}.yaml"
    target.write_text(yaml.safe_dump({"version": 1, "extends": str(path), **data}, sort_keys=True), encoding="utf-8")
    return target


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_target_overlay_keeps_the_plans_promise(path: Path, tmp_path: Path, reports: dict[str, Report]) -> None:
    """`scalexpert plan --write-target` writes an overlay that validates; checking it gives the promised figures."""
    target = tmp_path / "target.yaml"
    with pytest.raises(SystemExit) as done:
        main(["plan", str(path), "--write-target", str(target)])
    assert done.value.code == 0
    plan = reports[path.name].plan
    assert plan is not None
    if not plan.steps:
        assert plan.target is None
        return
    assert target.read_text("utf-8").splitlines()[3:5] == ["version: 1", f"extends: \"{os.path.relpath(path, tmp_path)}\""]
    measured = check(target, assess=False)
    promised = plan.target
    assert promised is not None
    counts: dict[str, int] = {}
    for finding in measured.active:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    assert counts == promised.findings
    system = measured.capacity.model_dump(mode="json")["system"]
    assert system.get("availability_estimate") == promised.availability
    assert system.get("monthly_cost") == promised.monthly_cost
    assert system.get("breaking_multiple") == promised.breaking_multiple
    today = plan.today
    assert today is not None
    assert sum(promised.findings.values()) <= sum(today.findings.values())
    if all(step.in_sequence is not None for step in plan.steps):  # the last step, after all the others, is the target
        last = plan.steps[-1].in_sequence
        assert last is not None and last.monthly_cost_after == promised.monthly_cost
        assert {f.entry: f.after for f in last.flows} == {k: v for k, v in promised.flows.items() if k in
                                                          {f.entry for f in last.flows}}


def test_each_step_is_also_measured_on_top_of_the_steps_before_it(reports: dict[str, Report]) -> None:
    """Alone, the database's replica moves the shop's availability from today's figure; after the steps
    before it, from where those left it: both are kept, and the sequence chains step to step."""
    plan = reports["ecommerce-monolith.yaml"].plan
    assert plan is not None
    measured = [s for s in plan.steps if s.in_sequence is not None]
    assert len(measured) >= 6 and [s.number for s in measured] == list(range(1, len(measured) + 1))
    differ = [s for s in measured if s.effect is not None and s.in_sequence is not None and
              ([(f.before, f.after) for f in s.effect.flows] != [(f.before, f.after) for f in s.in_sequence.flows])]
    assert differ, "some step's effect depends on the steps before it"
    flows = {}
    for step in measured:
        assert step.in_sequence is not None
        for flow in step.in_sequence.flows:
            if flow.entry in flows:
                assert flow.before == pytest.approx(flows[flow.entry])
            flows[flow.entry] = flow.after


def test_plan_never_overwrites_the_file_and_refuses_an_existing_output(tmp_path: Path) -> None:
    source = tmp_path / "arch.yaml"
    shutil.copy(ROOT / "examples" / "ecommerce-monolith.yaml", source)
    original = source.read_bytes()
    for args in (["--write-target", str(source)], ["--write-target", str(source), "--force"]):
        with pytest.raises(SystemExit) as done:
            main(["plan", str(source), *args])
        assert done.value.code == 2
    assert source.read_bytes() == original
    existing = tmp_path / "target.yaml"
    existing.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["plan", str(source), "--write-target", str(existing)])
    assert done.value.code == 2 and existing.read_text("utf-8") == "keep me\n"
    with pytest.raises(SystemExit) as done:
        main(["plan", str(source), "--write-target", str(existing), "--force"])
    assert done.value.code == 0 and "extends:" in existing.read_text("utf-8")


def _cause(id_: str, changes: tuple[Change, ...], severity: str = "high", score: float = 1.0,
           runway: float | None = None) -> RootCause:
    impact = Impact(score=score, severity=severity, symptoms=1, formula="", runway_months=runway)
    return RootCause(id=id_, basis="change", category="c", changes=changes, headline=id_, impact=impact, rule_id="X",
                     severity=severity, subjects=("svc",), symptoms=(id_,))


def _change(subject: str, path: tuple[str | int, ...], new: object, old: object = None) -> Change:
    return Change(subject=subject, path=path, old=old, new=new, text=f"{path[-1]} → {new}")


def test_state_is_externalised_before_scaling_out_and_replicas_come_before_routing_reads() -> None:
    known = field_knowledge()
    scale = _cause("RC1", (_change("component svc", ("components", "svc", "replicas"), 3, 1),), "critical", 9)
    state = _cause("RC2", (_change("component svc", ("components", "svc", "local_disk_writes"), False, True),),
                   "medium", 1)
    routed = _cause("RC3", (_change("dependency svc → db", ("dependencies", 0, "strong_read"), False, True),), "high", 5)
    replica = _cause("RC4", (_change("component db", ("components", "db", "data", "replication", "read_replicas"), 1, 0),),
                     "medium", 2)
    made, conflicts, _ = steps([scale, state, routed, replica], 12.0, known)
    order = [s.root_causes[0] for s in made]
    assert order.index("RC2") < order.index("RC1") and order.index("RC4") < order.index("RC3")
    first = next(s for s in made if s.root_causes == ("RC1",))
    assert first.after == (next(s.number for s in made if s.root_causes == ("RC2",)),)
    assert "externalise session state" in (first.order_reason or "")
    assert next(s for s in made if s.root_causes == ("RC2",)).phase == "now"  # pulled forward with what needs it
    assert not conflicts


def test_two_steps_setting_one_field_are_a_conflict_and_the_larger_number_is_kept() -> None:
    a = _cause("RC1", (_change("component svc", ("components", "svc", "replicas"), 2, 1),), "critical", 9)
    b = _cause("RC2", (_change("component svc", ("components", "svc", "replicas"), 3, 1),), "high", 5)
    _, conflicts, target = steps([a, b], 12.0, field_knowledge())
    assert len(conflicts) == 1 and "keeps 3" in conflicts[0]
    assert [c.new for c in target] == [3]


def test_before_the_horizon_is_ordered_by_the_month_a_component_crosses() -> None:
    late = _cause("RC1", (_change("component a", ("components", "a", "bulkheads"), True, False),), "high", 9, runway=8.0)
    early = _cause("RC2", (_change("component b", ("components", "b", "bulkheads"), True, False),), "high", 1, runway=2.0)
    made, _, _ = steps([late, early], 12.0, field_knowledge())
    assert [(s.phase, s.month) for s in made] == [("before-horizon", 2.0), ("before-horizon", 8.0)]


def test_timeline_follows_the_capacity_model(reports: dict[str, Report]) -> None:
    report = reports["ecommerce-monolith.yaml"]
    line = report.timeline
    assert line is not None and line.monthly_rate is not None and line.horizon_months == 12
    assert [p.month for p in line.points] == [0, 3, 6, 9, 12]
    for point in line.points:
        assert point.month is not None
        assert math.isclose(point.multiple, (1 + line.monthly_rate) ** point.month, rel_tol=1e-5)
    components = report.capacity.model_dump(mode="json")["components"]
    crossings = {e.component: e.month for e in line.events if e.kind == "safe-utilization"}
    for name, month in crossings.items():
        runway = components[name]["runway_months"]
        assert month == round(runway if runway is not None else 0.0, 1)
    costs = [p.monthly_cost for p in line.points]
    assert costs == sorted(costs), "the fleet the load needs costs more as traffic grows"


def test_json_carries_the_assessment_with_the_new_schema_version(reports: dict[str, Report]) -> None:
    from scalexpert.reporters import render

    doc = json.loads(render("json", [reports["ecommerce-monolith.yaml"]]))
    assert SCHEMA_VERSION == "2" and doc["schema_version"] == "2"
    first = doc["reports"][0]
    assert first["root_causes"][0]["id"] == "RC1" and first["plan"]["steps"] and first["timeline"]["points"]
    assert "root causes" in first["score"]["formula"]
    assert score_report(reports["ecommerce-monolith.yaml"]).formula.startswith("geometric mean of")


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "GITHUB_ACTIONS")}
    script = shutil.which("scalexpert", path=str(Path(sys.executable).parent)) or "scalexpert"
    return subprocess.run([script, *args], capture_output=True, text=True, env={**base, **env}, timeout=600, cwd=ROOT)


def test_the_largest_examples_concise_report_fits_60_lines_of_100_columns() -> None:
    largest = max(EXAMPLES, key=lambda p: len(load_file(p).model.components))
    done = _run(["check", str(largest.relative_to(ROOT))], COLUMNS="100")
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and len(lines) <= 60, done.stdout
    assert max(len(line) for line in lines) <= 100, [line for line in lines if len(line) > 100]
    assert lines[0].startswith("FAILED at --fail-on high")
    assert any(line.lstrip().startswith("RC1 ") and f"{largest.name}:" in line for line in lines)
    assert any(line.lstrip().startswith("1. [") for line in lines), "the plan's headline steps"


def test_colour_follows_no_color_force_color_and_the_option_and_fail_on_only_decides_the_exit() -> None:
    name = "examples/social-feed.yaml"
    plain = _run(["check", name])
    assert "\033[" not in plain.stdout
    assert "\033[" in _run(["check", name], FORCE_COLOR="1").stdout
    assert "\033[" not in _run(["check", name], FORCE_COLOR="1", NO_COLOR="1").stdout
    assert "\033[" not in _run(["check", name, "--color", "never"], FORCE_COLOR="1").stdout
    assert "\033[" in _run(["check", name, "--color", "always"], NO_COLOR="1").stdout
    never = _run(["check", name, "--fail-on", "never"])
    assert never.returncode == 0 and plain.returncode == 1
    assert never.stdout.splitlines()[1:] == plain.stdout.splitlines()[1:], "only the verdict line names the threshold"


def test_explain_shows_proofs_and_findings_lists_every_finding(reports: dict[str, Report]) -> None:
    name = "examples/ecommerce-monolith.yaml"
    concise, explained, every = _run(["check", name]), _run(["check", name, "--explain"]), _run(["check", name, "--findings"])
    assert "why: rule" not in concise.stdout and "why: rule" in explained.stdout
    report = reports["ecommerce-monolith.yaml"]
    for finding in report.findings:
        assert finding.rule_id in every.stdout


AUTOSCALED = """\
version: 1
system:
  name: autoscaled
  traffic: {peak_rps: 2000}
  growth: {factor: 3, horizon_months: 12}
components:
  gw:
    kind: api-gateway
    replicas: 4
    zones: 2
    capacity_rps: 1000
    autoscaling: {min: 4, max: 40, metric: requests, target: 500}
  api:
    kind: service
    replicas: 8
    zones: 2
    capacity_rps: 400
    autoscaling: {min: 8, max: 30, metric: cpu, target: 0.7}
dependencies:
  - {from: gw, to: api}
"""


def test_utilization_at_the_horizon_counts_the_replicas_the_autoscaler_runs_not_its_max(tmp_path: Path) -> None:
    """Today's ρ is at the stated replicas; at the horizon an autoscaled component runs what its target asks
    (not its max), so its utilization never drops below today's as traffic grows, and month 0 is today."""
    from scalexpert.reporters import charts

    path = tmp_path / "autoscaled.yaml"
    path.write_text(AUTOSCALED, encoding="utf-8")
    report = check(path)
    comps = report.capacity.components
    gw, api = comps["gw"], comps["api"]
    assert gw.utilization == pytest.approx(0.5) and api.utilization == pytest.approx(2000 / 3200)
    # gw: 6,000 rps at the horizon, 500 per replica → 12 replicas (of 40) at 1,000 each
    assert gw.replicas_at_horizon == 12 and gw.running_utilization_at_horizon == pytest.approx(0.5)
    assert gw.utilization_at_horizon == pytest.approx(6000 / 40000), "saturation is still judged at the max"
    # api: 6,000 rps, 0.7 × 400 = 280 per replica → 22 replicas (of 30)
    assert api.replicas_at_horizon == 22 and api.running_utilization_at_horizon == pytest.approx(6000 / 8800)
    for comp in (gw, api):
        assert comp.running_utilization_at_horizon >= comp.utilization - 1e-9
    line = report.timeline
    assert line is not None
    assert line.points[0].utilization["gw"] == pytest.approx(0.5, abs=1e-4)
    assert line.points[0].utilization["api"] == pytest.approx(0.625, abs=1e-4)
    assert all(p.utilization["api"] >= 0.625 - 1e-4 for p in line.points)
    svg = charts.utilization(report)
    assert svg is not None and "axis to 1.2;" in svg


def test_the_utilization_axis_ends_at_a_round_tenth() -> None:
    from scalexpert.reporters import charts

    report = check(ROOT / "examples" / "large-marketplace.yaml", assess=False)
    svg = charts.utilization(report)
    assert svg is not None
    label = svg.split("axis to ", 1)[1].split(";", 1)[0]
    assert len(label.partition(".")[2]) <= 1, label


def test_no_assess_reports_the_same_findings_without_root_causes_plan_or_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    name = str(ROOT / "examples" / "social-feed.yaml")
    documents = []
    for extra in ([], ["--no-assess"]):
        with pytest.raises(SystemExit):
            main(["check", name, "--format", "json", *extra])
        documents.append(json.loads(capsys.readouterr().out)["reports"][0])
    full, bare = documents
    assert [f["fingerprint"] for f in bare["findings"]] == [f["fingerprint"] for f in full["findings"]]
    assert full["root_causes"] and full["plan"] and full["timeline"]
    assert not bare.get("root_causes") and not bare.get("plan") and not bare.get("timeline")
    library = check(name, assess=False)
    assert not library.root_causes and library.plan is None and library.timeline is None


@pytest.mark.parametrize("name", ["ecommerce-monolith.yaml", "large-marketplace.yaml"])
def test_re_runs_of_the_affected_rules_only_give_a_full_runs_findings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The assessment re-runs only the rules a change can affect (engine/partial.py) and the capacity model only
    for changes to fields it reads (model/reads.py); for every change it tries, the findings and the capacity
    figures are those of a complete check of the changed file."""
    import scalexpert.assessment as assessment
    from scalexpert.loader import load_text

    seen: list[tuple[dict, dict[str, str], object]] = []
    original = assessment.assess

    def spy(report, arch, *, rerun, **kwargs):  # type: ignore[no-untyped-def]
        def recording(overlay):  # type: ignore[no-untyped-def]
            outcome = rerun(overlay)
            if outcome is not None:
                seen.append((dict(overlay), dict(outcome.findings), outcome.capacity))
            return outcome
        return original(report, arch, rerun=recording, **kwargs)

    monkeypatch.setattr(assessment, "assess", spy)
    path = ROOT / "examples" / name
    check(path)
    assert len(seen) > 10
    import yaml

    for overlay, findings, capacity in seen:
        text = yaml.safe_dump({"version": 1, "extends": str(path), **overlay}, sort_keys=True)
        full = check(load_text(text, file=str(path.parent / "variant.yaml")), assess=False)
        rules = set(full.rules_run)
        assert {f.fingerprint: f.severity for f in full.findings if f.rule_id in rules} == findings, overlay
        # the capacity model is reused for changes to fields it never reads (model/reads.py)
        assert full.capacity.model_dump(mode="json") == capacity, overlay


def test_a_knowledge_entrys_near_miss_is_its_recommended_change() -> None:
    """The fields the good example changes on the anti-pattern's subjects, placed by position."""
    from scalexpert.api import rules_for
    from scalexpert.assessment.fixes import entry_fixes
    from scalexpert.config import Config

    entries = rules_for(Config()).knowledge.entries
    spof = {(f.where, f.field, f.after) for f in entry_fixes(entries["SPOF-001"])}
    assert spof == {("component", "replicas", 3), ("component", "zones", 3)}
    retry = {(f.where, f.field, f.after) for f in entry_fixes(entries["RES-006"])}
    assert retry == {("call", "backoff", "exponential"), ("call", "jitter", True)}
    assert {(f.where, f.field) for f in entry_fixes(entries["POOL-002"])} == {("callers", "pool_size")}


def _cause_of(report: Report, fingerprint: str) -> RootCause:
    return next(c for c in report.root_causes if fingerprint in c.symptoms)


def test_retry_storms_are_fixed_with_backoff_and_jitter_never_by_removing_retries(reports: dict[str, Report]) -> None:
    """The knowledge's fix (capped exponential backoff with jitter) comes first; `retries 3 → 0` turns the
    feature off and is not offered, since the knowledge does not say so."""
    report = reports["ecommerce-monolith.yaml"]
    cause = _cause_of(report, "RES-006@shop-app@payment-provider")
    texts = [c.text for c in cause.changes]
    assert "shop-app → payment-provider: backoff none → exponential" in texts
    assert "shop-app → payment-provider: jitter false → true" in texts
    from scalexpert.api import rules_for
    from scalexpert.assessment.fixes import endorsed, entry_fixes, removes
    from scalexpert.config import Config

    entries = rules_for(Config()).knowledge.entries
    for name, report in reports.items():
        by_fp = {f.fingerprint: f for f in report.findings}
        for cause in report.root_causes:
            fixes = [f for fp in cause.symptoms for f in entry_fixes(entries.get(by_fp[fp].rule_id))]
            for change in cause.changes:
                assert not removes(change) or endorsed(change, fixes), f"{name} {cause.id}: {change.text}"


def test_a_change_that_needs_companions_is_verified_with_them(reports: dict[str, Report]) -> None:
    """More replicas alone would bring new findings; the root cause carries the changes that make it work:
    zones with the replicas, failover with a store's replica."""
    report = reports["ecommerce-monolith.yaml"]
    shop = _cause_of(report, "SPOF-001@shop-app")
    assert shop.basis == "change"
    fields = {(c.subject, c.path[-1]) for c in shop.changes}
    assert {("component shop-app", "replicas"), ("component shop-app", "zones")} <= fields
    store = _cause_of(report, "SPOF-002@orders-db")
    assert {"replicas", "failover"} <= {str(c.path[-1]) for c in store.changes}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_root_causes_group_findings(path: Path, reports: dict[str, Report]) -> None:
    """Clearly fewer root causes than findings at medium or above (the grouping is not one per finding)."""
    report = reports[path.name]
    findings = [f for f in report.findings if RANK[f.severity] >= RANK["medium"]]
    causes = [c for c in report.root_causes if RANK[c.severity] >= RANK["medium"]]
    if len(findings) >= 10:
        assert len(causes) <= 0.75 * len(findings), (len(causes), len(findings))
