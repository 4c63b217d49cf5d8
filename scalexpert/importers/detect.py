"""Finding input files and telling what each one is, by content: architecture, Docker Compose, Kubernetes,
or one of the other sources in :data:`SOURCES` (Threagile, Terraform, Structurizr, telemetry exports).

:data:`SOURCES` is the content-detection registry: one entry per format with the file suffixes a
directory walk considers and a ``sniff`` predicate that looks at the text (and the parsed YAML/JSON
documents, where the text is YAML or JSON). A file is recognised by what it holds, never by its name.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
import json
from collections.abc import Callable
from typing import Any

from ..errors import Diagnostic, InputError, UsageError
from ..loader import Limits, read_text
from ..loader.yamlsource import decode, read_bounded
from .documents import split_documents
from .registry import sources

Format = str
"""``architecture`` or the name of a registered source (``compose``, ``kubernetes``, ``nginx``...)."""
FORMAT_NAMES: dict[str, str] = {"architecture": "architecture", "threagile": "Threagile model",
                                "terraform": "Terraform", "structurizr": "Structurizr workspace",
                                "telemetry": "observed topology and load"}
"""Names for people of the formats in :data:`SOURCES` (the registered sources say their own, see ``display_name``)."""

_MAX_FILES = 5_000
_ARCHITECTURE_KEYS = frozenset({"version", "system", "components", "dependencies", "suppressions", "extends"})
_HELM = re.compile(r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|\$\.|(?:include|template|if|range|with|define|toYaml|tpl|default)\b)")


@dataclass(frozen=True)
class SourceFormat:
    """A format recognised by content: its name, the suffixes a directory walk considers, and the test."""

    name: Format
    suffixes: tuple[str, ...]
    sniff: Callable[[str, list[Any] | None], bool]
    """``sniff(text, values)``: values are the parsed YAML or JSON documents, None when the text is neither."""


_TF_BLOCK = re.compile(r'^\s*(resource|module|variable|provider|terraform|data|locals|output)\b[^\n{=]*\{', re.MULTILINE)
_TF_VARS = re.compile(r'^\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*\S', re.MULTILINE)
_DSL = re.compile(r'^\s*workspace\b[^\n{]*\{', re.MULTILINE)


def _one(values: list[Any] | None) -> Any:
    return values[0] if values and len(values) == 1 else None


def _threagile(text: str, values: list[Any] | None) -> bool:
    top = _one(values)
    return isinstance(top, dict) and ("threagile_version" in top or (
        isinstance(top.get("technical_assets"), dict) and bool({"data_assets", "trust_boundaries"} & set(top))))


def _terraform(text: str, values: list[Any] | None) -> bool:
    top = _one(values)
    if isinstance(top, dict):  # `terraform show -json` plan or state, or a .tf.json file
        return ("format_version" in top and bool({"planned_values", "values", "prior_state"} & set(top))) or (
            isinstance(top.get("resource"), dict) and set(top) <= {"resource", "module", "variable", "provider",
                                                                   "terraform", "data", "locals", "output"})
    if values and any(isinstance(v, (dict, list)) for v in values):
        return False
    return bool(_TF_BLOCK.search(text)) or _tfvars(text)


def _tfvars(text: str) -> bool:
    """Only assignments, comments and the values they spread over: a .tfvars file."""
    lines = [line.strip() for line in text.splitlines()]
    starts = [line for line in lines if line and not line.startswith(("#", "//"))]
    return bool(starts) and _TF_VARS.match(starts[0]) is not None


def _structurizr(text: str, values: list[Any] | None) -> bool:
    top = _one(values)
    if isinstance(top, dict):
        model = top.get("model")
        return isinstance(model, dict) and bool({"softwareSystems", "people"} & set(model))
    if values and any(isinstance(v, (dict, list)) for v in values):
        return False
    return bool(_DSL.search(text))


def _telemetry(text: str, values: list[Any] | None) -> bool:
    from .telemetry import recognise, recognise_text  # the shapes live beside their reader

    top = _one(values)
    if isinstance(top, (dict, list)):
        return recognise(top) is not None
    return recognise_text(text)


SOURCES: tuple[SourceFormat, ...] = (
    SourceFormat("threagile", (".yaml", ".yml"), _threagile),
    SourceFormat("terraform", (".tf", ".tfvars", ".tf.json", ".json", ".hcl"), _terraform),
    SourceFormat("structurizr", (".dsl", ".json"), _structurizr),
    SourceFormat("telemetry", (".json", ".prom", ".txt"), _telemetry),
)
"""The content-detection registry of the formats other than architecture, Compose and Kubernetes."""
_SOURCE_SUFFIXES = tuple(sorted({suffix for source in SOURCES for suffix in source.suffixes}))


def sniff_source(text: str, values: list[Any] | None) -> Format | None:
    """The registered format whose content test accepts the file, or None."""
    for source in SOURCES:
        if source.sniff(text, values):
            return source.name
    return None


@dataclass(frozen=True)
class Classified:
    """One input file: its documents and what it is (None: neither; skip with ``reason``)."""

    path: str
    label: str
    documents: list[Any]
    format: Format | None
    reason: str = ""
    text: str = ""
    """The file's text, kept for the formats that are not read as YAML documents."""


