"""The format reference (docs/format.md), generated from the models in ``scalexpert.model``.

Regenerate with ``python -m scalexpert.docgen format > docs/format.md``. Field names, types, allowed
values, defaults and descriptions come from the models and their JSON Schema; which blocks apply to
which component kind is found by asking the ``Component`` model itself.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from .. import model as format_model
from ..loader import Limits
from ..model import COMPUTE_KINDS, DATA_KINDS, EDGE_KINDS, MESSAGING_KINDS, Architecture, Component, ComponentKind
from ..model.base import MAX_COUNT

KIND_NOTES: dict[str, str] = {
    "service": "A long-running process that serves requests (HTTP, gRPC).",
    "worker": "A long-running process that consumes queues or runs jobs; serves no requests.",
    "function": "A serverless function (AWS Lambda, Cloud Functions, Azure Functions).",
    "database": "A relational or NoSQL database.",
    "cache": "An in-memory cache (Redis, Memcached), usually in front of a store.",
    "queue": "A message queue (SQS, RabbitMQ): each message goes to one consumer.",
    "stream": "A partitioned log (Kafka, Kinesis, Pub/Sub topics): consumers read at their own pace.",
    "search": "A search cluster (Elasticsearch, OpenSearch, Solr).",
    "object-storage": "Object or blob storage (S3, GCS, Azure Blob).",
    "load-balancer": "A load balancer (L4 or L7).",
    "api-gateway": "An API gateway: routing, authentication, rate limiting.",
    "cdn": "A content delivery network in front of an origin.",
    "dns": "DNS resolution or global traffic management.",
    "coordination": "A consensus or coordination service (etcd, ZooKeeper, Consul).",
    "external": "A third-party system the architecture calls (payment provider, e-mail API).",
    "client": "Where requests come from (browsers, mobile apps, devices); usually an entry point.",
}
"""One line per component kind; a test checks that every kind of the model has one."""

_GROUPS = (("compute", COMPUTE_KINDS), ("data", DATA_KINDS), ("messaging", MESSAGING_KINDS), ("edge", EDGE_KINDS))
_MODELS: dict[str, type[BaseModel]] = {
    name: value for name in format_model.__all__
    if isinstance(value := getattr(format_model, name), type) and issubclass(value, BaseModel)
}


EXAMPLE = """\
version: 1
system:
  traffic: {peak_rps: 1200, average_rps: 400, read_ratio: 0.85}
  growth: {factor: 3, horizon_months: 12}
  objectives: {availability: 0.999, latency_p99_ms: 800}
components:
  lb: {kind: load-balancer, managed: true, zones: 2}
  app: {kind: service, replicas: 1, capacity_rps: 900, session_state: local}
  db:
    kind: database
    data: {engine: postgres, replication: {read_replicas: 0, failover: none}}
dependencies:
  - {from: lb, to: app, timeout_ms: 60000}
  - {from: app, to: db, protocol: sql, calls_per_request: 6}
"""
"""A small complete file, shown in the reference (a test checks that it loads)."""


ROUTES_EXAMPLE = """\
version: 1
system:
  failure_domains:
    host-1: {kind: host, availability: 0.999}
components:
  gw: {kind: api-gateway, managed: true}
  catalogue: {kind: service, replicas: 2, failure_domains: [host-1]}
  checkout: {kind: service, replicas: 2}
  recommender: {kind: service, replicas: 1}
  db: {kind: database, managed: true}
dependencies:
  - {from: gw, to: catalogue, share: 0.9}
  - {from: gw, to: checkout, share: 0.1}
  - {from: checkout, to: recommender, fallback: true}
  - {from: checkout, to: db, calls_per_request: 0.5}
  - {from: catalogue, to: db, role: startup}
"""
"""The worked example of the request semantics (a test checks that it loads)."""

SEMANTICS = """\
## What a dependency means

Nothing is assumed to be "always called, hard, failing independently" unless the file leaves it so:

- **Role.** A dependency's `role` says what it is for: `request` (a call on the request path; assumed
  when `role` is left out, and reports say so), `startup` (start-up ordering only, such as a Compose
  `depends_on` with no calls behind it), `health` (health or monitoring polls), `admin` or `batch`.
  Only request edges enter single points of failure, blast radius, flow availability, latency,
  timeout budgets, fan-out and retry amplification; checks about the other roles read them on purpose
  (a service that cannot start while a start-up dependency is down).
