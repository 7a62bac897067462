"""Where rendered output goes: stdout, or a file replaced atomically.

A cron job that fails half way must not leave a truncated report where yesterday's was,
so files are written to a temp file in the same folder, fsynced, then renamed over the
target — only after the whole output was produced.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from brandscan.errors import BrandscanError


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, or leave it untouched on failure."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise BrandscanError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); a report replaces yesterday's with the
        # same permissions, or gets the ones any new file would (0666 less the umask).
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BrandscanError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def emit(text: str | bytes, path: str | None, *, encoding: str = "utf-8") -> None:
    """Send output to ``path`` (atomically) or to stdout when ``path`` is None or '-'."""
    data = text if isinstance(text, bytes) else text.encode(encoding, errors="replace")
    if path and path != "-":
        atomic_write(path, data)
        return
    out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
    if out is not None and isinstance(text, str) and encoding.lower().replace("-", "") in (
            "utf8", "utf8sig"):
        sys.stdout.write(text)
        sys.stdout.flush()
    elif out is not None:
        out.write(data)
        out.flush()
    else:
        sys.stdout.write(data.decode(encoding, errors="replace"))
