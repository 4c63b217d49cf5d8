"""Safe YAML reading that keeps the position of every node.

PyYAML composes a node tree whose nodes carry marks (line, column); this module turns that tree
into plain Python values itself, so that it can

* record where every mapping key, value and list item came from,
* reject duplicate mapping keys (PyYAML silently keeps the last one),
* reject tags other than YAML's standard ones (no Python objects, no custom tags),
* bound nesting depth and alias expansion, so that a "billion laughs" file fails fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Diagnostic, InputError, UsageError

try:  # the C composer is several times faster; marks are the same
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader
_COUNTS_BYTES = _BaseLoader is not yaml.SafeLoader
"""libyaml's marks in errors count UTF-8 bytes, the pure-Python reader's characters."""


def safe_load(text: str) -> Any:
    """Plain data from YAML text that needs no positions (shipped tables and examples, a scalar written back): the
    safe loader, in C when PyYAML was built with libyaml (the same documents, several times faster)."""
    return yaml.load(text, Loader=_BaseLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, resolving each distinct plain scalar's tag once per file.

    A plain scalar's tag depends on its text alone (the safe loader has no path resolvers), and an
    architecture repeats the same few hundred texts (kinds, booleans, zone names) many times.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = self._plain_tags[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"
_KEY_KINDS = {
    "tag:yaml.org,2002:bool": "YAML reads it as a boolean",
    "tag:yaml.org,2002:int": "YAML reads it as an integer",
    "tag:yaml.org,2002:float": "YAML reads it as a number",
    _NULL_TAG: "YAML reads it as null",
    "tag:yaml.org,2002:timestamp": "YAML reads it as a date",
}
_MAX_INT_CHARACTERS = 1_000
"""Longer integers are refused unread (their value could not even be printed in a message)."""

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input file may cost to read, and one check to run. All configurable.

    The command line sets them with ``--max-bytes``, ``--max-components``, ``--max-dependencies``,
    ``--max-rule-matches``, ``--max-matches`` and ``--max-suppression-matches``; the library takes a
    ``Limits`` (``check(path, limits=Limits(max_components=200_000))``). Exceeding one is a
    :class:`~scalexpert.errors.BudgetError` (or an InputError at the file's position) that names the
    limit and the option that raises it; docs/security.md lists them.
    """

    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 100_000
    max_components: int = 25_000
    """Components in one architecture (after ``extends``, or written by an import)."""
    max_dependencies: int = 100_000
    """Dependencies in one architecture."""
    max_rule_matches: int = 200_000
    """Partial and complete matches one rule may build in one run of the rules (a rule joining every
    component with every other grows with a power of their number)."""
    max_matches: int = 500_000
    """Matches all rules together may build in one run of the rules."""
    max_suppression_matches: int = 5_000_000
    """Wildcard suppression patterns tried against finding subjects in one check."""

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"Limits.{name} must be a positive integer, got {shown(value)}")
            if value > MAX_LIMIT:  # "no limit" in practice; larger values overflow the reads that use them
                object.__setattr__(self, name, MAX_LIMIT)


MAX_LIMIT = 2**53
"""Largest value a limit takes (larger ones are read as this): far beyond any file, and within every read() size."""


@dataclass
class SourceMap:
    """Positions of keys and values by path, e.g. ``("components", "db", "replicas")``."""

    file: str
    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)

    def position(self, path: Path) -> Position:
        """Best position for ``path``: its key, else its value, else the closest ancestor's."""
        probe = tuple(path)
        while probe:
            found = self.keys.get(probe) or self.values.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.values.get((), Position(self.file, 1, 1))

    def merged_under(self, other: SourceMap) -> SourceMap:
        """Positions of ``other`` with this map's positions winning (used by ``extends``)."""
        result = SourceMap(self.file, dict(other.keys), dict(other.values))
        result.keys.update(self.keys)
        result.values.update(self.values)
        return result


def format_path(path: Path) -> str:
    """``("dependencies", 3, "to")`` → ``dependencies[3].to`` (overlong keys shortened, so messages stay short)."""
    text = ""
    for part in path:
        name = shown(part, 80, quote=False)
        text += f"[{name}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


