"""The kinds of source file scalexpert imports, each recognised by its content.

A :class:`Source` says how to recognise its files (from their text, or from their parsed YAML or
JSON documents) and how to read them into a :class:`~.draft.Draft`. ``detect`` and ``import`` try
the sources in order; a file that none recognises is refused as an unsupported file type.

``kind`` orders sources when they state different values for the same fact (see :mod:`.merge`):
``observed`` (telemetry) outranks ``deployment`` (what runs), which outranks ``infrastructure``
(what is provisioned) and ``model`` (what a design document says).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .detect import Classified
    from .draft import Draft

SourceKind = Literal["observed", "deployment", "infrastructure", "model"]
AUTHORITY: tuple[SourceKind, ...] = ("observed", "deployment", "infrastructure", "model")


@dataclass(frozen=True)
class Source:
    """One kind of source file."""

    name: str
    """Short name (``compose``), as ``detect`` returns it."""
    display: str
    """Name for people (``Docker Compose``)."""
    kind: SourceKind
    read: Callable[[Sequence[Classified]], Draft]
    documents: Callable[[list[Any]], bool] | None = None
    """Recognises the parsed YAML/JSON documents of a file."""
    text: Callable[[str, str], bool] | None = None
    """Recognises a file from its text and path (formats that are not YAML); ``parse`` then reads it."""
    parse: Callable[[str, str, str], Any] | None = None
    """(text, path, label) → what ``read`` receives as the file's documents, for text formats."""
    suffixes: tuple[str, ...] = ()
    """File name endings a directory walk also considers (besides ``.yaml``/``.yml``), e.g. ``.conf``."""
    exclusive_with: tuple[str, ...] = ()
    """Sources that describe the same thing; mixing them in one import is refused."""


_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source (importers call this when their module is imported)."""
    if all(s.name != source.name for s in _SOURCES):
        _SOURCES.append(source)
    return source


def sources() -> list[Source]:
    """Every registered source, in the order they are tried."""
    from . import builtin  # noqa: F401  (registers the built-in sources)

    return list(_SOURCES)


def find(name: str) -> Source:
    """The source called ``name``."""
    for source in sources():
        if source.name == name:
            return source
    raise KeyError(name)