@dataclass
class Inputs:
    """The files found under the paths given, by format, and the files skipped."""

    files: list[Classified] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def of(self, fmt: str) -> list[Classified]:
        return [f for f in self.files if f.format == fmt]


def detect(path: str, limits: Limits = Limits()) -> Format:
    """What a file or directory holds: ``architecture``, ``compose`` or ``kubernetes``."""
    return format_of(gather([path], limits), path)


def format_of(inputs: Inputs, path: str) -> Format:
    """What :func:`detect` says of ``path`` once its files are gathered (``inputs``)."""
    formats = {f.format for f in inputs.files if f.format is not None}
    found = [s.name for s in sources() if s.name in formats] + [f.name for f in SOURCES if f.name in formats]
    if mixed(inputs):
        raise mixed_error(inputs)
    if found:
        return "+".join(found)
    if formats:
        return "architecture"
    raise InputError(Diagnostic(path, 0, 0, "", "no architecture, Docker Compose or Kubernetes file found"
                                + (f" ({'; '.join(inputs.skipped)})" if inputs.skipped else "")))


def gather(paths: list[str], limits: Limits = Limits()) -> Inputs:
    """Read and classify every file under ``paths``; files given by name must be readable and known."""
    inputs = Inputs()
    for given, label, explicit in _walk(paths):
        yaml_file = given.lower().endswith((".yaml", ".yml"))
        try:
            item = classify_file(given, label, limits)
        except InputError:
            if explicit or yaml_file:
                raise
            inputs.skipped.append(f"{label}: not readable as the source its content suggests")
            continue
        if item.format is None:
            if explicit:
                raise InputError(Diagnostic(given, 0, 0, "", item.reason))
            if yaml_file:  # other endings are only looked at, not reported
                inputs.skipped.append(f"{label}: {item.reason}")
        else:
            inputs.files.append(item)
    return inputs


def classify_file(path: str, label: str, limits: Limits = Limits()) -> Classified:
    """Read a file and tell what it is, by its content: YAML/JSON documents first, then text formats."""
    text = _read(path, limits)
    helm = "Helm template ({{ }}): render it with `helm template` and import the output"
    try:
        documents = split_documents(text, path, label, limits)
    except InputError:
        values = _json(text)
        source = sniff_source(text, values)
        if source is not None:
            return Classified(path, label, [], source, text=text)
        if "{{" in text:
            return Classified(path, label, [], None, helm)
        return _text_format(text, path, label) or _refused(path, label, text)
    fmt = classify_documents([d.value for d in documents])
    if fmt is None:
        fmt = sniff_source(text, [d.value for d in documents])
        if fmt is not None:
            return Classified(path, label, documents, fmt, text=text)
    if fmt not in (None, "architecture") and _HELM.search(text):
        return Classified(path, label, [], None, helm)
    if fmt is None:
        if not all(isinstance(d.value, (dict, list)) for d in documents):
            return _text_format(text, path, label) or _refused(path, label, text, documents)
        base = os.path.basename(path).lower()
        reason = ("Helm values file: render the chart with `helm template` and import the output"
                  if base.startswith("values") else
                  "kustomization: run `kubectl kustomize` and import the output" if base.startswith("kustomization")
                  else "empty" if not documents else
                  "not an architecture file or a known source (Docker Compose, Kubernetes, ...)")
        return Classified(path, label, documents, None, reason)
    return Classified(path, label, documents, fmt)


