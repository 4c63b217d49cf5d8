"""Writing a draft as a commented architecture file (and the same data as plain values)."""

from __future__ import annotations

import functools
import json
import re
import textwrap
import typing
from typing import Any

from pydantic import BaseModel

from ..errors import printable
from ..loader.yamlsource import safe_load
from ..model import Component, Dependency
from .draft import Draft, Edge, Fact

_PLAIN = re.compile(r"[A-Za-z0-9_./@+-][A-Za-z0-9_./@+:-]*")
_WIDTH = 110
_SYSTEM_TEMPLATE = """\
  # Not in deployment files: traffic, growth and objectives. Fill them in here, or keep this
  # file as generated and set them in your own file that says `extends: <this file>`.
  # traffic:
  #   peak_rps: 200            # requests per second at the busiest time
  #   average_rps: 80
  #   read_ratio: 0.9          # share of requests that only read
  # growth:
  #   factor: 3                # traffic multiple expected ...
  #   horizon_months: 12       # ... within this many months
  # objectives:
  #   availability: 0.999      # 99.9 %
  #   latency_p99_ms: 500
  #   rto_s: 3600
  #   rpo_s: 300"""

Tree = dict[str, Any]


def render(draft: Draft, edges: list[Edge], sources: list[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    """The commented YAML text and the same data as plain values."""
    lines = _header(draft, sources)
    raw: dict[str, Any] = {"version": 1}
    lines.append("version: 1")
    lines.append("system:" if draft.system_name or draft.entry_points or draft.system else "system: {}")
    system: dict[str, Any] = {}
    if draft.system_name is not None:
        system["name"] = draft.system_name.value
        lines.append(_line(2, "name", draft.system_name))
    if draft.entry_points:
        system["entry_points"] = sorted(draft.entry_points)
        lines.append("  entry_points:")
        lines.extend(_item(4, Fact(name, draft.entry_points[name])) for name in sorted(draft.entry_points))
    if draft.system:
        tree = _nest(draft.system)
        lines.extend(_mapping(tree, 2, None))
        system.update(_plain(tree))
    lines.append(_SYSTEM_TEMPLATE)
    raw["system"] = system
    raw["components"] = {}
    lines.append("components:" if draft.components else "components: {}")
    for name in sorted(draft.components):
        tree = _nest(writable(draft.components[name].facts))
        lines.append(f"  {_scalar(name)}:")
        lines.extend(_mapping(tree, 4, Component))
        raw["components"][name] = _plain(tree)
    raw["dependencies"] = []
    lines.append("dependencies:" if edges else "dependencies: []")
    for edge in edges:
        fields: Tree = {"from": Fact(edge.source, ""), "to": Fact(edge.target, "")}
        if edge.protocol is not None:
            fields["protocol"] = edge.protocol
        if edge.mode is not None:
            fields["mode"] = edge.mode
        if edge.role is not None and supported(Dependency, "role"):
            fields["role"] = edge.role
        for key, fact in sorted(edge.fields.items()):
            if supported(Dependency, key):
                fields[key] = fact
        lines.extend(_comment(2, "; ".join(_evidence(edge.evidence))))
        body = _mapping(fields, 4, Dependency)
        lines.append("  - " + body[0].lstrip())
        lines.extend(body[1:])
        raw["dependencies"].append(_plain(fields))
    return "\n".join(lines) + "\n", raw


def writable(facts: dict[str, Fact]) -> dict[str, Fact]:
    """The facts whose field the format has (stated absence, ``autoscaling: none``, once it allows it)."""
    kept = {}
    for path, fact in facts.items():
        top = path.split(".", 1)[0]
        if not supported(Component, top):
            continue
        if fact.value == "none" and "." not in path and "'none'" not in str(Component.model_fields[top].annotation):
            continue
        kept[path] = fact
    return kept


def supported(model: type[BaseModel], key: str) -> bool:
    """Whether the format has this field (fields of format issue 14 are written once they exist)."""
    return any(key in (name, f.alias) for name, f in model.model_fields.items())


def _header(draft: Draft, sources: list[tuple[str, str]]) -> list[str]:
    lines = ["# Architecture imported by `scalexpert import` from:"]
    lines.extend(f"#   {label} ({fmt})" for label, fmt in sources)
    lines.append("# The comment beside each value says where it was read or what it was inferred from.")
    lines.append("# Values the files do not state are left out: unknown, not false.")
    if draft.notes:
        lines.append("#")
        lines.append("# Notes:")
        for note in draft.notes:
            wrapped = textwrap.wrap(_one_line(note), _WIDTH - 6, break_on_hyphens=False) or [""]
            lines.append(f"#   - {wrapped[0]}")
            lines.extend(f"#     {more}" for more in wrapped[1:])
    return lines


def _evidence(items: tuple[str, ...]) -> list[str]:
    shown = list(items[:3])
    if len(items) > 3:
        shown.append(f"and {len(items) - 3} more")
    return shown


def _nest(facts: dict[str, Fact]) -> Tree:
    tree: Tree = {}
    for path, fact in facts.items():
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = fact
    return tree


def _mapping(tree: Tree, indent: int, model: type[BaseModel] | None) -> list[str]:
    lines: list[str] = []
    for key in _ordered(tree, model):
        value = tree[key]
        if isinstance(value, Fact):
            lines.append(_line(indent, key, value))
        else:
            lines.append(f"{' ' * indent}{key}:")
            lines.extend(_mapping(value, indent + 2, _submodel(model, key)))
    return lines


def _ordered(tree: Tree, model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return sorted(tree)
    order = [field.alias or name for name, field in model.model_fields.items()]
    return sorted(tree, key=lambda k: (order.index(k) if k in order else len(order), k))


def _submodel(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    if model is None or key not in model.model_fields:
        return None
    for arg in typing.get_args(model.model_fields[key].annotation) or (model.model_fields[key].annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _line(indent: int, key: str, fact: Fact) -> str:
    text = f"{' ' * indent}{key}: {_scalar(fact.value)}"
    return f"{text}  # {_one_line(fact.why)}" if fact.why else text


def _item(indent: int, fact: Fact) -> str:
    text = f"{' ' * indent}- {_scalar(fact.value)}"
    return f"{text}  # {_one_line(fact.why)}" if fact.why else text


def _comment(indent: int, text: str) -> list[str]:
    wrapped = textwrap.wrap(_one_line(text), _WIDTH - indent - 2, break_on_hyphens=False) or [""]
    return [f"{' ' * indent}# {part}" for part in wrapped]


def _one_line(text: str) -> str:
    return printable(" ".join(str(text).split()))  # an escape character or a bidi override from a source: written as \\x1b


def _scalar(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else format(value, "f").rstrip("0").rstrip(".")
    text = str(value)
    if _PLAIN.fullmatch(text) and _reads_back(text):
        return text
    return json.dumps(text)


@functools.lru_cache(maxsize=4096)
def _reads_back(text: str) -> bool:
    """Whether ``text`` written plain reads back as the same string (not a number, boolean, null or date)."""
    return bool(safe_load(text) == text)


def _plain(tree: Tree) -> dict[str, Any]:
    return {key: value.value if isinstance(value, Fact) else _plain(value) for key, value in tree.items()}
