"""What scalexpert finds on each shipped example, one line per finding (``tests/golden/examples/``).

A snapshot is small on purpose so that a diff of it says what changed: the capacity headline, then
every finding as ``SEVERITY RULE-ID subjects: message`` in report order. Proofs, help texts and
layouts are not in it (the reporter goldens cover how reports look, :mod:`.report_goldens`).
The examples are read from the repository's ``examples/`` folder.

Regenerate with ``python -m scalexpert.docgen all`` (or ``python -m scalexpert.docgen example-findings``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..findings import Report
from ..reporters.common import capacity_figures, one_line, status

def repository() -> Path:
    """The checkout: where this package lives (editable install), else the nearest folder upwards from
    the current directory that has ``examples/`` and ``pyproject.toml``."""
    for folder in (Path(__file__).resolve().parents[2], Path.cwd(), *Path.cwd().parents):
        if (folder / "examples").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError("no scalexpert checkout (examples/ and pyproject.toml) here or above")


def snapshot(report: Report) -> str:
    """The compact text of one report."""
    lines = [f"# {report.file}: {len(report.findings)} findings", ""]
    lines += [f"{label}: {value}" for label, value in capacity_figures(report)]
    lines.append("")
    for finding in report.findings:
        state = "" if status(finding) == "active" else f" ({status(finding)})"
        lines.append(f"{finding.severity:<8} {finding.rule_id} {', '.join(finding.subjects)}{state}: "
                     f"{one_line(finding.message)}")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_files() -> dict[str, str]:
    """File name (relative to tests/golden/examples/) → snapshot, for every example."""
    from ..api import check
    from ..config import Config

    root = repository()
    previous = os.getcwd()
    os.chdir(root)  # locations relative to the repository root, whatever the current directory
    try:
        return {f"{path.stem}.txt": snapshot(check(path.relative_to(root).as_posix(), config=Config()))
                for path in sorted((root / "examples").glob("*.yaml"))}
    finally:
        os.chdir(previous)


__all__ = ["render_files", "repository", "snapshot"]
