"""Generated artefacts (documentation pages, the editor schema, test goldens), so that they cannot drift.

Regenerate all of them with one command, from the repository root::

    python -m scalexpert.docgen all

``tests/test_generated.py`` renders every page below, compares it with the committed copy and names
the stale files and that command. A page is a module and a place in the repository. A single page's module has a ``render() -> str``
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
    function: str = "render"
    """The module's function that renders a single page."""
    pattern: str = "*.md"
    """Files of a folder page that are generated (others in the folder are left alone)."""

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
        text: str = getattr(module, self.function)()
        return {self.path: text}


PAGES: dict[str, Page] = {
    "format": Page("scalexpert.docgen.format_reference", "docs/format.md"),
    "api": Page("scalexpert.docgen.api_reference", "docs/api.md"),
    "rules": Page("scalexpert.docgen.rule_pages", "docs/rules", folder=True),
    "coverage": Page("scalexpert.docgen.coverage", "docs/coverage.md"),
    "schema": Page("scalexpert.schema", "docs/schema/architecture-v1.schema.json", function="render_schema"),
    "report-goldens": Page("scalexpert.docgen.report_goldens", "tests/golden/reports", folder=True, pattern="*"),
    "example-findings": Page("scalexpert.docgen.example_findings", "tests/golden/examples", folder=True, pattern="*"),
}
"""Page name (the subcommand of ``python -m scalexpert.docgen``) → page."""

ALL_COMMAND = "python -m scalexpert.docgen all"
"""The one command that regenerates every page."""

__all__ = ["ALL_COMMAND", "PAGES", "Page"]
