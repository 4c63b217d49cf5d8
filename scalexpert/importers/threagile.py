"""Threagile models → architecture.

Technical assets become components (their technology gives the kind), communication links become
dependencies (protocol, sync or async, role where the link's ``usage`` says devops), ``redundant``
gives one or several replicas, the availability rating gives ``critical``, and trust boundaries of an
execution environment or cluster and shared runtimes become failure domains. Security ratings,
data assets and risk tracking have no scalability meaning and are not read.
"""

from __future__ import annotations

from typing import Any

from ..errors import Diagnostic, InputError
from .documents import Document
from .draft import ComponentDraft, Draft, Edge, Fact
from .sources import has_component_field, has_dependency_field, has_system_field, slug

# Threagile technology (and its catalogue aliases) → component kind; the first technology of an
# asset that is in this table decides.
_KINDS: dict[str, tuple[str, ...]] = {
    "client": ("client-system", "client", "browser", "web-browser", "desktop", "desktop-system", "mobile-app",
               "devops-client", "cli", "command-line", "command-line-tool", "command-line-interface", "iot-device",
               "iot"),
    "database": ("database", "db", "identity-store-database", "identity-store", "identity-store-ldap", "ldap-server",
                 "ldap", "data-lake", "big-data-platform", "big-data", "mainframe", "erp",
                 "enterprise-resource-planning"),
    "object-storage": ("file-server", "file-storage", "block-storage", "san", "local-file-system", "local-storage",
                       "artifact-registry", "sourcecode-repository", "git"),
    "search": ("search-index", "search-engine"),
    "queue": ("message-queue", "mq"),
    "stream": ("stream-processing",),
    "load-balancer": ("load-balancer", "lb", "reverse-proxy", "waf", "web-application-firewall"),
    "api-gateway": ("gateway",),
    "coordination": ("service-registry", "service-discovery", "vault", "hashicorp-vault"),
    "function": ("function",),
    "worker": ("batch-processing", "task", "job", "scheduler", "cron", "event-listener", "report-engine",
               "reporting", "build-pipeline", "ci", "continuous-integration"),
    "service": ("web-server", "web-application", "web-app", "application-server", "app-server", "web-service-rest",
                "rest-api", "web-service-soap", "soap-api", "ejb", "enterprise-java-beans", "cms",
                "content-management-system", "identity-provider", "idp", "ai", "mail-server", "email-server",
                "monitoring", "siem", "service-mesh", "container-platform", "hsm", "ids", "ips", "tool",
                "code-inspection-platform", "unknown-technology", "unknown"),
}
_KIND_OF = {technology: kind for kind, names in _KINDS.items() for technology in names}
_NOT_COMPONENTS = frozenset({"library", "in-process-library-call"})

# communication link protocol → (dependency protocol, mode)
_PROTOCOLS: dict[str, tuple[str, str]] = {
    "http": ("http", "sync"), "https": ("http", "sync"), "reverse-proxy-web-protocol": ("http", "sync"),
    "reverse-proxy-web-protocol-encrypted": ("http", "sync"), "ws": ("websocket", "sync"), "wss": ("websocket", "sync"),
    "jdbc": ("sql", "sync"), "jdbc-encrypted": ("sql", "sync"), "odbc": ("sql", "sync"), "odbc-encrypted": ("sql", "sync"),
    "sql-access-protocol": ("sql", "sync"), "sql-access-protocol-encrypted": ("sql", "sync"),
    "nosql-access-protocol": ("other", "sync"), "nosql-access-protocol-encrypted": ("other", "sync"),
    "mqtt": ("mqtt", "async"), "jms": ("amqp", "async"), "binary": ("tcp", "sync"), "binary-encrypted": ("tcp", "sync"),
    "text": ("tcp", "sync"), "text-encrypted": ("tcp", "sync"), "iiop": ("tcp", "sync"),
    "iiop-encrypted": ("tcp", "sync"), "jrmp": ("tcp", "sync"), "jrmp-encrypted": ("tcp", "sync"),
    "ldap": ("other", "sync"), "ldaps": ("other", "sync"), "smtp": ("other", "async"),
    "smtp-encrypted": ("other", "async"), "ssh": ("tcp", "sync"), "ssh-tunnel": ("tcp", "sync"),
    "ftp": ("other", "sync"), "ftps": ("other", "sync"), "sftp": ("other", "sync"), "scp": ("other", "sync"),
    "nfs": ("other", "sync"), "smb": ("other", "sync"), "smb-encrypted": ("other", "sync"),
    "pop3": ("other", "sync"), "pop3-encrypted": ("other", "sync"), "imap": ("other", "sync"),
    "imap-encrypted": ("other", "sync"), "xmpp": ("other", "async"), "nrpe": ("other", "sync"),
    "local-file-access": ("other", "sync"), "inter-process-communication": ("other", "sync"),
    "container-spawning": ("other", "sync"),
}
_CRITICAL = {"archive": False, "operational": False, "critical": True, "mission-critical": True}
# trust boundary type → failure domain kind; network boundaries are security zones, not shared failures
_BOUNDARY_DOMAINS = {"execution-environment": "host", "network-policy-namespace-isolation": "cluster",
                     "network-on-prem": "other", "network-dedicated-hoster": "other"}


