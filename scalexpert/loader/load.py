"""Loading architecture files: YAML → validated model, with the source position of everything."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from ..errors import Diagnostic, InputError
from ..model import ONE_OF_KINDS, Architecture
from . import messages
from .typed import model_problems
from .yamlsource import (SIZES, Limits, Path, Position, SourceMap, decode, format_path, parse_collecting,
                         read_bounded, size_problem)

_MAX_EXTENDS_DEPTH = 8


@dataclass(frozen=True)
class LoadedArchitecture:
    """A validated architecture and where each part of it was written."""

    model: Architecture
    source: SourceMap
    file: str

    def position(self, *path: str | int) -> Position:
        """Source position of a path such as ``("components", "db", "replicas")``."""
        return self.source.position(path)

    def component_position(self, name: str, field: str | None = None) -> Position:
        """Where a component (or one of its dotted fields, e.g. ``data.replication.failover``) is written."""
        parts: tuple[str | int, ...] = ("components", name)
        if field:
            parts += tuple(field.split("."))
        return self.source.position(parts)

    def dependency_position(self, index: int, field: str | None = None) -> Position:
        """Where dependency ``index`` (or one of its fields) is written."""
        parts: tuple[str | int, ...] = ("dependencies", index)
        if field:
            parts += tuple(field.split("."))
        return self.source.position(parts)


def read_text(path: str | os.PathLike[str], limits: Limits = Limits()) -> str:
    """Read a file as UTF-8 text, with clear errors for every way that can fail."""
    name = str(path)
    refused = path_problem(name)
    if refused:
        raise InputError(Diagnostic(name, 0, 0, "", refused))
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise InputError(Diagnostic(name, 0, 0, "", "no such file")) from None
    except OSError as exc:
        raise InputError(Diagnostic(name, 0, 0, "", f"cannot read: {exc.strerror or exc}")) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(Diagnostic(name, 0, 0, "", "is a directory, not a file"))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(Diagnostic(name, 0, 0, "", "is not a regular file (device, pipe or socket)"))
    if info.st_size > limits.max_bytes:
        raise InputError(Diagnostic(name, 0, 0, "", f"file of {info.st_size:,} bytes is larger than the limit of {limits.max_bytes:,}"))
    try:
        with open(name, "rb") as handle:
            data = read_bounded(handle, limits.max_bytes)
    except OSError as exc:
        raise InputError(Diagnostic(name, 0, 0, "", f"cannot read: {exc.strerror or exc}")) from None
    return decode(data, name)


def path_problem(name: str) -> str | None:
    """Why a path cannot name a file scalexpert reads (a NUL byte, a name that is not UTF-8), or None."""
    if "\0" in name:
        return "a file name cannot contain a NUL byte"
    if any("\udc80" <= ch <= "\udcff" for ch in name):  # bytes the file system gave that UTF-8 cannot decode
        return "the file name is not valid UTF-8 (undecodable bytes shown as \\udcXX); rename the file"
    return None


def load_file(path: str | os.PathLike[str], limits: Limits = Limits()) -> LoadedArchitecture:
    """Load and validate an architecture file."""
    raw, source, earlier = _read_raw(str(path), limits, ())
    check_size(raw, source, str(path), limits)
    return validate(raw, source, str(path), earlier)


def load_text(text: str, file: str = "<text>", limits: Limits = Limits()) -> LoadedArchitecture:
    """Load and validate architecture YAML given as text (``extends`` resolves against the cwd)."""
    raw, source, earlier = parse_collecting(text, file, limits, architecture=True)
    raw, source, earlier = _apply_extends(raw, source, earlier, file, limits, (os.path.realpath(file),))
    check_size(raw, source, file, limits)
    return validate(raw, source, file, earlier)


def check_size(raw: Any, source: SourceMap, file: str, limits: Limits) -> None:
    """Refuse, before validating them, more components or dependencies than the limits allow.

    The analysis is near-linear in the size of the system, but a file at the byte limit can still
    describe tens of thousands of them; the message names the limit and how to raise it. (Each file
    is also checked as it is parsed, before its values are built; this counts them after ``extends``.)
    """
    if not isinstance(raw, dict):
        return
    for key, _, _ in SIZES:
        items = raw.get(key)
        if isinstance(items, (dict, list)):
            pos = source.position((key,))
            problem = size_problem(file, pos.line, pos.column, key, len(items), limits)
            if problem is not None:
                raise InputError(problem)


_Raw = tuple[Any, SourceMap, list[Diagnostic]]


def _read_raw(file: str, limits: Limits, chain: tuple[str, ...]) -> _Raw:
    raw, source, earlier = parse_collecting(read_text(file, limits), file, limits, architecture=True)
    return _apply_extends(raw, source, earlier, file, limits, (*chain, os.path.realpath(file)))


def _apply_extends(
    raw: Any, source: SourceMap, earlier: list[Diagnostic], file: str, limits: Limits, chain: tuple[str, ...]
) -> _Raw:
    """Overlay ``raw`` on the file it extends; ``chain`` holds the real paths of the files on the way."""
    if not isinstance(raw, dict) or not isinstance(raw.get("extends"), str):
        return raw, source, earlier
    pos = source.position(("extends",))
    written = raw["extends"]
    if "\0" in written:
        raise InputError(Diagnostic(file, pos.line, pos.column, "extends", "a path with a NUL byte cannot name a file"))
    base_name = os.path.normpath(FsPath(file).parent / written) if not file.startswith("<") else written
    if os.path.realpath(base_name) in chain:
        raise InputError(Diagnostic(file, pos.line, pos.column, "extends",
                                    f"{messages.show(written)} leads back to this file: files cannot extend each other in a cycle"))
    if len(chain) > _MAX_EXTENDS_DEPTH:
        raise InputError(Diagnostic(file, pos.line, pos.column, "extends",
                                    f"more than {_MAX_EXTENDS_DEPTH} files extend one another; flatten the chain"))
    try:
        base_raw, base_source, base_earlier = _read_raw(base_name, limits, chain)
    except InputError as exc:
        raise InputError([Diagnostic(file, pos.line, pos.column, "extends", f"cannot use {messages.show(written)}"), *exc.diagnostics]) from None
    if not isinstance(base_raw, dict):  # say so, rather than overlaying on nothing (and quote none of it)
        raise InputError(Diagnostic(file, pos.line, pos.column, "extends",
                                    f"cannot use {messages.show(written)}: it is not an architecture file (not a mapping)"))
    overlay = {k: v for k, v in raw.items() if k != "extends"}
    moved = _overlay_list_moves(base_raw, overlay)
    return merge(base_raw, overlay), _moved(source, moved).merged_under(base_source), [*base_earlier, *earlier]


def merge(base: Any, overlay: Any) -> Any:
    """Overlay one raw architecture on another: mappings merge, dependencies merge by (from, to)."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        result = dict(base)
        for key, value in overlay.items():
            if key == "dependencies" and isinstance(value, list) and isinstance(result.get(key), list):
                result[key] = _merge_dependencies(result[key], value)[0]
            elif key == "suppressions" and isinstance(value, list) and isinstance(result.get(key), list):
                result[key] = [*result[key], *value]
            else:
                result[key] = merge(result.get(key), value) if key in result else value
        return result
    return overlay


