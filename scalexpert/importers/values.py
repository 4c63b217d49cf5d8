"""Reading values found in deployment files: host references, resource quantities, JVM options."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9])?$")
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:[^@/?#]*@)?(?P<hosts>[^/?#]*)")
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
    bare_ok = address_key(key)
    return [ref for token in _tokens(value) for ref in _refs_in_token(token, bare_ok)]


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
    match = _URL.match(token)
    if match:
        scheme = match.group("scheme").lower()
        if scheme == "file":
            return []
        refs = []
        for part in match.group("hosts").split(","):
            host, port = _split_port(part)
            if host and _HOST.match(host):
                refs.append(HostRef(host.lower(), port, scheme))
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


def kubernetes_names(host: str) -> tuple[str, str | None]:
    """``svc``, ``svc.ns``, ``svc.ns.svc.cluster.local`` → (service, namespace or None)."""
    for suffix in _K8S_SUFFIXES:
        if host.endswith(suffix):
            host = host[: -len(suffix)]
            break
    name, _, namespace = host.partition(".")
    return name, namespace or None


def substitute(value: str) -> str:
    """Compose-style ``${VAR:-default}`` → ``default``; other variables are left as written."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", value)


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
    """A value fit for a comment: passwords in URLs hidden, one line, at most ``limit`` characters."""
    text = re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", value)
    text = re.sub(r"(?i)((?:password|passwd|pwd|secret|token)=)[^&;\s]+", r"\1***", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
