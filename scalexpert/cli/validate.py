"""``scalexpert validate FILE...``: check architecture files against the format."""

from __future__ import annotations

import click

from ..errors import InputError
from .common import EXIT_USAGE


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=False))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the files are valid.")
def validate(files: tuple[str, ...], quiet: bool) -> None:
    """Validate architecture FILES; print every problem as file:line:column: path: message."""
    from ..loader import load_file

    failed = False
    for name in files:
        try:
            load_file(name)
        except InputError as exc:
            failed = True
            for diagnostic in exc.diagnostics:
                click.echo(str(diagnostic), err=True)
            continue
        if not quiet:
            click.echo(f"{name}: valid")
    if failed:
        raise SystemExit(EXIT_USAGE)
