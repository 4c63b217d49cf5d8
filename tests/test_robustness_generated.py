"""Property: whatever architecture a pull request holds, ``check`` ends in a report or a clean InputError.

Architectures are generated from the format's own JSON Schema: mostly valid-ish values (right
types, numbers in range and at its edges), and at every level a chance of something wild
(0, negatives, 1e308, 10**400, NaN, infinity, text where numbers go, unknown keys, bad names).
Dependencies and references draw from a small pool of names, so cycles, self-references and
unknown targets are common. Each example is serialised to YAML, loaded with positions, checked,
and rendered in every format of ``scalexpert.reporters.FORMATS``; it must finish within a time
guard. ``pytest --long-fuzz`` runs many more examples (see tests/conftest.py).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalexpert.api import check
from scalexpert.errors import InputError
from scalexpert.loader import load_text
from scalexpert.model import Architecture
from scalexpert.reporters import FORMATS, RenderOptions, render
from helpers import time_limit

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")

LONG = settings.default.max_examples > 100  # the long-fuzz profile of tests/conftest.py is loaded
FUZZ = settings(
    max_examples=settings.default.max_examples if LONG else 60,
    derandomize=not LONG,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
SECONDS_PER_EXAMPLE = 30

SCHEMA = Architecture.model_json_schema(by_alias=True)
DEFS: dict[str, Any] = SCHEMA["$defs"]
NAMES = ["web", "api", "db", "cache", "queue", "worker", "lb"]
BAD_NAMES = ["", "two words", "ünïcode", "-dash", "x" * 200, "a/b", "<script>"]
EDGE_NUMBERS: list[Any] = [0, 0.0, -1, -0.5, 1, 2, 1e-300, 5e-324, 1e15, 1e300, 1.7976931348623157e308, 2**63, 10**400,
                           -(10**400), math.nan, math.inf, -math.inf]
KIND_BLOCKS = {"data": {"database", "search", "object-storage", "coordination", "cache", "queue", "stream"},
               "cache": {"cache"}, "messaging": {"queue", "stream"}, "balancer": {"load-balancer", "api-gateway"},
               "function": {"function"}, "cdn": {"cdn"}}

scalars = st.one_of(st.none(), st.booleans(), st.sampled_from(EDGE_NUMBERS), st.integers(-1000, 1000),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.sampled_from(BAD_NAMES))
WILD = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                    max_leaves=6)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[1]]
    return node


def numbers(node: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = node.get("minimum", node.get("exclusiveMinimum", 0))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    if integer:
        return st.one_of(st.integers(int(low), int(low) + 12), st.integers(int(low), 10**6))
    top = high if high is not None else 1e6
    inner = st.floats(low, top, exclude_min="exclusiveMinimum" in node, exclude_max="exclusiveMaximum" in node)
    edges = [v for v in (low, top, 1e-6, 1e9, 1e300) if low <= v <= top and not ("exclusiveMinimum" in node and v == low)]
    return st.one_of(inner, st.sampled_from(edges)) if edges else inner


@st.composite
def value_for(draw: st.DrawFn, node: dict[str, Any], wild: int = 12) -> Any:
    """A value for a schema node: of the right shape, but one time in ``wild`` anything at all (0: never)."""
    node = resolve(node)
    if wild and draw(st.integers(1, wild)) == 1:
        return draw(WILD)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"] or node["anyOf"]
        return draw(value_for(draw(st.sampled_from(options)), wild))
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return draw(st.sampled_from(node["enum"]))
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        return draw(mapping(node, wild=wild))
    if kind == "array":
        return draw(st.lists(value_for(node.get("items", {}), wild), max_size=3))
    if kind == "integer":
        return draw(numbers(node, True))
    if kind == "number":
        return draw(numbers(node, False))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "string":
        if "pattern" in node:  # a component name: mostly the pool, so references resolve (cycles included)
            return draw(st.sampled_from(NAMES + NAMES + BAD_NAMES[:2] if wild else NAMES))
        if node.get("format") == "date":
            return draw(st.sampled_from(["2000-01-01", "2999-12-31"] + (["2024-02-30", "yesterday"] if wild else [])))
        return draw(st.text(min_size=0 if wild else node.get("minLength", 0), max_size=30).filter(lambda t: wild or t.strip()))
    return draw(WILD)


@st.composite
def mapping(draw: st.DrawFn, node: dict[str, Any], exclude: frozenset[str] = frozenset(), wild: int = 12) -> dict[str, Any]:
    props = {k: v for k, v in node["properties"].items() if k not in exclude and k != "extends"}
    required = [k for k in node.get("required", []) if k in props]
    chosen = draw(st.lists(st.sampled_from(sorted(props)), max_size=min(8, len(props)), unique=True))
    result = {key: draw(value_for(props[key], wild)) for key in dict.fromkeys([*required, *chosen])}
    if wild and draw(st.integers(0, 15)) == 0:
        result[draw(st.sampled_from(["unknown", "replica", "Kind", "1"]))] = draw(WILD)
    return result


@st.composite
def component(draw: st.DrawFn, wild: int) -> dict[str, Any]:
    node = DEFS["Component"]
    kind = draw(st.sampled_from(node["properties"]["kind"]["enum"]))
    other_blocks = frozenset(block for block, kinds in KIND_BLOCKS.items() if kind not in kinds)
    result = draw(mapping(node, exclude=frozenset({"kind"}) | other_blocks, wild=wild))
    result["kind"] = kind if not wild or draw(st.integers(0, 19)) else draw(WILD)
    return result


@st.composite
def architectures(draw: st.DrawFn, wild: int = 12) -> dict[str, Any]:
    """A whole architecture dict: valid-ish, with one chance in ``wild`` of garbage at every level (0: none)."""
    pool = NAMES + BAD_NAMES if wild else NAMES
    names = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True))
    arch: dict[str, Any] = {"version": 1 if not wild or draw(st.integers(0, 19)) else draw(WILD)}
    if draw(st.booleans()):
        arch["system"] = draw(value_for(DEFS["System"], wild))
    arch["components"] = {name: draw(component(wild)) for name in names}
    arch["dependencies"] = draw(st.lists(value_for(DEFS["Dependency"], wild), max_size=8))
    if draw(st.integers(0, 3)) == 0:
        arch["suppressions"] = draw(st.lists(value_for(DEFS["Suppression"], wild), max_size=3))
    return arch if wild else draw(resolvable(arch))


@st.composite
def resolvable(draw: st.DrawFn, arch: dict[str, Any]) -> dict[str, Any]:
    """References redrawn among the architecture's own components (cycles stay likely), pairs unique."""
    names = sorted(arch["components"])
    pairs: set[tuple[str, ...]] = set()
    kept = []
    for dep in arch["dependencies"] if len(names) > 1 else []:
        pair = tuple(draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True)))
        if pair not in pairs:
            pairs.add(pair)
            kept.append({**dep, "from": pair[0], "to": pair[1]})
    arch["dependencies"] = kept
    for comp in arch["components"].values():
        if comp.get("session_store") not in names:
            comp.pop("session_store", None)
        for block, key in (("cache", "fronts"), ("messaging", "consumed_by"), ("data", "denormalized_from")):
            if isinstance(comp.get(block), dict) and comp[block].get(key) is not None:
                comp[block][key] = [n for n in comp[block][key] if n in names]
    system = arch.get("system", {})
    if system.get("entry_points") is not None:
        system["entry_points"] = [e for e in system["entry_points"]
                                  if (e.get("component") if isinstance(e, dict) else e) in names]
    return arch




