"""The knowledge base: one entry per bottleneck, pattern or anti-pattern, read from ``knowledge/``.

An entry holds the text that reports, ``explain`` and the docs show (summary, why it matters, how
to fix, trade-offs, references), the named thresholds that rules use (each with its source), and
two small example architectures: one where its rule fires, one where it must not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, HttpUrl

from .errors import Diagnostic, RuleError
from .shipped import shipped_dir
from .loader.load import read_text
from .loader.typed import model_problems
from .loader.yamlsource import parse
from .model.base import StrictModel

ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}$"


class Reference(StrictModel):
    """A public source."""

    title: str = Field(min_length=1, description="Title of the source.")
    url: HttpUrl | None = Field(default=None, description="Where to read it.")


class Threshold(StrictModel):
    """A named number a rule compares against."""

    value: float = Field(description="The default value.")
    unit: str | None = Field(default=None, description="Unit of the value.")
    description: str = Field(min_length=1, description="What the number means.")
    source: str = Field(min_length=1, description="Where the number comes from.")
    heuristic: bool = Field(
        default=False,
        description="The number rests on the team's own judgement rather than a published figure; the source says why.",
    )


class Example(StrictModel):
    """A small architecture that shows the anti-pattern or the good practice."""

    description: str | None = Field(default=None, description="What the example shows.")
    architecture: str = Field(min_length=1, description="A complete architecture file (YAML text).")
    expect: list[list[str]] = Field(
        default_factory=list, description="Subjects of the findings the rule must report on it, one list per finding."
    )


class Examples(StrictModel):
    """Both examples of an entry."""

    anti_pattern: Example = Field(description="An architecture where the rule fires.")
    good: Example = Field(description="A near miss where the rule must not fire.")


class KnowledgeEntry(StrictModel):
    """One bottleneck, pattern or anti-pattern."""

    id: str = Field(pattern=ID_PATTERN, description="Stable id, e.g. SPOF-001.")
    title: str = Field(min_length=1, max_length=120, description="Short title.")
    category: str = Field(min_length=1, description="Area of the knowledge base (knowledge/categories.yaml).")
    summary: str = Field(min_length=1, description="What it is, in two or three sentences.")
    why: str = Field(min_length=1, description="Why it matters at scale.")
    fix: str = Field(min_length=1, description="How to fix it.")
    trade_offs: str = Field(min_length=1, description="What the fix costs.")
    references: list[Reference] = Field(min_length=1, description="Public sources.")
    thresholds: dict[str, Threshold] = Field(default_factory=dict, description="Named thresholds, by name.")
    examples: Examples | None = Field(default=None, description="An example that fires and a near miss.")
    seed: list[str] = Field(
        default_factory=list,
        description="Headings of the seed document (knowledge/coverage.yaml) this entry covers; docs/coverage.md maps them.",
    )
    status: Literal["stable", "experimental"] = Field(
        default="stable", description="stable: its findings and thresholds are settled; experimental: they may still change."
    )
    since: str | None = Field(default=None, pattern=r"^[0-9]+\.[0-9]+(\.[0-9]+)?$", description="Version that first shipped the rule.")


class Category(StrictModel):
    """An area of the knowledge base."""

    title: str
    seed: str


@dataclass
class KnowledgeBase:
    """All entries, the categories and the thresholds by name."""

    entries: dict[str, KnowledgeEntry] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    thresholds: dict[str, tuple[Threshold, str]] = field(default_factory=dict)

    def threshold(self, name: str, overrides: dict[str, float] | None = None) -> float:
        """Value of a threshold, with configuration overrides applied."""
        if overrides and name in overrides:
            return overrides[name]
        return self.thresholds[name][0].value


class SeedHeading(StrictModel):
    """One heading of the seed document and, where a file cannot show all of it, why."""

    heading: str = Field(min_length=1, description="The heading, as the seed document writes it.")
    reason: str | None = Field(default=None, description="What of the heading no architecture file can show, and why.")


class SeedSection(StrictModel):
    """A section of the seed document and its headings."""

    section: str = Field(min_length=1, description="Part › section of the seed document.")
    headings: list[SeedHeading] = Field(min_length=1, description="Its headings, in the document's order.")


_NOT_ENTRIES = ("categories.yaml", "capacity-defaults.yaml", "coverage.yaml", "documentary-fields.yaml", "assessment.yaml",
                "secrets.yaml")
"""Files of the knowledge folder that are not knowledge entries."""


def load_coverage() -> list[SeedSection]:
    """The seed document's sections and headings (knowledge/coverage.yaml), the coverage target."""
    path = builtin_dir() / "coverage.yaml"
    raw, source = parse(path.read_text("utf-8"), str(path))
    sections: list[SeedSection] = []
    for index, item in enumerate(raw):
        section, problems = model_problems(SeedSection, item, source, (index,))
        if section is None:
            raise RuleError(problems)
        sections.append(section)
    return sections


def builtin_dir() -> Path:
    """Folder of the built-in knowledge base."""
    return shipped_dir("scalexpert.builtin_knowledge", "knowledge")


def load_knowledge(extra_dirs: list[str | os.PathLike[str]] | None = None) -> KnowledgeBase:
    """Read the built-in knowledge base and any extra knowledge folders."""
    base = KnowledgeBase()
    builtin = builtin_dir()
    cats_raw, cats_source = parse((builtin / "categories.yaml").read_text("utf-8"), str(builtin / "categories.yaml"))
    for slug, raw in cats_raw.items():
        base.categories[str(slug)] = Category.model_validate(raw)
    problems: list[Diagnostic] = []
    for folder in [builtin, *(Path(d) for d in extra_dirs or [])]:
        for path in sorted(folder.rglob("*.yaml")):
            if path.name in _NOT_ENTRIES or path.name.endswith(".test.yaml"):
                continue
            problems.extend(_add_entry(base, path))
    if problems:
        raise RuleError(problems)
    return base


def _add_entry(base: KnowledgeBase, path: Path) -> list[Diagnostic]:
    file = str(path)
    try:  # read_text: regular files only, within the size limit
        raw, source = parse(read_text(file), file)
    except RuleError as exc:
        return list(exc.diagnostics)
    except Exception as exc:  # InputError from the YAML reader
        return list(getattr(exc, "diagnostics", [Diagnostic(file, 0, 0, "", str(exc))]))
    entry, problems = model_problems(KnowledgeEntry, raw, source)
    if entry is None:
        return problems
    pos = source.position(("id",))
    if entry.id in base.entries:
        return [Diagnostic(file, pos.line, pos.column, "id", f"knowledge id {entry.id} already defined in {base.files[entry.id]}")]
    if entry.category not in base.categories:
        where = source.position(("category",))
        known = ", ".join(sorted(base.categories))
        return [Diagnostic(file, where.line, where.column, "category", f"unknown category {entry.category!r}; known: {known}")]
    for name in entry.thresholds:
        if name in base.thresholds:
            where = source.position(("thresholds", name))
            other = base.thresholds[name][1]
            return [Diagnostic(file, where.line, where.column, f"thresholds.{name}", f"threshold {name!r} already defined by {other}")]
    base.entries[entry.id] = entry
    base.files[entry.id] = file
    for name, threshold in entry.thresholds.items():
        base.thresholds[name] = (threshold, entry.id)
    return []
