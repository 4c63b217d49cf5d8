"""``scalexpert validate FILE...``: check architecture files against the format."""

from __future__ import annotations

import click

from ..errors import InputError
from .common import EXIT_USAGE


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=False))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the files are valid.")
@click.option("--max-bytes", type=click.IntRange(min=1, max=2**53, clamp=True), default=None,  # 2**53: loader.yamlsource.MAX_LIMIT
              help="Largest input file read, in bytes (default 8 MiB).")
def validate(files: tuple[str, ...], quiet: bool, max_bytes: int | None) -> None:
    """Validate architecture FILES; print every problem as file:line:column: path: message."""
    from ..loader import Limits, load_file

    limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()

    failed = False
    for name in files:
        try:
            load_file(name, limits)
        except InputError as exc:
            failed = True
            for diagnostic in exc.diagnostics:
                click.echo(str(diagnostic), err=True)
            continue
        if not quiet:
            click.echo(f"{name}: valid")
    if failed:
        raise SystemExit(EXIT_USAGE)
