"""``-`` as an input file: standard input, spooled to a private temporary file.

Every reader of brandscan works on a path — the encoding is decided on the whole input,
big files are cut into byte ranges read by several processes, ``ingest`` hashes the
bytes to know an export it has seen — so the bytes of standard input are first copied to
a file in a new private folder (0700), removed when the command ends. Messages, ``inspect``,
skipped-row lists and the ``source_file`` column name it ``<stdin>``
(:mod:`brandscan.names`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from brandscan.errors import BrandscanError, UsageError
from brandscan.names import forget_name, give_name, shown_where

#: The file name that means standard input, and how it is shown.
STDIN = "-"
STDIN_NAME = "<stdin>"
_BLOCK = 1 << 20


@contextlib.contextmanager
def spooled(stream: BinaryIO) -> Iterator[str]:
    """The bytes of ``stream`` in a private temporary file, shown as ``<stdin>``, for as
    long as the context lasts."""
    folder = tempfile.mkdtemp(prefix="brandscan-stdin-")
    path = os.path.join(folder, "stdin")
    try:
        with open(path, "wb") as out:
            for block in iter(lambda: stream.read(_BLOCK), b""):
                out.write(block)
        give_name(path, STDIN_NAME)
        try:
            yield path
        except BrandscanError as exc:
            # Named now: the error is shown after the name is forgotten.
            if exc.where:
                exc.where = shown_where(exc.where)
            raise
    finally:
        forget_name(path)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def stdin_files(files: Sequence[str], stream: BinaryIO | None = None, *,
                is_terminal: bool | None = None) -> Iterator[tuple[str, ...]]:
    """``files`` with ``-`` replaced by the spooled standard input (``stream``, default
    ``sys.stdin``'s bytes). ``-`` twice, or ``-`` while standard input is a terminal
    (nothing piped in: brandscan would wait for typing), is a usage error."""
    files = tuple(files)
    count = files.count(STDIN)
    if not count:
        yield files
        return
    if count > 1:
        raise UsageError("'-' (standard input) is given twice",
                         hint="standard input can be read once; give it once")
    if stream is None:
        stream = sys.stdin.buffer
        if is_terminal is None:
            is_terminal = sys.stdin.isatty()
    if is_terminal:
        raise UsageError("'-' reads standard input, but nothing is piped in",
                         hint="pipe an export in: cat export.csv | brandscan … -")
    with spooled(stream) as path:
        yield tuple(path if f == STDIN else f for f in files)
