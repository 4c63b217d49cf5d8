"""Inference shared by the importers: component kinds from images, protocols from ports and schemes."""

from __future__ import annotations

import re
from dataclasses import dataclass

OBSERVABILITY = "observability"
"""Pseudo-kind of tracing, metrics and logging back-ends: written as kind ``service``."""


@dataclass(frozen=True)
class Guess:
    """A kind guessed for a component, with the engine (``postgres``) and what it was guessed from."""

    kind: str
    engine: str | None
    reason: str
    role: str | None = None  # e.g. "tracing backend" for observability components


# (kind, engine, role, words); the first row with a word matching an image token wins.
_IMAGE_TABLE: tuple[tuple[str, str | None, str | None, tuple[str, ...]], ...] = (
    (OBSERVABILITY, None, "metrics exporter", ("exporter",)),
    ("service", None, "admin tool", ("express", "commander", "adminer", "pgadmin", "pgadmin4", "phpmyadmin", "insight",
                                      "dashboards", "ui", "admin", "manager")),
    (OBSERVABILITY, "jaeger", "tracing backend", ("jaeger", "jaegertracing", "all-in-one")),
    (OBSERVABILITY, "zipkin", "tracing backend", ("zipkin", "tempo")),
    (OBSERVABILITY, "prometheus", "metrics backend", ("prometheus", "victoriametrics", "thanos", "alertmanager")),
    (OBSERVABILITY, "grafana", "dashboards", ("grafana",)),
    (OBSERVABILITY, None, "log pipeline", ("loki", "fluentd", "fluent-bit", "logstash", "kibana", "promtail",
                                           "otel", "opentelemetry-collector", "opentelemetry-collector-contrib")),
    ("client", None, "load generator", ("load-test", "loadtest", "locust", "k6", "wrk", "wrk2", "jmeter", "vegeta",
                                         "gatling")),
    ("dns", None, None, ("dns", "coredns", "dnsmasq", "bind9", "dns-proxy-server")),
    ("api-gateway", None, None, ("kong", "tyk", "krakend", "apisix", "ambassador", "emissary", "gloo", "zuul",
                                  "spring-cloud-gateway", "gateway", "openresty")),
    ("load-balancer", None, None, ("nginx", "haproxy", "envoy", "traefik", "caddy", "httpd", "edge-router",
                                    "ingress-nginx", "varnish")),
    ("database", "postgres", None, ("postgres", "postgresql", "postgis", "timescaledb")),
    ("database", "mysql", None, ("mysql", "percona")),
    ("database", "mariadb", None, ("mariadb",)),
    ("database", "mongodb", None, ("mongo", "mongodb")),
    ("database", "cassandra", None, ("cassandra", "scylla", "scylladb")),
    ("database", "mssql", None, ("mssql", "sqlserver", "mssql-server")),
    ("database", "cockroachdb", None, ("cockroach", "cockroachdb")),
    ("database", None, None, ("oracle", "db2", "neo4j", "couchdb", "couchbase", "influxdb", "clickhouse", "yugabyte",
                              "tidb", "arangodb", "rethinkdb", "dynamodb-local", "questdb")),
    ("cache", "redis", None, ("redis", "valkey", "keydb", "dragonfly")),
    ("cache", "memcached", None, ("memcached",)),
    ("queue", "rabbitmq", None, ("rabbitmq",)),
    ("queue", "nats", None, ("nats", "nats-streaming")),
    ("queue", "activemq", None, ("activemq", "artemis", "activemq-artemis")),
    ("queue", None, None, ("elasticmq", "beanstalkd", "mosquitto", "emqx")),
    ("stream", "kafka", None, ("kafka", "cp-kafka", "redpanda", "pulsar")),
    ("coordination", "zookeeper", None, ("zookeeper", "cp-zookeeper")),
    ("coordination", "etcd", None, ("etcd",)),
    ("coordination", "consul", None, ("consul",)),
    ("search", "elasticsearch", None, ("elasticsearch", "opensearch", "solr", "meilisearch", "typesense")),
    ("object-storage", "minio", None, ("minio", "seaweedfs")),
)

