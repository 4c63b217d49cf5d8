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


def _written_positions(text: str) -> dict[tuple, tuple[int, int]]:
    """Every mapping key's and list item's (line, column), read from PyYAML's own node tree."""
    import yaml

    found: dict[tuple, tuple[int, int]] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found[(*path, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                found.setdefault((*path, i), (item.start_mark.line + 1, item.start_mark.column + 1))
                walk(item, (*path, i))

    walk(yaml.compose(text, Loader=yaml.SafeLoader), ())
    return found


def test_every_key_and_list_item_keeps_its_position():
    """Positions of values under a key are not stored (the key's is found first); every lookup still
    answers where the key, or the list item, was written."""
    text = synthetic(300)
    source = loaded(300).source
    expected = _written_positions(text)
    assert len(expected) > 10_000
    for path, (line, column) in expected.items():
        pos = source.position(path)
        assert (pos.file, pos.line, pos.column) == ("synthetic.yaml", line, column), path


def test_a_plain_scalar_resolves_by_its_text_and_a_quoted_one_stays_text():
    """The loader resolves each distinct plain text once per file; quoting still makes text."""
    from scalexpert.loader.yamlsource import parse

    value, _ = parse('a: 3\nb: "3"\nc: 3\nd: \'3\'\ne: true\nf: "true"\ng: true\nh: [3, "3", 3]\n'
                     "i: 2030-01-31\nj: '2030-01-31'\nk: null\nl: 'null'\n", "t.yaml")
    assert value == {"a": 3, "b": "3", "c": 3, "d": "3", "e": True, "f": "true", "g": True, "h": [3, "3", 3],
                     "i": __import__("datetime").date(2030, 1, 31), "j": "2030-01-31", "k": None, "l": "null"}


def test_aliases_are_still_counted_when_the_text_has_them():
    from scalexpert.errors import InputError
    from scalexpert.loader.yamlsource import Limits, parse

    text = "a: &x [1, 2, 3]\nb: [*x, *x, *x]\n"
    assert parse(text, "t.yaml")[0] == {"a": [1, 2, 3], "b": [[1, 2, 3]] * 3}
    with pytest.raises(InputError, match="aliases expand"):
        parse(text, "t.yaml", Limits(max_alias_nodes=5))


def test_a_count_above_the_limit_in_a_model_built_in_code_is_still_found_and_clamped():
    """The quick look for ten digits in a row (before the exact walk) finds a huge count wherever it is."""
    from scalexpert.analysis.capacity.context import MAX_COUNT, _may_hold_huge_count, clamp_counts
    from scalexpert.analysis.capacity.defaults import load_defaults
    from scalexpert.analysis.capacity.notation import AssumptionLog

    model = load_text(SHARED_SERVER, "shared.yaml").model
    assert not _may_hold_huge_count(model)
    assert clamp_counts(model, AssumptionLog(load_defaults())) is model
    for count in (MAX_COUNT + 1, 9_876_543_210, 10**14):
        comp = model.components["b"].model_copy(update={"replicas": count})
        huge = model.model_copy(update={"components": {**model.components, "b": comp}})
        assert _may_hold_huge_count(huge)
        log = AssumptionLog(load_defaults())
        assert clamp_counts(huge, log).components["b"].replicas == MAX_COUNT
        assert [(a.component, a.field) for a in log.items()] == [("components.b.replicas", "count")]


def test_sorted_keys_sorts_every_level_in_the_same_order_as_before():
    """The capacity model's JSON keys are sorted without a call per plain value; the order is unchanged."""
    import json
    import random

    from scalexpert.findings import sorted_keys

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(value[key]) for key in sorted(value)}
        if isinstance(value, (list, tuple)):
            return type(value)(plain(item) for item in value)
        return value

    rng = random.Random(3)

    def data(depth):
        roll = rng.random()
        if depth > 4 or roll < 0.45:
            return rng.choice([1, 2.5, "x", None, True])
        if roll < 0.7:
            return [data(depth + 1) for _ in range(rng.randint(0, 4))]
        if roll < 0.8:
            return tuple(data(depth + 1) for _ in range(rng.randint(0, 4)))
        return {rng.choice("bcaed") + str(i): data(depth + 1) for i in range(rng.randint(0, 5))}

    for _ in range(2000):
        value = data(0)
        assert repr(sorted_keys(value)) == repr(plain(value))
    report = loaded(300).model.model_dump(mode="json")
    assert json.dumps(sorted_keys(report)) == json.dumps(plain(report))


@pytest.mark.parametrize("per_piece", [1, 7, 1000])
def test_the_json_report_written_in_pieces_is_the_serializers_output_byte_for_byte(monkeypatch, per_piece):
    """Large documents are serialized a piece at a time; the bytes are those of one serializer call."""
    from scalexpert.reporters import json_report, render_bytes, render_parts

    monkeypatch.setattr(json_report, "PIECES_FROM", 0)
    monkeypatch.setattr(json_report, "_FINDINGS_PER_PIECE", per_piece)
    assessed, quiet, synthetic_report = _reports()
    assert assessed.findings and assessed.root_causes
    for reports in ([assessed], [quiet], [synthetic_report], [quiet, assessed, synthetic_report], []):
        whole = json_report.JsonDocument.__pydantic_serializer__.to_json(json_report.build(reports), indent=2) + b"\n"
        assert json_report.render_bytes(reports) == whole
        assert render_bytes("json", reports) == whole
        assert b"".join(json_report.render_parts(reports)) == whole
        assert b"".join(render_parts("json", reports)) == whole


@pytest.mark.parametrize("pieces_from", [0, 2_000])
def test_the_json_report_written_in_parts_is_escaped_as_the_whole_is(monkeypatch, pieces_from):
    """Standard output gets a large report part by part, each part guarded; the bytes are the whole's."""
    from scalexpert import api
    from scalexpert.reporters import json_report, render_bytes, render_parts

    monkeypatch.setattr(json_report, "PIECES_FROM", pieces_from)
    monkeypatch.setattr(json_report, "_FINDINGS_PER_PIECE", 1)
    risky = api.check('version: 1\nsystem: {name: "a\\u202eb\\u0085c"}\ncomponents:\n'
                      '  x: {kind: service, description: "d\\u2066e\\u007f"}\n  y: {kind: database}\n'
                      'dependencies:\n  - {from: x, to: y}\n', assess=False)
    assert len(risky.findings) > 1
    whole = render_bytes("json", [risky])
    assert b"\\u202e" in whole and "\u202e".encode() not in whole
    parts = list(render_parts("json", [risky]))
    assert len(parts) > (1 if pieces_from == 0 else 0)
    assert b"".join(parts) == whole


@lru_cache(maxsize=None)
def _reports():
    from scalexpert import api

    assessed = api.check(str(ROOT / "examples" / "large-marketplace.yaml"))
    quiet = api.check("version: 1\nsystem: {name: quiet}\ncomponents:\n  x: {kind: external}\n", assess=False)
    quiet = quiet.model_copy(update={"findings": ()})  # a report without findings
    return assessed, quiet, api.check(loaded(300), assess=False)


JSON_RISK_PIECES = [b"a", b"\x7f", b"\xc2\x80", b"\xc2\x9f", b"\xc2\xa0", b"\xc2\xb7", b"\xd8\x9c", b"\xd8\x9d",
                    b"\xe2\x80\x8e", b"\xe2\x80\x8f", b"\xe2\x80\xa8", b"\xe2\x80\xae", b"\xe2\x80\xaf", b"\xe2\x80\x94",
                    b"\xe2\x81\xa6", b"\xe2\x81\xa9", b"\xe2\x81\xaa", b"\xe2\x86\x92", b"\xe2", b"\xc2", b"\xd8"]


def test_the_json_guards_quick_look_finds_exactly_what_its_one_pattern_finds():
    import random

    from scalexpert.terminal import _JSON_RISK, _json_risk, guard_bytes

    chance = random.Random(20)
    for _ in range(5000):
        data = b"".join(chance.choice(JSON_RISK_PIECES) for _ in range(chance.randint(0, 6)))
        assert _json_risk(data) == (_JSON_RISK.search(data) is not None), data
    assert guard_bytes('{"a": "x\u202ey"}'.encode(), "json") == b'{"a": "x\\u202ey"}'
    assert guard_bytes('{"a": "\u2192 \u00b7"}'.encode(), "json") == '{"a": "\u2192 \u00b7"}'.encode()


def test_numbers_written_once_per_value_read_as_when_written_afresh():
    from scalexpert.analysis.capacity.notation import _num, num

    values = [0, 1, 1.0, True, -0.0, 0.0, 2**60, 2.0**60, 1e15, 10**15, 399.9999999999999, 0.04166666,
              float("inf"), float("nan"), 12345.678, 0.5, None, 3]
    for _ in range(2):  # the second pass reads the remembered texts
        for value in values:
            assert num(value) == _num(value), value
    assert num(2**60) != num(2.0**60)  # equal numbers, written apart (the float is tidied to 12 digits)


YAML_PIECES = [
    "a: 1\n", "a: x\n", "b: 'q'\n", 'c: "d"\n', "d: [1, 2.5, true, ~, 2030-01-31, x]\n", "e: {f: g, h: 0x1F}\n",
    "a: 2\n", "true: x\n", "1: y\n", "~: z\n", "? [k]\n: v\n", "g: &anchor {x: 1}\n", "h: *anchor\n", "i: !!str 12\n",
    "j: !custom x\n", "<<: {m: 1}\n", "k: =\n", "l: " + "9" * 1001 + "\n", "m: !!int abc\n", "n:\n  - p\n  - [q, {r: s}]\n",
    "o: [[[[[[x]]]]]]\n", "p: 1_000\n", "q: 1:30\n", "r: .inf\n", "s: \"\\u202e\"\n", "t: [\n", "---\nu: 1\n",
    "components:\n  c1: {kind: service}\n  c2: {kind: database}\n  c3: {kind: cache}\n", "dependencies: [{from: c1, to: c2}]\n",
    "v: !!map {w: 1}\n", "x: !!seq [1]\n", "y: !!float 1\n", "z: '2030-01-01'\n", "'a b': null\n", "\"quoted key\": 3\n",
    "  indented: 1\n", "# a comment\n", "aa: |\n  block\n  text\n", "bb: >\n  folded\n", "cc: -0.0\n", "dd: 0o17\n",
]


def test_reading_from_the_parsers_events_gives_what_the_node_tree_gives(monkeypatch):
    """Plain documents are built from the parser's events; any other document, and any problem, goes to the node
    tree's reading. Either way the values, the positions of keys and list items, and the messages are the same."""
    import random

    from scalexpert.errors import InputError
    from scalexpert.loader import yamlsource

    def outcome(text, limits):
        try:
            value, source, problems = yamlsource.parse_collecting(text, "f.yaml", limits, architecture=True)
        except InputError as exc:
            return "error", [str(d) for d in exc.diagnostics]
        return repr(value), list(source.keys.items()), list(source.values.items()), [str(d) for d in problems]

    def tree(*args, **kwargs):
        return None

    limits = (yamlsource.Limits(), yamlsource.Limits(max_depth=4, max_components=2))
    chance = random.Random(2026)
    texts = [synthetic(60), "", "# nothing\n", "x\n", "[1, 2]\n"] + YAML_PIECES
    texts += ["".join(chance.sample(YAML_PIECES, chance.randint(1, 6))) for _ in range(600)]
    quick = 0
    for text in texts:
        for limit in limits:
            quick += yamlsource._read_events(text, "f.yaml", limit, True) is not None
            events = outcome(text, limit)
            with monkeypatch.context() as patched:
                patched.setattr(yamlsource, "_read_events", tree)
                assert events == outcome(text, limit), text
    assert quick > 100  # the events did read many of them
