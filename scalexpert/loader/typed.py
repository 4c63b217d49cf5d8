"""Validating raw YAML values against any pydantic model, with positions in the messages."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Diagnostic
from . import messages
from .yamlsource import Path, SourceMap, format_path

M = TypeVar("M", bound=BaseModel)


def model_problems(
    model: type[M], raw: Any, source: SourceMap, base: Path = ()
) -> tuple[M | None, list[Diagnostic]]:
    """Validate ``raw`` (found at ``base`` in the file) against ``model``; return it or the problems."""
    try:
        return model.model_validate(raw, strict=True), []
    except ValidationError as exc:
        problems: list[Diagnostic] = []
        seen_paths: set[Path] = set()
        for error in exc.errors(include_url=False):
            path, text = messages.message(dict(error), raw, model)
            if path in seen_paths and error["type"] not in ("extra_forbidden", "missing"):
                continue  # one message per place: the alternatives of a union say the same thing
            seen_paths.add(path)
            full = (*base, *path)
            pos = source.position(full)
            problems.append(Diagnostic(pos.file, pos.line, pos.column, format_path(full), text))
        return None, problems
