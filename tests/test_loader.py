"""The loader's error messages: one test per way a file can be wrong, checking text, line and column."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from scalexpert.errors import Diagnostic, InputError
from scalexpert.loader import Limits, load_file, load_text


def write(tmp_path: Path, text: str | bytes, name: str = "arch.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(text: str, limits: Limits = Limits()) -> list[Diagnostic]:
    with pytest.raises(InputError) as caught:
        load_text(textwrap.dedent(text).lstrip("\n"), "arch.yaml", limits)
    return list(caught.value.diagnostics)


def only(text: str, limits: Limits = Limits()) -> str:
    """The one problem of a file, as the command line prints it."""
    found = problems(text, limits)
    assert len(found) == 1, [str(d) for d in found]
    return str(found[0])


# --- YAML syntax ---------------------------------------------------------------------------------


def test_syntax_error_has_position() -> None:
    text = only("version: 1\ncomponents:\n  api: {kind: service\n")
    assert text.startswith("arch.yaml:4:1: YAML syntax error: ")
    assert "flow mapping" in text


def test_tab_indentation_says_use_spaces() -> None:
    text = only("version: 1\ncomponents:\n\tapi: {kind: service}\n")
    assert text.startswith("arch.yaml:3:1: YAML syntax error: ")
    assert text.endswith("; indent with spaces, not tabs")


def test_colon_in_plain_value_says_quote_it() -> None:
    text = only("version: 1\ncomponents:\n  api:\n    kind: service\n    description: Orders: all of them\n")
    assert text == (
        "arch.yaml:5:24: YAML syntax error: mapping values are not allowed in this context; "
        "a value that contains ': ' must be quoted"
    )


def test_several_documents_are_rejected() -> None:
    text = only("version: 1\ncomponents: {a: {kind: service}}\n---\nversion: 1\n")
    assert text == "arch.yaml:3:1: YAML syntax error: several YAML documents in one file; an architecture file holds exactly one"


def test_one_document_with_explicit_markers_is_fine() -> None:
    loaded = load_text("---\nversion: 1\ncomponents: {a: {kind: service}}\n...\n")
    assert list(loaded.model.components) == ["a"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_file(text: str) -> None:
    assert only(text) == "arch.yaml:1:1: empty file: expected a mapping that starts with 'version: 1'"


def test_top_level_must_be_a_mapping() -> None:
    assert only("- version: 1\n") == "arch.yaml:1:1: expected a mapping with 'version: 1', got a list"


def test_control_character_has_position() -> None:
    text = 'version: 1\n# é\ncomponents:\n  a: {kind: service, description: "é\x00"}\n'
    assert only(text) == "arch.yaml:4:37: character U+0000 is not allowed in YAML; remove it"


# --- keys ----------------------------------------------------------------------------------------


def test_unknown_key_suggests_the_closest() -> None:
    text = only("""
        version: 1
        components:
          api:
            kind: service
            replcas: 2
        """)
    assert text == "arch.yaml:5:5: components.api.replcas: unknown key 'replcas'; did you mean 'replicas'?"


def test_unknown_key_without_close_match_has_no_suggestion() -> None:
    assert only("version: 1\ncomponents: {}\nzzz: 1\n") == "arch.yaml:3:1: zzz: unknown key 'zzz'"


def test_missing_required_key() -> None:
    assert only("components: {}\n") == "arch.yaml:1:1: required key 'version' is missing"


def test_duplicate_mapping_key() -> None:
    text = only("""
        version: 1
        components:
          api:
            kind: service
            replicas: 2
            replicas: 3
        """)
    assert text == "arch.yaml:6:5: components.api.replicas: duplicate key 'replicas' (first at line 5); each key may appear once"


def test_duplicate_component_name() -> None:
    text = only("""
        version: 1
        components:
          api: {kind: service}
          db: {kind: database}
          api: {kind: worker}
        """)
    assert text == "arch.yaml:5:3: components.api: duplicate key 'api' (first at line 3); each key may appear once"


def test_invalid_component_name() -> None:
    text = only("version: 1\ncomponents:\n  bad name: {kind: service}\n")
    assert text == (
        "arch.yaml:3:3: components.bad name: invalid name 'bad name': "
        "use letters, digits, '-', '_' and '.', starting with a letter or digit"
    )


# --- values --------------------------------------------------------------------------------------


def test_wrong_type_message_is_exact() -> None:
    text = only("""
        version: 1
        components:
          orders-db:
            kind: database
            replicas: two
        """)
    assert text == "arch.yaml:5:5: components.orders-db.replicas: expected an integer >= 1, got 'two'"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("replicas: 0", "components.a.replicas: expected an integer >= 1, got 0"),
        ("replicas: true", "components.a.replicas: expected an integer >= 1, got true"),
        ("availability: 1.5", "components.a.availability: expected a number from 0 to 1, got 1.5"),
        ("capacity_rps: -3", "components.a.capacity_rps: expected a number > 0, got -3"),
        ("zones: eu-west-1a", "components.a.zones: expected a list or an integer >= 1, got 'eu-west-1a'"),
    ],
)
def test_out_of_range_values(line: str, expected: str) -> None:
    assert only(f"version: 1\ncomponents:\n  a:\n    kind: service\n    {line}\n") == f"arch.yaml:5:5: {expected}"


@pytest.mark.parametrize(("value", "shown"), [(".nan", "nan"), (".inf", "inf"), ("-.inf", "-inf")])
def test_nan_and_infinity_are_rejected(value: str, shown: str) -> None:
    text = only(f"version: 1\ncomponents:\n  a:\n    kind: service\n    capacity_rps: {value}\n")
    assert text == f"arch.yaml:5:5: components.a.capacity_rps: expected a number > 0, got {shown} (NaN and infinity are not allowed)"


def test_misspelt_choice_suggests_the_closest() -> None:
    text = only("""
        version: 1
        components:
          db:
            kind: database
            data: {replication: {failover: automatc}}
        """)
    assert text == (
        "arch.yaml:5:26: components.db.data.replication.failover: "
        "expected one of automatic, manual, none, got 'automatc'; did you mean 'automatic'?"
    )


def test_unquoted_number_for_a_text_choice_says_quote_it() -> None:
    text = only("version: 1\ncomponents:\n  q:\n    kind: stream\n    messaging: {producer_acks: 1}\n")
    assert text == "arch.yaml:5:17: components.q.messaging.producer_acks: expected one of 0, 1, all, got 1; write it in quotes: '1'"


def test_block_that_does_not_fit_the_kind() -> None:
    text = only("version: 1\ncomponents:\n  web:\n    kind: service\n    cache: {hit_ratio: 0.5}\n")
    assert text == "arch.yaml:3:3: components.web: 'cache' applies to kind cache, not to 'service'"


def test_dates_are_read_as_dates_and_bad_dates_reported() -> None:
    good = load_text("version: 1\ncomponents: {a: {kind: service}}\nsuppressions:\n  - {rule: X-1, reason: ok, expires: 2030-01-31}\n")
    assert good.model.suppressions[0].expires == dt.date(2030, 1, 31)
    text = only("version: 1\ncomponents: {a: {kind: service}}\nsuppressions:\n  - {rule: X-1, reason: ok, expires: soon}\n")
    assert text == "arch.yaml:4:29: suppressions[0].expires: expected a date (YYYY-MM-DD), got 'soon'"


# --- references between components ---------------------------------------------------------------


def test_dependency_on_unknown_component_points_at_the_reference() -> None:
    text = only("""
        version: 1
        components:
          api: {kind: service}
          orders-db: {kind: database}
        dependencies:
          - from: api
            to: order-db
        """)
    assert text == "arch.yaml:7:5: dependencies[0].to: unknown component 'order-db'; did you mean 'orders-db'?"


def test_unknown_components_in_other_references() -> None:
    found = problems("""
        version: 1
        system: {entry_points: [lb]}
        components:
          web: {kind: service, session_store: sessions}
          cache: {kind: cache, cache: {fronts: [db]}}
          q: {kind: queue, messaging: {consumed_by: [worker]}}
        """)
    assert [str(d) for d in found] == [
        "arch.yaml:2:25: system.entry_points[0]: unknown component 'lb'",
        "arch.yaml:4:24: components.web.session_store: unknown component 'sessions'",
        "arch.yaml:5:41: components.cache.cache.fronts[0]: unknown component 'db'",
        "arch.yaml:6:46: components.q.messaging.consumed_by[0]: unknown component 'worker'",
    ]


def test_self_and_repeated_dependencies() -> None:
    found = problems("""
        version: 1
        components: {api: {kind: service}, db: {kind: database}}
        dependencies:
          - {from: api, to: api}
          - {from: api, to: db}
          - {from: api, to: db, timeout_ms: 100}
        """)
    assert [str(d) for d in found] == [
        "arch.yaml:4:5: dependencies[0]: 'api' depends on itself",
        "arch.yaml:6:5: dependencies[2]: second dependency api → db (first at line 5); merge them into one",
    ]


# --- everything at once --------------------------------------------------------------------------


def test_all_problems_are_reported_together_in_file_order() -> None:
    found = problems("""
        version: 1
        components:
          api:
            kind: service
            replcas: 2
            replicas: 2
            replicas: 3
          orders-db:
            kind: database
            replicas: two
            tag: !custom value
        dependencies:
          - from: api
            to: order-db
            timeout_ms: -1
        """)
    assert [(d.line, d.column, d.path) for d in found] == [
        (5, 5, "components.api.replcas"),
        (7, 5, "components.api.replicas"),
        (10, 5, "components.orders-db.replicas"),
        (11, 10, "components.orders-db.tag"),
        (14, 5, "dependencies[0].to"),
        (15, 5, "dependencies[0].timeout_ms"),
    ]
    assert "duplicate key 'replicas'" in found[1].message
    assert found[3].message == "tag '!custom' is not allowed: only plain YAML values are read"


# --- unsafe YAML and limits ----------------------------------------------------------------------


def test_python_tags_are_rejected_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "created-by-yaml"
    text = only(f"version: 1\ncomponents:\n  a: !!python/object/apply:os.mkdir [{str(marker)!r}]\n")
    assert text == (
        "arch.yaml:3:6: components.a: tag 'tag:yaml.org,2002:python/object/apply:os.mkdir' "
        "is not allowed: only plain YAML values are read"
    )
    assert not marker.exists()


LAUGHS = "\n".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
) + "\n"


def test_alias_bomb_fails_with_a_clear_message() -> None:
    found = problems(LAUGHS)
    assert len(found) == 1
    assert found[0].message == "aliases expand to more than 100,000 nodes"


def test_alias_limit_is_configurable_and_moderate_aliases_work() -> None:
    text = "version: 1\ncomponents:\n  a: &svc {kind: service, replicas: 2}\n  b: *svc\n  c: {<<: *svc, replicas: 3}\n"
    loaded = load_text(text)
    assert (loaded.model.components["b"].replicas, loaded.model.components["c"].replicas) == (2, 3)
    assert problems(text, Limits(max_alias_nodes=3))[0].message == "aliases expand to more than 3 nodes"


def test_nesting_depth_limit() -> None:
    text = "version: 1\ncomponents:\n  a:\n    kind: service\n    description: " + "[" * 10 + "]" * 10 + "\n"
    found = problems(text, Limits(max_depth=6))
    assert [(d.line, d.message) for d in found] == [(5, "nesting deeper than the limit of 6 levels")]
    deep = "version: 1\ncomponents:\n  a:\n    kind: service\n    description: " + "[" * 100 + "]" * 100 + "\n"
    assert problems(deep)[0].message == "nesting deeper than the limit of 64 levels"


def test_file_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ncomponents:\n  a: {kind: service, description: " + "x" * 200 + "}\n")
    size = path.stat().st_size
    with pytest.raises(InputError) as caught:
        load_file(path, Limits(max_bytes=100))
    assert str(caught.value) == f"{path}: file of {size:,} bytes is larger than the limit of 100"
    with pytest.raises(InputError) as caught:
        load_text(path.read_text("utf-8"), "arch.yaml", Limits(max_bytes=100))
    assert str(caught.value) == "arch.yaml: file larger than the limit of 100 bytes"


# --- files ---------------------------------------------------------------------------------------


def test_non_utf8_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"version: 1\ncomponents:\n  caf\xe9: {kind: service}\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert str(caught.value) == f"{path}:3:6: not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffversion: 1\ncomponents: {café: {kind: service}}\n".encode())
    with pytest.raises(InputError) as caught:  # the name is invalid, but the file was read
        load_file(path)
    assert caught.value.diagnostics[0].path == "components.café"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_file(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_file(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a file"