def _merge_dependencies(base: list[Any], overlay: list[Any]) -> tuple[list[Any], list[int]]:
    """The merged list, and the index in it of each overlay item."""
    result = list(base)
    places: list[int] = []
    index = {_pair(d): i for i, d in enumerate(result) if _pair(d) is not None}
    for dep in overlay:
        key = _pair(dep)
        if key in index:
            result[index[key]] = merge(result[index[key]], dep)
            places.append(index[key])
        else:
            places.append(len(result))
            result.append(dep)
    return result, places


def _pair(dep: Any) -> tuple[str, str] | None:
    """The (from, to) names a dependency merges by, or None when it has no such names."""
    if isinstance(dep, dict) and isinstance(dep.get("from"), str) and isinstance(dep.get("to"), str):
        return dep["from"], dep["to"]
    return None


def _overlay_list_moves(base: Any, overlay: dict[str, Any]) -> dict[Path, Path]:
    """Where the overlay's dependencies and suppressions end up in the merged lists."""
    if not isinstance(base, dict):
        return {}
    moves: dict[Path, Path] = {}
    deps, extra = base.get("dependencies"), overlay.get("dependencies")
    if isinstance(deps, list) and isinstance(extra, list):
        for i, place in enumerate(_merge_dependencies(deps, extra)[1]):
            moves[("dependencies", i)] = ("dependencies", place)
    kept, added = base.get("suppressions"), overlay.get("suppressions")
    if isinstance(kept, list) and isinstance(added, list):
        for i in range(len(added)):
            moves[("suppressions", i)] = ("suppressions", len(kept) + i)
    return moves


