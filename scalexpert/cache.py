"""A cache of checked rule sets, so that a command does not re-read and re-check every rule file.

Reading the built-in rules and knowledge (about 400 YAML files, each parsed with positions and
checked against the fact schema) is most of what ``scalexpert rules`` and ``explain`` do, and a
fixed cost of every ``check``. The checked :class:`RuleSet` is stored once per content and read back
on later runs.

Key. A SHA-256 over the scalexpert version, the Python and pydantic versions, the source of the
scalexpert package itself (so that an edited checkout never reads a rule set built by other code),
and the path and bytes of every rule and knowledge file read. Any change to any of them is a new
key, hence a new entry.

Stamps. Reading and hashing those ~550 files was half of a warm load. A stamp entry maps the files'
metadata (name, device, inode, size, modification and change times in nanoseconds) to the digest
computed from their bytes; a later run whose files have the same metadata takes the digest from the
stamp. Every write to a file sets its change time, which no program can set back, so unchanged
metadata mean unchanged bytes, except for a second write within the clock's resolution of the
first: a stamp is therefore written only for files unchanged for two seconds (as git and ccache
guard against "racy" files). A stamp is an entry like the others (private, digest-checked).

Where. ``$SCALEXPERT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/scalexpert``, else
``~/.cache/scalexpert``. ``SCALEXPERT_CACHE=off`` (or ``0``, ``no``, ``false``) disables it: every
run reads the files. The folder is made private (mode 0700).

Format and trust. An entry is a header line (format, key, SHA-256 of the payload) and the rule set
pickled. Pickle can run code when read, so an entry is unpickled only when it is a regular file
owned by the current user, in a folder owned by that user, neither writable by group or others,
whose header names the expected key and whose payload has the recorded digest: a file only this
user's scalexpert can have written, whole. Anything else — missing, truncated, corrupted, written
by another program or version — is ignored and the rule set is built from the files (and stored
again). What is read back must be a RuleSet, or it is ignored too.

Derived entries. What is computed from a cached object alone (the engine's compiled rules, from a
rule set) can be cached too (:func:`derived`): its key is a SHA-256 of the source entry's key and a
description of the computation, so it goes stale exactly when its source does. Objects pickle
cannot store as they are (experta's conditions) are written with a ``reducer_override`` the caller
gives (:func:`write`).

Concurrency. An entry is written to a temporary file in the same folder and renamed over the final
name (atomic on POSIX and Windows), so concurrent writers of the same key each leave a complete
file and readers never see a partial one. Failing to write (read-only home, full disk) is silent:
the cache is an optimisation only.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from .version import __version__

FORMAT = b"scalexpert-rules-cache 1"
KEEP = 8
"""Entries kept in the folder (the newest); older ones are removed when a new one is written."""

_OFF = {"0", "off", "no", "false"}
_T = TypeVar("_T")


def cache_dir() -> Path | None:
    """Folder of the cache, or None when it is disabled."""
    if os.environ.get("SCALEXPERT_CACHE", "").strip().lower() in _OFF:
        return None
    given = os.environ.get("SCALEXPERT_CACHE_DIR")
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "scalexpert"


_CODE: list[str] = []


def _code_digest(folder: Path | None = None) -> str:
    """SHA-256 of the scalexpert package's Python source (computed once per process; with the cache
    ``folder``, read back from a stamp of the files' metadata when they are unchanged: :func:`_stamped`)."""
    if not _CODE:
        root = os.path.dirname(os.path.realpath(__file__))
        sources = sorted((os.path.relpath(os.path.join(top, name), root), os.path.join(top, name))
                         for top, _, names in os.walk(root) for name in names if name.endswith(".py"))

        def digest_of_sources() -> str:
            digest = hashlib.sha256()
            for name, path in sources:
                digest.update(name.encode())
                digest.update(b"\0")
                try:
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
                except OSError:
                    digest.update(b"?")
            return digest.hexdigest()

        _CODE.append(_stamped(folder, "code", [(name, _stat(path)) for name, path in sources], digest_of_sources)
                     or digest_of_sources())
    return _CODE[0]


