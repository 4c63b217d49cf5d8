"""The rule language: compile-time errors with positions, semantics of not/exists/any, chaining,
users' own rules through --rules and `scalexpert rules test`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from scalexpert.api import check
from scalexpert.cli import cli
from scalexpert.config import Config
from scalexpert.errors import RuleError
from scalexpert.language.ruleset import load_ruleset

KNOWLEDGE = """\
knowledge:
  title: Test rule
  category: meta
  summary: s
  why: w
  fix: f
  trade_offs: t
  references: [{title: a source}]
"""


def write_rule(folder: Path, name: str, body: str, knowledge: bool = True) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(body) + (KNOWLEDGE if knowledge else ""), "utf-8")
    return path


def errors_of(folder: Path) -> list[str]:
    with pytest.raises(RuleError) as caught:
        load_ruleset([folder], builtin=False)
    return [str(d) for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("when", "expected", "line", "column"),
    [
        ("  - componnt: {kind: database}\n", "unknown fact type 'componnt'; did you mean 'component'?", 5, 5),
        ("  - component: {replica: 1}\n", "fact type 'component' has no field 'replica'; did you mean 'replicas'?", 5, 17),
        ("  - component: {replicas: {lt: $nope}}\n", "variable $nope is not bound by an earlier pattern", 5, 28),
        ("  - component: {replicas: {less: 2}}\n", "unknown operator 'less'", 5, 28),
        ("  - component: {replicas: {lt: '@no_such_threshold'}}\n", "unknown threshold @no_such_threshold", 5, 28),
        ("  - component: {kind: databse}\n", "'databse' is not a value of kind; did you mean 'database'?", 5, 17),
        ("  - component: {replicas: 'two'}\n", "replicas is integer; 'two' can never match", 5, 17),
        ("  - component: {kind: {gt: 2}}\n", "gt needs a numeric field; kind is text", 5, 24),
    ],
)
def test_rule_errors_name_the_place_and_the_problem(tmp_path, when, expected, line, column):
    write_rule(tmp_path, "TEST-001", "id: TEST-001\nname: test.bad\nseverity: low\nwhen:\n" + when
               + "then:\n  finding: {subjects: ['x'], message: m}\n")
    (problem,) = errors_of(tmp_path)
    assert expected in problem
    assert problem.startswith(f"{tmp_path / 'TEST-001.yaml'}:{line}:{column}:")


def test_unknown_knowledge_id_and_unbound_template_variable(tmp_path):
    write_rule(tmp_path, "TEST-002", """\
        id: TEST-002
        name: test.unknown-knowledge
        knowledge: NOPE-001
        when:
          - component: {name: $n}
        then:
          finding: {subjects: ["{n}"], message: "{missing} is bad"}
        """, knowledge=False)
    problems = errors_of(tmp_path)
    assert any("no knowledge entry 'NOPE-001'" in p for p in problems)
    assert any("{missing} is not a bound variable" in p for p in problems)


def test_templates_cannot_reach_attributes(tmp_path):
    write_rule(tmp_path, "TEST-003", """\
        id: TEST-003
        name: test.attribute-access
        when:
          - component: {name: $n}
        then:
          finding: {subjects: ["{n}"], message: "{n.__class__}"}
        """)
    assert any("must name a variable" in p for p in errors_of(tmp_path))


RULES = {
    "TEST-010": """\
        id: TEST-010
        name: test.not-and-join
        severity: high
        when:
          - component: {name: $svc, kind: service}
          - dependency: {from: $svc, to: $db, graph.target_kind: database}
          - not:
              dependency: {from: $svc, to: $db, timeout_ms: {present: true}}
        then:
          finding: {subjects: ["{svc}", "{db}"], message: "{svc} waits on {db} without a timeout"}
        """,
    "TEST-011": """\
        id: TEST-011
        name: test.exists
        when:
          - system: {name: $sys}
          - exists:
              component: {kind: queue}
        then:
          finding: {subjects: ["{sys}"], message: "{sys} has queues"}
        """,
    "TEST-012": """\
        id: TEST-012
        name: test.any
        when:
          - any:
              - component: {name: $c, kind: cache}
              - component: {name: $c, kind: queue}
        then:
          finding: {subjects: ["{c}"], message: "{c}"}
        """,
    "TEST-900": """\
        id: TEST-900
        name: test.derive
        description: marks big services
        when:
          - component: {name: $c, replicas: {ge: 3}, service_time_ms: {ge: 100}}
        then:
          derive: {fact: big-service, fields: {component: $c}}
        """,
    "TEST-013": """\
        id: TEST-013
        name: test.chained
        when:
          - big-service: {component: $c}
          - component: {name: $c, replicas: $r}
        then:
          finding:
            subjects: ["{c}"]
            message: "{c} is big with {r} replicas"
            escalate:
              - severity: critical
                when: {r: {ge: 5}}
        """,
}

ARCH = """\
version: 1
components:
  api: {kind: service, replicas: 5, service_time_ms: 250}
  web: {kind: service, replicas: 1}
  db: {kind: database}
  jobs: {kind: queue}
  c1: {kind: cache}