def _moved(source: SourceMap, moves: dict[Path, Path]) -> SourceMap:
    """The overlay's positions under the paths its list items have in the merged document."""
    if not moves:
        return source

    def move(path: Path) -> Path:
        head = path[:2]
        return (*moves[head], *path[2:]) if head in moves else path

    return SourceMap(source.file, {move(p): v for p, v in source.keys.items()}, {move(p): v for p, v in source.values.items()})


def validate(raw: Any, source: SourceMap, file: str, earlier: Sequence[Diagnostic] = ()) -> LoadedArchitecture:
    """Validate raw values against the format and the cross-references between components.

    ``earlier`` are problems found while reading the YAML (duplicate keys, forbidden tags); they are
    reported together with the others, in file order.
    """
    problems = [(Position(d.file, d.line, d.column), d.path, d.message) for d in earlier]
    if not isinstance(raw, dict):
        if problems:
            raise InputError(list(earlier))
        pos = source.position(())
        raise InputError(Diagnostic(file, pos.line, pos.column, "", f"expected a mapping with 'version: 1', got {messages.show(raw)}"))
    reported = {d.path for d in earlier if d.path}
    model, found = model_problems(Architecture, raw, source)
    later = [(Position(d.file, d.line, d.column), d.path, d.message) for d in found]
    later.extend(_reference_problems(raw, source))
    problems.extend(p for p in later if p[1] not in reported)  # a value dropped while reading: said once
    if problems or model is None:
        problems.sort(key=lambda p: (p[0].file != file, p[0].file, p[0].line, p[0].column))
        raise InputError([Diagnostic(pos.file, pos.line, pos.column, path, text) for pos, path, text in problems])
    return LoadedArchitecture(model=model, source=source, file=file)


def _reference_problems(raw: dict[str, Any], source: SourceMap) -> list[tuple[Position, str, str]]:
    components = raw.get("components")
    names = [str(n) for n in components] if isinstance(components, dict) else []
    known = set(names)
    problems: list[tuple[Position, str, str]] = []

    def check(path: Path, value: Any) -> None:
        if isinstance(value, str) and known and value not in known:
            hint = messages.suggestion(value, names)
            problems.append((source.position(path), format_path(path), f"unknown component {messages.show(value)}{hint}"))

    seen_pairs: dict[tuple[Any, Any], int] = {}
    for i, dep in enumerate(raw.get("dependencies") or [] if isinstance(raw.get("dependencies"), list) else []):
        if not isinstance(dep, dict):
            continue
        check(("dependencies", i, "from"), dep.get("from"))
        check(("dependencies", i, "to"), dep.get("to"))
        pair = (dep.get("from"), dep.get("to"))
        if isinstance(pair[0], str) and pair[0] == pair[1]:
            problems.append((source.position(("dependencies", i)), f"dependencies[{i}]", f"{messages.show(pair[0])} depends on itself"))
        elif not all(isinstance(p, str) for p in pair):
            continue  # a missing or non-text end: the model's own message says so
        elif pair in seen_pairs:
            first = source.position(("dependencies", seen_pairs[pair]))
            problems.append((source.position(("dependencies", i)), f"dependencies[{i}]",
                             f"second dependency {pair[0]} → {pair[1]} (first at line {first.line}); merge them into one"))
        else:
            seen_pairs.setdefault(pair, i)
    system = raw.get("system")
    entries = system.get("entry_points") if isinstance(system, dict) else None
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            check(("system", "entry_points", i, "component"), entry.get("component"))
        else:
            check(("system", "entry_points", i), entry)
    for name, comp in (components or {}).items() if isinstance(components, dict) else []:
        if not isinstance(comp, dict):
            continue
        check(("components", name, "session_store"), comp.get("session_store"))
        for block, key in (("cache", "fronts"), ("messaging", "consumed_by"), ("data", "denormalized_from")):
            section = comp.get(block)
            refs = section.get(key) if isinstance(section, dict) else None
            for j, ref in enumerate(refs if isinstance(refs, list) else []):
                check(("components", name, block, key, j), ref)
    problems.extend(_domain_problems(raw, source))
    problems.extend(_share_problems(raw, source))
    return problems


