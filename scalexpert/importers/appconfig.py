"""Application configuration files (Java ``.properties``): the addresses a service is configured to call.

Frameworks keep the addresses of the services an application calls in its own configuration
(MicroProfile ``…/mp-rest/url=http://preference:8080``, Spring ``orders.url=…``, ``spring.datasource.url=
jdbc:…``). Such a file belongs to the component whose name is one of the folders above it
(``customer/src/main/resources/application.properties`` → ``customer``); it adds that component's
dependencies (``role: request``). A file that matches no component of the other sources is left out
with a note: it says who calls, not what runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from .draft import ComponentDraft, Draft, Origin, Reference
from .values import refs_in_env, shown

_LINE = re.compile(r"^\s*([A-Za-z0-9_][A-Za-z0-9_.\-/\[\]]*)\s*[=:]\s*(.*?)\s*$")
_LEVELS = 6


def properties_text(text: str, path: str) -> bool:
    """Java properties: only ``key=value`` lines (keys with dots), comments and blank lines."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(("#", "!"))]
    matches = [_LINE.match(line) for line in lines]
    keys = [m.group(1) for m in matches if m]
    return bool(lines) and len(keys) == len(lines) and any("." in key for key in keys)


def properties_parse(text: str, path: str, label: str) -> list[dict[str, Any]]:
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.match(line)
        if match and not line.lstrip().startswith(("#", "!")):
            pairs.append((match.group(1), match.group(2), number))
    return [{"path": path, "label": label, "pairs": pairs}]


def read_properties(files: Sequence[Any]) -> Draft:
    draft = Draft("application configuration")
    for item in files:
        for doc in item.documents:
            _one(doc, draft)
    return draft


def _one(doc: dict[str, Any], draft: Draft) -> None:
    path, label = doc["path"], doc["label"]
    folders = os.path.abspath(path).split(os.sep)[:-1][-_LEVELS:]
    owner = ComponentDraft(f"config:{label}", f"{label}:1", where=Origin(path, label, 1))
    owner.aliases.update(f.lower() for f in folders if f)
    owner.attachment = True
    draft.components[owner.name] = owner
    for key, value, line in doc["pairs"]:
        for ref in refs_in_env(_key(key), value):
            where = Origin(path, label, line)
            draft.references.append(Reference(owner.name, ref.host, f"{key}={shown(value)} ({where})", ref.port,
                                              ref.scheme, key, origin=where))


def _key(key: str) -> str:
    """``…PreferenceService/mp-rest/url`` → ``PreferenceService_mp_rest_url``: the words an address key has."""
    return re.sub(r"[^A-Za-z0-9]+", "_", key)
