"""Helpers shared by the importers of non-deployment sources (Threagile, Terraform, Structurizr, telemetry)."""

from __future__ import annotations

import re
from typing import Any, cast

from pydantic import BaseModel

from ..model import Architecture, Component, Dependency

_NOT_NAME = re.compile(r"[^A-Za-z0-9_.\-]+")


def slug(text: str) -> str:
    """A component name from a title: ``Internet Banking System`` → ``internet-banking-system``."""
    name = _NOT_NAME.sub("-", str(text).strip().lower()).strip("-._")
    return name[:128] or "unnamed"


def known(model: type[BaseModel], dotted: str) -> bool:
    """Whether the format has the field at ``dotted`` (fields that other work adds appear when they land)."""
    current: Any = model
    for part in dotted.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return True  # a mapping: any key
        if part not in current.model_fields:
            return False
        annotation = current.model_fields[part].annotation
        current = _submodel(annotation)
    return True


def _submodel(annotation: Any) -> Any:
    import typing

    for arg in (*typing.get_args(annotation), annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for inner in typing.get_args(arg):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def has_component_field(dotted: str) -> bool:
    return known(Component, dotted)


def has_dependency_field(dotted: str) -> bool:
    return known(Dependency, dotted)


def has_system_field(dotted: str) -> bool:
    system = cast(type[BaseModel], Architecture.model_fields["system"].annotation)
    return known(system, dotted) if _system_model() else False


def _system_model() -> bool:
    return _submodel(Architecture.model_fields["system"].annotation) is not None
