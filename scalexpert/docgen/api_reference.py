"""The library API reference (docs/api.md), generated from the names in ``scalexpert.__all__``.

Regenerate with ``python -m scalexpert.docgen api > docs/api.md``. Signatures, fields, defaults and
descriptions come from the objects themselves; annotations are shown as written in the source
(every module uses ``from __future__ import annotations``), so the page does not depend on the
Python version. Docstrings are turned into Markdown: double back-quotes become code, Sphinx roles
their target, and a literal block after ``::`` a code block (Python when it parses as Python; the
documentation tests run those).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import textwrap
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

import scalexpert

from ..errors import _DiagnosticsError

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Checking", ("check", "load", "Config", "load_ruleset", "RuleSet")),
    ("Results", ("Report", "Finding", "Explanation", "Proof", "Condition", "Location", "Assumption", "CapacityReport",
                 "Catalogue", "RuleInfo", "Severity", "SEVERITY_ORDER", "severity_rank")),
    ("Rendering", ("render", "RenderOptions")),
    ("The architecture model", ("Architecture",)),
    ("Errors", ("ScalexpertError", "InputError", "RuleError", "ConfigError", "UsageError", "Diagnostic")),
    ("Version", ("__version__",)),
)
"""Sections of the page and the public names in each; names missing here go to a last section."""

REACHABLE: tuple[str, ...] = (
    "scalexpert.findings.SuppressionRecord",
    "scalexpert.findings.ArchitectureSummary",
    "scalexpert.loader.LoadedArchitecture",
    "scalexpert.loader.Limits",
    "scalexpert.loader.Position",
)
"""Types that public names return or take, documented after them (importable from these modules)."""

_VALUES: dict[str, str] = {
    "__version__": "the version of the installed package.",
    "Severity": "`Literal['info', 'low', 'medium', 'high', 'critical']`: the type of every severity "
                "(rule files, configuration, findings, scores).",
    "SEVERITY_ORDER": "the severities, most severe first: `('critical', 'high', 'medium', 'low', 'info')`.",
}
"""What the public names that are neither functions nor classes are."""

_WRAPPER = re.compile(r"^(?:SkipJsonSchema\[(.*)\]|Annotated\[(.*?), [^\]]*\])$")
_ROLE = re.compile(r":(?:class|func|mod|meth|attr|data|exc|obj):`(~?)([^`]+)`")
_QUALIFIED = re.compile(r"\b(?:[a-z_][a-z0-9_]*\.)+([A-Za-z_]\w*)")


def render() -> str:
    """The whole page."""
    grouped = {name for _, names in GROUPS for name in names}
    sections = [*GROUPS, ("Other names", tuple(n for n in scalexpert.__all__ if n not in grouped))]
    parts = [_introduction()]
    for title, names in sections:
        present = [n for n in names if n in scalexpert.__all__]
        if present:
            parts.append(f"## {title}\n")
            parts.extend(_entry(name, getattr(scalexpert, name), name) for name in present)
    parts.append("## Types reachable from these\n")
    for path in REACHABLE:
        module, _, name = path.rpartition(".")
        parts.append(_entry(name, getattr(importlib.import_module(module), name), path))
    return "\n".join(parts).rstrip("\n") + "\n"


def _introduction() -> str:
    return (
        "# Library API\n\n"
        "<!-- Generated from scalexpert.__all__ by `python -m scalexpert.docgen api > docs/api.md`.\n"
        "     Do not edit by hand: change the docstrings and regenerate. -->\n\n"
        "Everything below is importable from the `scalexpert` package itself; other modules are internal "
        "and may change. Results are immutable pydantic models: `report.model_dump(mode=\"json\")` gives "
        "the JSON form (the same as `scalexpert check --format json` writes per file).\n\n"
        + markdown(inspect.getdoc(scalexpert) or "") + "\n"
    )


def _entry(name: str, value: Any, shown: str) -> str:
    anchor = name.lower().strip("_")
    if inspect.isfunction(value):
        return f'<a id="{anchor}"></a>\n\n### `{shown}()`\n\n```pyi\n{_signature(name, value)}\n```\n\n{_doc(value)}'
    if isinstance(value, type):
        return f'<a id="{anchor}"></a>\n\n### `{shown}`\n\n{_class_line(value)}\n\n{_doc(value)}{_members(value)}'
    what = _VALUES.get(name, "")
    kind = "A type" if type(value).__module__ == "typing" else f"A `{type(value).__name__}`"
    return f'<a id="{anchor}"></a>\n\n### `{shown}`\n\n{kind}' + (f": {what}\n" if what else ".\n")


def _doc(value: Any) -> str:
    text = inspect.getdoc(value) or ""
    return markdown(text) if text else ""


def _signature(name: str, function: Any) -> str:
    signature = inspect.signature(function)
    params: list[str] = []
    star_done = False
    for param in signature.parameters.values():
        if param.kind is param.KEYWORD_ONLY and not star_done:
            params.append("*")
            star_done = True
        if param.kind is param.VAR_POSITIONAL:
            star_done = True
        prefix = "*" if param.kind is param.VAR_POSITIONAL else "**" if param.kind is param.VAR_KEYWORD else ""
        text = prefix + param.name
        if param.annotation is not param.empty:
            text += f": {_annotation(param.annotation)}"
        if param.default is not param.empty:
            text += f" = {param.default!r}"
        params.append(text)
    returns = "" if signature.return_annotation is signature.empty else f" -> {_annotation(signature.return_annotation)}"
    one_line = f"def {name}({', '.join(params)}){returns}"
    if len(one_line) <= 100:
        return one_line
    return f"def {name}(\n" + "".join(f"    {p},\n" for p in params) + f"){returns}"


def _annotation(value: Any) -> str:
    if isinstance(value, str):
        wrapped = _WRAPPER.match(value)  # serialization and schema markers are no part of the type
        return next(g for g in wrapped.groups() if g) if wrapped else value
    return _QUALIFIED.sub(r"\1", getattr(value, "__name__", repr(value)))


def _class_line(cls: type) -> str:
    if issubclass(cls, BaseException):
        base = next(k for k in cls.__mro__[1:] if not k.__name__.startswith("_"))
        carries = " Its `diagnostics` attribute holds one `Diagnostic` per problem." if issubclass(cls, _DiagnosticsError) else ""
        return f"An exception; derives from `{base.__name__}`.{carries}"
    if issubclass(cls, BaseModel):
        frozen = cls.model_config.get("frozen")
        return "A pydantic model" + (" (immutable)." if frozen else ".")
    if dataclasses.is_dataclass(cls):
        frozen = getattr(cls, "__dataclass_params__").frozen
        return "A dataclass" + (" (immutable)." if frozen else ".")
    return "A class."


def _members(cls: type) -> str:
    rows = _fields(cls)
    out = ""
    if rows:
        out += "\n| field | type | default | description |\n|---|---|---|---|\n" + "".join(
            f"| `{name}` | `{_cell(kind)}` | {default} | {_cell(text)} |\n" for name, kind, default, text in rows)
    methods = []
    for name, member in vars(cls).items():
        if name.startswith("_") or name in _fields_names(cls):
            continue
        if isinstance(member, property):
            doc = _first_line(member.fget)
            methods.append(f"- `{name}` (property): {doc}")
        elif inspect.isfunction(member):
            methods.append(f"- `{_signature(name, member)[4:]}`: {_first_line(member)}")
    if methods:
        out += "\n" + "\n".join(methods) + "\n"
    return out


def _fields(cls: type) -> list[tuple[str, str, str, str]]:
    if issubclass(cls, BaseModel):
        rows = []
        for name, info in cls.model_fields.items():
            kind = _source_annotation(cls, name)
            if info.default_factory is not None:
                default = _default(info.default_factory())  # type: ignore[call-arg]
            elif info.default is PydanticUndefined:
                default = "required"
            else:
                default = _default(info.default)
            rows.append((info.alias or name, kind, default, info.description or ""))
        return rows
    if dataclasses.is_dataclass(cls):
        rows = []
        for field in dataclasses.fields(cls):
            if field.default is not dataclasses.MISSING:
                default = _default(field.default)
            elif field.default_factory is not dataclasses.MISSING:
                default = _default(field.default_factory())
            else:
                default = "required"
            rows.append((field.name, str(field.type), default, ""))
        return rows
    return []


def _default(value: Any) -> str:
    if isinstance(value, BaseModel):  # a nested model's defaults are documented with the model
        return f"`{type(value).__name__}()`"
    return f"`{value!r}`"


def _fields_names(cls: type) -> set[str]:
    return {row[0] for row in _fields(cls)}


def _source_annotation(cls: type, name: str) -> str:
    for klass in cls.__mro__:
        annotations = klass.__dict__.get("__annotations__", {})
        if name in annotations:
            return _annotation(annotations[name])
    return "Any"


def _first_line(function: Any) -> str:
    doc = inspect.getdoc(function) or ""
    return _inline(doc.split("\n\n", 1)[0].replace("\n", " "))


def markdown(docstring: str) -> str:
    """A docstring as Markdown: inline code, roles, and literal blocks as fenced code."""
    out: list[str] = []
    lines = docstring.splitlines()
    i = 0
    literal_next = False
    while i < len(lines):
        line = lines[i]
        if line.startswith((" ", "\t")) and (literal_next or not out or out[-1] == ""):
            block = []
            while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
                block.append(lines[i])
                i += 1
            code = textwrap.dedent("\n".join(block)).strip("\n")
            out += [f"```{_language(code) if literal_next else 'text'}", code, "```", ""]
            literal_next = False
            continue
        if line.rstrip().endswith("::"):
            literal_next = True
            line = line.rstrip()[:-2].rstrip()
            line = line + ":" if line else line
        out.append(_inline(line))
        i += 1
    return "\n".join(out).strip("\n") + "\n"


def _language(code: str) -> str:
    try:
        ast.parse(code)
    except SyntaxError:
        return "text"
    return "python"


def _inline(text: str) -> str:
    return _ROLE.sub(lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", text.replace("``", "`"))


def _cell(text: str) -> str:
    return " ".join(_inline(text).split()).replace("|", "\\|")
