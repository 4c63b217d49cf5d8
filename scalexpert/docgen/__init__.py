"""Documentation pages generated from the code, so that they cannot drift from it.

A page is a module and a place in the repository. A single page's module has a ``render() -> str``
function; print it with ``python -m scalexpert.docgen NAME > PATH``, e.g.::

    python -m scalexpert.docgen format > docs/format.md

A folder of pages (the rule catalogue) has a ``render_files() -> dict[str, str]`` function (file
name → text); ``python -m scalexpert.docgen rules`` writes every file into the folder and removes
pages that are no longer rendered. Tests compare every committed page with a fresh rendering and
name the command when they differ.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """A generated page (or folder of pages): the module that renders it and where the repository keeps it."""

    module: str
    path: str
    folder: bool = False
    """True: ``path`` is a folder, and the module's ``render_files()`` gives every file in it."""

    @property
    def command(self) -> str:
        """The one command that regenerates the committed copy."""
        name = next(key for key, page in PAGES.items() if page == self)
        if self.folder:
            return f"python -m scalexpert.docgen {name}"
        return f"python -m scalexpert.docgen {name} > {self.path}"

    def render_files(self) -> dict[str, str]:
        """Repository path → fresh text of every file of the page."""
        module = importlib.import_module(self.module)
        if self.folder:
            files: dict[str, str] = module.render_files()
            return {f"{self.path}/{name}": text for name, text in files.items()}
        return {self.path: module.render()}


PAGES: dict[str, Page] = {
    "format": Page("scalexpert.docgen.format_reference", "docs/format.md"),
    "api": Page("scalexpert.docgen.api_reference", "docs/api.md"),
    "rules": Page("scalexpert.docgen.rule_pages", "docs/rules", folder=True),
    "coverage": Page("scalexpert.docgen.coverage", "docs/coverage.md"),
}
"""Page name (the subcommand of ``python -m scalexpert.docgen``) → page."""

__all__ = ["PAGES", "Page"]
