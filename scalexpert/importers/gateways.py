"""Gateway configurations: nginx, Envoy and Traefik routes from a gateway to its backends.

A gateway's configuration says where requests go: nginx ``location``/``proxy_pass``/``upstream``,
Envoy ``route_config`` routes to ``clusters``, Traefik router labels. Each becomes ``one-of`` routes
(request edges) from the gateway component to the hosts it names; weights become ``share``; route
timeouts and retry policies become the edges' ``timeout_ms`` and ``retries``. Hosts are resolved to
components when the configuration is imported with the deployment files that run them.

Which component a configuration belongs to: the Compose service that mounts the file, else the
folder the file is in (``frontend-proxy/envoy.yaml`` → ``frontend-proxy``), else ``nginx``/``envoy``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from ..errors import Diagnostic, InputError
from .draft import ComponentDraft, Draft, Fact, Origin, Reference
from .values import dotenv, substitute

_GENERIC_FOLDERS = frozenset({"", ".", "config", "configs", "conf", "etc", "nginx", "envoy", "proxy", "src", "deploy",
                              "templates", "files", "gateway"})
_NGINX_BLOCK = re.compile(r"^\s*(http|server|upstream|events|location)\b[^;{]*\{", re.MULTILINE)
_NGINX_PASS = ("proxy_pass", "grpc_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass")
_DURATION = re.compile(r"^([0-9]*\.?[0-9]+)(ms|s|m|h)?$")
_FACTORS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


class Route:
    """One route of a gateway: the host it sends requests to and what the configuration says about it."""

    def __init__(self, host: str, where: Origin, evidence: str, share: float | None = None,
                 fields: dict[str, Fact] | None = None, scheme: str | None = "http") -> None:
        self.host, self.where, self.evidence, self.share, self.fields = host, where, evidence, share, fields or {}
        self.scheme = scheme


def gateway_draft(display: str, path: str, label: str, default: str, routes: list[Route], facts: dict[str, Fact],
                  kind: str = "load-balancer") -> Draft:
    """A draft with the gateway component and its routes."""
    draft = Draft(display)
    name = owner_name(path, default)
    component = ComponentDraft(name, f"{label}:1", where=Origin(path, label, 1))
    component.aliases.add("file:" + os.path.normpath(os.path.abspath(path)))
    component.set("kind", kind, f"inferred: {display} configuration of a proxy ({label}:1)")
    component.set("routing", "one-of", f"inferred: a proxy sends each request to one of its routes ({label}:1)")
    component.facts.update(facts)
    draft.components[name] = component
    for route in routes:
        fields = dict(route.fields)
        if route.share is not None:
            fields["share"] = Fact(round(route.share, 4), f"weight of the route ({route.where})", route.where)
        draft.references.append(Reference(name, route.host, route.evidence, scheme=route.scheme, origin=route.where,
                                          fields=fields))
    if not routes:
        draft.notes.append(f"{label}: {display} configuration names no backend")
    return draft


def owner_name(path: str, default: str) -> str:
    folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return default if folder.lower() in _GENERIC_FOLDERS else folder


def duration_ms(text: Any) -> float | None:
    match = _DURATION.match(str(text).strip()) if text is not None else None
    if not match:
        return None
    number = float(match.group(1)) * _FACTORS[match.group(2) or "s"]
    return (int(number) if number == int(number) else number) if number > 0 else None


# ---------------------------------------------------------------- nginx


def nginx_text(text: str, path: str) -> bool:
    """An nginx configuration: ``http``/``server``/``upstream``/``location`` blocks."""
    return bool(_NGINX_BLOCK.search(text)) and not text.lstrip().startswith(("{", "---", "apiVersion"))


def nginx_parse(text: str, path: str, label: str) -> list[dict[str, Any]]:
    """The file's directives, parsed by crossplane (includes are not followed)."""
    import crossplane  # type: ignore[import-untyped]  # a maintained nginx configuration parser

    if path == "-":
        raise InputError(Diagnostic("<stdin>", 0, 0, "", "an nginx configuration must be given as a file"))
    payload = crossplane.parse(path, catch_errors=False, single=True, check_ctx=False, check_args=False)
    if payload.get("status") != "ok" or not payload.get("config"):
        error = (payload.get("errors") or [{}])[0]
        raise InputError(Diagnostic(path, int(error.get("line") or 0), 0, "", f"nginx: {error.get('error', 'cannot parse')}"))
    return [{"path": path, "label": label, "parsed": payload["config"][0].get("parsed", [])}]


def read_nginx(files: Sequence[Any]) -> Draft:
    from .merge import merge

    drafts = [("deployment", _nginx(doc["path"], doc["label"], doc["parsed"])) for f in files for doc in f.documents]
    return merge(drafts, resolve=False)  # type: ignore[arg-type]


