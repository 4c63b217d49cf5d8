"""The same input gives byte-identical output: across runs, and across PYTHONHASHSEED values.

Every format of ``scalexpert.reporters.FORMATS`` (iterated when the test runs, so formats added
later are covered), with and without ``--explain``, on several examples. Each hash seed runs in its
own interpreter, since string hashing (and so set and dict order of hashed keys) is fixed at start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.reporters import FORMATS, RenderOptions, render

pytestmark = pytest.mark.slow  # starts processes or runs long: left out of the fast loop (-m "not slow")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "examples" / name for name in ("ecommerce-monolith.yaml", "social-feed.yaml",
                                                  "saas-multitenant-remediated.yaml")]
SEEDS = ("0", "1", "12345")

RENDER_ALL = """
import hashlib, json, sys
from scalexpert.api import check
from scalexpert.reporters import FORMATS, RenderOptions, render
digests = {}
for path in sys.argv[1:]:
    report = check(path)
    for name in sorted(FORMATS):
        for explain in (False, True):
            text = render(name, [report], RenderOptions(explain=explain))
            digests[f"{path} {name} {explain}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    both = render("json", [report, check(path)])
    digests[f"{path} json two reports"] = hashlib.sha256(both.encode("utf-8")).hexdigest()
print(json.dumps(digests, sort_keys=True))
"""


def environment(seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "PYTHONHASHSEED")}
    env["PYTHONHASHSEED"] = seed
    return env


@pytest.fixture(scope="module")
def digests_by_seed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("determinism")  # no configuration file found upwards
    results = {}
    for seed in SEEDS:
        done = subprocess.run([sys.executable, "-c", RENDER_ALL, *map(str, EXAMPLES)], cwd=folder, env=environment(seed),
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        results[seed] = json.loads(done.stdout)
    return results


def test_every_format_is_identical_across_hash_seeds(digests_by_seed: dict[str, dict[str, str]]) -> None:
    first = digests_by_seed[SEEDS[0]]
    expected = {f"{path} {name} {explain}" for path in EXAMPLES for name in FORMATS for explain in (False, True)}
    assert expected <= set(first), "every format of FORMATS was rendered"
    for seed in SEEDS[1:]:
        differing = sorted(key for key in first if digests_by_seed[seed].get(key) != first[key])
        assert not differing, f"PYTHONHASHSEED={seed} changes: {differing}"


def test_every_format_is_identical_across_runs_in_one_process() -> None:
    for path in EXAMPLES[:2]:
        first, second = check(path), check(path)
        for name in FORMATS:
            for explain in (False, True):
                options = RenderOptions(explain=explain)
                assert render(name, [first], options) == render(name, [second], options), (path.name, name, explain)


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_command_line_output_is_identical_across_hash_seeds(fmt: str, tmp_path: Path) -> None:
    outputs = set()
    for seed in SEEDS:
        done = subprocess.run([sys.executable, "-m", "scalexpert", "check", "--format", fmt, "--fail-on", "never",
                               "--no-color", "--explain", *map(str, EXAMPLES[:2])], cwd=tmp_path, env=environment(seed),
                              capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        outputs.add(hashlib.sha256(done.stdout).hexdigest())
    assert len(outputs) == 1
