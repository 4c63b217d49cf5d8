"""Terraform (AWS first) → architecture.

HCL files are parsed with python-hcl2; each directory is a module. Root modules are the directories
that no other directory calls; a call of a local module that is among the inputs is read with the
arguments of the call; variables take their defaults, overridden by ``.tfvars`` files. A call of a
registry module is read as the resource it wraps when the module is a known one (the arguments it does
not set keep the module's defaults, which are not in the files: the import says so); other calls are
reported, not guessed. ``terraform show -json`` plans and states are read from their resource values.

Terraform describes infrastructure, not calls: dependencies come only from what the files state
(addresses in environment values and secrets, load balancer listeners and target groups, CloudFront
origins, Route 53 aliases, event source mappings, RDS Proxy targets). Components without any are
listed in a note, not connected by guesses.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, InputError
from .detect import Classified
from .draft import ComponentDraft, Draft, Edge, Fact
from .sources import has_component_field, slug

_REF = re.compile(r"\b(var|local|module|data|aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?"
                  r"((?:\.[A-Za-z0-9_-]+|\[[^\]]*\])*)")
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_ADDRESS_ATTRIBUTE = re.compile(r"(endpoint|address|dns_name|url|host|domain|ecs_service_name|service_name|"
                                r"queue_name|name|id|arn|table_name|bucket|port)")
_CALL_ARGUMENTS = re.compile(r"(env|secret|endpoint|url|uri|host|address|dsn|connection|queue|topic|table|redis|"
                             r"db_|database|bucket|broker|mq_|opensearch|elasticsearch|cache)", re.IGNORECASE)
_GENERIC_LABELS = frozenset({"this", "main", "default", "primary", "app", "service", "cluster", "this_service"})
_BURSTABLE = re.compile(r"^(db|cache)\.t[234][a-z]*\.|^t[234][a-z]*\.")

# registry module source (words in it) → the resource it wraps; first match wins
_REGISTRY: tuple[tuple[str, str], ...] = (
    ("rds-aurora", "aws_rds_cluster"), ("rds-proxy", "aws_db_proxy"), ("/rds/", "aws_db_instance"),
    ("terraform-aws-modules/rds", "aws_db_instance"), ("elasticache", "aws_elasticache_replication_group"),
    ("dynamodb", "aws_dynamodb_table"), ("opensearch", "aws_opensearch_domain"),
    ("elasticsearch", "aws_elasticsearch_domain"), ("/alb", "aws_lb"), ("/elb", "aws_elb"), ("/sqs", "aws_sqs_queue"),
    ("/sns", "aws_sns_topic"), ("lambda", "aws_lambda_function"), ("autoscaling", "aws_autoscaling_group"),
    ("ecs", "aws_ecs_service"), ("cloudfront", "aws_cloudfront_distribution"), ("/mq", "aws_mq_broker"),
    ("s3-bucket", "aws_s3_bucket"),
)
_KINDS: dict[str, str] = {
    "aws_db_instance": "database", "aws_rds_cluster": "database", "aws_elasticache_replication_group": "cache",
    "aws_elasticache_cluster": "cache", "aws_autoscaling_group": "service", "aws_ecs_service": "service",
    "aws_eks_node_group": "service", "aws_lb": "load-balancer", "aws_alb": "load-balancer", "aws_elb": "load-balancer",
    "aws_sqs_queue": "queue", "aws_sns_topic": "queue", "aws_dynamodb_table": "database",
    "aws_lambda_function": "function", "aws_cloudfront_distribution": "cdn", "aws_mq_broker": "queue",
    "aws_opensearch_domain": "search", "aws_elasticsearch_domain": "search", "aws_db_proxy": "load-balancer",
    "aws_s3_bucket": "object-storage", "aws_instance": "service", "aws_route53_record": "dns",
}
_COMPUTE = frozenset({"service", "function", "worker"})
# AWS services that are redundant across zones by design (the format's `managed`); the others are
# single instances unless their arguments say otherwise
_REGIONAL = frozenset({"aws_sqs_queue", "aws_sns_topic", "aws_dynamodb_table", "aws_s3_bucket",
                       "aws_cloudfront_distribution", "aws_route53_record", "aws_lambda_function", "aws_lb", "aws_alb",
                       "aws_elb", "aws_db_proxy"})
_ROUTING_POLICIES = ("failover_routing_policy", "weighted_routing_policy", "latency_routing_policy",
                     "geolocation_routing_policy")


@dataclass
class Resource:
    """One resource (or a module call read as the resource it wraps) in one module instance."""

    type: str
    label: str
    body: dict[str, Any]
    where: str
    instance: Instance
    module_source: str = ""
    component: str | None = None


@dataclass
class Module:
    """The blocks of one directory."""

    path: str
    resources: list[tuple[str, str, dict[str, Any], str]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Instance:
    """A module read with the arguments of one call."""

    module: Module
    name: str
    arguments: dict[str, Any]
    parent: Instance | None
    resources: dict[str, Resource] = field(default_factory=dict)
    children: dict[str, Instance] = field(default_factory=dict)
    registry: dict[str, Resource] = field(default_factory=dict)
    depth: int = 0

    def variable(self, name: str) -> tuple[Any, Instance | None]:
        """The value of ``var.name`` and the instance its expression belongs to (None: a literal)."""
        if name in self.arguments:
            return self.arguments[name], self.parent
        return self.module.variables.get(name), None


def import_terraform(files: list[Classified]) -> tuple[Draft, list[Edge]]:
    """Read HCL files (by directory), .tfvars files and `terraform show -json` output."""
    plans = [f for f in files if f.text.lstrip().startswith("{") and _is_plan(f.text)]
    if plans:
        if len(plans) != len(files):
            raise InputError(Diagnostic(plans[0].path, 0, 0, "", "import a `terraform show -json` file on its own, "
                                        "not together with HCL files"))
        return _import_plans(plans)
    modules: dict[str, Module] = {}
    tfvars: dict[str, Any] = {}
    for item in sorted(files, key=lambda f: f.path):
        directory = os.path.dirname(os.path.abspath(item.path))
        body = _parse(item)
        if item.path.endswith(".tfvars") or _only_assignments(body):
            tfvars.update(body)
            continue
        module = modules.setdefault(directory, Module(directory))
        _collect(module, body, item)
    draft = Draft("terraform")
    if not modules:
        raise InputError(Diagnostic(files[0].path, 0, 0, "", "no Terraform configuration (.tf files) to import"))
    called = {os.path.normpath(os.path.join(m.path, str(_literal(call.get("source"))))) for m in modules.values()
              for _, call, _ in m.calls if str(_literal(call.get("source") or "")).startswith(".")}
    roots = [m for path, m in sorted(modules.items()) if path not in called]
    instances: list[Instance] = []
    for root in roots or list(modules.values())[:1]:
        arguments = dict(tfvars)  # Terragrunt passes one file's values to every module that declares them
        instances.extend(_instantiate(root, "", arguments, None, modules, draft, 0))
    _read(instances, draft)
    return draft, _edges(instances, draft)


def _parse(item: Classified) -> dict[str, Any]:
    if item.path.endswith(".json"):
        try:
            value = json.loads(item.text)
        except ValueError as exc:
            raise InputError(Diagnostic(item.path, 0, 0, "", f"invalid JSON: {exc}")) from None
        return value if isinstance(value, dict) else {}
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True,
                                   preserve_heredocs=False)
    try:
        return _unquote(hcl2.loads(item.text, serialization_options=options))
    except Exception as exc:  # the parser raises lark's errors, which carry line and column
        line, column = getattr(exc, "line", 0) or 0, getattr(exc, "column", 0) or 0
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(Diagnostic(item.path, line if isinstance(line, int) else 0,
                                    column if isinstance(column, int) else 0, "",
                                    f"HCL syntax error: {first[:200]}")) from None


def _unquote(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).strip('"'): _unquote(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    return value


def _only_assignments(body: dict[str, Any]) -> bool:
    blocks = {"resource", "module", "variable", "provider", "terraform", "data", "locals", "output"}
    return bool(body) and not set(body) & blocks


def _line_of(text: str, pattern: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _collect(module: Module, body: dict[str, Any], item: Classified) -> None:
    label = item.label
    for block in _blocks(body.get("resource")):
        for rtype, named in block.items():
            for block_name, values in (named or {}).items():
                line = _line_of(item.text, rf'^\s*resource\s+"?{re.escape(rtype)}"?\s+"?{re.escape(block_name)}"?')
                module.resources.append((rtype, block_name, _first(values) or {}, f"{label}:{line}"))
    for block in _blocks(body.get("module")):
        for block_name, values in block.items():
            line = _line_of(item.text, rf'^\s*module\s+"?{re.escape(block_name)}"?')
            module.calls.append((block_name, _first(values) or {}, f"{label}:{line}"))
    for block in _blocks(body.get("variable")):
        for block_name, values in block.items():
            module.variables[block_name] = (_first(values) or {}).get("default")
    for block in _blocks(body.get("locals")):
        module.locals.update(block)
    for block in _blocks(body.get("output")):
        for block_name, values in block.items():
            module.outputs[block_name] = (_first(values) or {}).get("value")


def _blocks(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [v for v in value or [] if isinstance(v, dict)]


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _instantiate(module: Module, name: str, arguments: dict[str, Any], parent: Instance | None,
                 modules: dict[str, Module], draft: Draft, depth: int) -> list[Instance]:
    instance = Instance(module, name, arguments, parent, depth=depth)
    found = [instance]
    for rtype, label, body, where in module.resources:
        instance.resources[f"{rtype}.{label}"] = Resource(rtype, label, body, where, instance)
    for call_name, call, where in module.calls:
        source = str(_literal(call.get("source")) or "")
        arguments = {k: v for k, v in call.items() if k not in ("source", "version", "providers", "count",
                                                                  "for_each", "depends_on")}
        if source.startswith("."):
            target = os.path.normpath(os.path.join(module.path, source))
            if target in modules and depth < 8:
                children = _instantiate(modules[target], call_name, arguments, instance, modules, draft, depth + 1)
                instance.children[call_name] = children[0]
                found.extend(children)
            else:
                draft.notes.append(f"module {call_name} ({where}): its source {source} is not among the inputs; "
                                   "what it creates is not imported (import its directory too)")
            continue
        wrapped = next((rtype for words, rtype in _REGISTRY if words in source.lower()), None)
        if wrapped is None:
            if not re.search(r"(tags|label|naming|iam|policy|security|vpc|network|subnet|kms|log)", source.lower()):
                draft.notes.append(f"module {call_name} ({where}) from {source or 'an unknown source'} is not read: "
                                   "scalexpert does not know what it creates")
            continue
        resource = Resource(wrapped, call_name, arguments, where, instance, module_source=source)
        instance.registry[call_name] = resource
        instance.resources[f"module.{call_name}"] = resource
    return found


# ---------------------------------------------------------------- values


def _literal(value: Any) -> Any:
    """A value without interpolation, or None."""
    if isinstance(value, str) and "${" in value:
        return None
    return value


def _resolve(value: Any, instance: Instance | None, depth: int = 0) -> Any:
    """The value with ``var.`` and ``local.`` references replaced where they are literals (else None)."""
    if instance is None or depth > 12:
        return _literal(value)
    if isinstance(value, list):
        return [_resolve(v, instance, depth + 1) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = re.fullmatch(r"\$\{\s*(var|local)\.([A-Za-z0-9_-]+)\s*\}", value)
    if whole:
        return _reference(whole.group(1), whole.group(2), instance, depth)
    choice = re.fullmatch(r"\$\{\s*(var|local)\.([A-Za-z0-9_-]+)\s*\?\s*([^:?]+?)\s*:\s*([^:?]+?)\s*\}", value)
    if choice:  # cond ? a : b on a boolean variable
        condition = _reference(choice.group(1), choice.group(2), instance, depth)
        if isinstance(condition, bool) or condition in ("true", "false"):
            picked = choice.group(3) if condition in (True, "true") else choice.group(4)
            number = _number(picked)
            return number if number is not None else _resolve(f"${{{picked}}}", instance, depth + 1) \
                if re.fullmatch(r"(var|local)\.[A-Za-z0-9_-]+", picked) else picked.strip('"')

    def substitute(match: re.Match[str]) -> str:
        inner = re.fullmatch(r"\s*(var|local)\.([A-Za-z0-9_-]+)\s*", match.group(1))
        if inner:
            found = _reference(inner.group(1), inner.group(2), instance, depth)
            if isinstance(found, (str, int, float)) and not isinstance(found, bool):
                return str(found)
        return match.group(0)

    text = _INTERPOLATION.sub(substitute, value)
    return None if "${" in text else text


def _reference(kind: str, name: str, instance: Instance, depth: int) -> Any:
    if kind == "local":
        return _resolve(instance.module.locals.get(name), instance, depth + 1)
    value, owner = instance.variable(name)
    return _resolve(value, owner, depth + 1) if owner is not None else _literal(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return float(value) if "." in value else int(value)
    return None


# ---------------------------------------------------------------- components


def _read(instances: list[Instance], draft: Draft) -> None:
    for instance in instances:
        for key, resource in instance.resources.items():
            kind = _KINDS.get(resource.type)
            if kind is None:
                continue
            if resource.type == "aws_route53_record" and not any(resource.body.get(p) for p in _ROUTING_POLICIES):
                continue
            count = _number(_resolve(resource.body.get("count"), instance))
            if count == 0 and not resource.module_source:
                draft.notes.append(f"{resource.type}.{resource.label} ({resource.where}) has count 0 with these "
                                   "variables: not created, not imported")
                continue
            name = _name(resource, instance, draft, kind)
            comp = ComponentDraft(name, resource.where)
            kind_why = f"{resource.type} ({resource.where})" if not resource.module_source else \
                f"module {resource.label} from {resource.module_source}, which creates an {resource.type} ({resource.where})"
            comp.set("kind", kind, kind_why)
            if resource.type in _REGIONAL:
                comp.set("managed", True, f"inferred: {resource.type} is a regional AWS service, redundant across zones")
            resource.component = name
            draft.components[name] = comp
            _names_that_reach(resource, instance, comp)
            reader = _READERS.get(resource.type)
            if reader is not None:
                reader(resource, comp, _Args(resource), draft)
            if resource.module_source:
                draft.notes.append(f"{name}: read from the call of module {resource.label} ({resource.where}); "
                                   f"what the call does not set keeps the defaults of {resource.module_source}, "
                                   "which are not in these files")
    _cluster_instances(instances, draft)
    _autoscaling_targets(instances, draft)
    _dead_letter_queues(instances, draft)
    _recovery(draft)
    _egress(instances, draft)
    if not draft.components:
        raise InputError(Diagnostic(instances[0].module.path if instances else "<terraform>", 0, 0, "",
                                    "no resources of the kinds scalexpert reads (databases, caches, queues, load "
                                    "balancers, compute: see docs/importers.md) in these Terraform files"))


_IDENTIFIERS = ("identifier", "cluster_identifier", "replication_group_id", "cluster_id", "domain_name")
"""Arguments whose value is the first label of the host name AWS gives the resource (its endpoint)."""
_NAMES = ("name", "table_name", "broker_name", "function_name", "bucket")
_ENDPOINT_VALUES = ("endpoint", "address", "reader_endpoint", "primary_endpoint_address", "reader_endpoint_address",
                    "configuration_endpoint_address", "dns_name", "url")


def _names_that_reach(resource: Resource, instance: Instance, comp: ComponentDraft) -> None:
    """The names and endpoints by which other sources (a Kubernetes env value) reach the resource."""
    comp.aliases.add(f"{resource.type}.{resource.label}".lower())
    for key in (*_IDENTIFIERS, *_NAMES):
        value = _resolve(resource.body.get(key), instance)
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}", value):
            comp.aliases.add(value.lower())
            if key in _IDENTIFIERS:
                comp.endpoints.add(value.lower())
    for key in _ENDPOINT_VALUES:  # a plan or state holds the endpoints themselves
        value = resource.body.get(key)
        host = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0].rsplit(":", 1)[0] if isinstance(value, str) else ""
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", host) and "." in host:
            comp.aliases.add(host.lower())
            comp.endpoints.add(host.lower().split(".", 1)[0])


def _egress(instances: list[Instance], draft: Draft) -> None:
    """NAT gateways are no component kind of the format: say how many carry the private subnets' egress."""
    for instance in instances:
        for _, call, where in instance.module.calls:
            source = str(_literal(call.get("source")) or "")
            if "vpc" in source and _resolve(call.get("enable_nat_gateway"), instance) is True:
                single = _resolve(call.get("single_nat_gateway"), instance) is True
                draft.notes.append(
                    f"module vpc call ({where}): " + ("single_nat_gateway = true: one NAT gateway, in one zone, carries "
                                                      "the egress of every private subnet; when its zone fails, "
                                                      "instances elsewhere cannot reach the internet or pull images"
                                                      if single else "NAT gateways per the module's settings")
                    + " (a NAT gateway is not a component kind: not imported)")
        for resource in instance.resources.values():
            if resource.type == "aws_nat_gateway":
                count = _number(_resolve(resource.body.get("count"), instance))
                count = 1 if count is None else int(count)
                draft.notes.append(f"aws_nat_gateway {resource.label} ({resource.where}): {count} NAT gateway(s)"
                                   + (", one zone for all the subnets routed to it" if count == 1 else "")
                                   + " (a NAT gateway is not a component kind: not imported)")


