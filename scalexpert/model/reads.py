"""Which fields of the format a computation reads: lets the assessment skip re-running a model a change
cannot touch.

A computation over a validated architecture is a function of the field values it reads. Recording the
names of every attribute read on the format's models during one run, a changed field whose name was never
read cannot change the result (the same reads see the same values). Used by the assessment to reuse the
capacity model for changes outside it (api.py); a test compares the reused figures with a full run's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from .base import StrictModel


@contextlib.contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Names of the attributes read on any model of the format while the block runs (one check at a time:
    the hook is on the class, so reads of another thread would only add names)."""
    names: set[str] = set()

    def getattribute(self: Any, name: str) -> Any:
        names.add(name)
        return object.__getattribute__(self, name)

    setattr(StrictModel, "__getattribute__", getattribute)
    try:
        yield names
    finally:
        delattr(StrictModel, "__getattribute__")


def changed_names(overlay: Mapping[str, Any], arch: Any) -> set[str] | None:
    """The attribute an overlay changes on each path: its leaf, or the first block it creates (None: unknown)."""
    found: set[str] = set()
    for section, node in overlay.items():
        if section == "components" and isinstance(node, Mapping):
            for name, fields in node.items():
                start = arch.components.get(name)
                if start is None or not isinstance(fields, Mapping):
                    return None
                if not _walk(start, fields, found):
                    return None
        elif section == "dependencies" and isinstance(node, list):
            index = {(d.source, d.target): d for d in arch.dependencies}
            for item in node:
                dep = index.get((item.get("from"), item.get("to")))
                if dep is None or not _walk(dep, {k: v for k, v in item.items() if k not in ("from", "to")}, found):
                    return None
        elif section == "system" and isinstance(node, Mapping):
            if not _walk(arch.system, node, found):
                return None
        else:
            return None
    return found


def _walk(obj: Any, fields: Mapping[str, Any], found: set[str]) -> bool:
    for key, value in fields.items():
        attribute = _attribute(obj, key)
        if attribute is None:
            return False
        current = getattr(obj, attribute, None)
        if isinstance(value, Mapping) and isinstance(current, BaseModel):
            if not _walk(current, value, found):
                return False
        else:
            found.add(attribute)
    return True


def _attribute(obj: Any, key: str) -> str | None:
    fields = type(obj).model_fields if isinstance(obj, BaseModel) else {}
    if key in fields:
        return key
    return next((name for name, info in fields.items() if info.alias == key), None)