def as_yaml(arch: dict[str, Any]) -> str:
    return yaml.safe_dump(arch, sort_keys=False, allow_unicode=True, width=120)


def check_or_clean_error(text: str) -> str:
    """'report' or 'input error'; anything else (an exception, a hang) fails the test."""
    with time_limit(SECONDS_PER_EXAMPLE):
        try:
            loaded = load_text(text, "generated.yaml")
        except InputError as error:
            assert_positioned(error, "generated.yaml")
            return "input error"
        report = check(loaded)
        for name in FORMATS:
            assert isinstance(render(name, [report], RenderOptions(explain=True)), str)
    return "report"


def assert_positioned(error: InputError, file: str) -> None:
    """Every problem names the file and a 1-based line and column (the CLI prints file:line:col:)."""
    assert error.diagnostics
    for diagnostic in error.diagnostics:
        assert diagnostic.file == file, str(diagnostic)
        assert diagnostic.line >= 1 and diagnostic.column >= 1, str(diagnostic)
        assert str(diagnostic).startswith(f"{file}:{diagnostic.line}:{diagnostic.column}: ")


OUTCOMES: dict[str, int] = {"report": 0, "input error": 0}


@FUZZ
@given(architectures())
def test_generated_architectures_end_in_a_report_or_a_clean_error(arch: dict[str, Any]) -> None:
    OUTCOMES[check_or_clean_error(as_yaml(arch))] += 1


@FUZZ
@given(architectures(wild=0))
def test_generated_well_typed_architectures(arch: dict[str, Any]) -> None:
    """Right types and names everywhere (numbers still at their edges, references still cyclic or
    dangling), so that most examples get past the loader into the capacity model, the rules and
    the reporters."""
    OUTCOMES[check_or_clean_error(as_yaml(arch))] += 1


def test_both_outcomes_were_exercised() -> None:
    """The generator is not degenerate: some examples give reports, some give input errors."""
    if sum(OUTCOMES.values()) == 0:  # run alone (-k): nothing to look at
        return
    assert OUTCOMES["report"] > 0 and OUTCOMES["input error"] > 0, OUTCOMES