def _json(text: str) -> list[Any] | None:
    """The value of a JSON text that YAML did not accept (tabs, long lines), or None."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return [json.loads(text)]
    except (ValueError, RecursionError):
        return None


def _text_format(text: str, path: str, label: str) -> Classified | None:
    for source in sources():
        if source.text is not None and source.parse is not None and source.text(text, path):
            return Classified(path, label, source.parse(text, path, label), source.name)
    return None


def _refused(path: str, label: str, text: str, documents: list[Any] | None = None) -> Classified:
    """A file no source reads: a YAML file's own syntax error, else an unsupported file type."""
    if documents is None and _yaml_name(path):
        split_documents(text, path, label)  # raises the YAML error again: the file means to be YAML
    if documents is not None and not documents:
        return Classified(path, label, [], None, "empty")
    return Classified(path, label, [], None, _unsupported(path))


def _read(path: str, limits: Limits) -> str:
    if path != "-":
        return read_text(path, limits)
    data = read_bounded(sys.stdin.buffer, limits.max_bytes)
    if len(data) > limits.max_bytes:
        raise InputError(Diagnostic("<stdin>", 0, 0, "", f"standard input larger than the limit of {limits.max_bytes:,} bytes"))
    return decode(data, "<stdin>")


def _yaml_name(path: str) -> bool:
    return path == "-" or path.lower().endswith((".yaml", ".yml", ".json"))


def display_name(fmt: str) -> str:
    """The name for people of a format: a registered source's, else the content registry's."""
    for source in sources():
        if source.name == fmt:
            return source.display
    return FORMAT_NAMES.get(fmt, fmt)


def _unsupported(path: str) -> str:
    known = ", ".join([*(s.display for s in sources()), *(FORMAT_NAMES[f.name] for f in SOURCES)])
    return f"unsupported file type: not an architecture file nor one scalexpert imports ({known})"


def classify_documents(values: list[Any]) -> Format | None:
    """The format of a file's parsed documents, or None."""
    if not values or not all(isinstance(v, dict) for v in values):
        return None
    if len(values) == 1:
        top = values[0]
        if ("components" in top or "extends" in top) and set(top) <= _ARCHITECTURE_KEYS:
            return "architecture"
    for source in sources():
        if source.documents is not None and source.documents(values):
            return source.name
    return None


def _walk(paths: list[str]) -> list[tuple[str, str, bool]]:
    """(path, label, given by name) of every file a format may be in; labels are relative to the directory given."""
    found: list[tuple[str, str, bool]] = []
    for given in paths:
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                suffixes = (".yaml", ".yml", *(x for s in sources() for x in s.suffixes))
                for name in sorted(files):
                    if name.lower().endswith((*suffixes, *_SOURCE_SUFFIXES)) and not name.startswith("."):
                        full = os.path.join(root, name)
                        found.append((full, os.path.relpath(full, given).replace(os.sep, "/"), False))
                if len(found) > _MAX_FILES:
                    raise UsageError(f"{given}: more than {_MAX_FILES:,} YAML files; point at a smaller directory")
        elif given == "-":
            found.append((given, "stdin", True))
        else:
            found.append((given, os.path.basename(given) or given, True))
    labels = [label for _, label, _ in found]
    return [(path, label if labels.count(label) == 1 else path, explicit) for path, label, explicit in found]


def mixed(inputs: Inputs) -> bool:
    """Whether the inputs hold sources that describe the same thing twice (Compose and Kubernetes)."""
    names = {f.format for f in inputs.files}
    return any(other in names for s in sources() if s.name in names for other in s.exclusive_with)


def mixed_error(inputs: Inputs) -> UsageError:
    """The error for inputs that hold both Compose and Kubernetes files."""
    compose = ", ".join(f.label for f in inputs.of("compose"))
    kube = ", ".join(f.label for f in inputs.of("kubernetes"))
    return UsageError(
        f"the input mixes Docker Compose ({compose}) and Kubernetes ({kube}) files, which usually describe the "
        "same system twice; import one kind at a time (name the files or a directory that holds only one kind)"
    )
