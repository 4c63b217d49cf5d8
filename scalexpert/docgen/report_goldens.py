"""Reporter goldens: fixed reports, built here by hand, rendered in every format (``tests/golden/reports/``).

The reports do not come from checking an example: their findings, capacity figures and rule
catalogue are written out below, so a golden file changes only when a reporter changes what it
writes (or when these fixtures change), never because a rule, a knowledge entry or the capacity
model changed. What the rules find on the examples is pinned separately and compactly
(:mod:`.example_findings`).

Regenerate with ``python -m scalexpert.docgen all`` (or ``python -m scalexpert.docgen report-goldens``).
"""

from __future__ import annotations

from ..analysis.capacity.records import (
    Assumption as CapacityAssumption,
)
from ..analysis.capacity.records import (
    BreakingPoint,
    CapacityReport,
    ComponentCapacity,
    FlowCapacity,
    GrowthCell,
    GrowthRow,
    SystemCapacity,
)
from ..findings import (
    ArchitectureSummary,
    Assumption,
    Catalogue,
    Condition,
    Explanation,
    Finding,
    Location,
    Proof,
    Report,
    RuleInfo,
    RuleReference,
    SuppressionRecord,
)
from ..reporters import FORMATS, RenderOptions, render

EXTENSIONS = {"text": "txt", "json": "json", "markdown": "md", "sarif": "sarif", "junit": "junit.xml",
              "github": "github.txt", "html": "html", "codequality": "codequality.json"}
"""Format → file extension of its golden files."""

FILE = "shop.yaml"
HOSTILE = "evil\x1b[31m<script>alert(1)</script>\u202e|`*_[x](y)\n# heading"

CATALOGUE = Catalogue(
    categories={"availability": "Availability and redundancy", "capacity": "Capacity and load",
                "resilience": "Timeouts, retries and failure isolation"},
    rules={
        "AV-001": RuleInfo(
            id="AV-001", name="availability.single-instance", title="A single instance on the request path",
            category="availability", summary="One instance serves every request: when it fails, the system fails.",
            why="Hardware, deployments and restarts take single instances down several times a year.",
            fix="Run at least two replicas behind a load balancer, in different zones.",
            trade_offs="Twice the instances; the service must keep no local state.",
            references=(RuleReference(title="A book on site reliability"),
                        RuleReference(title="An article on redundancy", url="https://example.org/redundancy")),
        ),
        "CONSIST-001": RuleInfo(
            id="CONSIST-001", name="capacity.near-saturation", title="Utilization near saturation at peak",
            category="capacity", summary="The component is busy most of the time at today's peak.",
            why="Queueing delay grows without bound as utilization approaches 1.",
            fix="Add replicas until utilization at peak is below the safe utilization.",
            trade_offs="More instances cost more.",
            references=(RuleReference(title="Queueing theory in practice"),),
        ),
        "RES-001": RuleInfo(
            id="RES-001", name="resilience.no-timeout", title="A synchronous call without a timeout",
            category="resilience", summary="A call that waits forever holds a thread and a connection.",
            why="One slow dependency then exhausts the caller's pools.",
            fix="State timeout_ms on the dependency.",
            trade_offs="Too short a timeout fails requests that would have succeeded.",
            references=(RuleReference(title="Timeouts, retries and backoff"),),
        ),
        "USER-001": RuleInfo(id="USER-001", name="team.own-rule", title="A team's own rule without a knowledge entry",
                             category="meta"),
    },
)
"""Three rules with knowledge entries and one without, in three categories (written out: not read from knowledge/)."""

RULES_RUN = {"AV-001": "availability.single-instance", "CONSIST-001": "capacity.near-saturation",
             "RES-001": "resilience.no-timeout", "USER-001": "team.own-rule"}