def _nginx(path: str, label: str, parsed: list[dict[str, Any]]) -> Draft:
    upstreams: dict[str, list[tuple[str, int, int]]] = {}
    facts: dict[str, Fact] = {}
    workers: tuple[int, int] | None = None
    connections: tuple[int, int] | None = None
    routes: list[Route] = []

    def where(line: int) -> Origin:
        return Origin(path, label, line)

    def walk(block: list[dict[str, Any]], inherited: dict[str, Fact]) -> None:
        nonlocal workers, connections
        local = dict(inherited)
        for item in block:
            name, args, line = item.get("directive"), item.get("args") or [], int(item.get("line") or 1)
            if name == "worker_processes" and args and str(args[0]).isdigit():
                workers = (int(args[0]), line)
            elif name == "worker_connections" and args and str(args[0]).isdigit():
                connections = (int(args[0]), line)
            elif name == "proxy_read_timeout" and args and duration_ms(args[0]):
                local["timeout_ms"] = Fact(duration_ms(args[0]), f"proxy_read_timeout {args[0]} ({label}:{line})",
                                           where(line))
            elif name == "proxy_next_upstream_tries" and args and str(args[0]).isdigit() and int(args[0]) > 0:
                local["retries"] = Fact(int(args[0]) - 1, f"proxy_next_upstream_tries {args[0]} ({label}:{line})",
                                        where(line))
            elif name == "upstream" and args:
                servers = []
                for server in item.get("block") or []:
                    if server.get("directive") == "server" and server.get("args"):
                        weight = next((int(a[7:]) for a in server["args"][1:] if a.startswith("weight=")
                                       and a[7:].isdigit()), 1)
                        servers.append((str(server["args"][0]), weight, int(server.get("line") or line)))
                upstreams[str(args[0])] = servers
        for item in block:
            name, args, line = item.get("directive"), item.get("args") or [], int(item.get("line") or 1)
            if name in _NGINX_PASS and args:
                routes.extend(_nginx_routes(name, str(args[0]), upstreams, label, line, local, where))
            if item.get("block") and name != "upstream":
                walk(item["block"], local)

    walk(parsed, {})
    if workers and connections:
        total = workers[0] * connections[0] // 2
        facts["concurrency"] = Fact(total, f"worker_processes {workers[0]} × worker_connections {connections[0]} / 2 "
                                    f"(a proxied request holds two connections) ({label}:{connections[1]})",
                                    where(connections[1]))
    return gateway_draft("nginx", path, label, "nginx", routes, facts)


def _nginx_routes(directive: str, target: str, upstreams: dict[str, list[tuple[str, int, int]]], label: str, line: int,
                  fields: dict[str, Fact], where: Any) -> list[Route]:
    scheme = {"grpc_pass": "grpc"}.get(directive, target.split("://", 1)[0] if "://" in target else None)
    address = re.sub(r"^[a-z0-9+]+://", "", target).split("/", 1)[0]
    if address.startswith("unix:") or "$" in address:
        return []
    name = address.split(":", 1)[0]
    servers = upstreams.get(address) or upstreams.get(name)
    evidence = f"location passes to {target} ({label}:{line})"
    if not servers:
        return [Route(name, where(line), evidence, None, fields, scheme)]
    weights: dict[str, int] = {}
    for server, weight, _ in servers:
        host = server.split(":", 1)[0]
        if not host.startswith("unix"):
            weights[host] = weights.get(host, 0) + weight
    total = sum(weights.values())
    return [Route(host, where(line), f"{evidence}; upstream {address} server {host}",
                  weight / total if len(weights) > 1 and total else None, fields, scheme)
            for host, weight in weights.items()]


# ---------------------------------------------------------------- Envoy


def envoy_documents(values: list[Any]) -> bool:
    return len(values) == 1 and isinstance(values[0], dict) and isinstance(values[0].get("static_resources"), dict)


def read_envoy(files: Sequence[Any]) -> Draft:
    from .merge import merge

    return merge([("deployment", _envoy(doc)) for f in files for doc in f.documents], resolve=False)  # type: ignore[arg-type]


