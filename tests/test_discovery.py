"""What to check is found by content: architecture files, Markdown ```scalexpert blocks, deployment descriptions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.discovery import classify, discover, select
from scalexpert.errors import InputError
from scalexpert.loader.markdown import blocks, load_blocks
from helpers import SHOP

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = "name: ci\non: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: echo}]\n"
BROKEN = "version: 1\ncomponents:\n  api: {kind: service, replicas: two}\n"
BROKEN_SYNTAX = "version: 1\ncomponents:\n  api: {kind: service\n"
ADR = "# ADR 7: the shop\n\nContext.\n\n```scalexpert\n" + SHOP + "```\n\nAn aside:\n\n```yaml\nversion: 1\n```\n"


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "architecture.yaml").write_text(WORKFLOW, "utf-8")
    (tmp_path / "ci.yaml").write_text(WORKFLOW, "utf-8")
    (tmp_path / "docs" / "adr").mkdir(parents=True)
    (tmp_path / "docs" / "adr" / "0007-shop.md").write_text(ADR, "utf-8")
    (tmp_path / "docs" / "README.md").write_text("# Docs\n\n```yaml\nversion: 1\ncomponents: {}\n```\n", "utf-8")
    (tmp_path / "docs" / "system.yml").write_text(SHOP, "utf-8")
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "import" / "compose" / "edges.yml", tmp_path / "deploy" / "docker-compose.yml")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "arch.yaml").write_text(SHOP, "utf-8")
    return tmp_path


def test_discovery_goes_by_content_not_names(tree: Path) -> None:
    found = {(t.path, t.kind) for t in discover(["."])}
    assert found == {("docs/adr/0007-shop.md", "markdown"), ("docs/system.yml", "architecture"), ("deploy", "deployment")}


def test_classify_each_kind(tree: Path) -> None:
    assert classify("ci.yaml") is None and classify(".github/workflows/architecture.yaml") is None
    assert classify("docs/system.yml") == "architecture"
    assert classify("docs/adr/0007-shop.md") == "markdown" and classify("docs/README.md") is None
    assert classify("deploy/docker-compose.yml") == "deployment"
    Path("broken.yaml").write_text(BROKEN_SYNTAX, "utf-8")
    assert classify("broken.yaml") == "architecture"  # unparseable, but its top level says what it is
    assert select(["ci.yaml", "docs/system.yml", "deploy/docker-compose.yml", "docs/adr/0007-shop.md"]) == [
        "docs/system.yml", "docs/adr/0007-shop.md"]


def test_check_without_arguments_checks_what_it_finds(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--format", "json", "--fail-on", "never"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert sorted(files) == ["deploy", "docs/adr/0007-shop.md", "docs/system.yml"]
    assert run(["check", "docs", "--format", "json", "--fail-on", "never"]) == 0
    assert sorted(json.loads(capsys.readouterr().out)["files"]) == ["docs/adr/0007-shop.md", "docs/system.yml"]


def test_a_broken_architecture_anywhere_is_reported(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "docs" / "notes").mkdir()
    (tree / "docs" / "notes" / "x.yaml").write_text(BROKEN, "utf-8")
    assert run(["check"]) == 2
    assert "docs/notes/x.yaml:3:" in capsys.readouterr().err


def test_nothing_found_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ci.yaml").write_text(WORKFLOW, "utf-8")
    assert run(["check"]) == 2
    assert "no architecture file" in capsys.readouterr().err


def test_by_content_skips_other_files(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--by-content", "ci.yaml", ".github/workflows/architecture.yaml"]) == 0
    assert capsys.readouterr().out == ""
    assert run(["check", "--by-content", "ci.yaml", "docs/system.yml"]) == 1
    assert "docs/system.yml:" in capsys.readouterr().out


def test_markdown_blocks_are_checked_at_their_lines(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (block,) = blocks(ADR)
    assert block.line == 6 and block.text == SHOP
    (loaded,) = load_blocks("docs/adr/0007-shop.md")
    assert run(["check", "docs/adr/0007-shop.md"]) == 1
    out = capsys.readouterr().out
    assert "docs/adr/0007-shop.md:" in out
    first = ADR.splitlines()
    for line in out.splitlines():
        if line.startswith("  docs/adr/0007-shop.md:"):
            number = int(line.split(":")[1])
            assert 6 <= number < 6 + SHOP.count("\n"), line  # inside the block, in the Markdown file's numbering
            assert first[number - 1].strip(), line
    assert loaded.file == "docs/adr/0007-shop.md"


def test_a_broken_markdown_block_points_into_the_markdown(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("bad.md").write_text("# x\n\n- item:\n\n   ```scalexpert\n   version: 1\n   components:\n     api: {kind: servise}\n   ```\n",
                              "utf-8")
    with pytest.raises(InputError) as error:
        load_blocks("bad.md")
    (diagnostic,) = error.value.diagnostics
    assert (diagnostic.file, diagnostic.line) == ("bad.md", 8)
    assert run(["check", "bad.md"]) == 2
    assert capsys.readouterr().err.startswith("bad.md:8:")


def test_two_blocks_are_two_systems(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("two.md").write_text("```scalexpert\n" + SHOP + "```\n\n~~~scalexpert\n" + SHOP.replace("shop", "other") + "~~~\n",
                              "utf-8")
    assert len(load_blocks("two.md")) == 2
    assert run(["check", "two.md", "--format", "json", "--fail-on", "never"]) == 0
    assert len(json.loads(capsys.readouterr().out)["reports"]) == 2


def test_deployments_are_grouped_by_folder_and_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    fixtures = ROOT / "tests" / "fixtures" / "import"
    shutil.copy(fixtures / "compose" / "edges.yml", tmp_path / "docker-compose.yml")
    (tmp_path / "k8s").mkdir()
    shutil.copy(fixtures / "kubernetes" / "shop.yaml", tmp_path / "k8s" / "shop.yaml")
    found = {(t.path, t.kind, t.files) for t in discover(["."])}
    assert found == {(".", "deployment", ("docker-compose.yml",)), ("k8s", "deployment", ("k8s/shop.yaml",))}
    assert run(["check", "--fail-on", "never", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    located = {f["location"]["file"] for r in report["reports"] for f in r["findings"] if f.get("location")}
    assert {"docker-compose.yml", "k8s/shop.yaml"} <= located  # each finding at its own file