def _finding(rule: str, severity: str, subjects: tuple[str, ...], message: str, line: int, **extra: object) -> Finding:
    info = CATALOGUE.rules[rule]
    return Finding(rule_id=rule, rule_name=info.name, title=info.title, category=info.category,
                   severity=severity,  # type: ignore[arg-type]
                   subjects=subjects, message=message, fingerprint="@".join((rule, *subjects)),
                   location=Location(file=FILE, line=line, column=3), remedy=info.fix or "",
                   references=tuple(r.title for r in info.references), **extra)  # type: ignore[arg-type]


def _shop_findings() -> tuple[Finding, ...]:
    api_replicas = Condition(fact="component api", field="replicas", value=1, requirement="< 2",
                             text="replicas = 1, rule requires < 2", location=Location(file=FILE, line=9, column=15))
    on_path = Condition(fact="component api", field="graph.on_hard_path", value=True, requirement="= true",
                        text="graph.on_hard_path = true, rule requires = true",
                        derivation="entry points that fail without api: web")
    utilization = Condition(fact="component db", field="capacity.utilization", value=0.9, requirement="> 0.8",
                            text="capacity.utilization = 0.9, rule requires > 0.8",
                            derivation="ρ(db) = 1,800 / (1 × 2,000) = 0.9")
    derived = Proof(fact="single-instance api", rule="AV-900",
                    premises=(Proof(fact="component api", conditions=(api_replicas,)),))
    return (
        _finding("AV-001", "critical", ("api",), "api runs one instance on the request path of web", 8,
                 explanation=Explanation(proof=(Proof(fact="component api", conditions=(api_replicas, on_path)), derived),
                                         absent=("no load balancer in front of api",),
                                         what_if=("replicas: 1 → 2",),
                                         severity_reason="on the path of every entry point")),
        _finding("CONSIST-001", "high", ("db",), "db is at utilization 0.9 at today's peak (safe: 0.7)", 12,
                 explanation=Explanation(proof=(Proof(fact="component db", conditions=(utilization,)),),
                                         what_if=("replicas: 1 → 2",))),
        _finding("RES-001", "medium", ("api", "db"), "api calls db without a timeout", 16,
                 explanation=Explanation(proof=(Proof(fact="dependency api → db"),)),
                 suppressed=SuppressionRecord(reason="the driver's default applies", owner="team-a", ticket="OPS-1",
                                              expires="2999-01-01", location=Location(file=FILE, line=20, column=5))),
        _finding("USER-001", "low", ("web",), "web is owned by nobody", 5,
                 explanation=Explanation(proof=(Proof(fact="component web"),)), baseline=True),
    )


def _shop_capacity() -> CapacityReport:
    return CapacityReport(
        components={
            "web": ComponentCapacity(kind="client", offered_rps=1800.0),
            "api": ComponentCapacity(kind="service", offered_rps=1800.0, replicas=1, capacity_per_replica_rps=4000.0,
                                     capacity_rps=4000.0, capacity_source="stated", utilization=0.45,
                                     saturation_multiple=2.2222, availability=0.999,
                                     derivations={"utilization": "ρ(api) = 1,800 / (1 × 4,000) = 0.45"}),
            "db": ComponentCapacity(kind="database", offered_rps=1800.0, replicas=1, capacity_per_replica_rps=2000.0,
                                    capacity_rps=2000.0, capacity_source="stated", utilization=0.9, headroom=0.1,
                                    saturation_multiple=1.1111, replicas_needed=2, monthly_cost=150.0,
                                    derivations={"utilization": "ρ(db) = 1,800 / (1 × 2,000) = 0.9"}),
        },
        flows=[FlowCapacity(entry="web", peak_rps=1800.0, hard_components=["api", "db"], availability=0.998,
                            availability_objective=0.999, availability_gap_nines=0.301, latency_p99_ms=120.0,
                            latency_path=["web", "api", "db"])],
        system=SystemCapacity(entry_points=["web"], peak_rps=1800.0, average_rps=720.0, availability_estimate=0.998,
                              availability_flow="web", availability_objective=0.999, availability_gap_nines=0.301,
                              latency_p99_estimate_ms=120.0, latency_flow="web", latency_objective_ms=200.0,
                              bottleneck="db", max_utilization=0.9, breaking_component="db", breaking_multiple=1.1111,
                              monthly_cost=150.0, assumptions=2),
        breaking_point=BreakingPoint(component="db", multiple=1.1111, derivation="1 / 0.9 = 1.1111"),
        growth_table=[GrowthRow(multiple=2.0, saturated=["db"],
                                components={"api": GrowthCell(load_rps=3600.0, utilization=0.9),
                                            "db": GrowthCell(load_rps=3600.0, utilization=1.8)})],
        assumptions=[CapacityAssumption(component="api → db", field="latency_ms", value=1, source="capacity-defaults.yaml"),
                     CapacityAssumption(component="db", field="availability", value=0.9995, source="capacity-defaults.yaml")],
    )


