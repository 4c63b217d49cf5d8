"""Golden reports: every example in every format, byte for byte (regenerate: python tests/golden/regenerate.py)."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
COMMAND = "python tests/golden/regenerate.py"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
NAMES = sorted(f"{example.stem}.{extension}" for example in (GOLDEN.parent.parent / "examples").glob("*.yaml")
               for extension in GENERATOR.EXTENSIONS.values())


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    rendered: dict[str, str] = GENERATOR.render_all()
    return rendered


@pytest.mark.parametrize("name", NAMES)
def test_report_matches_golden_file(name: str, outputs: dict[str, str]) -> None:
    path = GOLDEN / name
    assert path.exists(), f"no golden file {path.name}; run: {COMMAND}"
    expected = path.read_bytes().decode("utf-8")
    if outputs[name] != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), outputs[name].splitlines(True),
                                                 "golden", "now"))[:60])
        pytest.fail(f"{name} differs from its golden file; if the change is intended, run: {COMMAND}\n{diff}")


def test_no_stale_golden_files() -> None:
    stale = sorted(p.name for p in GOLDEN.iterdir() if p.is_file() and p.suffix != ".py" and p.name not in NAMES)
    assert not stale, f"golden files no example produces: {stale}; run: {COMMAND}"
