"""``scalexpert diff OLD NEW`` or ``scalexpert diff REV [REV] -- FILE``: what changed between two versions.

The versions are files, git revisions of one file (``scalexpert diff HEAD~1 -- arch.yaml``:
the file at HEAD~1 against the working copy; ``diff main HEAD -- arch.yaml``: two revisions), or
``REV:PATH`` objects. Exit codes: 0 nothing new at or above ``--fail-on`` and no figure worse than
a ``--fail-on-worse`` margin; 1 a new finding (or one whose severity rose) reaches the threshold,
or a capacity or availability figure got worse by more than its margin; 2 usage, configuration or
input errors.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..terminal import value
from .check import FAIL_ON, emit, resolve_config
from .common import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from ..loader import LoadedArchitecture


def git_show(revision: str, path: str) -> str:
    """The text of ``path`` (relative to the current folder) at a git revision."""
    spec = f"{revision}:{path if path.startswith(('/', './', '../')) else './' + path}"
    try:
        done = subprocess.run(["git", "show", spec], capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise UsageError(f"{revision}: comparing with a git revision needs git on PATH") from None
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split()) or f"exit {done.returncode}"
        raise UsageError(f"cannot read {path} at {revision!r} from git: {message}")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} at {revision!r} is not UTF-8 text") from None


def versions(args: tuple[str, ...]) -> tuple[tuple[str, str | None], tuple[str, str | None]]:
    """The two versions to compare, each (label, text from git or None: read the file at label)."""
    def one(arg: str) -> tuple[str, str | None]:
        if os.path.exists(arg) or ":" not in arg:
            return arg, None
        revision, _, path = arg.partition(":")
        return arg, git_show(revision, path)

    if len(args) == 2 and all(os.path.isfile(a) for a in args):
        return (args[0], None), (args[1], None)
    if len(args) == 2 and any(":" in a and not os.path.exists(a) for a in args):
        return one(args[0]), one(args[1])
    if len(args) in (2, 3):
        *revisions, path = args
        old = (f"{revisions[0]}:{path}", git_show(revisions[0], path))
        new = (f"{revisions[1]}:{path}", git_show(revisions[1], path)) if len(revisions) == 2 else (path, None)
        return old, new
    raise UsageError("give two files (diff OLD NEW), revisions and a file (diff HEAD~1 -- FILE, "
                     "diff main HEAD -- FILE), or REV:PATH objects")


def _load(version: tuple[str, str | None]) -> LoadedArchitecture:
    from ..api import load
    from ..loader import load_text

    label, text = version
    return load(Path(label)) if text is None else load_text(text, file=label)


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True, metavar="OLD NEW | REV [REV] -- FILE")
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the comparison to FILE (a regular file, atomically; '-': stdout).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Lowest severity of a new finding that makes the exit code 1.")
@click.option("--fail-on-worse", "worse", multiple=True, metavar="FIGURE=MARGIN",
              help="Exit 1 when a figure got worse by more than MARGIN (repeatable): capacity (breaking point "
                   "multiple), availability, latency (p99), utilization or cost; e.g. capacity=10% or "
                   "availability=0.0005.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--no-suppressions", is_flag=True, help="Ignore every suppression in both files.")
def diff(args: tuple[str, ...], fmt: str, output: str | None, fail_on: str | None, worse: tuple[str, ...],
         rule_dirs: tuple[str, ...], config_file: str | None, no_suppressions: bool) -> None:
    """Compare two versions of an architecture: components, dependencies, findings and capacity.

    The versions are two files, or git revisions of one file: 'scalexpert diff HEAD~1 -- arch.yaml'
    compares the file at HEAD~1 with the working copy, 'diff main HEAD -- arch.yaml' two revisions.
    """
    from ..api import check
    from ..review.diff import compare, parse_margin, worse_figures
    from ..reporters.diff_report import regressions, render

    try:
        margins = [parse_margin(text) for text in worse]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fail-on-worse") from None
    config = resolve_config(config_file, fail_on=fail_on, rule_dirs=rule_dirs, no_suppressions=no_suppressions)
    old_version, new_version = versions(args)
    inputs = [label for label, text in (old_version, new_version) if text is None]
    if output:  # before the analysis: a refused target wastes no work
        from ..output import check_target

        check_target(output, inputs=inputs, option="--output")
    before, after = _load(old_version), _load(new_version)
    result = compare(before.model, after.model, check(before, config=config), check(after, config=config))
    emit(render(fmt, result, config.fail_on), output, inputs=inputs)
    worsened = worse_figures(result, margins)
    for line in worsened:
        click.echo(f"regression: {value(line)}", err=True)
    raise SystemExit(EXIT_FINDINGS if regressions(result, config.fail_on) or worsened else EXIT_OK)
