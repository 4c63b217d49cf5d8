"""What a small check does at start-up: each input file read once, and only the modules it needs.

These are behaviour tests of the start-up work of issue 20 (no timings): a check of a Kubernetes
manifest classifies the file once and reports exactly what importing it first reports, and does
not import the readers of formats it was not given.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert import api
from scalexpert.importers import import_paths

detect_module = importlib.import_module("scalexpert.importers.detect")  # the package's `detect` is the function

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tests" / "fixtures" / "import" / "kubernetes" / "shop.yaml"


def test_a_manifest_is_read_and_classified_once_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = detect_module.classify_file

    def counting(path: str, *args: object, **kwargs: object) -> object:
        calls.append(path)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(detect_module, "classify_file", counting)
    report = api.check(str(MANIFEST), assess=False)
    assert calls == [str(MANIFEST)]
    assert report.findings


def test_the_check_of_a_manifest_reports_what_its_import_says(tmp_path: Path) -> None:
    """The architecture validated during the import is the one checked: same model, positions in the manifest."""
    imported = tmp_path / "imported.yaml"
    imported.write_text(import_paths([str(MANIFEST)]).yaml_text, "utf-8")
    direct = api.load(str(MANIFEST))
    again = api.load(str(imported))
    assert direct.model == again.model
    assert direct.file == str(MANIFEST)
    cited = {p.file for p in direct.source.keys.values()} | {p.file for p in direct.source.values.values()}
    assert cited == {str(MANIFEST)}  # every position is a line of the manifest, never of the generated text


PROBE = """
import sys
from scalexpert.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("LOADED", ",".join(sorted(m for m in sys.modules if m.startswith("scalexpert.importers."))))
"""


@pytest.mark.slow
def test_a_kubernetes_check_imports_no_other_formats_readers() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, "check", str(MANIFEST), "--format", "json", "--no-assess"],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    loaded = set(done.stdout.rsplit("LOADED", 1)[-1].strip().split(","))
    assert "scalexpert.importers.kubernetes" in loaded, done.stderr[-2000:]
    unwanted = {f"scalexpert.importers.{name}" for name in
                ("terraform", "structurizr", "threagile", "telemetry", "gateways", "compose")}
    assert not loaded & unwanted