def shop() -> Report:
    """A report with a finding of every status (active, suppressed, in the baseline), proofs and capacity figures."""
    capacity = _shop_capacity()
    return Report(
        tool_version="0.0.0", file=FILE, system="shop", findings=_shop_findings(), rules_evaluated=len(RULES_RUN),
        rules_run=RULES_RUN, capacity=capacity, catalogue=CATALOGUE,
        assumptions=tuple(Assumption(subject=a.component, field=a.field, value=a.value, source=a.source)
                          for a in capacity.assumptions),
        architecture=ArchitectureSummary(components={"web": "client", "api": "service", "db": "database"},
                                         dependencies=(("api", "db", "sync"), ("web", "api", "sync")),
                                         entry_points=("web",)),
    )


def clean() -> Report:
    """A report without findings and with nothing the capacity model could compute."""
    return Report(tool_version="0.0.0", file="clean.yaml", system="clean", findings=(), rules_evaluated=len(RULES_RUN),
                  rules_run=RULES_RUN, catalogue=CATALOGUE,
                  capacity=CapacityReport(components={}, flows=[], system=SystemCapacity()),
                  architecture=ArchitectureSummary(components={"solo": "service"}, entry_points=("solo",)))


def hostile() -> Report:
    """A report whose every printed input carries terminal escapes, markup and bidi overrides."""
    finding = Finding(rule_id="RES-001", rule_name="resilience.no-timeout", title=HOSTILE, category="resilience",
                      severity="high", subjects=(HOSTILE,), message=HOSTILE + "\nsecond line",
                      location=Location(file="a,b:c.yaml", line=3, column=2), remedy=HOSTILE,
                      explanation=Explanation(proof=(Proof(fact=f"component {HOSTILE}"),), what_if=(HOSTILE,)),
                      fingerprint="RES-001@" + HOSTILE)
    return Report(tool_version="0.0.0", file="a,b:c.yaml", system=HOSTILE, findings=(finding,), rules_evaluated=1,
                  rules_run={"RES-001": "resilience.no-timeout"}, catalogue=CATALOGUE,
                  capacity=CapacityReport(components={}, flows=[], system=SystemCapacity()),
                  problems=(HOSTILE,))


CASES = {
    "shop": (lambda: [shop()], RenderOptions(explain=True)),
    "run": (lambda: [shop(), clean(), hostile()], RenderOptions(fail_on="medium", baseline_used=True)),
    "clean": (lambda: [clean()], RenderOptions()),
}
"""Golden name → the reports and the options they are rendered with."""


def render_files() -> dict[str, str]:
    """File name (relative to tests/golden/reports/) → the rendering, for every case and format."""
    assert set(EXTENSIONS) == set(FORMATS), "a new format needs an extension here"
    files = {}
    for name, (reports, options) in CASES.items():
        for fmt, extension in EXTENSIONS.items():
            files[f"{name}.{extension}"] = render(fmt, reports(), options)
    return dict(sorted(files.items()))


__all__ = ["CASES", "CATALOGUE", "EXTENSIONS", "clean", "hostile", "render_files", "shop"]
