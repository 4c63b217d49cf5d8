"""Malformed standard tags and keys that are not text, planted in every YAML file scalexpert reads.

``!!int abc``, ``!!float x``, ``!!timestamp nope``, ``!!bool maybe``, a boolean key (``true: 1``) and
a list as a key (``? [a]``) must end in a clear error at the file, line and column where they are
written, exit 2, whichever reader meets them: architecture files, the file an architecture
``extends``, user rules, rule fixtures (``*.test.yaml``), ``.scalexpert.yaml``, Docker Compose,
Kubernetes and Threagile files. (PyYAML's constructors raise KeyError, AttributeError or
IndexError for some of them; those used to surface as "internal error ... a bug in scalexpert".)
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.errors import InputError
from scalexpert.loader import load_text

ARCH = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n  db: {kind: database, replicas: 2}\n"

# what is planted: (the line as written, the key that holds it)
VALUES = {
    "int": "!!int abc",
    "float": "!!float x",
    "timestamp": "!!timestamp nope",
    "bool": "!!bool maybe",
    "empty-int": '!!int ""',
}
KEYS = {
    "boolean-key": "true: 1",
    "integer-key": "12: 1",
    "list-key": "? [a]\n{indent}: 1",
}


def _rule(value: str) -> str:
    return textwrap.dedent("""\
        id: TEAM-001
        name: team.tagged
        when:
          - component: {name: $n, kind: service}
        then:
          finding: {subjects: ["{n}"], message: "m"}
        knowledge:
          title: T
          category: meta
          summary: PLANTED
          why: w
          fix: f
          trade_offs: t
          references: [{title: a source}]
        """).replace("PLANTED", value)


def _fixture(value: str) -> str:
    return textwrap.dedent("""\
        rule: TEAM-001
        cases:
          - name: PLANTED
            architecture: "version: 1"
        """).replace("PLANTED", value)


# reader → (files to write {name: text with the marker line}, argv, the file that holds the marker)
Reader = Callable[[str], tuple[dict[str, str], list[str], str]]

READERS: dict[str, Reader] = {
    "architecture": lambda v: ({"a.yaml": f"version: 1\nsystem: {{name: s}}\ncomponents:\n  api:\n    kind: service\n    replicas: {v}\n"},
                               ["check", "a.yaml"], "a.yaml"),
    "extends": lambda v: ({"base.yaml": f"version: 1\ncomponents:\n  api:\n    kind: service\n    replicas: {v}\n",
                           "a.yaml": "extends: base.yaml\ncomponents:\n  db: {kind: database}\n"},
                          ["check", "a.yaml"], "base.yaml"),
    "user-rule": lambda v: ({"rules/TEAM-001.yaml": _rule(v), "a.yaml": ARCH}, ["check", "a.yaml", "--rules", "rules"],
                            "TEAM-001.yaml"),
    "rule-fixture": lambda v: ({"rules/TEAM-001.yaml": _rule("s"), "rules/TEAM-001.test.yaml": _fixture(v)},
                               ["rules", "test", "rules"], "TEAM-001.test.yaml"),
    "configuration": lambda v: ({".scalexpert.yaml": f"fail_on: high\ngrowth: {v}\n", "a.yaml": ARCH},
                                ["check", "a.yaml"], ".scalexpert.yaml"),
    "compose": lambda v: ({"compose.yaml": f"services:\n  web:\n    image: nginx\n    deploy:\n      replicas: {v}\n"},
                          ["check", "compose.yaml"], "compose.yaml"),
    "kubernetes": lambda v: ({"deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
                                             f"  replicas: {v}\n  template:\n    spec:\n      containers: [{{name: w, image: nginx}}]\n"},
                             ["check", "deploy.yaml"], "deploy.yaml"),
    "threagile": lambda v: ({"threagile.yaml": "threagile_version: 1.0.0\ntitle: t\ntechnical_assets:\n  Web:\n    id: web\n"
                                               f"    type: process\n    technology: web-server\n    used_as_client_by_human: {v}\n"},
                            ["check", "threagile.yaml"], "threagile.yaml"),
}


def _plant(reader: str, planted: str, tmp_path: Path) -> tuple[list[str], str, int]:
    """Write the reader's files with ``planted``; return argv, the file holding it and its line."""
    marker = "PLANTED-VALUE"
    files, argv, holder = READERS[reader](marker)
    line = 0
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = text.split("\n")
        for row, content in enumerate(rows):
            if marker not in content:
                continue
            if planted in KEYS.values():  # a key: one more line in the mapping that holds the marker
                found = re.match(r"^(\s*(?:- )?)", content)
                indent = " " * len(found.group(1) if found else "")
                rows[row] = content.replace(marker, "'x'") + "\n" + indent + planted.replace("{indent}", indent)
                line = row + 2
            else:
                rows[row] = content.replace(marker, planted)
                line = row + 1
        path.write_text("\n".join(rows), encoding="utf-8")
    return argv, holder, line


