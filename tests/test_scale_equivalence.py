"""The shortcuts taken for 10,000-component systems give what the plain computation gives.

Each test recomputes one figure the straightforward way (as the code did before it was made cheaper)
on a synthetic system whose shape is that of real ones (benchmarks/synthetic.py) and on small
hand-written systems, and compares. No timing is asserted (see benchmarks/run.py).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pytest

from scalexpert.analysis.graph import COMPUTE_KINDS, _context, analyse_graph
from scalexpert.loader import LoadedArchitecture, load_text

ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=None)
def synthetic(size: int) -> str:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import generate_text

    return generate_text(size)


@lru_cache(maxsize=None)
def loaded(size: int) -> LoadedArchitecture:
    return load_text(synthetic(size), "synthetic.yaml")


SHARED_SERVER = """
version: 1
system:
  name: shared
  failure_domains:
    db-host: {kind: database-server}
    rack-1: {kind: rack}
components:
  lb: {kind: load-balancer, managed: true}
  a: {kind: service, replicas: 1, failure_domains: [rack-1]}
  b: {kind: service, replicas: 2}
  w: {kind: worker, replicas: 1}
  c: {kind: cache, replicas: 1}
  d1: {kind: database, replicas: 1, failure_domains: [db-host]}
  d2: {kind: database, replicas: 1, failure_domains: [db-host]}
  d3: {kind: database, replicas: 1, failure_domains: [db-host]}
dependencies:
  - {from: lb, to: a}
  - {from: lb, to: b}
  - {from: a, to: d1}
  - {from: b, to: d2}
  - {from: b, to: c}
  - {from: c, to: d3}
  - {from: w, to: d3, role: batch}
  - {from: a, to: d2, role: startup}
"""


@pytest.mark.parametrize("source", ["shared", 300, 1000])
def test_database_server_clients_and_articulation_points_match_the_plain_computation(source):
    model = load_text(SHARED_SERVER, "shared.yaml").model if source == "shared" else loaded(source).model
    result = analyse_graph(model)
    members: dict[str, list[str]] = {}
    declared = model.system.failure_domains or {}
    for name in sorted(model.components):
        for domain in model.components[name].failure_domains or []:
            if domain in declared and declared[domain].kind == "database-server":
                members.setdefault(domain, []).append(name)
    assert members, "the system must share a database server for this test to mean anything"
    for domain, names in members.items():
        clients = {d.source for d in model.dependencies if d.target in names and d.on_request_path
                   and model.components[d.source].kind in COMPUTE_KINDS}
        for name in names:
            assert result.components[name].server_clients == len(clients), (domain, name)
    hard = _context(model).hard
    expected = set(nx.articulation_points(hard.to_undirected())) if hard.number_of_edges() else set()
    assert {n for n, c in result.components.items() if c.articulation_point} == expected
    if source == "shared":
        assert result.components["d1"].server_clients == 2  # a and b: the cache and the batch worker are not clients
