"""Host references in configuration values, resource quantities, JVM heaps."""

from __future__ import annotations

import pytest

from scalexpert.importers.values import (
    HostRef,
    compose_memory_mb,
    cpu_cores,
    heap_mb,
    kubernetes_memory_mb,
    kubernetes_names,
    refs_in_args,
    refs_in_env,
    shown,
    substitute,
)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("DB_HOST", "orders-db", [HostRef("orders-db")]),
        ("REDIS_ADDR", "cache:6379", [HostRef("cache", 6379)]),
        ("mongo", "user-db:27017", [HostRef("user-db", 27017)]),
        ("DATABASE_URL", "postgresql://u:p@db:5432/x", [HostRef("db", 5432, "postgresql")]),
        ("SPRING_DATASOURCE_URL", "jdbc:mysql://reports:3306/r?useSSL=false", [HostRef("reports", 3306, "mysql")]),
        ("MONGO", "mongodb://a:27017,b:27018/db", [HostRef("a", 27017, "mongodb"), HostRef("b", 27018, "mongodb")]),
        ("BROKERS", "k1:9092,k2:9092", [HostRef("k1", 9092), HostRef("k2", 9092)]),
        ("API", "http://Cart.Shop.svc.cluster.local/carts", [HostRef("cart.shop.svc.cluster.local", None, "http")]),
        ("ZIPKIN", "zipkin.jaeger.svc.cluster.local", [HostRef("zipkin.jaeger.svc.cluster.local")]),
        # values that look like hosts but are not
        ("LOG_LEVEL", "info", []),
        ("TIMEOUT", "30s", []),
        ("JAVA_OPTS", "-Xms64m -Xmx128m -Djava.security.egd=file:/dev/urandom", []),
        ("MODE", "orders", []),
        ("MYSQL_DATABASE", "socksdb", []),
        ("SESSION_REDIS", "true", []),
        ("HOSTNAME", "web", []),
        ("HOST_NAME", "teastore-webui", []),
        ("DB_HOST", "10.0.0.1", []),
        ("PATH_PREFIX", "/api", []),
        ("FLAGS", "a,b,c", []),
        ("DB_HOST", "${DB_HOST}", []),
    ],
)
def test_env_references(key: str, value: str, expected: list[HostRef]) -> None:
    assert refs_in_env(key, value) == expected


def test_command_lines_name_hosts_after_host_flags_or_as_urls() -> None:
    assert refs_in_args(["-d", "60", "-h", "edge-router"]) == [HostRef("edge-router")]
    assert refs_in_args(["--host=api", "--verbose"]) == [HostRef("api")]
    assert refs_in_args(["--target", "http://shop:8080"]) == [HostRef("shop", 8080, "http")]
    assert refs_in_args(["redis-server", "--appendonly", "yes"]) == []


def test_kubernetes_service_names() -> None:
    assert kubernetes_names("cart") == ("cart", None)
    assert kubernetes_names("cart.shop") == ("cart", "shop")
    assert kubernetes_names("cart.shop.svc") == ("cart", "shop")
    assert kubernetes_names("cart.shop.svc.cluster.local") == ("cart", "shop")


@pytest.mark.parametrize(
    ("quantity", "mib"),
    [("500Mi", 500), ("1Gi", 1024), ("1G", 953.674), ("129e6", 123.024), ("128974848", 123), ("0.5Gi", 512), ("x", None)],
)
def test_kubernetes_memory(quantity: str, mib: float | None) -> None:
    assert kubernetes_memory_mb(quantity) == mib


@pytest.mark.parametrize(("size", "mib"), [("512M", 512), ("256m", 256), ("1g", 1024), ("1gb", 1024), ("2048k", 2), ("lots", None)])
def test_compose_memory(size: str, mib: float | None) -> None:
    assert compose_memory_mb(size) == mib


@pytest.mark.parametrize(("quantity", "cores"), [("500m", 0.5), ("99m", 0.099), ("2", 2), (1.5, 1.5), ("0.50", 0.5), ("a", None)])
def test_cpu(quantity: object, cores: float | None) -> None:
    assert cpu_cores(quantity) == cores


def test_heap_takes_the_last_xmx() -> None:
    assert heap_mb("-Xms64m -Xmx128m") == 128
    assert heap_mb("-Xmx2g") == 2048
    assert heap_mb("-Xmx1g -Xmx512m") == 512
    assert heap_mb("-Xms64m") is None


def test_comment_values_hide_passwords_and_stay_short() -> None:
    assert shown("postgresql://shop:s3cret@db:5432/shop") == "postgresql://<redacted>@db:5432/shop"
    assert "hunter2" not in shown("jdbc:mysql://db/x?user=a&password=hunter2")
    assert len(shown("x" * 500)) == 80


def test_compose_defaults_are_substituted() -> None:
    assert substitute("${DB_HOST:-db}:${DB_PORT-5432}") == "db:5432"
    assert substitute("${DB_HOST}") == "${DB_HOST}"
