"""Importing deployment descriptions (Docker Compose, Kubernetes manifests), threat models (Threagile),
infrastructure code (Terraform), C4 workspaces (Structurizr) and observed telemetry as architecture files.

    from scalexpert.importers import detect, import_paths

    detect("deploy/")                    # "architecture", "compose" or "kubernetes"
    result = import_paths(["deploy/"])
    result.yaml_text                     # the commented architecture file
    result.raw                           # the same as plain data

Only what the files state is imported; every inferred value carries a comment saying what it was
inferred from. Traffic, capacity and objectives are never in deployment files: the user adds them,
best in a file of their own that ``extends:`` the imported one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import os
import re

from ..errors import Diagnostic, InputError, UsageError
from ..loader import Limits, load_text
from ..loader.yamlsource import format_path
from .detect import SOURCES, Classified, Format, Inputs, detect, display_name, gather, mixed, mixed_error
from .documents import Document
from .draft import Draft, Edge, Fact, Origin, apply_policies, as_references, edges, guess_from_names, retag_brokers
from .emit import render
from .merge import merge
from .provenance import positions
from .redact import scrub
from .redact import text as redacted
from .registry import SourceKind
from .registry import sources as registered_sources


# Each format's reader is imported when a file of that format is read: a Kubernetes check never
# pays for the Terraform, Structurizr, Threagile or telemetry modules (their regular expressions).


def _threagile(files: list[Classified], limits: Limits) -> tuple[Draft, list[Edge]]:
    from .threagile import import_threagile

    if len(files) > 1:
        raise UsageError(f"several Threagile models ({', '.join(f.label for f in files)}): import one at a time")
    return import_threagile(files[0].documents)


def _terraform(files: list[Classified], limits: Limits) -> tuple[Draft, list[Edge]]:
    from .terraform import import_terraform

    return import_terraform(files)


def _telemetry(files: list[Classified], limits: Limits) -> tuple[Draft, list[Edge]]:
    from .telemetry import import_telemetry

    return import_telemetry(files)


def _structurizr(files: list[Classified], limits: Limits) -> tuple[Draft, list[Edge]]:
    from .structurizr import import_structurizr

    return import_structurizr(files)


def overlay(draft: Draft, found: list[Edge], observed: list[Classified]) -> list[Edge]:
    """Measured figures of telemetry exports laid over the draft (:func:`.telemetry.overlay`)."""
    from .telemetry import overlay as _overlay

    return _overlay(draft, found, observed)


SOURCE_IMPORTERS: dict[str, Callable[[list[Classified], Limits], tuple[Draft, list[Edge]]]] = {
    "threagile": _threagile,
    "terraform": _terraform,
    "telemetry": _telemetry,
    "structurizr": _structurizr,
}
"""Importers of the formats in the content-detection registry, by format name."""

SOURCE_KINDS: dict[str, SourceKind] = {"threagile": "model", "structurizr": "model", "terraform": "infrastructure",
                                       "telemetry": "observed"}
"""What each of those formats describes, which decides whose figure wins when sources disagree (see :mod:`.merge`)."""


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")


@dataclass(frozen=True)
class ImportResult:
    """An imported architecture: the commented file, the same data, and what was assumed."""

    yaml_text: str
    raw: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    """Component name → ``file:line`` of the deployment file it was read from."""
    positions: dict[tuple[str | int, ...], Origin] = field(default_factory=dict)
    """Path of the written architecture → where a source file states it (see :mod:`.provenance`)."""
    loaded: Any = field(default=None, compare=False, repr=False)
    """``yaml_text`` loaded and validated (a :class:`~scalexpert.loader.LoadedArchitecture` named ``<imported>``)."""


def import_paths(paths: Sequence[str], *, guess_names: bool = False, limits: Limits = Limits()) -> ImportResult:
    """Import source files (or directories holding them) as one architecture.

    Files of different kinds (Kubernetes or Compose, gateway configurations, Terraform, a Threagile
    model, a Structurizr workspace) describe one system: their components merge by name, then by an
    alias or endpoint (see :mod:`.merge`); telemetry exports lay measured figures over the result.

    ``guess_names`` also adds dependencies that only names suggest (``catalogue`` → ``catalogue-db``),
    marked as guesses in their comments.
    """
    listed = [paths] if isinstance(paths, str) else list(paths)
    return _redacting(lambda: _import_inputs(listed, gather(listed, limits), guess_names, limits))


def import_gathered(paths: Sequence[str], inputs: Inputs, *, limits: Limits = Limits()) -> ImportResult:
    """:func:`import_paths` of files already read and classified by :func:`.detect.gather` (each file is read once)."""
    return _redacting(lambda: _import_inputs(list(paths), inputs, False, limits))


def _redacting(run: Callable[[], ImportResult]) -> ImportResult:
    try:
        return run()
    except InputError as exc:  # messages quote the input: no secrets in them either
        raise InputError([replace(d, message=redacted(d.message), path=redacted(d.path)) for d in exc.diagnostics]) from None
    except UsageError as exc:
        raise UsageError(redacted(str(exc))) from None


def _import_inputs(paths: list[str], inputs: Inputs, guess_names: bool, limits: Limits) -> ImportResult:
    if mixed(inputs):
        raise mixed_error(inputs)
    notes = [f"skipped {item}" for item in inputs.skipped]
    notes.extend(f"skipped {f.label}: already an architecture file" for f in inputs.of("architecture"))
    observed = inputs.of("telemetry")
    others = sorted({str(f.format) for f in inputs.files if f.format in SOURCE_IMPORTERS} - {"telemetry"})
    registered = [f for f in inputs.files if f.format not in SOURCE_IMPORTERS and f.format != "architecture"]
    if observed and not (others or registered):
        others = ["telemetry"]
        observed = []
    if len(others) == 1 and not registered:  # one model or infrastructure source (+ telemetry): its own edges
        chosen_files = inputs.of(others[0])
        draft, found = _guarded(others[0], chosen_files, lambda: SOURCE_IMPORTERS[others[0]](chosen_files, limits))
        draft.notes[:0] = notes
        if observed:
            found = _guarded("telemetry", observed, lambda: overlay(draft, found, observed))
        return _finish(draft, found, chosen_files + observed, limits)
    chosen = registered + [f for fmt in others for f in inputs.of(fmt)]
    if not chosen:
        where = ", ".join(paths)
        reason = "; ".join(inputs.skipped) or "no YAML files"
        raise InputError(Diagnostic(where, 0, 0, "", f"no Docker Compose or Kubernetes file to import ({reason})"))
    drafts = []
    for source in registered_sources():
        files = inputs.of(source.name)
        if files:
            drafts.append((source.kind, _guarded(source.name, files, lambda: source.read(files))))
    for fmt in others:  # Terraform, Threagile, Structurizr beside deployment files: merged into one system
        found_draft, found = _guarded(fmt, inputs.of(fmt), lambda: SOURCE_IMPORTERS[fmt](inputs.of(fmt), limits))
        found_draft.format = display_name(fmt)
        drafts.append((SOURCE_KINDS[fmt], as_references(found_draft, found)))
    draft = merge(drafts)
    apply_policies(draft)
    if draft.system_name is None:
        folder = os.path.basename(os.path.dirname(os.path.abspath(chosen[0].path))) if chosen[0].path != "-" else ""
        draft.system_name = Fact(folder or "imported system", f"inferred from the folder of {chosen[0].label}")
    if not draft.components:
        formats = {f.format for f in chosen}
        what = ("services" if formats == {"compose"} else "workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod)"
                if formats == {"kubernetes"} else "components")
        raise InputError(Diagnostic(chosen[0].path, 0, 0, "", f"no {what} to import"))
    retag_brokers(draft)
    if guess_names:
        guess_from_names(draft)
    found_edges = edges(draft)
    if others:
        _restate_unconnected(draft, found_edges)
    draft.notes[:0] = notes
    inferred = sum(1 for c in draft.components.values() for f in c.facts.values() if f.why.startswith("inferred"))
    draft.notes.append(f"{inferred} values were inferred rather than read; their comments start with 'inferred'")
    if any(r.guessed for r in draft.references):
        draft.notes.append("dependencies whose comment says 'guessed from the names' are not stated in the files: check them")
    if observed:
        found_edges = overlay(draft, found_edges, observed)
    return _finish(draft, found_edges, chosen + observed, limits)


_UNSEEN = ("Terraform states infrastructure, not calls", "no caller of ")


def _restate_unconnected(draft: Draft, found: list[Edge]) -> None:
    """After a merge, what one source could not see (Terraform: the calls) is restated for the whole input."""
    draft.notes[:] = [n for n in draft.notes if not n.startswith(_UNSEEN)]
    called = {e.target for e in found if e.role is None or e.role.value == "request"}
    uncalled = sorted(name for name, c in draft.components.items()
                      if c.kind not in ("service", "worker", "function", "client", "external")
                      and name not in called and name not in draft.entry_points)
    if uncalled:
        draft.notes.append(f"no source in the input states a caller of {', '.join(uncalled)}: no dependency was "
                           "invented (add them by hand, or import an observed service graph)")


def _finish(draft: Draft, found_edges: list[Edge], chosen: list[Classified], limits: Limits) -> ImportResult:
    """Write the draft, check that the result is a valid architecture, and say where each value came from.

    Every value, comment, piece of evidence and note is redacted here (:mod:`.redact`), the one point
    all sources pass through on their way to text.
    """
    found_edges = scrub(draft, found_edges)
    for name, component in sorted(draft.components.items()):
        if not _NAME.fullmatch(name):
            raise UsageError(f"{component.origin}: {name!r} cannot be a component name: use letters, digits, "
                             "'-', '_' and '.', starting with a letter or digit, at most 128 characters")
    listed = [(item.label, display_name(str(item.format))) for item in chosen]
    text, raw = render(draft, found_edges, listed)
    files = {item.label: item.path for item in chosen}
    columns = {(doc.label, line): column for item in chosen for doc in item.documents
               if isinstance(doc, Document) for line, column in doc.columns.items()}
    where = positions(draft, found_edges, files, columns)
    try:
        loaded = load_text(text, file="<imported>", limits=limits)
    except InputError as exc:  # a value the source states that the format refuses (a count beyond its limit ...)
        fallback = chosen[0].path if chosen else "<imported>"
        raise InputError([_at_source(d, where, fallback) for d in exc.diagnostics]) from None
    origins = {name: component.origin for name, component in sorted(draft.components.items())}
    return ImportResult(text, raw, list(draft.notes), [item.path for item in chosen], origins, where, loaded)


_T = TypeVar("_T")


def _guarded(fmt: str, files: Sequence[Classified], read: Callable[[], _T]) -> _T:
    """Run one source's reader; a value of a shape it does not expect (a list where text belongs, a
    boolean where a mapping does) is an input error naming the file, never an internal error."""
    try:
        return read()
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        where = files[0].path if len(files) == 1 else ", ".join(f.path for f in files[:3]) + (" ..." if len(files) > 3 else "")
        detail = " ".join(str(exc).split())[:120]
        raise InputError(Diagnostic(where, 0, 0, "", f"a value of a shape the {display_name(fmt)} format does not allow "
                                    f"(a list, mapping or boolean where another kind of value belongs) stops the import "
                                    f"({type(exc).__name__}: {detail})")) from None


def _at_source(problem: Diagnostic, where: dict[tuple[str | int, ...], Origin], fallback: str) -> Diagnostic:
    """A problem of the written architecture, at the line of the source file that states the value."""
    by_path = {format_path(path): origin for path, origin in where.items()}
    probe = problem.path
    while probe:
        origin = by_path.get(probe)
        if origin is not None:
            return Diagnostic(origin.file, origin.line, origin.column, problem.path,
                              f"{problem.message} (the value imported from here)")
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return Diagnostic(fallback, 0, 0, problem.path, f"{problem.message} (in the imported architecture)")


__all__ = ["SOURCES", "Format", "ImportResult", "Origin", "detect", "import_paths"]
