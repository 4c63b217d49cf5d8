"""``scalexpert schema``: print (or write) the JSON Schema of the architecture format."""

from __future__ import annotations

import os
import tempfile

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
    """Write ``text`` to ``path`` via a temporary file in the same directory and ``os.replace``.

    Readers see the old file or the new one, never half of it.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temp = tempfile.mkstemp(prefix=".scalexpert-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UsageError(f"cannot write {path!r} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except OSError as exc:
        _remove_quietly(temp)
        raise UsageError(f"cannot write {path!r} ({exc.strerror or exc})") from None
    except BaseException:
        _remove_quietly(temp)
        raise


def _mode_for(path: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 minus umask)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
