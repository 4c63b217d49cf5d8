"""JSON: every report with findings, explanations and capacity figures (schema version in each)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..findings import SCHEMA_VERSION, Report


def document(reports: Sequence[Report]) -> dict[str, Any]:
    """The JSON document as Python data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "scalexpert", "version": __version__},
        "reports": [r.model_dump(mode="json") for r in reports],
    }


def render(reports: Sequence[Report], options: object = None) -> str:
    """Sorted keys, two-space indent, trailing newline."""
    return json.dumps(document(reports), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
