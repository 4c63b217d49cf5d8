"""Importers: a value the source states that the format cannot hold points at the source file.

A Compose or Kubernetes count beyond the format's limit used to be reported as "the imported
architecture is invalid (a bug in scalexpert import)" at ``<imported>``; an escape character in an
image name broke the written file's comments; ``replicas: true`` was labelled "not stated". Now the
error is at ``file:line:column`` of the source, exit 2, and an invalid stated count is a note that
quotes it, at its line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.errors import InputError
from scalexpert.importers import import_paths
from scalexpert.loader import load_text

HUGE = "99999999999999999"

DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: REPLICAS\n"
              "  template:\n    spec:\n      containers: [{name: w, image: nginx}]\n")
HPA = ("---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
       "  scaleTargetRef: {kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: HUGE\n")

CASES = {
    "compose-deploy-replicas": ("compose.yaml", f"services:\n  web:\n    image: nginx\n    deploy:\n      replicas: {HUGE}\n", 5),
    "compose-scale": ("compose.yaml", f"services:\n  web:\n    image: nginx\n    scale: {HUGE}\n", 4),
    "kubernetes-replicas": ("deploy.yaml", DEPLOYMENT.replace("REPLICAS", HUGE), 5),
    "kubernetes-hpa-max": ("deploy.yaml", DEPLOYMENT.replace("REPLICAS", "2") + HPA.replace("HUGE", HUGE), 16),
}


def _check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCALEXPERT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["check", name, "--format", "json"])
    return int(caught.value.code or 0), capsys.readouterr().err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("case", list(CASES))
def test_a_count_beyond_the_limit_is_an_error_at_the_source_line(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text, line = CASES[case]
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, err = _check(tmp_path, monkeypatch, capsys, name)
    assert code == 2
    assert f"{name}:{line}:" in err, err
    assert "more than the limit" in err
    assert "<imported>" not in err and "a bug in scalexpert" not in err


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("name, text", [
    ("compose.yaml", 'services:\n  web:\n    image: "ngi\\x1bnx\\u202e:1"\n    command: "\\x1b[2J"\n'),
    ("deploy.yaml", DEPLOYMENT.replace("REPLICAS", "2").replace("image: nginx", 'image: "ngi\\x1bnx\\x07"')),
])
def test_escape_characters_in_source_values_give_an_import_and_a_report(
    name: str, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = import_paths([str(tmp_path / name)])
    assert "\x1b" not in result.yaml_text and "\x07" not in result.yaml_text
    assert "\\x1b" in result.yaml_text  # written as an escape, readable in the comment
    load_text(result.yaml_text, "imported.yaml")
    code, err = _check(tmp_path, monkeypatch, capsys, name)
    assert code in (0, 1), err


@pytest.mark.hostile("edges")
@pytest.mark.parametrize("name, text, note", [
    ("compose.yaml", "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: true\n",
     "compose.yaml:5: deploy.replicas of web is true, not a number of containers"),
    ("compose.yaml", "services:\n  web:\n    image: nginx\n    scale: -3\n", "compose.yaml:4: scale of web is -3, not a number"),
    ("compose.yaml", "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 2.5\n", "is 2.5, not a number of containers"),
    ("deploy.yaml", DEPLOYMENT.replace("REPLICAS", "true"), "deploy.yaml:5: spec.replicas of web is true, not a number of pods"),
    ("deploy.yaml", DEPLOYMENT.replace("REPLICAS", "'three'"), "spec.replicas of web is 'three', not a number of pods"),
])
def test_an_invalid_stated_count_is_never_labelled_not_stated(name: str, text: str, note: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = import_paths([str(tmp_path / name)])
    assert any(note in n for n in result.notes), result.notes
    assert "not stated" not in result.yaml_text.split("replicas", 1)[-1].split("\n", 1)[0]
    loaded = load_text(result.yaml_text, "imported.yaml")
    assert loaded.model.components["web"].replicas is None  # unknown, not 1


@pytest.mark.hostile("errors")
@pytest.mark.slow
def test_the_console_script_points_at_the_compose_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(CASES["compose-scale"][1], encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scalexpert", "check", "compose.yaml"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 2
    assert "compose.yaml:4:" in run.stderr and "<imported>" not in run.stderr


# --- values of a shape the source format does not allow -------------------------------------------

SHAPES = {
    "threagile-technologies": ("threagile.yaml", "threagile_version: 1.0.0\ntitle: t\ntechnical_assets:\n  Web:\n    id: web\n"
                               "    type: process\n    technologies: true\n"),
    "threagile-link-target": ("threagile.yaml", "threagile_version: 1.0.0\ntitle: t\ntechnical_assets:\n  Web:\n    id: web\n"
                              "    type: process\n    communication_links:\n      L:\n        target: [db]\n"),
    "structurizr-relationships": ("workspace.json", '{"name": "w", "model": {"people": [{"id": "1", "name": "U", '
                                  '"relationships": true}], "softwareSystems": []}, "views": {}}'),
    "terraform-plan-values": ("plan.json", '{"format_version": "1.2", "planned_values": true}'),
    "telemetry-metric": ("graph.json", '{"status": "success", "data": {"resultType": "vector", "result": '
                         '[{"metric": true, "value": [0, "1"]}]}}'),
}


@pytest.mark.hostile("errors")
@pytest.mark.parametrize("case", list(SHAPES))
def test_a_value_of_the_wrong_shape_in_a_source_is_an_input_error(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text = SHAPES[case]
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, err = _check(tmp_path, monkeypatch, capsys, name)
    assert code in (0, 1, 2), err  # refused (2), or read as far as it makes sense (a report)
    assert "internal error" not in err and "a bug in scalexpert" not in err, err
    if code == 2:
        assert name in err
