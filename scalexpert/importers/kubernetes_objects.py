"""Kubernetes objects as the importer reads them: shared by :mod:`.kubernetes` (workloads) and
:mod:`.kubernetes_links` (services, ingresses, autoscalers, disruption budgets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .documents import Document
from .draft import ComponentDraft


@dataclass(frozen=True)
class KubeObject:
    """One Kubernetes object and where it is written."""

    doc: Document
    path: tuple[str | int, ...]
    value: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.value.get("kind") or "")

    @property
    def name(self) -> str:
        return str(as_map(self.value.get("metadata")).get("name") or "")

    @property
    def namespace(self) -> str:
        return str(as_map(self.value.get("metadata")).get("namespace") or "")

    @property
    def template(self) -> tuple[str, ...]:
        """Path of the pod template (its ``metadata`` and ``spec``): ``()`` for a bare Pod."""
        return _TEMPLATES.get(self.kind, ("spec", "template"))

    @property
    def pod(self) -> tuple[str, ...]:
        """Path of the pod spec (``containers``, ``volumes``, ``affinity`` ...)."""
        return (*self.template, "spec")

    def at(self, *path: str | int) -> str:
        return self.doc.at(*self.path, *path)

    def get(self, *path: str) -> Any:
        node: Any = self.value
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return node


BATCH_KINDS = frozenset({"Job", "CronJob"})
"""Workloads that run to completion: what they call are batch paths (``role: batch``)."""
_TEMPLATES: dict[str, tuple[str, ...]] = {"Pod": (), "CronJob": ("spec", "jobTemplate", "spec", "template")}


@dataclass
class Workload:
    """A workload object and the component made from it."""

    obj: KubeObject
    component: ComponentDraft
    labels: dict[str, str]
    containers: list[dict[str, Any]]
    main: int


def as_map(value: Any) -> dict[str, Any]:
    """The value if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """The value if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def objects(documents: list[Document]) -> list[KubeObject]:
    """Every object of the documents, ``kind: List`` items included."""
    found: list[KubeObject] = []
    for doc in documents:
        if not isinstance(doc.value, dict):
            raise doc.fail("expected a Kubernetes object (a mapping with apiVersion and kind)")
        if str(doc.value.get("kind", "")).endswith("List") and isinstance(doc.value.get("items"), list):
            found.extend(KubeObject(doc, ("items", i), item) for i, item in enumerate(doc.value["items"])
                         if isinstance(item, dict))
        else:
            found.append(KubeObject(doc, (), doc.value))
    return found