def shown(value: Any, limit: int = 60, quote: bool = True) -> str:
    """A value from the input for a message: ``repr`` (or ``str``) cut to about ``limit`` characters."""
    text = repr(value) if quote else str(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text):,} characters)"


def read_bounded(handle: Any, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a binary stream, read in pieces (``read(n)`` reserves ``n`` bytes at once)."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = handle.read(min(limit + 1 - total, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def decode(data: bytes, file: str) -> str:
    """UTF-8 text (a BOM is dropped) or an InputError at the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            Diagnostic(file, line, column, "", f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; save the file as UTF-8")
        ) from None


def parse(text: str, file: str, limits: Limits = Limits(), *, empty: bool = False) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain values and a source map; any problem raises InputError.

    ``empty``: a file without a document (empty, or only comments) is None rather than an error.
    """
    value, source, problems = parse_collecting(text, file, limits, empty=empty)
    if problems:
        raise InputError(problems)
    return value, source


SIZES = (("components", "max_components", "--max-components"),
         ("dependencies", "max_dependencies", "--max-dependencies"))
"""Top-level lists of an architecture bounded by ``Limits``: key, limit, command-line option."""


def size_problem(file: str, line: int, column: int, key: str, count: int, limits: Limits) -> Diagnostic | None:
    """The problem with ``count`` entries under the top-level ``key``, if more than its limit allows."""
    for name, limit_name, option in SIZES:
        limit = getattr(limits, limit_name)
        if name == key and count > limit:
            return Diagnostic(file, line, column, key, f"{count:,} {key}, more than the limit of {limit:,} for one check; "
                                                       f"raise it with {option} (Limits.{limit_name}) if the system really is this large")
    return None


def _check_sizes(node: Any, file: str, limits: Limits) -> None:
    """Refuse an architecture with too many components or dependencies before building its values."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(value, (yaml.MappingNode, yaml.SequenceNode)):
            problem = size_problem(file, key.start_mark.line + 1, key.start_mark.column + 1, key.value, len(value.value), limits)
            if problem is not None:
                raise InputError(problem)


def parse_collecting(text: str, file: str, limits: Limits = Limits(), *, empty: bool = False,
                     architecture: bool = False) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Like :func:`parse`, but problems that leave the rest readable are returned, not raised.

    A duplicate key (the second one is dropped), a forbidden tag or an unreadable scalar (the value
    becomes null) does not stop reading, so that they can be reported together with the file's
    other problems. Syntax errors and exceeded limits still raise InputError at once. For an
    ``architecture``, more components or dependencies than ``limits`` allow are refused before the
    values are built.
    """
    _check_size(text, file, limits)
    quick = _read_events(text, file, limits, architecture)
    if quick is not None:
        return quick
    loader = _Loader(text)
    try:
        with _yaml_errors(file, text):
            node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None and empty:
        return None, SourceMap(file), []
    if node is None:
        raise InputError(Diagnostic(file, 1, 1, "", "empty file: expected a mapping that starts with 'version: 1'"))
    if architecture:
        _check_sizes(node, file, limits)
    builder = _Builder(file, limits, aliases="*" in text)
    value = builder.build(node, (), 0, False)
    return value, builder.source, sorted(builder.problems, key=lambda d: (d.line, d.column))


def parse_documents(text: str, file: str, limits: Limits = Limits()) -> list[tuple[Any, SourceMap]]:
    """Every document of a YAML stream (``---``), each parsed as :func:`parse` would, in one pass.

    The stream is composed once, so a manifest of many documents costs its length (parsing each
    document apart, padded with the lines before it to keep positions, cost the square of it).
    Positions are those of the whole file. An empty document gives ``(None, its source map)``.
    """
    _check_size(text, file, limits)
    loader = _Loader(text)
    documents: list[tuple[Any, SourceMap]] = []
    try:
        with _yaml_errors(file, text):
            while loader.check_node():
                node = loader.get_node()
                builder = _Builder(file, limits, aliases="*" in text)  # limits (aliases, depth) count per document
                value = None if _is_empty(node) else builder.build(node, (), 0, False)
                if builder.problems:
                    raise InputError(sorted(builder.problems, key=lambda d: (d.line, d.column)))
                documents.append((value, builder.source))
    finally:
        loader.dispose()
    return documents


def _check_size(text: str, file: str, limits: Limits) -> None:
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise InputError(Diagnostic(file, 0, 0, "", f"file larger than the limit of {limits.max_bytes:,} bytes"))


@contextmanager
def _yaml_errors(file: str, text: str) -> Iterator[None]:
    """PyYAML's errors while reading ``text`` as InputError with the file's position."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        raise InputError(_yaml_diagnostic(exc, file, text)) from None
    except yaml.reader.ReaderError as exc:
        raise InputError(_reader_diagnostic(exc, file, text)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise InputError(Diagnostic(file, 0, 0, "", f"YAML error: {' '.join(str(exc).split())}")) from None


def _is_empty(node: yaml.Node) -> bool:
    """A document with nothing in it (``---`` followed by nothing, or only comments)."""
    return (isinstance(node, yaml.ScalarNode) and node.value == "" and node.tag == "tag:yaml.org,2002:null"
            and node.style in (None, ""))


def _reader_diagnostic(exc: yaml.reader.ReaderError, file: str, text: str) -> Diagnostic:
    """A character YAML does not allow (control characters such as NUL), at its line and column."""
    offset = max(exc.position, 0)
    if _COUNTS_BYTES:  # libyaml counts UTF-8 bytes, the pure-Python reader characters
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    offset = min(offset, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return Diagnostic(file, line, column, "", f"character U+{ord(character):04X} is not allowed in YAML; remove it")


def _yaml_diagnostic(exc: yaml.MarkedYAMLError, file: str, text: str = "") -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in str(exc.context or "") or "but found another document" in problem:
        problem = "several YAML documents in one file; an architecture file holds exactly one"
    message = f"YAML syntax error: {problem}"
    if exc.context and "single document" not in str(exc.context):
        message += f" ({exc.context})"
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Diagnostic(file, line, column, "", message + _syntax_hint(problem, text, mark))


def _syntax_hint(problem: str, text: str, mark: Any) -> str:
    """The usual cause of the commonest YAML mistakes, said in words."""
    lines = text.split("\n")
    row = lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""
    here = row[mark.column] if mark is not None and 0 <= mark.column < len(row) else ""
    if here == "\t" or "found character '\\t'" in problem:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "; a value that contains ': ' must be quoted"
    return ""


_INVALID = object()
_intern = sys.intern
_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
_TAG_WORDS = {
    "int": "an integer (e.g. 3)",
    "float": "a number (e.g. 2.5)",
    "bool": "true or false",
    "timestamp": "a date or time (e.g. 2030-01-31 or 2030-01-31T12:00:00Z)",
    "null": "null (~)",
    "map": "a mapping",
    "seq": "a list",
    "merge": "a merge key ('<<')",
}


def _fits(tag: str, value: Any) -> bool:
    """Whether PyYAML's constructor gave a value of the kind the tag promises (it is lenient with some)."""
    name = tag.rpartition(":")[2]
    if name == "bool":
        return isinstance(value, bool)
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "float":
        return isinstance(value, float)
    return True


def _tagged_message(node: yaml.Node) -> str:
    """``!!int abc``: what was written and what the tag needs, in words."""
    name = str(node.tag).rpartition(":")[2]
    written = node.value if isinstance(node.value, str) else ""
    expected = _TAG_WORDS.get(name, f"a value of tag !!{name}")
    return f"invalid value: !!{name} {shown(written)} is not {expected}; remove the tag or correct the value"


def _key_message(node: yaml.Node) -> str:
    written = str(node.value)
    if not written:
        return "a key is missing (nothing before the ':')"
    kind = _KEY_KINDS.get(str(node.tag), "it is not read as text")
    return f"key {shown(written, quote=False)} is not text ({kind}); put it in quotes: {shown(written)}"


class _Builder:
    def __init__(self, file: str, limits: Limits, aliases: bool = True) -> None:
        self.file = file
        self.limits = limits
        self.source = SourceMap(file)
        self.problems: list[Diagnostic] = []
        self.alias_nodes = 0
        self.scalars = yaml.constructor.SafeConstructor()
        self._built: set[int] = set()
        self._aliases = aliases
        """Whether the text can hold an alias (a ``*``): without one no node is reached twice."""

    def _pos(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(self.file, mark.line + 1, mark.column + 1)

    def _fail(self, node: yaml.Node, path: Path, message: str) -> None:
        pos = self._pos(node)
        self.problems.append(Diagnostic(self.file, pos.line, pos.column, format_path(path), message))

    def build(self, node: yaml.Node, path: Path, depth: int, via_alias: bool, keyed: bool = False) -> Any:
        """The value of ``node`` at ``path``. ``keyed``: the path is a mapping key's, whose position is
        recorded already (the value's own position would never be looked up: keys come first)."""
        if depth > self.limits.max_depth:
            self._fail(node, path, f"nesting deeper than the limit of {self.limits.max_depth} levels")
            raise InputError(self.problems)
        if self._aliases:
            if id(node) in self._built:  # the same node reached again: an alias expansion
                via_alias = True
            self._built.add(id(node))
        if via_alias:
            self.alias_nodes += 1
            if self.alias_nodes > self.limits.max_alias_nodes:
                self._fail(node, path, f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes")
                raise InputError(self.problems)
        if not keyed and path not in self.source.values:
            self.source.values[path] = self._pos(node)
        tag = node.tag
        if tag == _STR_TAG and type(node) is yaml.ScalarNode:  # the common case
            return node.value
        if tag not in _STANDARD_TAGS:
            self._fail(node, path, f"tag {shown(tag)} is not allowed: only plain YAML values are read")
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and tag != _COLLECTION_TAGS[type(node)]:
            kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
            self._fail(node, path, f"invalid value: a {kind} tagged !!{str(tag).rpartition(':')[2]}; remove the tag")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, via_alias, keyed)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1, via_alias) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        if node.tag == _INT_TAG and len(node.value) > _MAX_INT_CHARACTERS:  # converting would be slow or refused
            self._fail(node, path, f"invalid value: an integer written with {len(node.value):,} characters")
            return None
        if node.tag == _STR_TAG:  # the common case, without PyYAML's constructor machinery
            return node.value
        try:
            value = self.scalars.construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - PyYAML raises KeyError, AttributeError, IndexError... for bad text
            value = _INVALID
        if value is _INVALID or not _fits(node.tag, value):
            self._fail(node, path, _tagged_message(node))
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int, via_alias: bool, keyed: bool = False) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        explicit: set[Any] = set()
        merged: list[tuple[yaml.Node, bool]] = []
        keys = self.source.keys
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append((value_node, True))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, path, "a key must be text, not a list or a mapping")
                continue
            key = key_node.value if key_node.tag == _STR_TAG else self._scalar(key_node, path)
            if not isinstance(key, str):  # true, 12, ~, 2030-01-31: YAML reads them as values, every reader wants text
                if key is not None or key_node.tag == _NULL_TAG:
                    self._fail(key_node, path, _key_message(key_node))
                continue
            if key in explicit:
                first = keys.get((*path, key))
                where = f" (first at line {first.line})" if first else ""
                self._fail(key_node, (*path, key), f"duplicate key {shown(key)}{where}; each key may appear once")
                continue
            key = _intern(key)  # one copy of each key text in the paths and values, not one per occurrence
            explicit.add(key)
            child = (*path, key)
            keys[child] = self._pos(key_node)
            result[key] = self.build(value_node, child, depth + 1, via_alias, True)
        for merge_node, _ in merged:
            sources = merge_node.value if isinstance(merge_node, yaml.SequenceNode) else [merge_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self._fail(source, path, "a merge key ('<<') must refer to a mapping")
                    continue
                value = self.build(source, path, depth + 1, True, keyed)
                for key, item in value.items():
                    result.setdefault(key, item)
        return result


class _Abandon(Exception):
    """Something :class:`_EventBuilder` leaves to the node tree's reading (and its messages)."""


def _read_events(text: str, file: str, limits: Limits, architecture: bool) -> tuple[Any, SourceMap, list[Diagnostic]] | None:
    """The document's values and positions built straight from the parser's events, or None to read it as a tree.

    Composing PyYAML's node tree and then walking it cost about twice the time of the events alone, and the tree
    (about 250 MB at 10,000 components) left the memory it freed scattered. Only a plain document is read this way:
    at an alias, anchor, explicit tag, merge key, a value that is not plain data, any problem (a duplicate key, a key
    that is not text, nesting deeper than the limit), more components or dependencies than the limits allow, a
    syntax error or a second document, the events are abandoned and the file is read as a tree, which reports the
    problems in file order and with the messages it always gave.
    """
    loader = _Loader(text)
    try:
        builder = _EventBuilder(loader, file, limits)
        try:
            value = builder.document()
        except (_Abandon, yaml.YAMLError):
            return None
    finally:
        loader.dispose()
    if architecture and isinstance(value, dict):
        for key, _, _ in SIZES:
            items = value.get(key)
            if isinstance(items, (dict, list)) and size_problem(file, 0, 0, key, len(items), limits) is not None:
                return None
    return value, builder.source, []


_SCALAR_NODE = yaml.ScalarNode


class _EventBuilder:
    """Plain values and the positions of keys and list items, from the events of one plain YAML document."""

    def __init__(self, loader: Any, file: str, limits: Limits) -> None:
        self.next: Any = loader.get_event
        self.resolve = loader.resolve
        self.file = file
        self.max_depth = limits.max_depth
        self.source = SourceMap(file)
        self.scalars: dict[tuple[str, str], Any] = {}
        """(tag, text) → the value of a scalar that is not text (read once per distinct text)."""
        self._reader = _Builder(file, limits, aliases=False)

    def document(self) -> Any:
        if type(self.next()) is not yaml.StreamStartEvent or type(self.next()) is not yaml.DocumentStartEvent:
            raise _Abandon  # an empty stream
        value = self.node(self.next(), (), 0, False)
        if type(self.next()) is not yaml.DocumentEndEvent or type(self.next()) is not yaml.StreamEndEvent:
            raise _Abandon  # another document follows
        return value

    def node(self, event: Any, path: Path, depth: int, keyed: bool) -> Any:
        if depth > self.max_depth:
            raise _Abandon
        kind = type(event)
        if kind is yaml.AliasEvent or event.anchor is not None or event.tag is not None:
            raise _Abandon
        if not keyed:
            mark = event.start_mark
            self.source.values[path] = Position(self.file, mark.line + 1, mark.column + 1)
        if kind is yaml.ScalarEvent:
            tag = self.resolve(_SCALAR_NODE, event.value, event.implicit)
            return event.value if tag == _STR_TAG else self.scalar(event, tag, path)
        if kind is yaml.SequenceStartEvent:
            items: list[Any] = []
            event = self.next()
            while type(event) is not yaml.SequenceEndEvent:
                items.append(self.node(event, (*path, len(items)), depth + 1, False))
                event = self.next()
            return items
        if kind is not yaml.MappingStartEvent:
            raise _Abandon
        result: dict[str, Any] = {}
        keys = self.source.keys
        file = self.file
        event = self.next()
        while type(event) is not yaml.MappingEndEvent:
            if type(event) is not yaml.ScalarEvent or event.anchor is not None or event.tag is not None:
                raise _Abandon
            key = event.value
            if key in result or self.resolve(_SCALAR_NODE, key, event.implicit) != _STR_TAG:
                raise _Abandon  # a duplicate, or a key that is not text (true, 12, ~, '<<')
            key = _intern(key)
            child = (*path, key)
            at: Any = event.start_mark
            keys[child] = Position(file, at.line + 1, at.column + 1)
            result[key] = self.node(self.next(), child, depth + 1, True)
            event = self.next()
        return result

    def scalar(self, event: Any, tag: str, path: Path) -> Any:
        """A scalar that is not text (a number, boolean, null or date), as the tree's reading makes it."""
        known = (tag, event.value)
        if known in self.scalars:
            return self.scalars[known]
        if tag not in _STANDARD_TAGS or tag == _MERGE_TAG:
            raise _Abandon
        reader = self._reader
        value = reader._scalar(_SCALAR_NODE(tag, event.value, event.start_mark, event.end_mark, event.style), path)
        if reader.problems:
            raise _Abandon
        self.scalars[known] = value
        return value
