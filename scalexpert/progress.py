"""Progress of long runs on stderr, only when stderr is a terminal (never in pipes, files or CI logs)."""

from __future__ import annotations

import re
import sys
from types import TracebackType
from typing import TextIO

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """File names with control characters (terminal escapes) made visible."""
    return _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), text)


class Progress:
    """``[3/40] checking path.yaml`` on one line, rewritten in place and erased at the end."""

    def __init__(self, total: int, stream: TextIO | None = None, minimum: int = 2) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = total >= minimum and bool(isatty and isatty())
        self._width = 0

    def step(self, index: int, name: str) -> None:
        """Show that item ``index`` (0-based) named ``name`` is being processed."""
        if not self.enabled:
            return
        text = _clean(f"[{index + 1}/{self.total}] checking {name}")[:120]
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """Erase the progress line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


__all__ = ["Progress"]
