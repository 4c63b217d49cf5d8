"""Several sources into one system: drafts merged by component name or by a name that reaches it.

Kubernetes for the services, a gateway's configuration for its routes, Terraform for the managed
stores, an observed graph for the calls: each source gives a :class:`~.draft.Draft`; components
that are the same thing (same name, or one's name is an alias of the other: a host name, a Service
name, an endpoint, a mounted configuration file) become one. When two sources state different
values for one fact, the more authoritative source wins (``observed`` > ``deployment`` >
``infrastructure`` > ``model``, see :mod:`.registry`) and a note names both.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .draft import ComponentDraft, Draft, Reference, add_external, external_host, unresolved_note
from .registry import AUTHORITY, SourceKind


def merge(drafts: list[tuple[SourceKind, Draft]], resolve: bool = True) -> Draft:
    """One draft from several, the most authoritative first; ``resolve``: host names to components."""
    ordered = [d for _, d in sorted(enumerate(drafts), key=lambda p: (AUTHORITY.index(p[1][0]), p[0]))]
    if len(ordered) == 1:
        draft = ordered[0][1]
        if resolve:
            _drop_attachments(draft)
            resolve_hosts(draft)
        unresolved_note(draft, draft.unresolved)
        draft.unresolved = []
        return draft
    result = Draft(" + ".join(d.format for _, d in ordered))
    renames: list[dict[str, str]] = []
    for _, draft in ordered:
        _name_the_source(draft)
        renamed: dict[str, str] = {}
        earlier = dict(result.components)  # a source's own components never merge
        for name, component in draft.components.items():
            home = _match(earlier, name, component)
            if home is not None and home not in result.components:
                home = None  # an external host that another component of this source took already
            if home is None:
                renamed[name] = _add(result, draft, name, component)
            elif _placeholder(result.components[home]) and not _placeholder(component):
                # an external host that an earlier source names is this component: it takes its name
                old = result.components.pop(home)
                new = _add(result, draft, name, component)
                component.aliases |= old.aliases | {home}
                for earlier_names in renames:
                    for key, value in earlier_names.items():
                        if value == home:
                            earlier_names[key] = new
                renamed[name] = new
                result.notes.append(f"{home}, named by {old.origin}, is {new} of {draft.format} ({component.origin}): "
                                    "merged")
            else:
                _absorb(result, result.components[home], component)
                renamed[name] = home
        renames.append(renamed)
        if result.system_name is None:
            result.system_name = draft.system_name
        for key, fact in draft.system.items():
            mine = result.system.setdefault(key, fact)
            if mine.value != fact.value:
                result.notes.append(f"system.{key}: {mine.value!r} ({mine.why}) kept over {fact.value!r} ({fact.why})")
        result.notes.extend(draft.notes)
    for (_, draft), renamed in zip(ordered, renames):
        for name, why in draft.entry_points.items():
            result.entry_points.setdefault(renamed.get(name, name), why)
        for target, fields in draft.policies.items():
            result.policies.setdefault(renamed.get(target, target), {}).update(fields)
        for ref in draft.references:
            result.references.append(replace(ref, source=renamed.get(ref.source, ref.source),
                                              target=renamed.get(ref.target, ref.target)))
    _across(result, ordered, renames)
    _drop_attachments(result)
    if resolve:
        resolve_hosts(result)
    return result


_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,127}")
_POSITION = re.compile(r"[\w./-]+:\d+")


def _name_the_source(draft: Draft) -> None:
    """In a merge of several sources, a comment that names no file says which source the value came from."""
    for component in draft.components.values():
        for path, fact in list(component.facts.items()):
            if not _POSITION.search(fact.why):
                component.facts[path] = replace(fact, why=f"{fact.why} [{draft.format}]" if fact.why else
                                                f"[{draft.format}]")
    for key, fact in list(draft.system.items()):
        if not _POSITION.search(fact.why):
            draft.system[key] = replace(fact, why=f"{fact.why} [{draft.format}]")


_PROVIDER_DOMAINS = (".amazonaws.com",)
"""Host names a cloud provider gives a resource, whose first label is the resource's identifier."""
_ENDPOINT_PREFIXES = frozenset({"master", "primary", "replica", "reader", "writer", "clustercfg"})
_GROUPS = ({"database", "cache", "search", "object-storage", "coordination"}, {"queue", "stream"})
"""Kinds of thing that a same-named component of another kind cannot be (a service is not its database)."""


def endpoint_labels(host: str) -> set[str]:
    """The identifiers a provider's host name carries (``orders-db`` in ``orders-db.x.rds.amazonaws.com``)."""
    host = host.lower().rstrip(".")
    if not host.endswith(_PROVIDER_DOMAINS):
        return set()
    labels = host.split(".")
    found = {labels[0]}
    if labels[0] in _ENDPOINT_PREFIXES and len(labels) > 2:
        found.add(labels[1])
    for prefix in ("search-", "vpc-"):  # OpenSearch: search-<domain>-<hash>
        if labels[0].startswith(prefix) and "-" in labels[0][len(prefix):]:
            found.add(labels[0][len(prefix):].rsplit("-", 1)[0])
    return found


def _placeholder(component: ComponentDraft) -> bool:
    """An external host that a source names and no source describes (made by :func:`.draft.add_external`)."""
    kind = component.facts.get("kind")
    return kind is not None and kind.value == "external" and kind.why.startswith("inferred")


def _compatible(a: ComponentDraft, b: ComponentDraft) -> bool:
    """Whether two components of the same name may be one thing (a service is not the database it uses)."""
    if a.kind == b.kind or "external" in (a.kind, b.kind):
        return True
    return not any((a.kind in group) != (b.kind in group) for group in _GROUPS)