def import_threagile(documents: list[Document]) -> tuple[Draft, list[Edge]]:
    """Read one Threagile model (one YAML document)."""
    if len(documents) != 1:
        where = documents[0] if documents else None
        raise InputError(Diagnostic(where.file if where else "<threagile>", 0, 0, "",
                                    "a Threagile model is one YAML document"))
    doc = documents[0]
    model = doc.value
    draft = Draft("threagile")
    if isinstance(model.get("title"), str) and model["title"].strip():
        draft.system_name = Fact(model["title"].strip()[:200], f"title ({doc.at('title')})")
    assets = model.get("technical_assets")
    if not isinstance(assets, dict) or not assets:
        raise doc.fail("no technical assets to import: technical_assets is empty or missing", "technical_assets")
    ids: dict[str, str] = {}  # Threagile id → component name
    for title, asset in assets.items():
        if not isinstance(asset, dict):
            raise doc.fail(f"technical asset {title!r} must be a mapping", "technical_assets", title)
        asset_id = asset.get("id")
        if not isinstance(asset_id, str) or not asset_id.strip():
            raise doc.fail(f"technical asset {title!r} has no id", "technical_assets", title)
        if asset_id in ids:
            raise doc.fail(f"technical asset id {asset_id!r} is used twice", "technical_assets", title, "id")
        ids[asset_id] = slug(asset_id)
    names = list(ids.values())
    if len(set(names)) != len(names):
        raise doc.fail("technical asset ids differ only in characters a component name cannot hold",
                       "technical_assets")
    skipped: list[str] = []
    for title, asset in assets.items():
        component = _component(doc, str(title), asset, ids[asset["id"]])
        if component is None:
            skipped.append(str(title))
        else:
            draft.components[component.name] = component
    if skipped:
        draft.notes.append(f"left out technical assets that are libraries inside another asset: {', '.join(skipped)}")
    edges = _links(doc, assets, ids, draft)
    _entry_points(draft, edges)
    _domains(doc, model, ids, draft)
    unrated = sorted(name for name, c in draft.components.items() if "critical" not in c.facts)
    if unrated:
        draft.notes.append("availability rated 'important' (or not rated) is neither critical nor uncritical: "
                           f"'critical' is left unset for {', '.join(unrated)}")
    draft.notes.append("a Threagile model states no traffic, capacity or replica counts: 'redundant: true' is "
                       "written as 2 replicas, the fewest that redundancy needs; state the real count")
    return draft, edges


def _technologies(asset: dict[str, Any]) -> list[str]:
    found = [str(t).lower() for t in asset.get("technologies") or [] if isinstance(t, str)]
    if isinstance(asset.get("technology"), str):
        found.append(asset["technology"].lower())
    return found


