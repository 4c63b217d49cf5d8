"""Structurizr workspaces (DSL and JSON) → architecture: every mapping, and each refused input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scalexpert.errors import InputError
from scalexpert.importers import detect, import_paths

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "structurizr"
DSL = str(FIXTURES / "bank.dsl")
JSON = str(FIXTURES / "workspace.json")


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_workspaces_are_recognised_by_content() -> None:
    assert detect(DSL) == "structurizr" and detect(JSON) == "structurizr"


def test_dsl_containers_become_components_of_their_kind() -> None:
    raw = import_paths([DSL]).raw
    kinds = {name: c["kind"] for name, c in raw["components"].items()}
    assert kinds == {"api-application": "service", "database": "database", "events": "stream", "gateway": "api-gateway",
                     "mainframe-banking-system": "external", "notifier": "service", "session-cache": "cache",
                     "single-page-app": "client"}
    assert raw["system"]["name"] == "Online Bank"
    assert raw["system"]["entry_points"] == ["gateway"]  # the customer uses the SPA, which calls the gateway


def test_dsl_relationships_become_dependencies_with_protocol_and_mode() -> None:
    edges = _edges(import_paths([DSL]).raw)
    assert edges[("api-application", "database")]["protocol"] == "sql"
    assert edges[("api-application", "session-cache")]["protocol"] == "redis"
    assert edges[("api-application", "events")]["mode"] == "async"
    assert edges[("notifier", "events")]["protocol"] == "kafka"
    assert edges[("api-application", "mainframe-banking-system")]["protocol"] == "http"
    assert edges[("single-page-app", "gateway")]["description"] == "Makes API calls to"
    assert len(edges) == 7  # the sign-in component's call is its container's, already there


def test_json_workspace_with_interaction_styles() -> None:
    result = import_paths([JSON])
    raw, edges = result.raw, _edges(result.raw)
    assert raw["components"]["payments-provider"]["kind"] == "external"
    assert raw["components"]["fulfilment-queue"]["kind"] == "queue"
    assert edges[("storefront", "orders")]["mode"] == "sync" and edges[("storefront", "orders")]["protocol"] == "grpc"
    assert edges[("orders", "fulfilment-queue")]["mode"] == "async"
    assert raw["system"]["entry_points"] == ["storefront"]
    assert "interactionStyle Asynchronous (workspace.json relationship 13)" in result.yaml_text


@pytest.mark.parametrize(("body", "message", "line"), [
    ('workspace {\n  model {\n    a = softwareSystem "A"\n    a -> b "Calls"\n  }\n}\n',
     "relationship names 'b', which is no element identifier", 4),
    ('workspace {\n  model {\n    a = softwareSystem "A"\n', "block(s) are not closed", 0),
    ('workspace {\n  model {\n    a = container\n  }\n}\n', "container needs a name in quotes", 3),
    ('workspace {\n  model {\n    u = person "User"\n  }\n}\n', "no software systems or containers to import", 0),
])
def test_refused_workspaces_say_why_and_where(tmp_path: Path, body: str, message: str, line: int) -> None:
    path = tmp_path / "workspace.dsl"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        import_paths([str(path)])
    assert message in caught.value.diagnostics[0].message
    if line:
        assert caught.value.diagnostics[0].line == line
