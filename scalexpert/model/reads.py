"""Which fields of the format a computation reads: lets the assessment skip re-running a model a change
cannot touch.

A computation over a validated architecture is a function of the field values it reads. Recording every
attribute read on the format's models during one run, a changed field that was never read cannot change
the result (the same reads see the same values). Reads are recorded per object of the architecture (its
path: ``components.orders-db.data``) and attribute, so a change to one component's field is told apart
from the same field of another; reads on other models (copies, defaults) count for every object. Used by
the assessment to reuse the capacity model and the graph analysis for changes outside them (api.py);
tests compare the reused figures with a full run's.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .base import StrictModel

Path = tuple[Any, ...]
"""Where an object sits in the architecture: ``("components", "orders-db", "data")``."""


@dataclass
class Reads:
    """What one computation read: (object path, attribute) on the architecture's own objects, and attribute
    names read on any other model (those count for every object)."""

    paths: set[tuple[Path, str]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def touched_by(self, changed: set[tuple[Path, str]]) -> bool:
        """Whether any of the changed (path, attribute) pairs was read."""
        return any(item in self.paths or item[1] in self.names for item in changed)


_LOCK = threading.Lock()
_Recorder = tuple[dict[int, Path], set[tuple[Path | None, str]]]
_ACTIVE: tuple[_Recorder, ...] = ()
"""The recordings running now (replaced as a whole under the lock, so the hook iterates a snapshot)."""


def _getattribute(self: Any, name: str) -> Any:
    for places, seen in _ACTIVE:
        seen.add((places.get(id(self)), name))
    return object.__getattribute__(self, name)


@contextlib.contextmanager
def _recording(places: dict[int, Path]) -> Iterator[set[tuple[Path | None, str]]]:
    """(path or None, attribute) of every read while the block runs. The hook is installed while any
    recording runs (recordings may nest or overlap across threads: each one sees every read made while it
    is active, which only adds reads)."""
    global _ACTIVE
    entry: _Recorder = (places, set())
    with _LOCK:
        if not _ACTIVE:
            setattr(StrictModel, "__getattribute__", _getattribute)
        _ACTIVE = (*_ACTIVE, entry)
    try:
        yield entry[1]
    finally:
        with _LOCK:
            _ACTIVE = tuple(e for e in _ACTIVE if e is not entry)
            if not _ACTIVE:
                delattr(StrictModel, "__getattribute__")


@contextlib.contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Names of the attributes read on any model of the format while the block runs (filled in as it ends)."""
    names: set[str] = set()
    with _recording({}) as seen:
        yield names
    names.update(name for _, name in seen)


@contextlib.contextmanager
def recording_paths(arch: Any) -> Iterator[Reads]:
    """The (object path, attribute) pairs read on ``arch``'s models while the block runs, and the names read
    on any other model (filled in as it ends)."""
    reads = Reads()
    with _recording(places(arch)) as seen:
        yield reads
    for path, name in seen:
        if path is None:
            reads.names.add(name)
        else:
            reads.paths.add((path, name))


def places(arch: Any) -> dict[int, Path]:
    """Every model object of the architecture by identity → its path (an object found at two paths is left
    out, so reads on it count for every object)."""
    found: dict[int, Path] = {}
    twice: set[int] = set()

    def visit(node: Any, path: Path) -> None:
        if isinstance(node, BaseModel):
            key = id(node)
            if key in found or key in twice:
                twice.add(key)
                found.pop(key, None)
                return
            found[key] = path
            for name in type(node).model_fields:
                visit(node.__dict__.get(name), (*path, name))
        elif isinstance(node, Mapping):
            for name, value in node.items():
                visit(value, (*path, name))
        elif isinstance(node, (list, tuple)):
            for index, value in enumerate(node):
                visit(value, (*path, index))

    visit(arch, ())
    return found


def changed_names(overlay: Mapping[str, Any], arch: Any) -> set[str] | None:
    """The attribute an overlay changes on each path: its leaf, or the first block it creates (None: unknown)."""
    paths = changed_paths(overlay, arch)
    return None if paths is None else {name for _, name in paths}


def changed_paths(overlay: Mapping[str, Any], arch: Any) -> set[tuple[Path, str]] | None:
    """(object path, attribute) of each value an overlay sets: its leaf, or the first block it creates, on
    the object that holds it (None: a change this cannot place, such as a new component)."""
    found: set[tuple[Path, str]] = set()
    for section, node in overlay.items():
        if section == "components" and isinstance(node, Mapping):
            for name, fields in node.items():
                start = arch.components.get(name)
                if start is None or not isinstance(fields, Mapping):
                    return None
                if not _walk(start, ("components", name), fields, found):
                    return None
        elif section == "dependencies" and isinstance(node, list):
            index = {(d.source, d.target): i for i, d in enumerate(arch.dependencies)}
            for item in node:
                at = index.get((item.get("from"), item.get("to"))) if isinstance(item, Mapping) else None
                if at is None or not _walk(arch.dependencies[at], ("dependencies", at),
                                           {k: v for k, v in item.items() if k not in ("from", "to")}, found):
                    return None
        elif section == "system" and isinstance(node, Mapping):
            if not _walk(arch.system, ("system",), node, found):
                return None
        else:
            return None
    return found


def _walk(obj: Any, path: Path, fields: Mapping[str, Any], found: set[tuple[Path, str]]) -> bool:
    for key, value in fields.items():
        attribute = _attribute(obj, key)
        if attribute is None:
            return False
        current = getattr(obj, attribute, None)
        if isinstance(value, Mapping) and isinstance(current, BaseModel):
            if not _walk(current, (*path, attribute), value, found):
                return False
        else:
            found.add((path, attribute))
    return True


def _attribute(obj: Any, key: str) -> str | None:
    fields = type(obj).model_fields if isinstance(obj, BaseModel) else {}
    if key in fields:
        return key
    return next((name for name, info in fields.items() if info.alias == key), None)
