"""The composite GitHub Action (action.yml) and the GitLab CI template, their scripts run locally.

No runner is involved: the test reads each file, evaluates the small part of GitHub's expression
language the action uses (``inputs.*``, ``steps.*.outputs.*``, ``github.action_path``, ``always()``,
``==``, ``!=``, ``&&``), runs every ``run:`` step with bash in a throwaway repository with the
environment a runner gives (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, RUNNER_TEMP, ...),
and checks what the ``uses:`` steps would be handed (the SARIF file, the HTML report) exists. The
GitLab job's script runs the same way with its variables. scalexpert comes from this test
environment's PATH (the install steps need a network; the installed-command test covers the wheel).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import SHOP

ROOT = Path(__file__).resolve().parents[1]
PASSING = SHOP.replace("replicas: 1", "replicas: 3")
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def scalexpert_on_path() -> str:
    folder = Path(sys.executable).parent
    if not (folder / "scalexpert").exists():
        pytest.skip("the scalexpert console script is not installed next to this interpreter")
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def repository(folder: Path, architecture: str) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "ci.yaml").write_text("on: [push]\njobs: {}\n", "utf-8")
    (folder / "docs" / "shop.yaml").write_text(architecture, "utf-8")
    (folder / ".git").mkdir()  # the repository root
    return folder


class Action:
    """Just enough of a GitHub runner to run action.yml's steps."""

    def __init__(self, workspace: Path, inputs: dict[str, str]) -> None:
        self.definition = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
        declared = self.definition["inputs"]
        assert set(inputs) <= set(declared), set(inputs) - set(declared)
        self.inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()} | inputs
        self.workspace = workspace
        self.temp = workspace.parent / "runner-temp"
        self.temp.mkdir()
        self.summary = self.temp / "step-summary.md"
        self.summary.write_text("", "utf-8")
        self.outputs: dict[str, dict[str, str]] = {}
        self.handed: list[tuple[str, dict[str, str]]] = []  # (uses, with) of the steps a runner would run

    def value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        if expression == "github.action_path":
            return str(ROOT)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if match:
            return self.outputs.get(match[1], {}).get(match[2], "")
        if expression.startswith("'") and expression.endswith("'"):
            return expression[1:-1]
        raise AssertionError(f"expression not understood by the test: {expression}")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m[1]), text)

    def condition(self, text: str | None, failed: bool) -> bool:
        if text is None:
            return not failed
        result, always = True, False
        for term in (t.strip() for t in EXPRESSION.sub(lambda m: m[1], text).split("&&")):
            if term == "always()":
                always = True
            elif "!=" in term or "==" in term:
                left, op, right = re.split(r"\s*(==|!=)\s*", term)
                equal = self.value(left) == self.value(right)
                result &= equal if op == "==" else not equal
            else:
                raise AssertionError(f"condition not understood by the test: {term}")
        return result and (always or not failed)

    def run(self, path: str) -> int:
        failed, code = False, 0
        for step in self.definition["runs"]["steps"]:
            if not self.condition(step.get("if"), failed):
                continue
            if "uses" in step:
                self.handed.append((step["uses"], {k: self.substitute(str(v)) for k, v in step.get("with", {}).items()}))
                continue
            output = self.temp / f"output-{step.get('id', 'step')}"
            output.write_text("", "utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTHON"))}
            env.update({k: self.substitute(str(v)) for k, v in step.get("env", {}).items()})
            env.update(PATH=path, GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(self.summary),
                       GITHUB_PATH=str(self.temp / "path"), RUNNER_TEMP=str(self.temp), GITHUB_ACTION_PATH=str(ROOT),
                       GITHUB_WORKSPACE=str(self.workspace), NO_COLOR="1")
            assert "${{" not in step["run"], "scripts take inputs through env, never ${{ }} (script injection)"
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=self.workspace, env=env, capture_output=True,
                                  text=True, timeout=300, check=False)
            self.log = getattr(self, "log", "") + done.stdout + done.stderr
            if "id" in step:
                self.outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text("utf-8").splitlines() if "=" in line)
            if done.returncode != 0:
                failed, code = True, done.returncode
        return code


