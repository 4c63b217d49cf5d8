"""``scalexpert explain RULE``: a rule's knowledge entry in the terminal."""

from __future__ import annotations

import textwrap

import click

from ..errors import UsageError
from ..terminal import lines, value


def _say(text: str = "") -> None:
    """One piece of output: rule texts may come from a user's rule folder (no escapes, no forged lines)."""
    click.echo(lines(text))


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
    _say(f"{found.id}  {found.name}  [{found.spec.severity}, {found.category}]")
    _say(value(found.title))
    if entry is None:
        _say(found.spec.description or "")
        return
    for heading, body in (("What", entry.summary), ("Why it matters", entry.why), ("How to fix", entry.fix),
                          ("Trade-offs", entry.trade_offs)):
        _say(f"\n{heading}\n" + textwrap.fill(" ".join(body.split()), 100, initial_indent="  ", subsequent_indent="  "))
    if entry.thresholds:
        _say("\nThresholds")
        for name, threshold in entry.thresholds.items():
            _say(f"  @{name} = {threshold.value:g} {threshold.unit or ''} — {value(threshold.description)} ({value(threshold.source)})")
    if entry.examples:
        _say("\nExample that fires\n" + textwrap.indent(entry.examples.anti_pattern.architecture.rstrip(), "  "))
    _say("\nReferences")
    for ref in entry.references:
        _say(f"  - {value(ref.title)}" + (f" <{value(ref.url)}>" if ref.url else ""))
