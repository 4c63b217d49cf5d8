"""Hostile YAML: each trick someone could put in an architecture file ends in a report or a clean error.

Alias and merge-key bombs, deep nesting, megabyte strings, huge and non-finite numbers, zero and
negative counts, unicode, bidi and control characters, tabs, BOM and CRLF (positions must stay
right), Python and custom tags (nothing is constructed, nothing runs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.errors import Diagnostic, InputError
from scalexpert.findings import Report
from scalexpert.loader import Limits, load_file, load_text
from scalexpert.reporters import FORMATS, RenderOptions, render
from helpers import time_limit

SMALL = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"




def problems(text: str, limits: Limits = Limits()) -> list[Diagnostic]:
    with time_limit(60), pytest.raises(InputError) as caught:
        load_text(text, "hostile.yaml", limits)
    found = list(caught.value.diagnostics)
    for diagnostic in found:
        assert diagnostic.file == "hostile.yaml"
        assert diagnostic.line >= 1 and diagnostic.column >= 1, str(diagnostic)
        assert len(str(diagnostic)) < 1_000, "messages must not echo huge input"
    return found


def messages(text: str, limits: Limits = Limits()) -> str:
    return "\n".join(str(d) for d in problems(text, limits))


def checked(text: str) -> Report:
    """A report for ``text``, rendered in every format under a time guard."""
    with time_limit(60):
        report = check(load_text(text, "hostile.yaml"))
        for name in FORMATS:
            text = render(name, [report], RenderOptions(explain=True))
            if name in ("json", "sarif"):
                json.loads(text, parse_constant=refuse)  # NaN or Infinity would make it invalid JSON
    return report


def refuse(constant: str) -> None:
    raise AssertionError(f"{constant} in JSON output: not valid JSON")


# --- alias and merge-key explosions ------------------------------------------------------------------


def laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["version: 1", 'l0: &l0 ["lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join([*lines, "components: {api: {kind: service}}", ""])


def test_billion_laughs_is_refused() -> None:
    text = messages(laughs())
    assert "aliases expand to more than 100,000 nodes" in text


def test_billion_laughs_inside_a_component_is_refused() -> None:
    bomb = laughs().replace("components: {api: {kind: service}}", "components:\n  api:\n    kind: service\n    tags: *l9")
    assert "aliases expand to more than" in messages(bomb)


def test_merge_key_explosion_is_refused() -> None:
    lines = ["version: 1", "m0: &m0 {a: 1, b: 2}"]
    lines += [f"m{i}: &m{i}\n  <<: [*m{i - 1}, *m{i - 1}]\n  k{i}: {i}" for i in range(1, 30)]
    text = messages("\n".join([*lines, "components: {api: {kind: service}}", ""]))
    assert "aliases expand to more than" in text


def test_nested_mappings_through_aliases_and_merges_are_refused() -> None:
    lines = ["version: 1", "m0: &m0 {" + ", ".join(f"k{j}: {j}" for j in range(10)) + "}"]
    lines += [f"m{i}: &m{i} {{" + ", ".join(f"x{j}: *m{i - 1}" for j in range(10)) + f", <<: *m{i - 1}}}"
              for i in range(1, 12)]
    assert "aliases expand to more than" in messages("\n".join([*lines, "components: {}", ""]))


def test_alias_limit_is_configurable() -> None:
    text = "version: 1\nx: &x [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\ny: [*x, *x]\ncomponents: {}\n"
    assert "aliases expand to more than 5 nodes" in messages(text, Limits(max_alias_nodes=5))


def test_ordinary_anchors_and_merges_still_work() -> None:
    text = ("version: 1\ncomponents:\n  api: &svc {kind: service, replicas: 2}\n"
            "  api2:\n    <<: *svc\n    replicas: 3\n")
    loaded = load_text(text, "ok.yaml")
    assert loaded.model.components["api2"].replicas == 3


# --- nesting ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [100, 999, 5_000, 100_000])
def test_deep_flow_nesting_is_refused(depth: int) -> None:
    text = messages("version: 1\ncomponents: " + "[" * depth + "]" * depth + "\n")
    assert "nesting deeper than the limit" in text or "maximum nesting depth" in text


@pytest.mark.parametrize("depth", [100, 999, 3_000])
def test_deep_block_nesting_is_refused(depth: int) -> None:
    body = "".join(" " * (i + 1) + f"k{i}:\n" for i in range(depth))
    text = messages("version: 1\ncomponents:\n" + body)
    assert "nesting deeper than the limit" in text or "maximum nesting depth" in text


def test_depth_limit_is_configurable() -> None:
    assert "nesting deeper than the limit of 3 levels" in messages(SMALL.replace("replicas: 2", "x: {y: {z: 1}}"),
                                                                     Limits(max_depth=3))


# --- long strings -------------------------------------------------------------------------------------

MEGA = "x" * 1_000_000


@pytest.mark.parametrize(("text", "expected"), [
    (f"version: 1\nsystem: {{name: {MEGA}}}\ncomponents: {{api: {{kind: service}}}}\n", "system.name: text longer than 200"),
    (f"version: 1\ncomponents:\n  api: {{kind: service, description: {MEGA}}}\n", "text longer than 10000"),
    (f"version: 1\ncomponents:\n  ? {MEGA}\n  : {{kind: service}}\n", "is longer than 128 characters"),
    (f"version: 1\ncomponents:\n  api:\n    kind: service\n    ? {MEGA}\n    : 1\n", "unknown key 'xxx"),
    (f"version: 1\ncomponents: {{api: {{kind: service}}}}\ndependencies: [{{from: api, to: {MEGA}}}]\n", "unknown component"),
    (f"version: 1\ncomponents:\n  api: !{MEGA} {{kind: service}}\n", "is not allowed"),
    (f"version: 1\ncomponents: {{api: {{kind: {MEGA}}}}}\n", "components.api.kind: expected one of"),
    (f"version: 1\ncomponents: {{api: {{kind: service}}}}\nsuppressions: [{{rule: X-001, reason: r, expires: {MEGA}}}]\n",
     "expected a date"),
], ids=["system-name", "description", "component-name", "unknown-key", "unknown-target", "tag", "kind", "date"])
def test_megabyte_strings_give_short_messages(text: str, expected: str) -> None:
    assert expected in messages(text)  # and every message is short: see problems()


def test_megabyte_strings_in_every_field_of_a_long_file(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(f"version: 1\nsystem: {{name: {MEGA}, description: {MEGA}}}\ncomponents:\n"
                    f"  api: {{kind: service, technology: {MEGA}, owner: {MEGA}}}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert len(caught.value.diagnostics) == 4
    assert all(len(str(d)) < 1_000 for d in caught.value.diagnostics)


# --- numbers ------------------------------------------------------------------------------------------

HUGE_INT = "1" + "0" * 400


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", ".Inf"])
def test_nan_and_infinity_are_refused_with_a_position(value: str) -> None:
    found = problems(SMALL.replace("replicas: 2", f"capacity_rps: {value}"))
    assert [(d.line, d.column, d.path) for d in found] == [(3, 24, "components.api.capacity_rps")]


@pytest.mark.parametrize(("field", "value"), [
    ("replicas", "0"), ("replicas", "-3"), ("capacity_rps", "0"), ("capacity_rps", "-1.5"),
    ("service_time_ms", "0"), ("availability", "1.5"), ("availability", "-0.1"), ("pool_size", "0"),
    ("replicas", HUGE_INT + ".5"), ("capacity_rps", HUGE_INT), ("replicas", "1.0e+308"),
])
def test_out_of_range_numbers_are_refused_with_a_position(field: str, value: str) -> None:
    found = problems(SMALL.replace("replicas: 2", f"{field}: {value}"))
    assert [(d.line, d.path) for d in found] == [(3, f"components.api.{field}")]


@pytest.mark.parametrize("field", ["replicas", "pool_size", "zones"])
def test_a_400_digit_integer_count_is_refused_or_reported(field: str) -> None:
    """10**400 as a YAML int: a clean error (out of range) or a report, never an OverflowError."""
    text = ("version: 1\ncomponents:\n  web: {kind: load-balancer}\n"
            f"  api: {{kind: service, {field}: {HUGE_INT}, capacity_rps: 100}}\n  db: {{kind: database}}\n"
            "dependencies: [{from: web, to: api}, {from: api, to: db}]\nsystem: {traffic: {peak_rps: 100}}\n")
    try:
        checked(text)
    except InputError as error:
        assert all(d.line == 4 for d in error.diagnostics), str(error)


def test_a_400_digit_retry_count_is_refused_or_reported() -> None:
    text = ("version: 1\ncomponents:\n  web: {kind: load-balancer}\n  api: {kind: service}\n  db: {kind: database}\n"
            f"dependencies:\n  - {{from: web, to: api}}\n  - {{from: api, to: db, retries: {HUGE_INT}}}\n")
    try:
        checked(text)
    except InputError as error:
        assert all(d.line == 8 for d in error.diagnostics), str(error)


@pytest.mark.parametrize("value", ["0x" + "f" * 5_000, "0b" + "1" * 5_000, "1" * 5_000, "1" * 1_000_000, "0" + "7" * 2_000])
def test_integers_with_thousands_of_digits_are_refused_unread(value: str) -> None:
    """Hex and binary integers are not bound by Python's 4,300-digit limit; none may reach a message."""
    found = problems(f"version: 1\ncomponents:\n  api: {{kind: service, replicas: {value}}}\n")
    assert [(d.line, d.path) for d in found] == [(3, "components.api.replicas")]
    assert "an integer written with" in found[0].message


