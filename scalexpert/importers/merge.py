"""Several sources into one system: drafts merged by component name or by a name that reaches it.

Kubernetes for the services, a gateway's configuration for its routes, Terraform for the managed
stores, an observed graph for the calls: each source gives a :class:`~.draft.Draft`; components
that are the same thing (same name, or one's name is an alias of the other: a host name, a Service
name, an endpoint, a mounted configuration file) become one. When two sources state different
values for one fact, the more authoritative source wins (``observed`` > ``deployment`` >
``infrastructure`` > ``model``, see :mod:`.registry`) and a note names both.
"""

from __future__ import annotations

from dataclasses import replace

from .draft import ComponentDraft, Draft, Reference, add_external, external_host
from .registry import AUTHORITY, SourceKind


def merge(drafts: list[tuple[SourceKind, Draft]], resolve: bool = True) -> Draft:
    """One draft from several, the most authoritative first; ``resolve``: host names to components."""
    ordered = [d for _, d in sorted(enumerate(drafts), key=lambda p: (AUTHORITY.index(p[1][0]), p[0]))]
    if len(ordered) == 1:
        draft = ordered[0][1]
        if resolve:
            _drop_attachments(draft)
            resolve_hosts(draft)
        return draft
    result = Draft(" + ".join(d.format for _, d in ordered))
    renames: list[dict[str, str]] = []
    for _, draft in ordered:
        renamed: dict[str, str] = {}
        earlier = Draft(result.format, dict(result.components))  # a source's own components never merge
        for name, component in draft.components.items():
            home = _match(earlier, name, component)
            if home is None:
                result.components[name] = component
                renamed[name] = name
            else:
                _absorb(result, result.components[home], component)
                renamed[name] = home
        renames.append(renamed)
        if result.system_name is None:
            result.system_name = draft.system_name
        result.notes.extend(draft.notes)
    for (_, draft), renamed in zip(ordered, renames):
        for name, why in draft.entry_points.items():
            result.entry_points.setdefault(renamed.get(name, name), why)
        for target, fields in draft.policies.items():
            result.policies.setdefault(renamed.get(target, target), {}).update(fields)
        for ref in draft.references:
            result.references.append(replace(ref, source=renamed.get(ref.source, ref.source),
                                              target=renamed.get(ref.target, ref.target)))
    _drop_attachments(result)
    if resolve:
        resolve_hosts(result)
    return result


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


def _match(result: Draft, name: str, component: ComponentDraft) -> str | None:
    if name in result.components:
        return name
    if component.attachment:  # a configuration file: the component named like the nearest folder above it
        folders = [a for a in component.aliases]
        for other, existing in sorted(result.components.items()):
            if not existing.attachment and other.lower() in folders:
                return other
        return None
    names = {name.lower(), *component.aliases}
    for other, existing in sorted(result.components.items()):
        if names & ({other.lower()} | existing.aliases):
            return other
    return None


def _absorb(result: Draft, home: ComponentDraft, other: ComponentDraft) -> None:
    """Facts of ``other`` that ``home`` lacks; conflicting values are noted, ``home`` wins."""
    if not other.attachment:
        home.aliases |= other.aliases
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
