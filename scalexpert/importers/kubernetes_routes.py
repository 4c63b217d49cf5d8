"""Routes into and inside a cluster: Ingress, Gateway API, Istio Gateway/VirtualService/DestinationRule.

- An Ingress, a Gateway API ``Gateway`` or an Istio ``Gateway`` is served by a gateway component (the
  controller's proxy): it becomes an entry point with ``one-of`` routes to the Services' workloads;
  route weights become ``share``.
- A Service whose selector picks several workloads that differ only by their ``version`` label (the
  Istio convention: ``reviews-v1``, ``reviews-v2``) is one component named after the Service, with the
  replicas of all versions; a split between its subsets is a split inside that component.
- A VirtualService's ``timeout``, ``retries`` and a DestinationRule's ``outlierDetection`` and
  ``connectionPool`` apply to every request edge to its host: ``timeout_ms``, ``retries``,
  ``circuit_breaker`` and ``bulkhead``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .draft import ComponentDraft, Draft, Fact, Reference
from .kubernetes_objects import KubeObject, Workload, as_list, as_map

_GATEWAY_KIND = "load-balancer"
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(ms|s|m|h)\s*$")
_FACTORS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def group_versions(services: dict[tuple[str, str], KubeObject], backends: dict[tuple[str, str], list[Workload]],
                   draft: Draft) -> None:
    """Workloads of one Service that differ by their ``version`` label become one component."""
    for (namespace, name), svc in sorted(services.items()):
        group = backends[(namespace, name)]
        versions = [w.labels.get("version") for w in group]
        if not group or None in versions or len(set(versions)) != len(group):
            continue
        if len(group) == 1 and group[0].obj.name == name:
            continue
        if name in draft.components and draft.components[name] not in [w.component for w in group]:
            continue
        first = group[0].component
        merged = ComponentDraft(name, svc.at("metadata", "name"))
        merged.facts = dict(first.facts)
        merged.ports, merged.port_names, merged.engine = set(first.ports), dict(first.port_names), first.engine
        merged.aliases = {name}.union(*(w.component.aliases for w in group))
        counts = [w.component.facts.get("replicas") for w in group]
        listed = ", ".join(f"{w.obj.name} (version {w.labels['version']})" for w in group)
        if len(group) == 1:
            pass
        elif all(c is not None for c in counts):
            merged.set("replicas", sum(int(c.value) for c in counts if c is not None),
                       f"replicas of {listed}, the versions behind Service {name} ({svc.at('spec', 'selector')})")
        else:
            merged.facts.pop("replicas", None)
        images = sorted({str(w.component.facts["technology"].value) for w in group if "technology" in w.component.facts})
        if len(images) > 1:
            merged.set("description", f"Versions {listed} behind one Service; images {', '.join(images)}.",
                       f"Service {name} selects them all ({svc.at('spec', 'selector')})")
        for workload in group:
            draft.components.pop(workload.component.name, None)
            workload.component = merged
        draft.components[name] = merged
        if len(group) > 1:
            draft.notes.append(f"{svc.at('spec', 'selector')}: {listed} are versions of one component {name} "
                               f"(Service {name} selects them all)")


def gateways(everything: list[KubeObject], backends: dict[tuple[str, str], list[Workload]], draft: Draft) -> None:
    """Ingresses, Gateway API Gateways/HTTPRoutes and Istio Gateways/VirtualServices → routes."""
    istio_gateways = {o.name: o for o in everything if o.kind == "Gateway" and _istio(o)}
    api_gateways = {o.name: o for o in everything if o.kind == "Gateway" and not _istio(o)}
    for ingress in (o for o in everything if o.kind == "Ingress"):
        gateway = _gateway(draft, _ingress_controller(ingress), ingress, f"Ingress {ingress.name}")
        for service, where, _ in _ingress_backends(ingress):
            _route(draft, gateway, ingress, service, where, None, backends)
    for route in (o for o in everything if o.kind in ("HTTPRoute", "GRPCRoute")):
        for parent in as_list(route.get("spec", "parentRefs")):
            owner = api_gateways.get(str(as_map(parent).get("name")))
            name = owner.name if owner else str(as_map(parent).get("name"))
            gateway = _gateway(draft, name, owner or route, f"Gateway {name}")
            for i, rule in enumerate(as_list(route.get("spec", "rules"))):
                refs = [as_map(r) for r in as_list(as_map(rule).get("backendRefs"))]
                total = sum(_weight(r.get("weight"), 1) for r in refs)
                for j, ref in enumerate(refs):
                    share = _weight(ref.get("weight"), 1) / total if len(refs) > 1 and total else None
                    _route(draft, gateway, route, str(ref.get("name")),
                           route.at("spec", "rules", i, "backendRefs", j), share, backends)
    for virtual in (o for o in everything if o.kind == "VirtualService"):
        bound = [str(g).split("/")[-1] for g in as_list(virtual.get("spec", "gateways"))]
        for name in bound:
            if name == "mesh":
                continue
            owner = istio_gateways.get(name)
            selector = as_map(owner.get("spec", "selector")) if owner else {}
            gateway = _gateway(draft, f"istio-{selector['istio']}" if "istio" in selector else name, owner or virtual,
                               f"Istio Gateway {name}")
            for destination, where, share in _virtual_routes(virtual):
                _route(draft, gateway, virtual, destination, where, share, backends)


def policies(everything: list[KubeObject], backends: dict[tuple[str, str], list[Workload]], draft: Draft) -> None:
    """VirtualService timeouts and retries, DestinationRule circuit breaking: fields of edges to the host."""
    found: dict[str, dict[str, Fact]] = defaultdict(dict)
    for service in (o for o in everything if o.kind == "VirtualService"):
        for host in as_list(service.get("spec", "hosts")):
            for target in _targets(str(host), service.namespace, backends):
                found[target].update(_virtual_policy(service))
    for rule in (o for o in everything if o.kind == "DestinationRule"):
        for target in _targets(str(rule.get("spec", "host")), rule.namespace, backends):
            found[target].update(_destination_policy(rule))
    for target, fields in sorted(found.items()):
        if fields:
            draft.policies.setdefault(target, {}).update(fields)


def _istio(obj: KubeObject) -> bool:
    return str(obj.value.get("apiVersion", "")).startswith("networking.istio.io")


def _ingress_controller(ingress: KubeObject) -> str:
    cls = ingress.get("spec", "ingressClassName") or as_map(ingress.get("metadata", "annotations")).get(
        "kubernetes.io/ingress.class")
    if cls == "istio":
        return "istio-ingressgateway"
    return f"ingress-{cls}" if isinstance(cls, str) and cls else "ingress"


def _gateway(draft: Draft, name: str, obj: KubeObject, what: str) -> str:
    if name not in draft.components:
        component = ComponentDraft(name, obj.at("metadata", "name"))
        component.set("kind", _GATEWAY_KIND, f"inferred: the proxy that serves {what} ({obj.at('kind')})")
        component.set("routing", "one-of", f"inferred: a gateway sends each request to one of its routes ({obj.at('kind')})")
        component.aliases.add(name)
        draft.components[name] = component
    draft.entry_points.setdefault(name, f"{what} ({obj.at('kind')})")
    return name


def _route(draft: Draft, gateway: str, obj: KubeObject, service: str, where: str, share: float | None,
           backends: dict[tuple[str, str], list[Workload]]) -> None:
    targets = _targets(service, obj.namespace, backends)
    if not targets:
        draft.notes.append(f"{where}: {obj.kind} {obj.name} routes to {service}, which selects no workload in the input")
    for target in targets:
        fields = {"share": Fact(round(share, 4), f"weight of the route ({where})")} if share is not None else {}
        if gateway == target:
            continue
        draft.references.append(Reference(gateway, target, f"{obj.kind} {obj.name} routes to {service} ({where})",
                                          fields=fields))


def _targets(host: str, namespace: str, backends: dict[tuple[str, str], list[Workload]]) -> list[str]:
    name, _, rest = host.partition(".")
    space = rest.split(".", 1)[0] if rest else namespace
    found: list[str] = []
    for (ns, svc), workloads in sorted(backends.items()):
        if svc == name and (ns == space or not ns or not space):
            found.extend(w.component.name for w in workloads)
    return sorted(set(found))


def _ingress_backends(ingress: KubeObject) -> list[tuple[str, str, None]]:
    found: list[tuple[str, str, None]] = []
    for key in ("defaultBackend", "backend"):
        backend = as_map(ingress.get("spec", key))
        name = as_map(backend.get("service")).get("name") or backend.get("serviceName")
        if name:
            found.append((str(name), ingress.at("spec", key), None))
    for i, rule in enumerate(as_list(ingress.get("spec", "rules"))):
        for j, path in enumerate(as_list(as_map(as_map(rule).get("http")).get("paths"))):
            backend = as_map(as_map(path).get("backend"))
            name = as_map(backend.get("service")).get("name") or backend.get("serviceName")
            if name:
                found.append((str(name), ingress.at("spec", "rules", i, "http", "paths", j), None))
    return found


def _virtual_routes(service: KubeObject) -> list[tuple[str, str, float | None]]:
    """(host, where, share) of every HTTP/TCP/TLS route destination; weights → shares per route."""
    found: list[tuple[str, str, float | None]] = []
    for protocol in ("http", "tcp", "tls"):
        for i, rule in enumerate(as_list(service.get("spec", protocol))):
            routes = [as_map(r) for r in as_list(as_map(rule).get("route"))]
            hosts = {str(as_map(r.get("destination")).get("host")) for r in routes}
            total = sum(_weight(r.get("weight"), 0) for r in routes)
            for j, route in enumerate(routes):
                host = str(as_map(route.get("destination")).get("host"))
                weight = _weight(route.get("weight"), 0)
                share = weight / total if len(hosts) > 1 and total else None
                found.append((host, service.at("spec", protocol, i, "route", j), share))
    return found


def _virtual_policy(service: KubeObject) -> dict[str, Fact]:
    fields: dict[str, Fact] = {}
    for i, rule in enumerate(as_list(service.get("spec", "http"))):
        rule = as_map(rule)
        where = service.at("spec", "http", i)
        retries = as_map(rule.get("retries"))
        per_try = _duration_ms(retries.get("perTryTimeout"))
        overall = _duration_ms(rule.get("timeout"))
        if per_try:
            fields["timeout_ms"] = Fact(per_try, f"VirtualService {service.name} retries.perTryTimeout ({where})")
        elif overall:
            fields["timeout_ms"] = Fact(overall, f"VirtualService {service.name} timeout {rule.get('timeout')} ({where})")
        attempts = retries.get("attempts")
        if isinstance(attempts, int) and not isinstance(attempts, bool) and attempts >= 0:
            fields["retries"] = Fact(attempts, f"VirtualService {service.name} retries.attempts ({where})")
    return fields


def _destination_policy(rule: KubeObject) -> dict[str, Fact]:
    fields: dict[str, Fact] = {}
    policies = [("spec", "trafficPolicy")] + [("spec", "subsets", i, "trafficPolicy")
                                              for i, _ in enumerate(as_list(rule.get("spec", "subsets")))]
    for path in policies:
        node: Any = rule.value
        for part in path:
            node = node[part] if isinstance(part, int) and isinstance(node, list) else as_map(node).get(str(part))
        policy = as_map(node)
        if as_map(policy.get("outlierDetection")):
            fields["circuit_breaker"] = Fact(True, f"DestinationRule {rule.name} outlierDetection ejects failing "
                                             f"endpoints ({rule.at(*path, 'outlierDetection')})")
        if as_map(policy.get("connectionPool")):
            fields["bulkhead"] = Fact(True, f"DestinationRule {rule.name} connectionPool limits the calls to it "
                                      f"({rule.at(*path, 'connectionPool')})")
    return fields


def _weight(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


def _duration_ms(value: Any) -> float | None:
    match = _DURATION.match(str(value)) if value is not None else None
    if not match:
        return None
    number = float(match.group(1)) * _FACTORS[match.group(2)]
    return int(number) if number == int(number) and number > 0 else (number if number > 0 else None)
