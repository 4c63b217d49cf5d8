"""Writing output files safely: a temporary file beside the target, then an atomic rename."""

from __future__ import annotations

import os
import stat
import tempfile


def write_atomic(path: str, text: str | bytes) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, never a part.

    A symlink is followed: the file it points to is replaced and the link kept. A path that exists
    but is not a regular file (``/dev/stdout``, ``/dev/null``, a named pipe) is written to directly,
    since renaming over it would swap a device for a file. A replaced file keeps its permissions; a
    new one gets 0666 minus the umask, as any other program's output would.
    """
    target = os.path.realpath(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(target, "wb") as raw:
            raw.write(text.encode("utf-8") if isinstance(text, str) else text)
        return
    handle, temporary = tempfile.mkstemp(prefix=".scalexpert-", suffix=".tmp", dir=os.path.dirname(target))
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(temporary, stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
