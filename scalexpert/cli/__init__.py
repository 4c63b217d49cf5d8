"""The ``scalexpert`` command line.

Commands live in their own modules and are imported only when called, so that
``scalexpert --version`` and ``scalexpert rules`` start fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

import click

from ..version import __version__
from .common import EXIT_USAGE, run_guarded

# command name → (module, attribute)
_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("scalexpert.cli.check", "check"),
    "validate": ("scalexpert.cli.validate", "validate"),
    "schema": ("scalexpert.cli.schema", "schema"),
    "rules": ("scalexpert.cli.rules", "rules"),
    "explain": ("scalexpert.cli.explain", "explain"),
    "capacity": ("scalexpert.cli.capacity", "capacity"),
    "import": ("scalexpert.cli.importer", "import_"),
    "diff": ("scalexpert.cli.diff", "diff"),
    "init": ("scalexpert.cli.init", "init"),
    "plan": ("scalexpert.cli.plan", "plan"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        try:
            module = importlib.import_module(target[0])
        except ModuleNotFoundError:
            return None
        command: click.Command = getattr(module, target[1])
        return command


@click.group(cls=_LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scalexpert")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Assess a software architecture description for scalability."""
    if ctx.invoked_subcommand is None:  # a bare ``scalexpert``: the help, and success
        click.echo(ctx.get_help())


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``scalexpert`` script; with ``argv`` it runs in-process and returns or raises ``SystemExit``."""
    if argv is not None:
        return run_guarded(cli, argv)
    _run_as_program()
    return None  # pragma: no cover - _run_as_program never returns


def _run_as_program() -> None:
    """Run the command line as a short-lived process and leave without tearing down the heap.

    The cyclic garbage collector is off for the whole process (a command lives for one check;
    reference counting still frees what it drops), and the process ends with ``os._exit`` once
    its output is flushed: freeing every object of a large check one by one at interpreter exit
    took 5–9 s at 10,000 components (docs/architecture.md#performance).

    The standard streams and signals are the program's (:mod:`.streams`): a closed pipe ends the
    output quietly with the run's exit code, a failed or closed standard output is exit 2 with one
    line, Ctrl-C exits 130 and SIGTERM 143.
    """
    from . import streams

    streams.install()
    gc.disable()
    code: int = 0
    try:
        run_guarded(cli, sys.argv[1:])
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            print(exc.code, file=sys.stderr)
            code = 1
    except streams.Interrupted as exc:  # between the command's end and here
        code = exc.code
    streams.finishing()
    try:
        sys.stdout.flush()
    except streams.StreamError as exc:  # what was still buffered could not be written
        print(f"error: cannot write to standard output: {exc.strerror}", file=sys.stderr)
        code = EXIT_USAGE if code in (0, 1) else code
    except (OSError, ValueError):  # pragma: no cover - the guarded stream raises StreamError only
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover - the guarded stream drops what it cannot write
        pass
    os._exit(code)


__all__ = ["EXIT_USAGE", "cli", "main"]