def cache_key(files: Iterable[Path], kind: str, folder: Path | None = None) -> str | None:
    """Key of an entry built from ``files`` (None when a file cannot be read: no caching then).

    With the cache ``folder``, the key of files whose metadata are unchanged since an earlier run is
    read back from that run's stamp (:func:`_stamped`) instead of reading and hashing every file.
    """
    import pydantic

    settled = (kind, __version__, sys.version, pydantic.VERSION, _code_digest(folder))
    folders: dict[str, str] = {}
    named = [(path, *_resolved(path, folders)) for path in files]

    def content_key() -> str | None:
        digest = hashlib.sha256()
        for part in settled:
            digest.update(part.encode())
            digest.update(b"\0")
        for path, resolved, _ in named:
            data = _regular_file_bytes(path)
            if data is None:
                return None
            digest.update(resolved.encode())
            digest.update(b"\0")
            digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    if folder is None or not named:
        return content_key()
    return _stamped(folder, "\0".join(settled), [(resolved, info) for _, resolved, info in named], content_key)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _resolved(path: Path, folders: dict[str, str]) -> tuple[str, os.stat_result | None]:
    """``str(path.resolve())`` and the file's status (None when it has none), resolving each folder once
    (``folders``: resolved so far); a file that is itself a link is resolved whole."""
    text = os.fspath(path)
    head, name = os.path.split(text)
    try:
        info: os.stat_result | None = os.lstat(text)
    except OSError:
        info = None
    try:
        if info is None or stat.S_ISLNK(info.st_mode) or name in ("", ".", ".."):
            return str(Path(text).resolve()), _stat(text)
        folder = folders.get(head)
        if folder is None:
            folder = folders[head] = str(Path(head or ".").resolve())
    except (OSError, RuntimeError):  # a link loop: no key (the file cannot be read either)
        return text, None
    return os.path.join(folder, name), info


STAMPS = "stamp"
"""Name of the entries that map files' metadata to the digest of their content (:func:`_stamped`)."""
SETTLED_NS = 2 * 10**9
"""A stamp is written only when every file it covers was last changed at least this long ago."""


def _stamped(folder: Path | None, what: str, files: list[tuple[str, os.stat_result | None]],
             compute: Callable[[], str | None]) -> str | None:
    """``compute()`` (a digest of ``what`` and of the files' content), or what it returned on an earlier run
    whose files had the same metadata: name, device, inode, size, and modification and change times to the
    nanosecond. Any write to a file sets its change time, which no program can set back, so a file whose
    metadata are unchanged holds the same bytes; a file changed within the clock's resolution of the stamp's
    run could keep them, so a stamp is written only when each file it covers has been unchanged for
    :data:`SETTLED_NS`. Files that are not regular files (or are missing) get no stamp.
    """
    if folder is None:
        return compute()
    stamp = hashlib.sha256(what.encode())
    newest = 0
    for name, info in files:
        if info is None or not stat.S_ISREG(info.st_mode):
            return compute()
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
        stamp.update(f"\0{name}\0{info.st_dev} {info.st_ino} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}"
                     .encode())
    key = stamp.hexdigest()
    found = read(folder, key, str, STAMPS)
    if found is not None:
        return found
    value = compute()
    if value is not None and newest < time.time_ns() - SETTLED_NS:
        write(folder, key, value, STAMPS)
    return value


