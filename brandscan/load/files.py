"""Input files as bytes: whole, or in blocks of a byte range; the OS's refusals as one-line
errors. Everything that opens an input file goes through here, so a missing file or a
folder given by mistake reads the same whichever reader meets it first."""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterator
from pathlib import Path

from brandscan.errors import BrandscanError

#: Bytes read at a time from big files: large enough for fast decoding, small enough that
#: a worker's memory is bounded by its chunk, not by the file.
BLOCK = 4 * 2**20


@contextlib.contextmanager
def os_errors(path: str) -> Iterator[None]:
    """Turn the operating system's refusals to read ``path`` into one-line errors."""
    try:
        yield
    except FileNotFoundError:
        raise BrandscanError("no such file", where=path) from None
    except PermissionError:
        raise BrandscanError("permission denied", where=path,
                             hint="check the file's permissions") from None
    except OSError as exc:
        raise BrandscanError(f"cannot read: {exc.strerror or exc}", where=path) from None


def check_readable(path: str) -> None:
    """The checks every read makes first (see :func:`_not_a_folder`)."""
    _not_a_folder(Path(path), path)


def _not_a_folder(p: Path, path: str) -> None:
    """Only regular files are read: a folder, a device (/dev/zero never ends), a FIFO
    (blocks until someone writes) or a socket is a one-line error, before any read."""
    if p.is_dir():
        raise BrandscanError("is a directory", where=path, hint="give the files inside it")
    with os_errors(path):
        mode = p.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise BrandscanError(f"is {kind}, not a file brandscan can read to its end",
                             where=path, hint="save the export to a file first")


def read_bytes(path: str) -> bytes:
    """The whole file; an error for a folder, an unreadable file or one with no text."""
    p = Path(path)
    _not_a_folder(p, path)
    with os_errors(path):
        data = p.read_bytes()
    if not data.strip():
        raise BrandscanError("empty file", where=path)
    return data


def file_size(path: str) -> int:
    """Size in bytes of a file that can be opened; the same errors as :func:`read_bytes`."""
    p = Path(path)
    _not_a_folder(p, path)
    with os_errors(path):
        with p.open("rb"):
            pass
        return p.stat().st_size


def file_blocks(path: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The bytes ``start:end`` of a file (to its end without ``end``), in blocks."""
    with open(path, "rb") as fh:
        fh.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:
            block = fh.read(BLOCK if left is None else min(BLOCK, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block
