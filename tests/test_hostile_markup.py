"""Text from a pull request cannot change a report's markup or a terminal.

Names are restricted by the format, but file names, system names, descriptions, technologies,
owners and suppression reasons are free text. Each is filled with Markdown table pipes, backticks,
``<script>``, HTML entities, JSON/SARIF quotes, terminal escape sequences and bidi overrides, and
every format of ``scalexpert.reporters.FORMATS`` (iterated at test time, so formats added later are
covered) is checked: HTML and Markdown carry no raw ``<script>`` from the input, text and GitHub
annotations no raw ESC or bidi characters, JSON and SARIF stay valid JSON that round-trips the
text, JUnit stays well-formed XML. Error messages printed on the command line are escaped too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.errors import InputError
from scalexpert.findings import Report
from scalexpert.reporters import FORMATS, RenderOptions, render

SCRIPT = "<script>alert(1)</script>"
EVIL = (f'{SCRIPT} <img src=x onerror=alert(2)> | pipe | `tick` ``` &amp; &lt; "quote" \'single\' '
        "\\ back\\slash \x1b[2J\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \u202eRTL\u202c \u2066iso\u2069 "
        "${{ github.token }} @everyone [link](javascript:alert(3)) **bold** # heading ::error::x %0A"
        "\r\nsecond line\x00nul\x7f")
FILE_NAME = "evil <script>alert(1) |`\x1b[2J\u202e.yaml"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def q(text: str, limit: int | None = None) -> str:
    return json.dumps(text[:limit] if limit else text)  # a YAML double-quoted scalar is JSON-compatible


def hostile_architecture() -> str:
    return f"""version: 1
system:
  name: {q(EVIL, 190)}
  description: {q(EVIL)}
components:
  web:
    kind: load-balancer
    description: {q(EVIL)}
    technology: {q(EVIL, 190)}
    owner: {q(EVIL, 190)}
  app:
    kind: service
    replicas: 1
    description: {q(EVIL)}
  db:
    kind: database
    replicas: 1
    data: {{engine: {q(EVIL, 95)}, sharding: {{key: {q(EVIL)}}}}}
dependencies:
  - {{from: web, to: app, description: {q(EVIL)}}}
  - {{from: app, to: db}}
suppressions:
  - {{rule: SPOF-001, component: app, reason: {q(EVIL)}, owner: {q(EVIL, 190)}, ticket: {q(EVIL, 190)}}}
  - {{rule: {q(EVIL, 99)}, component: {q(EVIL, 190)}, reason: {q(EVIL)}}}
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("markup")
    path = folder / FILE_NAME
    path.write_text(hostile_architecture(), encoding="utf-8")
    result = check(path)
    assert result.findings, "the hostile architecture should produce findings, so that every section renders"
    assert any(f.suppressed is not None for f in result.findings), "and a suppressed finding, to show the reason"
    return result


@pytest.fixture(scope="module")
def rendered(report: Report) -> dict[tuple[str, bool], str]:
    return {(name, explain): render(name, [report], RenderOptions(explain=explain))
            for name in FORMATS for explain in (False, True)}


def test_the_hostile_text_reaches_the_report(report: Report) -> None:
    assert report.system == EVIL[:190]
    assert report.file.endswith(FILE_NAME)


@pytest.mark.parametrize("explain", [False, True])
def test_no_format_has_raw_control_or_bidi_characters(rendered: dict[tuple[str, bool], str], explain: bool) -> None:
    """JSON, SARIF and Code Quality are data: they keep bidi characters and DEL as written (JSON escapes
    the rest); a file path must stay the path, or the code host cannot match it to the file."""
    for name in FORMATS:
        text = rendered[(name, explain)]
        if name in ("json", "sarif", "codequality"):
            text = re.sub("[\u202a-\u202e\u2066-\u2069\x7f]", "", text)
        found = RAW_CONTROL.search(text)
        assert found is None, f"{name}: raw {found.group()!r} from the input" if found else ""


@pytest.mark.parametrize("name", ["html", "markdown"])
def test_markup_formats_have_no_raw_tags_or_links_from_the_input(rendered: dict[tuple[str, bool], str], name: str) -> None:
    if name not in FORMATS:
        pytest.skip(f"no {name} format")
    for explain in (False, True):
        text = rendered[(name, explain)]
        lowered = text.lower()
        assert "<script" not in lowered and "<img" not in lowered  # escaped as &lt;script&gt; etc.
        assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered
        if name == "markdown":
            assert "](javascript:" not in text


def test_markdown_escapes_pipes_backticks_and_mentions(rendered: dict[tuple[str, bool], str]) -> None:
    if "markdown" not in FORMATS:
        pytest.skip("no markdown format")
    text = rendered[("markdown", True)]
    for raw in ("| pipe |", "`tick`", "``` &", "@everyone", "**bold**", "[link](", "${{"):
        assert raw not in text, raw
    lines = text.splitlines()
    table = [line for line in lines if line.startswith("| ") and "evil" in line]
    assert table
    columns = None  # every row of every table has its header's number of cells
    for line, following in zip(lines, [*lines[1:], ""]):
        if line.startswith("| ") and following.startswith("|---"):
            columns = line.count("|")
        elif line.startswith("| ") and columns is not None:
            assert line.count("|") == columns, line
        elif not line.startswith("|"):
            columns = None


def test_github_annotations_cannot_start_a_new_command(rendered: dict[tuple[str, bool], str]) -> None:
    if "github" not in FORMATS:
        pytest.skip("no github format")
    text = rendered[("github", True)]
    for line in text.splitlines():
        assert line.startswith("::") or "findings" in line or "in 1 file" in line, line
        assert "\r" not in line
    assert "<script>alert(1)" in text  # annotations are plain text; the input shows as written


@pytest.mark.parametrize("name", ["json", "sarif"])
def test_json_formats_stay_valid_and_keep_the_text_as_data(rendered: dict[tuple[str, bool], str], name: str) -> None:
    if name not in FORMATS:
        pytest.skip(f"no {name} format")
    document = json.loads(rendered[(name, True)])
    assert any(EVIL[:60] in text for text in strings(document))  # the input text, intact as data


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in [*value.keys(), *value.values()] for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def test_junit_is_well_formed_xml(rendered: dict[tuple[str, bool], str]) -> None:
    if "junit" not in FORMATS:
        pytest.skip("no junit format")
    root = ET.fromstring(rendered[("junit", True)])
    assert not list(root.iter("script"))


def test_every_format_renders_the_hostile_report(rendered: dict[tuple[str, bool], str]) -> None:
    assert {name for name, _ in rendered} == set(FORMATS)
    assert all(isinstance(text, str) and text for text in rendered.values())


def test_error_messages_escape_terminal_sequences(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[2J\u202e.yaml"
    path.write_text('version: 1\ncomponents:\n  "a\\e[2J":\n    kind: service\n    "\\e]0;x\\a": 1\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        check(path)
    text = str(caught.value)
    assert RAW_CONTROL.search(text) is None, repr(text)
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", str(path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, encoding="utf-8", errors="replace")
    assert done.returncode == 2
    assert RAW_CONTROL.search(done.stderr) is None, repr(done.stderr)
    assert "\\x1b[2J" in done.stderr
