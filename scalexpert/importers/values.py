"""Reading values found in deployment files: host references, resource quantities, JVM options."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9])?$")
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:[^@/?#]*@)?(?P<hosts>[^/?#]*)(?P<path>[^?#]*)")
_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9][A-Za-z0-9_.-]*):(?P<port>\d{1,5})(?:/.*)?$")
_SEPARATORS = re.compile(r"[\s;]+")
_ADDRESS_KEY = re.compile(
    r"(HOST|HOSTS|ADDR|ADDRESS|ADDRESSES|URL|URLS|URI|ENDPOINT|ENDPOINTS|SERVER|SERVERS|BROKER|BROKERS|DSN|"
    r"NODES|SEEDS|TARGET|UPSTREAM|BACKEND)",
    re.IGNORECASE,
)
_SELF_KEY = re.compile(r"(^|_)(HOST_?NAME|POD_NAME|POD_IP|APP_NAME|SERVICE_NAME|NAME)$", re.IGNORECASE)
_HOST_FLAGS = frozenset({"-h", "--host", "--hostname", "--server", "--addr", "--address", "--url", "--target",
                         "--broker", "--brokers", "--endpoint", "--upstream", "--backend", "-host", "-url"})
_K8S_SUFFIXES = (".svc.cluster.local", ".svc")


@dataclass(frozen=True)
class HostRef:
    """A host named in a configuration value, with the port and scheme written beside it."""

    host: str
    port: int | None = None
    scheme: str | None = None
    path: str = field(default="", compare=False)


def address_key(key: str) -> bool:
    """Whether an environment key names an address (``DB_HOST``, ``REDIS_URL``...), not the container itself."""
    words = re.split(r"[^A-Za-z0-9]+", key)
    return bool(key) and not _SELF_KEY.search(key) and any(_ADDRESS_KEY.fullmatch(w) for w in words if w)


def refs_in_env(key: str, value: str) -> list[HostRef]:
    """Hosts named by one environment variable.

    URLs, connection strings (``mongodb://a:27017,b:27017``, ``jdbc:mysql://db/x``) and ``host:port``
    count whatever the key; a bare word counts only when the key names an address (``DB_HOST=db``).
    """
    if _SELF_KEY.search(key):
        return []
    pairs = connection_string(value)
    if pairs is not None:
        return pairs
    bare_ok = address_key(key) or "connection" in key.lower()
    return [ref for token in _tokens(value) for ref in _refs_in_token(token, bare_ok)]


_PAIR = re.compile(r"\s*([A-Za-z][A-Za-z ._]*?)\s*=\s*([^;]*)")
_SERVER_KEYS = frozenset({"server", "host", "hostname", "data source", "datasource", "address", "addr",
                          "network address", "endpoint", "contact points", "contactpoints", "hosts", "servers"})
_PORT_KEYS = frozenset({"port"})


def connection_string(value: str) -> list[HostRef] | None:
    """Hosts of a ``key=value;`` connection string (``Server=db;Database=x``, ``Host=db;Port=5432``).

    None when the value is not such a string (fewer than two ``key=value`` parts separated by ``;``).
    """
    if ";" not in value or "=" not in value or "://" in value:
        return None
    parts = [p for p in value.split(";") if p.strip()]
    pairs = [_PAIR.fullmatch(p) for p in parts]
    if len(parts) < 2 or not all(pairs):
        return None
    found = {m.group(1).strip().lower(): m.group(2).strip() for m in pairs if m}
    port_text = next((found[k] for k in _PORT_KEYS if k in found), "")
    port = int(port_text) if port_text.isdigit() else None
    refs: list[HostRef] = []
    for key in sorted(_SERVER_KEYS & set(found)):
        for item in found[key].split(";"):
            text = item.strip()
            if text.lower().startswith("tcp:"):
                text = text[4:]
            host, _, rest = text.replace(",", ":", 1).partition(":")
            own = int(rest) if rest.isdigit() else port
            if host and _HOST.match(host) and not host.replace(".", "").isdigit() and not host.startswith("("):
                refs.append(HostRef(host.lower(), own))
    return refs


def _tokens(value: str) -> list[str]:
    """Words of a value; commas separate words too, except inside a URL's host list."""
    tokens: list[str] = []
    for word in _SEPARATORS.split(value.strip()):
        tokens.extend([word] if "://" in word else word.split(","))
    return tokens


def refs_in_args(args: list[str]) -> list[HostRef]:
    """Hosts named on a command line: URLs and ``host:port`` anywhere, bare hosts after ``-h``/``--host``."""
    refs: list[HostRef] = []
    previous = ""
    for arg in args:
        for token in _tokens(arg):
            flag, _, attached = token.partition("=")
            if attached and flag.lower() in _HOST_FLAGS:
                refs.extend(_refs_in_token(attached, True))
            else:
                refs.extend(_refs_in_token(token, previous.lower() in _HOST_FLAGS))
            previous = token
    return refs


def _refs_in_token(token: str, bare_ok: bool) -> list[HostRef]:
    token = token.strip("\"'()[]{}<>")
    if not token or token.startswith(("-", "$", "/")):
        return []
    lowered = token.lower()
    if lowered.startswith("jdbc:"):
        token = token[5:]
        oracle = re.match(r"oracle:[a-z]+:@(?://)?([A-Za-z0-9][A-Za-z0-9_.-]*):(\d{1,5})", token, re.IGNORECASE)
        if oracle:
            return [HostRef(oracle.group(1).lower(), int(oracle.group(2)), "oracle")]
    match = _URL.match(token)
    if match:
        scheme = match.group("scheme").lower()
        if scheme == "file":
            return []
        refs = []
        for part in match.group("hosts").split(","):
            host, port = _split_port(part)
            if host and _HOST.match(host):
                refs.append(HostRef(host.lower(), port, scheme, match.group("path")))
        return refs
    match = _HOST_PORT.match(token)
    if match:
        return [HostRef(match.group("host").lower(), int(match.group("port")))]
    if (bare_ok or lowered.endswith(_K8S_SUFFIXES)) and _HOST.match(token) and not token.replace(".", "").isdigit():
        return [HostRef(token.lower())]
    return []


def _split_port(text: str) -> tuple[str, int | None]:
    if text.startswith("["):  # IPv6 literal: never a component
        return "", None
    host, _, port = text.partition(":")
    return host, int(port) if port.isdigit() else None


_HEALTH_PATH = re.compile(r"(^|/)(health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|"
                          r"liveness|ping|status|metrics|actuator)(/|$)", re.IGNORECASE)
_HEALTH_KEY = re.compile(r"(^|_)(HEALTH|HEALTHCHECK|PROBE|LIVENESS|READINESS|METRICS|MONITOR|MONITORING|SCRAPE)(_|$)",
                         re.IGNORECASE)


def health_poll(ref: HostRef, key: str | None) -> bool:
    """Whether a reference is a health or monitoring poll: a health path, or a key naming one."""
    return bool(_HEALTH_PATH.search(ref.path) or key and _HEALTH_KEY.search(key))


def kubernetes_names(host: str) -> tuple[str, str | None]:
    """``svc``, ``svc.ns``, ``svc.ns.svc.cluster.local`` → (service, namespace or None)."""
    for suffix in _K8S_SUFFIXES:
        if host.endswith(suffix):
            host = host[: -len(suffix)]
            break
    name, _, namespace = host.partition(".")
    return name, namespace or None


def substitute(value: str, variables: dict[str, str] | None = None) -> str:
    """Compose-style ``${VAR}``, ``$VAR`` and ``${VAR:-default}``: the variable's value (from ``.env``), else the
    default; other variables are left as written."""
    known = variables or {}

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        if name in known and (known[name] or match.group(2) != ":-"):
            return known[name]
        return match.group(3) if match.group(2) else match.group(0)

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)?([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", one, value)


def dotenv(text: str) -> dict[str, tuple[str, int]]:
    """``KEY=value`` lines of a Compose ``.env`` file → value and line (comments, blanks and quotes handled)."""
    found: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        key, _, value = stripped.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key.strip()):
            found[key.strip()] = (value, number)
    for key, (value, number) in list(found.items()):  # values may name earlier variables
        found[key] = (substitute(value, {k: v for k, (v, _) in found.items() if k != key}), number)
    return found


_KUBERNETES_FACTORS: dict[str, float] = {
    "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50, "Ei": 2.0**60,
    "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "m": 1e-3,
}
_COMPOSE_FACTORS: dict[str, float] = {"": 1, "b": 1, "k": 2.0**10, "kb": 2.0**10, "m": 2.0**20, "mb": 2.0**20,
                                      "g": 2.0**30, "gb": 2.0**30}


def kubernetes_memory_mb(value: object) -> float | None:
    """A Kubernetes memory quantity (``500Mi``, ``1G``, ``129e6``) in MiB."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)([A-Za-z]{0,2})\s*", str(value))
    if not match or match.group(2) not in _KUBERNETES_FACTORS:
        return None
    return _tidy(float(match.group(1)) * _KUBERNETES_FACTORS[match.group(2)] / 2.0**20)


def compose_memory_mb(value: object) -> float | None:
    """A Compose memory size (``512m``, ``1gb``, ``268435456``) in MiB."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]{0,2})\s*", str(value))
    if not match or match.group(2).lower() not in _COMPOSE_FACTORS:
        return None
    return _tidy(float(match.group(1)) * _COMPOSE_FACTORS[match.group(2).lower()] / 2.0**20)


def cpu_cores(value: object) -> float | None:
    """A CPU quantity (``500m``, ``0.5``, ``2``) in cores."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(m?)\s*", str(value))
    if not match:
        return None
    cores = float(match.group(1)) / (1000 if match.group(2) else 1)
    return _tidy(cores)


def heap_mb(options: str) -> float | None:
    """The JVM maximum heap (``-Xmx512m``, ``-Xmx2g``) in MiB."""
    found = re.findall(r"(?:^|\s)-Xmx([0-9]+)([kKmMgG]?)(?=\s|$)", options)
    if not found:
        return None
    number, unit = found[-1]
    factor = {"": 1 / 2.0**20, "k": 1 / 2.0**10, "m": 1, "g": 2.0**10}[unit.lower()]
    return _tidy(int(number) * factor) or None


def _tidy(number: float) -> float | None:
    """Rounded to 3 decimals, an int when whole; None when not a finite number."""
    if not math.isfinite(number):
        return None
    rounded = round(number, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def shown(value: str, limit: int = 80) -> str:
    """A value fit for a comment: secrets redacted (see :mod:`.redact`), one line, at most ``limit`` characters."""
    from .redact import text as redacted

    text = " ".join(redacted(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
