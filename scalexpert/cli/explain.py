"""``scalexpert explain RULE``: a rule's knowledge entry in the terminal."""

from __future__ import annotations

import textwrap

import click

from ..errors import UsageError


@click.command()
@click.argument("rule")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
def explain(rule: str, rule_dirs: tuple[str, ...]) -> None:
    """Explain RULE (id, name or alias): what, why, how to fix, trade-offs, example, sources."""
    from ..language.ruleset import load_ruleset

    ruleset = load_ruleset(list(rule_dirs))
    found = ruleset.find(rule)
    if found is None:
        import difflib

        close = difflib.get_close_matches(rule, list(ruleset.lookup), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"unknown rule {rule!r}{hint}")
    entry = found.knowledge
    click.echo(f"{found.id}  {found.name}  [{found.spec.severity}, {found.category}]")
    click.echo(found.title)
    if entry is None:
        click.echo(found.spec.description or "")
        return
    for heading, body in (("What", entry.summary), ("Why it matters", entry.why), ("How to fix", entry.fix),
                          ("Trade-offs", entry.trade_offs)):
        click.echo(f"\n{heading}\n" + textwrap.fill(" ".join(body.split()), 100, initial_indent="  ", subsequent_indent="  "))
    if entry.thresholds:
        click.echo("\nThresholds")
        for name, threshold in entry.thresholds.items():
            click.echo(f"  @{name} = {threshold.value:g} {threshold.unit or ''} — {threshold.description} ({threshold.source})")
    if entry.examples:
        click.echo("\nExample that fires\n" + textwrap.indent(entry.examples.anti_pattern.architecture.rstrip(), "  "))
    click.echo("\nReferences")
    for ref in entry.references:
        click.echo(f"  - {ref.title}" + (f" <{ref.url}>" if ref.url else ""))
