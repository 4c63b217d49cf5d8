"""The library API page (docs/api.md) covers every public name; docstrings become sound Markdown.

That the committed page matches a fresh rendering is tested with the other single pages in
tests/test_docgen.py; that its Python examples run, in tests/test_docs.py.
"""

from __future__ import annotations

import pytest

import scalexpert
from scalexpert.docgen import PAGES
from scalexpert.docgen.api_reference import GROUPS, REACHABLE, markdown, render


@pytest.fixture(scope="module")
def page() -> str:
    return render()


def test_registered_with_its_command() -> None:
    assert PAGES["api"].command == "python -m scalexpert.docgen api > docs/api.md"


def test_every_public_name_has_a_section(page: str) -> None:
    for name in scalexpert.__all__:
        assert f"### `{name}`" in page or f"### `{name}()`" in page, name


def test_groups_name_only_public_names() -> None:
    grouped = [name for _, names in GROUPS for name in names]
    assert len(grouped) == len(set(grouped))
    assert set(grouped) <= set(scalexpert.__all__), set(grouped) - set(scalexpert.__all__)


def test_reachable_types_are_documented(page: str) -> None:
    for path in REACHABLE:
        assert f"### `{path}`" in page, path


def test_functions_show_their_signature_as_written(page: str) -> None:
    section = page.split("### `check()`", 1)[1].split("###", 1)[0]
    assert "```pyi\ndef check(\n    source: str | os.PathLike[str] | Architecture | LoadedArchitecture | Sequence[str],\n    *,\n" in section
    assert ") -> Report\n```" in section


def test_models_list_fields_types_defaults_and_descriptions(page: str) -> None:
    finding = page.split("### `Finding`", 1)[1].split("###", 1)[0]
    assert "| `location` | `Location \\| None` | `None` |  |" in finding
    assert "| `fingerprint` | `str` | required | rule@subject[@subject]: stable across edits, used by baselines. |" in finding
    assert "- `active` (property): Findings that are neither suppressed" in page.split("### `Report`", 1)[1]
    assert "| `system` | `System` | `System()` | The system as a whole. |" in page


def test_errors_name_their_public_base(page: str) -> None:
    section = page.split("### `InputError`", 1)[1].split("###", 1)[0]
    assert "derives from `ScalexpertError`" in section and "`diagnostics`" in section


def test_markdown_turns_rest_into_markdown() -> None:
    text = "Use ``check`` or :class:`~scalexpert.findings.Report` and :mod:`scalexpert.errors`::\n\n    x = 1\n\nDone."
    assert markdown(text) == (
        "Use `check` or `Report` and `scalexpert.errors`:\n\n```python\nx = 1\n```\n\nDone.\n"
    )


def test_markdown_keeps_non_python_literal_blocks_as_text() -> None:
    assert "```text\nScalexpertError\n├── InputError\n```" in markdown(
        "The tree::\n\n    ScalexpertError\n    ├── InputError\n")
    assert "```text\nindented, not code\n```" in markdown("Para.\n\n    indented, not code\n")
