"""``scalexpert import FILE_OR_DIR... [-o arch.yaml] [--force]``: deployment files → architecture file."""

from __future__ import annotations

import click

from ..errors import ScalexpertError
from ..terminal import value
from .common import fail


@click.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the architecture file here, atomically (default or '-': print it). Only a regular file "
                   "is written: directories, devices, pipes and symbolic links are refused.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists (a regular file only; never an input).")
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
    from ..output import check_target, is_stdout, write_file, write_stdout

    to_file = output if output is not None and not is_stdout(output) else None
    try:
        if to_file:  # before reading anything: a refused target wastes no work
            check_target(to_file, inputs=inputs, overwrite=force, option="--output")
        result = import_paths(list(inputs), guess_names=guess_from_names)
        if to_file:
            write_file(to_file, result.yaml_text, inputs=[*inputs, *result.sources], overwrite=force, option="--output")
        else:
            write_stdout(result.yaml_text)
    except ScalexpertError as exc:
        fail(exc)
        return
    if not quiet:
        for note in result.notes:
            click.echo(f"note: {value(note)}", err=True)
        if to_file:
            components, dependencies = len(result.raw["components"]), len(result.raw["dependencies"])
            click.echo(f"wrote {value(output)}: {components} components, {dependencies} dependencies "
                       f"from {len(result.sources)} file{'s' if len(result.sources) != 1 else ''}", err=True)
