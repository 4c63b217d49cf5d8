"""The redaction of secrets in imported text, shape by shape (``scalexpert.importers.redact``).

End to end (every importer, every output) in tests/test_hostile_importers.py.
"""

from __future__ import annotations

import pytest

from scalexpert.importers.redact import secret_key, text


@pytest.mark.parametrize("given, expected", [
    ("env DB_PASSWORD=hunter2", "env DB_PASSWORD=<redacted>"),
    ("https://user:tok@host/x", "https://<redacted>@host/x"),
    ("postgres://u:p@h:5432/d", "postgres://<redacted>@h:5432/d"),
    ("https://h/f?X-Amz-Signature=abc&page=2", "https://h/f?X-Amz-Signature=<redacted>&page=2"),
    ("https://h/f?sv=1&sig=abc%3D", "https://h/f?sv=1&sig=<redacted>"),
    ("https://hooks.slack.com/services/T0/B0/XXXX", "https://hooks.slack.com/services/<redacted>/<redacted>/<redacted>"),
    ("https://chat.example.org/api/webhooks/123/AbC", "https://chat.example.org/api/webhooks/<redacted>/<redacted>"),
    ("https://h/v1/a8Fk2mQ9zR4tW7yB1nX5", "https://h/v1/<redacted>"),
    ("Server=db;User Id=sa;Password=p;", "Server=db;User Id=sa;Password=<redacted>;"),
    ("jdbc:mysql://db/app?user=a&password=p", "jdbc:mysql://db/app?user=a&password=<redacted>"),
    ("Authorization: Bearer abc.def-123", "Authorization: Bearer <redacted>"),
    ('proxy_set_header Authorization "Basic dXNlcjpwYXNz";', 'proxy_set_header Authorization "<redacted>";'),
    ("--password p4ss --port 80", "--password <redacted> --port 80"),
    ('{"apiKey": "k", "name": "web"}', '{"apiKey": "<redacted>", "name": "web"}'),
    ("key AKIAIOSFODNN7EXAMPLE", "key <redacted>"),
])
def test_each_shape_of_secret_is_replaced_by_the_marker(given: str, expected: str) -> None:
    assert text(given) == expected


@pytest.mark.parametrize("kept", [
    "env AUTH_URL=http://auth-service:8080 (docker-compose.yml:3)",
    "TOKEN_URL=https://auth.example.org/token", "PASSWORD_FILE=/run/secrets/db",
    "uses token-based authentication", "image example/app@sha256:0123456789abcdef0123456789abcdef",
    "https://api.example.org/v1/orders/list-every-order", "auth.replicas: 2 (deploy.yaml:4) kept over 3",
])
def test_what_is_not_a_secret_is_kept(kept: str) -> None:
    assert text(kept) == kept


def test_secret_keys_in_every_spelling() -> None:
    assert all(secret_key(k) for k in ("DB_PASSWORD", "dbPassword", "X-Amz-Signature", "sig", "api_key", "apiKey",
                                       "client_secret", "AWS_SECRET_ACCESS_KEY", "private_key", "BASIC_AUTH", "pwd"))
    assert not any(secret_key(k) for k in ("AUTH_URL", "TOKEN_ENDPOINT", "PASSWORD_FILE", "passport", "signed", "page"))
