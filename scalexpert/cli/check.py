"""``scalexpert check FILE...``: assess architectures and report findings."""

from __future__ import annotations

import os
import sys

import click

from .common import EXIT_FINDINGS, EXIT_OK


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", default="text", show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("--explain", is_flag=True, help="Show how each finding was reached (proof trees).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--fail-on", default=None, help="Lowest severity that makes the exit code 1 (default high).")
def check(files: tuple[str, ...], fmt: str, output: str | None, explain: bool, rule_dirs: tuple[str, ...],
          fail_on: str | None) -> None:
    """Check architecture FILES and report findings."""
    from ..api import check as run_check
    from ..config import Config
    from ..language.spec import severity_rank
    from ..reporters import FORMATS, RenderOptions, render

    if fmt not in FORMATS:
        raise click.BadParameter(f"unknown format {fmt!r}; choose from {', '.join(sorted(FORMATS))}", param_hint="--format")
    config = Config(fail_on=fail_on or "high", rules=list(rule_dirs))
    reports = [run_check(name, config=config) for name in files]
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(fmt, reports, RenderOptions(explain=explain, color=color))
    if output:
        from ..output import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    threshold = config.fail_on
    failing = threshold != "never" and any(
        severity_rank(f.severity) >= severity_rank(threshold) for r in reports for f in r.active
    )
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_OK)
