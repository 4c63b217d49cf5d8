"""The command-line program's standard streams and signals (in-process calls of ``main(argv)`` keep their own).

- Standard output is written through a guarded stream: a reader that left (``| head``) ends the
  output quietly and the run keeps its exit code; a failed write (``> /dev/full``) or a standard
  output that was closed when the program started (``>&-``) raises :class:`StreamError`, which
  the command line reports in one line with exit code 2.
- Standard error never fails the run: what cannot be written there is dropped.
- A descriptor 0, 1 or 2 closed at start is filled with the null device, so that no file the
  program opens later takes its number (and no child process writes into it).
- Ctrl-C (SIGINT) and SIGTERM raise :class:`Interrupted`, a ``BaseException`` that click does not
  turn into "Aborted!" and exit 1 (1 means findings): ``finally`` blocks run (temporary files are
  removed) and the program exits 130 (SIGINT) or 143 (SIGTERM) with one line on stderr.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 128 + signal.SIGINT
"""Exit code after Ctrl-C (130), the shells' convention for a process ended by SIGINT."""


class StreamError(OSError):
    """Standard output could not be written (closed, or the device is full)."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; ``code`` is the exit code (128 + signal number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.code = 128 + signum
        self.what = "interrupted" if signum == signal.SIGINT else "terminated"


class _Guarded(io.RawIOBase):
    """A write-only stream over descriptor ``fd`` that never raises ``BrokenPipeError``."""

    def __init__(self, fd: int, name: str, closed_at_start: bool, strict: bool) -> None:
        super().__init__()
        self._fd = fd
        self._name = name
        self._closed_at_start = closed_at_start
        self._strict = strict  # stdout: failures raise; stderr: dropped (nowhere to report them)
        self.gone = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return not self._closed_at_start and os.isatty(self._fd)

    def discard(self) -> None:
        """Drop everything written from now on (the output failed or its reader left)."""
        self.gone = True

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]
        size = view.nbytes
        if self.gone or not size:
            return size
        if self._closed_at_start:
            self.gone = True
            if self._strict:
                raise StreamError(errno.EBADF, "it is closed")
            return size
        try:
            return os.write(self._fd, view)
        except BrokenPipeError:  # the reader left: nothing more to say to it
            self.gone = True
            return size
        except OSError as exc:
            self.gone = True
            if self._strict:
                raise StreamError(exc.errno, exc.strerror or str(exc)) from None
            return size


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _fill(fd: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)


def _guard(fd: int, name: str) -> None:
    closed = not _is_open(fd)
    if closed:
        _fill(fd)
    current = getattr(sys, name)
    encoding = getattr(current, "encoding", None) or "utf-8"
    errors = getattr(current, "errors", None) or ("backslashreplace" if name == "stderr" else "strict")
    line_buffering = bool(getattr(current, "line_buffering", name == "stderr"))
    if current is not None:
        try:
            current.flush()
        except (OSError, ValueError):
            pass
    raw = _Guarded(fd, name, closed, strict=name == "stdout")
    setattr(sys, name, io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, errors=errors,
                                        line_buffering=line_buffering))


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _exit_now(signum: int, frame: FrameType | None) -> None:
    os._exit(128 + signum)


def install() -> None:
    """Guard the standard streams and turn SIGINT/SIGTERM into :class:`Interrupted` (the program only)."""
    if not _is_open(0):
        _fill(0)
    _guard(1, "stdout")
    _guard(2, "stderr")
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is signal.SIG_IGN:  # e.g. SIGINT of a job started with '&': stays ignored
            continue
        try:
            signal.signal(signum, _raise_interrupted)
        except (OSError, ValueError):  # pragma: no cover - not the main thread, or an ignored signal
            pass


def finishing() -> None:
    """From here on a signal ends the process at once (the run is over; only flushing is left)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not _raise_interrupted:
            continue
        try:
            signal.signal(signum, _exit_now)
        except (OSError, ValueError):  # pragma: no cover
            pass


__all__ = ["EXIT_INTERRUPTED", "Interrupted", "StreamError", "finishing", "install"]
