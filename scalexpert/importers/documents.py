"""Reading deployment files: safe multi-document YAML with the position of every value.

Compose files hold one document, Kubernetes manifests often many (``---``). The stream is first
split into documents with PyYAML's safe event parser; each document is then parsed on its own by
:func:`scalexpert.loader.parse`, which rejects non-standard tags and duplicate keys and bounds
nesting and alias expansion. Each document is padded with the lines before it, so that reported
lines and columns are those of the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import Diagnostic, InputError
from ..loader import Limits, SourceMap, parse, read_text

try:
    _EventLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _EventLoader = yaml.SafeLoader


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

    def line(self, *path: str | int) -> int:
        """Line where ``path`` (or its closest written ancestor) is written."""
        return self.source.position(tuple(path)).line

    def at(self, *path: str | int) -> str:
        """``label:line`` of ``path``, for comments."""
        return f"{self.label}:{self.line(*path)}"

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
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise InputError(Diagnostic(file, 0, 0, "", f"file larger than the limit of {limits.max_bytes:,} bytes"))
    documents: list[Document] = []
    for index, (start, end, first_line) in enumerate(_spans(text, file)):
        chunk = "\n" * first_line + text[start:end]
        value, source = parse(chunk, file, limits)
        if value is not None:
            documents.append(Document(file, label, index, value, source))
    return documents


def _spans(text: str, file: str) -> list[tuple[int, int, int]]:
    """(start, end, line) of each document that has content; start is the start of its line."""
    spans: list[tuple[int, int, int]] = []
    loader = _EventLoader(text)
    start_index = start_line = 0
    empty = True
    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                mark = event.start_mark
                assert mark is not None  # the loader marks every event it parses
                start_index = mark.index - mark.column
                start_line = mark.line
                empty = True
            elif isinstance(event, yaml.DocumentEndEvent):
                if not empty:
                    spans.append((start_index, event.end_mark.index if event.end_mark else len(text), start_line))
            elif not isinstance(event, yaml.StreamStartEvent):
                empty = empty and _is_empty_scalar(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise InputError(Diagnostic(file, line, column, "", f"YAML syntax error: {problem}{context}")) from None
    except yaml.reader.ReaderError:
        parse(text, file)  # raises the loader's error, with the character's line and column
        raise InputError(Diagnostic(file, 0, 0, "", "a character YAML does not allow")) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise InputError(Diagnostic(file, 0, 0, "", f"YAML error: {exc}")) from None
    finally:
        loader.dispose()
    return spans


def _is_empty_scalar(event: yaml.Event) -> bool:
    return (
        isinstance(event, yaml.ScalarEvent)
        and event.value == ""
        and event.tag is None
        and event.anchor is None
        and event.style in (None, "")
    )
