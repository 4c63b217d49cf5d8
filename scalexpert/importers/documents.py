"""Reading deployment files: safe multi-document YAML with the position of every value.

Compose files hold one document, Kubernetes manifests often many (``---``). The stream is parsed
once, document after document, by :func:`scalexpert.loader.yamlsource.parse_documents`, which
rejects non-standard tags and duplicate keys and bounds nesting and alias expansion per document;
reported lines and columns are those of the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, InputError
from ..loader import Limits, SourceMap, read_text
from ..loader.yamlsource import parse_documents

@dataclass(frozen=True)
class Document:
    """One YAML document of a deployment file."""

    file: str
    """Path of the file as it was opened."""
    label: str
    """Short name used in comments, e.g. ``docker-compose.yml``."""
    index: int
    value: Any
    source: SourceMap
    columns: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    """Line → column of the first value :meth:`at` named on it (comments say ``label:line``; positions
    for findings take the column from here)."""

    def line(self, *path: str | int) -> int:
        """Line where ``path`` (or its closest written ancestor) is written."""
        return self.source.position(tuple(path)).line

    def at(self, *path: str | int) -> str:
        """``label:line`` of ``path``, for comments."""
        position = self.source.position(tuple(path))
        self.columns.setdefault(position.line, position.column)
        return f"{self.label}:{position.line}"

    def fail(self, message: str, *path: str | int) -> InputError:
        """An InputError pointing at ``path`` in this document."""
        pos = self.source.position(tuple(path))
        dotted = ".".join(str(p) for p in path)
        return InputError(Diagnostic(self.file, pos.line, pos.column, dotted, message))


def read_documents(path: str, label: str, limits: Limits = Limits()) -> list[Document]:
    """Every non-empty document of a YAML file, in order."""
    return split_documents(read_text(path, limits), path, label, limits)


def split_documents(text: str, file: str, label: str, limits: Limits = Limits()) -> list[Document]:
    """Every non-empty document of a YAML stream given as text."""
    documents: list[Document] = []
    index = 0
    for value, source in parse_documents(text, file, limits):
        if value is not None:
            documents.append(Document(file, label, index, value, source))
        if value is not None or source.values:
            index += 1
    return documents
