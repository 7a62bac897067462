"""Files replaced atomically: a run that fails half way leaves yesterday's file as it was.

Written to a temp file in the same folder, fsynced, then renamed over the target — only
after the whole content was produced. Reports, models and exports all go through here.
"""

from __future__ import annotations

import contextlib
import os
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
