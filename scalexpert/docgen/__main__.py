"""``python -m scalexpert.docgen PAGE``: print a generated documentation page to stdout."""

from __future__ import annotations

import importlib
import sys

from . import PAGES


def main(argv: list[str]) -> int:
    """Render the page named by ``argv[0]``; exit code 2 with a usage line otherwise."""
    names = ", ".join(sorted(PAGES))
    if len(argv) != 1 or argv[0] not in PAGES:
        sys.stderr.write(f"usage: python -m scalexpert.docgen PAGE > FILE   (PAGE is one of: {names})\n")
        return 2
    render = getattr(importlib.import_module(PAGES[argv[0]].module), "render")
    text: str = render()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a replaced stdout without bytes underneath
        sys.stdout.write(text)
    else:  # UTF-8 and '\n' whatever the locale, so the output is the committed file byte for byte
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
