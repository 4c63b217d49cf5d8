"""Docker Compose files → draft components and references.

Several files merge like ``docker compose -f a.yml -f b.yml``: a later file's service keys replace
the earlier ones, environment variables merge by name.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from typing import Any

from . import infer
from .documents import Document
from .draft import ComponentDraft, Draft, Fact, Reference, add_external, classify, external_host, ref_role
from .state import compose_volumes, describe_storage
from .values import (HostRef, compose_memory_mb, cpu_cores, dotenv, heap_mb, refs_in_args, refs_in_env, shown,
                     substitute)

_HTTP_PORTS = frozenset({80, 443, 3000, 4000, 5000, 8000, 8008, 8079, 8080, 8081, 8443, 8888})
_EDGE_KINDS = frozenset({"load-balancer", "api-gateway", "cdn"})
_JAVA_KEYS = ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JVM_OPTS", "CATALINA_OPTS", "JAVA_OPTIONS")


@dataclass
class _Service:
    """A service merged over every Compose file: each key remembers the document it came from."""

    name: str
    origin: str
    keys: dict[str, tuple[Document, Any]] = field(default_factory=dict)
    env: dict[str, tuple[str, str]] = field(default_factory=dict)  # KEY → (value, where)

    def get(self, key: str) -> Any:
        return self.keys[key][1] if key in self.keys else None

    def at(self, key: str, *path: str | int) -> str:
        """``label:line`` of a key (or of the service when the key is not written)."""
        if key not in self.keys:
            return self.origin
        return self.keys[key][0].at("services", self.name, key, *path)


def import_compose(documents: list[Document]) -> Draft:
    """Read Compose documents (one per file) into a draft."""
    draft = Draft("Docker Compose")
    services: dict[str, _Service] = {}
    variables = _dotenv(documents, draft)
    for doc in documents:
        _merge_document(doc, services, draft, variables)
    for name in sorted(services):
        draft.components[name] = _component(services[name], draft)
    _resolve(services, draft)
    return draft


def _dotenv(documents: list[Document], draft: Draft) -> dict[str, str]:
    """Variables of the ``.env`` file in the project folder (the folder of the first Compose file)."""
    if not documents:
        return {}
    path = os.path.join(os.path.dirname(os.path.abspath(documents[0].file)), ".env")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(1_000_000)
    except (OSError, UnicodeDecodeError):
        return {}
    found = dotenv(text)
    draft.notes.append(f"variables read from .env ({len(found)}), as `docker compose` reads them")
    return {key: value for key, (value, _) in found.items()}


def _substituted(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, str):
        return substitute(value, variables)
    if isinstance(value, list):
        return [_substituted(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _substituted(v, variables) for k, v in value.items()}
    return value


def _merge_document(doc: Document, services: dict[str, _Service], draft: Draft, variables: dict[str, str]) -> None:
    top = doc.value
    if not isinstance(top.get("services"), dict):
        raise doc.fail("expected 'services' to be a mapping of service names to definitions", "services")
    if isinstance(top.get("name"), str) and top["name"]:
        draft.system_name = Fact(top["name"], f"Compose project name ({doc.at('name')})")
    elif draft.system_name is None:
        folder = os.path.basename(os.path.dirname(os.path.abspath(doc.file)))
        draft.system_name = Fact(folder or "imported system", "inferred: Compose names a project after the folder of its file")
    for name, spec in top["services"].items():
        if not isinstance(spec, dict):
            raise doc.fail("expected a mapping that defines the service", "services", name)
        service = services.setdefault(str(name), _Service(str(name), doc.at("services", name)))
        if "extends" in spec:
            draft.notes.append(f"{doc.at('services', name, 'extends')}: 'extends' of service {name} is not followed")
        for key, value in spec.items():
            if key == "environment":
                service.env.update(_environment(doc, name, value, variables))
            else:
                service.keys[str(key)] = (doc, _substituted(value, variables))


def _environment(doc: Document, service: str, value: Any, variables: dict[str, str]) -> dict[str, tuple[str, str]]:
    """KEY → (value, where); a key without a value takes the variable of that name (``.env``)."""
    found: dict[str, tuple[str, str]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            where = doc.at("services", service, "environment", key)
            if item is not None:
                found[str(key)] = (substitute(_text(item), variables), where)
            elif str(key) in variables:
                found[str(key)] = (variables[str(key)], f"{where}, from .env")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            key, sep, text = str(item).partition("=")
            where = doc.at("services", service, "environment", i)
            if sep:
                found[key.strip()] = (substitute(text, variables), where)
            elif key.strip() in variables:
                found[key.strip()] = (variables[key.strip()], f"{where}, from .env")
    return found


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _component(service: _Service, draft: Draft) -> ComponentDraft:
    origin = service.origin
    comp = ComponentDraft(service.name, origin)
    image = service.get("image") if isinstance(service.get("image"), str) else None
    published = _ports(service, comp)
    classify(comp, image, service.at("image") if image else origin)
    if image:
        comp.set("technology", image[:200], f"image ({service.at('image')})")
        runtime = infer.runtime_from_image(image)
        if runtime:
            comp.set("runtime", runtime, f"inferred from image {image}")
    elif service.get("build") is not None:
        draft.notes.append(f"{origin}: service {service.name} is built from source (no image): kind guessed from its name and ports")
    _replicas(service, comp, draft)
    _health(service, comp)
    _resources(service, comp)
    _java(service, comp)
    mounts = compose_volumes(service.get("volumes"), service.at("volumes"))
    describe_storage(comp, mounts)
    folder = os.path.dirname(os.path.abspath(service.keys["volumes"][0].file)) if "volumes" in service.keys else ""
    for mount in mounts:
        if mount.kind == "bind mount" and mount.source.startswith("."):  # a configuration file mounted in
            comp.aliases.add("file:" + os.path.normpath(os.path.join(folder, mount.source)))
    if published and comp.role is None:
        if comp.kind in _EDGE_KINDS or comp.kind in ("service", "worker") and published & _HTTP_PORTS:
            draft.entry_points[comp.name] = f"publishes port {min(published & _HTTP_PORTS or published)} ({service.at('ports')})"
    return comp


def _ports(service: _Service, comp: ComponentDraft) -> set[int]:
    """Container ports into ``comp.ports``; returns the ports published to the host."""
    published: set[int] = set()
    for key in ("ports", "expose"):
        items = service.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                port = _int(item.get("target"))
                if port:
                    comp.ports.add(port)
                    if item.get("published") is not None:
                        published.add(port)
                continue
            text = str(item).split("/", 1)[0]
            if text.startswith("["):  # [::1]:8080:80
                text = text.split("]:", 1)[-1]
            container = text.rsplit(":", 1)[-1]
            low, _, high = container.partition("-")
            first, last = _int(low), _int(high) if high else _int(low)
            if first and last and 0 < last - first < 100 or first and first == last:
                ports = set(range(first, (last or first) + 1))
                comp.ports.update(ports)
                if key == "ports" and not str(item).endswith("/udp"):
                    published.update(ports)
    return published


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 < number <= 65535 else None


def _mapping(value: Any) -> dict[str, Any]:
    """The value if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def _replicas(service: _Service, comp: ComponentDraft, draft: Draft) -> None:
    deploy = service.get("deploy") if isinstance(service.get("deploy"), dict) else {}
    if deploy.get("mode") == "global":
        draft.notes.append(f"{service.at('deploy', 'mode')}: {service.name} runs one container per node (global): replicas left unknown")
    elif _count(deploy.get("replicas")) is not None:
        comp.set("replicas", _count(deploy.get("replicas")), f"deploy.replicas ({service.at('deploy', 'replicas')})")
    elif _count(service.get("scale")) is not None:
        comp.set("replicas", _count(service.get("scale")), f"scale ({service.at('scale')})")
    elif _invalid_count(deploy.get("replicas")) or _invalid_count(service.get("scale")):
        stated, key, at = ((deploy.get("replicas"), "deploy.replicas", service.at("deploy", "replicas"))
                           if _invalid_count(deploy.get("replicas")) else (service.get("scale"), "scale", service.at("scale")))
        draft.notes.append(f"{at}: {key} of {service.name} is {_shown_value(stated)}, not a number of containers; "
                           "replicas left unknown")
    else:
        comp.set("replicas", 1, "inferred: not stated, Compose starts one container per service")
    if "replicas" in comp.facts and comp.facts["replicas"].value == 0:
        del comp.facts["replicas"]
        draft.notes.append(f"{comp.origin}: {service.name} is scaled to 0 replicas; replicas left unknown")
    if isinstance(service.get("container_name"), str):
        comp.set("scaling", "vertical-only",
                 f"inferred: fixed container_name {service.get('container_name')} ({service.at('container_name')}) "
                 "stops Compose from starting a second container")
    placement = _mapping(deploy.get("placement"))
    if placement.get("max_replicas_per_node") == 1:
        comp.set("anti_affinity", True, f"deploy.placement.max_replicas_per_node: 1 ({service.at('deploy', 'placement')})")
    if isinstance(deploy.get("update_config"), dict):
        comp.set("deployment.strategy", "rolling", f"deploy.update_config ({service.at('deploy', 'update_config')})")


