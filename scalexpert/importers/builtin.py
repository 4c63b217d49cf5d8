"""The built-in sources: Docker Compose, Kubernetes manifests, gateway configurations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .registry import Source, register


def _compose_documents(values: list[Any]) -> bool:
    return len(values) == 1 and isinstance(values[0], dict) and isinstance(values[0].get("services"), dict)


def _kubernetes_documents(values: list[Any]) -> bool:
    return bool(values) and all(isinstance(v, dict) and "apiVersion" in v and "kind" in v for v in values)


def _read_compose(files: Sequence[Any]) -> Any:
    from .compose import import_compose

    # docker-compose.override.yml applies after docker-compose.yml, as `docker compose` does
    ordered = sorted(files, key=lambda f: ".override." in f.label.rsplit("/", 1)[-1])
    return import_compose([doc for item in ordered for doc in item.documents])


def _read_kubernetes(files: Sequence[Any]) -> Any:
    from .kubernetes import import_kubernetes

    return import_kubernetes([doc for item in files for doc in item.documents])


register(Source("compose", "Docker Compose", "deployment", _read_compose, documents=_compose_documents,
                exclusive_with=("kubernetes",)))
register(Source("kubernetes", "Kubernetes", "deployment", _read_kubernetes, documents=_kubernetes_documents,
                exclusive_with=("compose",)))


def _gateway(name: str) -> Any:
    """A function of :mod:`.gateways`, imported when first called (a Kubernetes check never needs it)."""

    def call(*args: Any) -> Any:
        from . import gateways

        return getattr(gateways, name)(*args)

    call.__name__ = call.__qualname__ = name
    return call


def _gateways() -> None:
    register(Source("nginx", "nginx", "deployment", _gateway("read_nginx"), text=_gateway("nginx_text"),
                    parse=_gateway("nginx_parse"), suffixes=(".conf",)))
    register(Source("envoy", "Envoy", "deployment", _gateway("read_envoy"), documents=_gateway("envoy_documents")))


_gateways()


def _application_configuration() -> None:
    from . import appconfig

    register(Source("properties", "application configuration", "deployment", appconfig.read_properties,
                    text=appconfig.properties_text, parse=appconfig.properties_parse, suffixes=(".properties",)))


_application_configuration()
