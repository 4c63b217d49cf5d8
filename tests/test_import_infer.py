"""Kinds from images, ports and names; protocols from schemes, ports and engines."""

from __future__ import annotations

import pytest

from scalexpert.importers import infer


@pytest.mark.parametrize(
    ("image", "kind", "engine"),
    [
        ("postgres:15", "database", "postgres"),
        ("bitnami/postgresql:16", "database", "postgres"),
        ("mysql", "database", "mysql"),
        ("mariadb:11", "database", "mariadb"),
        ("mongo", "database", "mongodb"),
        ("cassandra:4", "database", "cassandra"),
        ("mcr.microsoft.com/mssql/server:2022-latest", "database", "mssql"),
        ("cockroachdb/cockroach:v23.1.0", "database", "cockroachdb"),
        ("redis:alpine", "cache", "redis"),
        ("memcached", "cache", "memcached"),
        ("rabbitmq:3-management", "queue", "rabbitmq"),
        ("nats:2.10", "queue", "nats"),
        ("apache/activemq-artemis", "queue", "activemq"),
        ("confluentinc/cp-kafka:7.5.0", "stream", "kafka"),
        ("redpandadata/redpanda", "stream", "kafka"),
        ("apachepulsar/pulsar", "stream", "kafka"),
        ("zookeeper:3.9", "coordination", "zookeeper"),
        ("quay.io/coreos/etcd:v3.5.0", "coordination", "etcd"),
        ("hashicorp/consul:latest", "coordination", "consul"),
        ("nginx:1.25@sha256:0123", "load-balancer", None),
        ("haproxy:2.9", "load-balancer", None),
        ("envoyproxy/envoy:v1.28", "load-balancer", None),
        ("traefik:v3", "load-balancer", None),
        ("kong:3.4", "api-gateway", None),
        ("tykio/tyk-gateway", "api-gateway", None),
        ("devopsfaith/krakend", "api-gateway", None),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.11.0", "search", "elasticsearch"),
        ("opensearchproject/opensearch:2", "search", "elasticsearch"),
        ("solr:9", "search", "elasticsearch"),
        ("minio/minio", "object-storage", "minio"),
        ("jaegertracing/all-in-one:1.50", infer.OBSERVABILITY, "jaeger"),
        ("openzipkin/zipkin", infer.OBSERVABILITY, "zipkin"),
        ("prom/prometheus", infer.OBSERVABILITY, "prometheus"),
        ("grafana/grafana:10", infer.OBSERVABILITY, "grafana"),
        ("kbudde/rabbitmq-exporter", infer.OBSERVABILITY, None),
        ("mongo-express", "service", None),
        ("defreitas/dns-proxy-server", "dns", None),
        ("locustio/locust", "client", None),
    ],
)
def test_kind_from_image(image: str, kind: str, engine: str | None) -> None:
    guess = infer.kind_from_image(image)
    assert guess is not None and (guess.kind, guess.engine) == (kind, engine)


@pytest.mark.parametrize("image", ["example/shop:1.0", "weaveworksdemos/queue-master:0.3.1", "localhost:5000/app",
                                   "hotel_reserv_review_single_node", "nodered/node-red"])
def test_application_images_are_no_known_kind(image: str) -> None:
    assert infer.kind_from_image(image) is None


def test_ports_then_names_when_the_image_says_nothing() -> None:
    assert infer.guess_kind("teastore-db", "descartesresearch/teastore-db", [3306]).engine == "mysql"  # type: ignore[union-attr]
    by_name = infer.guess_kind("user-db", "weaveworksdemos/user-db", [])
    assert by_name is not None and by_name.kind == "database" and "image name" in by_name.reason
    assert infer.guess_kind("orders", None, [8080]) is None
    assert infer.guess_kind("web", None, [5432]).kind == "database"  # type: ignore[union-attr]


def test_runtime_from_base_images_only() -> None:
    assert infer.runtime_from_image("eclipse-temurin:21-jre") == "jvm"
    assert infer.runtime_from_image("node:20-alpine") == "node"
    assert infer.runtime_from_image("hotel_reserv_single_node") is None


@pytest.mark.parametrize(("port", "protocol"), [(5432, "sql"), (6379, "redis"), (27017, "other"), (9092, "kafka"),
                                                (5672, "amqp"), (80, "http"), (8080, "http"), (50051, "grpc"),
                                                (12345, None)])
def test_protocol_from_port(port: int, protocol: str | None) -> None:
    assert infer.protocol_from_port(port) == protocol


@pytest.mark.parametrize(("scheme", "protocol"), [("postgresql", "sql"), ("mongodb+srv", "other"), ("rediss", "redis"),
                                                  ("amqps", "amqp"), ("https", "http"), ("grpc", "grpc"), ("ftp", None)])
def test_protocol_from_scheme(scheme: str, protocol: str | None) -> None:
    assert infer.protocol_from_scheme(scheme) == protocol


def test_protocol_from_port_names_follows_the_istio_convention() -> None:
    assert infer.protocol_from_port_name("grpc") == "grpc"
    assert infer.protocol_from_port_name("http-metrics") == "http"
    assert infer.protocol_from_port_name("mongo") == "other"
    assert infer.protocol_from_port_name("exporter") is None