def test_a_huge_integer_as_a_key_is_refused() -> None:
    found = problems("version: 1\ncomponents:\n  ? 0x" + "f" * 5_000 + "\n  : {kind: service}\n")
    assert found[0].line == 3 and "an integer written with" in found[0].message


@pytest.mark.parametrize("value", ["1.0e+999999", "-1.0e+999999", ".5e-99999"])
def test_floats_beyond_range_become_clean_errors_or_zero(value: str) -> None:
    text = SMALL.replace("replicas: 2", f"capacity_rps: {value}")
    try:
        load_text(text, "hostile.yaml")
    except InputError as error:
        assert error.diagnostics[0].path == "components.api.capacity_rps"


@pytest.mark.parametrize(("capacity", "peak"), [
    ("1.0e+308", "1.0e+308"), ("1.0e-300", "1.0e+300"), ("5.0e-324", "100"), ("0.001", "1.0e+15"), ("1.0e+308", "0"),
])
def test_extreme_but_valid_numbers_give_a_report(capacity: str, peak: str) -> None:
    text = ("version: 1\ncomponents:\n  web: {kind: load-balancer}\n"
            f"  api: {{kind: service, replicas: 3, zones: 3, capacity_rps: {capacity}, service_time_ms: 1.0e-300}}\n"
            f"  db: {{kind: database, data: {{write_capacity_rps: {capacity}}}}}\n"
            "dependencies:\n  - {from: web, to: api}\n  - {from: api, to: db, calls_per_request: 1.0e+300}\n"
            f"system: {{traffic: {{peak_rps: {peak}}}, growth: {{factor: 1.0e+300, monthly_rate: 1.0e+300}}}}\n")
    report = checked(text)
    assert report.file == "hostile.yaml"