def _recovery(draft: Draft) -> None:
    """Where state lives and how an instance comes back, as far as the resource type says."""
    for comp in draft.components.values():
        technology = str(comp.facts["technology"].value) if "technology" in comp.facts else ""
        if has_component_field("storage") and comp.kind in ("database", "search", "queue"):
            comp.set("storage", "persistent", "inferred: a managed AWS data service keeps data on managed storage")
        if not has_component_field("recovery"):
            continue
        failover = comp.facts.get("data.replication.failover")
        if failover is not None and failover.value == "automatic":
            comp.set("recovery", "failover", f"inferred: a standby takes over ({failover.why})")
            comp.set("managed", True, f"inferred: AWS fails over to a standby in another zone ({failover.why})")
        elif technology.startswith("ECS") or comp.facts["kind"].why.startswith(("aws_autoscaling_group",
                                                                                  "aws_eks_node_group")):
            comp.set("recovery", "reschedule", f"inferred: AWS replaces a failed instance ({comp.facts['kind'].why})")


def _dead_letter_queues(instances: list[Instance], draft: Draft) -> None:
    """A queue named as another queue's deadLetterTargetArn is that queue's dead-letter queue."""
    for instance in instances:
        for resource in instance.resources.values():
            if resource.type != "aws_sqs_queue" or not resource.component:
                continue
            for target in _references(json.dumps(resource.body.get("redrive_policy") or ""), instance):
                if target.component and target.component != resource.component:
                    comp = draft.components[target.component]
                    comp.facts.pop("messaging.dead_letter_queue", None)
                    comp.set("description", f"Dead-letter queue of {resource.component}.",
                             f"redrive_policy of {resource.component} ({resource.where})")


