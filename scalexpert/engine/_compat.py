"""Where experta is first imported (the engine package is the only one that imports experta).

experta 1.9.4 pins ``frozendict==1.2``, whose module body subclasses ``collections.Mapping``.
That alias was removed in Python 3.10, so ``import experta`` fails there. Here, and only here,
the alias is put back for the duration of the import and taken away again, so the rest of the
program sees the standard library unchanged. experta also calls ``logging.basicConfig()`` when
imported; the root logger's handlers and level are restored afterwards so that programs that
import scalexpert keep their own logging set-up.

The rest of ``scalexpert/engine/`` imports experta only after this module.
"""

from __future__ import annotations

import collections
import collections.abc
import logging

_ALIASES = ("Mapping", "MutableMapping", "Sequence", "Iterable", "Hashable", "Callable")


def _import_experta() -> None:
    added = [name for name in _ALIASES if not hasattr(collections, name)]
    for name in added:
        setattr(collections, name, getattr(collections.abc, name))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import experta  # noqa: F401
    finally:
        for name in added:
            delattr(collections, name)
        root.handlers[:] = handlers
        root.setLevel(level)


_import_experta()

from experta import (  # noqa: E402
    AND,
    AS,
    EXISTS,
    MATCH,
    NOT,
    OR,
    TEST,
    Fact,
    KnowledgeEngine,
    P,
    Rule,
    W,
)
from experta.agenda import Agenda  # noqa: E402

__all__ = ["AND", "AS", "EXISTS", "MATCH", "NOT", "OR", "TEST", "Agenda", "Fact", "KnowledgeEngine", "P", "Rule", "W"]
