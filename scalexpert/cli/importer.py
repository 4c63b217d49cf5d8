"""``scalexpert import FILE_OR_DIR... [-o arch.yaml] [--force]``: deployment files → architecture file."""

from __future__ import annotations

import os
import secrets

import click

from ..errors import ScalexpertError, UsageError
from .common import fail


@click.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the architecture file here (default: print it).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--guess-from-names", is_flag=True,
              help="Also add dependencies that only names suggest (catalogue → catalogue-db), marked as guesses.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the notes on stderr.")
def import_(inputs: tuple[str, ...], output: str | None, force: bool, guess_from_names: bool, quiet: bool) -> None:
    """Import Docker Compose files, Kubernetes manifests, Threagile models, Terraform (HCL or `terraform show
    -json`), Structurizr workspaces or telemetry exports (service graphs, Jaeger/Zipkin dependencies,
    Prometheus query results), or directories of them, as an architecture file.

    Every value in the result carries a comment saying where it was read or what it was inferred
    from. Traffic and objectives are not in deployment files: add them in a file of your own that
    starts with `extends: <imported file>`.
    """
    from ..importers import import_paths

    try:
        if output not in (None, "-") and os.path.exists(output) and not force:
            raise UsageError(f"{output} exists; pass --force to overwrite it")
        result = import_paths(list(inputs), guess_names=guess_from_names)
        if output in (None, "-"):
            click.echo(result.yaml_text, nl=False)
        else:
            write_atomically(output, result.yaml_text, force)
    except ScalexpertError as exc:
        fail(exc)
        return
    if not quiet:
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        if output not in (None, "-"):
            components, dependencies = len(result.raw["components"]), len(result.raw["dependencies"])
            click.echo(f"wrote {output}: {components} components, {dependencies} dependencies "
                       f"from {len(result.sources)} file{'s' if len(result.sources) != 1 else ''}", err=True)


def write_atomically(path: str, text: str, force: bool) -> None:
    """Write ``text`` to a temporary file beside ``path``, then move it into place.

    Without ``force`` the move fails if ``path`` appeared in the meantime (a hard link never replaces).
    """
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _link_new(temporary: str, path: str) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise UsageError(f"{path} exists; pass --force to overwrite it") from None
    except OSError:  # file systems without hard links
        if os.path.exists(path):
            raise UsageError(f"{path} exists; pass --force to overwrite it") from None
        os.replace(temporary, path)