def _count(value: Any) -> int | None:
    if isinstance(value, bool):  # true is no count
        return None
    text = substitute(str(value)) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 100 else None


def _invalid_count(value: Any) -> bool:
    """Stated, but not a count (true, -1, 2.5, 'many', a 200-digit number); an unset ${VARIABLE} is not stated."""
    if value is None or _count(value) is not None:
        return False
    return "$" not in substitute(str(value))


def _shown_value(value: Any) -> str:
    text = str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else f"{text[:57]}... ({len(text):,} characters)"


def _health(service: _Service, comp: ComponentDraft) -> None:
    check = service.get("healthcheck")
    if not isinstance(check, dict):
        return
    test = check.get("test")
    disabled = check.get("disable") is True or test == ["NONE"] or test == "NONE"
    if disabled:
        comp.set("health_checks.readiness", False, f"healthcheck disabled ({service.at('healthcheck')})")
    elif test is not None:
        comp.set("health_checks.readiness", True,
                 f"healthcheck ({service.at('healthcheck')}): Compose marks the container healthy or not")


def _resources(service: _Service, comp: ComponentDraft) -> None:
    deploy = _mapping(service.get("deploy"))
    resources = _mapping(deploy.get("resources"))
    for block, suffix in (("limits", "limit"), ("reservations", "request")):
        values = _mapping(resources.get(block))
        where = service.at("deploy", "resources", block)
        if cpu_cores(values.get("cpus")) is not None:
            comp.set(f"resources.cpu_{suffix}", cpu_cores(values.get("cpus")), f"deploy.resources.{block}.cpus ({where})")
        if compose_memory_mb(values.get("memory")) is not None:
            comp.set(f"resources.memory_{suffix}_mb", compose_memory_mb(values.get("memory")),
                     f"deploy.resources.{block}.memory {values.get('memory')} ({where})")
    for key, path in (("cpus", "resources.cpu_limit"), ("mem_limit", "resources.memory_limit_mb"),
                      ("mem_reservation", "resources.memory_request_mb")):
        if service.get(key) is None:
            continue
        value = cpu_cores(service.get(key)) if key == "cpus" else compose_memory_mb(service.get(key))
        if value is not None:
            comp.set(path, value, f"{key} {service.get(key)} ({service.at(key)})")