def test_action_with_findings_annotates_summarises_uploads_and_fails(tmp_path: Path) -> None:
    path = scalexpert_on_path()
    action = Action(repository(tmp_path / "repo", SHOP), {"install": "false"})
    assert action.run(path) == 1
    assert action.outputs["check"]["exit-code"] == "1"
    assert "::error file=docs/shop.yaml,line=" in action.log  # annotations with repository paths
    assert ".github" not in action.log  # a workflow is not an architecture
    assert "SPOF-001" in action.summary.read_text("utf-8")  # the job summary
    sarif = json.loads((action.workspace / "scalexpert.sarif").read_text("utf-8"))
    assert sarif["runs"][0]["results"]
    assert (action.workspace / "scalexpert.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    uses = dict(action.handed)
    assert uses["github/codeql-action/upload-sarif@v3"]["sarif_file"] == "scalexpert.sarif"
    assert uses["actions/upload-artifact@v4"]["path"] == "scalexpert.html"
    assert not any(u.startswith("actions/setup-python") for u in uses)  # install: false


def test_action_passes_on_a_clean_architecture_and_stops_on_an_error(tmp_path: Path) -> None:
    path = scalexpert_on_path()
    clean = Action(repository(tmp_path / "clean" / "repo", PASSING), {"install": "false", "fail-on": "critical"})
    assert clean.run(path) == 0
    broken = Action(repository(tmp_path / "broken" / "repo", "version: 1\ncomponents:\n  api: {kind: servise}\n"),
                    {"install": "false"})
    assert broken.run(path) == 2
    assert "docs/shop.yaml:3:" in broken.log
    assert not broken.handed  # nothing to upload after an error


def test_action_inputs_reach_the_check(tmp_path: Path) -> None:
    path = scalexpert_on_path()
    action = Action(repository(tmp_path / "repo", SHOP),
                    {"install": "false", "files": "docs/shop.yaml", "fail-on": "never", "sarif": "out/s.sarif",
                     "upload-sarif": "false", "args": "--explain"})
    assert action.run(path) == 0
    assert (action.workspace / "out" / "s.sarif").is_file()
    assert "why%3A" in action.log or "why:" in action.log  # --explain reached the annotations
    assert not any(u.startswith("github/codeql-action") for u, _ in action.handed)


def gitlab_job() -> dict[str, Any]:
    template = yaml.safe_load((ROOT / "ci" / "gitlab" / "scalexpert.gitlab-ci.yml").read_text("utf-8"))
    return template[".scalexpert"]  # type: ignore[no-any-return]


def run_gitlab(workspace: Path, path: str, **variables: str) -> subprocess.CompletedProcess[str]:
    job = gitlab_job()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTHON"))}
    env.update({k: str(v) for k, v in job["variables"].items()} | variables)
    env.update(PATH=path, CI_PROJECT_DIR=str(workspace), GITLAB_CI="true", NO_COLOR="1")
    script = "\n".join(job["script"])
    return subprocess.run(["bash", "-e", "-c", script], cwd=workspace, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_gitlab_job_writes_every_report_it_declares(tmp_path: Path) -> None:
    workspace = repository(tmp_path / "repo", SHOP)
    done = run_gitlab(workspace, scalexpert_on_path())
    assert done.returncode == 1, done.stderr  # findings at or above high fail the job
    job = gitlab_job()
    declared = [*job["artifacts"]["paths"], *job["artifacts"]["reports"].values()]
    for name in declared:
        assert (workspace / name).is_file(), name
    issues = json.loads((workspace / job["artifacts"]["reports"]["codequality"]).read_text("utf-8"))
    assert issues and {i["location"]["path"] for i in issues} == {"docs/shop.yaml"}
    assert "<testsuite" in (workspace / job["artifacts"]["reports"]["junit"]).read_text("utf-8")
    assert "SPOF-001" in done.stdout  # the job log has the terminal report


def test_gitlab_job_without_scalexpert_says_how_to_install_it(tmp_path: Path) -> None:
    workspace = repository(tmp_path / "repo", SHOP)
    done = run_gitlab(workspace, "/usr/bin:/bin")
    assert done.returncode == 2 and "SCALEXPERT_PACKAGE" in done.stderr
