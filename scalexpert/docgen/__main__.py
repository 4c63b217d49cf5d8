"""``python -m scalexpert.docgen all``: write every generated page; ``PAGE``: print one page, or write one folder."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from ..output import write_file
from . import PAGES, Page

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    """Render the page named by ``argv[0]``; exit code 2 with a usage line otherwise."""
    if argv == ["all"]:
        return write_all()
    page = PAGES.get(argv[0]) if argv else None
    if page is None or len(argv) > (2 if page.folder else 1):
        names = ", ".join(sorted(name for name, p in PAGES.items() if not p.folder))
        folders = ", ".join(sorted(name for name, p in PAGES.items() if p.folder))
        sys.stderr.write("usage: python -m scalexpert.docgen all   (every page, from the repository root)\n"
                         f"   or: python -m scalexpert.docgen PAGE > FILE   (PAGE is one of: {names})\n"
                         f"   or: python -m scalexpert.docgen FOLDER-PAGE [DIR]   (one of: {folders})\n")
        return 2
    if page.folder:
        return _write_folder(page, Path(argv[1]) if len(argv) == 2 else Path(page.path))
    render = getattr(importlib.import_module(page.module), page.function)
    text: str = render()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a replaced stdout without bytes underneath
        sys.stdout.write(text)
    else:  # UTF-8 and '\n' whatever the locale, so the output is the committed file byte for byte
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    return 0


def _write_folder(page: Page, folder: Path) -> int:
    """Write every file of a folder page and remove the Markdown files it no longer renders."""
    if not folder.parent.is_dir():
        sys.stderr.write(f"error: {folder.parent} does not exist; run this from the repository root or name DIR\n")
        return 2
    files = importlib.import_module(page.module).render_files()
    folder.mkdir(exist_ok=True)
    stale = sorted(path for path in folder.glob(page.pattern) if path.is_file() and path.name not in files)
    for path in stale:
        path.unlink()
    changed = 0
    for name, text in files.items():
        target = folder / name
        data = text.encode("utf-8")
        if not target.is_file() or target.read_bytes() != data:
            write_file(str(target), data)  # atomically, never through a link (scalexpert.output)
            changed += 1
    sys.stderr.write(f"{folder}: {len(files)} pages, {changed} written, {len(stale)} removed\n")
    return 0


def repository_root() -> Path:
    """The checkout this package runs from (an editable install), else the current directory."""
    return ROOT if (ROOT / "pyproject.toml").is_file() and (ROOT / "scalexpert").is_dir() else Path.cwd()


def write_all() -> int:
    """Write every page and folder of pages into the repository; report how many files changed."""
    root = repository_root()
    if not (root / "pyproject.toml").is_file():
        sys.stderr.write(f"error: {root} is not a scalexpert checkout; run this from the repository root\n")
        return 2
    for page in PAGES.values():
        (root / page.path).parent.mkdir(parents=True, exist_ok=True)
        if page.folder:
            code = _write_folder(page, root / page.path)
            if code:
                return code
            continue
        target = root / page.path
        data = getattr(importlib.import_module(page.module), page.function)().encode("utf-8")
        changed = not target.is_file() or target.read_bytes() != data
        if changed:
            write_file(str(target), data)
        sys.stderr.write(f"{page.path}: {'written' if changed else 'unchanged'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