# Server ports that identify a store when the image says nothing.
_PORT_KINDS: dict[int, tuple[str, str]] = {
    5432: ("database", "postgres"), 3306: ("database", "mysql"), 27017: ("database", "mongodb"),
    1433: ("database", "mssql"), 26257: ("database", "cockroachdb"), 9042: ("database", "cassandra"),
    6379: ("cache", "redis"), 11211: ("cache", "memcached"), 5672: ("queue", "rabbitmq"),
    4222: ("queue", "nats"), 9092: ("stream", "kafka"), 2181: ("coordination", "zookeeper"),
    2379: ("coordination", "etcd"), 9200: ("search", "elasticsearch"),
}

# Last word of a name that marks a store: catalogue-db, user-mongodb, orders_cache.
_NAME_SUFFIXES: dict[str, tuple[str, str | None]] = {
    "db": ("database", None), "database": ("database", None), "mongodb": ("database", "mongodb"),
    "mongo": ("database", "mongodb"), "mysql": ("database", "mysql"), "postgres": ("database", "postgres"),
    "postgresql": ("database", "postgres"), "redis": ("cache", "redis"), "memcached": ("cache", "memcached"),
    "cache": ("cache", None),
}

_RUNTIMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("jvm", ("openjdk", "java", "eclipse-temurin", "temurin", "amazoncorretto", "corretto", "tomcat", "jetty", "jre",
             "jdk", "maven", "gradle")),
    ("node", ("node", "nodejs")),
    ("python", ("python", "pypy")),
    ("go", ("golang",)),
    ("dotnet", ("dotnet", "aspnet")),
    ("ruby", ("ruby", "rails")),
    ("rust", ("rust",)),
)

_QUEUE_WORDS = frozenset({"queue", "broker", "jobs", "celery", "bull", "sidekiq", "rq", "mq", "worker"})


