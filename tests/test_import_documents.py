"""Reading deployment YAML safely: multi-document streams, positions, tags, limits, syntax errors."""

from __future__ import annotations

import pytest

from scalexpert.errors import InputError
from scalexpert.importers.detect import classify_documents
from scalexpert.importers.documents import split_documents
from scalexpert.loader import Limits


def test_documents_keep_the_lines_of_the_whole_file() -> None:
    text = "# head\n---\na: 1\n---\n---\n# only a comment\n---\n  b:\n    - x\n...\n---\n~\n---\nc: 3\n"
    docs = split_documents(text, "f.yaml", "f.yaml")
    assert [d.value for d in docs] == [{"a": 1}, {"b": ["x"]}, {"c": 3}]
    assert [d.line("a") for d in docs[:1]] == [3]
    assert docs[1].at("b", 0) == "f.yaml:9"
    assert docs[2].at("c") == "f.yaml:14"


def test_an_empty_stream_has_no_documents() -> None:
    assert split_documents("", "f", "f") == []
    assert split_documents("# nothing\n---\n", "f", "f") == []


def test_non_standard_tags_are_rejected_with_their_position() -> None:
    with pytest.raises(InputError) as caught:
        split_documents("a: 1\n---\nb: !!python/object/apply:os.system [ls]\n", "k.yaml", "k.yaml")
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("k.yaml", 3, 4)
    assert "not allowed" in diagnostic.message


def test_compose_merge_tags_are_rejected() -> None:
    with pytest.raises(InputError, match="'!reset' is not allowed"):
        split_documents("services:\n  a:\n    ports: !reset []\n", "c.yml", "c.yml")


def test_syntax_errors_name_file_line_and_column() -> None:
    with pytest.raises(InputError) as caught:
        split_documents("a: 1\n---\nb: [1,\n", "k.yaml", "k.yaml")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.file == "k.yaml" and diagnostic.line == 4
    assert diagnostic.message.startswith("YAML syntax error")


def test_duplicate_keys_are_errors() -> None:
    with pytest.raises(InputError, match="duplicate key 'image'"):
        split_documents("services:\n  a:\n    image: x\n    image: y\n", "c.yml", "c.yml")


def test_alias_expansion_is_bounded_per_document() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    with pytest.raises(InputError, match="aliases expand"):
        split_documents("kind: x\n---\n" + bomb, "k.yaml", "k.yaml", Limits(max_alias_nodes=1_000))


def test_the_size_limit_applies_to_the_whole_stream() -> None:
    with pytest.raises(InputError, match="larger than the limit"):
        split_documents("a: 1\n" * 100, "k.yaml", "k.yaml", Limits(max_bytes=100))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([{"services": {"a": {}}}], "compose"),
        ([{"version": "3", "services": {"a": {"image": "x"}}}], "compose"),
        ([{"apiVersion": "v1", "kind": "Service"}, {"apiVersion": "apps/v1", "kind": "Deployment"}], "kubernetes"),
        ([{"version": 1, "components": {}}], "architecture"),
        ([{"extends": "base.yaml", "system": {}}], "architecture"),
        ([{"replicaCount": 1}], None),
        ([{"apiVersion": "v1", "kind": "Service"}, {"services": {}}], None),
        ([["a"]], None),
        ([], None),
    ],
)
def test_files_are_classified_by_their_content(values: list[object], expected: str | None) -> None:
    assert classify_documents(values) == expected


def test_empty_documents_are_skipped_and_positions_kept_in_one_pass() -> None:
    text = "# header\n---\n---\nkind: A\n---\n# only a comment\n---\nkind: B\n  # trailing\n"
    documents = split_documents(text, "m.yaml", "m.yaml")
    assert [(d.value["kind"], d.line("kind"), d.index) for d in documents] == [("A", 4, 0), ("B", 8, 1)]