def _java(service: _Service, comp: ComponentDraft) -> None:
    for key in _JAVA_KEYS:
        if key in service.env and heap_mb(service.env[key][0]) is not None:
            comp.set("heap_mb", heap_mb(service.env[key][0]), f"-Xmx in {key} ({service.env[key][1]})")
            comp.set("runtime", "jvm", f"inferred from {key} ({service.env[key][1]})")
            return


def _resolve(services: dict[str, _Service], draft: Draft) -> None:
    """Turn names written in each service into references to components."""
    aliases = _aliases(services, draft)
    draft.unresolved_what = "names that match no service in the input"
    unresolved = draft.unresolved
    target: str | None  # written names first, then resolved references (None: not a component)
    for name, service in sorted(services.items()):
        links: dict[str, str] = {}
        written = service.get("links")
        for i, link in enumerate(written if isinstance(written, list) else []):
            target, _, alias = str(link).partition(":")
            links[(alias or target).lower()] = target
            _add(draft, name, target, f"links {link} ({service.at('links', i)})", unresolved)
        depends = service.get("depends_on")
        for i, target in enumerate(depends if isinstance(depends, (list, dict)) else []):
            where = service.at("depends_on", i if isinstance(depends, list) else target)
            _add(draft, name, str(target), f"depends_on {target} ({where})", unresolved, "startup")
        for key, (value, where) in sorted(service.env.items()):
            for ref in refs_in_env(key, value):
                target = links.get(ref.host) or aliases.get(ref.host)
                _add_ref(draft, name, target, ref, f"env {key}={shown(value)} ({where})", key, unresolved)
        for key in ("command", "entrypoint"):
            args = _args(service.get(key))
            for ref in refs_in_args(args):
                target = links.get(ref.host) or aliases.get(ref.host)
                _add_ref(draft, name, target, ref, f"{key} {shown(' '.join(args))} ({service.at(key)})", None, unresolved)
        check = service.get("healthcheck")
        test = check.get("test") if isinstance(check, dict) else None
        for ref in refs_in_args(_args(test)[1:] if isinstance(test, list) else _args(test)):
            target = links.get(ref.host) or aliases.get(ref.host)
            _add_ref(draft, name, target, ref, f"healthcheck {shown(str(test))} ({service.at('healthcheck')})", None,
                     unresolved, "health")
    _traefik(services, draft)


