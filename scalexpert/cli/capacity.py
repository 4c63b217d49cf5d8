"""``scalexpert capacity FILE``: load, utilization and sizing per component, and the breaking point."""

from __future__ import annotations

import json

import click

from ..errors import UsageError
from ..terminal import lines


def parse_growth(text: str) -> list[float]:
    """``"2,5,10"`` → ``[2.0, 5.0, 10.0]``; an error names the bad item."""
    values = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            value = float(item.rstrip("xX×"))
        except ValueError:
            raise UsageError(f"--growth: {item!r} is not a number (expected e.g. 2,5,10)") from None
        if not 0 < value <= 1e6:
            raise UsageError(f"--growth: {item!r} must be above 0 and at most 1,000,000")
        values.append(value)
    return sorted(set(values))


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=False))
@click.option("--growth", "growth_text", default="", metavar="MULTIPLES",
              help="Multiples of today's peak to tabulate, comma-separated (e.g. 2,5,10).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: tables for people; json: the full capacity report.")
@click.option("--defaults", "defaults_path", default=None, metavar="FILE",
              help="A capacity-defaults.yaml to use instead of the built-in one.")
def capacity(file: str, growth_text: str, output_format: str, defaults_path: str | None) -> None:
    """Show the load, utilization, replicas needed and breaking point of each component of FILE."""
    from ..analysis import analyse, load_defaults
    from ..loader import load_file
    from ..analysis.capacity.render import render_text

    multiples = parse_growth(growth_text)
    loaded = load_file(file)
    report = analyse(loaded.model, growth=multiples, defaults=load_defaults(defaults_path))
    if output_format == "json":
        click.echo(lines(json.dumps(report.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False), "json"))
        return
    click.echo(render_text(report, loaded.model.system.name, file), nl=False)