- **Routes or fan-out.** A component with `routing: one-of` sends each request over one of its request
  edges (alternatives, weighted by each edge's `share`); `routing: fan-out` calls all of them. Load
  balancers, API gateways and DNS route one-of unless stated; other kinds fan out. Routes without a
  `share` split what the stated shares leave equally, as a stated assumption, and messages then say
  "requests routed to X" rather than a percentage. One caller's shares add up to at most 1.
- **Fractional calls.** `calls_per_request` below 1 is the probability that a request makes the call:
  0.2 means one request in five, never rounded up to every request.
- **Fallbacks.** A call with `fallback: true` degrades the caller when the callee fails; it never makes
  the callee a single point of failure or part of a flow's hard availability product.
- **Shared failure domains.** `system.failure_domains` names what components share beyond zones and
  regions (a host, VM, cluster, database server, shared runtime), and each component lists those it
  sits in under `failure_domains`. A domain (or a zone) shared by several components of a flow
  counts once in its availability, not once per component.

For example, a gateway that sends 90 % of its requests to a catalogue and 10 % to checkout, whose
checkout calls a recommender that may fail softly, and whose two catalogue replicas share one host:

```yaml
{example}```

Here checkout carries at most 10 % of the gateway's requests (its blast radius), the recommender is no
single point of failure, the catalogue's start-up edge to `db` is not on its request path, and the two
catalogue replicas are not independent: they fail together with `host-1`.
""".format(example=ROUTES_EXAMPLE)
"""How dependencies are read: roles, routes, fractional calls, fallbacks, shared failure domains."""


def render() -> str:
    """The whole reference as Markdown, ending with one newline."""
    schema = Architecture.model_json_schema(by_alias=True)
    order, labels = _sections(schema)
    parts = [_introduction(), SEMANTICS, _kinds_table(), _contents(order, labels)]
    parts += [_section(name, schema, labels) for name in order]
    return "\n".join(parts).rstrip("\n") + "\n"


def _introduction() -> str:
    limits = Limits()
    return f"""# Architecture format reference (version 1)

<!-- Generated from scalexpert/model by `python -m scalexpert.docgen format > docs/format.md`.
     Do not edit by hand: change the models and regenerate. -->

An architecture file is one YAML document that describes a system (its traffic, growth and
objectives), its components and the dependencies between them. Start a file with a modeline so that
editors check it as you type (the path is relative to the file):

```yaml
# yaml-language-server: $schema=../docs/schema/architecture-v1.schema.json
```

A small, complete file (the `examples/` directory has larger ones, with comments):

```yaml
{EXAMPLE}```

Conventions:

- **Leaving a field out means "not stated"**, never "false" or "zero": a check that needs a fact
  that is not stated cannot conclude anything from it. Where a value is assumed instead, the field's
  description says so ("Assumed 1").
- Units are part of the names: `_ms` milliseconds, `_s` seconds, `_h` hours, `_gb` gigabytes,
  `_mb` mebibytes, `_rps` requests per second. Ratios and availabilities are fractions (0.999, not 99.9).
- Unknown keys are errors (with a "did you mean" suggestion), and so is a key written twice.
- Plain YAML only: no tags (`!!python/...`), one document per file, UTF-8. Anchors, aliases and merge
  keys (`<<`) work. Limits (see `scalexpert.loader.Limits`): {limits.max_bytes:,} bytes,
  nesting depth {limits.max_depth}, {limits.max_alias_nodes:,} values reached through aliases; counts
  (replicas, partitions, retries, ...) at most {MAX_COUNT:,}.
- `extends: base.yaml` overlays this file on another one: mappings merge key by key, `dependencies`
  merge by their `from`/`to` pair, `suppressions` are appended.
- `scalexpert validate FILE` checks a file and prints each problem as `file:line:column: path: message`.
- **Stated absence is a fact of its own.** `autoscaling: none` and `disruption_budget: none` say "we
  looked: there is none", which checks may report; leaving the key out says nothing. `storage:
  ephemeral` says a component keeps its data where a replaced instance loses it.

"""


def _kinds_table() -> str:
    blocks = _blocks_by_kind()
    rows = ["## Component kinds", "", "| kind | group | blocks that apply | what it is |", "|---|---|---|---|"]
    for kind in get_args(ComponentKind):
        group = next((name for name, kinds in _GROUPS if kind in kinds), "—")
        applies = ", ".join(f"[`{block}`](#{_anchor_of_field(block)})" for block in blocks[kind]) or "—"
        rows.append(f"| `{kind}` | {group} | {applies} | {KIND_NOTES.get(kind, '')} |")
    rows.append("")
    rows.append("Blocks not listed here (`autoscaling`, `health_checks`, `deployment`, ...) apply to every kind.")
    return "\n".join(rows) + "\n"


def _blocks_by_kind() -> dict[str, list[str]]:
    """Kind-specific blocks, found by asking the model which kinds accept an empty block."""
    kinds = get_args(ComponentKind)
    accepted: dict[str, list[str]] = {kind: [] for kind in kinds}
    for field, info in Component.model_fields.items():
        if _sub_model(info.annotation) is None:
            continue
        ok = [kind for kind in kinds if _accepts(kind, field)]
        if len(ok) < len(kinds):
            for kind in ok:
                accepted[kind].append(field)
    return accepted


def _accepts(kind: str, block: str) -> bool:
    try:
        Component.model_validate({"kind": kind, block: {}})
    except ValidationError:
        return False
    return True


def _sub_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _anchor_of_field(block: str) -> str:
    info = Component.model_fields[block]
    found = _sub_model(info.annotation)
    return found.__name__.lower() if found else "component"


def _sections(schema: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Models in reading order (depth first), each labelled with its shortest path in a file."""
    labels: dict[str, str] = {"Architecture": "top level"}
    queue = ["Architecture"]
    while queue:  # breadth first: the shortest path names each model
        name = queue.pop(0)
        for key, child in _children(name, schema):
            if child not in labels:
                base = "" if name == "Architecture" else labels[name] + "."
                labels[child] = base + key
                queue.append(child)
    order: list[str] = []

    def visit(name: str) -> None:
        order.append(name)
        for _, child in _children(name, schema):
            if child not in order:
                visit(child)

    visit("Architecture")
    return order, labels


def _children(name: str, schema: dict[str, Any]) -> list[tuple[str, str]]:
    node = schema if name == "Architecture" else schema["$defs"][name]
    found: list[tuple[str, str]] = []
    for key, prop in node.get("properties", {}).items():
        for ref, suffix in _refs(prop):
            found.append((key + suffix, ref))
    return found


def _refs(node: Any, suffix: str = "") -> list[tuple[str, str]]:
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        return [(node["$ref"].rsplit("/", 1)[1], suffix)]
    found: list[tuple[str, str]] = []
    for option in node.get("anyOf", []):
        found += _refs(option, suffix)
    if "items" in node:
        found += _refs(node["items"], suffix + "[]")
    for sub in node.get("patternProperties", {}).values():
        found += _refs(sub, suffix + ".<name>")
    return found


def _contents(order: list[str], labels: dict[str, str]) -> str:
    lines = ["## Contents", ""]
    lines += [f"- [`{labels[name]}`](#{name.lower()})" for name in order]
    return "\n".join(lines) + "\n"


def _section(name: str, schema: dict[str, Any], labels: dict[str, str]) -> str:
    model = _MODELS[name]
    node = schema if name == "Architecture" else schema["$defs"][name]
    doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
    lines = [f'<a id="{name.lower()}"></a>', f"## `{labels[name]}`", "", doc, ""]
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    required = set(node.get("required", []))
    for field, info in model.model_fields.items():
        key = info.alias or field
        words = _type_words(node["properties"][key])
        default = "**required**" if key in required else _default_words(info)
        lines.append(f"| `{key}` | {words} | {default} | {_cell(info.description or '')} |")
    return "\n".join(lines) + "\n"


def _default_words(info: Any) -> str:
    if info.default_factory is not None:
        made = info.default_factory()
        return "`[]`" if isinstance(made, list) else "`{}` (nothing stated)"
    if info.default is PydanticUndefined or info.default is None:
        return "not stated"
    value = info.default
    return f"`{str(value).lower()}`" if isinstance(value, bool) else f"`{value}`"


def _type_words(node: dict[str, Any], plural: bool = False) -> str:
    options = [option for option in node.get("anyOf", [node]) if option.get("type") != "null"]
    return " or ".join(_one_type(option, plural) for option in options)


def _one_type(node: dict[str, Any], plural: bool = False) -> str:
    s = "s" if plural else ""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return f"mapping{s} ([{name}](#{name.lower()}))"
    if "anyOf" in node:
        return _type_words(node, plural)
    if "enum" in node:
        return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = node.get("type")
    if kind in ("integer", "number"):
        return _number_words(node, ("integer" if kind == "integer" else "number") + s)
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        return "list of " + _type_words(node.get("items", {}), plural=True)
    if kind == "object" and "patternProperties" in node:
        (sub,) = node["patternProperties"].values()
        return f"mapping of {_name_noun(node.get('propertyNames', {}))} → {_one_type(sub)}"
    if kind == "string":
        if node.get("format") == "date":
            return f"date{s} (YYYY-MM-DD)"
        if "pattern" in node:
            return _name_noun(node) + s
        noun = "texts" if plural else "text"
        return f"{noun} (≤ {node['maxLength']:,} characters)" if "maxLength" in node else noun
    return "any value"


def _name_noun(node: dict[str, Any]) -> str:
    """'component name', or what the name type's description says it names ('failure domain name')."""
    text = node.get("description", "")
    return text[2:].split(":")[0] if text.startswith("A ") and ":" in text else "component name"


def _number_words(node: dict[str, Any], noun: str) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if high == MAX_COUNT:  # a sanity bound on every count, stated once under Limits
        high = None
    if low is not None and high is not None:
        return f"{noun} from {low:g} to {high:g}"
    if low is not None:
        return f"{noun} ≥ {low:g}"
    if "exclusiveMinimum" in node:
        return f"{noun} > {node['exclusiveMinimum']:g}"
    return noun


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