def _labels(service: _Service) -> dict[str, str]:
    value = service.get("labels")
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return dict(str(item).partition("=")[::2] for item in value)  # type: ignore[misc]
    return {}


def _traefik(services: dict[str, _Service], draft: Draft) -> None:
    """Traefik router labels: routes from the Traefik proxy to the services that carry them."""
    from .gateways import traefik_routes

    proxies = [n for n, s in services.items() if "traefik" in infer.image_name(str(s.get("image") or "")).split("-")]
    if len(proxies) != 1:
        return
    proxy = proxies[0]
    owners: dict[str, str] = {}
    for name, service in services.items():
        for key in _labels(service):
            if key.startswith("traefik.http.services."):
                owners.setdefault(key.split(".")[3], name)
    for name, service in sorted(services.items()):
        labels = _labels(service)
        if labels.get("traefik.enable", "true").lower() == "false" or name == proxy:
            continue
        for router, backend, share in traefik_routes(labels):
            target = owners.get(backend, name) if backend else name
            fields = {"share": Fact(round(share, 4), f"weight of {backend} ({service.at('labels')})")} if share else {}
            draft.references.append(Reference(proxy, target, f"Traefik router {router} ({service.at('labels')})",
                                              fields=fields))
    if any(r.source == proxy for r in draft.references):
        draft.components[proxy].set("routing", "one-of", "inferred: Traefik sends each request to one router's service")


def _aliases(services: dict[str, _Service], draft: Draft) -> dict[str, str]:
    claims: dict[str, set[str]] = {}
    for name, service in services.items():
        names = [service.get("hostname"), service.get("container_name")]
        networks = service.get("networks")
        for net in networks.values() if isinstance(networks, dict) else []:
            if isinstance(net, dict) and isinstance(net.get("aliases"), list):
                names.extend(net["aliases"])
        for alias in names:
            if isinstance(alias, str) and alias:
                claims.setdefault(alias.lower(), set()).add(name)
    aliases = {alias: next(iter(owners)) for alias, owners in claims.items() if len(owners) == 1}
    for alias, owners in sorted(claims.items()):
        if len(owners) > 1 and alias not in services:
            draft.notes.append(f"host name {alias} is claimed by several services ({', '.join(sorted(owners))}): not resolved")
    aliases.update({name.lower(): name for name in services})
    for alias, name in aliases.items():
        if name in draft.components:
            draft.components[name].aliases.add(alias)
    return aliases


def _args(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    return []


def _add(draft: Draft, source: str, target: str, evidence: str, unresolved: list[Reference],
         role: str = "request") -> None:
    if target in draft.components:
        draft.references.append(Reference(source, target, evidence, role=role))
    else:  # another source of the import may name it
        unresolved.append(Reference(source, target, evidence, role=role))


def _add_ref(draft: Draft, source: str, target: str | None, ref: HostRef, evidence: str, key: str | None,
             unresolved: list[Reference], role: str = "request") -> None:
    if target is None and external_host(ref.host):
        target = add_external(draft, ref.host, evidence)
    if target is None:
        if ref.host not in ("localhost", "127.0.0.1", "0.0.0.0") and (ref.port or ref.scheme or key):
            unresolved.append(Reference(source, ref.host, evidence, ref.port, ref.scheme, key,
                                        role=ref_role(ref, key, draft.components[source], role)))
        return
    draft.references.append(Reference(source, target, evidence, ref.port, ref.scheme, key,
                                      role=ref_role(ref, key, draft.components[source], role)))
