"""``scalexpert check FILE...``: assess architectures and report findings.

Exit codes: 0 nothing active at or above ``--fail-on`` (default ``high``); 1 something is;
2 usage, configuration or input errors (then no report is written, and an existing ``--output``
file is left untouched).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError
from ..loader import Limits
from ..loader.yamlsource import MAX_LIMIT, shown
from ..severity import FAIL_ON
from ..terminal import value
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from ..config import Config
    from ..findings import Report
    from ..loader import LoadedArchitecture

FORMAT_NAMES = ("text", "json", "markdown", "sarif", "junit", "github", "html", "codequality")


def parse_outputs(values: Sequence[str], fmt: str) -> tuple[list[tuple[str, str]], bool]:
    """``--output`` values → [(format, path)], and whether the ``--format`` report still goes to stdout.

    ``FORMAT=PATH`` (repeatable) writes that format to PATH; a plain ``PATH`` (at most one) takes the
    ``--format`` report instead of stdout, as before.
    """
    outputs: list[tuple[str, str]] = []
    plain = [v for v in values if v.partition("=")[0] not in FORMAT_NAMES or "=" not in v]
    if len(plain) > 1:
        raise click.BadParameter(f"at most one plain PATH (got {', '.join(plain)}); name the format of the others: "
                                 "FORMAT=PATH", param_hint="--output")
    for value in values:
        name, sep, path = value.partition("=")
        if sep and name in FORMAT_NAMES:
            if not path:
                raise click.BadParameter(f"{value!r} names no file", param_hint="--output")
            outputs.append((name, path))
        else:
            outputs.append((fmt, value))
    paths = [path for _, path in outputs]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise click.BadParameter(f"{', '.join(twice)} named twice", param_hint="--output")
    return outputs, not plain


def parse_growth(values: Sequence[str]) -> list[float] | None:
    """``--growth 2 --growth 5,10`` → [2.0, 5.0, 10.0] (None when not given)."""
    found: list[float] = []
    for value in values:
        for part in value.split(","):
            try:
                number = float(part)
            except ValueError:
                raise click.BadParameter(f"{shown(part)} is not a number", param_hint="--growth") from None
            if not number > 0 or number == float("inf"):
                raise click.BadParameter(f"{shown(part)} must be a positive multiple of today's traffic", param_hint="--growth")
            found.append(number)
    return sorted(set(found)) if found else None


def resolve_config(config_file: str | None, *, fail_on: str | None = None, rule_dirs: Sequence[str] = (),
                   no_suppressions: bool = False, growth: list[float] | None = None,
                   baseline: str | None = None, docs_url: str | None = None) -> Config:
    """The configuration file's settings (or the defaults) with the command-line flags on top."""
    return resolve_loaded(config_file, fail_on=fail_on, rule_dirs=rule_dirs, no_suppressions=no_suppressions,
                          growth=growth, baseline=baseline, docs_url=docs_url)[0]


def resolve_loaded(config_file: str | None, *, fail_on: str | None = None, rule_dirs: Sequence[str] = (),
                   no_suppressions: bool = False, growth: list[float] | None = None,
                   baseline: str | None = None, docs_url: str | None = None) -> tuple[Config, tuple[str, ...]]:
    """:func:`resolve_config`, and the configuration files it read (inputs no output may overwrite)."""
    from ..review.config_files import load_config

    loaded = load_config(config_file)
    config = loaded.config
    return config.with_options(
        fail_on=fail_on,
        rules=[*config.rules, *(os.path.abspath(d) for d in rule_dirs)] if rule_dirs else None,
        suppressions=False if no_suppressions else None,
        growth=growth,
        baseline=baseline,
        docs_url=docs_url,
    ), tuple(str(name) for name in loaded.files)


def use_color(no_color: bool, output: str | None, choice: str = "auto") -> bool:
    """Whether the text report is coloured.

    ``--color always``/``never`` decide; ``--no-color`` is ``never``. Otherwise (``auto``): never into
    an ``--output`` file, never with a non-empty ``NO_COLOR``, always with a non-empty ``FORCE_COLOR``
    (other than ``0``), else only on a terminal.
    """
    if no_color or choice == "never":
        return False
    if choice == "always":
        return True
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force and force != "0":
        return True
    return sys.stdout.isatty()