def _domain_problems(raw: dict[str, Any], source: SourceMap) -> list[tuple[Position, str, str]]:
    """Each failure domain a component names must be declared in ``system.failure_domains``."""
    system = raw.get("system")
    declared = system.get("failure_domains") if isinstance(system, dict) else None
    names = [str(n) for n in declared] if isinstance(declared, dict) else []
    components = raw.get("components")
    problems: list[tuple[Position, str, str]] = []
    for name, comp in components.items() if isinstance(components, dict) else []:
        domains = comp.get("failure_domains") if isinstance(comp, dict) else None
        for j, domain in enumerate(domains if isinstance(domains, list) else []):
            if isinstance(domain, str) and domain not in names:
                path = ("components", name, "failure_domains", j)
                where = messages.suggestion(domain, names) if names else "; declare it under system.failure_domains"
                problems.append((source.position(path), format_path(path), f"unknown failure domain {messages.show(domain)}{where}"))
    return problems


def _share_problems(raw: dict[str, Any], source: SourceMap) -> list[tuple[Position, str, str]]:
    """``share`` belongs to request edges of a one-of caller, and one caller's shares add up to at most 1."""
    components = raw.get("components")
    components = components if isinstance(components, dict) else {}
    deps = raw.get("dependencies")
    totals: dict[str, float] = {}
    problems: list[tuple[Position, str, str]] = []
    for i, dep in enumerate(deps if isinstance(deps, list) else []):
        share = dep.get("share") if isinstance(dep, dict) else None
        if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 1:
            continue  # not a share: the model's own message says so
        if not isinstance(dep.get("from"), str):
            continue
        caller = dep["from"]
        path = ("dependencies", i, "share")
        comp = components.get(caller)
        routing = comp.get("routing") if isinstance(comp, dict) else None
        kind = comp.get("kind") if isinstance(comp, dict) else None
        if dep.get("role", "request") != "request":
            problems.append((source.position(path), format_path(path),
                             f"share applies to request edges only (this edge's role is {messages.show(dep.get('role'))})"))
        elif routing == "fan-out" or (routing is None and isinstance(kind, str) and kind not in ONE_OF_KINDS):
            why = "routing: fan-out" if routing else f"kind {kind} fans out unless stated"
            problems.append((source.position(path), format_path(path),
                             f"share applies to the routes of a one-of caller ({caller}: {why}); "
                             f"set routing: one-of on {caller} if each request takes one of its edges"))
        else:
            totals[caller] = totals.get(caller, 0.0) + float(share)
            if totals[caller] > 1.0 + 1e-9:
                problems.append((source.position(path), format_path(path),
                                 f"the shares of {caller}'s routes add up to {totals[caller]:g}, above 1"))
                totals[caller] = float("-inf")  # said once per caller
    return problems
