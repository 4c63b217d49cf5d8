"""Rule files and configuration are data: a hostile one cannot run code, read other files or write.

Message templates are ``{variable}`` or ``{variable:spec}`` and nothing else; YAML tags are refused;
``knowledge:`` names an entry, never a path; values from the architecture are substituted once and
never parsed as templates; rule folders may hold anything (devices, directories named ``*.yaml``)
without a hang or a traceback; configuration files are read the same way. Each test checks the
clean error and that no marker file was created.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.review.config_files import load_config
from scalexpert.errors import ConfigError, InputError, RuleError, ScalexpertError
from scalexpert.language.ruleset import load_ruleset
from helpers import time_limit

KNOWLEDGE = """\
knowledge:
  title: Hostile rule
  category: meta
  summary: s
  why: w
  fix: f
  trade_offs: t
  references: [{title: a source}]
"""
SMALL = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"




def rule(folder: Path, rule_id: str, body: str, knowledge: str = KNOWLEDGE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rule_id}.yaml"
    path.write_text(textwrap.dedent(body) + knowledge, encoding="utf-8")
    return path


def rule_errors(folder: Path) -> list[str]:
    with time_limit(60), pytest.raises(RuleError) as caught:
        load_ruleset([folder], builtin=False)
    return [str(d) for d in caught.value.diagnostics]


def finding_rule(rule_id: str, message: str, field: str = "kind") -> str:
    return f"""\
        id: {rule_id}
        name: hostile.rule-{rule_id.lower()}
        when:
          - component: {{name: $n, {field}: {{bind: v}}}}
        then:
          finding: {{subjects: ["{{n}}"], message: {message!r}}}
        """


@pytest.mark.parametrize("template", [
    "{__import__('os').system('touch MARKER')}",
    "{n.__class__.__mro__}",
    "{n.__class__.__init__.__globals__}",
    "{n!r}",
    "{n[0]}",
    "{0}",
    "{}",
    "{n:>1000000}",
    "{v:%}{v:.999f}",
    "{eval('1')}",
])
def test_message_templates_allow_only_plain_variables(template: str, tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    rule(tmp_path / "rules", "HOST-001", finding_rule("HOST-001", template.replace("MARKER", str(marker))))
    problems = rule_errors(tmp_path / "rules")
    assert any(":6:" in p and "then.finding.message" in p for p in problems), problems
    assert not marker.exists()


def test_values_from_the_architecture_are_never_parsed_as_templates(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    rule(tmp_path / "rules", "HOST-002", finding_rule("HOST-002", "tech {v} of {n}", field="technology"))
    hostile = f"{{__import__('os').system('touch {marker}')}} {{n.__class__}} {{@x}} {{{{v}}}}"
    arch = tmp_path / "arch.yaml"
    arch.write_text(f"version: 1\ncomponents:\n  api: {{kind: service, replicas: 2, technology: {hostile!r}}}\n",
                    encoding="utf-8")
    report = check(arch, rules=[tmp_path / "rules"])
    messages = [f.message for f in report.findings if f.rule_id == "HOST-002"]
    assert messages == [f"tech {hostile} of api"]
    assert not marker.exists()


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!custom x",
])
def test_yaml_tags_in_a_rule_file_are_refused(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    body = finding_rule("HOST-003", "{n}").replace("name: hostile.rule-host-003",
                                                   f"name: hostile.rule-host-003\n        description: {tag.format(marker=marker)}")
    rule(tmp_path / "rules", "HOST-003", body)
    problems = rule_errors(tmp_path / "rules")
    assert any("HOST-003.yaml:3:" in p and "is not allowed" in p for p in problems), problems
    assert not marker.exists()


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../etc/passwd", "file:///etc/passwd", "~/.ssh/id_rsa"])
def test_knowledge_names_an_entry_never_a_path(target: str, tmp_path: Path) -> None:
    body = finding_rule("HOST-004", "{n}") + f"knowledge: {target!r}\n"
    rule(tmp_path / "rules", "HOST-004", body, knowledge="")
    problems = rule_errors(tmp_path / "rules")
    assert any("no knowledge entry" in p for p in problems), problems
    assert not any("root:" in p for p in problems)


def test_inline_knowledge_references_must_be_web_addresses(tmp_path: Path) -> None:
    knowledge = KNOWLEDGE.replace("references: [{title: a source}]", "references: [{title: x, url: 'file:///etc/passwd'}]")
    rule(tmp_path / "rules", "HOST-005", finding_rule("HOST-005", "{n}"), knowledge=knowledge)
    problems = rule_errors(tmp_path / "rules")
    assert any("knowledge.references[0].url" in p for p in problems), problems


def test_conditions_cannot_name_attributes(tmp_path: Path) -> None:
    body = finding_rule("HOST-006", "{n}").replace("{bind: v}", "{bind: v}, __class__: x, __dict__.x: 1")
    rule(tmp_path / "rules", "HOST-006", body)
    problems = rule_errors(tmp_path / "rules")
    assert any("__class__" in p for p in problems) and any("__dict__" in p for p in problems), problems


@pytest.mark.parametrize("kind", ["zero", "urandom", "folder", "loop", "pipe"])
def test_rule_folders_holding_anything_give_clean_errors(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    entry = folder / "HOST-007.yaml"
    if kind in ("zero", "urandom"):
        if not os.path.exists(f"/dev/{kind}"):
            pytest.skip(f"no /dev/{kind}")
        entry.symlink_to(f"/dev/{kind}")
    elif kind == "folder":
        entry.mkdir()
    elif kind == "loop":
        entry.symlink_to(entry)
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes")
        os.mkfifo(entry)
    problems = rule_errors(folder)
    assert problems and all(p.startswith(str(entry)) for p in problems), problems


def test_rule_fixtures_holding_a_device_give_a_clean_error(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    from scalexpert.rule_testing import fixture_cases

    fixture = tmp_path / "HOST-008.test.yaml"
    fixture.symlink_to("/dev/zero")
    with time_limit(30), pytest.raises(ScalexpertError):
        fixture_cases(fixture)


# --- configuration ------------------------------------------------------------------------------


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".scalexpert.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_with_python_tags_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    path = config(tmp_path, f"fail-on: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ScalexpertError) as caught:
        load_config(path)
    assert "is not allowed" in str(caught.value)
    assert not marker.exists()


def test_config_extends_of_another_file_does_not_print_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOKEN-do-not-print:/root:/bin/sh\n", encoding="utf-8")
    path = config(tmp_path, f"extends: {secret}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "TOKEN" not in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("extends: /dev/zero\n", "neither a preset"),
    ("rules: [/dev/zero]\n", "rules folder not found"),
    ("thresholds: {availability_high_objective: .nan}\n", "thresholds"),
    ("fail-on: {__class__: x}\n", "fail_on"),
    ("unknown_key: 1\n", "unknown key"),
])
def test_hostile_config_values_are_clean_errors(text: str, expected: str, tmp_path: Path) -> None:
    config(tmp_path, text)
    arch = tmp_path / "arch.yaml"
    arch.write_text(SMALL, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", str(arch)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, encoding="utf-8", errors="replace")
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_config_baseline_on_a_device_does_not_hang(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    config(tmp_path, "baseline: /dev/zero\n")
    arch = tmp_path / "arch.yaml"
    arch.write_text(SMALL, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", str(arch)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, encoding="utf-8", errors="replace")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr


def test_hostile_rules_folder_through_the_command_line(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    rule(tmp_path / "rules", "HOST-009", finding_rule("HOST-009", f"{{__import__('os').system('touch {marker}')}}"))
    arch = tmp_path / "arch.yaml"
    arch.write_text(SMALL, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", "--rules", str(tmp_path / "rules"), str(arch)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, encoding="utf-8", errors="replace")
    assert done.returncode == 2 and "HOST-009.yaml:6:" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not marker.exists()


def test_a_failing_rule_set_never_writes_the_output(tmp_path: Path) -> None:
    rule(tmp_path / "rules", "HOST-010", finding_rule("HOST-010", "{n.__class__}"))
    arch = tmp_path / "arch.yaml"
    arch.write_text(SMALL, encoding="utf-8")
    output = tmp_path / "report.txt"
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", "--rules", str(tmp_path / "rules"),
                           "-o", str(output), str(arch)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and not output.exists()
    assert sorted(os.listdir(tmp_path)) == ["arch.yaml", "rules"]


def test_input_error_is_not_a_rule_error() -> None:
    """The library tells the three apart, so that callers can say whose file is wrong."""
    assert not issubclass(InputError, RuleError) and not issubclass(RuleError, InputError)


CROSS_JOIN = """\
    id: HOST-900
    name: hostile.cross-join
    when:
      - component: {name: $a}
      - component: {name: $b}
      - component: {name: $c}
      - component: {name: $d}
      - component: {name: $e}
    then:
      finding: {subjects: ["{a}"], message: "{a} {b} {c} {d} {e}"}
    """
"""Five patterns that share no variable: 20 components make 3.2 million matches."""


def _bounded_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))  # a runaway fails, never the machine


@pytest.mark.slow
@pytest.mark.hostile("budgets")
def test_a_rule_joining_every_component_with_every_other_stops_with_an_error_naming_it(tmp_path: Path) -> None:
    rule(tmp_path / "rules", "HOST-900", CROSS_JOIN)
    arch = tmp_path / "arch.yaml"
    arch.write_text("version: 1\ncomponents:\n" + "".join(f"  c{i}: {{kind: service, replicas: 2}}\n" for i in range(20)),
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", "--rules", str(tmp_path / "rules"), str(arch)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, preexec_fn=_bounded_memory)
    assert done.returncode == 2, done.stderr
    assert "rule HOST-900" in done.stderr and "HOST-900.yaml" in done.stderr and "--max-rule-matches" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.hostile("budgets")
def test_match_limits_per_rule_and_per_run_are_configurable(tmp_path: Path) -> None:
    from scalexpert.errors import BudgetError
    from scalexpert.loader import Limits

    body = CROSS_JOIN.replace("      - component: {name: $c}\n      - component: {name: $d}\n      - component: {name: $e}\n", "")
    body = body.replace("{a} {b} {c} {d} {e}", "{a} {b}")
    rule(tmp_path / "rules", "HOST-901", body.replace("HOST-900", "HOST-901"))
    arch = tmp_path / "arch.yaml"
    arch.write_text("version: 1\ncomponents:\n" + "".join(f"  c{i}: {{kind: service, replicas: 2}}\n" for i in range(20)),
                    encoding="utf-8")
    report = check(arch, rules=[tmp_path / "rules"])  # 400 matches, well within the defaults
    assert len([f for f in report.findings if f.rule_id == "HOST-901"]) == 20  # one per subject
    with time_limit(120), pytest.raises(BudgetError, match=r"rule HOST-901 .*more than 100 matches.*--max-rule-matches"):
        check(arch, rules=[tmp_path / "rules"], limits=Limits(max_rule_matches=100))
    with time_limit(120), pytest.raises(BudgetError, match=r"more than 300 matches in one check .*--max-matches"):
        check(arch, rules=[tmp_path / "rules"], limits=Limits(max_matches=300))
