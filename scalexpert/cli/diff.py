"""``scalexpert diff OLD NEW``: what changed between two versions of an architecture.

Exit codes: 0 nothing new at or above ``--fail-on``; 1 a new finding (or one whose severity rose)
reaches it; 2 usage, configuration or input errors.
"""

from __future__ import annotations

from pathlib import Path

import click

from .check import FAIL_ON, emit, resolve_config
from .common import EXIT_FINDINGS, EXIT_OK


@click.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the comparison to FILE (atomically).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Lowest severity of a new finding that makes the exit code 1.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--no-suppressions", is_flag=True, help="Ignore every suppression in both files.")
def diff(old: str, new: str, fmt: str, output: str | None, fail_on: str | None, rule_dirs: tuple[str, ...],
         config_file: str | None, no_suppressions: bool) -> None:
    """Compare architecture OLD with NEW: components, dependencies, findings and capacity."""
    from ..api import check, load
    from ..review.diff import compare
    from ..reporters.diff_report import regressions, render

    config = resolve_config(config_file, fail_on=fail_on, rule_dirs=rule_dirs, no_suppressions=no_suppressions)
    before, after = load(Path(old)), load(Path(new))
    result = compare(before.model, after.model, check(before, config=config), check(after, config=config))
    emit(render(fmt, result, config.fail_on), output)
    raise SystemExit(EXIT_FINDINGS if regressions(result, config.fail_on) else EXIT_OK)