def terminal_width() -> int:
    """Columns to wrap the text report to: ``COLUMNS``, the terminal's width, or 100 when not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return max(shutil.get_terminal_size((100, 24)).columns, 40)
    return 100


def emit(text: str | bytes | Iterable[bytes], output: str | None, *, inputs: Sequence[str] = (),
         option: str = "--output") -> None:
    """Write the report to ``output`` (a regular file, replaced atomically; ``-`` is stdout) or to stdout.

    Targets that are not regular files, symlinks and inputs of the run are refused with exit 2
    (:mod:`scalexpert.output`); standard output is written as UTF-8 whatever the locale, appended
    to where it is redirected, and a reader that left (``| head``) ends it quietly.
    """
    from ..output import write_output, write_stdout

    if output:
        write_output(output, text, inputs=inputs, make_folders=True, option=option)
    else:
        write_stdout(text)


def check_outputs(outputs: Sequence[tuple[str, str]], to_stdout: bool, inputs: Sequence[str]) -> None:
    """Refuse, before any analysis, outputs scalexpert would not write (option, path pairs).

    Every target must be a place :func:`scalexpert.output.check_target` accepts, no two may be the
    same file, and at most one may be standard output (with ``to_stdout``, the ``--format`` report
    is that one).
    """
    from ..output import OutputError, check_target, is_stdout, same_target

    on_stdout = ["the --format report"] if to_stdout else []
    for option, path in outputs:
        if is_stdout(path):
            on_stdout.append(f"{option} {path}")
            continue
        check_target(path, inputs=inputs, option=option)
    if len(on_stdout) > 1:
        raise OutputError(f"{' and '.join(on_stdout)} would both go to standard output; send all but one to files")
    files = [(option, path) for option, path in outputs if not is_stdout(path)]
    for index, (option, path) in enumerate(files):
        for other_option, other in files[index + 1:]:
            if same_target(path, other):
                raise OutputError(f"{option} {path} and {other_option} {other} are the same file; name two files")


def targets_of(paths: Sequence[str], by_content: bool, limits: Limits) -> list[tuple[str, str, tuple[str, ...]]]:
    """(path, kind) of everything to check: folders (default: the current one) searched by content."""
    from ..discovery import discover, select

    if by_content:  # the pre-commit hook: of the staged files, those whose content is ours
        paths = select(paths, limits)
        if not paths:
            return []
    found, empty = [], []
    for root in list(paths) or ["."]:
        here = discover([root], limits)
        found.extend(here)
        if paths and not here and os.path.isdir(root):
            empty.append(root)
    if not found or empty:
        what = ("no architecture file (a YAML mapping with 'version' and 'components'), Markdown ```scalexpert "
                "block or deployment description")
        for root in empty:
            click.echo(f"{value(root)}: {what} in this folder", err=True)
        if not paths:
            click.echo(f"error: {what} in the current folder or below", err=True)
        raise SystemExit(EXIT_USAGE)
    return [(t.path, t.kind, t.files) for t in found]


def _merge_sources(items: list[tuple[str, str, tuple[str, ...]]], limits: Limits) -> list[tuple[str, str, tuple[str, ...]]]:
    """Source files named one by one describe one system, as in ``scalexpert import a.yml b.yml``: a
    Compose base file and its override are merged into one check, not checked as two systems.
    (Folders are searched by content and grouped by folder and format already.)"""
    from ..api import _is_source

    if sum(1 for item in items if item[1] == "architecture") < 2:
        return items  # nothing to merge: no file is read (or parsed) for this
    named = [item for item in items
             if item[1] == "architecture" and os.path.isfile(item[0]) and _is_source(item[0], limits)]
    if len(named) < 2:
        return items
    merged = (" + ".join(item[0] for item in named), "deployment", tuple(item[0] for item in named))
    return [merged, *(item for item in items if item not in named)]


def run_checks(files: Sequence[str] | Sequence[tuple[str, str, tuple[str, ...]]], config: Config,
               limits: Limits | None = None, *, assess: bool = True) -> list[Report]:
    """Check every file. Every file is read and validated first: the input errors of all of them are
    printed together and the run exits 2 before any is analysed (one bad file among 500 is reported at
    once, not after the other 499 are assessed).

    ``assess=False`` skips the assessment (root causes, plan, timeline): findings only.
    """
    from ..api import check as run_check
    from ..api import load as load_one
    from ..api import load_deployment
    from ..loader.markdown import load_blocks
    from ..progress import LARGE_BYTES, Progress

    limits = limits or Limits()
    items = _merge_sources([(item, "", ()) if isinstance(item, str) else item for item in files], limits)
    loaded: list[tuple[str, list[LoadedArchitecture]]] = []
    failed = False
    for name, kind, parts in items:
        try:
            if kind == "markdown":
                loaded.append((name, list(load_blocks(name, limits))))
            elif kind == "deployment" and parts:
                loaded.append((name, [load_deployment(parts, label=name, limits=limits)]))
            else:
                loaded.append((name, [load_one(Path(name), limits)]))
        except InputError as exc:
            failed = True
            for diagnostic in exc.diagnostics:
                click.echo(str(diagnostic), err=True)
    if failed:
        raise SystemExit(EXIT_USAGE)
    reports = []
    with Progress(len(loaded)) as progress:
        for index, (name, architectures) in enumerate(loaded):
            try:
                large = os.path.getsize(name) >= LARGE_BYTES
            except OSError:  # a folder, or several files
                large = False
            progress.step(index, name, large=large)
            if index and not gc.isenabled():
                # the program runs without the cyclic collector (see cli/__init__.py); between files,
                # collect what the previous check left (experta's wiring builds cycles), scanning
                # only the objects made since the last collection
                gc.collect(0)
            for architecture in architectures:
                reports.append(run_check(architecture, config=config, limits=limits, assess=assess))
    return reports


@click.command()
@click.argument("files", nargs=-1, required=False)
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None,
              help="Format of the report on stdout (default text; github when GITHUB_ACTIONS=true).")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT=]PATH",
              help="Also write FORMAT to PATH, atomically (repeatable; all from the same analysis, e.g. "
                   "-o sarif=scalexpert.sarif -o html=report.html). A plain PATH takes the --format report "
                   "instead of stdout. PATH is a regular file or a new name (no directory, device, pipe or "
                   "symbolic link, never an input); '-' is stdout.")
@click.option("--base-dir", type=click.Path(file_okay=False), default=None,
              help="Folder that paths in SARIF, GitHub annotations and Code Quality are relative to "
                   "(default: the git repository root around the current folder, else the current folder).")
@click.option("--explain", is_flag=True,
              help="Show every root cause with its findings and their proofs, the capacity figures and every assumed number.")
@click.option("--findings", "every", is_flag=True, help="List every finding, grouped by severity (text format).")
@click.option("--no-assess", is_flag=True,
              help="Findings only: skip the assessment (root causes, the plan and the growth timeline), which re-runs "
                   "the analysis with candidate changes applied; faster on large files. Skipped anyway when every format "
                   "written lists findings only (github, codequality).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest severity that makes the exit code 1 (default high; 'never': always 0).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="Extra folder of rules (repeatable).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Configuration file (default: .scalexpert.yaml or pyproject.toml found upwards from here).")
@click.option("--no-suppressions", is_flag=True, help="Ignore every suppression in the architecture files.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Findings in this baseline file are reported but never fail.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Write a baseline accepting every current finding (a regular file, atomically; '-': stdout).")
@click.option("--growth", multiple=True, help="Traffic multiples for the capacity growth table, e.g. 2,5,10.")
@click.option("--color", "color", type=click.Choice(("auto", "always", "never")), default="auto",
              help="Colours in text output (auto: on a terminal, unless NO_COLOR is set or FORCE_COLOR asks for them).")
@click.option("--no-color", is_flag=True, help="No colours in text output (same as --color never).")
@click.option("--by-content", is_flag=True,
              help="Of the FILES given, check only those whose content is an architecture or a Markdown file "
                   "with a ```scalexpert block; skip the rest (what the pre-commit hook uses).")
@click.option("--docs-url", default=None, metavar="URL",
              help="Base address of your copy of the documentation site: findings and SARIF rules link to it "
                   "(config key docs_url; no links when unset).")
@click.option("--max-bytes", type=click.IntRange(min=1, max=MAX_LIMIT, clamp=True), default=None,
              help=f"Largest input file read, in bytes (default {Limits().max_bytes:,}).")
@click.option("--max-components", type=click.IntRange(min=1, max=MAX_LIMIT, clamp=True), default=None,
              help=f"Most components in one architecture (default {Limits().max_components:,}).")
@click.option("--max-dependencies", type=click.IntRange(min=1, max=MAX_LIMIT, clamp=True), default=None,
              help=f"Most dependencies in one architecture (default {Limits().max_dependencies:,}).")
@click.option("--max-rule-matches", type=click.IntRange(min=1, max=MAX_LIMIT, clamp=True), default=None,
              help=f"Most matches one rule may build in one check (default {Limits().max_rule_matches:,}).")
@click.option("--max-matches", type=click.IntRange(min=1, max=MAX_LIMIT, clamp=True), default=None,
              help=f"Most matches all rules together may build in one check (default {Limits().max_matches:,}).")
@click.option("--max-suppression-matches", type=click.IntRange(min=1, max=MAX_LIMIT, clamp=True), default=None,
              help=f"Most wildcard suppression tests in one check (default {Limits().max_suppression_matches:,}).")
def check(files: tuple[str, ...], fmt: str | None, outputs: tuple[str, ...], base_dir: str | None, explain: bool, every: bool,
          no_assess: bool, fail_on: str | None,
          rule_dirs: tuple[str, ...], config_file: str | None, no_suppressions: bool, baseline: str | None,
          write_baseline: str | None, growth: tuple[str, ...], color: str, no_color: bool, by_content: bool, docs_url: str | None,
          max_bytes: int | None, max_components: int | None, max_dependencies: int | None,
          max_rule_matches: int | None, max_matches: int | None, max_suppression_matches: int | None) -> None:
    """Check architecture FILES and report findings.

    Without FILES, or for a folder, the architecture files, Markdown design documents with
    ```scalexpert blocks and deployment descriptions in it are found by their content.
    """
    from ..api import rules_for
    from ..review.baseline import apply_baseline, baseline_of, read_baseline, render_baseline
    from ..reporters import ASSESSED, RenderOptions, render_parts
    from ..reporters.common import fails

    config, config_files = resolve_loaded(
        config_file, fail_on=fail_on, rule_dirs=rule_dirs, no_suppressions=no_suppressions, growth=parse_growth(growth),
        baseline=os.path.abspath(baseline) if baseline else None, docs_url=docs_url)
    accepted = read_baseline(config.baseline) if config.baseline and not write_baseline else None
    targets, to_stdout = parse_outputs(outputs, fmt or "")
    if fmt is None:  # annotations when the step's log is what people read; a file named plainly gets text
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and to_stdout else "text"
        targets = [(name or fmt, path) for name, path in targets]
    given = dict(max_bytes=max_bytes, max_components=max_components, max_dependencies=max_dependencies,
                 max_rule_matches=max_rule_matches, max_matches=max_matches, max_suppression_matches=max_suppression_matches)
    limits = Limits(**{k: v for k, v in given.items() if v is not None})
    chosen = targets_of(files, by_content, limits)
    if not chosen:
        raise SystemExit(EXIT_OK)  # --by-content and nothing of ours among the files: nothing to check
    inputs = [*(path for path, _, _ in chosen), *(part for _, _, parts in chosen for part in parts), *config_files,
              *([config.baseline] if accepted is not None and config.baseline else [])]
    check_outputs([*(("--output", path) for _, path in targets),
                   *([("--write-baseline", write_baseline)] if write_baseline else [])], to_stdout, inputs)
    shown = {name for name, _ in targets} | ({fmt} if to_stdout else set())
    reports = run_checks(chosen, config, limits, assess=not no_assess and bool(shown & ASSESSED))
    stale = 0
    if write_baseline:  # the run reports as a later run with this baseline would
        folder = os.path.dirname(os.path.abspath(write_baseline))
        fresh = baseline_of(reports, folder)
        reports, _ = apply_baseline(reports, fresh, folder)
        emit_baseline(write_baseline, render_baseline(fresh), inputs)
    elif accepted is not None and config.baseline:
        ruleset = rules_for(config)  # a baseline written before a rule was renamed names its old id
        reports, outcome = apply_baseline(reports, accepted, os.path.dirname(config.baseline),
                                          canonical=lambda key: getattr(ruleset.find(key), "id", None))
        stale = outcome.stale_count
    options = RenderOptions(explain=explain, color=False, fail_on=config.fail_on,
                            baseline_used=bool(write_baseline) or accepted is not None, docs_url=config.docs_url,
                            base_dir=os.path.abspath(base_dir) if base_dir else repository_root(), findings=every)
    for name, path in targets:  # every file first: a report on stdout that ends in a pipe never blocks them
        emit(render_parts(name, reports, options), path, inputs=inputs)  # (a large JSON report: written as serialized)
    if to_stdout:
        terminal = replace(options, color=fmt == "text" and use_color(no_color, None, color), width=terminal_width())
        emit(render_parts(fmt, reports, terminal), None)
    if stale:
        click.echo(f"baseline: {stale:,} accepted finding(s) no longer occur; refresh it with --write-baseline", err=True)
    failing = any(fails(f, config.fail_on) for r in reports for f in r.findings)
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_OK)


def repository_root(start: str | None = None) -> str:
    """The folder holding ``.git`` around ``start`` (default: the current folder), else ``start`` itself."""
    here = os.path.abspath(start or os.getcwd())
    folder = here
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent


def emit_baseline(path: str, text: str, inputs: Sequence[str] = ()) -> None:
    """Write the baseline file atomically (``-``: stdout) and say so on stderr."""
    from ..output import is_stdout, write_output

    write_output(path, text, inputs=inputs, option="--write-baseline")
    if not is_stdout(path):
        click.echo(f"baseline written to {path}", err=True)
