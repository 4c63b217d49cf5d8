"""Volumes → what a component keeps on disk.

The format has no field for "the data directory is on a persistent volume", so for stores the
finding goes into the description; for services a writable data volume means ``local_disk_writes``
(decided conservatively: only a data-like path such as ``/data`` or ``/uploads`` counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .draft import ComponentDraft

_PERSISTENT = frozenset({"named volume", "bind mount", "anonymous volume", "persistent volume claim",
                         "volume claim template", "host path"})
_STORE_KINDS = frozenset({"database", "search", "object-storage", "coordination", "queue", "stream"})
_DATA_PATH = re.compile(r"(^|/)(data|uploads?|media|files|storage|srv|var/lib/[^/]+)(/|$)")
_NOT_DATA = re.compile(r"(^|/)(etc|conf|config|configs|tmp|run|dev|proc|sys|certs?|secrets?|scripts?|lua-scripts|"
                       r"pages|templates|logs?)(/|$)|\.(conf|json|ya?ml|lua|ini|xml|properties|sock|pem|crt|key)$")


@dataclass(frozen=True)
class Mount:
    """A volume mounted into a container."""

    kind: str
    source: str
    target: str
    read_only: bool
    where: str


def compose_volumes(value: Any, where: str) -> list[Mount]:
    """Mounts of a Compose service (short ``src:dst[:mode]`` and long syntax)."""
    mounts: list[Mount] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            kind = {"volume": "named volume", "bind": "bind mount", "tmpfs": "tmpfs"}.get(str(item.get("type")), "other")
            source, target = str(item.get("source") or ""), str(item.get("target") or "")
            if kind == "named volume" and not source:
                kind = "anonymous volume"
            mounts.append(Mount(kind, source, target, item.get("read_only") is True, where))
            continue
        parts = str(item).split(":")
        if len(parts) == 1:
            mounts.append(Mount("anonymous volume", "", parts[0], False, where))
            continue
        source, target = parts[0], parts[1]
        read_only = len(parts) > 2 and "ro" in parts[2].split(",")
        kind = "bind mount" if source.startswith(("/", ".", "~", "$")) else "named volume"
        mounts.append(Mount(kind, source, target, read_only, where))
    return mounts


def describe_storage(comp: ComponentDraft, mounts: list[Mount]) -> None:
    """Record what the mounts say about the component's state."""
    data = [m for m in mounts if m.kind in _PERSISTENT and not _NOT_DATA.search(m.target.rstrip("/"))]
    if comp.role is not None:
        return
    if comp.kind in _STORE_KINDS or comp.kind == "cache" and comp.engine == "redis":
        if data:
            first = data[0]
            text = f"Data on {first.kind} {first.source or ''} at {first.target}".replace("  ", " ") + "."
            _describe(comp, text, f"inferred from volumes ({first.where})")
            comp.set("storage", "persistent", f"{first.kind} {first.source} mounted at {first.target} ({first.where})")
        else:
            memory = [m for m in mounts if m.kind in ("emptyDir", "in-memory emptyDir", "tmpfs")]
            where = f"only {memory[0].kind} at {memory[0].target} ({memory[0].where})" if memory else "no volume"
            comp.set("storage", "ephemeral", f"inferred: {where} holds the data directory; data is lost when the "
                     "container is re-created")
            others = [f"{m.kind} at {m.target}" for m in mounts]
            extra = f" (only {', '.join(others)})" if others else ""
            text = f"No persistent volume holds its data{extra}: data is lost when the container is re-created."
            _describe(comp, text, "inferred: no volume holds the data directory")
        return
    writable = [m for m in data if not m.read_only and _DATA_PATH.search(m.target)]
    if comp.kind in ("service", "worker") and writable:
        first = writable[0]
        why = f"inferred from {first.kind} {first.source} mounted read-write at {first.target} ({first.where})"
        comp.set("local_disk_writes", True, why)
        comp.set("stateless", False, why)


def _describe(comp: ComponentDraft, text: str, why: str) -> None:
    if "description" in comp.facts:
        old = comp.facts["description"]
        comp.set("description", f"{old.value} {text}", f"{old.why}; {why}")
    else:
        comp.set("description", text, why)
