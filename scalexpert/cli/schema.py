"""``scalexpert schema``: print (or write) the JSON Schema of the architecture format."""

from __future__ import annotations

import click

from ..errors import UsageError


@click.command()
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False, writable=False),
    default=None,
    help="Write the schema to FILE (replaced atomically) instead of printing it.",
)
def schema(output: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of architecture files, format version 1.

    Point an editor at it with a first line such as
    '# yaml-language-server: $schema=architecture-v1.schema.json'.
    """
    from ..schema import render_schema

    text = render_schema()
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(output, text)


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` with :func:`scalexpert.output.write_atomic` (old file or new, never half)."""
    from ..output import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path!r} ({exc.strerror or exc})") from None
