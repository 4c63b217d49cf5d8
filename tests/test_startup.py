"""What a small check does at start-up: each input file read once, and only the modules it needs.

These are behaviour tests of the start-up work of issue 20 (no timings): a check of a Kubernetes
manifest classifies the file once and reports exactly what importing it first reports, and does
not import the readers of formats it was not given.
"""

from __future__ import annotations

import importlib
import json
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


def test_the_secret_patterns_are_those_the_pure_python_safe_loader_reads() -> None:
    import yaml

    from scalexpert.importers import redact
    from scalexpert.shipped import shipped_dir

    text = (shipped_dir("scalexpert.builtin_knowledge", "knowledge") / redact.FILE).read_text("utf-8")
    raw = yaml.load(text, Loader=yaml.SafeLoader)
    table = redact.patterns()
    assert table.marker == raw["marker"] and list(table.words) == raw["words"]
    assert [p.pattern for p in table.values] == raw["values"] and list(table.schemes) == raw["schemes"]


PLAIN_SAMPLES = ["yes", "No", "true", "null", "~", ".inf", "-.inf", ".NaN", "0x1F", "0o17", "1_000", "1e3", "+1", "-1",
                 "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:00", "190:20:30", "on", "Off", "-", "--", "---",
                 "a:b", "a:", "http://x", "web-1", "v1.2.3", "my_service", "a/b", "x+y", "1.0", "10", "-x", "@x"]


@pytest.mark.parametrize("text", PLAIN_SAMPLES)
def test_a_value_is_written_plain_exactly_when_the_safe_loader_reads_it_back(text: str) -> None:
    import yaml

    from scalexpert.importers import emit

    try:
        plain = bool(emit._PLAIN.fullmatch(text)) and yaml.load(text, Loader=yaml.SafeLoader) == text
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            emit._scalar(text)
        return
    assert emit._scalar(text) == (text if plain else json.dumps(text))


def test_rules_read_back_from_the_cache_have_their_source_maps(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached rule keeps its source map packed until it is used: then it is the one reading the file gives."""
    import copy

    from scalexpert.language.ruleset import load_ruleset

    monkeypatch.setenv("SCALEXPERT_CACHE", "off")
    fresh = load_ruleset()
    monkeypatch.delenv("SCALEXPERT_CACHE")
    load_ruleset()  # stores the entry
    cached = load_ruleset()
    rule = cached.rules[0]
    assert "source" not in vars(rule)  # packed until used
    assert [r.source for r in cached.rules] == [r.source for r in fresh.rules]
    assert [r.source.position(("id",)) for r in cached.rules] == [r.source.position(("id",)) for r in fresh.rules]
    assert cached.rules[1] == fresh.rules[1] and copy.deepcopy(cached.rules[2]) == fresh.rules[2]
    with pytest.raises(AttributeError):
        getattr(cached.rules[3], "no_such_attribute")