def _project_variables(path: str) -> dict[str, str]:
    """Variables of the nearest ``.env`` in the file's folder or up to three folders above (templates)."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(4):
        candidate = os.path.join(folder, ".env")
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8") as handle:
                    return {k: v for k, (v, _) in dotenv(handle.read(1_000_000)).items()}
            except (OSError, UnicodeDecodeError):
                return {}
        folder = os.path.dirname(folder)
    return {}


def _envoy(doc: Any) -> Draft:
    top = doc.value["static_resources"]
    variables = _project_variables(doc.file)
    hosts: dict[str, list[str]] = {}
    for i, cluster in enumerate(top.get("clusters") or []):
        if not isinstance(cluster, dict):
            continue
        found: list[str] = []
        assignment = cluster.get("load_assignment") or {}
        for group in assignment.get("endpoints") or []:
            for endpoint in (group or {}).get("lb_endpoints") or []:
                address = (((endpoint or {}).get("endpoint") or {}).get("address") or {}).get("socket_address") or {}
                host = substitute(str(address.get("address") or ""), variables)
                if host and "$" not in host:
                    found.append(host)
        hosts[str(cluster.get("name"))] = found or [str(cluster.get("name"))]
    routes: list[Route] = []
    for i, listener in enumerate(top.get("listeners") or []):
        for j, chain in enumerate((listener or {}).get("filter_chains") or []):
            for k, item in enumerate((chain or {}).get("filters") or []):
                config = ((item or {}).get("typed_config") or {}).get("route_config") or {}
                base = ("static_resources", "listeners", i, "filter_chains", j, "filters", k, "typed_config",
                        "route_config")
                for v, host in enumerate(config.get("virtual_hosts") or []):
                    for r, route in enumerate((host or {}).get("routes") or []):
                        path = (*base, "virtual_hosts", v, "routes", r, "route")
                        routes.extend(_envoy_route(doc, path, (route or {}).get("route") or {}, hosts))
    return gateway_draft("Envoy", doc.file, doc.label, "envoy", routes, {})


def _envoy_route(doc: Any, path: tuple[Any, ...], route: dict[str, Any], hosts: dict[str, list[str]]) -> list[Route]:
    origin = Origin(doc.file, doc.label, doc.line(*path))
    fields: dict[str, Fact] = {}
    policy = route.get("retry_policy") or {}
    per_try = duration_ms(policy.get("per_try_timeout"))
    overall = duration_ms(route.get("timeout"))
    if per_try:
        fields["timeout_ms"] = Fact(per_try, f"retry_policy.per_try_timeout ({origin})", origin)
    elif overall:
        fields["timeout_ms"] = Fact(overall, f"route timeout {route.get('timeout')} ({origin})", origin)
    retries = policy.get("num_retries")
    if isinstance(retries, int) and not isinstance(retries, bool) and retries >= 0:
        fields["retries"] = Fact(retries, f"retry_policy.num_retries ({origin})", origin)
    elif policy:
        fields["retries"] = Fact(1, f"inferred: retry_policy without num_retries, Envoy retries once ({origin})", origin)
    weighted = (route.get("weighted_clusters") or {}).get("clusters") or []
    if weighted:
        total = sum(int(c.get("weight") or 0) for c in weighted if isinstance(c, dict)) or 0
        return [Route(host, origin, f"route to cluster {c.get('name')} ({origin})",
                      int(c.get("weight") or 0) / total if total and len(weighted) > 1 else None, fields)
                for c in weighted if isinstance(c, dict) for host in hosts.get(str(c.get("name")), [str(c.get("name"))])]
    cluster = route.get("cluster")
    if not cluster:
        return []
    return [Route(host, origin, f"route to cluster {cluster} ({origin})", None, fields)
            for host in hosts.get(str(cluster), [str(cluster)])]


# ---------------------------------------------------------------- Traefik labels


_TRAEFIK_SERVICE = re.compile(r"^traefik\.http\.routers\.([^.]+)\.service$")
_TRAEFIK_WEIGHTED = re.compile(r"^traefik\.http\.services\.([^.]+)\.weighted\.services\[(\d+)\]\.(name|weight)$")


def traefik_routes(labels: dict[str, str]) -> list[tuple[str, str, float | None]]:
    """(router, backend service, share) named by Traefik labels of one container.

    ``traefik.http.routers.R.service=S`` routes to service S (a weighted service splits by weight);
    a router without a ``service`` label routes to the container itself (None as backend).
    """
    routers = {key.split(".")[3] for key in labels if key.startswith("traefik.http.routers.") and key.count(".") >= 4}
    weighted: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in labels.items():
        match = _TRAEFIK_WEIGHTED.match(key)
        if match:
            weighted.setdefault(match.group(1), {}).setdefault(int(match.group(2)), {})[match.group(3)] = value
    found: list[tuple[str, str, float | None]] = []
    for router in sorted(routers):
        service = labels.get(f"traefik.http.routers.{router}.service", "")
        service = service.split("@", 1)[0]
        if service in weighted:
            parts = [(p.get("name", "").split("@", 1)[0], int(p.get("weight", "1") or 1)) for p in weighted[service].values()]
            total = sum(w for _, w in parts)
            found.extend((router, name, w / total if total else None) for name, w in parts)
        else:
            found.append((router, service, None))
    return found