dependencies:
  - {from: api, to: db}
  - {from: web, to: db, timeout_ms: 100}
"""


@pytest.fixture()
def own_rules(tmp_path):
    for name, body in RULES.items():
        write_rule(tmp_path, name, body, knowledge=name != "TEST-900")
    return load_ruleset([tmp_path], builtin=False)


def findings(ruleset, arch=ARCH):
    report = check(arch, rules=ruleset, config=Config())
    return {(f.rule_id, f.subjects): f for f in report.findings}


def test_not_exists_any_and_joins(own_rules):
    found = findings(own_rules)
    assert ("TEST-010", ("api", "db")) in found and ("TEST-010", ("web", "db")) not in found
    assert [k for k in found if k[0] == "TEST-011"] == [("TEST-011", ("unnamed system",))]
    assert {k for k in found if k[0] == "TEST-012"} == {("TEST-012", ("c1",)), ("TEST-012", ("jobs",))}


def test_chained_rule_carries_a_proof_tree_and_escalates(own_rules):
    finding = findings(own_rules)[("TEST-013", ("api",))]
    assert finding.severity == "critical" and "r ≥ 5" in (finding.explanation.severity_reason or "")
    derived = finding.explanation.proof[0]
    assert derived.rule == "TEST-900"
    premise = derived.premises[0]
    assert premise.fact == "component api"
    condition = premise.conditions[0]
    assert condition.text == "replicas = 5, rule requires ≥ 3"
    assert condition.location is not None and condition.location.line == 3
    # replicas ≥ 3 only scopes the rule (removing replicas is no fix); the service time is measured, a
    # description of reality: advice never wishes it faster (model/roles.py), so nothing is offered
    assert finding.explanation.what_if == ()


def test_users_rules_through_the_command_line(tmp_path):
    folder = tmp_path / "team-rules"
    folder.mkdir()
    for name, body in RULES.items():
        write_rule(folder, name, body, knowledge=name != "TEST-900")
    (folder / "TEST-010.test.yaml").write_text(textwrap.dedent("""\
        rule: TEST-010
        cases:
          - name: fires
            architecture: |
              version: 1
              components: {a: {kind: service}, d: {kind: database}}
              dependencies: [{from: a, to: d}]
            expect: [[a, d]]
          - name: near-miss
            architecture:
              version: 1
              components: {a: {kind: service}, d: {kind: database}}
              dependencies: [{from: a, to: d, timeout_ms: 50}]
            expect: []
        """), "utf-8")
    arch = tmp_path / "arch.yaml"
    arch.write_text(ARCH, "utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(arch), "--rules", str(folder), "--format", "json"])
    assert '"TEST-010"' in result.output
    tested = runner.invoke(cli, ["rules", "test", str(folder), "-v"])
    assert "PASS TEST-010 fires" in tested.output and "PASS TEST-010 near-miss" in tested.output
    assert "UNTESTED TEST-011" in tested.output
    assert tested.exit_code == 1


def test_present_false_matches_facts_that_do_not_state_the_field(tmp_path):
    write_rule(tmp_path, "TEST-020", """\
        id: TEST-020
        name: test.absent
        when:
          - component: {name: $n, kind: service, replicas: {present: false}}
        then:
          finding: {subjects: ["{n}"], message: "{n} states no replicas"}
        """)
    ruleset = load_ruleset([tmp_path], builtin=False)
    arch = "version: 1\ncomponents: {a: {kind: service}, b: {kind: service, replicas: 2}, c: {kind: database}}\n"
    assert list(findings(ruleset, arch)) == [("TEST-020", ("a",))]


def test_present_false_is_refused_inside_not(tmp_path):
    write_rule(tmp_path, "TEST-021", """\
        id: TEST-021
        name: test.absent-in-not
        when:
          - component: {name: $n}
          - not:
              component: {name: $n, replicas: {present: false}}
        then:
          finding: {subjects: ["{n}"], message: "{n}"}
        """)
    assert any("present: false cannot be used inside not/exists" in p for p in errors_of(tmp_path))
