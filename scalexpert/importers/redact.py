"""Secrets never leave an importer: values that look secret are replaced by a marker.

An architecture file written by ``scalexpert import`` is made to be committed, and its comments quote
the source lines they were read from. A source file holds secrets (a ``DB_PASSWORD``, a token in a
URL, a signed URL, a webhook's path, a connection string's password); none may reach the written
file, its comments, the notes, or a report of ``check`` run on the source file.

:func:`text` redacts one string; :func:`scrub` redacts a whole draft (every value, comment, piece
of evidence and note) and is applied once, where drafts become text (``importers._finish``), so no
importer can bypass it. What looks secret is data: ``knowledge/secrets.yaml``.

What is redacted (the key, the scheme and the host stay, so the evidence still reads):

- the value of a key that looks secret (``DB_PASSWORD=…``, ``?X-Amz-Signature=…``, ``Password=…;``,
  ``"token": "…"``, ``--token …``, ``X-Api-Key …``, ``Authorization: Bearer …``);
- URL userinfo (``https://user:tok@host`` → ``https://<redacted>@host``);
- a webhook URL's path after the segment that names it (``hooks.slack.com/services/<redacted>``),
  and URL path segments or query values that look random (long runs mixing letters and digits);
- values of well-known token shapes whatever key holds them (AWS key ids, GitHub/GitLab/Slack/Stripe
  tokens, JSON Web Tokens, private key blocks).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..shipped import shipped_dir

FILE = "secrets.yaml"


@dataclass(frozen=True)
class Patterns:
    """What looks secret (``knowledge/secrets.yaml``)."""

    marker: str
    words: tuple[str, ...]
    parts: frozenset[str]
    last_parts: frozenset[str]
    not_last_parts: frozenset[str]
    values: tuple[re.Pattern[str], ...]
    schemes: tuple[str, ...]
    webhook_words: frozenset[str]
    random_run: int
    random_bits: float


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """The shipped table of secret-looking keys and values."""
    from ..loader.yamlsource import safe_load

    raw = safe_load((shipped_dir("scalexpert.builtin_knowledge", "knowledge") / FILE).read_text("utf-8"))
    return Patterns(
        marker=str(raw["marker"]),
        words=tuple(str(w) for w in raw["words"]),
        parts=frozenset(str(w) for w in raw["parts"]),
        last_parts=frozenset(str(w) for w in raw["last_parts"]),
        not_last_parts=frozenset(str(w) for w in raw["not_last_parts"]),
        values=tuple(re.compile(str(p)) for p in raw["values"]),
        schemes=tuple(str(w) for w in raw["schemes"]),
        webhook_words=frozenset(str(w) for w in raw["webhook_words"]),
        random_run=int(raw["random_run"]),
        random_bits=float(raw["random_bits"]),
    )


def marker() -> str:
    """What a secret is replaced by."""
    return patterns().marker


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def secret_key(key: str, strict: bool = False) -> bool:
    """Whether a key (``DB_PASSWORD``, ``X-Amz-Signature``, ``apiKey``, ``sig``) names a secret.

    ``strict``: the key must also end in the secret word (``X-Api-Key``, ``--password``, not
    ``token-based``), for keys followed by blanks or a colon, where prose looks the same.
    """
    table = patterns()
    parts = [p for p in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", key).lower()) if p]
    if not parts or parts[-1] in table.not_last_parts:
        return False
    joined = "".join(parts)
    if strict:
        tail = "".join(parts[-2:])
        return (any(tail.endswith(word) for word in table.words) or parts[-1] in table.parts
                or parts[-1] in table.last_parts)
    return (any(word in joined for word in table.words) or any(p in table.parts for p in parts)
            or parts[-1] in table.last_parts)


_KEY = r"(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)"
_QUOTED = r"\"[^\"\n]*\"|'[^'\n]*'"
_BARE = r"[^\s&;,\"'<>()\[\]{}|]+"


@lru_cache(maxsize=1)
def _expressions() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(key=value, key value, scheme credential) with the table's Authorization schemes."""
    schemes = "|".join(re.escape(w) for w in patterns().schemes)
    value = r"(?P<value>(?P<scheme>(?i:" + schemes + r")[ \t]+)?(?:" + _QUOTED + "|" + _BARE + "))"
    # key=value, key: value, "key": "value"
    assigned = re.compile(_KEY + r"(?P<q>[\"']?)(?P<sep>\s*=\s*|:[ \t]+|:(?=[\"']))" + value)
    # --flag value, X-Api-Key value, Authorization "Bearer …" (a key followed by blanks: header or flag style)
    spaced = re.compile(r"(?<![\w.\-])(?P<key>--?[A-Za-z][\w.\-]*|[A-Za-z][\w]*-[\w\-]+|[Aa]uthorization)"
                        r"(?P<q>)(?P<sep>[ \t]+)(?!-)" + value)
    credential = re.compile(r"(?i)\b(?P<scheme>" + schemes + r")(?P<sep>[ \t]+)(?P<cred>[A-Za-z0-9._~+/=\-:]{6,})")
    return assigned, spaced, credential


_URL = re.compile(r"(?i)\b(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<rest>[^\s\"'<>`]+)")
_RUN = re.compile(r"[A-Za-z0-9]+")
_USERINFO = re.compile(r"(?<![^\s=\"'(,;])[^\s/@:=\"'(,;]+:[^\s/@\"']+@(?=(?!sha\d+:)[A-Za-z0-9][A-Za-z0-9.\-]*)")
"""``user:password@host`` without a scheme (an address field, a DSN); image digests (``@sha256:``) are not."""


