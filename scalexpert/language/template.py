"""Message templates: ``{variable}`` or ``{variable:format}``, nothing else is evaluated."""

from __future__ import annotations

import math
import re
from typing import Any

_FIELD = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^@?[A-Za-z_][A-Za-z0-9_]*$")
_SPEC = re.compile(r"^[<>^]?[0-9]{0,3},?(\.[0-9]{1,2})?[fgde%]?$")


def placeholders(template: str) -> list[tuple[str, str]]:
    """(name, format) of every placeholder; raises ValueError for anything but a plain name."""
    found = []
    for match in _FIELD.finditer(template.replace("{{", "").replace("}}", "")):
        name, _, spec = match.group(1).partition(":")
        if not _NAME.match(name):
            raise ValueError(f"placeholder {{{match.group(1)}}} must name a variable, e.g. {{name}}")
        if spec and not _SPEC.match(spec):
            raise ValueError(f"format {spec!r} is not allowed; use e.g. ',.0f', '.2f' or '.0%'")
        found.append((name, spec))
    return found


def show_value(value: Any, spec: str = "") -> str:
    """A value as text: floats shortened, booleans lower-case, tuples comma-joined."""
    if type(value) is str:  # the common case (names, kinds), whatever the format
        return value
    if spec and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return format(value, spec)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):  # e.g. retries multiplied along a long chain
        return "NaN" if math.isnan(value) else ("∞" if value > 0 else "-∞")
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
        return f"{value:.4g}"
    if isinstance(value, tuple):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return "" if value is None else str(value)


_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def render(template: str, values: dict[str, Any]) -> str:
    """Fill a template; a missing variable renders as '?'.

    One pass over the template: ``{{``/``}}`` become braces and placeholders their values, and a
    value is never scanned again (text from the input such as ``{{x}}`` stays as written).
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group()[0]
        name, _, spec = match.group(1).partition(":")
        return show_value(values[name], spec) if name in values else "?"

    return _TOKEN.sub(replace, template)