def _add(result: Draft, draft: Draft, name: str, component: ComponentDraft) -> str:
    """Add a component under its name, or under ``name-kind`` when another kind of thing has that name."""
    new = name
    if new in result.components:
        free = [e for e in sorted(component.endpoints) if e not in result.components and _NAME.fullmatch(e)]
        new, number = (free[0] if free else f"{name}-{component.kind}"), 2
        while new in result.components:
            new, number = f"{name}-{component.kind}-{number}", number + 1
        other = result.components[name]
        result.notes.append(f"{name}: {draft.format} describes a {component.kind} ({component.origin}) and another "
                            f"source a {other.kind} of that name ({other.origin}); imported as {new} and {name}")
        component.name = new
    result.components[new] = component
    return new


def _across(result: Draft, ordered: list[tuple[SourceKind, Draft]], renames: list[dict[str, str]]) -> None:
    """Names one source could not resolve (``DB_HOST=orders-db``) that another source's component carries."""
    names: dict[str, str] = {}
    endpoints: dict[str, str] = {}
    for name, component in sorted(result.components.items()):
        for alias in (name.lower(), *sorted(component.aliases)):
            names.setdefault(alias.lower(), name)
        for label in sorted(component.endpoints):
            endpoints.setdefault(label.lower(), name)
    for (_, draft), renamed in zip(ordered, renames):
        left: list[Reference] = []
        for ref in draft.unresolved:
            source = renamed.get(ref.source, ref.source)
            host = ref.target.lower().rstrip(".")
            found = names.get(host) or next((endpoints[x] for x in sorted(endpoint_labels(host)) if x in endpoints), None)
            if found is None and not external_host(host) and "." in host:
                found = names.get(host.split(".", 1)[0])
            if found is None or found == source or source not in result.components:
                left.append(ref)
                continue
            where = result.components[found].origin
            result.references.append(replace(ref, source=source, target=found,
                                             evidence=f"{ref.evidence}; {ref.target} is {found} ({where})"))
        holder = Draft(draft.format, unresolved_what=draft.unresolved_what)
        unresolved_note(holder, left)
        result.notes.extend(holder.notes)


def _drop_attachments(draft: Draft) -> None:
    """Configuration files that matched no component: left out, with their references."""
    orphans = {name for name, component in draft.components.items() if component.attachment}
    if not orphans:
        return
    for name in sorted(orphans):
        del draft.components[name]
        draft.notes.append(f"{name.removeprefix('config:')}: no component is named like a folder above it; "
                           "its addresses were left out")
    draft.references[:] = [r for r in draft.references if r.source not in orphans]


def _match(result: dict[str, ComponentDraft], name: str, component: ComponentDraft) -> str | None:
    if component.attachment:  # a configuration file: the component named like the nearest folder above it
        folders = [a for a in component.aliases]
        for other, existing in sorted(result.items()):
            if not existing.attachment and other.lower() in folders:
                return other
        return None
    if component.endpoints:  # an external host an earlier source names, e.g. an RDS endpoint in DB_HOST
        for other, existing in sorted(result.items()):
            if _placeholder(existing) and endpoint_labels(other) & component.endpoints:
                return other
    if _placeholder(component):
        for other, existing in sorted(result.items()):
            if endpoint_labels(name) & existing.endpoints:
                return other
    if name in result and _compatible(result[name], component):
        return name
    names = {name.lower(), *component.aliases}
    for other, existing in sorted(result.items()):
        if names & ({other.lower()} | existing.aliases) and _compatible(existing, component):
            return other
    return None


def _absorb(result: Draft, home: ComponentDraft, other: ComponentDraft) -> None:
    """Facts of ``other`` that ``home`` lacks; conflicting values are noted, ``home`` wins."""
    if not other.attachment:
        home.aliases |= other.aliases
    home.endpoints |= other.endpoints
    home.ports |= other.ports
    home.calls_as = home.calls_as or other.calls_as
    for path, fact in other.facts.items():
        mine = home.facts.get(path)
        if mine is None or path == "kind" and mine.why.startswith("inferred") and not fact.why.startswith("inferred"):
            home.facts[path] = fact
        elif mine.value != fact.value and path not in ("description", "technology"):
            result.notes.append(f"{home.name}.{path}: {mine.value!r} ({mine.why}) kept over {fact.value!r} ({fact.why})")


def resolve_hosts(draft: Draft) -> None:
    """References that name a host (a gateway's upstream) instead of a component: resolved by alias."""
    aliases: dict[str, str] = {}
    for name, component in sorted(draft.components.items()):
        for alias in component.aliases:
            aliases.setdefault(alias.lower(), name)
    unresolved: list[str] = []
    kept: list[Reference] = []
    for ref in draft.references:
        target = ref.target
        if target not in draft.components:
            found = aliases.get(target.lower())
            if found is None and not external_host(target):
                found = aliases.get(target.lower().split(".", 1)[0])
            if found is None and external_host(target):
                found = add_external(draft, target, ref.evidence)
            if found is None:
                unresolved.append(f"{target} in {ref.evidence}")
                continue
            ref = replace(ref, target=found)
        kept.append(ref)
    draft.references[:] = kept
    if unresolved:
        listed = "; ".join(unresolved[:10]) + (f"; and {len(unresolved) - 10} more" if len(unresolved) > 10 else "")
        draft.notes.append(f"routes to hosts that match no component in the input were left out: {listed}")
