"""Kubernetes manifests → draft components (one per workload) and references.

Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet) become components; Services and
Ingresses give entry points and resolve host names; HorizontalPodAutoscalers and
PodDisruptionBudgets add to the workloads they select (see :mod:`.kubernetes_links`).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from . import infer
from .documents import Document
from .draft import ComponentDraft, Draft, Fact, classify
from .kubernetes_links import link
from .kubernetes_objects import BATCH_KINDS, KubeObject, Workload, as_list, as_map, objects
from .sources import has_component_field
from .state import Mount, describe_storage
from .values import cpu_cores, heap_mb, kubernetes_memory_mb

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"})
_NOT_IMPORTED = frozenset({"ReplicationController"})
_SIDECARS = ("istio-proxy", "linkerd-proxy", "envoy", "cloud-sql-proxy", "cloudsql-proxy", "exporter", "fluent")
_JAVA_KEYS = ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JVM_OPTS", "CATALINA_OPTS", "JAVA_OPTIONS")


def import_kubernetes(documents: list[Document]) -> Draft:
    """Read Kubernetes documents into a draft."""
    draft = Draft("Kubernetes")
    everything = _applied(objects(documents), draft)
    owned = [o for o in everything if o.kind in ("Pod", "Job", "ReplicaSet")
             and as_list(as_map(o.value.get("metadata")).get("ownerReferences"))]
    if owned:  # `kubectl get all` output: the controller is in the input, or should be
        listed = ", ".join(f"{o.kind} {o.name}" for o in owned[:5]) + (f" and {len(owned) - 5} more" if len(owned) > 5 else "")
        draft.notes.append(f"left out objects that a controller owns (metadata.ownerReferences): {listed}; the "
                           "controller stands for them")
    kinds = [o for o in everything if o.kind in WORKLOAD_KINDS and not any(o is x for x in owned)]
    names = _component_names(kinds)
    workloads = [_workload(obj, names[id(obj)], draft) for obj in kinds]
    for workload in workloads:
        draft.components[workload.component.name] = workload.component
    ignored = Counter(o.kind or "(no kind)" for o in everything if o.kind in _NOT_IMPORTED)
    if ignored:
        listed = ", ".join(f"{n} {k}" for k, n in sorted(ignored.items()))
        draft.notes.append(f"not imported: {listed} (a ReplicationController is superseded by Deployments)")
    link(everything, workloads, draft)
    draft.system_name = _system_name(kinds) or _folder_name(documents)
    return draft


def _applied(found: list[KubeObject], draft: Draft) -> list[KubeObject]:
    """One object per kind, namespace and name: the last one, as ``kubectl apply`` of every file leaves it."""
    last: dict[tuple[str, str, str], KubeObject] = {}
    alternatives: dict[tuple[str, str, str], list[str]] = {}
    for obj in found:
        key = (obj.kind, obj.namespace, obj.name)
        if key in last and obj.name:
            alternatives.setdefault(key, [last[key].at("metadata", "name")]).append(obj.at("metadata", "name"))
        last[key] = obj
    for (kind, _, name), places in sorted(alternatives.items()):
        draft.notes.append(f"{kind} {name} is defined {len(places)} times ({', '.join(places)}): the last one is "
                           "used, as applying every file would leave it")
    kept = {id(obj) for obj in last.values()}
    return [obj for obj in found if id(obj) in kept]


def _component_names(kinds: list[KubeObject]) -> dict[int, str]:
    by_name: dict[str, list[KubeObject]] = {}
    for obj in kinds:
        by_name.setdefault(obj.name, []).append(obj)
    names: dict[int, str] = {}
    for name, group in by_name.items():
        for obj in group:
            if len(group) == 1:
                names[id(obj)] = name
            elif len({o.namespace for o in group}) == len(group):
                names[id(obj)] = f"{name}.{obj.namespace or 'default'}"
            else:
                names[id(obj)] = f"{name}.{obj.kind.lower()}.{obj.namespace or 'default'}"
    return names


def _system_name(kinds: list[KubeObject]) -> Fact | None:
    namespaces = {o.namespace for o in kinds}
    if len(namespaces) == 1 and next(iter(namespaces)) not in ("", "default"):
        first = kinds[0]
        return Fact(first.namespace, f"inferred from the namespace of every workload ({first.at('metadata', 'namespace')})")
    for label in ("app.kubernetes.io/part-of", "app"):
        values = {str(as_map(o.get("metadata", "labels")).get(label)) for o in kinds}
        if kinds and len(values) == 1 and "None" not in values:
            return Fact(next(iter(values)), f"inferred from the label {label} that every workload carries")
    return None


def _folder_name(documents: list[Document]) -> Fact | None:
    if not documents:
        return None
    folder = os.path.basename(os.path.dirname(os.path.abspath(documents[0].file)))
    return Fact(folder or "imported system", f"inferred from the folder of {documents[0].label}")


def _workload(obj: KubeObject, name: str, draft: Draft) -> Workload:
    pod = as_map(obj.get(*obj.pod))
    containers = [c for c in as_list(pod.get("containers")) if isinstance(c, dict)]
    if not containers:
        raise obj.doc.fail(f"a workload needs {'.'.join(obj.pod)}.containers", *obj.path, "spec")
    main = _main_container(obj.name, containers)
    cpath: tuple[str | int, ...] = (*obj.pod, "containers", main)
    container = containers[main]
    comp = ComponentDraft(name, obj.at("metadata", "name"))
    for port in as_list(container.get("ports")):
        if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
            comp.ports.add(port["containerPort"])
            if isinstance(port.get("name"), str):
                comp.port_names[port["containerPort"]] = port["name"]
    image = container.get("image") if isinstance(container.get("image"), str) else None
    classify(comp, image, obj.at(*cpath, "image"))
    if image:
        comp.set("technology", image[:200], f"image of container {container.get('name')} ({obj.at(*cpath, 'image')})")
        runtime = infer.runtime_from_image(image)
        if runtime:
            comp.set("runtime", runtime, f"inferred from image {image}")
    _replicas(obj, comp, draft)
    if obj.kind not in BATCH_KINDS:  # work that runs to completion is not probed, spread or drained
        _probes(obj, cpath, container, comp)
    _resources(obj, cpath, container, comp)
    _java(obj, cpath, container, comp)
    _strategy(obj, comp, draft)
    if obj.kind not in BATCH_KINDS:
        _spread(obj, pod, comp)
    describe_storage(comp, _mounts(obj, pod, cpath, container))
    labels = {str(k): str(v) for k, v in as_map(obj.get(*obj.template, "metadata", "labels")).items()}
    return Workload(obj, comp, labels, containers, main)


def _main_container(name: str, containers: list[dict[str, Any]]) -> int:
    for i, container in enumerate(containers):
        if container.get("name") == name:
            return i
    for i, container in enumerate(containers):
        label = f"{container.get('name', '')} {container.get('image', '')}".lower()
        if not any(s in label for s in _SIDECARS):
            return i
    return 0


def _batch(obj: KubeObject, comp: ComponentDraft) -> None:
    """A Job or CronJob runs to completion: its calls are batch paths; a bare Pod is one instance no controller keeps."""
    if obj.kind == "Pod":
        comp.set("replicas", 1, f"a bare Pod is one instance ({obj.at('kind')})")
        if has_component_field("recovery"):
            comp.set("recovery", "rebuild", f"inferred: no controller replaces a bare Pod when its node fails "
                     f"({obj.at('kind')})")
        return
    comp.calls_as = "batch"
    if comp.kind == "service":
        comp.set("kind", "worker", f"{obj.kind} {obj.name} runs to completion ({obj.at('kind')})")
    schedule = obj.get("spec", "schedule")
    what = f"CronJob on the schedule {schedule!r}" if isinstance(schedule, str) else "Job"
    comp.set("description", f"Batch work: a {what}; what it calls is a batch path, not the request path.",
             f"{obj.kind} ({obj.at('kind')})")
    job = (*obj.template[:-1],) if obj.kind == "CronJob" else ("spec",)
    parallelism = obj.get(*job, "parallelism")
    if isinstance(parallelism, int) and not isinstance(parallelism, bool) and parallelism >= 1:
        comp.set("replicas", parallelism, f"parallelism ({obj.at(*job, 'parallelism')})")
    else:
        comp.set("replicas", 1, f"inferred: parallelism not stated, a Job runs 1 pod at a time ({obj.at(*job)})")


def _replicas(obj: KubeObject, comp: ComponentDraft, draft: Draft) -> None:
    if obj.kind in BATCH_KINDS or obj.kind == "Pod":
        _batch(obj, comp)
        return
    replicas = obj.get("spec", "replicas")
    if obj.kind == "DaemonSet":
        draft.notes.append(f"{obj.at('kind')}: DaemonSet {obj.name} runs one pod per node: replicas left unknown")
        comp.set("anti_affinity", True, f"inferred: a DaemonSet runs one pod per node ({obj.at('kind')})")
    elif isinstance(replicas, int) and not isinstance(replicas, bool) and replicas >= 1:
        comp.set("replicas", replicas, f"spec.replicas ({obj.at('spec', 'replicas')})")
    elif replicas == 0 and not isinstance(replicas, bool):
        draft.notes.append(f"{obj.at('spec', 'replicas')}: {obj.name} is scaled to 0 replicas; replicas left unknown")
    elif replicas is not None:  # stated, but not a count: true, -1, 2.5, 'three'
        text = str(replicas).lower() if isinstance(replicas, bool) else repr(replicas) if isinstance(replicas, str) else str(replicas)
        text = text if len(text) <= 60 else f"{text[:57]}... ({len(text):,} characters)"
        draft.notes.append(f"{obj.at('spec', 'replicas')}: spec.replicas of {obj.name} is {text}, not a number of pods; "
                           "replicas left unknown")
    else:
        comp.set("replicas", 1, f"inferred: spec.replicas not stated, Kubernetes starts 1 ({obj.at('spec')})")


def _probes(obj: KubeObject, cpath: tuple[Any, ...], container: dict[str, Any], comp: ComponentDraft) -> None:
    name = container.get("name")
    for probe, field in (("readinessProbe", "readiness"), ("livenessProbe", "liveness")):
        if isinstance(container.get(probe), dict):
            comp.set(f"health_checks.{field}", True, f"{probe} ({obj.at(*cpath, probe)})")
        else:
            comp.set(f"health_checks.{field}", False, f"no {probe} on container {name} ({obj.at(*cpath)})")
    ready, live = container.get("readinessProbe"), container.get("livenessProbe")
    if isinstance(ready, dict) and isinstance(live, dict):
        same = _handler(ready) == _handler(live)
        comp.set("health_checks.identical", same,
                 f"readinessProbe and livenessProbe {'check the same' if same else 'differ in what they check'}"
                 f" ({obj.at(*cpath, 'livenessProbe')})")


def _handler(probe: dict[str, Any]) -> Any:
    return {k: v for k, v in probe.items() if k in ("httpGet", "tcpSocket", "exec", "grpc")}


def _resources(obj: KubeObject, cpath: tuple[Any, ...], container: dict[str, Any], comp: ComponentDraft) -> None:
    resources = as_map(container.get("resources"))
    for block, suffix in (("limits", "limit"), ("requests", "request")):
        values = as_map(resources.get(block))
        where = obj.at(*cpath, "resources", block)
        cpu = cpu_cores(values["cpu"]) if "cpu" in values else None
        memory = kubernetes_memory_mb(values["memory"]) if "memory" in values else None
        if cpu is not None:
            comp.set(f"resources.cpu_{suffix}", cpu, f"{block}.cpu {values['cpu']} ({where})")
        if memory is not None:
            comp.set(f"resources.memory_{suffix}_mb", memory, f"{block}.memory {values['memory']} ({where})")


def _java(obj: KubeObject, cpath: tuple[Any, ...], container: dict[str, Any], comp: ComponentDraft) -> None:
    for i, item in enumerate(as_list(container.get("env"))):
        if isinstance(item, dict) and item.get("name") in _JAVA_KEYS and isinstance(item.get("value"), str):
            heap = heap_mb(item["value"])
            if heap is not None:
                where = obj.at(*cpath, "env", i)
                comp.set("heap_mb", heap, f"-Xmx in {item['name']} ({where})")
                comp.set("runtime", "jvm", f"inferred from {item['name']} ({where})")
                return


def _strategy(obj: KubeObject, comp: ComponentDraft, draft: Draft) -> None:
    field = "strategy" if obj.kind == "Deployment" else "updateStrategy"
    if obj.kind in ("ReplicaSet", "Job", "CronJob", "Pod"):
        return
    kind = obj.get("spec", field, "type")
    if kind == "Recreate":
        comp.set("deployment.strategy", "recreate", f"spec.{field}.type Recreate ({obj.at('spec', field)})")
    elif kind == "RollingUpdate":
        comp.set("deployment.strategy", "rolling", f"spec.{field}.type RollingUpdate ({obj.at('spec', field)})")
    elif kind is None:
        comp.set("deployment.strategy", "rolling", f"inferred: spec.{field} not stated, Kubernetes rolls updates out")
    else:
        draft.notes.append(f"{obj.at('spec', field)}: {obj.name} updates with {kind}: deployment strategy left unknown")


_ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")


def _spread(obj: KubeObject, pod: dict[str, Any], comp: ComponentDraft) -> None:
    base = obj.pod
    _zones(obj, pod, comp)
    if "anti_affinity" in comp.facts:
        return
    anti = as_map(as_map(pod.get("affinity")).get("podAntiAffinity"))
    spread = as_list(pod.get("topologySpreadConstraints"))
    keys = [str(as_map(c).get("topologyKey")) for c in spread]
    for block in ("requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"):
        for term in as_list(anti.get(block)):
            term = as_map(term)
            keys.append(str(as_map(term.get("podAffinityTerm", term)).get("topologyKey")))
    across = "zones" if any(k in _ZONE_KEYS for k in keys) else "hosts"
    if anti:
        comp.set("anti_affinity", True, f"podAntiAffinity across {across} ({obj.at(*base, 'affinity', 'podAntiAffinity')})")
    elif spread:
        comp.set("anti_affinity", True, f"topologySpreadConstraints across {across} "
                 f"({obj.at(*base, 'topologySpreadConstraints')})")
    else:
        comp.set("anti_affinity", False, f"inferred: no podAntiAffinity or topologySpreadConstraints ({obj.at(*base)})")


def _zones(obj: KubeObject, pod: dict[str, Any], comp: ComponentDraft) -> None:
    """Zones named by a node selector or a required node affinity on the zone label."""
    base = obj.pod
    selector = as_map(pod.get("nodeSelector"))
    for key in _ZONE_KEYS:
        if isinstance(selector.get(key), str):
            comp.set("zones", [selector[key]], f"nodeSelector {key} ({obj.at(*base, 'nodeSelector', key)})")
            return
    required = as_map(as_map(as_map(pod.get("affinity")).get("nodeAffinity")).get(
        "requiredDuringSchedulingIgnoredDuringExecution"))
    for i, term in enumerate(as_list(required.get("nodeSelectorTerms"))):
        for j, expression in enumerate(as_list(as_map(term).get("matchExpressions"))):
            expression = as_map(expression)
            values = [str(v) for v in as_list(expression.get("values"))]
            if expression.get("key") in _ZONE_KEYS and expression.get("operator") == "In" and values:
                where = obj.at(*base, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                               "nodeSelectorTerms", i, "matchExpressions", j)
                comp.set("zones", sorted(set(values)), f"required node affinity on {expression['key']} ({where})")
                return


def _mounts(obj: KubeObject, pod: dict[str, Any], cpath: tuple[Any, ...], container: dict[str, Any]) -> list[Mount]:
    kinds: dict[str, tuple[str, str]] = {}
    for volume in as_list(pod.get("volumes")):
        if not isinstance(volume, dict):
            continue
        if "persistentVolumeClaim" in volume:
            kinds[str(volume.get("name"))] = ("persistent volume claim", str(as_map(volume["persistentVolumeClaim"]).get("claimName")))
        elif "emptyDir" in volume:
            memory = as_map(volume["emptyDir"]).get("medium") == "Memory"
            kinds[str(volume.get("name"))] = ("in-memory emptyDir" if memory else "emptyDir", str(volume.get("name")))
        elif "hostPath" in volume:
            kinds[str(volume.get("name"))] = ("host path", str(as_map(volume["hostPath"]).get("path")))
        else:
            kinds[str(volume.get("name"))] = ("configuration volume", str(volume.get("name")))
    for template in as_list(obj.get("spec", "volumeClaimTemplates")):
        name = str(as_map(as_map(template).get("metadata")).get("name"))
        kinds[name] = ("volume claim template", name)
    mounts = []
    for i, mount in enumerate(as_list(container.get("volumeMounts"))):
        if isinstance(mount, dict) and str(mount.get("name")) in kinds:
            kind, source = kinds[str(mount.get("name"))]
            mounts.append(Mount(kind, source, str(mount.get("mountPath") or ""), mount.get("readOnly") is True,
                                obj.at(*cpath, "volumeMounts", i)))
    return mounts
