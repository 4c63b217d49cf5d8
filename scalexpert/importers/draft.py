"""What an importer found, before it is written: components, references between them, notes.

Every value is a :class:`Fact`: the value and the words saying where it was read or what it was
inferred from; those words become the YAML comment beside the value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import infer

_STORE_KINDS = frozenset({"database", "cache", "search", "object-storage"})
_ENGINE_KINDS = frozenset({"database", "search", "object-storage", "coordination", "cache", "queue", "stream"})
_SERVICE_SUFFIXES = ("service", "svc", "api", "server", "app")
_STORE_WORDS = frozenset({"db", "database", "mongodb", "mongo", "mysql", "postgres", "postgresql", "redis", "memcached",
                          "cache", "elasticsearch", "es"})


@dataclass(frozen=True)
class Origin:
    """Where a source file states something: the path as opened, the short label of comments, the line."""

    file: str
    label: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.label}:{self.line}"


@dataclass(frozen=True)
class Fact:
    """A value and where it came from (the YAML comment; ``origin`` when a source file states it)."""

    value: Any
    why: str
    origin: Origin | None = None


@dataclass
class ComponentDraft:
    """One component as read from a deployment file."""

    name: str
    origin: str
    facts: dict[str, Fact] = field(default_factory=dict)
    ports: set[int] = field(default_factory=set)
    port_names: dict[int, str] = field(default_factory=dict)
    role: str | None = None
    """Set for observability components (e.g. "tracing backend"): dependencies on them are left out."""
    engine: str | None = None
    where: Origin | None = None
    """Where the component is defined, when known as a position (else parsed from ``origin``)."""
    aliases: set[str] = field(default_factory=set)
    """Other names that reach it (host names, endpoints), for merging sources."""
    endpoints: set[str] = field(default_factory=set)
    """First labels of the host names a cloud provider gives it (an RDS ``identifier``: ``orders-db`` in
    ``orders-db.abc123.eu-west-1.rds.amazonaws.com``), for merging with a source that names the endpoint."""
    attachment: bool = False
    """Configuration of a component found in another source (an application's properties file): merged
    into that component by alias, left out when none matches."""
    calls_as: str | None = None
    """The role of the edges it starts when nothing else says: ``health`` (monitoring), ``admin`` (admin tools)."""

    def set(self, path: str, value: Any, why: str, origin: Origin | None = None) -> None:
        """Record a value at a dotted path (``resources.cpu_limit``)."""
        self.facts[path] = Fact(value, why, origin)

    @property
    def kind(self) -> str:
        return str(self.facts["kind"].value) if "kind" in self.facts else "service"


@dataclass(frozen=True)
class Reference:
    """A component naming another one: env value, depends_on, link, command argument."""

    source: str
    target: str
    evidence: str
    port: int | None = None
    scheme: str | None = None
    key: str | None = None
    guessed: bool = False
    role: str = "request"
    """What the reference shows: ``request`` (a connection, a route), ``startup`` (start-up order only),
    ``health`` (a health or monitoring poll), ``admin``, ``batch``."""
    origin: Origin | None = None
    fields: dict[str, Fact] = field(default_factory=dict, compare=False, hash=False)
    """Further dependency fields the source states (``timeout_ms``, ``retries``, ``share``...)."""


@dataclass
class Draft:
    """Everything one importer found in its input files."""

    format: str
    components: dict[str, ComponentDraft] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    entry_points: dict[str, str] = field(default_factory=dict)
    system_name: Fact | None = None
    notes: list[str] = field(default_factory=list)
    system: dict[str, Fact] = field(default_factory=dict)
    """Other system fields at dotted paths (``failure_domains.host-1.kind``)."""
    policies: dict[str, dict[str, Fact]] = field(default_factory=dict)
    """Fields for every request edge to a component (a mesh's timeouts, retries, circuit breaking),
    applied once all sources are merged (:func:`apply_policies`)."""
    unresolved: list[Reference] = field(default_factory=list)
    """References to names that match nothing in this source (``target`` is the name as written, e.g.
    ``DB_HOST=orders-db``): another source of the same import may name them; :func:`.merge.merge` resolves
    them by alias or endpoint and lists the rest in a note."""
    unresolved_what: str = "names that match no component in the input"
    """How the note on the references left unresolved begins."""


def unresolved_note(draft: Draft, refs: list[Reference]) -> None:
    """The note listing references whose target no source names (they are left out)."""
    if not refs:
        return
    items = [f"{r.target} in {r.evidence}" for r in refs]
    listed = "; ".join(items[:10]) + (f"; and {len(items) - 10} more" if len(items) > 10 else "")
    draft.notes.append(f"{draft.unresolved_what} were left out: {listed}")


def apply_policies(draft: Draft) -> None:
    """Set the policies' fields on the request references to their components (stated fields win)."""
    for target, fields in sorted(draft.policies.items()):
        callers = [r for r in draft.references if r.target == target and r.role == "request"]
        for ref in callers:
            for key, fact in fields.items():
                ref.fields.setdefault(key, fact)
        if fields and not callers:
            listed = ", ".join(f"{k} {f.value}" for k, f in sorted(fields.items()))
            draft.notes.append(f"mesh policy for {target} ({listed}) applies to no caller in the input")


@dataclass(frozen=True)
class Edge:
    """A dependency ready to be written."""

    source: str
    target: str
    evidence: tuple[str, ...]
    protocol: Fact | None
    mode: Fact | None
    fields: dict[str, Fact] = field(default_factory=dict)
    """Further dependency fields read or measured (``calls_per_request``, ``description``...)."""
    role: Fact | None = None
    origin: Origin | None = None


def classify(component: ComponentDraft, image: str | None, where: str) -> None:
    """Set kind, engine, technology-derived facts of a component from its image, ports and name."""
    guess = infer.guess_kind(component.name, image, sorted(component.ports))
    if guess is None:
        subject = f"image {image} matches" if image else "no image; its name and ports match"
        component.set("kind", "service", f"inferred: {subject} no known store, broker or proxy ({where})")
        return
    kind, why = guess.kind, f"inferred from {guess.reason} ({where})"
    component.engine = guess.engine
    if guess.role == "admin tool":
        component.calls_as = "admin"
    if kind == infer.OBSERVABILITY:
        component.role = guess.role or "observability"
        component.calls_as = "health"
        component.set("kind", "service", f"{why}; observability infrastructure")
        component.set("description", f"Observability infrastructure ({component.role}). Not on the request path: "
                      "dependencies on it are left out.", why)
        component.set("critical", False, "inferred: observability infrastructure is not on the request path")
        return
    if kind == "load-balancer" and infer.gateway_name(component.name):
        kind, why = "api-gateway", f"inferred from {guess.reason} and the name {component.name} ({where})"
    if kind == "cache" and guess.engine == "redis" and infer.redis_used_as_queue(component.name):
        kind, why = "queue", f"inferred from {guess.reason} and the name {component.name}: Redis as a broker ({where})"
    if guess.role and kind == "service":
        component.set("description", f"{guess.role[0].upper()}{guess.role[1:]} ({guess.reason}).", why)
    component.set("kind", kind, why)
    if guess.engine and kind in _ENGINE_KINDS:
        component.set("data.engine", guess.engine, why)


def ref_role(ref: Any, key: str | None, source: ComponentDraft, default: str = "request") -> str:
    """The role a host reference shows: a health poll, an admin tool's or monitor's call, else ``default``."""
    from .values import health_poll

    if default != "request":
        return default
    if health_poll(ref, key):
        return "health"
    return source.calls_as or default


_TLD = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9.-]*[a-z]{2,}$")
_INTERNAL_SUFFIXES = (".local", ".internal", ".svc", ".cluster.local", ".localdomain", ".lan", ".home", ".test",
                      ".example", ".invalid", ".localhost")


def external_host(host: str, namespaces: frozenset[str] = frozenset()) -> bool:
    """Whether a host outside the input is an external system (``api.stripe.com``), not an unknown name."""
    host = host.lower().rstrip(".")
    if not _TLD.match(host) or host.endswith(_INTERNAL_SUFFIXES) or host.replace(".", "").isdigit():
        return False
    parts = host.split(".")
    return not (len(parts) >= 2 and parts[1] in namespaces)


def add_external(draft: Draft, host: str, evidence: str) -> str:
    """The external component for ``host`` (made on first mention)."""
    name = host.lower().rstrip(".")[:128]
    if name not in draft.components:
        component = ComponentDraft(name, evidence)
        component.set("kind", "external", f"inferred: {host} is named by {evidence} and is not in the input")
        component.aliases.add(name)
        draft.components[name] = component
    return name


def retag_brokers(draft: Draft) -> None:
    """A Redis cache that a caller names in a broker setting (``CELERY_BROKER_URL``) is a queue."""
    for ref in draft.references:
        target = draft.components.get(ref.target)
        if target and target.kind == "cache" and target.engine == "redis" and ref.key and infer.queue_key(ref.key):
            target.set("kind", "queue", f"inferred: Redis used as a message broker by {ref.evidence}")


def guess_from_names(draft: Draft) -> None:
    """Add references that names suggest (``catalogue`` → ``catalogue-db``); marked as guesses."""
    services: dict[str, list[str]] = defaultdict(list)
    for name, comp in draft.components.items():
        if comp.kind in ("service", "worker") and comp.role is None:
            services[_base(infer.words(name), _SERVICE_SUFFIXES)].append(name)
    known = {(r.source, r.target) for r in draft.references}
    for name, comp in sorted(draft.components.items()):
        if comp.kind not in _STORE_KINDS:
            continue
        parts = infer.words(name)
        bases = {_base(parts, tuple(_STORE_WORDS))}
        if len(parts) > 1 and parts[0] in _STORE_WORDS:
            bases.add("-".join(parts[1:]))
        owners = sorted({s for base in bases if base for s in services.get(base, [])})
        if len(owners) == 1 and (owners[0], name) not in known:
            evidence = f"guessed from the names: {name} is named after {owners[0]}; not stated in the files, check it"
            draft.references.append(Reference(owners[0], name, evidence, guessed=True))


def _base(parts: list[str], suffixes: tuple[str, ...]) -> str:
    if len(parts) > 1 and parts[-1] in suffixes:
        parts = parts[:-1]
    return "-".join(parts)


def edges(draft: Draft) -> list[Edge]:
    """One dependency per (from, to), sorted; self-references and observability targets left out."""
    grouped: dict[tuple[str, str], list[Reference]] = defaultdict(list)
    skipped: set[str] = set()
    for ref in draft.references:
        if ref.source == ref.target or ref.source not in draft.components or ref.target not in draft.components:
            continue
        if draft.components[ref.target].role is not None:
            skipped.add(ref.target)
            continue
        grouped[(ref.source, ref.target)].append(ref)
    if skipped:
        draft.notes.append(f"left out dependencies on observability components ({', '.join(sorted(skipped))}): "
                           "tracing and metrics exports are not on the request path")
    result = []
    for (source, target), refs in sorted(grouped.items()):
        stated = [r for r in refs if not r.guessed] or refs
        role, chosen = _role(stated)
        evidence = tuple(dict.fromkeys(r.evidence for r in stated))
        target_comp = draft.components[target]
        mode = Fact("async", f"inferred: {target} is a {target_comp.kind}") if target_comp.kind in ("queue", "stream") else None
        fields: dict[str, Fact] = {}
        for ref in chosen:
            fields.update(ref.fields)
        protocol = fields.pop("protocol", None) or _protocol(chosen, target_comp)
        mode = fields.pop("mode", None) or mode
        role = fields.pop("role", None) or role
        result.append(Edge(source, target, evidence, protocol, mode, fields, role=role,
                           origin=next((r.origin for r in chosen if r.origin), None)))
    return result


_ROLE_ORDER = ("request", "batch", "admin", "health", "startup")
_ROLE_WHY = {
    "request": "a connection or route to it is configured",
    "batch": "only batch or back-office paths name it",
    "admin": "only an administration tool names it",
    "health": "only health or monitoring polls name it",
    "startup": "only start-up order (depends_on) names it; no configured connection shows a call",
}


def as_references(draft: Draft, found: list[Edge]) -> Draft:
    """A draft whose dependencies are written edges (Terraform, Threagile, Structurizr) as references, so that
    it merges with other sources; the edges' protocol, mode, role and fields travel in ``Reference.fields``."""
    for edge in found:
        fields = dict(edge.fields)
        for key, fact in (("protocol", edge.protocol), ("mode", edge.mode), ("role", edge.role)):
            if fact is not None:
                fields[key] = fact
        stated = edge.role or fields.get("role")
        role = str(stated.value) if stated is not None else "request"
        for evidence in edge.evidence or ("",):
            draft.references.append(Reference(edge.source, edge.target, evidence, role=role, origin=edge.origin,
                                              fields=fields))
    return draft


def _role(refs: list[Reference]) -> tuple[Fact | None, list[Reference]]:
    """The strongest role the references show, and the references that show it."""
    role = min((r.role for r in refs), key=_ROLE_ORDER.index)
    chosen = [r for r in refs if r.role == role]
    return Fact(role, f"inferred: {_ROLE_WHY[role]}"), chosen


def _protocol(refs: list[Reference], target: ComponentDraft) -> Fact | None:
    for ref in refs:
        if ref.scheme and infer.protocol_from_scheme(ref.scheme):
            return Fact(infer.protocol_from_scheme(ref.scheme), f"inferred from the scheme {ref.scheme}://")
    for ref in refs:
        if ref.port is not None:
            named = target.port_names.get(ref.port)
            if named and infer.protocol_from_port_name(named):
                return Fact(infer.protocol_from_port_name(named), f"inferred from the port name {named}")
            if infer.protocol_from_port(ref.port):
                return Fact(infer.protocol_from_port(ref.port), f"inferred from port {ref.port}")
    engine = target.engine or (str(target.facts["data.engine"].value) if "data.engine" in target.facts else None)
    if infer.protocol_from_engine(engine):
        return Fact(infer.protocol_from_engine(engine), f"inferred from the target's engine {engine}")
    by_port = {_port_protocol(target, port) for port in target.ports}
    if len(by_port) == 1 and None not in by_port:
        ports = ", ".join(str(p) for p in sorted(target.ports))
        return Fact(by_port.pop(), f"inferred from the target's port{'s' if len(target.ports) > 1 else ''} {ports}")
    if target.kind in ("load-balancer", "api-gateway"):
        return Fact("http", f"inferred: the target is a {target.kind}")
    return None


def _port_protocol(target: ComponentDraft, port: int) -> str | None:
    named = target.port_names.get(port)
    return (infer.protocol_from_port_name(named) if named else None) or infer.protocol_from_port(port)
