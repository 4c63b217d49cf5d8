"""Errors raised by scalexpert.

Every error a user can cause derives from :class:`ScalexpertError`; the command line turns
them into one-line messages and exit code 2. Exceptions of the libraries used underneath
(PyYAML, pydantic, experta) never escape: they are wrapped in one of these.

    ScalexpertError
    ├── InputError          an architecture file is unreadable or invalid (carries Diagnostics)
    ├── RuleError           a rule or knowledge file is invalid (carries Diagnostics)
    ├── ConfigError         a configuration file or option is invalid
    ├── UsageError          a command was called with arguments that do not fit
    └── BudgetError         a check would exceed one of its limits (``scalexpert.loader.Limits``)
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: ``file:line:column: path: message``."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return printable(shortened(text))


def printable(text: str) -> str:
    """``text`` with control, bidi and other invisible characters written as escapes (``\\x1b``).

    File names, keys and values from the input reach terminals and CI logs through messages; an
    escape sequence or a right-to-left override there could clear the screen or disguise the text.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


_LONG_WORD = re.compile("[^\\s:'\",]{200,}")
LINE_LIMIT = 2_000
"""Longest message line printed; longer ones are cut with their length said."""


def shortened(text: str) -> str:
    """A message with what it echoes from the input cut to a readable length.

    A name, key, value or path of 200 characters or more (no spaces) keeps its first 80 and says how
    long it was; a line longer than :data:`LINE_LIMIT` is cut there. A 100,000-character key echoed
    whole would bury the message (and fill a CI log).
    """
    if len(text) < 200:
        return text
    text = _LONG_WORD.sub(lambda m: f"{m.group()[:80]}… ({len(m.group()):,} characters)", text)
    return text if len(text) <= LINE_LIMIT else f"{text[:LINE_LIMIT]}… ({len(text):,} characters)"


class ScalexpertError(Exception):
    """Base class of every error scalexpert raises on purpose."""


class _DiagnosticsError(ScalexpertError):
    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        items = [diagnostics] if isinstance(diagnostics, Diagnostic) else list(diagnostics)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(items)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class InputError(_DiagnosticsError):
    """An architecture (or imported deployment) file cannot be read or is invalid."""


class RuleError(_DiagnosticsError):
    """A rule, fixture or knowledge file is invalid."""


class ConfigError(ScalexpertError):
    """A configuration file or option is invalid."""


class UsageError(ScalexpertError):
    """A command or function was called with arguments that do not fit."""


class BudgetError(ScalexpertError):
    """A check would exceed one of its limits (``scalexpert.loader.Limits``): the message names the
    limit, what exceeded it and the option that raises it."""


__all__ = ["BudgetError", "ConfigError", "Diagnostic", "InputError", "RuleError", "ScalexpertError", "UsageError", "printable",
           "shortened"]