def _regular_file_bytes(path: Path, limit: int = 8 * 2**20) -> bytes | None:
    """The bytes of a regular file up to ``limit``; None for anything else (a device, a pipe, a
    link loop, a file too large): the files are then read the usual way, which reports them."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(os.dup(handle), "rb") as source:
            data = source.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
    return data if len(data) <= limit else None


def _private(st: os.stat_result, directory: bool) -> bool:
    """Owned by this user and not writable by group or others (POSIX); a regular file or a folder."""
    if not (stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def entry_path(folder: Path, key: str, name: str = "rules") -> Path:
    """Where the entry for ``key`` lives (``name``: what it holds, ``rules`` or ``facts``)."""
    return folder / f"{name}-{key[:40]}.pickle"


def read(folder: Path, key: str, expected: type[_T], name: str = "rules") -> _T | None:
    """The cached object for ``key`` if an entry passes every check above, else None."""
    path = entry_path(folder, key, name)
    try:
        if not _private(os.stat(folder), True):
            return None
        with open(path, "rb") as handle:
            if not _private(os.fstat(handle.fileno()), False):
                return None
            header = handle.readline()
            payload = handle.read()
    except OSError:
        return None
    parts = header.rstrip(b"\n").split(b" ")
    if len(parts) != 4 or b" ".join(parts[:2]) != FORMAT or parts[2] != key.encode():
        return None
    if hashlib.sha256(payload).hexdigest().encode() != parts[3]:
        return None  # truncated or altered after it was written
    enabled = gc.isenabled()
    gc.disable()  # unpickling allocates many objects that all live: no point scanning them
    try:
        found = pickle.loads(payload)  # noqa: S301 - a private, digest-checked entry this user's scalexpert wrote
    except Exception:  # any failure to read back is a miss
        return None
    finally:
        if enabled:
            gc.enable()
    return found if isinstance(found, expected) else None


Reducer = Callable[[Any], Any]
"""A pickler's ``reducer_override``: how to store objects pickle cannot store as they are."""


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, reducer: Reducer) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.reducer = reducer

    def reducer_override(self, obj: Any) -> Any:
        return self.reducer(obj)


def _dumps(value: Any, reducer: Reducer | None) -> bytes:
    if reducer is None:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    buffer = io.BytesIO()
    _Pickler(buffer, reducer).dump(value)
    return buffer.getvalue()


def write(folder: Path, key: str, value: Any, name: str = "rules", reducer: Reducer | None = None) -> bool:
    """Store ``value`` under ``key`` (atomically); False if it could not be written."""
    try:
        payload = _dumps(value, reducer)
    except Exception:  # something unpicklable (e.g. a user's object): just don't cache
        return False
    header = b" ".join((FORMAT, key.encode(), hashlib.sha256(payload).hexdigest().encode())) + b"\n"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(os.stat(folder), True):
            return False
        handle, temporary = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header)
                out.write(payload)
            os.replace(temporary, entry_path(folder, key, name))
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError:
        return False
    _prune(folder, name)
    return True


def _prune(folder: Path, name: str) -> None:
    """Keep the newest KEEP entries of a kind."""
    try:
        entries = sorted(folder.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except OSError:
        pass


def cached(files: list[Path], kind: str, build: Callable[[], _T], expected: type[_T], name: str = "rules") -> _T:
    """``build()``, or the entry a previous run stored for the same ``files`` and code.

    The key of the entry is remembered with the object returned (:func:`origin`), so that what is
    derived from it can be cached under a key of its own (:func:`derived`).
    """
    folder = cache_dir()
    key = cache_key(files, kind, folder) if folder is not None else None
    if folder is None or key is None:
        return build()
    found = read(folder, key, expected, name)
    if found is None:
        found = build()
        write(folder, key, found, name)
    _remember(found, key)
    return found


_ORIGINS: dict[int, tuple[Any, str]] = {}
"""id of an object :func:`cached` returned → (a weak reference to it, its entry's key)."""


def _remember(value: Any, key: str) -> None:
    identity = id(value)

    def forget(_: Any) -> None:
        _ORIGINS.pop(identity, None)

    try:
        reference = weakref.ref(value, forget)
    except TypeError:  # an object without weak references: nothing derived from it is cached
        return
    _ORIGINS[id(value)] = (reference, key)


def origin(value: Any) -> str | None:
    """The key of the entry ``value`` was read from or stored as (None for any other object)."""
    found = _ORIGINS.get(id(value))
    if found is None or found[0]() is not value:
        return None
    return found[1]


def derived(source: Any, kind: str, build: Callable[[], _T], expected: type[_T], name: str,
            reducer: Reducer | None = None) -> _T:
    """``build()`` (from ``source``, an object :func:`cached` returned), or the entry a previous run
    stored for the same source entry and ``kind``. Without a known source entry (the cache off, a
    rule set not from the cache), ``build()``. ``reducer``: see :func:`write`.
    """
    folder = cache_dir()
    parent = origin(source)
    if folder is None or parent is None:
        return build()
    digest = hashlib.sha256()
    for part in (parent, kind):
        digest.update(part.encode())
        digest.update(b"\0")
    key = digest.hexdigest()
    found = read(folder, key, expected, name)
    if found is None:
        found = build()
        write(folder, key, found, name, reducer)
    return found
