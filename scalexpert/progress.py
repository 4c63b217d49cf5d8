"""Progress of long runs on stderr, only when stderr is a terminal (never in pipes, files or CI logs).

Several files: ``[3/40] checking path.yaml`` on one line, rewritten in place and erased at the
end. One large file (:data:`LARGE_BYTES` or more, about a thousand components): the phase of the
check too (``[1/1] checking big.yaml: rule engine``), reported by :func:`phase` from inside the
check. Nothing is written when stderr is not a terminal.
"""

from __future__ import annotations

import re
import sys
from contextvars import ContextVar
from types import TracebackType
from typing import TextIO

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LARGE_BYTES = 256 * 1024
"""A single file at least this large shows the phases of its check."""

_CURRENT: ContextVar[Progress | None] = ContextVar("scalexpert_progress", default=None)


def _clean(text: str) -> str:
    """File names with control characters (terminal escapes) made visible."""
    return _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), text)


def phase(name: str) -> None:
    """Say which phase the check in progress has reached (nothing unless a terminal shows progress)."""
    progress = _CURRENT.get()
    if progress is not None:
        progress.phase(name)


class Progress:
    """``[3/40] checking path.yaml`` on one line, rewritten in place and erased at the end."""

    def __init__(self, total: int, stream: TextIO | None = None, minimum: int = 2) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.terminal = bool(isatty and isatty())
        self.enabled = total >= minimum and self.terminal
        self._width = 0
        self._item = ""
        self._shown = False
        self._token: object = None

    def step(self, index: int, name: str, large: bool = False) -> None:
        """Show that item ``index`` (0-based) named ``name`` is being processed (``large``: show its phases)."""
        self._shown = self.enabled or (self.terminal and large)
        self._item = f"[{index + 1}/{self.total}] checking {name}"
        if self._shown:
            self._write(self._item)

    def phase(self, name: str) -> None:
        """Show the phase the current item has reached."""
        if self._shown:
            self._write(f"{self._item}: {name}")

    def _write(self, text: str) -> None:
        text = _clean(text)[:120]
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """Erase the progress line."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
        if self._token is not None:
            _CURRENT.reset(self._token)  # type: ignore[arg-type]
            self._token = None


__all__ = ["LARGE_BYTES", "Progress", "phase"]
