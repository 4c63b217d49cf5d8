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
    if file == "-":
        click.echo(text, nl=False)
        return
    try:
        handle = open(file, "x", encoding="utf-8", newline="\n")  # 'x': fails if the file exists
    except FileExistsError:
        click.echo(f"error: {file} already exists; not overwriting it (choose another name, or remove it first)", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except OSError as exc:
        click.echo(f"error: cannot write {file}: {exc.strerror or exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    try:
        with handle:
            handle.write(text)
    except OSError as exc:  # e.g. disk full: leave no half-written file behind
        os.unlink(file)
        click.echo(f"error: cannot write {file}: {exc.strerror or exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    click.echo(f"wrote {file}; next: edit it, then run: scalexpert check {file}", err=True)