def text(value: str) -> str:
    """``value`` with everything that looks secret replaced by the marker."""
    if not value or not isinstance(value, str):
        return value
    table = patterns()
    assigned, spaced, _ = _expressions()
    result = _URL.sub(_url, value)
    result = _USERINFO.sub(table.marker + "@", result)
    result = assigned.sub(_assigned, result)
    result = spaced.sub(_assigned, result)
    result = _schemes(result)
    for pattern in table.values:
        result = pattern.sub(table.marker, result)
    return result


def value(item: Any) -> Any:
    """A written value redacted: strings are; numbers, booleans and lists of names are left as they are."""
    return text(item) if isinstance(item, str) else item


def _assigned(match: re.Match[str]) -> str:
    key, sep = match.group("key"), match.group("sep")
    strict = not sep.strip().startswith("=")  # blanks or a colon: prose looks the same
    if not secret_key(key.lstrip("-"), strict) or _done(match.group("value")):
        return match.group(0)
    found, scheme = match.group("value"), match.group("scheme") or ""
    return f"{key}{match.group('q')}{sep}{scheme}{_hidden(found[len(scheme):])}"


def _hidden(found: str) -> str:
    """The marker in place of a value, keeping its quotes."""
    mark = patterns().marker
    if len(found) >= 2 and found[0] in "\"'" and found[-1] == found[0]:
        return f"{found[0]}{mark}{found[0]}"
    return mark


def _done(found: str) -> bool:
    return found.strip("\"'") == patterns().marker or found.strip("\"'") == ""


def _schemes(value: str) -> str:
    """``Bearer abc…`` → ``Bearer <redacted>`` (the credential of an Authorization value)."""
    table = patterns()
    pattern = _expressions()[2]

    def hide(match: re.Match[str]) -> str:
        cred = match.group("cred")
        looks = any(c.isdigit() or c in "=+/._~" for c in cred) or len(cred) >= 20
        if cred == table.marker or not looks or match.group("scheme").lower() in ("token", "apikey") and not _random(cred):
            return match.group(0)
        return f"{match.group('scheme')}{match.group('sep')}{table.marker}"

    return pattern.sub(hide, value)


def _url(match: re.Match[str]) -> str:
    """A URL without userinfo, webhook secrets, random path segments and secret query values."""
    table = patterns()
    scheme, rest = match.group("scheme"), match.group("rest")
    authority, sep, tail = _split_once(rest, "/?#")
    if "@" in authority:
        authority = f"{table.marker}@{authority.rsplit('@', 1)[1]}"
    path, query_sep, query = _split_once(sep + tail, "?#") if sep else ("", "", "")
    host_hook = any(w in re.split(r"[.\-]", authority.lower()) for w in table.webhook_words)
    segments = path.split("/")
    hidden_from = 2 if host_hook else None  # hooks.slack.com/services/<redacted>
    for i, segment in enumerate(segments):
        if hidden_from is None and any(w in re.split(r"[.\-_]", segment.lower()) for w in table.webhook_words):
            hidden_from = i + 1
        if segment and ((hidden_from is not None and i >= hidden_from) or _random(segment)):
            segments[i] = table.marker
    if query_sep == "?":
        query = re.sub(r"(?P<key>[^&=#;]+)=(?P<value>[^&#;]*)",
                       lambda m: f"{m.group('key')}={table.marker}" if m.group("value") and m.group("value") != table.marker
                       and (secret_key(m.group("key")) or _random(m.group("value"))) else m.group(0), query)
    return scheme + authority + "/".join(segments) + query_sep + query


def _split_once(text: str, stops: str) -> tuple[str, str, str]:
    for i, ch in enumerate(text):
        if ch in stops:
            return text[:i], ch, text[i + 1:]
    return text, "", ""


def _random(segment: str) -> bool:
    """Whether a piece of a URL looks like a random token (long, mixed letters and digits, many symbols)."""
    table = patterns()
    for run in _RUN.findall(segment):
        if len(run) < table.random_run:
            continue
        mixed = (any(c.isdigit() for c in run) and any(c.isalpha() for c in run)) or (
            any(c.islower() for c in run) and any(c.isupper() for c in run))
        if mixed and _bits(run) >= table.random_bits:
            return True
    return False


def _bits(run: str) -> float:
    counts = Counter(run)
    return -sum(n / len(run) * math.log2(n / len(run)) for n in counts.values())


def scrub(draft: Any, edges: list[Any]) -> list[Any]:
    """Redact a draft in place (values, comments, evidence, notes) and return its edges redacted."""
    from .draft import Fact

    def fact(item: Fact) -> Fact:
        return replace(item, value=value(item.value), why=text(item.why))

    def facts(table: dict[str, Fact]) -> dict[str, Fact]:
        return {key: fact(item) for key, item in table.items()}

    for component in draft.components.values():
        component.facts = facts(component.facts)
        component.origin = text(component.origin)
    if draft.system_name is not None:
        draft.system_name = fact(draft.system_name)
    draft.system = facts(draft.system)
    draft.entry_points = {name: text(why) for name, why in draft.entry_points.items()}
    draft.notes[:] = [text(note) for note in draft.notes]
    draft.references[:] = [replace(r, evidence=text(r.evidence), fields=facts(r.fields)) for r in draft.references]
    draft.policies = {target: facts(fields) for target, fields in draft.policies.items()}
    return [replace(edge, evidence=tuple(text(e) for e in edge.evidence), fields=facts(edge.fields),
                    protocol=fact(edge.protocol) if edge.protocol else None,
                    mode=fact(edge.mode) if edge.mode else None,
                    role=fact(edge.role) if edge.role else None) for edge in edges]