def _name(resource: Resource, instance: Instance, draft: Draft, kind: str) -> str:
    label = resource.label
    if label in _GENERIC_LABELS and instance.name:
        base = instance.name
    elif instance.name and instance.depth > 1:
        base = f"{instance.name}-{label}"
    else:
        base = label
    for suffix in ("_service", "-service"):
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
    name = slug(base.replace("_", "-"))
    if name in draft.components:  # the same label on resources of different types: tell them apart by kind
        name = f"{name}-{kind}"
    candidate, number = name, 2
    while candidate in draft.components:
        candidate, number = f"{name}-{number}", number + 1
    return candidate


class _Args:
    """The arguments of a resource, resolved, with ``key (file:line)`` for comments."""

    def __init__(self, resource: Resource) -> None:
        self.resource = resource

    def get(self, key: str) -> Any:
        value = self.resource.body
        for part in key.split("."):
            value = _first(value)
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return _resolve(value, self.resource.instance)

    def raw(self, key: str) -> Any:
        return self.resource.body.get(key)

    def why(self, key: str, value: Any = None) -> str:
        shown = f" = {value}" if value is not None else ""
        prefix = f"module {self.resource.label}: " if self.resource.module_source else ""
        return f"{prefix}{key}{shown} ({self.resource.where})"


def _technology(comp: ComponentDraft, text: str, why: str) -> None:
    comp.set("technology", text[:200], why)


def _instance_class(comp: ComponentDraft, args: _Args, key: str, product: str) -> None:
    value = args.get(key)
    if isinstance(value, str):
        _technology(comp, f"{product} {value}", args.why(key, value))
        if _BURSTABLE.match(value):
            comp.set("description", f"{product} on a burstable instance class ({value}): CPU credits cap sustained "
                     "throughput.", args.why(key, value))


def _zones_from(comp: ComponentDraft, args: _Args, key: str) -> None:
    value = args.get(key)
    raw = args.raw(key)
    if isinstance(raw, list) and raw:
        comp.set("zones", len(raw), f"{len(raw)} {key} ({args.resource.where})")
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        comp.set("zones", len(value), args.why(key))