def image_name(image: str) -> str:
    """``docker.io/library/postgres:15@sha256:…`` → ``postgres``; ``bitnami/redis`` → ``redis``."""
    path = image.split("@", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def words(name: str) -> list[str]:
    """``hotel_reserv-review.v2`` → ``['hotel', 'reserv', 'review', 'v2']``."""
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def _image_tokens(image: str) -> set[str]:
    """Tokens to match: the image name, its words, and the repository path before it."""
    segments = image.split("@", 1)[0].split("/")
    name = image_name(image)
    return {name, *words(name), *(s.split(":", 1)[0].lower() for s in segments[:-1])}


def kind_from_image(image: str) -> Guess | None:
    """The kind an image name stands for, or None."""
    tokens = _image_tokens(image)
    for kind, engine, role, table_words in _IMAGE_TABLE:
        if tokens.intersection(table_words):
            return Guess(kind, engine, f"image {image}", role)
    return None


def kind_from_ports(ports: list[int]) -> Guess | None:
    """The kind of a store from the well-known port it listens on, or None."""
    for port in sorted(set(ports)):
        if port in _PORT_KINDS:
            kind, engine = _PORT_KINDS[port]
            return Guess(kind, engine, f"port {port} ({engine})")
    return None


def kind_from_name(name: str, what: str) -> Guess | None:
    """The kind a name ends with (``catalogue-db`` → database), or None."""
    parts = words(name)
    if parts and parts[-1] in _NAME_SUFFIXES and len(parts) > 1:
        kind, engine = _NAME_SUFFIXES[parts[-1]]
        return Guess(kind, engine, f"{what} {name}")
    return None


def guess_kind(name: str, image: str | None, ports: list[int]) -> Guess | None:
    """Image first, then well-known ports, then the image's and the component's name."""
    guess = kind_from_image(image) if image else None
    if guess is None:
        guess = kind_from_ports(ports)
    if guess is None and image:
        guess = kind_from_name(image_name(image), "image name")
    if guess is None:
        guess = kind_from_name(name, "name")
    return guess


def redis_used_as_queue(name: str) -> bool:
    """Whether a Redis component's own name says it is a broker (``celery-broker``, ``job-queue``)."""
    return bool(_QUEUE_WORDS & set(words(name)))


def queue_key(key: str) -> bool:
    """Whether an environment key says its value is a message broker (``CELERY_BROKER_URL``)."""
    return bool({"broker", "queue", "celery", "bull", "sidekiq", "rq", "jobs"} & set(words(key)))


def gateway_name(name: str) -> bool:
    """Whether a proxy's name says it is an API gateway."""
    parts = words(name)
    return "gateway" in parts or "gw" in parts or "apigateway" in parts


def runtime_from_image(image: str) -> str | None:
    """Language runtime of a base image (``openjdk:17`` → jvm), or None."""
    name = image_name(image)
    for runtime, table_words in _RUNTIMES:
        if name in table_words:
            return runtime
    return None


_SCHEME_PROTOCOLS: dict[str, str] = {
    "http": "http", "https": "http", "h2c": "http2", "grpc": "grpc", "grpcs": "grpc", "ws": "websocket",
    "wss": "websocket", "postgres": "sql", "postgresql": "sql", "mysql": "sql", "mariadb": "sql", "sqlserver": "sql",
    "oracle": "sql", "cockroachdb": "sql", "redis": "redis", "rediss": "redis", "memcached": "memcached",
    "amqp": "amqp", "amqps": "amqp", "kafka": "kafka", "mqtt": "mqtt", "mqtts": "mqtt", "tcp": "tcp",
    "mongodb": "other", "mongodb+srv": "other", "nats": "other", "cassandra": "other",
}
_PORT_PROTOCOLS: dict[int, str] = {
    80: "http", 443: "http", 8080: "http", 8443: "http", 8000: "http", 8081: "http", 3000: "http", 5000: "http",
    8079: "http", 8500: "http", 9200: "http", 5432: "sql", 3306: "sql", 1433: "sql", 26257: "sql", 1521: "sql",
    6379: "redis", 11211: "memcached", 27017: "other", 9042: "other", 5672: "amqp", 9092: "kafka", 1883: "mqtt",
    50051: "grpc", 4222: "other", 2181: "tcp",
}
_ENGINE_PROTOCOLS: dict[str, str] = {
    "postgres": "sql", "mysql": "sql", "mariadb": "sql", "mssql": "sql", "cockroachdb": "sql", "mongodb": "other",
    "cassandra": "other", "redis": "redis", "memcached": "memcached", "rabbitmq": "amqp", "activemq": "amqp",
    "kafka": "kafka", "nats": "other", "elasticsearch": "http", "consul": "http", "etcd": "grpc", "zookeeper": "tcp",
    "minio": "http",
}
_PORT_NAME_PROTOCOLS: dict[str, str] = {
    "http": "http", "https": "http", "web": "http", "http2": "http2", "h2c": "http2", "grpc": "grpc",
    "grpc-web": "grpc", "redis": "redis", "mysql": "sql", "postgres": "sql", "postgresql": "sql", "sql": "sql",
    "amqp": "amqp", "rabbitmq": "amqp", "kafka": "kafka", "mongo": "other", "mongodb": "other", "memcached": "memcached",
    "mqtt": "mqtt", "ws": "websocket", "websocket": "websocket", "tcp": "tcp",
}


def protocol_from_scheme(scheme: str) -> str | None:
    """``postgresql`` → sql, ``mongodb`` → other; None when unknown."""
    return _SCHEME_PROTOCOLS.get(scheme.lower())


def protocol_from_port(port: int) -> str | None:
    """5432 → sql, 6379 → redis, 8080 → http; None when not well known."""
    return _PORT_PROTOCOLS.get(port)


def protocol_from_engine(engine: str | None) -> str | None:
    """Wire protocol of an engine: postgres → sql, rabbitmq → amqp."""
    return _ENGINE_PROTOCOLS.get(engine or "")


def protocol_from_port_name(name: str) -> str | None:
    """A Kubernetes port name or appProtocol (``grpc``, ``http-metrics``, ``tcp-redis``) → protocol."""
    lowered = name.lower()
    if lowered in _PORT_NAME_PROTOCOLS:
        return _PORT_NAME_PROTOCOLS[lowered]
    head = lowered.split("-", 1)[0]  # Istio convention: <protocol>[-<suffix>]
    return _PORT_NAME_PROTOCOLS.get(head)
