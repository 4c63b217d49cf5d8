"""``scalexpert validate FILE...``: check architecture files against the format."""

from __future__ import annotations

import click

from ..errors import InputError
from ..loader import Limits
from ..terminal import value
from .common import EXIT_USAGE


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=False))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the files are valid.")
@click.option("--max-bytes", type=click.IntRange(min=1, max=2**53, clamp=True), default=None,  # 2**53: loader.yamlsource.MAX_LIMIT
              help="Largest input file read, in bytes (default 8 MiB).")
@click.option("--max-components", type=click.IntRange(min=1), default=None,
              help=f"Most components in one architecture (default {Limits().max_components:,}).")
@click.option("--max-dependencies", type=click.IntRange(min=1), default=None,
              help=f"Most dependencies in one architecture (default {Limits().max_dependencies:,}).")
def validate(files: tuple[str, ...], quiet: bool, max_bytes: int | None, max_components: int | None,
             max_dependencies: int | None) -> None:
    """Validate architecture FILES; print every problem as file:line:column: path: message."""
    from ..loader import load_file

    given = dict(max_bytes=max_bytes, max_components=max_components, max_dependencies=max_dependencies)
    limits = Limits(**{k: v for k, v in given.items() if v is not None})

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
            click.echo(f"{value(name)}: valid")
    if failed:
        raise SystemExit(EXIT_USAGE)