def _component(doc: Document, title: str, asset: dict[str, Any], name: str) -> ComponentDraft | None:
    path = ("technical_assets", title)
    technologies = _technologies(asset)
    if technologies and all(t in _NOT_COMPONENTS for t in technologies):
        return None
    comp = ComponentDraft(name, doc.at(*path))
    comp.aliases |= {slug(title), str(asset.get("id")).lower()}
    kind, why = _kind(doc, path, asset, technologies)
    comp.set("kind", kind, why)
    description = asset.get("description")
    text = f"{title}: {description}" if isinstance(description, str) and description.strip() else title
    comp.set("description", text[:10_000], f"title and description ({doc.at(*path)})")
    if technologies:
        comp.set("technology", ", ".join(technologies)[:200], f"technology ({doc.at(*path, _tech_key(asset))})")
    if isinstance(asset.get("owner"), str) and asset["owner"].strip():
        comp.set("owner", asset["owner"].strip()[:200], f"owner ({doc.at(*path, 'owner')})")
    redundant = asset.get("redundant")
    if isinstance(redundant, bool) and kind != "client":
        comp.set("replicas", 2 if redundant else 1,
                 f"redundant: {'true: at least two instances' if redundant else 'false'} ({doc.at(*path, 'redundant')})")
    rating = asset.get("availability")
    if isinstance(rating, str) and rating in _CRITICAL:
        comp.set("critical", _CRITICAL[rating], f"availability rating {rating} ({doc.at(*path, 'availability')})")
    machine = asset.get("machine")
    if kind in ("service", "worker") and machine == "serverless":
        comp.set("kind", "function", f"machine: serverless ({doc.at(*path, 'machine')})")
    if kind in ("service", "worker") and asset.get("data_assets_stored"):
        comp.set("stateless", False, f"data_assets_stored ({doc.at(*path, 'data_assets_stored')})")
    if asset.get("out_of_scope") is True:
        comp.set("description", f"{text} (out of scope of the threat model)"[:10_000],
                 f"title, description and out_of_scope ({doc.at(*path)})")
    return comp


def _tech_key(asset: dict[str, Any]) -> str:
    return "technologies" if asset.get("technologies") else "technology"


def _kind(doc: Document, path: tuple[str, str], asset: dict[str, Any], technologies: list[str]) -> tuple[str, str]:
    kind_type = asset.get("type")
    if kind_type == "external-entity":
        human = asset.get("used_as_client_by_human") is True or any(_KIND_OF.get(t) == "client" for t in technologies)
        return ("client" if human else "external"), f"type external-entity ({doc.at(*path, 'type')})"
    for technology in technologies:
        if technology in _KIND_OF:
            kind = _KIND_OF[technology]
            if kind_type == "datastore" and kind in ("service", "worker", "client"):
                kind = "database"
            return kind, f"technology {technology} ({doc.at(*path, _tech_key(asset))})"
    if kind_type == "datastore":
        return "database", f"type datastore ({doc.at(*path, 'type')})"
    return "service", f"type {kind_type or 'process'}, no known technology ({doc.at(*path)})"


def _links(doc: Document, assets: dict[str, Any], ids: dict[str, str], draft: Draft) -> list[Edge]:
    edges: dict[tuple[str, str], Edge] = {}
    for title, asset in assets.items():
        source = ids[asset["id"]]
        links = asset.get("communication_links") or {}
        if not isinstance(links, dict):
            raise doc.fail("communication_links must be a mapping of link titles to links",
                           "technical_assets", title, "communication_links")
        for link_title, link in links.items():
            path = ("technical_assets", title, "communication_links", link_title)
            if not isinstance(link, dict):
                raise doc.fail(f"communication link {link_title!r} must be a mapping", *path)
            target_id = link.get("target")
            if target_id not in ids:
                raise doc.fail(f"communication link {link_title!r} of {title!r} targets {target_id!r}, "
                               "which is no technical asset id", *path, "target")
            target = ids[target_id]
            if source not in draft.components or target not in draft.components or source == target:
                continue
            edge = _edge(doc, path, str(link_title), link, source, draft.components[target])
            key = (source, target)
            if key in edges:  # several links between two assets: one dependency, described by all
                old = edges[key]
                text = f"{old.fields['description'].value}; {edge.fields['description'].value}"[:2_000]
                merged = {k: v for k, v in old.fields.items() if edge.fields.get(k) == v}  # what all links say
                merged["description"] = Fact(text, "communication link titles")
                edges[key] = Edge(source, target, old.evidence + edge.evidence, old.protocol, old.mode, merged)
            else:
                edges[key] = edge
    return [edges[key] for key in sorted(edges)]


