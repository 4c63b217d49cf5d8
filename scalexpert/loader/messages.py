"""Turning pydantic validation errors into one-line messages a user can act on."""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from ..model import Architecture
from ..model.base import MAX_COUNT

Loc = tuple[str | int, ...]


@lru_cache(maxsize=8)
def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(by_alias=True)


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _options(node: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    node = _resolve(node, schema)
    for key in ("anyOf", "oneOf"):
        if key in node:
            found: list[dict[str, Any]] = []
            for option in node[key]:
                found.extend(_options(option, schema))
            return found
    return [node]


def schema_at(path: Loc, model: type[BaseModel] = Architecture) -> list[dict[str, Any]]:
    """The schema alternatives (null excluded) that apply at a data path of ``model``."""
    schema = _schema_of(model)
    current = [_resolve(schema, schema)]
    for part in path:
        following: list[dict[str, Any]] = []
        for node in current:
            for option in _options(node, schema):
                if isinstance(part, int) and option.get("type") == "array" and "items" in option:
                    following.extend(_options(option["items"], schema))
                elif isinstance(part, str) and part in option.get("properties", {}):
                    following.extend(_options(option["properties"][part], schema))
                elif isinstance(part, str) and isinstance(option.get("additionalProperties"), dict):
                    following.extend(_options(option["additionalProperties"], schema))
                elif isinstance(part, str) and option.get("patternProperties"):
                    for sub in option["patternProperties"].values():
                        following.extend(_options(sub, schema))
        current = following
    return [node for node in current if node.get("type") != "null"]


def _describe(node: dict[str, Any]) -> str:
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    if "const" in node:
        return f"{node['const']!r}"
    kind = node.get("type")
    if kind in ("integer", "number"):
        noun = "an integer" if kind == "integer" else "a number"
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum", node.get("exclusiveMaximum"))
        if high == MAX_COUNT:  # a sanity bound on counts, said only when exceeded
            high = None
        if low is not None and high is not None:
            return f"{noun} from {low:g} to {high:g}"
        if "minimum" in node:
            return f"{noun} >= {node['minimum']:g}"
        if "exclusiveMinimum" in node:
            return f"{noun} > {node['exclusiveMinimum']:g}"
        return noun
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        if node.get("format") == "date":
            return "a date (YYYY-MM-DD)"
        return "text" if "pattern" not in node else "a name (letters, digits, '-', '_', '.')"
    if kind == "array":
        return "a list"
    if kind == "object" or "properties" in node:
        return "a mapping"
    return "a value"


def expected(path: Loc, model: type[BaseModel] = Architecture) -> str:
    """What the format expects at a path, in words: 'an integer >= 1'."""
    options = schema_at(path, model)
    words: list[str] = []
    for option in options:
        word = _describe(option)
        if word not in words:
            words.append(word)
    return " or ".join(words) if words else "a valid value"


def known_keys(path: Loc, model: type[BaseModel] = Architecture) -> list[str]:
    """Keys the format allows in the mapping at ``path``."""
    keys: list[str] = []
    for option in schema_at(path, model):
        keys.extend(option.get("properties", {}))
    return keys


def suggestion(word: str, candidates: list[str]) -> str:
    """' (did you mean 'x'?)' or ''."""
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def show(value: Any) -> str:
    """A short rendering of the value the user wrote."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def data_path(raw: Any, loc: Loc) -> tuple[Loc, Any, bool]:
    """Keep the parts of a pydantic ``loc`` that exist in the data (drops union tags).

    Returns the path, the value found there, and whether the whole loc was found.
    """
    path: list[str | int] = []
    node = raw
    complete = True
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        else:
            complete = False
    return tuple(path), node, complete


def message(error: dict[str, Any], raw: Any, model: type[BaseModel] = Architecture) -> tuple[Loc, str]:
    """Path and text for one pydantic error raised while validating ``raw`` against ``model``."""
    loc = tuple(error["loc"])
    kind = error["type"]
    path, value, complete = data_path(raw, loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return path, f"unknown key {show(key)}{suggestion(key, known_keys(path[:-1], model))}"
    if kind == "missing":
        return path, f"required key {loc[-1]!r} is missing"
    if kind == "invalid_key":
        return path, f"unknown key {show(error.get('input'))}: keys are text, such as 'kind' or 'replicas'"
    if loc and loc[-1] == "[key]":  # the key of a mapping of names, e.g. a component name
        return path, _name_problem(kind, error.get("input"))
    if kind in ("value_error", "assertion_error"):
        text = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return path, text if len(text) <= 300 else text[:297] + "..."  # may quote the input
    if kind == "string_too_short":
        return path, "must not be empty"
    if kind == "string_pattern_mismatch" and len(loc) >= 2 and loc[-2] == "components":
        return path, f"invalid component name {show(loc[-1])}: use letters, digits, '-', '_' and '.'"
    if kind == "string_too_long":
        return path, f"text longer than {error.get('ctx', {}).get('max_length')} characters"
    if kind == "finite_number":
        return path, f"expected {expected(path, model)}, got {show(value)} (NaN and infinity are not allowed)"
    if not complete and kind == "literal_error":
        value = error.get("input", value)
    hint = ""
    if kind in ("literal_error", "enum"):
        choices = [str(v) for option in schema_at(path, model) for v in option.get("enum", [])]
        if isinstance(value, str):
            hint = suggestion(value, choices)
        elif not isinstance(value, bool) and str(value) in choices:  # producer_acks: 1 means '1'
            hint = f"; write it in quotes: '{value}'"
    too_many = isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT
    if too_many and any(option.get("maximum") == MAX_COUNT for option in schema_at(path, model)):
        hint = f", more than the limit of {MAX_COUNT:,}"
    return path, f"expected {expected(path, model)}, got {show(value)}{hint}"


def _name_problem(kind: str, name: Any) -> str:
    if kind == "string_type":
        return f"name {show(name)} is not text; put it in quotes: '{name}'"
    if kind == "string_too_long":
        return f"name {show(name)} is longer than 128 characters"
    if kind == "string_too_short":
        return "a name must not be empty"
    return f"invalid name {show(name)}: use letters, digits, '-', '_' and '.', starting with a letter or digit"
