"""Where scalexpert writes: regular files, replaced atomically, or standard output; nothing else.

Every file scalexpert writes (``check --output`` and ``--write-baseline``, ``import --output``,
``plan --write-target``, ``diff --output``, ``schema --output``, ``init``) goes through
:func:`write_file`, every report printed goes through :func:`write_stdout`. The rules, which
docs/security.md ("Output targets") states for users:

- ``-`` (and its spellings ``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``) is standard
  output: written through the stream the process already has, never reopened, so a log opened with
  ``>>`` is appended to, never truncated.
- A target that exists must be a regular file. Directories, device nodes (``/dev/null``,
  ``/dev/stderr``), named pipes, sockets and symbolic links (dangling ones too) are refused: a
  file renamed over them would replace the device, and a link committed to a repository would
  send the report outside it. A folder on the way that is a symbolic link is refused too when it
  lies inside the current folder (a relative path, or an absolute one under the current folder);
  folders above the current one are resolved as the operating system does.
- A target that is the same file as an input of the run (compared by device and inode, so
  another spelling or a hard link is caught) is refused.
- The text goes to a temporary file ``.NAME.scalexpert-tmp-PID-RANDOM`` beside the target, then
  is renamed over it: readers see the old file or the whole new one. The temporary file is removed
  on every exit path Python sees (errors, Ctrl-C, SIGTERM in the command line); one left by a
  killed run (``kill -9``) is removed by the next write to the same target once its process is gone.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterable

from .errors import UsageError

STDOUT = "-"
"""The name of standard output as a target."""

STDOUT_SPELLINGS = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")
"""Names that mean standard output: written through the open stream, never reopened."""

TEMP_MARK = ".scalexpert-tmp-"
"""Temporary files are named ``.NAME`` + this + ``PID-RANDOM``."""

_NAME_KEEP = 100  # characters of the target's name kept in its temporary's name (names are limited to 255 bytes)


class OutputError(UsageError):
    """A target scalexpert refuses to write, or a write that failed (the message names the path and why)."""


def is_stdout(path: str) -> bool:
    """Whether ``path`` names standard output (``-``, ``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``)."""
    return path in STDOUT_SPELLINGS


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` leads to, or None when there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def same_file(first: str, second: str) -> bool:
    """Whether two paths lead to one existing file (another spelling, a symlink or a hard link)."""
    one = _identity(first)
    return one is not None and one == _identity(second)


def same_target(first: str, second: str) -> bool:
    """Whether two output paths name one file: the same existing file, or the same place for a new one."""
    one, two = _identity(first), _identity(second)
    if one is not None or two is not None:
        return one == two
    return os.path.realpath(first) == os.path.realpath(second)


def _parts(path: str) -> list[str]:
    separators = [os.sep] + ([os.altsep] if os.altsep else [])
    parts = [path]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return parts


def _linked_folder(path: str) -> tuple[str, str] | None:
    """The first folder on the way to ``path`` inside the current folder that is a symlink, and its target."""
    cwd = os.getcwd()
    base = cwd
    rest = path
    if os.path.isabs(path):
        for folder in dict.fromkeys((cwd, os.path.realpath(cwd))):
            prefix = folder.rstrip(os.sep) + os.sep
            if path.startswith(prefix):
                base, rest = folder, path[len(prefix):]
                break
        else:  # outside the current folder: the user named the whole location
            return None
    walk = base
    shown: list[str] = []
    for part in _parts(rest)[:-1]:
        if part in ("", "."):
            continue
        walk = os.path.join(walk, part)
        shown.append(part)
        try:
            info = os.lstat(walk)
        except OSError:  # missing (it will be made) or unreadable (the write says so)
            return None
        if stat.S_ISLNK(info.st_mode):
            try:
                points_to = os.readlink(walk)
            except OSError:  # pragma: no cover - a link that vanished meanwhile
                points_to = "?"
            return (walk if os.path.isabs(path) else os.path.join(*shown)), points_to
    return None


def check_target(path: str, *, inputs: Iterable[str] = (), overwrite: bool = True, option: str = "") -> None:
    """Raise :class:`OutputError` unless ``path`` is a place scalexpert writes to (see the module's rules).

    ``inputs`` are the files the run reads (a target that is one of them is refused); ``overwrite``
    False refuses an existing file (``--force`` not given); ``option`` names the option in messages.
    """
    what = f"{option} {path}" if option else path
    if is_stdout(path):
        return
    if not path or "\0" in path:
        raise OutputError(f"cannot write {what!r}: not a usable file name" if "\0" in path
                          else f"cannot write to an empty file name{' (' + option + ')' if option else ''}")
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputError(f"cannot write {what}: a folder on its path is a file") from None
    except OSError as exc:
        raise OutputError(f"cannot write {what}: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            points_to = os.readlink(path)
        except OSError:  # pragma: no cover - a link that vanished meanwhile
            points_to = "?"
        dangling = "" if os.path.exists(path) else ", which does not exist"
        raise OutputError(f"cannot write {what}: it is a symbolic link (to {points_to}{dangling}); scalexpert writes "
                          "only regular files: name the file itself, or remove the link")
    if info is not None and not stat.S_ISREG(info.st_mode):
        advice = ("use '-' for standard output" if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)
                  else "name a file")
        raise OutputError(f"cannot write {what}: it is {_kind(info.st_mode)}, not a regular file; {advice}")
    linked = _linked_folder(path)
    if linked is not None:
        raise OutputError(f"cannot write {what}: the folder {linked[0]} on its way is a symbolic link (to "
                          f"{linked[1]}); scalexpert does not write through links inside the working folder: "
                          "name the real folder")
    if info is not None:
        target = (info.st_dev, info.st_ino)
        for name in inputs:
            if name and not is_stdout(name) and _identity(name) == target:
                same = "" if os.path.abspath(name) == os.path.abspath(path) else f" ({name})"
                raise OutputError(f"cannot write {what}: it is an input of this run{same}; choose another output path")
        if not overwrite:
            raise OutputError(f"cannot write {what}: it exists; pass --force to overwrite it")


def write_file(path: str, data: str | bytes | Iterable[bytes], *, inputs: Iterable[str] = (), overwrite: bool = True,
               make_folders: bool = False, option: str = "") -> None:
    """Write ``data`` (or its consecutive parts) to the regular file ``path`` atomically, after :func:`check_target`.

    Readers see the old file or the whole new one, never a part. A replaced file keeps its
    permissions; a new one gets 0666 minus the umask. ``make_folders`` creates missing folders
    (CI writes reports into folders of their own). Without ``overwrite`` an existing file is
    refused, also one that appears while writing. Failures raise :class:`OutputError`.
    """
    inputs = tuple(inputs)
    what = f"{option} {path}" if option else path
    if is_stdout(path):
        raise OutputError(f"cannot write {what} as a file: it is standard output")  # callers use write_output
    check_target(path, inputs=inputs, overwrite=overwrite, option=option)
    folder = os.path.dirname(os.path.abspath(path))
    if make_folders:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot write {what}: {exc.strerror or exc}") from None
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write_replacing(path, folder, raw, overwrite)
    except FileExistsError:
        raise OutputError(f"cannot write {what}: it exists; pass --force to overwrite it") from None
    except NotADirectoryError:
        raise OutputError(f"cannot write {what}: a folder on its path is a file") from None
    except OSError as exc:
        raise OutputError(f"cannot write {what}: {exc.strerror or exc}") from None


def _write_replacing(path: str, folder: str, raw: bytes | Iterable[bytes], overwrite: bool) -> None:
    name = os.path.basename(path)
    remove_stale(folder, name)
    temporary = os.path.join(folder, f"{_temp_prefix(name)}{os.getpid()}-{secrets.token_hex(4)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666)  # 0666 minus the umask, like any program's output
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for part in (raw,) if isinstance(raw, bytes) else raw:  # (parts: a large report is never whole)
                stream.write(part)
            stream.flush()
            try:
                old = os.lstat(path)
            except FileNotFoundError:
                old = None
            if old is not None and stat.S_ISREG(old.st_mode) and hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), stat.S_IMODE(old.st_mode))
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temporary, path)  # a rename: never follows a link or opens a device at ``path``
        else:
            _link_new(temporary, path)
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


def _link_new(temporary: str, path: str) -> None:
    """Move ``temporary`` to ``path`` only if nothing is there (a hard link never replaces)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists", path) from None
        os.replace(temporary, path)


def _temp_prefix(name: str) -> str:
    return f".{name[:_NAME_KEEP]}{TEMP_MARK}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process, or a number no process has: leave the file
    return True


def remove_stale(folder: str, name: str) -> list[str]:
    """Remove temporaries for ``folder/name`` left by runs that were killed (their process is gone).

    Only files named by :data:`TEMP_MARK` for this target, regular, owned by this user and
    whose process no longer runs are removed. Returns their paths.
    """
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) is not a liveness test on Windows
        return []
    prefix = _temp_prefix(name)
    removed: list[str] = []
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.startswith(prefix)]
    except OSError:
        return []
    for entry in entries:
        pid_text = entry.name[len(prefix):].partition("-")[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            continue
    return removed


def write_stdout(data: str | bytes | Iterable[bytes]) -> None:
    """Write ``data`` (which may come in parts: a large report is never whole) to standard output as UTF-8
    whatever the locale, appending where it is redirected.

    The stream is written as it is (never reopened, seeked or truncated). A reader that left
    (``| head``) ends the output quietly; a closed standard output or a failed write (a full disk)
    raises :class:`OutputError`.
    """
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write the report to standard output: it is closed; redirect it or use --output FILE")
    binary = getattr(stream, "buffer", None)
    for part in (data,) if isinstance(data, (str, bytes)) else data:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        try:
            if binary is None:
                stream.write(raw.decode("utf-8"))
                stream.flush()
            else:
                stream.flush()
                binary.write(raw)
                binary.flush()
        except BrokenPipeError:  # `scalexpert check ... | head`: the reader left; the exit code still counts
            discard_stdout()
            return  # (the parts still to come would go nowhere)
        except (OSError, ValueError) as exc:
            discard_stdout()
            reason = getattr(exc, "strerror", None) or ("it is closed" if isinstance(exc, ValueError) else str(exc))
            raise OutputError(f"cannot write the report to standard output: {reason}") from None


def discard_stdout() -> None:
    """Send what is still buffered for standard output nowhere (after it failed), so exit is quiet."""
    guard = getattr(getattr(getattr(sys.stdout, "buffer", None), "raw", None), "discard", None)
    if callable(guard):  # the command line's guarded stream (see cli/streams.py)
        guard()
        return
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    if descriptor != 1:  # not the process's own standard output (a test's capture): leave it
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def write_output(path: str, data: str | bytes | Iterable[bytes], *, inputs: Iterable[str] = (), overwrite: bool = True,
                 make_folders: bool = False, option: str = "") -> None:
    """:func:`write_stdout` for ``-`` (and its spellings), else :func:`write_file`; ``data`` may come in parts."""
    if is_stdout(path):
        write_stdout(data)
    else:
        write_file(path, data, inputs=inputs, overwrite=overwrite, make_folders=make_folders, option=option)


def write_atomic(path: str, text: str | bytes) -> None:
    """Write ``text`` to the regular file ``path`` atomically (:func:`write_file` with its defaults)."""
    write_file(path, text)


__all__ = ["STDOUT", "STDOUT_SPELLINGS", "TEMP_MARK", "OutputError", "check_target", "discard_stdout", "is_stdout",
           "remove_stale", "same_file", "same_target", "write_atomic", "write_file", "write_output", "write_stdout"]