def test_long_chains_that_multiply_load_beyond_float_range_give_a_report() -> None:
    """60 hops of 10**6 calls each: the load overflows to infinity; still a report, never a crash."""
    names = [f"s{i}" for i in range(60)]
    comps = "".join(f"  {n}: {{kind: service, replicas: 2, zones: 2, capacity_rps: 100}}\n" for n in names)
    deps = "".join(f"  - {{from: {a}, to: {b}, calls_per_request: 1000000, retries: 5}}\n" for a, b in zip(names, names[1:]))
    text = (f"version: 1\ncomponents:\n  web: {{kind: load-balancer}}\n{comps}"
            f"dependencies:\n  - {{from: web, to: s0}}\n{deps}system: {{traffic: {{peak_rps: 100}}}}\n")
    assert checked(text).findings is not None


def test_many_replicas_across_zones_do_not_loop() -> None:
    """A peak a million times one replica's capacity, across two zones: sizing is computed, not counted up."""
    text = ("version: 1\ncomponents:\n  web: {kind: load-balancer}\n"
            "  api: {kind: service, replicas: 1, zones: 2, capacity_rps: 1}\n"
            "dependencies: [{from: web, to: api}]\nsystem: {traffic: {peak_rps: 1000000000000}}\n")
    checked(text)