def _edge(doc: Document, path: tuple[str, ...], title: str, link: dict[str, Any], source: str,
          target: ComponentDraft) -> Edge:
    where = doc.at(*path)
    protocol = mode = None
    name = link.get("protocol")
    if isinstance(name, str) and name in _PROTOCOLS:
        value, sync = _PROTOCOLS[name]
        protocol = Fact(value, f"protocol {name} ({doc.at(*path, 'protocol')})")
        mode = Fact(sync, f"inferred from the protocol {name}")
    if target.kind in ("queue", "stream"):
        mode = Fact("async", f"inferred: {target.name} is a {target.kind}")
    fields: dict[str, Fact] = {}
    description = link.get("description")
    text = f"{title}: {description}" if isinstance(description, str) and description.strip() else title
    fields["description"] = Fact(text[:2_000], f"communication link ({where})")
    if link.get("readonly") is True:
        fields["writes"] = Fact(False, f"readonly: true ({doc.at(*path, 'readonly')})")
        fields["read_share"] = Fact(1, f"readonly: true ({doc.at(*path, 'readonly')})")
    if link.get("usage") == "devops" and has_dependency_field("role"):
        fields["role"] = Fact("admin", f"usage: devops ({doc.at(*path, 'usage')})")
    return Edge(source, target.name, (f"communication link {title!r} ({where})",), protocol, mode, fields)


def _entry_points(draft: Draft, edges: list[Edge]) -> None:
    for edge in edges:
        if draft.components[edge.source].kind == "client" and draft.components[edge.target].kind != "client":
            draft.entry_points.setdefault(edge.target, f"called by {edge.source}, a client ({edge.evidence[0]})")


def _domains(doc: Document, model: dict[str, Any], ids: dict[str, str], draft: Draft) -> None:
    """Execution-environment and cluster trust boundaries and shared runtimes → failure domains."""
    domains: dict[str, tuple[str, str, str, list[str]]] = {}  # name → (kind, description, where, members)
    boundaries = model.get("trust_boundaries") or {}
    by_id = {b.get("id"): (title, b) for title, b in boundaries.items() if isinstance(b, dict)} \
        if isinstance(boundaries, dict) else {}
    for boundary_id, (title, boundary) in sorted(by_id.items(), key=lambda item: str(item[0])):
        kind = _BOUNDARY_DOMAINS.get(str(boundary.get("type")))
        if kind is None or not isinstance(boundary_id, str):
            continue
        members = sorted({ids[a] for a in _inside(boundary_id, by_id, set()) if a in ids})
        where = doc.at("trust_boundaries", title)
        domains[slug(boundary_id)] = (kind, f"trust boundary {title} ({boundary.get('type')})", where, members)
    runtimes = model.get("shared_runtimes") or {}
    for title, runtime in (runtimes.items() if isinstance(runtimes, dict) else []):
        if not isinstance(runtime, dict) or not isinstance(runtime.get("id"), str):
            continue
        members = sorted({ids[a] for a in runtime.get("technical_assets_running") or [] if a in ids})
        where = doc.at("shared_runtimes", title)
        domains[slug(runtime["id"])] = ("runtime", f"shared runtime {title}", where, members)
    domains = {name: d for name, d in domains.items() if len(d[3]) > 1}  # a domain of one shares nothing
    if not domains:
        return
    if not (has_system_field("failure_domains") and has_component_field("failure_domains")):
        for name, (kind, description, where, members) in sorted(domains.items()):
            draft.notes.append(f"{description} ({where}) is a shared failure domain of {', '.join(members)}; "
                               "this version of the format cannot state it")
        return
    per_component: dict[str, list[str]] = {}
    for name, (kind, description, where, members) in sorted(domains.items()):
        draft.system[f"failure_domains.{name}.kind"] = Fact(kind, f"{description} ({where})")
        draft.system[f"failure_domains.{name}.description"] = Fact(description, where)
        for member in members:
            per_component.setdefault(member, []).append(name)
    for member, names in per_component.items():
        if member in draft.components:
            draft.components[member].set("failure_domains", names, "trust boundaries and shared runtimes it is in")


def _inside(boundary_id: str, by_id: dict[Any, tuple[str, dict[str, Any]]], seen: set[str]) -> list[str]:
    """Assets inside a boundary, including those of the boundaries nested in it."""
    if boundary_id in seen or boundary_id not in by_id:
        return []
    seen.add(boundary_id)
    boundary = by_id[boundary_id][1]
    found = [str(a) for a in boundary.get("technical_assets_inside") or []]
    for nested in boundary.get("trust_boundaries_nested") or []:
        found.extend(_inside(str(nested), by_id, seen))
    return found
