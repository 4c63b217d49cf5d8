"""Regenerate the golden reports: ``python tests/golden/regenerate.py`` (from anywhere).

Renders every architecture in examples/ in every report format, with the built-in rules and the
default configuration, to tests/golden/<example>.<extension>. tests/test_report_golden.py compares
fresh renderings with these files; run this script after changing rules, knowledge, the capacity
model or a reporter, and review the diff before committing it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
EXTENSIONS = {"text": "txt", "json": "json", "markdown": "md", "sarif": "sarif", "junit": "junit.xml",
              "github": "github.txt", "html": "html"}


def render_all() -> dict[str, str]:
    """Golden file name → content, for every example and format (paths relative to the repository root)."""
    from scalexpert.api import check
    from scalexpert.config import Config
    from scalexpert.reporters import RenderOptions, render

    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        outputs = {}
        for example in sorted(Path("examples").glob("*.yaml")):
            report = check(example.as_posix(), config=Config())
            for fmt, extension in EXTENSIONS.items():
                outputs[f"{example.stem}.{extension}"] = render(fmt, [report], RenderOptions(explain=True))
        return outputs
    finally:
        os.chdir(previous)


def main() -> int:
    """Write every golden file and delete the ones no example produces any more."""
    outputs = render_all()
    for stale in GOLDEN.iterdir():
        if stale.is_file() and stale.name not in outputs and stale.name != Path(__file__).name:
            stale.unlink()
    for name, text in outputs.items():
        (GOLDEN / name).write_bytes(text.encode("utf-8"))
    sys.stdout.write(f"wrote {len(outputs)} golden files to {GOLDEN}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
