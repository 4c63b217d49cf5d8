"""Every generated artefact (rule pages, references, editor schema, goldens) matches a fresh rendering.

One test per page names the stale files and the one command that regenerates everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scalexpert.docgen import ALL_COMMAND, PAGES, Page

ROOT = Path(__file__).resolve().parents[1]


def stale_files(page: Page, root: Path = ROOT) -> list[str]:
    """Repository paths of the page's files that differ from a fresh rendering, are missing or are left over."""
    fresh = page.render_files()
    stale = sorted(path for path, text in fresh.items()
                   if not (root / path).is_file() or (root / path).read_bytes() != text.encode("utf-8"))
    if page.folder:
        folder = root / page.path
        stale += sorted(f"{page.path}/{p.name} (no longer generated)" for p in folder.glob(page.pattern)
                        if p.is_file() and f"{page.path}/{p.name}" not in fresh)
    return stale


@pytest.mark.parametrize("name", sorted(PAGES))
def test_committed_copy_is_up_to_date(name: str) -> None:
    stale = stale_files(PAGES[name])
    assert not stale, f"stale generated files: {', '.join(stale[:20])}; regenerate everything with: {ALL_COMMAND}"


def test_stale_missing_and_left_over_files_are_named(tmp_path: Path) -> None:
    page = PAGES["report-goldens"]
    assert len(stale_files(page, tmp_path)) == len(page.render_files())  # nothing committed: all missing
    for path, text in page.render_files().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, "utf-8", newline="")
    assert stale_files(page, tmp_path) == []
    (tmp_path / page.path / "shop.txt").write_text("edited by hand\n", "utf-8")
    (tmp_path / page.path / "old.txt").write_text("x", "utf-8")
    assert stale_files(page, tmp_path) == [f"{page.path}/shop.txt", f"{page.path}/old.txt (no longer generated)"]


def test_one_command_regenerates_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ALL_COMMAND == "python -m scalexpert.docgen all"
    assert {"rules", "format", "api", "schema", "report-goldens", "example-findings"} <= set(PAGES)
    from scalexpert.docgen import __main__ as command

    some = {name: PAGES[name] for name in ("schema", "report-goldens")}  # the others take long to render
    monkeypatch.setattr(command, "PAGES", some)
    monkeypatch.setattr(command, "repository_root", lambda: tmp_path)
    (tmp_path / "pyproject.toml").write_text("", "utf-8")
    (tmp_path / "tests" / "golden" / "reports").mkdir(parents=True)
    (tmp_path / "tests" / "golden" / "reports" / "gone.md").write_text("x", "utf-8")
    assert command.main(ALL_COMMAND.split()[3:]) == 0
    assert all(stale_files(page, tmp_path) == [] for page in some.values())
