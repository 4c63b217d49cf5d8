"""``scalexpert rules``: list rules, show the fact schema, test users' rules."""

from __future__ import annotations

import click

from .common import EXIT_FINDINGS, EXIT_OK


@click.group(invoke_without_command=True)
@click.option("--category", "-c", multiple=True, help="Only rules of these categories.")
@click.option("--severity", "-s", multiple=True, help="Only rules of these severities.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--all", "show_all", is_flag=True, help="Include derivation rules (they conclude facts, not findings).")
@click.pass_context
def rules(ctx: click.Context, category: tuple[str, ...], severity: tuple[str, ...], rule_dirs: tuple[str, ...],
          show_all: bool) -> None:
    """List the rules: id, severity, category, name and title."""
    if ctx.invoked_subcommand is not None:
        return
    from ..language.ruleset import load_ruleset

    ruleset = load_ruleset(list(rule_dirs))
    shown = 0
    for rule in ruleset.rules:
        if not show_all and not rule.is_finding:
            continue
        if category and rule.category not in category:
            continue
        if severity and rule.spec.severity not in severity:
            continue
        shown += 1
        click.echo(f"{rule.id:<12} {rule.spec.severity:<8} {rule.category:<18} {rule.name:<48} {rule.title}")
    click.echo(f"{shown} rules")


@rules.command("facts")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
def facts(rule_dirs: tuple[str, ...]) -> None:
    """Print every fact type and field that rules can match."""
    from ..language.ruleset import load_ruleset

    ruleset = load_ruleset(list(rule_dirs))
    for name, fact in ruleset.fact_types.items():
        click.echo(f"{name}{' (derived)' if fact.derived else ''}: {fact.description}")
        for spec in fact.fields.values():
            values = f" [{', '.join(spec.values)}]" if spec.values else ""
            click.echo(f"  {spec.name:<40} {spec.type:<8}{values} {spec.description}")


@rules.command("test")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="Also list the cases that pass.")
def test(folder: str, verbose: bool) -> None:
    """Run the fixtures (*.test.yaml) beside the rules in FOLDER."""
    from pathlib import Path

    from ..language.ruleset import load_ruleset
    from ..rule_testing import describe, folder_cases, knowledge_cases, run_case

    ruleset = load_ruleset([folder])
    own = [r for r in ruleset.rules if not r.builtin]
    cases = [c for r in own if r.is_finding for c in knowledge_cases(r)] + folder_cases(Path(folder))
    results = [run_case(c, ruleset) for c in cases]
    for result in results:
        if verbose or not result.passed:
            click.echo(describe(result))
    failed = sum(1 for r in results if not r.passed)
    untested = [r.id for r in own if r.is_finding and not any(c.rule_id == r.id for c in cases)]
    for rule_id in untested:
        click.echo(f"UNTESTED {rule_id}: no fixture")
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    raise SystemExit(EXIT_FINDINGS if failed or untested else EXIT_OK)