# --- characters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ünï", "a b", "\u202eevil", "-x", "<script>", "a|b", "`x`", "a\\x1b"])
def test_names_outside_the_pattern_are_refused(name: str) -> None:
    found = problems(f'version: 1\ncomponents:\n  "{name}": {{kind: service}}\n')
    assert found[0].line == 3 and "name" in found[0].message


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\ufffe"])
def test_raw_control_characters_are_refused_at_their_position(char: str) -> None:
    found = problems(f"version: 1\ncomponents:\n  api: {{kind: service, description: ab{char}c}}\n")
    assert [(d.line, d.column) for d in found] == [(3, 39)]
    assert "is not allowed in YAML" in found[0].message


def test_escaped_control_and_bidi_characters_in_free_text_give_a_report() -> None:
    text = ('version: 1\nsystem: {name: "sys\\e[2J\\u202e\\x00\\t", description: "\\e]0;title\\a\\u2066"}\n'
            'components:\n  api: {kind: service, replicas: 1, description: "\\e[31mred\\r\\n"}\n')
    report = checked(text)
    assert report.system.startswith("sys\x1b[2J")  # kept as data; every reporter escapes it (test_hostile_markup)


def test_tabs_bom_and_crlf_keep_positions(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\r\ncomponents:\r\n  api:\r\n    description: \"a\tb\"\r\n"
                     b"    kind: servic\r\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert [(d.line, d.column, d.path) for d in caught.value.diagnostics] == [(5, 5, "components.api.kind")]


def test_tab_indentation_points_at_the_tab(tmp_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\r\ncomponents:\r\n\tapi: {kind: service}\r\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    first = caught.value.diagnostics[0]
    assert (first.line, first.column) == (3, 1) and "tabs" in first.message


def test_a_lone_cr_line_ending_keeps_lines(tmp_path: Path) -> None:
    path = tmp_path / "cr.yaml"
    path.write_bytes(b"version: 1\rcomponents:\r  api: {kind: servic}\r")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert caught.value.diagnostics[0].line == 3


def test_invalid_utf8_is_refused_at_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\ncomponents:\n  api: {kind: service, owner: Ren\xe9}\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert [(d.line, d.column) for d in caught.value.diagnostics] == [(3, 34)]


# --- tags ---------------------------------------------------------------------------------------------

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:builtins.object {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_refused_and_nothing_runs(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    value = tag.format(marker=marker)
    found = problems(f"version: 1\ncomponents:\n  api:\n    kind: service\n    description: {value}\n")
    assert [(d.line, d.column) for d in found] == [(5, 18)]
    assert "is not allowed" in found[0].message
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!custom", "!!binary", "!!set", "!!omap", "!!pairs", "!include", "!env"])
def test_other_tags_are_refused(tag: str) -> None:
    found = problems(f"version: 1\ncomponents:\n  api: {tag} {{kind: service}}\n")
    assert found[0].line == 3 and "is not allowed" in found[0].message


def test_tag_directives_cannot_smuggle_python_tags(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (f"%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\nversion: 1\ncomponents:\n"
            f"  api: {{kind: service, description: !p!os.system ['touch {marker}']}}\n")
    found = problems(text)
    assert found[0].line == 5 and "is not allowed" in found[0].message
    assert not marker.exists()


def test_standard_tags_still_read() -> None:
    loaded = load_text("version: !!int 1\ncomponents:\n  api: {kind: !!str service, replicas: !!int 2}\n", "ok.yaml")
    assert loaded.model.components["api"].replicas == 2



def test_growth_over_a_tiny_horizon_gives_a_report() -> None:
    """Found by ``--long-fuzz``: growth factor 2 within 1e-06 months is 2**1000000 a month."""
    checked("version: 1\nsystem: {growth: {factor: 2.0, horizon_months: 1.0e-06}}\ncomponents:\n  web: {kind: service}\n")
