"""Files of any size -> canonical posts in chunks: bounded memory, the same answer.

:func:`brandscan.load.posts.load_posts` reads every file whole. This module reads them
in chunks of ``chunk_rows`` records and yields the same canonical rows, with the same
values, line numbers and row accounting, so that nothing downstream can tell the
difference — only memory does: it is bounded by the chunk, not by the input.

How a run is read:

1. **Scan** (:func:`scan_files`, one pass over each file, in the process that runs the
   job): the encoding (the same decision as :func:`brandscan.load.read.decode`, made on
   the whole file without holding it), the format, the header or the JSON keys, the
   layout — and the *pieces*: byte ranges of about ``chunk_rows`` records that start on
   a record boundary (quoted newlines in CSV fields included), so that any worker can
   read a piece by itself. Files up to ``small_file_bytes`` are one piece read with
   :func:`brandscan.load.read.read_table`, exactly as the in-memory loader reads them.
   Files that cannot be cut by bytes (UTF-16 and other multi-byte-newline encodings,
   JSON documents) are one piece read as a stream, still in bounded memory.
2. **Keys** (:func:`chunk_keys`, per piece): 64-bit hashes of each post's (platform,
   kind, id) and its place in the input; :func:`build_plan` turns them into the rows
   to drop as duplicates, keeping the *last* occurrence, as ``load_posts`` does
   (crawlers append, so the last row carries the newest counts).
3. **Posts** (:func:`piece_posts`, per piece): the canonical chunks, deduplicated by
   the plan, with followers from users files and the ``--kind`` filter applied, and
   their share of the accounting (rows read, skipped, duplicates, filtered, used).

Duplicates across files are found with a set of 64-bit key hashes (8 bytes per post
plus 8 for its position, ~80 MB transient for 5 million posts, not the posts
themselves). Two different keys with the same hash (odds about 1 in 1.5 million at 5
million posts) would drop one of them as a duplicate; the in-memory loader compares
the keys themselves. Everything else — which rows, which values, which line numbers —
is the same as ``load_posts``; the tests compare them.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.load.accounting import FileReport, LoadReport
from brandscan.load.layouts import USERS_LAYOUT, Layout
from brandscan.load.posts import (
    LoadOptions,
    _add_followers,
    _load_users,
    comment_post_ids,
    file_layout,
    frame_posts,
)
from brandscan.load.read import (
    _OTHER_CJK,
    _RECORD_KEYS,
    Skip,
    _looks_binary,
    _unique,
    bom_encoding,
    delimited_rows,
    flatten,
    jsonl_rows,
    os_errors,
    read_header,
    read_table,
    records_frame,
    sniff_format,
)

#: Files up to this size are read whole, exactly as ``load_posts`` reads them (one piece:
#: many small files are spread over the workers, one big file is cut into pieces).
SMALL_FILE_BYTES = 8 * 2**20
#: Records per chunk: a worker then needs about 0.5 GB, the models included.
CHUNK_ROWS = 50_000
#: Encodings in which a newline byte is always a newline (so files can be cut by bytes).
_SPLITTABLE = ("utf-8", "utf-8-sig", "gb18030")
_BLOCK = 4 * 2**20
_MAX_ITEM_CHARS = 64 * 2**20


# --- what the scan learns ---------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    """A part of one file that a worker reads by itself.

    ``kind`` is ``whole`` (read with ``read_table``), ``range`` (bytes ``start:end``
    holding whole records, the first on line ``first_line``) or ``stream`` (the whole
    file, decoded as a stream, in several chunks). ``number`` is the first chunk number
    of the piece within its file.
    """

    file: int
    number: int
    kind: str
    start: int = 0
    end: int = 0
    first_line: int = 1


@dataclass
class FileScan:
    """What the scan learnt about one input file; everything a worker needs to read it."""

    index: int
    path: str
    report: FileReport
    encoding: str = ""
    errors: str = "strict"
    format: str = ""
    header: list[str] | None = None  # CSV/TSV
    columns: list[str] | None = None  # JSON/JSONL record keys, in order of appearance
    meta: dict[str, Any] = field(default_factory=dict)
    record_key: str | None = None  # JSON object: the key holding the records
    layout: Layout | None = None
    pieces: list[Piece] = field(default_factory=list)
    users: pd.DataFrame | None = None  # a users file, loaded whole
    #: Rows read and skipped while scanning: the file's accounting if it cannot be mapped
    #: (otherwise the pieces count them as they are read).
    scanned: tuple[int, list[Skip]] = field(default_factory=lambda: (0, []))

    @property
    def ok(self) -> bool:
        return self.report.error is None

    @property
    def comment_rows(self) -> bool:
        """A layout with one comment per row whose posts are rebuilt across chunks."""
        return bool(self.layout is not None and self.layout.comment_fields
                    and any(p.kind != "whole" for p in self.pieces))


def scan_files(paths: Iterable[str | os.PathLike[str]], options: LoadOptions | None = None,
               *, chunk_rows: int = CHUNK_ROWS, small_file_bytes: int = SMALL_FILE_BYTES
               ) -> list[FileScan]:
    """Scan every input file (and ``options.users``) in the order ``load_posts`` reads them.

    A file that cannot be read gets ``report.error`` (the message ``load_posts`` gives)
    and no pieces; users files are loaded whole (they hold one row per account).
    """
    opts = options or LoadOptions()
    files = [*paths, *opts.users]
    if len(files) >= 1 << 16:  # the file's number is 16 bits of each row's input position
        raise BrandscanError(f"{len(files):,} files in one run; at most 65,535",
                             hint="give fewer files, or concatenate them")
    scans = []
    for index, path in enumerate(files):
        scan = FileScan(index, str(path), FileReport(path=str(path)))
        try:
            _scan_file(scan, opts, chunk_rows, small_file_bytes)
        except BrandscanError as exc:
            scan.report.error = exc.format() if exc.where else f"{path}: {exc.format()}"
            scan.pieces = []
        scans.append(scan)
    return scans


def _scan_file(scan: FileScan, opts: LoadOptions, chunk_rows: int, small: int) -> None:
    path = scan.path
    size = _file_size(path)
    if size <= small:
        _scan_whole(scan, opts)
        return
    encoding, errors = detect_encoding(path)
    scan.encoding, scan.errors = encoding, errors
    scan.report.encoding = encoding
    fmt = sniff_format(_text_head(path, _codec(encoding), errors), path)
    scan.format = scan.report.format = fmt
    splittable = _codec(encoding) in _SPLITTABLE
    if fmt in ("csv", "tsv"):
        _scan_delimited(scan, chunk_rows, splittable)
    elif fmt == "jsonl":
        _scan_jsonl(scan, chunk_rows, splittable)
    else:
        _scan_json(scan)
        if scan.record_key == "":  # a single post per file: nothing to stream
            _scan_whole(scan, opts)
            return
    columns = _unique(scan.header) if scan.header is not None else list(scan.columns or [])
    columns += [c for c in scan.meta if c not in columns]
    try:
        layout = file_layout(columns, path, opts, scan.report)
    except BrandscanError:
        scan.report.rows_read, scan.report.skipped = scan.scanned[0], list(scan.scanned[1])
        raise
    scan.layout = layout
    if layout.whole_file:
        _scan_whole(scan, opts)


def _scan_whole(scan: FileScan, opts: LoadOptions) -> None:
    """A file read at once, as ``load_posts`` reads it (small files, users files)."""
    raw = read_table(scan.path)
    fr = scan.report
    fr.encoding, fr.format = raw.encoding, raw.format
    scan.encoding, scan.format = raw.encoding, raw.format
    columns = [c for c in raw.frame.columns if c != "__line__"]
    columns += [c for c in raw.meta if c not in columns]
    try:
        scan.layout = file_layout(columns, scan.path, opts, fr)
    except BrandscanError:
        fr.rows_read, fr.skipped = raw.rows_read, list(raw.skipped)
        raise
    if scan.layout is USERS_LAYOUT:
        fr.rows_read = raw.rows_read
        fr.skipped.extend(raw.skipped)
        scan.users = _load_users(raw.frame, scan.layout, scan.path, fr)
        scan.pieces = []
    else:
        scan.pieces = [Piece(scan.index, 0, "whole")]


def _file_size(path: str) -> int:
    p = Path(path)
    if p.is_dir():
        raise BrandscanError("is a directory", where=path, hint="give the files inside it")
    with os_errors(path):
        with p.open("rb"):
            pass
        return p.stat().st_size


# --- encodings, decided on the whole file without holding it -----------------------------

def _codec(encoding: str) -> str:
    """The codec of an encoding label ("utf-8 (3 undecodable byte(s) replaced)" -> utf-8)."""
    return encoding.split(" (", 1)[0]


def _blocks(path: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:
            block = fh.read(_BLOCK if left is None else min(_BLOCK, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block


def _decode_all(path: str, codec: str, errors: str = "strict") -> tuple[int, int]:
    """(characters, U+FFFD count) of the whole file; UnicodeDecodeError with the absolute
    byte offset in ``start`` when strict decoding fails."""
    decoder = codecs.getincrementaldecoder(codec)(errors)
    chars = bad = 0
    offset = 0
    for block in _blocks(path):
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(block)
        except UnicodeDecodeError as exc:
            exc.start += offset - pending
            raise
        offset += len(block)
        chars += len(text)
        bad += text.count("\ufffd")
    text = decoder.decode(b"", final=True)
    chars += len(text)
    bad += text.count("\ufffd")
    return chars, bad


def _strictly(path: str, codec: str) -> bool:
    try:
        _decode_all(path, codec)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str) -> tuple[str, str]:
    """(encoding label, decode errors) — what :func:`brandscan.load.read.decode` decides
    for the file's bytes, read block by block instead of all at once."""
    with open(path, "rb") as fh:
        head = fh.read(200_000)
    enc = bom_encoding(head)
    if not any(block.strip() for block in _blocks(path)):
        raise BrandscanError("empty file", where=path)
    if enc:
        try:
            _decode_all(path, enc)
        except UnicodeDecodeError as exc:
            # read.decode reports the offset after the UTF-8 BOM it strips
            at = exc.start - (3 if enc == "utf-8-sig" else 0)
            raise BrandscanError(f"not valid {enc} at byte {at}", where=path,
                                 hint="re-save the file as UTF-8") from None
        return enc, "strict"
    if _looks_binary(head):
        raise BrandscanError("binary file, not a text export", where=path,
                             hint="give a CSV, TSV, JSON or JSONL file")
    for enc in ("utf-8", "gb18030"):
        if _strictly(path, enc):
            return enc, "strict"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is not None and best.encoding.replace("-", "_").lower() in _OTHER_CJK:
        try:
            _decode_all(path, best.encoding)
            return best.encoding, "strict"
        except (UnicodeDecodeError, LookupError):
            pass
    counts = [(_decode_all(path, enc, "replace"), enc) for enc in ("utf-8", "gb18030")]
    (chars, bad), enc = min(counts, key=lambda c: c[0][1])
    if bad > max(16, chars // 50):
        raise BrandscanError(f"cannot tell the text encoding ({bad:,} undecodable bytes)",
                             where=path, hint="re-save the file as UTF-8")
    return f"{enc} ({bad} undecodable byte(s) replaced)", "replace"


def _text_head(path: str, codec: str, errors: str) -> str:
    """The start of the text, enough for :func:`sniff_format` (its first line)."""
    decoder = codecs.getincrementaldecoder(codec)(errors)
    text = ""
    for block in _blocks(path):
        text += decoder.decode(block).replace("\x00", "")
        head = text.lstrip("\ufeff \t\r\n")
        if head.startswith("[") or "\n" in head or len(text) > _MAX_ITEM_CHARS:
            break
    return text


# --- lines with byte offsets --------------------------------------------------------------

class _Lines:
    """Decoded physical lines of ``path[start:end]`` (split where Python's universal
    newlines split: ``\\n``, ``\\r\\n``, ``\\r``), NULs removed, with ``offset`` the byte
    just after the last line handed out. Only for encodings in which those bytes are
    always newlines (:data:`_SPLITTABLE`)."""

    def __init__(self, path: str, encoding: str, errors: str, start: int, end: int) -> None:
        self.path, self.start, self.end = path, start, end
        codec = _codec(encoding)
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
                block = fh.read(min(_BLOCK, self.end - pos)) if pos < self.end else b""
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


def _stream_lines(path: str, encoding: str, errors: str) -> Iterator[str]:
    """Decoded physical lines of a whole file, for encodings that cannot be cut by bytes."""
    with open(path, "rb") as fh:
        text = io.TextIOWrapper(fh, encoding=_codec(encoding), errors=errors, newline="")
        first = True
        for line in text:
            if first:
                line = line.lstrip("\ufeff")
                first = False
            yield line.replace("\x00", "") if "\x00" in line else line


class _SubLines:
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


def _source(scan: FileScan, piece: Piece | None = None) -> Iterable[str]:
    if _codec(scan.encoding) in _SPLITTABLE:
        start, end = (piece.start, piece.end) if piece is not None else (
            0, _file_size(scan.path))
        return _Lines(scan.path, scan.encoding, scan.errors, start, end)
    return _stream_lines(scan.path, scan.encoding, scan.errors)


# --- scanning CSV/TSV and JSON lines ----------------------------------------------------

def _delimiter(fmt: str) -> str:
    return "\t" if fmt == "tsv" else ","


def _scan_delimited(scan: FileScan, chunk_rows: int, splittable: bool) -> None:
    size = _file_size(scan.path)
    src = _source(scan)
    reader = csv.reader(src, delimiter=_delimiter(scan.format))
    scan.header = read_header(reader, scan.path)
    start, first_line = (src.offset if isinstance(src, _Lines) else 0), reader.line_num + 1
    read = 0
    skipped: list[Skip] = []
    pieces: list[Piece] = []
    for _, item in delimited_rows(reader, scan.path, scan.header):
        read += 1
        if isinstance(item, Skip):
            skipped.append(item)
        if splittable and read % chunk_rows == 0:
            assert isinstance(src, _Lines)
            pieces.append(Piece(scan.index, len(pieces), "range", start, src.offset,
                                first_line))
            start, first_line = src.offset, reader.line_num + 1
    if read == 0:
        raise BrandscanError("header only, no rows", where=scan.path)
    scan.scanned = (read, skipped)
    if not splittable:
        scan.pieces = [Piece(scan.index, 0, "stream")]
        return
    if read % chunk_rows or not pieces:
        pieces.append(Piece(scan.index, len(pieces), "range", start, size, first_line))
    scan.pieces = pieces


def _scan_jsonl(scan: FileScan, chunk_rows: int, splittable: bool) -> None:
    size = _file_size(scan.path)
    src = _source(scan)
    subs = _SubLines(src)
    keys: dict[str, None] = {}
    read = in_piece = 0
    start, first_line = 0, 1
    skipped: list[Skip] = []
    pieces: list[Piece] = []
    for line, item in jsonl_rows(subs, scan.path):
        read += 1
        in_piece += 1
        if isinstance(item, Skip):
            skipped.append(item)
        else:
            keys.update(dict.fromkeys(item))
        if splittable and in_piece >= chunk_rows and subs.at_end:
            assert isinstance(src, _Lines)
            pieces.append(Piece(scan.index, len(pieces), "range", start, src.offset,
                                first_line))
            start, first_line, in_piece = src.offset, line + 1, 0
    if read == 0:
        raise BrandscanError("no records in the file", where=scan.path)
    scan.columns = list(keys)
    scan.scanned = (read, skipped)
    if not splittable:
        scan.pieces = [Piece(scan.index, 0, "stream")]
        return
    if in_piece or not pieces:
        pieces.append(Piece(scan.index, len(pieces), "range", start, size, first_line))
    scan.pieces = pieces


# --- JSON documents, parsed incrementally ---------------------------------------------------

class _JsonStream:
    """An incremental reader of one JSON document: values are decoded one at a time
    (``json.JSONDecoder.raw_decode``) from a window of the text, so an array of millions
    of posts is read in bounded memory. Tracks line numbers as ``_item_lines`` counts them.
    """

    def __init__(self, blocks: Iterator[str], path: str) -> None:
        self.blocks = blocks
        self.path = path
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines = 1  # line number at self.counted
        self.counted = 0
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        block = next(self.blocks, None)
        if block is None:
            self.eof = True
            return False
        self.lines += self.buf.count("\n", self.counted, self.pos)
        self.buf = self.buf[self.pos:] + block
        self.pos = self.counted = 0
        return True

    def line(self) -> int:
        """Line of the current position (1-based)."""
        self.lines += self.buf.count("\n", self.counted, self.pos)
        self.counted = self.pos
        return self.lines

    def error(self, message: str) -> BrandscanError:
        return BrandscanError(f"invalid JSON: {message}", where=f"{self.path}:{self.line()}",
                              hint="the file may be truncated; re-export it")

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def take(self, expected: str) -> None:
        if self.peek() != expected:
            got = self.peek()
            raise self.error(f"expected {expected!r}, found {got!r}" if got
                             else f"expected {expected!r} at the end of the file")
        self.pos += 1

    def value(self) -> Any:
        """The next whole value."""
        if not self.peek():
            raise self.error("expecting a value at the end of the file")
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if (not self.eof and len(self.buf) - self.pos < _MAX_ITEM_CHARS
                        and self._fill()):
                    continue
                self.pos = min(exc.pos, len(self.buf))
                raise self.error(exc.msg) from None
            if end == len(self.buf) and not self.eof and self._fill():
                continue  # a number or literal may go on in the next block
            self.pos = end
            return obj

    def items(self) -> Iterator[tuple[int, Any]]:
        """(line, value) of each item of the array at the current position."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.peek()
            line = self.line()
            yield line, self.value()
            c = self.peek()
            if c == ",":
                self.pos += 1
                continue
            if c == "]":
                self.pos += 1
                return
            raise self.error("expecting ',' delimiter" if c else "unterminated array")

    def pairs(self) -> Iterator[tuple[str, bool]]:
        """Keys of the object at the current position; after each, the caller reads its
        value (``value()`` or ``items()``). The flag says whether the value is an array."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error("expecting property name enclosed in double quotes")
            self.take(":")
            yield key, self.peek() == "["
            c = self.peek()
            if c == ",":
                self.pos += 1
                continue
            if c == "}":
                self.pos += 1
                return
            raise self.error("expecting ',' delimiter" if c else "unterminated object")

    def end(self) -> None:
        if self.peek():
            raise self.error("extra data after the document")


def _text_blocks(scan: FileScan) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(_codec(scan.encoding))(scan.errors)
    first = True
    for block in _blocks(scan.path):
        text = decoder.decode(block)
        if first and text:
            text = text.lstrip("\ufeff")
            first = False
        yield text.replace("\x00", "") if "\x00" in text else text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _scan_json(scan: FileScan) -> None:
    """Keys of the records and the top-level values of a JSON document, checking it whole."""
    doc = _JsonStream(_text_blocks(scan), scan.path)
    if doc.peek() == "[":
        keys: dict[str, None] = {}
        skipped: list[Skip] = []
        n = 0
        for line, item in doc.items():
            n += 1
            if isinstance(item, dict):
                keys.update(dict.fromkeys(flatten(item)))
            else:
                skipped.append(Skip(scan.path, line, "not a JSON object"))
        doc.end()
        if n == 0:
            raise BrandscanError("no records in the file", where=scan.path)
        scan.columns = list(keys)
        scan.scanned = (n, skipped)
        scan.pieces = [Piece(scan.index, 0, "stream")]
        return
    if doc.peek() != "{":
        raise BrandscanError("JSON holds neither an array nor an object of posts",
                             where=scan.path)
    values: dict[str, Any] = {}
    lists: dict[str, tuple[bool, dict[str, None]]] = {}  # key -> (all records?, their keys)
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for key, is_array in doc.pairs():
        if key in seen:  # json.loads keeps the last value: read such a file whole
            scan.record_key = ""
            return
        seen.add(key)
        if is_array:
            ok, n, keys = True, 0, {}
            for _, item in doc.items():
                n += 1
                if isinstance(item, dict):
                    keys.update(dict.fromkeys(flatten(item)))
                else:
                    ok = False
            lists[key] = (ok and n > 0, keys)
            counts[key] = n
            values[key] = None
        else:
            values[key] = doc.value()
    doc.end()
    chosen = next((k for k in _RECORD_KEYS if k in lists and lists[k][0]), None)
    if chosen is None:
        chosen = next((k for k in values if k in lists and lists[k][0]), None)
    if chosen is None:
        scan.record_key = ""  # the object is the one post of the file
        return
    scan.record_key = chosen
    scan.columns = list(lists[chosen][1])
    scan.scanned = (counts[chosen], [])
    scan.meta = flatten({k: v for k, v in values.items() if k != chosen and isinstance(v, dict)})
    scan.pieces = [Piece(scan.index, 0, "stream")]


def _json_items(scan: FileScan) -> Iterator[tuple[int, dict[str, Any] | Skip]]:
    doc = _JsonStream(_text_blocks(scan), scan.path)

    def record(line: int, item: Any) -> tuple[int, dict[str, Any] | Skip]:
        if isinstance(item, dict):
            return line, flatten(item)
        return line, Skip(scan.path, line, "not a JSON object")

    if scan.record_key is None:
        for line, item in doc.items():
            yield record(line, item)
        return
    for key, is_array in doc.pairs():
        if key == scan.record_key:
            for n, (_, item) in enumerate(doc.items(), start=1):
                yield record(n, item)  # items of an object's list are numbered, not lined
        elif is_array:
            for _ in doc.items():
                pass
        else:
            doc.value()


# --- reading pieces -------------------------------------------------------------------------

@dataclass
class RawChunk:
    """Raw records of one chunk of a file, like :class:`brandscan.load.read.RawTable`."""

    number: int  # chunk number within the file
    frame: pd.DataFrame  # one row per record; "__line__" holds its line
    rows_read: int
    skipped: list[Skip]


def raw_chunks(scan: FileScan, piece: Piece, chunk_rows: int = CHUNK_ROWS
               ) -> Iterator[RawChunk]:
    """The raw records of a ``range`` or ``stream`` piece, ``chunk_rows`` at a time."""
    if piece.kind == "whole":
        raise ValueError("whole pieces are read with read_table")
    if scan.format in ("csv", "tsv"):
        src = _source(scan, piece if piece.kind == "range" else None)
        reader = csv.reader(src, delimiter=_delimiter(scan.format))
        if piece.kind == "stream":
            read_header(reader, scan.path)
            items: Iterator[Any] = delimited_rows(reader, scan.path, scan.header or [])
        else:
            items = delimited_rows(reader, scan.path, scan.header or [],
                                   line_offset=piece.first_line - 1)
    elif scan.format == "jsonl":
        src = _source(scan, piece if piece.kind == "range" else None)
        items = jsonl_rows(_SubLines(src), scan.path, first_line=piece.first_line)
    else:
        items = _json_items(scan)
    # A range piece is one chunk (it was cut at about chunk_rows records).
    yield from _group(scan, items, piece.number,
                      chunk_rows if piece.kind == "stream" else 1 << 62)


def _group(scan: FileScan, items: Iterator[tuple[int, Any]], number: int, chunk_rows: int
           ) -> Iterator[RawChunk]:
    records: list[Any] = []
    lines: list[int] = []
    skipped: list[Skip] = []
    read = 0
    for line, item in items:
        read += 1
        if isinstance(item, Skip):
            skipped.append(item)
        else:
            records.append(item)
            lines.append(line)
        if read == chunk_rows:
            yield _raw_chunk(scan, number, records, lines, read, skipped)
            number += 1
            records, lines, skipped, read = [], [], [], 0
    if read:
        yield _raw_chunk(scan, number, records, lines, read, skipped)


def _raw_chunk(scan: FileScan, number: int, records: list[Any], lines: list[int], read: int,
               skipped: list[Skip]) -> RawChunk:
    if scan.header is not None:
        names = _unique(scan.header)
        frame = pd.DataFrame(records, columns=names, dtype=object) if records else (
            pd.DataFrame(columns=names, dtype=object))
    else:
        frame = records_frame(records, scan.columns)
    frame["__line__"] = lines
    return RawChunk(number, frame, read, skipped)


# --- canonical chunks, keys and the dedupe plan ---------------------------------------------

@dataclass
class PostChunk:
    """Canonical posts of one chunk, where they sit in the input, and their accounting."""

    file: int
    number: int
    posts: pd.DataFrame
    seq: np.ndarray  # uint64: file, chunk and position — the input order dedupe keeps the last of
    report: FileReport  # this chunk's rows read, skipped, relative times, posts rebuilt
    post_ids: tuple[np.ndarray, np.ndarray] | None = None  # comment-row files: (hash, line)


def canonical_chunks(scan: FileScan, piece: Piece, options: LoadOptions, *,
                     chunk_rows: int = CHUNK_ROWS, post_lines: np.ndarray | None = None,
                     with_post_ids: bool = False) -> Iterator[PostChunk]:
    """Canonical posts of one piece, before duplicates are removed.

    ``post_lines`` (from the plan) lets comment-per-row files rebuild each post once,
    from its last row in the file; ``with_post_ids`` returns the raw post id of every row
    of such files, from which the plan finds those last rows.
    """
    assert scan.layout is not None and scan.report.now is not None
    now = scan.report.now
    if piece.kind == "whole":
        raw = read_table(scan.path)
        fr = FileReport(path=scan.path, rows_read=raw.rows_read, skipped=list(raw.skipped))
        posts = frame_posts(raw.frame, raw.meta, scan.layout, scan.path, options, now, fr)
        for number, start in enumerate(range(0, max(len(posts), 1), chunk_rows)):
            part = posts.iloc[start:start + chunk_rows].reset_index(drop=True)
            yield PostChunk(scan.index, number, part, _seqs(scan, number, part),
                            fr if number == 0 else FileReport(path=scan.path))
        return
    lines_filter = pd.Index(post_lines) if post_lines is not None else None
    for chunk in raw_chunks(scan, piece, chunk_rows):
        fr = FileReport(path=scan.path, rows_read=chunk.rows_read, skipped=chunk.skipped)
        ids = None
        if with_post_ids and scan.layout.comment_fields:
            raw_ids = comment_post_ids(chunk.frame, scan.layout, scan.path)
            ids = (_hash_values(raw_ids), chunk.frame["__line__"].to_numpy(dtype=np.int64))
        posts = frame_posts(chunk.frame, scan.meta, scan.layout, scan.path, options, now, fr,
                            post_lines=lines_filter)
        yield PostChunk(scan.index, chunk.number, posts, _seqs(scan, chunk.number, posts), fr,
                        ids)


def _seqs(scan: FileScan, number: int, posts: pd.DataFrame) -> np.ndarray:
    """Each row's place in the input as one sortable number: file, chunk, position.

    Posts rebuilt from comment rows are placed by their line instead (their position
    in a chunk depends on which of them the chunk rebuilds); they never share a key with
    the comments around them.
    """
    n = len(posts)
    if number >= 1 << 24 or n >= 1 << 24:
        raise BrandscanError(f"{scan.path}: too many chunks or rows per chunk to order",
                             hint="use a larger --chunk-rows")
    base = np.uint64(scan.index << 48)
    seq = base + np.uint64(number << 24) + np.arange(n, dtype=np.uint64)
    if scan.layout is not None and scan.layout.comment_fields and n:
        rebuilt = (posts["kind"] == "post").to_numpy()
        seq[rebuilt] = base + posts.loc[rebuilt, "source_line"].to_numpy(dtype=np.uint64)
    return seq


def _hash_values(values: pd.Series) -> np.ndarray:
    arr = values.to_numpy(dtype=object)
    return pd.util.hash_array(arr) if len(arr) else np.empty(0, dtype=np.uint64)


def post_keys(posts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row positions with an id, 64-bit hashes of their (platform, kind, id))."""
    keyed = (posts["id"] != "").to_numpy()
    rows = np.flatnonzero(keyed)
    if not len(rows):
        return rows, np.empty(0, dtype=np.uint64)
    sub = posts.iloc[rows]
    joined = (sub["platform"].astype(object) + "\x1f" + sub["kind"].astype(object) + "\x1f"
              + sub["id"].astype(object))
    return rows, pd.util.hash_array(joined.to_numpy(dtype=object))


@dataclass
class ChunkKeys:
    """What dedupe needs of one chunk: key hashes with their input order, and skips."""

    file: int
    hashes: np.ndarray
    seqs: np.ndarray
    rebuilt_lines: np.ndarray  # comment-row files: line of a rebuilt post, -1 for a comment
    post_ids: tuple[np.ndarray, np.ndarray] | None
    report: FileReport


def chunk_keys(chunk: PostChunk) -> ChunkKeys:
    rows, hashes = post_keys(chunk.posts)
    if chunk.post_ids is None:
        return ChunkKeys(chunk.file, hashes, chunk.seq[rows], np.empty(0, dtype=np.int64),
                         None, chunk.report)
    rebuilt = np.full(len(rows), -1, dtype=np.int64)
    if len(rows):
        sub = chunk.posts.iloc[rows]
        is_post = (sub["kind"] == "post").to_numpy()
        rebuilt[is_post] = sub.loc[is_post, "source_line"].to_numpy(dtype=np.int64)
    return ChunkKeys(chunk.file, hashes, chunk.seq[rows], rebuilt, chunk.post_ids,
                     chunk.report)


@dataclass
class DedupePlan:
    """Which rows of the input survive: for every key seen more than once, the input
    position of its last occurrence; for comment-per-row files, the rows each post is
    rebuilt from."""

    hashes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    last: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    post_lines: dict[int, np.ndarray] = field(default_factory=dict)

    def keep(self, hashes: np.ndarray, seqs: np.ndarray) -> np.ndarray:
        """True for rows that are not an earlier copy of a later row."""
        if not len(self.hashes) or not len(hashes):
            return np.ones(len(hashes), dtype=bool)
        at = np.searchsorted(self.hashes, hashes)
        at_ok = np.minimum(at, len(self.hashes) - 1)
        dup = self.hashes[at_ok] == hashes
        return ~dup | (self.last[at_ok] == seqs)


def build_plan(keys: Iterable[ChunkKeys]) -> DedupePlan:
    """The dedupe plan from every chunk's keys (in any order)."""
    hashes: list[np.ndarray] = []
    seqs: list[np.ndarray] = []
    rebuilt: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    ids: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for k in keys:
        if k.post_ids is not None:
            ids.setdefault(k.file, []).append(k.post_ids)
            is_rebuilt = k.rebuilt_lines >= 0
            rebuilt.append((k.file, k.hashes[is_rebuilt], k.seqs[is_rebuilt],
                            k.rebuilt_lines[is_rebuilt]))
            hashes.append(k.hashes[~is_rebuilt])
            seqs.append(k.seqs[~is_rebuilt])
        else:
            hashes.append(k.hashes)
            seqs.append(k.seqs)
    plan = DedupePlan()
    for file, parts in ids.items():
        h = np.concatenate([p[0] for p in parts])
        lines = np.concatenate([p[1] for p in parts])
        order = np.lexsort((lines, h))
        h, lines = h[order], lines[order]
        last = np.ones(len(h), dtype=bool)
        last[:-1] = h[1:] != h[:-1]
        plan.post_lines[file] = np.sort(lines[last])
    for file, h, s, lines in rebuilt:
        kept = np.isin(lines, plan.post_lines.get(file, np.empty(0, dtype=np.int64)))
        hashes.append(h[kept])
        seqs.append(s[kept])
    if not hashes:
        return plan
    h = np.concatenate(hashes)
    s = np.concatenate(seqs)
    order = np.lexsort((s, h))
    h, s = h[order], s[order]
    if len(h) < 2:
        return plan
    same_next = h[1:] == h[:-1]
    dup_key = np.zeros(len(h), dtype=bool)
    dup_key[1:] |= same_next
    dup_key[:-1] |= same_next
    group_last = np.ones(len(h), dtype=bool)
    group_last[:-1] = ~same_next
    pick = dup_key & group_last
    plan.hashes, plan.last = h[pick], s[pick]
    return plan


def piece_posts(scan: FileScan, piece: Piece, options: LoadOptions, plan: DedupePlan,
                users: pd.DataFrame | None, *, chunk_rows: int = CHUNK_ROWS
                ) -> Iterator[tuple[pd.DataFrame, FileReport]]:
    """The canonical posts of one piece as ``load_posts`` has them — duplicates gone,
    followers filled, ``--kind`` applied — chunk by chunk, with each chunk's accounting
    (rows read, skipped, duplicates, filtered, used, posts, comments, first, last)."""
    post_lines = None
    if scan.comment_rows:  # no entry: the file had no rows to rebuild posts from
        post_lines = plan.post_lines.get(scan.index, np.empty(0, dtype=np.int64))
    for chunk in canonical_chunks(scan, piece, options, chunk_rows=chunk_rows,
                                  post_lines=post_lines):
        posts, fr = chunk.posts, chunk.report
        rows, hashes = post_keys(posts)
        keep = np.ones(len(posts), dtype=bool)
        keep[rows] = plan.keep(hashes, chunk.seq[rows])
        fr.duplicates += int((~keep).sum())
        posts = posts[keep].reset_index(drop=True)
        if users is not None:
            posts = _add_followers(posts, users)
        if options.kind != "all":
            wanted = posts["kind"] == options.kind
            fr.filtered += int((~wanted).sum())
            posts = posts[wanted].reset_index(drop=True)
        fr.used += len(posts)
        fr.posts += int((posts["kind"] == "post").sum())
        fr.comments += int((posts["kind"] == "comment").sum())
        if len(posts):
            fr.first, fr.last = posts["created_at"].min(), posts["created_at"].max()
        yield posts, fr


def users_frame(scans: Sequence[FileScan]) -> pd.DataFrame | None:
    """Followers by author id from every users file of the run (as ``load_posts`` joins)."""
    frames = [s.users for s in scans if s.users is not None]
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).drop_duplicates("author_id", keep="last")


