"""``scalexpert rules``: list rules, show the fact schema, test users' rules."""

from __future__ import annotations

import click

from typing import TYPE_CHECKING, Any

from ..terminal import lines, value
from .common import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from ..language.ruleset import CompiledRule, RuleSet

LIST_FORMATS = ("text", "json")
CATALOGUE_VERSION = "1"
"""Version of the JSON shape of ``rules --format json`` and ``rules facts --format json``."""


def rule_record(rule: CompiledRule) -> dict[str, Any]:
    """One rule of the catalogue as JSON data (every key always present)."""
    entry = rule.knowledge
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": "finding" if rule.is_finding else "derivation",
        "category": rule.category,
        "severity": rule.spec.severity if rule.is_finding else None,
        "title": rule.title,
        "summary": " ".join(entry.summary.split()) if entry else (rule.spec.description or ""),
        "aliases": list(rule.spec.aliases),
        "tags": list(rule.spec.tags),
        "builtin": rule.builtin,
        "thresholds": {
            name: {"value": t.value, "unit": t.unit, "description": t.description, "source": t.source}
            for name, t in sorted(entry.thresholds.items())
        } if entry else {},
        "references": [{"title": r.title, "url": str(r.url) if r.url else None} for r in entry.references] if entry else [],
    }


def facts_record(ruleset: RuleSet) -> dict[str, Any]:
    """Every fact type and field that rules can match, as JSON data."""
    return {
        "version": CATALOGUE_VERSION,
        "facts": [
            {
                "name": name,
                "derived": fact.derived,
                "description": fact.description,
                "key": list(fact.key),
                "fields": [
                    {"name": spec.name, "type": spec.type, "origin": spec.origin,
                     "values": list(spec.values) if spec.values else None, "description": spec.description}
                    for spec in fact.fields.values()
                ],
            }
            for name, fact in ruleset.fact_types.items()
        ],
    }


def _print_json(data: Any) -> None:
    import json

    click.echo(lines(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False), "json"))


@click.group(invoke_without_command=True)
@click.option("--category", "-c", multiple=True, help="Only rules of these categories.")
@click.option("--severity", "-s", multiple=True, help="Only rules of these severities.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--all", "show_all", is_flag=True, help="Include derivation rules (they conclude facts, not findings).")
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default="text",
              help="text (a table) or json (every rule with id, category, severity, title, thresholds, references).")
@click.pass_context
def rules(ctx: click.Context, category: tuple[str, ...], severity: tuple[str, ...], rule_dirs: tuple[str, ...],
          show_all: bool, fmt: str) -> None:
    """List the rules: id, severity, category, name and title."""
    if ctx.invoked_subcommand is not None:
        return
    from ..language.ruleset import load_ruleset

    ruleset = load_ruleset(list(rule_dirs))
    chosen = [rule for rule in ruleset.rules
              if (show_all or rule.is_finding) and (not category or rule.category in category)
              and (not severity or rule.spec.severity in severity)]
    if fmt == "json":
        _print_json({"version": CATALOGUE_VERSION, "rules": [rule_record(rule) for rule in chosen]})
        return
    for rule in chosen:
        click.echo(lines(f"{rule.id:<12} {rule.spec.severity:<8} {rule.category:<18} {rule.name:<48} {value(rule.title)}"))
    click.echo(f"{len(chosen)} rules")


@rules.command("facts")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default="text", help="text or json.")
def facts(rule_dirs: tuple[str, ...], fmt: str) -> None:
    """Print every fact type and field that rules can match."""
    from ..language.ruleset import load_ruleset

    ruleset = load_ruleset(list(rule_dirs))
    if fmt == "json":
        _print_json(facts_record(ruleset))
        return
    for name, fact in ruleset.fact_types.items():
        click.echo(lines(f"{name}{' (derived)' if fact.derived else ''}: {value(fact.description)}"))
        for spec in fact.fields.values():
            values = f" [{', '.join(spec.values)}]" if spec.values else ""
            click.echo(lines(f"  {spec.name:<40} {spec.type:<8}{values} {value(spec.description)}"))


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
            click.echo(lines(describe(result)))
    failed = sum(1 for r in results if not r.passed)
    untested = [r.id for r in own if r.is_finding and not any(c.rule_id == r.id for c in cases)]
    for rule_id in untested:
        click.echo(f"UNTESTED {rule_id}: no fixture")
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    raise SystemExit(EXIT_FINDINGS if failed or untested else EXIT_OK)
