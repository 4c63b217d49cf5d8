"""``scalexpert init [FILE]``: write a commented starter architecture (never over an existing file)."""

from __future__ import annotations

import os
from importlib import resources

import click

from .common import EXIT_USAGE


def starter_text() -> str:
    """The starter architecture shipped with scalexpert."""
    return (resources.files("scalexpert") / "starter.yaml").read_text("utf-8")


@click.command()
@click.argument("file", default="architecture.yaml", type=click.Path(dir_okay=False, allow_dash=True))
def init(file: str) -> None:
    """Write a commented starter architecture to FILE (default architecture.yaml; '-' prints it)."""
    text = starter_text()
    from ..output import OutputError, is_stdout, write_file, write_stdout

    if is_stdout(file):
        write_stdout(text)
        return
    if os.path.lexists(file):
        click.echo(f"error: {file} already exists; not overwriting it (choose another name, or remove it first)", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        write_file(file, text, overwrite=False)  # never over a file that appears meanwhile either
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    click.echo(f"wrote {file}; next: edit it, then run: scalexpert check {file}", err=True)