def add_report(fr: FileReport, part: FileReport) -> None:
    """Add one chunk's accounting to its file's."""
    fr.rows_read += part.rows_read
    fr.skipped.extend(part.skipped)
    fr.relative_times += part.relative_times
    fr.derived_posts += part.derived_posts
    fr.duplicates += part.duplicates
    fr.filtered += part.filtered
    fr.used += part.used
    fr.posts += part.posts
    fr.comments += part.comments
    if part.first is not None:
        fr.first = part.first if fr.first is None else min(fr.first, part.first)
    if part.last is not None:
        fr.last = part.last if fr.last is None else max(fr.last, part.last)


# --- the whole load, in one process ---------------------------------------------------------

class ChunkedLoad:
    """Iterate over the canonical posts of many files, a chunk at a time.

    The rows (and, once the iteration is over, :attr:`report`) are those of
    :func:`brandscan.load.posts.load_posts`; memory is bounded by the chunk size. The
    files are read twice: once for the duplicate keys, once for the posts.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]],
                 options: LoadOptions | None = None, chunk_rows: int = CHUNK_ROWS, *,
                 small_file_bytes: int = SMALL_FILE_BYTES) -> None:
        self.options = options or LoadOptions()
        self.chunk_rows = chunk_rows
        self.scans = scan_files(paths, self.options, chunk_rows=chunk_rows,
                                small_file_bytes=small_file_bytes)
        self.report = LoadReport([s.report for s in self.scans])
        self._plan: DedupePlan | None = None

    def plan(self) -> DedupePlan:
        """The duplicate keys of every file (the first reading)."""
        if self._plan is None:
            keys = (chunk_keys(chunk) for scan in self.scans for piece in scan.pieces
                    for chunk in canonical_chunks(scan, piece, self.options,
                                                  chunk_rows=self.chunk_rows,
                                                  with_post_ids=scan.comment_rows))
            self._plan = build_plan(keys)
        return self._plan

    def __iter__(self) -> Iterator[pd.DataFrame]:
        plan = self.plan()
        users = users_frame(self.scans)
        for scan in self.scans:
            for piece in scan.pieces:
                for posts, part in piece_posts(scan, piece, self.options, plan, users,
                                               chunk_rows=self.chunk_rows):
                    add_report(scan.report, part)
                    yield posts
            scan.report.skipped.sort(key=lambda s: s.line)


def load_posts_chunks(paths: Iterable[str | os.PathLike[str]],
                      options: LoadOptions | None = None, chunk_rows: int = CHUNK_ROWS
                      ) -> ChunkedLoad:
    """The canonical posts of ``paths`` in chunks of at most ``chunk_rows`` input records.

    Iterate over the result for the chunks; its ``report`` is the load accounting
    (complete once the iteration has finished). Concatenated, the chunks hold the rows
    ``load_posts`` returns (in file order; within a comment-per-row file, each chunk's
    rebuilt posts come before its comments).
    """
    return ChunkedLoad(paths, options, chunk_rows)

