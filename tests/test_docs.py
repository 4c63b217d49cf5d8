"""Every command and code snippet in the documentation is run, so the docs cannot go stale.

The pages are README.md and docs/*.md (the generated rule pages, docs/rules/, are covered by
tests/test_rules.py, which runs every rule's examples). The conventions a page follows:

- Every fenced block names its language.
- ``sh`` and ``console`` blocks: each command (in ``console`` blocks the lines starting with ``$ ``)
  is split on ``&&``; parts starting with ``scalexpert`` run through the command line, in process,
  in a workspace prepared for the page (see ``workspace``). Parts in ``NOT_RUN`` (``pip install``,
  the test suite) are not run; any other command is an error, so nothing is skipped silently.
- In ``console`` blocks, the lines after a command are its output: each must appear, in this
  order, in what the command printed. ``...`` on its own line marks lines left out; a line ending
  in ``...`` matches a printed line that starts with the text before it.
- ``<!-- exit: N -->`` just above a block: every command in it must exit with N. Without it, a
  command may exit 0 or 1 (findings) but never 2 (an error).
- ``<!-- file: PATH -->`` just above a block: the block is the file PATH. It is written into the
  workspace for the commands that follow on the page, and when PATH exists in the repository the
  block must be identical to it (the tutorial's step files).
- ``<!-- invalid: TEXT -->`` just above a ``yaml`` block: the block shows a mistake; checking it
  must fail with an error that contains TEXT.
- ``python`` blocks run in a fresh interpreter in the workspace and must exit 0.
- ``yaml`` blocks must parse. Architectures (a ``version`` key) must load; rules (a ``when`` key)
  must compile, with a knowledge stub when they have no entry; rule fixtures (``rule`` and
  ``cases``), suppression lists and configuration files (first line ``# .scalexpert.yaml``) must
  validate. ``json`` and ``toml`` blocks must parse (``[tool.scalexpert]`` must load as configuration).
- ``text`` blocks, and ``pyi`` blocks (signatures, in the generated API page), are shown as they are.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scalexpert import api
from scalexpert.api import rules_for, selector
from scalexpert.cli import main
from scalexpert.review.config_files import load_config
from scalexpert.knowledge_base import builtin_dir, load_knowledge
from scalexpert.language.ruleset import load_ruleset
from scalexpert.loader import load_text
from scalexpert.model import Suppression
from scalexpert.rule_testing import FixtureFile

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
LANGUAGES = {"sh", "console", "python", "pyi", "yaml", "json", "toml", "text"}
NOT_RUN = ("pip install", "python -m pytest", "pytest", "python -m scalexpert.docgen", "python tests/", "python -m mypy")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)(?P<lang>[^\s`]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<key>exit|file|invalid):\s*(?P<value>.+?)\s*-->\s*$")


@dataclass
class Block:
    """A fenced block of a page, with the markers just above it."""

    page: Path
    line: int
    language: str
    text: str
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page, in order (4-space indented code is not a fenced block)."""
    lines = page.read_text("utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        body, j = [], i + 1
        while j < len(lines) and not re.match(rf"^\s*{re.escape(fence)}\s*$", lines[j]):
            body.append(lines[j][indent:] if not lines[j][:indent].strip() else lines[j].lstrip())
            j += 1
        found.append(Block(page, i + 1, opening["lang"], "\n".join(body) + "\n", _markers(lines, i)))
        i = j + 1
    return found


def _markers(lines: list[str], fence_index: int) -> dict[str, str]:
    markers: dict[str, str] = {}
    k = fence_index - 1
    while k >= 0 and (not lines[k].strip() or MARKER.match(lines[k])):
        if (m := MARKER.match(lines[k])) is not None:
            markers.setdefault(m["key"], m["value"])
        k -= 1
    return markers


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What every page's commands find in their working directory."""
    base = tmp_path_factory.mktemp("docs-workspace")
    shutil.copytree(ROOT / "examples", base / "examples")
    shutil.copytree(ROOT / "docs" / "tutorial", base / "docs" / "tutorial")
    shutil.copy(ROOT / "examples" / "ecommerce-monolith.yaml", base / "architecture.yaml")
    shutil.copy(ROOT / "examples" / "good-practice.yaml", base / "a.yaml")
    shutil.copy(ROOT / "examples" / "social-feed.yaml", base / "b.yaml")
    shutil.copy(builtin_dir() / "capacity-defaults.yaml", base / "my-defaults.yaml")
    fixtures = ROOT / "tests" / "fixtures" / "import"
    for compose in (fixtures / "compose" / "override").glob("*.yml"):
        shutil.copy(compose, base / compose.name)
    shutil.copytree(fixtures / "kubernetes", base / "deploy" / "kubernetes")
    shutil.copytree(fixtures / "kubernetes", base / "k8s")
    shutil.copy(fixtures / "threagile" / "shop.threagile.yaml", base / "threagile.yaml")
    shutil.copytree(fixtures / "terraform" / "shop", base / "infra" / "terraform")
    shutil.copy(fixtures / "terraform" / "plan" / "plan.json", base / "plan.json")
    shutil.copy(fixtures / "telemetry" / "servicegraph.json", base / "servicegraph.json")
    shutil.copy(fixtures / "telemetry" / "load.json", base / "prometheus.json")
    shutil.copy(fixtures / "structurizr" / "bank.dsl", base / "workspace.dsl")
    return base


@pytest.fixture
def workspace(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(template, folder)
    monkeypatch.chdir(folder)
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "SCALEXPERT_CONFIG", "COLUMNS"):  # pytest-xdist workers set COLUMNS
        monkeypatch.delenv(name, raising=False)
    return folder


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of a sh or console block."""
    found: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if block.language == "console":
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                found[-1][1].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            found.append((line, []))
    return [(part.strip(), output) for command, output in found for part in command.split("&&")]


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Exit code and printed text (stdout, then stderr) of one scalexpert command, run in process."""
    for key in [key for key in api._RULESETS if key]:  # rule folders are read afresh, as by a new process
        del api._RULESETS[key]
    runner = CliRunner()
    with runner.isolation() as (out, err, *_):
        try:
            main(argv)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        printed = out.getvalue().decode("utf-8") + (err.getvalue().decode("utf-8") if err is not None else "")
    return code, printed


def missing_output(expected: list[str], printed: str) -> str | None:
    """The first expected line that is not printed (in order), or None."""
    actual = iter(line.rstrip() for line in printed.splitlines())
    for want in (line.rstrip() for line in expected):
        if not want.strip() or want.strip() in ("...", "…"):
            continue
        prefix = want[:-3].rstrip() if want.endswith("...") else None
        if not any((got.startswith(prefix) if prefix is not None else got == want) for got in actual):
            return want
    return None


def check_commands(block: Block) -> list[str]:
    problems = []
    allowed = {int(block.markers["exit"])} if "exit" in block.markers else {0, 1}
    for command, expected in commands(block):
        if command.startswith(NOT_RUN):
            continue
        argv = shlex.split(command, comments=True)
        if not argv or argv[0] != "scalexpert":
            problems.append(f"{block.where}: cannot run {command!r}; only scalexpert commands run (or add it to NOT_RUN)")
            continue
        if any(token in ("|", ">", ">>", "<") for token in argv):
            problems.append(f"{block.where}: {command!r} uses shell redirection; write -o FILE instead")
            continue
        code, printed = run_cli(argv[1:])
        if code not in allowed:
            problems.append(f"{block.where}: {command!r} exited {code}, expected {sorted(allowed)}:\n{printed[-2000:]}")
        elif (line := missing_output(expected, printed)) is not None:
            problems.append(f"{block.where}: {command!r} did not print {line!r}; it printed:\n{printed[-3000:]}")
    return problems


def check_python(block: Block, folder: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    done = subprocess.run([sys.executable, "-c", block.text], cwd=folder, capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    return [] if done.returncode == 0 else [f"{block.where}: python block failed:\n{done.stderr[-3000:]}"]


def check_yaml(block: Block, folder: Path) -> list[str]:
    data = yaml.safe_load(block.text)  # our own documentation, not user input
    if isinstance(data, dict) and "version" in data:
        load_text(block.text, file=str(folder / block.markers.get("file", "snippet.yaml")))
    elif isinstance(data, dict) and "when" in data:
        check_rule(block.text, data, folder)
    elif isinstance(data, dict) and {"rule", "cases"} <= set(data):
        FixtureFile.model_validate(data)
    elif isinstance(data, dict) and set(data) == {"suppressions"}:
        for item in data["suppressions"]:
            Suppression.model_validate(item)
    elif block.text.startswith("# .scalexpert.yaml"):
        check_config(folder / "_config" / ".scalexpert.yaml", block.text, data.get("rules", []))
    return []


def check_invalid(block: Block, folder: Path) -> list[str]:
    """A block that shows a mistake must be rejected, with the error the page promises."""
    try:
        check_yaml(block, folder)
    except Exception as exc:
        if block.markers["invalid"] in str(exc):
            return []
        return [f"{block.where}: rejected, but without {block.markers['invalid']!r}: {exc}"]
    return [f"{block.where}: marked invalid, but it is accepted"]


def check_rule(text: str, data: dict[str, object], folder: Path) -> None:
    """Compile the rule with the built-in ones; a stub knowledge entry stands in for a missing one."""
    rules, knowledge = folder / "_rules", folder / "_knowledge"
    rules.mkdir(exist_ok=True)
    knowledge.mkdir(exist_ok=True)
    rule_id = str(data["id"])
    (rules / f"{rule_id}.yaml").write_text(text, "utf-8")
    known = load_knowledge()
    if "knowledge" not in data and rule_id not in known.entries:
        names = sorted(set(re.findall(r"@([a-z][a-z0-9_]*)", text)) - set(known.thresholds))
        stub = {"id": rule_id, "title": "stub", "category": "meta", "summary": "stub", "why": "stub", "fix": "stub",
                "trade_offs": "stub", "references": [{"title": "stub"}],
                "thresholds": {n: {"value": 0.5, "description": "stub", "source": "stub"} for n in names}}
        (knowledge / f"{rule_id}.yaml").write_text(yaml.safe_dump(stub), "utf-8")
    try:
        load_ruleset([rules], knowledge=load_knowledge([knowledge]))
    except Exception:
        (rules / f"{rule_id}.yaml").unlink()  # a rejected rule must not break the page's later rule blocks
        raise


def check_config(path: Path, text: str, rule_folders: object) -> None:
    """Load a configuration file and check the rule names and thresholds it mentions."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, "utf-8")
    for folder in rule_folders if isinstance(rule_folders, list) else []:
        (path.parent / str(folder)).mkdir(parents=True, exist_ok=True)
    config = load_config(path).config
    selector(config, rules_for(config))


def check_block(block: Block, folder: Path) -> list[str]:
    if "file" in block.markers:
        target = folder / block.markers["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, "utf-8")
        committed = ROOT / block.markers["file"]
        if committed.is_file() and committed.read_text("utf-8") != block.text:
            return [f"{block.where}: differs from {block.markers['file']}; show the file as it is"]
    try:
        if block.language in ("sh", "console"):
            return check_commands(block)
        if block.language == "python":
            return check_python(block, folder)
        if block.language == "yaml" and "invalid" in block.markers:
            return check_invalid(block, folder)
        if block.language == "yaml":
            return check_yaml(block, folder)
        if block.language == "json":
            json.loads(block.text)
        if block.language == "toml" and sys.version_info >= (3, 11):
            import tomllib

            if "scalexpert" in tomllib.loads(block.text).get("tool", {}):
                check_config(folder / "_toml" / "pyproject.toml", block.text, [])
    except Exception as exc:  # report every failing snippet of the page, not only the first
        return [f"{block.where}: {block.language} block fails: {type(exc).__name__}: {exc}"]
    return []


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_snippet_of_the_page_runs(page: Path, workspace: Path) -> None:
    problems = [problem for block in blocks(page) for problem in check_block(block, workspace)]
    assert not problems, "\n\n".join(problems)


def test_every_fenced_block_names_a_known_language() -> None:
    unknown = [f"{b.where}: ```{b.language}" for page in PAGES for b in blocks(page) if b.language not in LANGUAGES]
    assert not unknown, "label each block with one of " + ", ".join(sorted(LANGUAGES)) + ":\n" + "\n".join(unknown)


def test_every_page_is_in_the_site_navigation() -> None:
    """mkdocs --strict fails on a page missing from nav, or on nav naming a missing page."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))

    def files(nav: object) -> list[str]:
        if isinstance(nav, str):
            return [nav]
        if isinstance(nav, list):
            return [f for item in nav for f in files(item)]
        return [f for value in nav.values() for f in files(value)] if isinstance(nav, dict) else []

    listed = files(config["nav"])
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").glob("*.md"))
    assert sorted(set(listed) - {"rules/index.md"}) == pages
    assert "rules/index.md" in listed and "/rules/*.md" in config["not_in_nav"]


def test_readme_starts_with_the_two_commands_and_the_first_finds_something() -> None:
    first = blocks(ROOT / "README.md")[0]
    assert first.line == 3 and first.language == "sh"
    assert first.text == ("pip install . && scalexpert check examples/ecommerce-monolith.yaml --explain\n"
                          "pip install -e '.[test]' && python -m pytest\n")
    assert run_cli(["check", str(ROOT / "examples" / "ecommerce-monolith.yaml"), "--explain"])[0] == 1


def test_tutorial_starts_from_the_example_and_shows_every_step() -> None:
    folder = ROOT / "docs" / "tutorial"
    example = (ROOT / "examples" / "ecommerce-monolith.yaml").read_text("utf-8")
    assert (folder / "shop.yaml").read_text("utf-8") == example.replace("../docs/schema/", "../schema/", 1), (
        "docs/tutorial/shop.yaml must be a copy of examples/ecommerce-monolith.yaml (schema path one folder up): "
        "copy it again, then update the tutorial's outputs")
    steps = sorted(folder.glob("step-*.yaml"), key=lambda p: int(p.stem.split("-")[1]))
    shown = {b.markers.get("file") for b in blocks(ROOT / "docs" / "tutorial.md")}
    for number, step in enumerate(steps, start=1):
        assert step.name == f"step-{number}.yaml"
        assert f"docs/tutorial/{step.name}" in shown, f"{step.name} is not shown in docs/tutorial.md"
        base = "shop.yaml" if number == 1 else f"step-{number - 1}.yaml"
        assert yaml.safe_load(step.read_text("utf-8"))["extends"] == base
