"""No invented addresses: the project has no public home, so nothing may point at one.

Every URL in the repository's text files and in a generated SARIF report is checked: none may name
scalexpert in its host or path (a repository, documentation site or schema host of its own; hosts
reserved for examples, such as docs.example.com, are allowed), and
SARIF carries no ``helpUri``/``informationUri`` unless ``docs_url`` is configured.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.reporters import render

ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(r"https?://[^\s)\"'<>`\]]+")
THIS = Path(__file__).name


def tracked_text_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    found = []
    for name in names:
        path = ROOT / name
        if path.name == THIS or not path.is_file():
            continue
        try:
            path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        found.append(path)
    return found


RESERVED = re.compile(r"^https?://([^/]*\.)?(example(\.(com|org|net))?|[^/]*\.(test|invalid|example))(/|$|:)")
"""Hosts reserved for examples (RFC 2606, RFC 6761): never anybody's real address."""


def invented(url: str) -> bool:
    return "scalexpert" in url.lower() and not RESERVED.match(url.lower())


def test_no_file_points_at_an_address_of_the_project() -> None:
    bad = [f"{p.relative_to(ROOT)}: {u}" for p in tracked_text_files() for u in URL.findall(p.read_text("utf-8"))
           if invented(u)]
    assert not bad, "\n".join(bad)


def test_the_check_itself_catches_an_invented_address() -> None:
    assert invented("https://github.com/scalexpert/scalexpert/blob/main/docs/rules/SPOF-001.md")
    assert invented("https://scalexpert.dev/rules")
    assert not invented("https://docs.example.com/scalexpert/") and not invented("https://sre.google/sre-book/")


def test_a_generated_sarif_file_has_no_invented_address() -> None:
    report = check(str(ROOT / "examples" / "ecommerce-monolith.yaml"))
    text = render("sarif", [report])
    assert not [u for u in URL.findall(text) if invented(u)]
    driver = json.loads(text)["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver and not any("helpUri" in rule for rule in driver["rules"])
