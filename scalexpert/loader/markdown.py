"""Architecture blocks embedded in Markdown (design documents, ADRs), checked where they stand.

A fenced block whose info string starts with ``scalexpert`` (```` ```scalexpert ```` or
``~~~scalexpert``) holds an architecture in the usual YAML format. Each block is loaded on its own
with the lines before it kept as blank lines, so every position (errors, findings, proofs) is a
line of the Markdown file itself; a block indented under a list item is de-indented, and its
columns then count from the block's indentation.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..errors import Diagnostic, InputError
from .load import LoadedArchitecture, load_text, read_text
from .yamlsource import Limits

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
INFO = "scalexpert"
_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")


@dataclass(frozen=True)
class Block:
    """One embedded architecture: its first content line (1-based), indentation and YAML text."""

    line: int
    indent: int
    text: str


def is_markdown(path: str) -> bool:
    """A Markdown file by its name (the content decides whether it holds architecture blocks)."""
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def blocks(markdown: str) -> list[Block]:
    """The ``scalexpert`` fenced blocks of a Markdown text, in order (unclosed blocks run to the end)."""
    found: list[Block] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if match is None:
            index += 1
            continue
        fence, info, indent = match["fence"], match["info"].strip(), len(match["indent"])
        if fence[0] == "`" and "`" in info:  # not a fence: inline code
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[end]):
            end += 1
        if info.split(None, 1)[:1] == [INFO] or info.split(None, 1)[:1] == [INFO + ","]:
            body = [line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[index + 1:end]]
            found.append(Block(line=index + 2, indent=indent, text="\n".join(body) + "\n"))
        index = end + 1
    return found


def has_blocks(text: str) -> bool:
    """Whether a Markdown text holds at least one scalexpert block (cheap test first)."""
    return INFO in text and bool(blocks(text))


def load_blocks(path: str | os.PathLike[str], limits: Limits = Limits()) -> list[LoadedArchitecture]:
    """Every scalexpert block of a Markdown file, validated, located at the file's own lines.

    All blocks are read before anything is reported: the diagnostics of every broken block are
    raised together.
    """
    name = str(path)
    text = read_text(name, limits)
    found = blocks(text)
    if not found:
        raise InputError(Diagnostic(name, 0, 0, "", f"no ```{INFO} block in this Markdown file"))
    loaded: list[LoadedArchitecture] = []
    problems: list[Diagnostic] = []
    for block in found:
        try:
            loaded.append(load_text("\n" * (block.line - 1) + block.text, file=name, limits=limits))
        except InputError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise InputError(problems)
    return loaded


__all__ = ["INFO", "MARKDOWN_SUFFIXES", "Block", "blocks", "has_blocks", "is_markdown", "load_blocks"]
