"""Documentation pages generated from the code, so that they cannot drift from it.

Each page is a module with a ``render() -> str`` function and a place in the repository. Regenerate
one with ``python -m scalexpert.docgen NAME > PATH``, e.g.::

    python -m scalexpert.docgen format > docs/format.md

A test compares every committed page with a fresh rendering and names this command when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """A generated page: the module that renders it and where the repository keeps it."""

    module: str
    path: str

    @property
    def command(self) -> str:
        """The one command that regenerates the committed copy."""
        name = next(key for key, page in PAGES.items() if page == self)
        return f"python -m scalexpert.docgen {name} > {self.path}"


PAGES: dict[str, Page] = {
    "format": Page("scalexpert.docgen.format_reference", "docs/format.md"),
}
"""Page name (the subcommand of ``python -m scalexpert.docgen``) → page."""

__all__ = ["PAGES", "Page"]