def _db_instance(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    engine = args.get("engine")
    if isinstance(engine, str):
        comp.set("data.engine", engine, args.why("engine", engine))
    _instance_class(comp, args, "instance_class", f"RDS {engine or ''}".strip())
    multi_az = args.get("multi_az")
    if multi_az is True:
        comp.set("replicas", 2, args.why("multi_az", "true") + ": a standby in a second zone")
        comp.set("zones", 2, args.why("multi_az", "true"))
        comp.set("data.replication.failover", "automatic", args.why("multi_az", "true"))
    elif multi_az is False or (multi_az is None and not resource.module_source and "multi_az" not in resource.body):
        comp.set("replicas", 1, args.why("multi_az", "false") if multi_az is False else
                 f"no multi_az on the aws_db_instance ({resource.where}): one instance")
        comp.set("zones", 1, "inferred: a single-AZ instance")
    source = args.raw("replicate_source_db")
    if source:
        comp.set("description", f"Read replica of {source}.", args.why("replicate_source_db"))
    retention = _number(args.get("backup_retention_period"))
    if retention is not None:
        comp.set("data.backups.enabled", retention > 0, args.why("backup_retention_period", retention))


def _rds_cluster(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    engine = args.get("engine")
    if isinstance(engine, str):
        comp.set("data.engine", engine, args.why("engine", engine))
        _technology(comp, f"Amazon {'Aurora' if 'aurora' in engine else 'RDS'} {engine}", args.why("engine", engine))
    _instance_class(comp, args, "instance_class", f"{engine or 'RDS'}")
    _instance_class(comp, args, "db_cluster_instance_class", f"{engine or 'RDS'}")
    instances = args.raw("instances")
    if isinstance(instances, dict):  # rds-aurora module: one entry per instance
        count = len(instances)
        comp.set("replicas", max(count, 1), args.why("instances", f"{count} entr{'y' if count == 1 else 'ies'}"))
        comp.set("data.replication.read_replicas", max(count - 1, 0), args.why("instances"))
        comp.set("data.replication.failover", "automatic" if count > 1 else "none",
                 args.why("instances") + (": Aurora promotes a reader" if count > 1 else ": no reader to promote"))
    retention = _number(args.get("backup_retention_period"))
    if retention is not None:
        comp.set("data.backups.enabled", retention > 0, args.why("backup_retention_period", retention))


def _elasticache(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    engine = args.get("engine")
    engine = engine if isinstance(engine, str) else None
    node = args.get("node_type") or args.get("instance_type")
    if isinstance(node, str):
        _instance_class(comp, args, "node_type" if args.get("node_type") else "instance_type",
                        f"ElastiCache {engine or 'redis'}")
    count = _number(args.get("num_cache_clusters")) or _number(args.get("number_cache_clusters")) or \
        _number(args.get("cluster_size")) or _number(args.get("num_cache_nodes"))
    groups, per_group = _number(args.get("num_node_groups")), _number(args.get("replicas_per_node_group"))
    if groups and per_group is not None:
        comp.set("replicas", int(groups * (per_group + 1)), args.why("num_node_groups and replicas_per_node_group"))
        comp.set("cache.mode", "cluster", args.why("num_node_groups", groups))
    elif count:
        key = next(k for k in ("num_cache_clusters", "number_cache_clusters", "cluster_size", "num_cache_nodes")
                   if _number(args.get(k)))
        comp.set("replicas", int(count), args.why(key, count))
        comp.set("cache.mode", "replicated" if count > 1 else "standalone", args.why(key, count))
    failover = args.get("automatic_failover_enabled")
    multi_az = args.get("multi_az_enabled")
    if multi_az is True:
        comp.set("zones", 2, args.why("multi_az_enabled", "true") + ": at least two zones")
    if failover is False or multi_az is False:
        comp.set("description", "No automatic failover: losing the primary node loses the cache until it is "
                 "replaced.", args.why("automatic_failover_enabled" if failover is False else "multi_az_enabled", "false"))
    snapshots = _number(args.get("snapshot_retention_limit"))
    if snapshots is not None:
        comp.set("data.backups.enabled", snapshots > 0, args.why("snapshot_retention_limit", snapshots))


def _scaling(comp: ComponentDraft, args: _Args, low: str, high: str, desired: str) -> None:
    minimum, maximum, wanted = (_number(args.get(k)) for k in (low, high, desired))
    if wanted is not None and wanted > 0:
        comp.set("replicas", int(wanted), args.why(desired, wanted))
    elif minimum is not None and minimum > 0:
        comp.set("replicas", int(minimum), args.why(low, minimum) + f": {desired} not stated, the minimum runs")
    if minimum is not None and maximum is not None and maximum > minimum:
        comp.set("autoscaling.min", int(minimum), args.why(low, minimum))
        comp.set("autoscaling.max", int(maximum), args.why(high, maximum))
    elif maximum is not None and minimum == maximum:
        comp.set("scaling", "horizontal", args.why(f"{low} = {high}", maximum) + ": a fixed size, no autoscaling")


def _asg(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    _scaling(comp, args, "min_size", "max_size", "desired_capacity")
    _zones_from(comp, args, "availability_zones")
    _zones_from(comp, args, "vpc_zone_identifier")


def _node_group(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    comp.set("description", "EKS managed node group: the hosts that run Kubernetes workloads (the workloads "
             "themselves are deployed outside these files).", f"aws_eks_node_group ({resource.where})")
    _scaling(comp, _Args(Resource(resource.type, resource.label, _first(resource.body.get("scaling_config")) or {},
                                  resource.where, resource.instance)), "min_size", "max_size", "desired_size")
    types = args.get("instance_types")
    if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
        _technology(comp, "EC2 " + ", ".join(types), args.why("instance_types"))
    _zones_from(comp, args, "subnet_ids")


def _ecs_service(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    wanted = _number(args.get("desired_count"))
    if wanted is not None and wanted > 0:
        comp.set("replicas", int(wanted), args.why("desired_count", wanted))
    launch = args.get("launch_type")
    if isinstance(launch, str):
        _technology(comp, f"ECS {launch}", args.why("launch_type", launch))
    network = _first(resource.body.get("network_configuration"))
    if isinstance(network, dict) and isinstance(network.get("subnets"), list) and network["subnets"]:
        comp.set("zones", len(network["subnets"]), f"{len(network['subnets'])} network_configuration.subnets "
                 f"({resource.where})")
    task = _target_resource(resource, "task_definition")
    if task is not None:
        cpu, memory = _number(_resolve(task.body.get("cpu"), task.instance)), \
            _number(_resolve(task.body.get("memory"), task.instance))
        if cpu:
            comp.set("resources.cpu_limit", cpu / 1024, f"task cpu = {cpu} units ({task.where})")
        if memory:
            comp.set("resources.memory_limit_mb", memory, f"task memory ({task.where})")


def _load_balancer(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    kind = args.get("load_balancer_type")
    layer = "l4" if kind in ("network", "gateway") else "l7" if resource.type != "aws_elb" else "l4"
    comp.set("balancer.layer", layer, args.why("load_balancer_type", kind) if kind else
             f"inferred: {resource.type} is {'an application' if layer == 'l7' else 'a classic'} load balancer")
    if resource.type != "aws_elb":
        comp.set("balancer.health_checks", True, f"inferred: target groups are health-checked ({resource.where})")
    _zones_from(comp, args, "subnets")
    internal = args.get("internal")
    comp.set("description", f"{'Internal' if internal is True else 'Internet-facing'} load balancer.",
             args.why("internal", str(internal).lower()) if isinstance(internal, bool) else
             f"internal not stated: internet-facing ({resource.where})")


def _sqs(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    _technology(comp, "Amazon SQS" + (" FIFO" if args.get("fifo_queue") is True else ""), f"{resource.type} ({resource.where})")
    comp.set("data.engine", "sqs", f"{resource.type} ({resource.where})")
    if args.get("fifo_queue") is True:
        comp.set("messaging.ordering", "per-key", args.why("fifo_queue", "true") + ": order per message group")
    else:  # FIFO deduplicates sends, yet a failing message still comes back: its delivery is left unstated
        comp.set("messaging.delivery", "at-least-once", "inferred: an SQS standard queue delivers at least once")
    comp.set("messaging.durable", True, "inferred: SQS stores messages redundantly until they are deleted")
    visibility = _number(args.get("visibility_timeout_seconds"))
    if visibility is not None:
        comp.set("messaging.visibility_timeout_s", visibility, args.why("visibility_timeout_seconds", visibility))
    retention = _number(args.get("message_retention_seconds"))
    if retention is not None:
        comp.set("messaging.retention_h", round(retention / 3600, 3), args.why("message_retention_seconds", retention))
    redrive = args.raw("redrive_policy")
    if redrive:
        text = str(redrive)
        comp.set("messaging.dead_letter_queue", True, args.why("redrive_policy"))
        count = re.search(r"maxReceiveCount\W+(\d+)", text)
        if count:
            comp.set("messaging.max_receive_count", int(count.group(1)), args.why("redrive_policy.maxReceiveCount"))
    elif not resource.module_source:
        comp.set("messaging.dead_letter_queue", False,
                 f"no redrive_policy on the aws_sqs_queue ({resource.where}): failed messages are never set aside")


def _sns(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    _technology(comp, "Amazon SNS", f"{resource.type} ({resource.where})")
    comp.set("messaging.push_subscribers", True, f"inferred: SNS pushes to its subscribers ({resource.where})")


def _dynamodb(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    comp.set("data.engine", "dynamodb", f"{resource.type} ({resource.where})")
    _technology(comp, "Amazon DynamoDB", f"{resource.type} ({resource.where})")
    mode = args.get("billing_mode")
    if mode == "PROVISIONED" or (mode is None and args.get("write_capacity") is not None):
        writes = _number(args.get("write_capacity"))
        if writes:
            comp.set("data.write_capacity_rps", writes, args.why("write_capacity", writes) + " (1 KB writes per second)")
        comp.set("description", "DynamoDB table in provisioned capacity mode: requests above the provisioned "
                 "throughput are throttled.", args.why("billing_mode", mode or "PROVISIONED"))
    elif mode == "PAY_PER_REQUEST":
        comp.set("description", "DynamoDB table in on-demand capacity mode.", args.why("billing_mode", mode))
    replicas = args.raw("replica")
    regions = len(replicas) if isinstance(replicas, list) else 0
    if regions:
        comp.set("regions", regions + 1, args.why("replica") + f": {regions} replica region(s) besides its own")
        comp.set("data.multi_writer", True, args.why("replica") + ": a global table accepts writes in every region")


def _lambda(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    reserved = _number(args.get("reserved_concurrent_executions"))
    if reserved is not None and reserved >= 0:
        comp.set("function.reserved_concurrency", int(reserved), args.why("reserved_concurrent_executions", reserved))
    timeout = _number(args.get("timeout"))
    if timeout:
        comp.set("function.timeout_s", timeout, args.why("timeout", timeout))
    runtime = args.get("runtime")
    if isinstance(runtime, str):
        _technology(comp, f"AWS Lambda {runtime}", args.why("runtime", runtime))


def _cloudfront(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    _technology(comp, "Amazon CloudFront", f"{resource.type} ({resource.where})")


def _mq(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    engine = args.get("engine_type")
    if isinstance(engine, str):
        comp.set("data.engine", engine.lower(), args.why("engine_type", engine))
    _instance_class(comp, args, "host_instance_type", f"Amazon MQ {engine or ''}".strip())
    mode = args.get("deployment_mode")
    counts = {"SINGLE_INSTANCE": (1, 1), "ACTIVE_STANDBY_MULTI_AZ": (2, 2), "CLUSTER_MULTI_AZ": (3, 3)}
    if isinstance(mode, str) and mode in counts:
        replicas, zones = counts[mode]
        comp.set("replicas", replicas, args.why("deployment_mode", mode))
        comp.set("zones", zones, args.why("deployment_mode", mode))
    elif mode is None and not resource.module_source:
        comp.set("replicas", 1, f"no deployment_mode ({resource.where}): SINGLE_INSTANCE is Amazon MQ's default")


def _opensearch(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    comp.set("data.engine", "opensearch" if "opensearch" in resource.type else "elasticsearch",
             f"{resource.type} ({resource.where})")
    cluster = _Args(Resource(resource.type, resource.label, _first(resource.body.get("cluster_config")) or {},
                             resource.where, resource.instance, resource.module_source))
    count = _number(cluster.get("instance_count"))
    if count:
        comp.set("replicas", int(count), cluster.why("cluster_config.instance_count", count))
    instance_type = cluster.get("instance_type")
    if isinstance(instance_type, str):
        _technology(comp, f"Amazon OpenSearch {instance_type}", cluster.why("cluster_config.instance_type", instance_type))
    aware = cluster.get("zone_awareness_enabled")
    if aware is False:
        comp.set("zones", 1, cluster.why("cluster_config.zone_awareness_enabled", "false"))
    elif aware is True:
        zones = _number(cluster.get("zone_awareness_config.availability_zone_count")) or 2
        comp.set("zones", int(zones), cluster.why("cluster_config.zone_awareness_enabled", "true"))


def _proxy(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    comp.set("description", "RDS Proxy: pools database connections in front of the database.",
             f"{resource.type} ({resource.where})")
    _technology(comp, "Amazon RDS Proxy", f"{resource.type} ({resource.where})")


def _s3(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    _technology(comp, "Amazon S3", f"{resource.type} ({resource.where})")


def _route53(resource: Resource, comp: ComponentDraft, args: _Args, draft: Draft) -> None:
    policy = next(p for p in _ROUTING_POLICIES if resource.body.get(p))
    comp.set("description", f"Route 53 record with a {policy.split('_')[0]} routing policy.", args.why(policy))


_READERS = {
    "aws_db_instance": _db_instance, "aws_rds_cluster": _rds_cluster, "aws_elasticache_replication_group": _elasticache,
    "aws_elasticache_cluster": _elasticache, "aws_autoscaling_group": _asg, "aws_eks_node_group": _node_group,
    "aws_ecs_service": _ecs_service, "aws_lb": _load_balancer, "aws_alb": _load_balancer, "aws_elb": _load_balancer,
    "aws_sqs_queue": _sqs, "aws_sns_topic": _sns, "aws_dynamodb_table": _dynamodb, "aws_lambda_function": _lambda,
    "aws_cloudfront_distribution": _cloudfront, "aws_mq_broker": _mq, "aws_opensearch_domain": _opensearch,
    "aws_elasticsearch_domain": _opensearch, "aws_db_proxy": _proxy, "aws_s3_bucket": _s3,
    "aws_route53_record": _route53,
}


def _target_resource(resource: Resource, key: str) -> Resource | None:
    """The resource in the same instance that ``key`` refers to (``aws_x.y.arn``)."""
    value = resource.body.get(key)
    if not isinstance(value, str):
        return None
    for match in _REF.finditer(value):
        found = resource.instance.resources.get(f"{match.group(1)}.{match.group(2)}")
        if found is not None:
            return found
    return None


def _cluster_instances(instances: list[Instance], draft: Draft) -> None:
    """aws_rds_cluster_instance resources (with their count) are the nodes of the cluster they name."""
    for instance in instances:
        nodes: dict[str, list[tuple[int, Resource]]] = defaultdict(list)
        for resource in instance.resources.values():
            if resource.type != "aws_rds_cluster_instance":
                continue
            cluster = _target_resource(resource, "cluster_identifier")
            if cluster is None or cluster.component is None:
                continue
            count = _number(_resolve(resource.body.get("count"), instance))
            nodes[cluster.component].append((int(count) if count is not None else 1, resource))
        for name, found in nodes.items():
            comp = draft.components[name]
            total = sum(count for count, _ in found)
            where = ", ".join(r.where for _, r in found)
            comp.set("replicas", max(total, 1), f"{total} aws_rds_cluster_instance ({where})")
            comp.set("data.replication.read_replicas", max(total - 1, 0), f"aws_rds_cluster_instance count ({where})")
            comp.set("data.replication.failover", "automatic" if total > 1 else "none",
                     f"{total} cluster instance(s) ({where})")
            klass = _resolve(found[0][1].body.get("instance_class"), instance)
            if isinstance(klass, str):
                comp.set("technology", f"{comp.facts['technology'].value if 'technology' in comp.facts else 'RDS'} "
                         f"{klass}"[:200], f"instance_class ({found[0][1].where})")
                if _BURSTABLE.match(klass):
                    comp.set("description", f"Cluster instances of a burstable class ({klass}): CPU credits cap "
                             "sustained throughput.", f"instance_class ({found[0][1].where})")


def _autoscaling_targets(instances: list[Instance], draft: Draft) -> None:
    """aws_appautoscaling_target naming an ECS service gives its autoscaling range."""
    for instance in instances:
        for resource in instance.resources.values():
            if resource.type != "aws_appautoscaling_target":
                continue
            text = json.dumps(resource.body)
            for target in _references(text, instance):
                if target.component and target.type == "aws_ecs_service":
                    comp, args = draft.components[target.component], _Args(resource)
                    low, high = _number(args.get("min_capacity")), _number(args.get("max_capacity"))
                    if low is not None and high is not None:
                        comp.set("autoscaling.min", int(low), args.why("min_capacity", low))
                        comp.set("autoscaling.max", int(high), args.why("max_capacity", high))
    for name, comp in draft.components.items():
        if comp.facts.get("technology", Fact("", "")).value.startswith("ECS") and "autoscaling.max" not in comp.facts:
            if has_component_field("autoscaling") and _none_allowed():
                comp.set("autoscaling", "none", f"no aws_appautoscaling_target names this ECS service ({comp.origin})")


def _none_allowed() -> bool:
    from ..model import Component

    return "none" in str(Component.model_fields["autoscaling"].annotation)


# ---------------------------------------------------------------- edges


def _references(text: str, instance: Instance, depth: int = 0, seen: set[int] | None = None) -> list[Resource]:
    """Resources with a component that ``text`` (an expression in ``instance``) points at, through variables,
    locals, module outputs and intermediate resources (secrets, task definitions)."""
    seen = seen if seen is not None else set()
    if depth > 10:
        return []
    found: list[Resource] = []
    for match in _REF.finditer(text):
        kind, name, chain = match.group(1), match.group(2), match.group(3) or ""
        attribute = chain.lstrip(".").split(".")[0].split("[")[0]
        key = (id(instance), kind, name, attribute)
        if hash(key) in seen:
            continue
        seen.add(hash(key))
        if kind == "var":
            value, owner = instance.variable(name)
            if owner is not None:
                found.extend(_references(json.dumps(value), owner, depth + 1, seen))
        elif kind == "local":
            found.extend(_references(json.dumps(instance.module.locals.get(name)), instance, depth + 1, seen))
        elif kind == "module":
            if name in instance.registry:
                found.append(instance.registry[name])
            elif name in instance.children:
                child = instance.children[name]
                output = child.module.outputs.get(attribute)
                if output is not None:
                    found.extend(_references(json.dumps(output), child, depth + 1, seen))
                else:
                    found.extend(r for r in child.resources.values() if r.component)
        elif kind.startswith("aws_"):
            resource = instance.resources.get(f"{kind}.{name}")
            if resource is None:
                continue
            if resource.component:
                if _ADDRESS_ATTRIBUTE.search(chain or "name"):
                    found.append(resource)
            else:
                found.extend(_references(json.dumps(resource.body), instance, depth + 1, seen))
    return found


def _edges(instances: list[Instance], draft: Draft) -> list[Edge]:
    edges: dict[tuple[str, str], Edge] = {}

    def add(source: str, target: str, evidence: str, protocol: str | None = None, mode: str | None = None) -> None:
        if source == target or (source, target) in edges:
            return
        target_kind = draft.components[target].kind
        why = f"inferred from the kind of link ({evidence.split(' (')[0]})" if protocol else \
            f"inferred from the target's kind ({target_kind})"
        protocol = protocol or _protocol(draft.components[target])
        if mode is None and target_kind in ("queue", "stream"):
            mode = "async"
        edges[(source, target)] = Edge(source, target, (evidence,),
                                       Fact(protocol, why) if protocol else None,
                                       Fact(mode, f"inferred: {target} is a {target_kind}") if mode else None,
                                       role=Fact("request", f"inferred: {evidence.split(' (')[0]} connects them"))

    for instance in instances:
        compute = [r for r in instance.resources.values() if r.component and
                   draft.components[r.component].kind in _COMPUTE]
        # calls stated in environment values and secrets of compute resources in this instance
        for resource in compute:
            texts = [_configuration(resource)]
            if instance.parent is not None and len([r for r in compute if r.type == resource.type]) == 1:
                texts.extend(json.dumps(v) for k, v in instance.arguments.items() if _CALL_ARGUMENTS.search(k))
                texts = [t for t in texts if t]
                for text in texts:
                    owner = instance.parent if text is not texts[0] else instance
                    for target in _references(text, owner):
                        if target.component:
                            add(resource.component, target.component,  # type: ignore[arg-type]
                                f"module {instance.name} ({_call_site(instance)}) passes {target.component} "
                                f"({target.where}) to the {resource.type} it creates")
                continue
            for target in _references(texts[0], instance):
                if target.component:
                    add(resource.component, target.component,  # type: ignore[arg-type]
                        f"{resource.type} {resource.label} ({resource.where}) names {target.component} ({target.where}) "
                        "in its environment or secrets")
        _balancer_edges(instance, draft, add)
        for resource in instance.resources.values():
            if resource.type == "aws_lambda_event_source_mapping":
                functions = _references(json.dumps(resource.body.get("function_name")), instance)
                sources = _references(json.dumps(resource.body.get("event_source_arn")), instance)
                for function in functions:
                    for queue in sources:
                        if function.component and queue.component:
                            add(function.component, queue.component,
                                f"aws_lambda_event_source_mapping {resource.label} ({resource.where}): consumes", None,
                                "async")
            elif resource.type == "aws_cloudfront_distribution" and resource.component:
                for origin in resource.body.get("origin") or []:
                    targets = _references(json.dumps(origin.get("domain_name") if isinstance(origin, dict) else ""),
                                          instance)
                    for target in targets:
                        if target.component:
                            add(resource.component, target.component, f"origin domain_name ({resource.where})", "http")
                    if not targets:
                        draft.notes.append(f"{resource.component}: origin {_shown(origin)} is not among the imported "
                                           "resources")
            elif resource.type == "aws_route53_record" and resource.component:
                for target in _references(json.dumps(resource.body.get("alias") or resource.body.get("records")),
                                          instance):
                    if target.component:
                        add(resource.component, target.component, f"alias ({resource.where})", "dns")
            elif resource.type in ("aws_db_proxy_target", "aws_db_proxy_default_target_group"):
                proxies = _references(json.dumps(resource.body.get("db_proxy_name")), instance)
                databases = _references(json.dumps({k: v for k, v in resource.body.items() if "identifier" in k}),
                                        instance)
                for proxy in proxies:
                    for database in databases:
                        if proxy.component and database.component:
                            add(proxy.component, database.component, f"{resource.type} ({resource.where})", "sql")
                            draft.components[database.component].set("data.pooler", True,
                                                                     f"{resource.type} ({resource.where})")
            elif resource.type == "aws_db_proxy" and resource.module_source and resource.component:
                for database in _references(json.dumps({k: v for k, v in resource.body.items()
                                                        if "cluster" in k or "instance" in k}), instance):
                    if database.component and database.component != resource.component:
                        add(resource.component, database.component, f"module {resource.label} ({resource.where})", "sql")
                        draft.components[database.component].set("data.pooler", True,
                                                                 f"module {resource.label} ({resource.where})")
    _not_seen(draft, edges)
    _entry_points(draft, edges)
    return [edges[key] for key in sorted(edges)]


def _entry_points(draft: Draft, edges: dict[tuple[str, str], Edge]) -> None:
    """Internet-facing load balancers, CDNs and DNS records that nothing in the files calls."""
    called = {target for _, target in edges}
    for name, comp in sorted(draft.components.items()):
        if name in called or comp.kind not in ("load-balancer", "cdn", "dns"):
            continue
        description = str(comp.facts["description"].value) if "description" in comp.facts else ""
        if comp.kind == "load-balancer" and not description.startswith("Internet-facing"):
            continue
        draft.entry_points[name] = f"inferred: an internet-facing {comp.kind} that nothing in these files calls"


def _call_site(instance: Instance) -> str:
    parent = instance.parent
    if parent is None:
        return instance.module.path
    return next((where for name, _, where in parent.module.calls if name == instance.name), parent.module.path)


def _configuration(resource: Resource) -> str:
    """The parts of a compute resource that name what it calls: environment, secrets, container definitions."""
    parts: list[Any] = []
    for key, value in resource.body.items():
        if key in ("environment", "environment_variables", "secrets", "container_definitions", "task_definition",
                   "user_data", "launch_template") or _CALL_ARGUMENTS.search(key):
            parts.append(value)
    text = json.dumps(parts)
    if "task_definition" in resource.body:
        task = _target_resource(resource, "task_definition")
        if task is not None:
            text += json.dumps(task.body.get("container_definitions"))
    return text


def _balancer_edges(instance: Instance, draft: Draft, add: Any) -> None:
    """Listener → target group → the services registered with it."""
    targets: dict[str, list[str]] = defaultdict(list)  # target group key → components
    for resource in instance.resources.values():
        if resource.component and resource.type in ("aws_ecs_service", "aws_autoscaling_group"):
            text = json.dumps(resource.body.get("load_balancer") or resource.body.get("target_group_arns") or "")
            for match in _REF.finditer(text):
                targets[f"{match.group(1)}.{match.group(2)}"].append(resource.component)
        if resource.type in ("aws_lb_target_group_attachment", "aws_autoscaling_attachment"):
            group = _target_resource(resource, "target_group_arn") or _target_resource(resource, "lb_target_group_arn")
            for target in _references(json.dumps(resource.body), instance):
                if group is not None and target.component:
                    targets[f"{group.type}.{group.label}"].append(target.component)
    for resource in instance.resources.values():
        if resource.type not in ("aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule"):
            continue
        text = json.dumps(resource.body)
        balancers = [r for r in (_target_resource(resource, "load_balancer_arn"),) if r is not None]
        if not balancers and "listener_arn" in resource.body:
            listener = _target_resource(resource, "listener_arn")
            balancers = [r for r in (listener and _target_resource(listener, "load_balancer_arn"),) if r is not None]
        for balancer in balancers:
            if balancer.component is None:
                continue
            for match in _REF.finditer(text):
                key = f"{match.group(1)}.{match.group(2)}"
                group = instance.resources.get(key)
                if group is None or "target_group" not in group.type:
                    continue
                backends = targets.get(key) or [_group_component(group, draft)]
                for backend in backends:
                    add(balancer.component, backend, f"{resource.type} {resource.label} forwards to {group.label} "
                        f"({resource.where})", "http")
    for call in instance.registry.values():  # alb module: target groups attached by the services
        if call.type == "aws_lb" and call.component:
            for resource in instance.resources.values():
                if resource.component and resource.type == "aws_ecs_service":
                    continue
            for other in instance.children.values():
                for resource in other.resources.values():
                    if resource.component and resource.type == "aws_ecs_service":
                        bound = json.dumps(other.arguments)
                        if f"module.{call.label}." in bound:
                            add(call.component, resource.component,
                                f"module {other.name} is given a target group of module {call.label} ({other.module.path and resource.where})",
                                "http")


def _group_component(group: Resource, draft: Draft) -> str:
    """A component for a target group whose targets are registered outside the files."""
    name = slug(group.label.replace("_", "-"))
    if name not in draft.components:
        comp = ComponentDraft(name, group.where)
        comp.set("kind", "service", f"inferred: the targets of {group.type} {group.label} ({group.where}); they are "
                 "registered outside these files (e.g. by a Kubernetes controller)")
        port = _number(_resolve(group.body.get("port"), group.instance))
        if port:
            comp.ports.add(int(port))
        draft.components[name] = comp
        draft.notes.append(f"{name}: the targets of target group {group.label} are not in these files; it stands for "
                           "the workload behind it (import that workload's manifests to merge them)")
    return name


def _protocol(target: ComponentDraft) -> str | None:
    engine = str(target.facts["data.engine"].value) if "data.engine" in target.facts else ""
    if target.kind == "database" and engine and engine != "dynamodb":
        return "sql"
    if target.kind == "cache":
        return "redis" if "memcached" not in engine else "memcached"
    if target.kind == "queue" and engine == "rabbitmq":
        return "amqp"
    if target.kind in ("load-balancer", "api-gateway", "service", "cdn", "search", "object-storage") or engine == "dynamodb":
        return "http"
    return None


def _not_seen(draft: Draft, edges: dict[tuple[str, str], Edge]) -> None:
    callers = {source for source, _ in edges}
    silent = sorted(name for name, c in draft.components.items() if c.kind in _COMPUTE and name not in callers)
    if silent:
        draft.notes.append("Terraform states infrastructure, not calls: nothing in these files says what "
                           f"{', '.join(silent)} call{'s' if len(silent) == 1 else ''}; no dependency was invented. "
                           "Add them by hand, or import an observed service graph")
    unused = sorted(name for name, c in draft.components.items()
                    if c.kind not in _COMPUTE and not any(name in key for key in edges))
    if unused:
        draft.notes.append(f"no caller of {', '.join(unused)} is stated in these files")


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- terraform show -json


def _is_plan(text: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and "format_version" in value


def _import_plans(files: list[Classified]) -> tuple[Draft, list[Edge]]:
    draft = Draft("terraform")
    module = Module("<plan>")
    addresses: dict[str, str] = {}  # resource address (indexes dropped) → key in the instance's resources
    configurations: list[tuple[Classified, dict[str, Any]]] = []
    for item in files:
        value = json.loads(item.text)
        root = (value.get("planned_values") or value.get("values") or {}).get("root_module") or {}
        for resource in _plan_resources(root):
            if resource.get("mode", "managed") != "managed" or not isinstance(resource.get("type"), str):
                continue
            address = str(resource.get("address") or f"{resource['type']}.{resource.get('name')}")
            label = address.replace("module.", "").replace(f"{resource['type']}.", "").replace("[", "-").replace("]", "")
            label = label.replace('"', "").replace(".", "-")
            module.resources.append((resource["type"], label, resource.get("values") or {}, f"{item.label} {address}"))
            addresses.setdefault(re.sub(r"\[[^\]]*\]", "", address), f"{resource['type']}.{label}")
        configuration = (value.get("configuration") or {}).get("root_module")
        if isinstance(configuration, dict):
            configurations.append((item, configuration))
    instance = _instantiate(module, "", {}, None, {}, draft, 0)[0]
    _read([instance], draft)
    if not configurations:
        draft.notes.append("a `terraform show -json` file without its `configuration` section holds resource values, "
                           "not the expressions that tie them together: no dependency can be read from it; import the "
                           ".tf files, or the JSON of a saved plan (`terraform show -json plan.out`), for those")
        return draft, []
    edges: dict[tuple[str, str], Edge] = {}
    for item, configuration in configurations:
        _plan_edges(item, configuration, "", instance, addresses, draft, edges)
    _not_seen(draft, edges)
    _entry_points(draft, edges)
    return draft, [edges[key] for key in sorted(edges)]


_SECURITY_GROUP_KEYS = ("vpc_security_group_ids", "security_group_ids", "security_groups")


def _plan_edges(item: Classified, module: dict[str, Any], prefix: str, instance: Instance, addresses: dict[str, str],
                draft: Draft, edges: dict[tuple[str, str], Edge]) -> None:
    """Edges from a plan's ``configuration``: the references of each resource's expressions (environment values,
    container definitions, task definitions) and security group rules (ingress allowed from one group to another)."""
    def component(address: str) -> str | None:
        parts = address.split(".")
        for end in range(len(parts), 1, -1):  # aws_db_instance.main.address → aws_db_instance.main
            key = addresses.get(prefix + ".".join(parts[:end]))
            if key and key in instance.resources:
                return instance.resources[key].component
        return None

    def add(source: str, target: str, evidence: str, why: str) -> None:
        if source == target or (source, target) in edges:
            return
        target_kind = draft.components[target].kind
        protocol = _protocol(draft.components[target])
        edges[(source, target)] = Edge(
            source, target, (evidence,), Fact(protocol, f"inferred from the target's kind ({target_kind})") if protocol else None,
            Fact("async", f"inferred: {target} is a {target_kind}") if target_kind in ("queue", "stream") else None,
            role=Fact("request", why))

    resources = [r for r in module.get("resources") or [] if isinstance(r, dict) and r.get("mode", "managed") == "managed"]
    by_address = {str(r.get("address")): r for r in resources}
    groups: dict[str, list[str]] = defaultdict(list)  # security group address → components in it
    for resource in resources:
        owner = component(str(resource.get("address")))
        if owner is None:
            continue
        for key in _SECURITY_GROUP_KEYS + ("network_configuration",):
            for ref in _expression_references((resource.get("expressions") or {}).get(key)):
                if ref.startswith("aws_security_group."):
                    groups[".".join(ref.split(".")[:2])].append(owner)
    for resource in resources:
        address = str(resource.get("address"))
        owner = component(address)
        expressions = resource.get("expressions") or {}
        where = f"{item.label} configuration {prefix}{address}"
        if owner is not None and draft.components[owner].kind in _COMPUTE:
            for key, expression in sorted(expressions.items()):
                if not (key in ("environment", "environment_variables", "container_definitions", "task_definition")
                        or _CALL_ARGUMENTS.search(key)):
                    continue
                refs = _expression_references(expression)
                for ref in list(refs):  # an ECS service's task definition: the containers' environment
                    task = by_address.get(".".join(ref.split(".")[:2]))
                    if task is not None and task.get("type") == "aws_ecs_task_definition":
                        refs.extend(_expression_references((task.get("expressions") or {}).get("container_definitions")))
                for ref in refs:
                    target = component(ref)
                    if target is not None and target != owner:
                        add(owner, target, f"{key} of {address} references {ref} ({where})",
                            f"inferred: {address} is configured with {ref}")
        if resource.get("type") == "aws_security_group_rule" and _literal_value(expressions.get("type")) == "ingress":
            to_groups = [".".join(r.split(".")[:2]) for r in _expression_references(expressions.get("security_group_id"))]
            from_groups = [".".join(r.split(".")[:2])
                           for r in _expression_references(expressions.get("source_security_group_id"))]
            port = _literal_value(expressions.get("from_port"))
            for source_group in from_groups:
                for target_group in to_groups:
                    for caller in groups.get(source_group, []):
                        for callee in groups.get(target_group, []):
                            add(caller, callee, f"security group rule {address} lets {source_group} reach "
                                f"{target_group}{f' on port {port}' if port is not None else ''} ({where})",
                                "inferred: a security group rule allows the traffic (allowed, not proven to be used)")
    for name, call in sorted((module.get("module_calls") or {}).items()):
        child = call.get("module") if isinstance(call, dict) else None
        if isinstance(child, dict) and prefix.count("module.") < 8:
            _plan_edges(item, child, f"{prefix}module.{name}.", instance, addresses, draft, edges)


def _expression_references(expression: Any) -> list[str]:
    """Every ``references`` entry under a plan configuration expression (blocks and lists included)."""
    found: list[str] = []
    stack = [expression]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            refs = value.get("references")
            if isinstance(refs, list):
                found.extend(str(r) for r in refs if isinstance(r, str))
            stack.extend(v for k, v in value.items() if k != "references")
        elif isinstance(value, list):
            stack.extend(value)
    return sorted(set(found), key=found.index)


def _literal_value(expression: Any) -> Any:
    return expression.get("constant_value") if isinstance(expression, dict) else None


def _plan_resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = [r for r in module.get("resources") or [] if isinstance(r, dict)]
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            found.extend(_plan_resources(child))
    return found
