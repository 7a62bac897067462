"""Decoded text of a big file without holding it: its physical lines (of the whole file,
or of a byte range), or blocks of its text. NUL characters are removed and a leading
byte-order mark dropped, as the whole-file reader does with the text it decodes."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator

from brandscan.load.encoding import codec_of
from brandscan.load.files import BLOCK, file_blocks, file_size

#: Encodings in which a newline byte is always a newline (so files can be cut by bytes).
SPLITTABLE = ("utf-8", "utf-8-sig", "gb18030")


def splittable(encoding: str) -> bool:
    """Whether a file in this encoding can be cut into pieces at newline bytes."""
    return codec_of(encoding) in SPLITTABLE


class ByteRangeLines:
    """Decoded physical lines of ``path[start:end]`` (split where Python's universal
    newlines split: ``\\n``, ``\\r\\n``, ``\\r``), with ``offset`` the byte just after the
    last line handed out. Only for :func:`splittable` encodings."""

    def __init__(self, path: str, encoding: str, errors: str, start: int, end: int) -> None:
        self.path, self.start, self.end = path, start, end
        codec = codec_of(encoding)
        self.codec = "utf-8" if codec == "utf-8-sig" else codec
        self.first_codec = codec if start == 0 else self.codec
        self.errors = errors
        self.offset = start

    def __iter__(self) -> Iterator[str]:
        first = True
        carry = b""
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            pos = self.start
            while True:
                block = fh.read(min(BLOCK, self.end - pos)) if pos < self.end else b""
                pos += len(block)
                data = carry + block
                if not data:
                    return
                lines = data.splitlines(keepends=True)
                carry = b""
                if block and pos < self.end:
                    last = lines[-1]
                    if not last.endswith((b"\n", b"\r")) or last.endswith(b"\r"):
                        carry = lines.pop()  # incomplete, or a \r that may precede \n
                for raw in lines:
                    text = raw.decode(self.first_codec if first else self.codec, self.errors)
                    if first:
                        text = text.lstrip("\ufeff")
                        first = False
                    self.offset += len(raw)
                    yield text.replace("\x00", "") if "\x00" in text else text
                if not block:
                    return


def stream_lines(path: str, encoding: str, errors: str) -> Iterator[str]:
    """Decoded physical lines of a whole file, for encodings that cannot be cut by bytes."""
    with open(path, "rb") as fh:
        text = io.TextIOWrapper(fh, encoding=codec_of(encoding), errors=errors, newline="")
        first = True
        for line in text:
            if first:
                line = line.lstrip("\ufeff")
                first = False
            yield line.replace("\x00", "") if "\x00" in line else line


def file_lines(path: str, encoding: str, errors: str, span: tuple[int, int] | None = None
               ) -> Iterable[str]:
    """Physical lines of the bytes ``span`` (start, end), or of the whole file: a
    :class:`ByteRangeLines` (which knows its byte offset) where the encoding allows it."""
    if splittable(encoding):
        start, end = span if span is not None else (0, file_size(path))
        return ByteRangeLines(path, encoding, errors, start, end)
    return stream_lines(path, encoding, errors)


class SubLines:
    """``str.splitlines`` pieces of physical lines (what JSON lines are split on), with
    ``at_end`` telling whether the last piece handed out ended its physical line."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = lines
        self.at_end = True

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            parts = line.splitlines()
            for i, part in enumerate(parts):
                self.at_end = i == len(parts) - 1
                yield part
            self.at_end = True


def text_blocks(path: str, encoding: str, errors: str) -> Iterator[str]:
    """The decoded text of a whole file in blocks (for JSON documents)."""
    decoder = codecs.getincrementaldecoder(codec_of(encoding))(errors)
    first = True
    for block in file_blocks(path):
        text = decoder.decode(block)
        if first and text:
            text = text.lstrip("\ufeff")
            first = False
        yield text.replace("\x00", "") if "\x00" in text else text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail
