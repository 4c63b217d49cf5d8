"""Exit codes and error handling shared by every command."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..errors import ScalexpertError, printable, shortened
from ..output import OutputError
from ..terminal import lines
from .streams import Interrupted, StreamError

EXIT_OK = 0
"""Nothing at or above the failure threshold."""
EXIT_FINDINGS = 1
"""Findings at or above the failure threshold (``--fail-on``)."""
EXIT_USAGE = 2
"""Usage, configuration or input errors."""


def fail(error: ScalexpertError) -> None:
    """Print an error (one line per problem) to stderr and exit with code 2."""
    for line in str(error).splitlines() or [type(error).__name__]:
        line = printable(shortened(line))  # no terminal escapes from file names or keys, no 100,000-character echo
        located = _has_location(line) and not isinstance(error, OutputError)
        click.echo(lines(line if located else f"error: {line}"), err=True)  # no line starts a workflow command
    sys.exit(EXIT_USAGE)


def _has_location(line: str) -> bool:
    head = line.split(": ", 1)[0]
    return ":" in head or head.endswith((".yaml", ".yml", ".json", ".toml"))


def run_guarded(command: click.Command, argv: list[str]) -> Any:
    """Run a click command; scalexpert errors become messages and exit 2, never tracebacks."""
    try:
        return command.main(args=argv, prog_name="scalexpert", standalone_mode=True)
    except ScalexpertError as exc:
        fail(exc)
    except RecursionError:
        click.echo("error: input nested too deeply to process", err=True)
        sys.exit(EXIT_USAGE)
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Interrupted as exc:  # Ctrl-C or SIGTERM in the program (see streams.py): never 1, "findings"
        click.echo(f"scalexpert: {exc.what}", err=True)
        sys.exit(exc.code)
    except StreamError as exc:  # standard output closed or full (a report's own write says so itself)
        click.echo(f"error: cannot write to standard output: {exc.strerror}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a bug: one clear line, not a traceback (SCALEXPERT_DEBUG=1 shows it)
        if os.environ.get("SCALEXPERT_DEBUG"):
            raise
        detail = printable(" ".join(str(exc).split()))[:300]
        click.echo(f"error: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); this is a bug "
                   "in scalexpert: please report it with the file that caused it (SCALEXPERT_DEBUG=1 shows the traceback)",
                   err=True)
        sys.exit(EXIT_USAGE)
    return None
