"""Kubernetes objects that point at workloads: Services, Ingresses, autoscalers, disruption budgets.

Host names in container environments (``DB_HOST=orders-db``, ``http://cart.shop.svc.cluster.local``)
name Services; a Service reaches the workloads whose pod labels match its selector.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .draft import Draft, Reference, add_external, external_host, ref_role
from .kubernetes_objects import BATCH_KINDS, KubeObject, Workload, as_list, as_map
from .kubernetes_routes import gateways, group_versions, policies
from .values import HostRef, kubernetes_names, refs_in_args, refs_in_env, shown

_EXPOSED_TYPES = ("LoadBalancer", "NodePort")


def link(everything: list[KubeObject], workloads: list[Workload], draft: Draft) -> None:
    """Add entry points, references, autoscaling and disruption budgets to the draft."""
    services = {(o.namespace, o.name): o for o in everything if o.kind == "Service"}
    configmaps = {(o.namespace, o.name): as_map(o.value.get("data")) for o in everything if o.kind == "ConfigMap"}
    backends = {key: _selected(svc, workloads) for key, svc in services.items()}
    for (namespace, name), chosen in backends.items():
        for workload in chosen:
            space = namespace or "default"
            workload.component.aliases.update({name, f"{name}.{space}", f"{name}.{space}.svc",
                                               f"{name}.{space}.svc.cluster.local"})
    for workload in workloads:
        workload.component.aliases.add(workload.obj.name)
    for (namespace, name), svc in sorted(services.items()):
        _service_ports(svc, backends[(namespace, name)])
        kind = svc.get("spec", "type")
        if kind in _EXPOSED_TYPES:
            for workload in backends[(namespace, name)]:
                draft.entry_points[workload.component.name] = f"Service {name} of type {kind} ({svc.at('spec', 'type')})"
    group_versions(services, backends, draft)
    gateways(everything, backends, draft)
    draft.unresolved_what = "host names that match no Service or workload in the input"
    for workload in workloads:
        _references(workload, services, backends, configmaps, workloads, draft)
    policies(everything, backends, draft)
    for hpa in (o for o in everything if o.kind == "HorizontalPodAutoscaler"):
        _autoscaler(hpa, workloads, draft)
    for pdb in (o for o in everything if o.kind == "PodDisruptionBudget"):
        _budget(pdb, workloads, draft)
    _stated_absence(workloads)


def _stated_absence(workloads: list[Workload]) -> None:
    """Workloads that no autoscaler or disruption budget in the input covers: stated as ``none``."""
    for workload in workloads:
        comp, obj = workload.component, workload.obj
        if comp.role is not None:
            continue
        what = f"{obj.kind} {obj.name}"
        if obj.kind in BATCH_KINDS or obj.kind == "Pod":
            continue  # runs to completion, or is one pod no controller keeps: neither scales nor is drained
        if obj.kind != "DaemonSet" and not any(p.startswith("autoscaling.") for p in comp.facts):
            comp.set("autoscaling", "none", f"no HorizontalPodAutoscaler in the input targets {what} ({obj.at('kind')})")
        if not any(p.startswith("disruption_budget.") for p in comp.facts):
            comp.set("disruption_budget", "none", f"no PodDisruptionBudget in the input selects {what} ({obj.at('kind')})")


def _selected(svc: KubeObject, workloads: list[Workload]) -> list[Workload]:
    selector = as_map(svc.get("spec", "selector"))
    if not selector:
        return []
    return [w for w in workloads if _same_namespace(w.obj.namespace, svc.namespace)
            and all(w.labels.get(str(k)) == str(v) for k, v in selector.items())]


def _same_namespace(a: str, b: str) -> bool:
    return a == b or not a or not b


def _service_ports(svc: KubeObject, targets: list[Workload]) -> None:
    for port in as_list(svc.get("spec", "ports")):
        if not isinstance(port, dict) or not isinstance(port.get("port"), int):
            continue
        label = port.get("appProtocol") or port.get("name")
        for workload in targets:
            workload.component.ports.add(port["port"])
            if isinstance(label, str):
                workload.component.port_names.setdefault(port["port"], label)


def _references(workload: Workload, services: dict[tuple[str, str], KubeObject], backends: dict[tuple[str, str], list[Workload]],
                configmaps: dict[tuple[str, str], dict[str, Any]], workloads: list[Workload], draft: Draft) -> None:
    obj = workload.obj
    for c, container in enumerate(workload.containers):
        cpath: tuple[str | int, ...] = (*obj.pod, "containers", c)
        for key, value, where in _environment(obj, cpath, container, configmaps):
            for ref in refs_in_env(key, value):
                evidence = f"env {key}={shown(value)} ({where})"
                _add(workload, ref, evidence, key, services, backends, workloads, draft)
        args = [str(a) for a in as_list(container.get("command")) + as_list(container.get("args"))]
        for ref in refs_in_args(args):
            evidence = f"command {shown(' '.join(args))} ({obj.at(*cpath)})"
            _add(workload, ref, evidence, None, services, backends, workloads, draft)


def _environment(obj: KubeObject, cpath: tuple[Any, ...], container: dict[str, Any],
                 configmaps: dict[tuple[str, str], dict[str, Any]]) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for i, item in enumerate(as_list(container.get("env"))):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        where = obj.at(*cpath, "env", i)
        if isinstance(item.get("value"), (str, int)) and not isinstance(item.get("value"), bool):
            found.append((item["name"], str(item["value"]), where))
        ref = as_map(as_map(item.get("valueFrom")).get("configMapKeyRef"))
        data = _configmap(configmaps, obj.namespace, ref.get("name"))
        if data is not None and ref.get("key") in data:
            found.append((item["name"], str(data[ref["key"]]), f"{where}, ConfigMap {ref.get('name')}"))
    for i, source in enumerate(as_list(container.get("envFrom"))):
        ref = as_map(as_map(source).get("configMapRef"))
        data = _configmap(configmaps, obj.namespace, ref.get("name"))
        prefix = str(as_map(source).get("prefix") or "")
        for key, value in sorted((data or {}).items()):
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                found.append((f"{prefix}{key}", str(value), f"{obj.at(*cpath, 'envFrom', i)}, ConfigMap {ref.get('name')}"))
    return found


def _configmap(configmaps: dict[tuple[str, str], dict[str, Any]], namespace: str, name: Any) -> dict[str, Any] | None:
    if not isinstance(name, str):
        return None
    for (ns, cm_name), data in configmaps.items():
        if cm_name == name and _same_namespace(ns, namespace):
            return data
    return None


def _add(workload: Workload, ref: HostRef, evidence: str, key: str | None, services: dict[tuple[str, str], KubeObject],
         backends: dict[tuple[str, str], list[Workload]], workloads: list[Workload], draft: Draft) -> None:
    name, namespace = kubernetes_names(ref.host)
    caller_ns = workload.obj.namespace
    targets: list[Workload] = []
    for (svc_ns, svc_name), _svc in sorted(services.items()):
        if svc_name == name and _same_namespace(svc_ns, namespace or caller_ns):
            targets.extend(backends[(svc_ns, svc_name)])
    if not targets and namespace and re.fullmatch(r".+-[0-9]+", name):  # web-0.web: a pod of a headless Service
        for (svc_ns, svc_name), _svc in sorted(services.items()):
            if svc_name == namespace and _same_namespace(svc_ns, caller_ns):
                targets.extend(backends[(svc_ns, svc_name)])
    if not targets and namespace is None:
        targets = [w for w in workloads if w.obj.name == name and _same_namespace(w.obj.namespace, caller_ns)]
        if targets:
            evidence += f"; no Service {name} in the input, matched the workload of that name"
    role = ref_role(ref, key, workload.component)
    if not targets:
        namespaces = frozenset(ns for ns, _ in services) | frozenset(w.obj.namespace for w in workloads)
        if external_host(ref.host, namespaces):
            external = add_external(draft, ref.host, evidence)
            draft.references.append(Reference(workload.component.name, external, evidence, ref.port, ref.scheme, key,
                                              role=role))
        elif ref.host not in ("localhost", "127.0.0.1", "0.0.0.0"):  # another source may name it
            draft.unresolved.append(Reference(workload.component.name, ref.host, evidence, ref.port, ref.scheme, key,
                                              role=role))
        return
    for target in targets:
        draft.references.append(Reference(workload.component.name, target.component.name, evidence, ref.port,
                                          ref.scheme, key, role=role))


def _target(obj: KubeObject, workloads: list[Workload], kind: Any, name: Any) -> Workload | None:
    for workload in workloads:
        if workload.obj.kind == kind and workload.obj.name == name and _same_namespace(workload.obj.namespace, obj.namespace):
            return workload
    return None


def _autoscaler(hpa: KubeObject, workloads: list[Workload], draft: Draft) -> None:
    ref = as_map(hpa.get("spec", "scaleTargetRef"))
    workload = _target(hpa, workloads, ref.get("kind"), ref.get("name"))
    where = hpa.at("spec", "scaleTargetRef")
    if workload is None:
        draft.notes.append(f"{where}: HorizontalPodAutoscaler {hpa.name} targets {ref.get('kind')} {ref.get('name')}, "
                           "which is not in the input: it scales nothing here")
        return
    low, high = hpa.get("spec", "minReplicas"), hpa.get("spec", "maxReplicas")
    low = low if isinstance(low, int) and not isinstance(low, bool) else 1
    if not isinstance(high, int) or isinstance(high, bool) or high < 1 or low > high:
        draft.notes.append(f"{where}: HorizontalPodAutoscaler {hpa.name} has no valid maxReplicas: left out")
        return
    comp = workload.component
    source = f"HorizontalPodAutoscaler {hpa.name}"
    comp.set("autoscaling.min", low, f"{source} minReplicas ({hpa.at('spec', 'minReplicas')})"
             if hpa.get("spec", "minReplicas") is not None else f"inferred: {source} minReplicas not stated, default 1")
    comp.set("autoscaling.max", high, f"{source} maxReplicas ({hpa.at('spec', 'maxReplicas')})")
    metric, target, why = _metric(hpa)
    if metric:
        comp.set("autoscaling.metric", metric, why)
    if target:
        comp.set("autoscaling.target", target, why)


def _metric(hpa: KubeObject) -> tuple[str | None, float | None, str]:
    """(metric, target, why) of autoscaling/v1, v2beta1, v2beta2 and v2 autoscalers."""
    percent = hpa.get("spec", "targetCPUUtilizationPercentage")
    if isinstance(percent, int) and percent > 0:
        return "cpu", percent / 100, f"targetCPUUtilizationPercentage {percent} ({hpa.at('spec', 'targetCPUUtilizationPercentage')})"
    metrics = as_list(hpa.get("spec", "metrics"))
    if not metrics:
        return "cpu", 0.8, f"inferred: no metric stated, Kubernetes targets 80 % CPU ({hpa.at('spec')})"
    first = as_map(metrics[0])
    where = hpa.at("spec", "metrics", 0)
    if first.get("type") == "Resource":
        resource = as_map(first.get("resource"))
        name = resource.get("name")
        metric = name if name in ("cpu", "memory") else "custom"
        utilization = as_map(resource.get("target")).get("averageUtilization", resource.get("targetAverageUtilization"))
        if isinstance(utilization, int) and utilization > 0:
            return metric, utilization / 100, f"{name} averageUtilization {utilization} % ({where})"
        return metric, None, f"{name} metric ({where})"
    block = as_map(first.get(str(first.get("type", "")).lower() or "pods"))
    name = str(as_map(block.get("metric")).get("name") or block.get("metricName") or "")
    lowered = name.lower()
    metric = ("queue-depth" if any(w in lowered for w in ("queue", "lag", "messages", "backlog"))
              else "requests" if any(w in lowered for w in ("request", "rps", "qps")) else "custom")
    return metric, None, f"{first.get('type')} metric {name or '(unnamed)'} ({where})"


def _budget(pdb: KubeObject, workloads: list[Workload], draft: Draft) -> None:
    selector = as_map(pdb.get("spec", "selector", "matchLabels"))
    chosen = [w for w in workloads if selector and _same_namespace(w.obj.namespace, pdb.namespace)
              and all(w.labels.get(str(k)) == str(v) for k, v in selector.items())]
    if not chosen:
        draft.notes.append(f"{pdb.at('spec', 'selector')}: PodDisruptionBudget {pdb.name} selects no workload in the input")
    for workload in chosen:
        comp = workload.component
        for field, path in (("minAvailable", "min_available"), ("maxUnavailable", "max_unavailable")):
            value = pdb.get("spec", field)
            if value is None:
                continue
            where = f"PodDisruptionBudget {pdb.name} {field} {value} ({pdb.at('spec', field)})"
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                comp.set(f"disruption_budget.{path}", value, where)
            elif isinstance(value, str) and value.endswith("%") and value[:-1].isdigit() and "replicas" in comp.facts:
                replicas = comp.facts["replicas"].value
                count = math.ceil(int(value[:-1]) * replicas / 100)
                comp.set(f"disruption_budget.{path}", count, f"inferred: {value} of {replicas} replicas, rounded up; {where}")
            else:
                draft.notes.append(f"{where}: cannot turn it into a number of replicas: left out")
