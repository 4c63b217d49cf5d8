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


# --- Every command a user can run: no line forged, no raw control character (class 4, injection) ---------------

FORGE = "x\n::error::forged \x1b[2J bell\a cr\rback \u202eRTL\u202c\n##[error]v1\n  ::warning::indented"
"""A value that, printed raw, starts GitHub workflow commands on lines of their own and drives the terminal."""
FORGED_NAME = "ok\n::error::forged-name\a.yaml"
_SCRIPT = Path(sys.executable).with_name("scalexpert")
SCALEXPERT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "scalexpert"]
_OWN_ANNOTATION = re.compile(r"::(error|warning|notice) (file|title)=|::(group|endgroup)::")


def forged_lines(output: str, github: bool = False) -> list[str]:
    """Lines a CI runner would read as workflow commands (``::`` or ``##[`` after blanks), other than
    the annotations ``--format github`` writes itself."""
    return [line for line in output.split("\n") if line.lstrip().startswith(("::", "##["))
            and not (github and _OWN_ANNOTATION.match(line))]


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("injection")
    text = f"""version: 1
system:
  name: {q(FORGE)}
  description: {q(FORGE)}
  traffic: {{peak_rps: 200}}
  objectives: {{availability: 0.999}}
components:
  web: {{kind: load-balancer, description: {q(FORGE)}, technology: {q(FORGE)}, owner: {q(FORGE)}}}
  app: {{kind: service, replicas: 1, description: {q(FORGE)}, technology: {q(FORGE)}}}
  db: {{kind: database, replicas: 1, description: {q(FORGE)}, data: {{engine: {q(FORGE)}}}}}
dependencies:
  - {{from: web, to: app, description: {q(FORGE)}}}
  - {{from: app, to: db, description: {q(FORGE)}}}
"""
    (folder / "arch.yaml").write_text(text, encoding="utf-8")
    (folder / "old.yaml").write_text(text.replace("replicas: 1, description", "replicas: 2, description", 1), encoding="utf-8")
    (folder / FORGED_NAME).write_text("version: 1\ncomponents:\n  a: {kind: service, replicas: 2}\n", encoding="utf-8")
    (folder / "bad.yaml").write_text(f"version: 1\nsystem: {{name: {q(FORGE)}}}\ncomponents:\n  a: {{kind: {q('service' + FORGE)}}}\n",
                                     encoding="utf-8")
    rules = folder / "rules"
    rules.mkdir()
    (rules / "EVIL-001.yaml").write_text(f"""\
id: EVIL-001
name: hostile.evil
when:
  - component: {{name: $n, description: {{bind: v}}}}
then:
  finding: {{subjects: ["{{n}}"], message: {q("about {v}" + FORGE)}}}
knowledge:
  title: {q("Evil" + FORGE)}
  category: meta
  summary: {q(FORGE)}
  why: {q(FORGE)}
  fix: f
  trade_offs: t
  references: [{{title: {q(FORGE)}}}]
""", encoding="utf-8")
    deploy = folder / "deploy"
    deploy.mkdir()
    (deploy / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx:1\n  api:\n    image: example/api:1\n")
    (deploy / "skipped\n::error::forged-note.yaml").write_text("just: a mapping\n")
    return folder


COMMANDS: dict[str, list[list[str]]] = {
    "check": [["check", "arch.yaml", "--rules", "rules", "--format", fmt] for fmt in sorted(FORMATS)]
    + [["check", "arch.yaml", "--rules", "rules", "--explain"], ["check", FORGED_NAME]],
    "capacity": [["capacity", "arch.yaml"], ["capacity", "arch.yaml", "--growth", "2,5"],
                 ["capacity", "arch.yaml", "--format", "json"], ["capacity", FORGED_NAME]],
    "diff": [["diff", "old.yaml", "arch.yaml", "--format", fmt] for fmt in ("text", "markdown", "json")]
    + [["diff", FORGED_NAME, "arch.yaml"]],
    "plan": [["plan", "arch.yaml", "--format", fmt] for fmt in ("text", "json", "markdown")],
    "explain": [["explain", "EVIL-001", "--rules", "rules"]],
    "rules": [["rules", "--rules", "rules"], ["rules", "--rules", "rules", "--format", "json"]],
    "validate": [["validate", "arch.yaml", FORGED_NAME, "bad.yaml"]],
    "import": [["import", "deploy"]],
    "errors": [["check", "bad.yaml"], ["capacity", "bad.yaml"], ["check", "missing\n::error::forged-missing.yaml"],
               ["check", "arch.yaml", "--config", "x\n::error::forged-config.yaml"],
               ["explain", "x\n::error::forged-rule"]],
}


@pytest.mark.slow
@pytest.mark.hostile("injection")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_prints_a_forged_line_or_a_raw_control_character(hostile_folder: Path, command: str) -> None:
    """Each command in each format a user can ask for, through the console script: values with line
    feeds, escapes, BEL, CR and bidi overrides never reach the output raw, and no line starts a
    workflow command (``::error::``, ``##[error]``) except the annotations of ``--format github``."""
    for args in COMMANDS[command]:
        done = subprocess.run([*SCALEXPERT, *args], cwd=hostile_folder, capture_output=True, text=True, timeout=300,
                              encoding="utf-8", errors="replace")
        shown = " ".join(args).replace("\n", "\\n")
        assert done.returncode in (0, 1, 2) and "Traceback" not in done.stderr, (shown, done.stderr[-500:])
        output = done.stdout + done.stderr
        found = RAW_CONTROL.search(output)
        assert found is None, f"{shown}: raw {found.group()!r}" if found else ""
        assert forged_lines(output, github="github" in args) == [], shown


@pytest.mark.parametrize("markup, expected", [
    ("text", "a\n  \\x3a:error::x\n\\x23#[error]y\n"), ("html", "a\n  &#58;:error::x\n&#35;#[error]y\n"),
    ("markdown", "a\n  &#58;:error::x\n&#35;#[error]y\n"), ("xml", "a\n  &#58;:error::x\n&#35;#[error]y\n"),
])
def test_the_output_guard_makes_workflow_commands_inert_in_each_notation(markup: str, expected: str) -> None:
    from scalexpert.terminal import lines

    assert lines("a\n  ::error::x\n##[error]y\n", markup) == expected
    assert lines("\x1b[2J\a\r\u202e", markup) == "\\x1b[2J\\x07\\x0d\\u202e"
    assert lines("\x1b[31mred\x1b[0m \x1b[2J", markup, colour=True) == "\x1b[31mred\x1b[0m \\x1b[2J"
