"""``scalexpert schema``: print (or write) the JSON Schema of the architecture format."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False, writable=False, allow_dash=True),
    default=None,
    help="Write the schema to FILE (a regular file, replaced atomically; '-': print it) instead of printing it.",
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
    """Write ``text`` to ``path`` (``-``: stdout) through :mod:`scalexpert.output` (old file or new, never half)."""
    from ..output import write_output

    write_output(path, text, option="--output")
