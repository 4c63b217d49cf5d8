"""Finding what to check by content, not by file name.

An architecture file is a YAML mapping with a format ``version`` and ``components`` at the top
level; a Markdown file counts when it holds a ```` ```scalexpert ```` block; a deployment
description (Docker Compose, Kubernetes, and whatever else the importers recognise) is told by
:func:`scalexpert.importers.detect.classify_file`. File names never decide: a GitHub workflow
called ``architecture.yaml`` is not an architecture, and ``docs/notes/shop.yml`` is one when its
content says so.

A file that cannot be parsed still counts as an architecture when its top-level lines name both
``version`` and ``components``: a broken architecture file must be reported, not skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .errors import ScalexpertError, UsageError
from .loader import Limits, read_text
from .loader.load import path_problem
from .loader.markdown import has_blocks, is_markdown

Kind = Literal["architecture", "markdown", "deployment"]

YAML_SUFFIXES = (".yaml", ".yml")
SOURCE_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".dsl")
"""Endings of sources that are not YAML and that a folder search reads too (Terraform, Structurizr DSL). JSON
exports (telemetry, `terraform show -json`, Structurizr JSON) are read when named."""
SKIPPED_FOLDERS = frozenset({"node_modules", "venv", "__pycache__", "site-packages", "dist", "build", "target"})
"""Folders never searched (besides hidden ones such as .git and .venv): installed or generated files."""
MAX_FILES = 20_000

_VERSION = re.compile(r"^version\s*:", re.MULTILINE)
_COMPONENTS = re.compile(r"^components\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Target:
    """One thing to check: a file, or for deployment descriptions a folder's files of one format."""

    path: str
    kind: Kind
    files: tuple[str, ...] = ()
    """The deployment files that make up the system (for ``kind == "deployment"``)."""


def looks_like_architecture(text: str) -> bool:
    """Top-level ``version`` and ``components`` keys: the architecture format, parsed or not."""
    return bool(_VERSION.search(text) and _COMPONENTS.search(text))


def classify(path: str, limits: Limits = Limits(), *, deployments: bool = True) -> Kind | None:
    """What a file holds, by its content; None when scalexpert has nothing to check in it."""
    kind, _ = _classify(path, limits, deployments)
    return kind


def _classify(path: str, limits: Limits, deployments: bool) -> tuple[Kind | None, str]:
    """The kind, and for deployment descriptions their format (``compose``, ``kubernetes`` ...)."""
    if path_problem(path) and path.lower().endswith(YAML_SUFFIXES):
        return "architecture", ""  # a name no report can carry: checking it says so, rather than skipping it unseen
    try:
        text = read_text(path, limits)
    except ScalexpertError:
        return None, ""  # unreadable, too large, not UTF-8: not ours to judge here
    if is_markdown(path):
        return ("markdown" if has_blocks(text) else None), ""
    source = path.lower().endswith(SOURCE_SUFFIXES)
    if not path.lower().endswith(YAML_SUFFIXES) and not (source and deployments):
        return None, ""
    if not source and looks_like_architecture(text):
        return "architecture", ""
    if not deployments:
        return None, ""
    from .importers.detect import classify_file

    try:
        item = classify_file(path, os.path.basename(path), limits)
    except ScalexpertError:
        return None, ""
    if item.format == "architecture":
        return "architecture", ""
    return ("deployment", str(item.format)) if item.format is not None else (None, "")


def select(files: Iterable[str], limits: Limits = Limits(), *, deployments: bool = False) -> list[str]:
    """Of the files given, those whose content scalexpert checks (what the pre-commit hook runs on)."""
    return [f for f in files if classify(f, limits, deployments=deployments) is not None]


def discover(roots: Sequence[str], limits: Limits = Limits()) -> list[Target]:
    """Everything to check under ``roots``: files given by name as they are, folders searched by content.

    Architecture files and Markdown files with blocks are targets of their own; the source files of
    one folder describe one system, each folder one target: a Compose file and its override, a folder of
    Kubernetes manifests, Kubernetes manifests beside the Terraform of the managed stores they use. The
    Terraform files under a folder searched are one system (its modules call each other across folders). Only
    Compose and Kubernetes files in one folder, which usually describe the same system twice, are
    checked as two targets.
    """
    targets: list[Target] = []
    for root in roots:
        if not os.path.isdir(root):
            targets.append(Target(root, "markdown" if is_markdown(root) else "architecture"))
            continue
        groups: dict[tuple[str, str], list[str]] = {}
        for path in _walk(root):
            kind, fmt = _classify(path, limits, True)
            if kind == "deployment":  # Terraform modules call each other across folders: one group per root
                folder = os.path.normpath(root) if fmt == "terraform" else (os.path.dirname(path) or ".")
                groups.setdefault((folder, fmt), []).append(path)
            elif kind is not None:
                targets.append(Target(path, kind))
        by_folder: dict[str, list[tuple[str, list[str]]]] = {}
        for (folder, fmt), files in groups.items():
            by_folder.setdefault(folder, []).append((fmt, files))
        for folder, kinds in by_folder.items():
            formats = {fmt for fmt, _ in kinds}
            if {"compose", "kubernetes"} <= formats:  # the same system twice: checked one kind at a time
                for fmt, files in kinds:
                    targets.append(Target(f"{folder} ({fmt})", "deployment", tuple(files)))
            else:
                targets.append(Target(folder, "deployment", tuple(f for _, files in kinds for f in files)))
    return targets


def _walk(root: str) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith((*YAML_SUFFIXES, *SOURCE_SUFFIXES, ".md", ".markdown",
                                                                   ".mdown", ".mkd")):
                found.append(os.path.normpath(os.path.join(folder, name)) if folder != "." else name)
        if len(found) > MAX_FILES:
            raise UsageError(f"{root}: more than {MAX_FILES:,} candidate files; name the files or a smaller folder")
    return found


__all__ = ["MAX_FILES", "SKIPPED_FOLDERS", "Target", "classify", "discover", "looks_like_architecture", "select"]
