"""Structurizr workspaces (DSL and JSON) → architecture.

The C4 model's containers become components (a software system without containers becomes one
component; one outside the modelled system, or tagged or located ``External``, is ``external``);
relationships become dependencies, with the protocol and sync/async read from the technology and the
interaction style. People are not components: what they use becomes an entry point. Components
(the C4 level below containers), deployment nodes and views are not read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, InputError
from . import infer
from .detect import Classified
from .draft import ComponentDraft, Draft, Edge, Fact
from .sources import slug

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{)|(\})|(->)|(=)|([^\s{}="]+)')
_ELEMENTS = frozenset({"person", "softwaresystem", "container", "component"})
_SKIPPED_BLOCKS = frozenset({"views", "styles", "configuration", "properties", "perspectives", "deploymentenvironment",
                             "deploymentnode", "infrastructurenode", "containerinstance", "softwaresysteminstance",
                             "branding", "terminology", "users", "documentation", "decisions", "theme", "themes"})
_CLIENT_WORDS = re.compile(r"(browser|single[- ]page|spa\b|mobile app|mobile|ios|android|desktop)", re.IGNORECASE)
_PROTOCOLS: tuple[tuple[str, str], ...] = (
    (r"grpc", "grpc"), (r"websocket|wss?\b", "websocket"), (r"jdbc|sql|postgres|mysql|odbc", "sql"),
    (r"redis", "redis"), (r"memcache", "memcached"), (r"amqp|rabbit|jms|activemq", "amqp"), (r"kafka", "kafka"),
    (r"mqtt", "mqtt"), (r"http|rest|json|https|xml|soap|graphql", "http"), (r"\btcp\b", "tcp"), (r"\bdns\b", "dns"),
)
_ASYNC = re.compile(r"\b(async\w*|publish\w*|subscrib\w*|event\w*|enqueue\w*|queue\w*|messag\w*)\b", re.IGNORECASE)


@dataclass
class Element:
    """A person, software system or container of the model."""

    id: str
    type: str
    name: str
    description: str = ""
    technology: str = ""
    tags: list[str] = field(default_factory=list)
    parent: str | None = None
    where: str = ""
    external: bool = False


@dataclass
class Relationship:
    source: str
    target: str
    description: str
    technology: str
    where: str
    style: str = ""
    tags: list[str] = field(default_factory=list)


def import_structurizr(files: list[Classified]) -> tuple[Draft, list[Edge]]:
    """Read one workspace (DSL or JSON)."""
    if len(files) > 1:
        raise InputError(Diagnostic(files[1].path, 0, 0, "", "several Structurizr workspaces: import one at a time"))
    item = files[0]
    text = item.text
    if text.lstrip().startswith("{"):
        name, elements, relationships = _from_json(item)
    else:
        name, elements, relationships = _from_dsl(item)
    return _draft(item, name, elements, relationships)


# ---------------------------------------------------------------- DSL


def _tokens(item: Classified) -> list[tuple[str, int, bool]]:
    """(token, line, quoted) of the DSL text, comments and directives left out."""
    tokens: list[tuple[str, int, bool]] = []
    in_comment = False
    for number, line in enumerate(item.text.splitlines(), 1):
        stripped = line.strip()
        if in_comment:
            if "*/" in stripped:
                in_comment = False
            continue
        if stripped.startswith("/*"):
            in_comment = "*/" not in stripped
            continue
        if stripped.startswith(("#", "//", "!")):
            if stripped.startswith(("!docs", "!adrs", "!include", "!script", "!plugin")) and stripped.endswith("{"):
                tokens.append(("__directive__", number, False))
                tokens.append(("{", number, False))
            continue
        for match in _TOKEN.finditer(line):
            quoted, opening, closing, arrow, equals, word = match.groups()
            if quoted is not None:
                tokens.append((quoted.replace('\\"', '"'), number, True))
            else:
                tokens.append((opening or closing or arrow or equals or word, number, False))
        tokens.append(("\n", number, False))
    return tokens


def _from_dsl(item: Classified) -> tuple[str, dict[str, Element], list[Relationship]]:
    tokens = _tokens(item)
    elements: dict[str, Element] = {}
    relationships: list[Relationship] = []
    stack: list[str | None] = []  # the element each open block belongs to (None: another block)
    skipping = 0
    workspace = ""
    anonymous = 0
    lines: list[list[tuple[str, int, bool]]] = [[]]
    for token in tokens:
        if token[0] == "\n":
            lines.append([])
        else:
            lines[-1].append(token)
    for line in lines:
        if not line:
            continue
        words = [t[0] for t in line]
        number = line[0][1]
        where = f"{item.label}:{number}"
        if skipping:
            skipping += words.count("{") - words.count("}")
            continue
        if words == ["}"]:
            if not stack:
                raise InputError(Diagnostic(item.path, number, 1, "", "a '}' closes no block"))
            stack.pop()
            continue
        head = words[0].lower()
        if head in _SKIPPED_BLOCKS or head == "__directive__":
            if words[-1] == "{":
                skipping = 1
            continue
        if head == "workspace":
            workspace = next((t[0] for t in line[1:] if t[2]), "")
            stack.append(None)
            continue
        if head in ("model", "group", "enterprise") and words[-1] == "{":
            stack.append(stack[-1] if head == "group" and stack else None)
            continue
        owner = next((s for s in reversed(stack) if s is not None), None)
        identifier, body = (words[0], line[2:]) if len(words) > 2 and words[1] == "=" else (None, line)
        kind = body[0][0].lower() if body else ""
        if kind in _ELEMENTS:
            strings = [t[0] for t in body[1:] if t[2]]
            if not strings:
                raise InputError(Diagnostic(item.path, number, 1, "", f"{body[0][0]} needs a name in quotes"))
            if identifier is None:
                anonymous += 1
                identifier = f"__{anonymous}"
            element = Element(identifier, kind, strings[0], parent=owner, where=where)
            if kind == "person":
                element.description = strings[1] if len(strings) > 1 else ""
                element.tags = _tag_list(strings[2] if len(strings) > 2 else "")
            elif kind == "softwaresystem":
                element.description = strings[1] if len(strings) > 1 else ""
                element.tags = _tag_list(strings[2] if len(strings) > 2 else "")
            else:
                element.description = strings[1] if len(strings) > 1 else ""
                element.technology = strings[2] if len(strings) > 2 else ""
                element.tags = _tag_list(strings[3] if len(strings) > 3 else "")
            element.external = "External" in element.tags
            elements[identifier] = element
            if owner and owner in elements and elements[owner].type == "softwaresystem" and kind == "container":
                element.parent = owner
            if words[-1] == "{":
                stack.append(identifier if kind != "component" else None)
                if kind == "component":
                    skipping = 1
                    stack.pop()
            continue
        if "->" in words:
            arrow = words.index("->")
            source = words[arrow - 1] if arrow > 0 else owner
            if source == "this":
                source = owner
            target = words[arrow + 1] if arrow + 1 < len(words) else ""
            strings = [t[0] for t in line[arrow + 2:] if t[2]]
            if source is None or not target:
                raise InputError(Diagnostic(item.path, number, 1, "", "a relationship needs a source and a "
                                            "destination (`a -> b \"description\" \"technology\"`)"))
            relationships.append(Relationship(source, target, strings[0] if strings else "",
                                              strings[1] if len(strings) > 1 else "", where,
                                              tags=_tag_list(strings[2] if len(strings) > 2 else "")))
            if words[-1] == "{":
                skipping = 1
            continue
        current = elements.get(owner or "")
        if current is not None and len(line) > 1 and line[1][2]:
            if head == "technology":
                current.technology = line[1][0]
            elif head == "description":
                current.description = line[1][0]
            elif head == "tags":
                current.tags.extend(t[0] for t in line[1:] if t[2])
                current.external = current.external or "External" in current.tags
            elif head == "location" and line[1][0].lower() == "external":
                current.external = True
        elif words[-1] == "{":
            stack.append(None)
    if stack:
        raise InputError(Diagnostic(item.path, lines[-1][0][1] if lines[-1] else 0, 0, "",
                                    f"{len(stack)} block(s) are not closed with '}}'"))
    for relationship in relationships:  # hierarchical identifiers (`shop.web`) name the last part
        relationship.source = _known(relationship.source, elements)
        relationship.target = _known(relationship.target, elements)
        for end in (relationship.source, relationship.target):
            if end not in elements:
                at = int(relationship.where.rsplit(":", 1)[1])
                raise InputError(Diagnostic(item.path, at, 1, "", f"relationship names {end!r}, which is no "
                                            "element identifier of this workspace"))
    return workspace, elements, relationships


def _known(identifier: str, elements: dict[str, Element]) -> str:
    if identifier in elements or "." not in identifier:
        return identifier
    return identifier.rsplit(".", 1)[1]


def _tag_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


# ---------------------------------------------------------------- JSON


def _from_json(item: Classified) -> tuple[str, dict[str, Element], list[Relationship]]:
    try:
        workspace = json.loads(item.text)
    except ValueError as exc:
        raise InputError(Diagnostic(item.path, 0, 0, "", f"invalid JSON: {exc}")) from None
    model = workspace.get("model") or {}
    elements: dict[str, Element] = {}
    relationships: list[Relationship] = []

    def take(raw: dict[str, Any], kind: str, parent: str | None) -> None:
        if not isinstance(raw, dict) or "id" not in raw:
            return
        element = Element(str(raw["id"]), kind, str(raw.get("name") or raw["id"]), str(raw.get("description") or ""),
                          str(raw.get("technology") or ""), _tag_list(str(raw.get("tags") or "")), parent,
                          f"{item.label} {kind} {raw.get('name') or raw['id']}")
        element.external = "External" in element.tags or str(raw.get("location", "")).lower() == "external"
        elements[element.id] = element
        for rel in raw.get("relationships") or []:
            if isinstance(rel, dict) and "sourceId" in rel and "destinationId" in rel:
                relationships.append(Relationship(
                    str(rel["sourceId"]), str(rel["destinationId"]), str(rel.get("description") or ""),
                    str(rel.get("technology") or ""), f"{item.label} relationship {rel.get('id', '')}".strip(),
                    str(rel.get("interactionStyle") or ""), _tag_list(str(rel.get("tags") or ""))))
        for container in raw.get("containers") or []:
            take(container, "container", element.id)

    for person in model.get("people") or []:
        take(person, "person", None)
    for system in model.get("softwareSystems") or []:
        take(system, "softwaresystem", None)
    relationships = [r for r in relationships if r.source in elements and r.target in elements]
    return str(workspace.get("name") or ""), elements, relationships


# ---------------------------------------------------------------- mapping


def _draft(item: Classified, workspace: str, elements: dict[str, Element],
           relationships: list[Relationship]) -> tuple[Draft, list[Edge]]:
    draft = Draft("structurizr")
    if workspace:
        draft.system_name = Fact(workspace[:200], f"workspace name ({item.label})")
    with_containers = {e.parent for e in elements.values() if e.type == "container" and e.parent}
    names: dict[str, str] = {}  # element id → component name
    for element in elements.values():
        if element.type == "container" or (element.type == "softwaresystem" and element.id not in with_containers):
            name = slug(element.name)
            if name in names.values():
                parent = elements.get(element.parent or "")
                name = slug(f"{parent.name}-{element.name}") if parent else f"{name}-{element.id}"
            names[element.id] = name
    if not names:
        raise InputError(Diagnostic(item.path, 0, 0, "", "no software systems or containers to import"))
    for element_id, name in names.items():
        draft.components[name] = _component(elements[element_id], name, bool(with_containers), elements)
    edges: dict[tuple[str, str], Edge] = {}
    skipped: list[str] = []
    for rel in relationships:  # a C4 component's relationship is its container's
        rel.source, rel.target = _lifted(rel.source, elements), _lifted(rel.target, elements)
        source, target = elements[rel.source], elements[rel.target]
        if source.type == "person":
            if rel.target in names:
                draft.entry_points.setdefault(names[rel.target], f"used by {source.name} ({rel.where})")
            continue
        if rel.source not in names or rel.target not in names:
            skipped.append(f"{source.name} -> {target.name} ({rel.where})")
            continue
        key = (names[rel.source], names[rel.target])
        if key[0] == key[1] or key in edges:
            continue
        edges[key] = _edge(rel, key, draft.components[key[1]])
    for entry in [name for name in draft.entry_points if draft.components[name].kind == "client"]:
        why = draft.entry_points.pop(entry)  # people use a client; requests enter where the client calls
        for (caller, callee) in edges:
            if caller == entry:
                draft.entry_points.setdefault(callee, f"called by {entry}, a client ({why})")
    if skipped:
        draft.notes.append("relationships between a software system and one of its own containers are not "
                           f"imported: {'; '.join(skipped[:10])}")
    draft.notes.append("a C4 model states no replicas, traffic or capacity: state them in a file that extends "
                       "this one")
    return draft, [edges[key] for key in sorted(edges)]


def _lifted(identifier: str, elements: dict[str, Element]) -> str:
    element = elements[identifier]
    if element.type == "component" and element.parent in elements:
        return element.parent  # type: ignore[return-value]
    return identifier


def _component(element: Element, name: str, has_containers: bool, elements: dict[str, Element]) -> ComponentDraft:
    comp = ComponentDraft(name, element.where)
    words = " ".join([element.technology, *element.tags, element.name])
    if element.type == "softwaresystem" and (element.external or has_containers):
        kind, why = "external", ("tagged or located External" if element.external else
                                 "a software system outside the one whose containers are modelled")
    elif _CLIENT_WORDS.search(f"{element.technology} {' '.join(element.tags)} {element.name}"):
        kind, why = "client", f"technology, tags or name {words.strip()!r}"
    else:
        guess = infer.guess_kind(name, _image_like(element), [])
        if "Database" in element.tags or "Database" in element.technology:
            kind, why = "database", "tag Database"
        elif "Queue" in element.tags or "Topic" in element.tags:
            kind, why = "queue", "tag Queue"
        elif guess is not None and guess.kind != infer.OBSERVABILITY:
            kind, why = guess.kind, f"inferred from the technology {element.technology or element.name!r}"
            if guess.engine and kind in ("database", "cache", "queue", "stream", "search", "object-storage"):
                comp.set("data.engine", guess.engine, f"{why} ({element.where})")
        else:
            kind, why = "service", "a container with no known store, broker or proxy technology"
    comp.set("kind", kind, f"{why} ({element.where})")
    parent = elements.get(element.parent or "")
    description = element.description or element.name
    if parent is not None:
        description = f"{description} (part of {parent.name})"
    comp.set("description", description[:10_000], f"{element.type} {element.name} ({element.where})")
    if element.technology:
        comp.set("technology", element.technology[:200], f"technology ({element.where})")
    return comp


def _image_like(element: Element) -> str:
    """Technology words shaped like an image name, so that the image table recognises products."""
    words = re.findall(r"[A-Za-z0-9.+-]+", element.technology.lower())
    return "/".join(words) or element.name.lower()


def _edge(rel: Relationship, key: tuple[str, str], target: ComponentDraft) -> Edge:
    text = f"{rel.technology} {' '.join(rel.tags)}".lower()
    protocol = next((value for pattern, value in _PROTOCOLS if re.search(pattern, text)), None)
    protocol_fact = Fact(protocol, f"technology {rel.technology!r} ({rel.where})") if protocol else None
    mode = None
    if rel.style:
        mode = Fact("async" if rel.style.lower().startswith("async") else "sync",
                    f"interactionStyle {rel.style} ({rel.where})")
    elif target.kind in ("queue", "stream"):
        mode = Fact("async", f"inferred: {target.name} is a {target.kind}")
    elif _ASYNC.search(f"{rel.description} {rel.technology} {' '.join(rel.tags)}"):
        mode = Fact("async", f"inferred from the words {rel.description!r} {rel.technology!r} ({rel.where})")
    fields: dict[str, Fact] = {}
    if rel.description:
        fields["description"] = Fact(rel.description[:2_000], f"relationship ({rel.where})")
    words = f"{rel.description} {' '.join(rel.tags)}"
    role = next(((r, w) for r, pattern in _ROLES if (w := re.search(pattern, words, re.IGNORECASE))), None)
    role_fact = (Fact(role[0], f"inferred from the word {role[1].group(0)!r} of the relationship ({rel.where})") if role
                 else Fact("request", f"inferred: a C4 relationship says one element uses another ({rel.where})"))
    return Edge(key[0], key[1], (f"relationship {rel.description or ''} ({rel.where})".replace("  ", " "),),
                protocol_fact, mode, fields, role=role_fact)


_ROLES = (("health", r"\b(health ?checks?|monitors?|polls? (its )?(health|status)|probes?)\b"),
          ("batch", r"\b(batch|nightly|back-?office|reporting|exports? (data )?(every|each|daily|nightly))\b"),
          ("admin", r"\b(administers|admin(istration)? (ui|console|tool))\b"))
"""Words of a relationship's description or tags that say it is not a request call (else: ``request``)."""
