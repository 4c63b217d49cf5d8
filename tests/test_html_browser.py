"""The HTML report in a real headless Chromium: the diagram and the findings render, nothing is fetched."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert.config import Config
from scalexpert.reporters import render
from scalexpert.reporters.diagram import COLORS

pytestmark = pytest.mark.browser

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARCH = """\
version: 1
system:
  name: "<script>document.title='pwned'</script> shop"
  objectives: {availability: 0.999}
components:
  web: {kind: client}
  gateway: {kind: api-gateway, replicas: 2}
  api: {kind: service, replicas: 1}
  db: {kind: database}
  events: {kind: queue, messaging: {consumed_by: [worker]}}
  worker: {kind: worker, replicas: 2}
dependencies:
  - {from: web, to: gateway}
  - {from: gateway, to: api}
  - {from: api, to: db}
  - {from: api, to: events, mode: async}
  - {from: worker, to: db}
"""


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary (install: apt-get install -y chromium)")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
               f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    (folder / "shop.yaml").write_text(ARCH, encoding="utf-8")
    report = check(folder / "shop.yaml", config=Config(enable=["SPOF-001"]))
    path = folder / "report.html"
    path.write_text(render("html", [report]), encoding="utf-8")
    return path


def test_dom_has_the_diagram_and_the_findings(page: Path, tmp_path: Path) -> None:
    result = run_chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = result.stdout
    assert "<svg" in dom, result.stderr[-2000:]
    components = re.findall(r'data-component="([^"]+)"', dom)
    assert sorted(components) == ["api", "db", "events", "gateway", "web", "worker"]
    assert re.search(r'class="node severity-critical" data-component="api"', dom)
    assert len(re.findall(r'<path class="edge', dom)) == 6  # five dependencies and one queue delivery
    assert 'id="r0-f0"' in dom and "SPOF-001" in dom and "api runs 1 instance(s)" in dom
    assert "<title>pwned</title>" not in dom and "&lt;script&gt;" in dom  # the system name stayed text


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of raw RGB(A) bytes of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        body = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0
    size = 4 if color == 6 else 3
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks)), width * size, [], bytearray(width * size)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                estimate = left + up - corner
                best = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up), (abs(estimate - corner), 2, corner))
                line[i] = (line[i] + best[2]) & 255
        rows.append(bytes(line) if size == 3 else bytes(b for j, b in enumerate(line) if j % 4 != 3))
        previous = line
    return width, height, rows


def test_screenshot_shows_the_critical_component_coloured(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    # tall enough for the charts, root causes and plan above the diagram
    result = run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    width, height, rows = pixels(shot.read_bytes())
    assert (width, height) == (1200, 2400)
    critical = bytes.fromhex(COLORS["critical"][0][1:])
    painted = sum(row[i:i + 3] == critical for row in rows for i in range(0, len(row), 3))
    assert painted > 5000, f"the critical node's fill should cover a box of pixels, found {painted}"


def test_assessment_charts_render_and_the_page_fits_1280_pixels(tmp_path: Path) -> None:
    """The largest example's report at 1280 px: four inline SVG charts, no horizontal overflow (measured by Chromium)."""
    root = Path(__file__).resolve().parents[1]
    report = check(root / "examples" / "large-marketplace.yaml")
    page = render("html", [report])
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 4
    # a copy of the page with a probe that writes the laid-out width into the title (the report itself runs no script)
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page).replace(
        "</body>", "<script>window.onload=function(){document.title='W='+document.documentElement.scrollWidth+"
                   "' C='+document.querySelectorAll('svg.chart').length;}</script></body>")
    path = tmp_path / "probe.html"
    path.write_text(probe, encoding="utf-8")
    result = run_chromium(tmp_path, "--window-size=1280,900", "--dump-dom", path.as_uri())
    found = re.search(r"<title>W=(\d+) C=(\d+)</title>", result.stdout)
    assert found, result.stderr[-2000:]
    assert int(found[1]) <= 1280 and int(found[2]) == 4
