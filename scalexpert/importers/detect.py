"""Finding input files and telling what each one is: architecture, Docker Compose or Kubernetes."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import Diagnostic, InputError, UsageError
from ..loader import Limits, read_text
from .documents import Document, split_documents

Format = Literal["architecture", "compose", "kubernetes"]
FORMAT_NAMES: dict[str, str] = {"architecture": "architecture", "compose": "Docker Compose", "kubernetes": "Kubernetes"}

_MAX_FILES = 5_000
_ARCHITECTURE_KEYS = frozenset({"version", "system", "components", "dependencies", "suppressions", "extends"})
_HELM = re.compile(r"\{\{-?\s*(?:[.$]|(?:include|template|if|range|with|define|toYaml|tpl|default)\b)")


@dataclass(frozen=True)
class Classified:
    """One input file: its documents and what it is (None: neither; skip with ``reason``)."""

    path: str
    label: str
    documents: list[Document]
    format: Format | None
    reason: str = ""


@dataclass
class Inputs:
    """The files found under the paths given, by format, and the files skipped."""

    files: list[Classified] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def of(self, fmt: str) -> list[Classified]:
        return [f for f in self.files if f.format == fmt]


def detect(path: str, limits: Limits = Limits()) -> Format:
    """What a file or directory holds: ``architecture``, ``compose`` or ``kubernetes``."""
    inputs = gather([path], limits)
    formats = {f.format for f in inputs.files if f.format is not None}
    deployment = formats - {"architecture"}
    if len(deployment) > 1:
        raise mixed_error(inputs)
    if deployment:
        return next(iter(deployment))  # type: ignore[return-value]
    if formats:
        return "architecture"
    raise InputError(Diagnostic(path, 0, 0, "", "no architecture, Docker Compose or Kubernetes file found"
                                + (f" ({'; '.join(inputs.skipped)})" if inputs.skipped else "")))


def gather(paths: list[str], limits: Limits = Limits()) -> Inputs:
    """Read and classify every file under ``paths``; files given by name must be readable and known."""
    inputs = Inputs()
    for given, label, explicit in _walk(paths):
        item = classify_file(given, label, limits)
        if item.format is None:
            if explicit:
                raise InputError(Diagnostic(given, 0, 0, "", item.reason))
            inputs.skipped.append(f"{label}: {item.reason}")
        else:
            inputs.files.append(item)
    return inputs


def classify_file(path: str, label: str, limits: Limits = Limits()) -> Classified:
    """Parse a file and tell what it is."""
    text = read_text(path, limits)
    helm = "Helm template ({{ }}): render it with `helm template` and import the output"
    try:
        documents = split_documents(text, path, label, limits)
    except InputError:
        if "{{" in text:
            return Classified(path, label, [], None, helm)
        raise
    fmt = classify_documents([d.value for d in documents])
    if fmt in ("compose", "kubernetes") and _HELM.search(text):
        return Classified(path, label, [], None, helm)
    if fmt is None:
        base = os.path.basename(path).lower()
        reason = ("Helm values file: render the chart with `helm template` and import the output"
                  if base.startswith("values") else
                  "kustomization: run `kubectl kustomize` and import the output" if base.startswith("kustomization")
                  else "empty" if not documents else "not an architecture, Docker Compose or Kubernetes file")
        return Classified(path, label, documents, None, reason)
    return Classified(path, label, documents, fmt)


def classify_documents(values: list[Any]) -> Format | None:
    """The format of a file's parsed documents, or None."""
    if not values or not all(isinstance(v, dict) for v in values):
        return None
    if all("apiVersion" in v and "kind" in v for v in values):
        return "kubernetes"
    if len(values) == 1:
        top = values[0]
        if isinstance(top.get("services"), dict):
            return "compose"
        if ("components" in top or "extends" in top) and set(top) <= _ARCHITECTURE_KEYS:
            return "architecture"
    return None


def _walk(paths: list[str]) -> list[tuple[str, str, bool]]:
    """(path, label, given by name) of every YAML file; labels are relative to the directory given."""
    found: list[tuple[str, str, bool]] = []
    for given in paths:
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith((".yaml", ".yml")) and not name.startswith("."):
                        full = os.path.join(root, name)
                        found.append((full, os.path.relpath(full, given).replace(os.sep, "/"), False))
                if len(found) > _MAX_FILES:
                    raise UsageError(f"{given}: more than {_MAX_FILES:,} YAML files; point at a smaller directory")
        else:
            found.append((given, os.path.basename(given) or given, True))
    labels = [label for _, label, _ in found]
    return [(path, label if labels.count(label) == 1 else path, explicit) for path, label, explicit in found]


def mixed_error(inputs: Inputs) -> UsageError:
    """The error for inputs that hold both Compose and Kubernetes files."""
    compose = ", ".join(f.label for f in inputs.of("compose"))
    kube = ", ".join(f.label for f in inputs.of("kubernetes"))
    return UsageError(
        f"the input mixes Docker Compose ({compose}) and Kubernetes ({kube}) files, which usually describe the "
        "same system twice; import one kind at a time (name the files or a directory that holds only one kind)"
    )
