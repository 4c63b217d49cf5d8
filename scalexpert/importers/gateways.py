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


MAX_INCLUDED_FILES = 50
"""Files an nginx configuration may pull in through ``include`` (all levels together)."""
_MAX_INCLUDE_DEPTH = 5


def nginx_parse(text: str, path: str, label: str) -> list[dict[str, Any]]:
    """The file's directives, parsed by crossplane, with ``include`` followed (see :func:`_includes`).

    Standard input is parsed from a temporary copy (includes are then not followed: no folder to resolve
    them against)."""
    notes: list[str] = []
    if path == "-":
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            copy = os.path.join(folder, "nginx.conf")
            with open(copy, "w", encoding="utf-8") as handle:
                handle.write(text)
            parsed = _crossplane(copy, "<stdin>")
        _no_includes(parsed, label, notes)
        return [{"path": path, "label": label, "parsed": parsed, "notes": notes}]
    parsed = _crossplane(path, path)
    budget = [MAX_INCLUDED_FILES]
    included: set[str] = set()
    _includes(parsed, path, label, os.path.dirname(os.path.abspath(path)), budget, notes, 0, {os.path.abspath(path)},
              included)
    return [{"path": path, "label": label, "parsed": parsed, "notes": notes, "included": sorted(included)}]


def _crossplane(path: str, shown: str) -> list[dict[str, Any]]:
    import crossplane  # type: ignore[import-untyped]  # a maintained nginx configuration parser

    payload = crossplane.parse(path, catch_errors=False, single=True, check_ctx=False, check_args=False)
    if payload.get("status") != "ok" or not payload.get("config"):
        error = (payload.get("errors") or [{}])[0]
        raise InputError(Diagnostic(shown, int(error.get("line") or 0), 0, "", f"nginx: {error.get('error', 'cannot parse')}"))
    return list(payload["config"][0].get("parsed", []))


def _no_includes(block: list[dict[str, Any]], label: str, notes: list[str]) -> None:
    for item in block:
        if item.get("directive") == "include":
            notes.append(f"{label}:{item.get('line')}: include {' '.join(item.get('args') or [])} not followed: a "
                         "configuration read from standard input has no folder to resolve it against")
        _no_includes(item.get("block") or [], label, notes)


def _includes(block: list[dict[str, Any]], path: str, label: str, root: str, budget: list[int], notes: list[str],
              depth: int, seen: set[str], included: set[str] | None = None) -> None:
    """Replace each ``include`` by the directives of the files it names, in place.

    Paths are resolved relative to the including file; only files inside the folder of the configuration
    given (``root``) are read, at most :data:`MAX_INCLUDED_FILES` in all and :data:`_MAX_INCLUDE_DEPTH` levels
    deep; what is not followed is said in a note. Each included directive keeps its own file and line."""
    import glob

    index = 0
    while index < len(block):
        item = block[index]
        if item.get("directive") != "include":
            if item.get("block"):
                _includes(item["block"], path, label, root, budget, notes, depth, seen, included)
            index += 1
            continue
        pattern = str((item.get("args") or [""])[0])
        where = f"{label}:{item.get('line')}"
        full = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), pattern))
        spliced: list[dict[str, Any]] = []
        if os.path.isabs(pattern) or not (full == root or full.startswith(root + os.sep)):
            notes.append(f"{where}: include {pattern} not followed: only files beside the configuration (in its "
                         "folder or below) are read")
        elif depth >= _MAX_INCLUDE_DEPTH:
            notes.append(f"{where}: include {pattern} not followed: includes nested more than {_MAX_INCLUDE_DEPTH} deep")
        else:
            matched = sorted(glob.glob(full)) if any(c in pattern for c in "*?[") else [full]
            for found in matched:
                if found in seen or not os.path.isfile(found):
                    if not os.path.exists(found):
                        notes.append(f"{where}: include {pattern}: {os.path.relpath(found, root)} is not in the input")
                    continue
                if budget[0] <= 0:
                    notes.append(f"{where}: include {pattern} not followed past {MAX_INCLUDED_FILES} included files")
                    break
                budget[0] -= 1
                if included is not None:
                    included.add(found)
                sub_label = os.path.relpath(found, root).replace(os.sep, "/")
                parsed = _crossplane(found, found)
                _includes(parsed, found, sub_label, root, budget, notes, depth + 1, seen | {found}, included)
                for directive in parsed:
                    _mark(directive, found, sub_label)
                spliced.extend(parsed)
        block[index:index + 1] = spliced
        index += len(spliced)


def _mark(item: dict[str, Any], path: str, label: str) -> None:
    """Remember the file a directive comes from (an included file)."""
    item.setdefault("_path", path)
    item.setdefault("_label", label)
    for child in item.get("block") or []:
        _mark(child, path, label)


def read_nginx(files: Sequence[Any]) -> Draft:
    from .merge import merge

    included = {path for f in files for doc in f.documents for path in doc.get("included", [])}
    # a file another one includes is read as part of it, not as a gateway of its own
    drafts = [("deployment", _nginx(doc["path"], doc["label"], doc["parsed"])) for f in files for doc in f.documents
              if os.path.abspath(doc["path"]) not in included]
    draft = merge(drafts, resolve=False)  # type: ignore[arg-type]
    draft.notes.extend(note for f in files for doc in f.documents for note in doc.get("notes", []))
    return draft


def _nginx(path: str, label: str, parsed: list[dict[str, Any]]) -> Draft:
    upstreams: dict[str, list[tuple[str, int, int]]] = {}
    facts: dict[str, Fact] = {}
    workers: tuple[int, int, dict[str, Any]] | None = None
    connections: tuple[int, int, dict[str, Any]] | None = None
    routes: list[Route] = []

    def where(line: int, item: dict[str, Any] | None = None) -> Origin:
        item = item or {}
        return Origin(item.get("_path", path), item.get("_label", label), line)

    def walk(block: list[dict[str, Any]], inherited: dict[str, Fact]) -> None:
        nonlocal workers, connections
        local = dict(inherited)
        for item in block:
            name, args, line = item.get("directive"), item.get("args") or [], int(item.get("line") or 1)
            label_here = item.get("_label", label)
            if name == "worker_processes" and args and str(args[0]).isdigit():
                workers = (int(args[0]), line, item)
            elif name == "worker_connections" and args and str(args[0]).isdigit():
                connections = (int(args[0]), line, item)
            elif name == "proxy_read_timeout" and args and duration_ms(args[0]):
                local["timeout_ms"] = Fact(duration_ms(args[0]), f"proxy_read_timeout {args[0]} ({label_here}:{line})",
                                           where(line, item))
            elif name == "proxy_next_upstream_tries" and args and str(args[0]).isdigit() and int(args[0]) > 0:
                local["retries"] = Fact(int(args[0]) - 1, f"proxy_next_upstream_tries {args[0]} ({label_here}:{line})",
                                        where(line, item))
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
                routes.extend(_nginx_routes(name, str(args[0]), upstreams, item.get("_label", label), line, local,
                                            lambda at, item=item: where(at, item)))
            if item.get("block") and name != "upstream":
                walk(item["block"], local)

    walk(parsed, {})
    if workers and connections:
        total = workers[0] * connections[0] // 2
        facts["concurrency"] = Fact(total, f"worker_processes {workers[0]} × worker_connections {connections[0]} / 2 "
                                    f"(a proxied request holds two connections) "
                                    f"({connections[2].get('_label', label)}:{connections[1]})",
                                    where(connections[1], connections[2]))
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
