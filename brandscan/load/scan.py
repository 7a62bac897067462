"""The first look at every input file: what it is, and the pieces it is read in.

For each file the scan learns the encoding (:mod:`brandscan.load.encoding`, decided on the
whole file without holding it), the format, the header or the JSON keys, the layout —
and the *pieces*: parts of the file that a worker reads by itself.

- Files up to ``small_file_bytes`` (all files, in memory) are one ``whole`` piece, read
  with :func:`brandscan.load.read.read_table`; so are files whose layout maps rows with
  the whole file in view (:attr:`~brandscan.load.layouts.Layout.whole_file`).
- Bigger CSV/TSV and JSON-lines files are cut into ``range`` pieces: byte ranges of about
  ``chunk_rows`` records that start on a record boundary (quoted newlines in CSV fields
  included).
- Files that cannot be cut by bytes (UTF-16 and other multi-byte-newline encodings, JSON
  documents) are one ``stream`` piece, read as a stream in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.files import shown
from brandscan.load.accounting import FileReport
from brandscan.load.canonical import file_layout, load_users
from brandscan.load.encoding import codec_of, detect_encoding
from brandscan.load.files import file_blocks, file_size
from brandscan.load.formats import delimiter, sniff_format
from brandscan.load.jsondoc import MAX_ITEM_CHARS, scan_json
from brandscan.load.layouts import USERS_LAYOUT, Layout
from brandscan.load.lines import ByteRangeLines, SubLines, file_lines, splittable
from brandscan.load.options import LoadOptions
from brandscan.load.read import RawTable, read_table
from brandscan.load.rows import Skip, delimited_rows, jsonl_rows, read_header, unique_names

#: Files up to this size are read whole, exactly as ``load_posts`` reads them (one piece:
#: many small files are spread over the workers, one big file is cut into pieces).
SMALL_FILE_BYTES = 8 * 2**20
#: Records per chunk: a worker then needs about 0.5 GB, the models included.
CHUNK_ROWS = 50_000


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
    return [scan_file(index, path, opts, chunk_rows=chunk_rows,
                      small_file_bytes=small_file_bytes)[0]
            for index, path in enumerate(files)]


def scan_file(index: int, path: str | os.PathLike[str], options: LoadOptions, *,
              chunk_rows: int = CHUNK_ROWS, small_file_bytes: int | None = SMALL_FILE_BYTES
              ) -> tuple[FileScan, RawTable | None]:
    """Scan one file (the ``index``-th input). ``small_file_bytes`` None reads every file
    whole; the raw table of a file read whole for its posts comes back with the scan, so
    that a reader holding everything in memory does not read it again."""
    scan = FileScan(index, str(path), FileReport(path=str(path)))
    try:
        raw = _scan_file(scan, options, chunk_rows, small_file_bytes)
    except BrandscanError as exc:
        scan.report.error = exc.format() if exc.where else f"{shown(path)}: {exc.format()}"
        scan.pieces = []
        raw = None
    return scan, raw


def _scan_file(scan: FileScan, opts: LoadOptions, chunk_rows: int, small: int | None
               ) -> RawTable | None:
    path = scan.path
    if small is None or file_size(path) <= small:
        return _scan_whole(scan, opts)
    encoding, errors = detect_encoding(path)
    scan.encoding, scan.errors = encoding, errors
    scan.report.encoding = encoding
    fmt = sniff_format(_text_head(path, codec_of(encoding), errors), path)
    scan.format = scan.report.format = fmt
    if fmt in ("csv", "tsv"):
        _scan_delimited(scan, chunk_rows)
    elif fmt == "jsonl":
        _scan_jsonl(scan, chunk_rows)
    else:
        found = scan_json(path, encoding, errors)
        if found.record_key == "":  # a single post per file: nothing to stream
            return _scan_whole(scan, opts)
        scan.record_key, scan.columns, scan.meta = found.record_key, found.columns, found.meta
        scan.scanned = (found.rows, found.skipped)
        scan.pieces = [Piece(scan.index, 0, "stream")]
    columns = unique_names(scan.header) if scan.header is not None else list(scan.columns or [])
    columns += [c for c in scan.meta if c not in columns]
    try:
        layout = file_layout(columns, path, opts, scan.report)
    except BrandscanError:
        scan.report.rows_read, scan.report.skipped = scan.scanned[0], list(scan.scanned[1])
        raise
    scan.layout = layout
    if layout.whole_file:
        return _scan_whole(scan, opts)
    return None


def _scan_whole(scan: FileScan, opts: LoadOptions) -> RawTable | None:
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
        scan.users = load_users(raw.frame, scan.layout, scan.path, fr)
        scan.pieces = []
        return None
    scan.pieces = [Piece(scan.index, 0, "whole")]
    return raw


def _text_head(path: str, codec: str, errors: str) -> str:
    """The start of the text, enough for :func:`sniff_format` (its first line)."""
    decoder = codecs.getincrementaldecoder(codec)(errors)
    text = ""
    for block in file_blocks(path):
        text += decoder.decode(block).replace("\x00", "")
        head = text.lstrip("\ufeff \t\r\n")
        if head.startswith("[") or "\n" in head or len(text) > MAX_ITEM_CHARS:
            break
    return text


def _scan_delimited(scan: FileScan, chunk_rows: int) -> None:
    size = file_size(scan.path)
    src = file_lines(scan.path, scan.encoding, scan.errors)
    cut = splittable(scan.encoding)
    reader = csv.reader(src, delimiter=delimiter(scan.format))
    scan.header = read_header(reader, scan.path)
    start = src.offset if isinstance(src, ByteRangeLines) else 0
    first_line = reader.line_num + 1
    read = 0
    skipped: list[Skip] = []
    pieces: list[Piece] = []
    for _, item in delimited_rows(reader, scan.path, scan.header):
        read += 1
        if isinstance(item, Skip):
            skipped.append(item)
        if cut and read % chunk_rows == 0:
            assert isinstance(src, ByteRangeLines)
            pieces.append(Piece(scan.index, len(pieces), "range", start, src.offset,
                                first_line))
            start, first_line = src.offset, reader.line_num + 1
    if read == 0:
        raise BrandscanError("header only, no rows", where=scan.path)
    scan.scanned = (read, skipped)
    if not cut:
        scan.pieces = [Piece(scan.index, 0, "stream")]
        return
    if read % chunk_rows or not pieces:
        pieces.append(Piece(scan.index, len(pieces), "range", start, size, first_line))
    scan.pieces = pieces


def _scan_jsonl(scan: FileScan, chunk_rows: int) -> None:
    size = file_size(scan.path)
    src = file_lines(scan.path, scan.encoding, scan.errors)
    cut = splittable(scan.encoding)
    subs = SubLines(src)
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
        if cut and in_piece >= chunk_rows and subs.at_end:
            assert isinstance(src, ByteRangeLines)
            pieces.append(Piece(scan.index, len(pieces), "range", start, src.offset,
                                first_line))
            start, first_line, in_piece = src.offset, line + 1, 0
    if read == 0:
        raise BrandscanError("no records in the file", where=scan.path)
    scan.columns = list(keys)
    scan.scanned = (read, skipped)
    if not cut:
        scan.pieces = [Piece(scan.index, 0, "stream")]
        return
    if in_piece or not pieces:
        pieces.append(Piece(scan.index, len(pieces), "range", start, size, first_line))
    scan.pieces = pieces
