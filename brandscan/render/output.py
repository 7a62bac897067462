"""Where rendered output goes: stdout, or a file replaced atomically.

A cron job that fails half way must not leave a truncated report where yesterday's was,
so files are written to a temp file in the same folder, fsynced, then renamed over the
target — only after the whole output was produced.
"""

from __future__ import annotations

import sys

from brandscan.files import atomic_write


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