def _run(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCALEXPERT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(argv)
    return int(caught.value.code or 0), capsys.readouterr().err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
@pytest.mark.parametrize("reader", list(READERS))
def test_malformed_standard_tags_are_clean_errors_at_their_position_in_every_reader(
    reader: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, holder, line = _plant(reader, value, tmp_path)
    code, err = _run(argv, tmp_path, monkeypatch, capsys)
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err
    assert f"{holder}:{line}:" in err, err
    tag = value.split()[0]
    assert f"{tag} " in err and "is not" in err, err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("key", list(KEYS.values()), ids=list(KEYS))
@pytest.mark.parametrize("reader", list(READERS))
def test_keys_that_are_not_text_are_clean_errors_at_their_position_in_every_reader(
    reader: str, key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, holder, line = _plant(reader, key, tmp_path)
    code, err = _run(argv, tmp_path, monkeypatch, capsys)
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err
    assert f"{holder}:{line}:" in err, err
    assert "key" in err, err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("text, expected", [
    ("version: 1\ncomponents:\n  true: {kind: service}\n", "3:3: components: key true is not text"),
    ("version: 1\ncomponents:\n  2030-01-31: {kind: service}\n", "put it in quotes: '2030-01-31'"),
    ("version: 1\ncomponents:\n  ~: {kind: service}\n", "key ~ is not text (YAML reads it as null)"),
    ("version: 1\ncomponents: !!int\n  a: {kind: service}\n", "2:13: components: invalid value: a mapping tagged !!int"),
    ("version: 1\ncomponents:\n  a: {kind: service, zones: !!bool [1]}\n", "a list tagged !!bool"),
])
def test_keys_and_collections_are_refused_with_words_for_what_yaml_read(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        load_text(text, "k.yaml")
    assert expected in str(caught.value)


@pytest.mark.hostile("errors")
def test_quoted_keys_and_correct_tags_still_read() -> None:
    loaded = load_text("version: !!int 1\ncomponents:\n  'true': {kind: service, replicas: !!int 3}\n  '12': {kind: !!str service}\n",
                       "k.yaml")
    assert loaded.model.components["true"].replicas == 3
    assert set(loaded.model.components) == {"true", "12"}


@pytest.mark.hostile("errors")
@pytest.mark.slow
def test_the_console_script_reports_a_malformed_tag_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\ncomponents:\n  api: {kind: service, replicas: !!bool maybe}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scalexpert", "check", "a.yaml"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 2
    assert "a.yaml:3:" in run.stderr and "!!bool 'maybe' is not true or false" in run.stderr
    assert "internal error" not in run.stderr


# --- booleans are never numbers or versions (YAML's true equals 1 in Python) -------------------------


@pytest.mark.hostile("edges")
@pytest.mark.parametrize("text, expected", [
    ("version: true\ncomponents:\n  api: {kind: service}\n", "1:1: version: expected 1, got true"),
    ("version: 1\ncomponents:\n  api: {kind: service, replicas: true}\n", "components.api.replicas: expected an integer"),
    ("version: 1\ncomponents:\n  api: {kind: service, capacity_rps: true}\n", "components.api.capacity_rps: expected a number"),
    ("version: 1\nsystem: {name: s, traffic: {peak_rps: true}}\ncomponents:\n  api: {kind: service}\n",
     "system.traffic.peak_rps: expected a number"),
])
def test_booleans_are_refused_where_numbers_and_versions_belong(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        load_text(text, "b.yaml")
    assert expected in str(caught.value), str(caught.value)
