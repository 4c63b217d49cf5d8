"""``scalexpert import``: output, overwrite protection, directories, errors, and overlays with ``extends``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scalexpert.cli import cli
from scalexpert.cli.common import EXIT_USAGE
from scalexpert.errors import InputError, UsageError
from scalexpert.importers import detect, import_paths
from scalexpert.loader import load_file

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EDGES = str(FIXTURES / "compose" / "edges.yml")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_prints_the_architecture_without_output_file() -> None:
    code, out, err = _run("import", EDGES)
    assert code == 0
    assert out == import_paths([EDGES]).yaml_text
    assert "note:" in err


def test_writes_the_output_file_and_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "arch.yaml"
    code, out, err = _run("import", EDGES, "-o", str(target))
    assert (code, out) == (0, "")
    assert "wrote" in err and "components" in err
    assert load_file(target).model.components["shop"].kind == "service"
    target.write_text("mine\n")
    code, _, err = _run("import", EDGES, "-o", str(target))
    assert code == EXIT_USAGE
    assert "exists; pass --force to overwrite it" in err
    assert target.read_text() == "mine\n"
    code, _, _ = _run("import", EDGES, "-o", str(target), "--force", "--quiet")
    assert code == 0 and target.read_text() == import_paths([EDGES]).yaml_text
    assert sorted(os.listdir(tmp_path)) == ["arch.yaml"]  # no temporary file left behind


def test_errors_exit_2_with_a_location(tmp_path: Path) -> None:
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  web:\n    image: [unclosed\n")
    code, _, err = _run("import", str(bad))
    assert code == EXIT_USAGE
    assert f"{bad}:4:1: YAML syntax error" in err
    code, _, err = _run("import", str(tmp_path / "missing.yml"))
    assert code == EXIT_USAGE and "no such file" in err
    assert "Traceback" not in err


def test_directories_skip_helm_templates_and_values_with_notes() -> None:
    result = import_paths([str(FIXTURES / "helm")])
    assert sorted(result.raw["components"]) == ["rendered"]
    skipped = {n.split(":")[0]: n for n in result.notes if n.startswith("skipped")}
    assert sorted(skipped) == ["skipped templates/deployment.yaml", "skipped templates/service.yaml",
                               "skipped values.yaml"]
    assert "Helm template" in skipped["skipped templates/service.yaml"]
    assert "Helm values file" in skipped["skipped values.yaml"]
    with pytest.raises(InputError, match="Helm template"):
        import_paths([str(FIXTURES / "helm" / "templates" / "deployment.yaml")])


def test_mixing_compose_and_kubernetes_is_refused() -> None:
    with pytest.raises(UsageError, match="mixes Docker Compose .* and Kubernetes"):
        import_paths([str(FIXTURES / "mixed")])
    code, _, err = _run("import", str(FIXTURES / "mixed"))
    assert code == EXIT_USAGE and "import one kind at a time" in err


def test_a_directory_with_nothing_to_import_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicaCount: 1\n")
    with pytest.raises(InputError, match="no Docker Compose or Kubernetes file to import"):
        import_paths([str(tmp_path)])


def test_a_previous_import_in_the_directory_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(Path(EDGES).read_text())
    assert _run("import", str(tmp_path), "-o", str(tmp_path / "arch.yaml"))[0] == 0
    result = import_paths([str(tmp_path)])
    assert "skipped arch.yaml: already an architecture file" in result.notes


def test_detect_files_and_directories(tmp_path: Path) -> None:
    assert detect(EDGES) == "compose"
    assert detect(str(FIXTURES / "kubernetes" / "shop.yaml")) == "kubernetes"
    assert detect(str(FIXTURES / "kubernetes")) == "kubernetes"
    assert detect(str(FIXTURES / "helm")) == "kubernetes"
    architecture = tmp_path / "arch.yaml"
    architecture.write_text("version: 1\ncomponents:\n  a: {kind: service}\n")
    assert detect(str(architecture)) == "architecture"
    assert detect(str(tmp_path)) == "architecture"
    with pytest.raises(UsageError):
        detect(str(FIXTURES / "mixed"))
    with pytest.raises(InputError, match="Helm values file"):
        detect(str(FIXTURES / "helm" / "values.yaml"))


def test_an_overlay_extends_the_imported_file(tmp_path: Path) -> None:
    imported = tmp_path / "imported.yaml"
    assert _run("import", str(FIXTURES / "kubernetes" / "shop.yaml"), "-o", str(imported), "-q")[0] == 0
    overlay = tmp_path / "architecture.yaml"
    overlay.write_text(
        "extends: imported.yaml\n"
        "system:\n"
        "  traffic: {peak_rps: 300, average_rps: 120, read_ratio: 0.8}\n"
        "  objectives: {availability: 0.999, latency_p99_ms: 400}\n"
        "components:\n"
        "  postgres:\n"
        "    replicas: 3\n"
        "dependencies:\n"
        "  - {from: web, to: api, timeout_ms: 2000, retries: 2}\n"
    )
    loaded = load_file(overlay)
    model = loaded.model
    assert model.system.name == "shop"
    assert model.system.traffic is not None and model.system.traffic.peak_rps == 300
    assert model.system.objectives is not None and model.system.objectives.availability == 0.999
    assert model.components["postgres"].replicas == 3
    assert model.components["postgres"].kind == "database"  # kept from the imported file
    web_api = [d for d in model.dependencies if (d.source, d.target) == ("web", "api")]
    assert len(web_api) == 1 and web_api[0].protocol == "http" and web_api[0].timeout_ms == 2000
    assert loaded.component_position("postgres", "replicas").file == str(overlay)
    assert loaded.component_position("postgres", "kind").file == str(imported)
