"""The JSON Schema of the architecture format, generated from the pydantic models.

Editors use it for completion and inline checks (``# yaml-language-server: $schema=...``); other
tools can validate files without scalexpert. The loader stays the authority: it also checks what a
schema cannot say (references between components, duplicate keys, YAML tags).
"""

from __future__ import annotations

import json
from typing import Any

from .model import Architecture, schema_with_roles

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:scalexpert:schema:architecture:1"
"""A stable identifier: a URN, so that nothing suggests the schema is fetched from a server."""

SCHEMA_FILE = "docs/schema/architecture-v1.schema.json"
"""Where the repository keeps a copy (a test keeps it in sync with the models)."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format version 1, with YAML keys (``from``/``to``)."""
    schema_with_roles()  # each field shows whether it is a design choice or describes reality
    generated = Architecture.model_json_schema(by_alias=True)
    _tighten_name_maps(generated)
    header: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "scalexpert architecture description, format version 1",
        "description": (
            "An architecture described for scalexpert: the system (traffic, growth, objectives), its "
            "components and the dependencies between them. Fields left out mean 'not stated'. "
            "Generated from scalexpert.model; run 'scalexpert schema' to print it."
        ),
    }
    return {**generated, **header}


def render_schema() -> str:
    """The schema as the text committed to the repository: sorted keys, indent 2, final newline."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _tighten_name_maps(node: Any) -> None:
    """Make maps keyed by names reject invalid names, as the models do.

    pydantic moves the key pattern of ``dict[Name, X]`` into ``patternProperties`` and leaves other
    keys unchecked; copying the pattern into ``propertyNames`` and forbidding other keys restores it.
    """
    if isinstance(node, dict):
        patterns = node.get("patternProperties")
        names = node.get("propertyNames")
        if isinstance(patterns, dict) and len(patterns) == 1 and isinstance(names, dict) and "pattern" not in names:
            names["pattern"] = next(iter(patterns))
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _tighten_name_maps(value)
    elif isinstance(node, list):
        for item in node:
            _tighten_name_maps(item)


__all__ = ["SCHEMA_DIALECT", "SCHEMA_FILE", "SCHEMA_ID", "json_schema", "render_schema"]
