"""``extends``: overlay merging, positions in both files, cycles and unusable bases."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scalexpert.errors import InputError
from scalexpert.loader import load_file

BASE = """
    version: 1
    system: {name: shop}
    components:
      api: {kind: service, replicas: 2, zones: 2}
      db: {kind: database}
    dependencies:
      - {from: api, to: db, timeout_ms: 500}
    suppressions:
      - {rule: X-1, reason: accepted in the base}
    """

OVERLAY = """
    extends: base.yaml
    components:
      api: {replicas: 4}
      cache: {kind: cache}
    dependencies:
      - {from: api, to: cache, timeout_ms: 20}
      - {from: api, to: db, retries: 2}
    suppressions:
      - {rule: X-2, reason: accepted in the overlay}
    """


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_overlay_merges_mappings_and_dependencies_by_pair(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    loaded = load_file(write(tmp_path, "overlay.yaml", OVERLAY))
    model = loaded.model
    assert model.system.name == "shop"
    assert (model.components["api"].replicas, model.components["api"].zones) == (4, 2)
    assert sorted(model.components) == ["api", "cache", "db"]
    pairs = [(d.source, d.target, d.timeout_ms, d.retries) for d in model.dependencies]
    assert pairs == [("api", "db", 500, 2), ("api", "cache", 20, None)]
    assert [s.rule for s in model.suppressions] == ["X-1", "X-2"]


def test_overlay_positions_point_into_the_file_that_wrote_them(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", BASE)
    overlay = write(tmp_path, "overlay.yaml", OVERLAY)
    loaded = load_file(overlay)
    assert str(loaded.component_position("api", "replicas")) == f"{overlay}:3:9"
    assert str(loaded.component_position("api", "zones")) == f"{base}:4:37"
    # dependency 0 is the base's api → db, changed by the overlay's second item
    assert str(loaded.dependency_position(0)) == f"{overlay}:7:5"
    assert str(loaded.dependency_position(0, "retries")) == f"{overlay}:7:25"
    assert str(loaded.dependency_position(0, "timeout_ms")) == f"{base}:7:25"
    # dependency 1 is the overlay's first item, appended
    assert str(loaded.dependency_position(1, "timeout_ms")) == f"{overlay}:6:28"
    assert str(loaded.position("suppressions", 1, "rule")) == f"{overlay}:9:6"


def test_errors_in_the_base_are_reported_in_the_base(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "version: 1\ncomponents:\n  api: {kind: service, replicas: two}\n")
    overlay = write(tmp_path, "overlay.yaml", "extends: base.yaml\ncomponents:\n  api: {zones: 0}\n")
    with pytest.raises(InputError) as caught:
        load_file(overlay)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{overlay}:3:9: components.api.zones: expected a list or an integer >= 1, got 0",
        f"{tmp_path / 'base.yaml'}:3:24: components.api.replicas: expected an integer >= 1, got 'two'",
    ]


def test_cycle_of_two_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", "version: 1\nextends: b.yaml\ncomponents: {a: {kind: service}}\n")
    write(tmp_path, "b.yaml", "version: 1\nextends: a.yaml\ncomponents: {b: {kind: service}}\n")
    with pytest.raises(InputError) as caught:
        load_file(first)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{first}:2:1: extends: cannot use 'b.yaml'",
        f"{tmp_path / 'b.yaml'}:2:1: extends: 'a.yaml' leads back to this file: files cannot extend each other in a cycle",
    ]


def test_file_extending_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "self.yaml", "version: 1\nextends: self.yaml\ncomponents: {a: {kind: service}}\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert str(caught.value) == f"{path}:2:1: extends: 'self.yaml' leads back to this file: files cannot extend each other in a cycle"


def test_too_long_chain(tmp_path: Path) -> None:
    write(tmp_path, "f0.yaml", "version: 1\ncomponents: {a: {kind: service}}\n")
    for i in range(1, 11):
        write(tmp_path, f"f{i}.yaml", f"extends: f{i - 1}.yaml\ncomponents: {{a: {{replicas: {i}}}}}\n")
    assert load_file(tmp_path / "f8.yaml").model.components["a"].replicas == 8
    with pytest.raises(InputError) as caught:
        load_file(tmp_path / "f10.yaml")
    assert caught.value.diagnostics[-1].message == "more than 8 files extend one another; flatten the chain"


@pytest.mark.parametrize(("target", "reason"), [("missing.yaml", "no such file"), (".", "is a directory, not a file")])
def test_unusable_base(tmp_path: Path, target: str, reason: str) -> None:
    path = write(tmp_path, "overlay.yaml", f"version: 1\nextends: {target!r}\ncomponents: {{a: {{kind: service}}}}\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    messages = [d.message for d in caught.value.diagnostics]
    assert messages == [f"cannot use {target!r}", reason]
    assert (caught.value.diagnostics[0].line, caught.value.diagnostics[0].column) == (2, 1)
