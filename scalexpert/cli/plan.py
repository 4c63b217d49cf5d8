"""``scalexpert plan FILE``: the remediation plan, and its target as an overlay file.

Exit codes: 0 the plan was printed (and the target written); 2 usage or input errors, an
output that would overwrite the architecture file, or an existing output without ``--force``.
"""

from __future__ import annotations

import os

import click

from ..loader import Limits
from ..terminal import value
from .common import EXIT_OK, EXIT_USAGE


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--write-target", "target", type=click.Path(dir_okay=False),
              help="Write the target architecture as an overlay (extends FILE) to this path.")
@click.option("--force", is_flag=True, help="Overwrite an existing --write-target file (never FILE itself).")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text", help="Output format.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--growth", multiple=True, help="Traffic multiples for the capacity growth table, e.g. 2,5,10.")
def plan(file: str, target: str | None, force: bool, fmt: str, config_file: str | None, growth: tuple[str, ...]) -> None:
    """Print the phased remediation plan of FILE (root causes, steps with measured effects, growth and cost)."""
    from ..loader import load_file
    from .check import emit, parse_growth, resolve_config, run_checks, terminal_width

    if target is not None:  # before the analysis: a refused target wastes no work
        from ..output import check_target, is_stdout

        if is_stdout(target):
            raise click.UsageError("--write-target needs a file (the plan itself goes to standard output)")
        check_target(target, inputs=[file], overwrite=force, option="--write-target")
    config = resolve_config(config_file, growth=parse_growth(growth))
    [report] = run_checks([file], config, Limits())
    if fmt == "text":
        from ..reporters.plan_text import render_plan

        emit(render_plan([report], width=terminal_width()), None)
    else:
        from ..reporters import RenderOptions, render_bytes

        emit(render_bytes(fmt, [report], RenderOptions(fail_on=config.fail_on)), None)
    if target is not None:
        _write_target(report, file, target, force)
    raise SystemExit(EXIT_OK)


def _write_target(report: object, file: str, target: str, force: bool) -> None:
    from ..assessment.overlay import overlay_text
    from ..errors import InputError
    from ..loader import load_file, load_text
    from ..output import write_file

    arch = load_file(file).model
    relative = os.path.relpath(os.path.abspath(file), os.path.dirname(os.path.abspath(target)))
    text = overlay_text(report, arch, relative.replace(os.sep, "/"))  # type: ignore[arg-type]
    try:
        load_text(text, file=target)  # the overlay must validate before it is written
    except InputError as exc:  # pragma: no cover - the plan only applies changes that validated
        for diagnostic in exc.diagnostics:
            click.echo(str(diagnostic), err=True)
        raise SystemExit(EXIT_USAGE) from None
    write_file(target, text, inputs=[file], overwrite=force, option="--write-target")
    click.echo(f"target written to {value(target)} (check it with: scalexpert check {value(target)})", err=True)
