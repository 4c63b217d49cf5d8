"""Every format field is a design choice or a description of reality; advice may change design fields only."""

from __future__ import annotations

import pytest

from scalexpert.model import Component, Dependency, System, field_role
from scalexpert.model.roles import _models
from scalexpert.schema import json_schema


def test_every_field_of_every_format_model_carries_its_role():
    for model in _models():
        for name, info in model.model_fields.items():
            assert isinstance(info.json_schema_extra, dict), (model.__name__, name)
            assert info.json_schema_extra.get("role") in ("design", "reality"), (model.__name__, name)
    assert {System, Component, Dependency} <= set(_models())


@pytest.mark.parametrize(("path", "role"), [
    ("components.*.replicas", "design"),
    ("components.api.zones", "design"),
    ("components.api.data.replication.failover", "design"),
    ("components.api.autoscaling.min", "design"),
    ("dependencies.*.fallback", "design"),
    ("dependencies.2.timeout_ms", "design"),
    ("system.traffic.peak_rps", "reality"),
    ("system.objectives.availability", "reality"),
    ("system.growth.factor", "reality"),
    ("components.*.capacity_rps", "reality"),
    ("components.*.hourly_cost", "reality"),
    ("components.*.critical", "reality"),
    ("components.*.cache.hit_ratio", "reality"),
    ("dependencies.*.writes", "reality"),
    ("dependencies.*.calls_per_request", "reality"),
])
def test_roles_of_known_fields(path: str, role: str):
    assert field_role(path) == role


def test_unknown_paths_have_no_role():
    assert field_role("components.*.no_such_field") is None
    assert field_role("system.traffic.nope") is None


def test_the_json_schema_shows_the_role_of_each_field():
    schema = json_schema()["$defs"]
    assert schema["Component"]["properties"]["replicas"]["role"] == "design"
    assert schema["Traffic"]["properties"]["peak_rps"]["role"] == "reality"
