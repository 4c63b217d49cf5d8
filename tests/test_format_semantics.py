"""The request-semantics fields of the format (issue 14): roles, routes and shares, failure domains,
storage, scaling coefficients and stated absence; what they accept and how the loader checks them."""

from __future__ import annotations

import textwrap

import pytest

from scalexpert.docgen.format_reference import ROUTES_EXAMPLE, render
from scalexpert.errors import InputError
from scalexpert.facts.schema import base_fact_types
from scalexpert.loader import load_text
from scalexpert.model import Autoscaling, Component, Dependency


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_text(textwrap.dedent(text).lstrip("\n"), "arch.yaml")
    return [str(d) for d in caught.value.diagnostics]


ROUTED = """
version: 1
system:
  failure_domains:
    host-1: {kind: host, availability: 0.999}
components:
  gw: {kind: api-gateway}
  a: {kind: service, failure_domains: [host-1], autoscaling: none, disruption_budget: none, storage: ephemeral,
      concurrency: 8, contention: 0.05, coherency: 0.001, scaling_efficiency: 0.8, recovery: reschedule}
  b: {kind: service, routing: one-of}
  c: {kind: database, storage: persistent}
  d: {kind: database}
dependencies:
  - {from: gw, to: a, share: 0.7}
  - {from: gw, to: b}
  - {from: b, to: c, share: 0.3}
  - {from: b, to: d, share: 0.7}
  - {from: a, to: c, calls_per_request: 0.3, role: request}
  - {from: a, to: d, role: startup}
"""


def test_semantic_fields_load() -> None:
    arch = load_text(textwrap.dedent(ROUTED).lstrip("\n"), "arch.yaml").model
    a = arch.components["a"]
    assert a.autoscaling == "none" and a.autoscaler is None
    assert a.disruption_budget == "none" and a.budget is None
    assert (a.failure_domains, a.storage, a.concurrency, a.recovery) == (["host-1"], "ephemeral", 8, "reschedule")
    assert arch.system.failure_domains is not None and arch.system.failure_domains["host-1"].kind == "host"
    assert [d.on_request_path for d in arch.dependencies] == [True] * 5 + [False]
    assert arch.dependencies[4].calls_per_request == 0.3


def test_routing_defaults_by_kind() -> None:
    assert Component(kind="api-gateway").route_mode == "one-of"
    assert Component(kind="load-balancer").route_mode == "one-of"
    assert Component(kind="dns").route_mode == "one-of"
    assert Component(kind="service").route_mode == "fan-out"
    assert Component(kind="service", routing="one-of").route_mode == "one-of"
    assert Component(kind="load-balancer", routing="fan-out").route_mode == "fan-out"


def test_autoscaling_block_still_reads_as_before() -> None:
    comp = Component(kind="service", autoscaling=Autoscaling(min=2, max=4))
    assert comp.autoscaler is not None and comp.autoscaler.min == 2
    assert Dependency.model_validate({"from": "a", "to": "b"}).on_request_path


def test_unknown_failure_domain_points_at_the_name() -> None:
    found = problems("""
        version: 1
        system: {failure_domains: {host-1: {kind: host}}}
        components:
          a: {kind: service, failure_domains: [host-2]}
        """)
    assert found == ["arch.yaml:4:40: components.a.failure_domains[0]: unknown failure domain 'host-2'; did you mean 'host-1'?"]


def test_failure_domain_without_any_declared_says_where_to_declare() -> None:
    found = problems("""
        version: 1
        components:
          a: {kind: service, failure_domains: [vm]}
        """)
    assert found == ["arch.yaml:3:40: components.a.failure_domains[0]: unknown failure domain 'vm'; declare it under system.failure_domains"]


def test_shares_of_one_caller_add_up_to_at_most_one() -> None:
    found = problems("""
        version: 1
        components:
          lb: {kind: load-balancer}
          a: {kind: service}
          b: {kind: service}
        dependencies:
          - {from: lb, to: a, share: 0.7}
          - {from: lb, to: b, share: 0.5}
        """)
    assert found == ["arch.yaml:8:23: dependencies[1].share: the shares of lb's routes add up to 1.2, above 1"]


def test_share_needs_a_one_of_caller_and_a_request_edge() -> None:
    found = problems("""
        version: 1
        components:
          lb: {kind: load-balancer}
          a: {kind: service}
          b: {kind: service}
        dependencies:
          - {from: a, to: b, share: 0.5}
          - {from: lb, to: a, share: 0.5, role: health}
        """)
    assert found == [
        "arch.yaml:7:22: dependencies[0].share: share applies to the routes of a one-of caller "
        "(a: kind service fans out unless stated); set routing: one-of on a if each request takes one of its edges",
        "arch.yaml:8:23: dependencies[1].share: share applies to request edges only (this edge's role is 'health')",
    ]


@pytest.mark.parametrize(("line", "expected"), [
    ("{from: a, to: b, role: sidecar}", "role"),
    ("{from: a, to: b, share: 1.5}", "share"),
])
def test_bad_edge_values(line: str, expected: str) -> None:
    found = problems(f"""
        version: 1
        components:
          a: {{kind: service}}
          b: {{kind: service}}
        dependencies:
          - {line}
        """)
    assert len(found) == 1 and f"dependencies[0].{expected}" in found[0]


def test_stated_absence_is_its_own_fact_value() -> None:
    fields = base_fact_types()["component"].fields
    assert fields["autoscaling"].values == ("none",)
    assert fields["disruption_budget"].values == ("none",)
    assert fields["autoscaling.min"].type == "integer"  # the block's fields are still there
    assert fields["storage"].values == ("ephemeral", "persistent")
    assert base_fact_types()["dependency"].fields["role"].values == ("request", "startup", "health", "admin", "batch")
    assert "failure_domains" not in base_fact_types()["system"].fields


def test_worked_example_of_the_format_reference_loads() -> None:
    arch = load_text(ROUTES_EXAMPLE, "example.yaml").model
    assert arch.dependencies[1].share == 0.1
    assert ROUTES_EXAMPLE in render()
