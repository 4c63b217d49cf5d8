"""Where the data shipped with scalexpert lives: the rule and knowledge folders."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_dir(package: str, folder: str) -> Path:
    """The data folder installed as ``package`` (``scalexpert.builtin_rules``, ``scalexpert.builtin_knowledge``).

    In a source checkout that is not installed (``python -m scalexpert`` run from the repository, or
    a non-editable install shadowed by it), those packages do not exist; the checkout's top-level
    ``rules/`` and ``knowledge/`` folders are the same files.
    """
    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / folder
