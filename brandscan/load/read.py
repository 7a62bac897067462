"""Bytes on disk -> a table of raw records, with encoding, format and every row accounted for.

Nothing here knows what a post is: this module decodes the file, decides whether it is
CSV/TSV, a JSON array, a JSON object holding records, or JSON lines (by content, not by
extension), and yields raw records with their line numbers. Rows that cannot be read are
kept as :class:`Skip` entries with a reason, never dropped silently.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from brandscan.errors import BrandscanError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long Weibo articles exceed the 128 KiB default

#: Keys under which JSON exports keep their list of posts.
_RECORD_KEYS = ("weibo", "data", "posts", "items", "statuses", "list", "results", "records",
                "notes", "comments", "cards")


@dataclass(frozen=True)
class Skip:
    """A row that was read but not used."""

    file: str
    line: int
    reason: str


@dataclass
class RawTable:
    """The records of one file before any layout is applied."""

    path: str
    encoding: str
    format: str  # csv, tsv, json, jsonl
    frame: pd.DataFrame  # one row per record, raw values; column "__line__" holds its line
    rows_read: int
    skipped: list[Skip] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # top-level values of a JSON object


def bom_encoding(head: bytes) -> str:
    """The encoding a byte-order mark at the start names ('' for none)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return ""


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding name).

    Order: BOMs (UTF-8, UTF-16), strict UTF-8, GB18030 (a superset of GBK and GB2312, what
    Chinese Excel and old crawlers write), then charset-normalizer's best guess.
    """
    enc = bom_encoding(data)
    if enc:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise BrandscanError(f"not valid {enc} at byte {exc.start}", where=path,
                                 hint="re-save the file as UTF-8") from None
    if _looks_binary(data):
        raise BrandscanError("binary file, not a text export", where=path,
                             hint="give a CSV, TSV, JSON or JSONL file")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding.replace("-", "_").lower() in _OTHER_CJK:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    # Mostly UTF-8 or GBK with a few broken bytes (a crawler cut a character in half):
    # keep the text, mark the broken bytes with U+FFFD, and say so in the encoding name.
    candidates = [(data.decode(enc, errors="replace"), enc) for enc in ("utf-8", "gb18030")]
    text, enc = min(candidates, key=lambda c: c[0].count("\ufffd"))
    bad = text.count("\ufffd")
    if bad > max(16, len(text) // 50):
        raise BrandscanError(f"cannot tell the text encoding ({bad:,} undecodable bytes)",
                             where=path, hint="re-save the file as UTF-8")
    return text, f"{enc} ({bad} undecodable byte(s) replaced)"


#: Encodings charset-normalizer may name that brandscan trusts for Chinese-language exports.
_OTHER_CJK = {"big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949",
              "hz", "iso2022_jp"}


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.count(0) > len(sample) // 100 + 1:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 27, 0))
    return controls > len(sample) // 20 + 2


def sniff_format(text: str, path: str) -> str:
    """Decide the format from the content; the extension only breaks ties."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first_line = head.split("\n", 1)[0].strip()
        if first_line.endswith("}"):
            try:
                obj = json.loads(first_line)
            except ValueError:
                obj = None
            # A one-line object that holds a list of posts is a JSON document, not JSON lines.
            if isinstance(obj, dict) and not any(_is_record_list(v) for v in obj.values()):
                return "jsonl"
        return "json"
    first = head.split("\n", 1)[0]
    if first.count("\t") > first.count(",") or (path.lower().endswith(".tsv")
                                                 and "\t" in first):
        return "tsv"
    return "csv"


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


def read_table(path: str | Path) -> RawTable:
    """Read one file into raw records. Raises :class:`BrandscanError` for unusable files."""
    p = Path(path)
    name = str(path)
    if p.is_dir():
        raise BrandscanError("is a directory", where=name, hint="give the files inside it")
    with os_errors(name):
        data = p.read_bytes()
    if not data.strip():
        raise BrandscanError("empty file", where=name)
    text, encoding = decode(data, name)
    text = text.replace("\x00", "")
    fmt = sniff_format(text, name)
    if fmt in ("csv", "tsv"):
        return _read_delimited(text, name, encoding, fmt)
    if fmt == "jsonl":
        return _read_jsonl(text, name, encoding)
    return _read_json(text, name, encoding)


def _read_delimited(text: str, path: str, encoding: str, fmt: str) -> RawTable:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                        delimiter="\t" if fmt == "tsv" else ",")
    header = read_header(reader, path)
    rows: list[list[str]] = []
    lines: list[int] = []
    skipped: list[Skip] = []
    read = 0
    for line, item in delimited_rows(reader, path, header):
        read += 1
        if isinstance(item, Skip):
            skipped.append(item)
        else:
            rows.append(item)
            lines.append(line)
    if read == 0:
        raise BrandscanError("header only, no rows", where=path)
    names = _unique(header)
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(
        columns=names, dtype=object)
    frame["__line__"] = lines
    return RawTable(path, encoding, fmt, frame, read, skipped)


def read_header(reader: Any, path: str) -> list[str]:
    """The header of a ``csv.reader``, names stripped; an error when missing or empty."""
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise BrandscanError("no header line", where=path) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if not any(header):
        raise BrandscanError("the header line is empty", where=path)
    return header


def delimited_rows(reader: Any, path: str, header: list[str], *, line_offset: int = 0
                   ) -> Iterator[tuple[int, list[str] | Skip]]:
    """``(line, cells)`` for each record after the header, ``(line, Skip)`` for a row that
    cannot be used; every item yielded is a row read. Blank lines are not rows.

    Shared by the whole-file reader and the chunked one (:mod:`brandscan.load.chunks`),
    so both count and skip the same rows. ``line_offset`` is how many lines of the file
    come before the reader's first line, for a reader started in the middle of a file.
    """
    width = len(header)
    line = line_offset + reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, Skip(path, line, f"unreadable CSV row: {exc}")
            line = line_offset + reader.line_num + 1
            continue
        start, line = line, line_offset + reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line: not a row
        cells = row
        if cells[0].startswith("\ufeff"):  # files concatenated with their BOMs
            cells[0] = cells[0].lstrip("\ufeff")
        if cells[0].strip() == header[0] and [c.strip() for c in cells] == header:
            yield start, Skip(path, start, "repeated header line")
            continue
        if len(cells) > width:
            yield start, Skip(path, start,
                              f"too many fields: {len(cells)}, the header has {width}")
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        yield start, cells


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"column_{i + 1}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted keys (``user.followers``); lists stay as they are."""
    out: dict[str, Any] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, f"{key}."))
        else:
            out[key] = v
    return out


def _read_jsonl(text: str, path: str, encoding: str) -> RawTable:
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    skipped: list[Skip] = []
    read = 0
    for line, item in jsonl_rows(text.lstrip("\ufeff").splitlines(), path):
        read += 1
        if isinstance(item, Skip):
            skipped.append(item)
        else:
            records.append(item)
            lines.append(line)
    return _records_table(path, encoding, "jsonl", records, lines, read, skipped)


def jsonl_rows(lines: Iterable[str], path: str, *, first_line: int = 1
               ) -> Iterator[tuple[int, dict[str, Any] | Skip]]:
    """``(line, flattened record)`` per JSON line, ``(line, Skip)`` for a line that is not
    a JSON object; blank lines are not rows. ``lines`` are ``str.splitlines`` pieces."""
    for i, raw in enumerate(lines, start=first_line):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            yield i, Skip(path, i, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            yield i, Skip(path, i, "not a JSON object")
            continue
        yield i, flatten(obj)


def _read_json(text: str, path: str, encoding: str) -> RawTable:
    body = text.lstrip("\ufeff")
    try:
        doc = json.loads(body)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise BrandscanError(f"invalid JSON: {getattr(exc, 'msg', exc)}",
                             where=f"{path}:{line}" if line else path,
                             hint="the file may be truncated; re-export it") from None
    meta: dict[str, Any] = {}
    items: list[Any]
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        key = next((k for k in _RECORD_KEYS if _is_record_list(doc.get(k))), None)
        if key is None:
            key = next((k for k, v in doc.items() if _is_record_list(v)), None)
        if key is None:
            items = [doc]  # one post per file (e.g. research corpora)
        else:
            items = doc[key]
            meta = flatten({k: v for k, v in doc.items() if k != key and isinstance(v, dict)})
    else:
        raise BrandscanError("JSON holds neither an array nor an object of posts", where=path)
    lines = _item_lines(body, len(items)) if isinstance(doc, list) else list(
        range(1, len(items) + 1))
    records, kept, skipped = [], [], []
    for item, line in zip(items, lines):
        if isinstance(item, dict):
            records.append(flatten(item))
            kept.append(line)
        else:
            skipped.append(Skip(path, line, "not a JSON object"))
    table = _records_table(path, encoding, "json", records, kept, len(items), skipped)
    table.meta = meta
    return table


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _item_lines(body: str, n: int) -> list[int]:
    """Line where each top-level array item starts, so skipped items can be found in an editor."""
    decoder = json.JSONDecoder()
    pos = body.index("[") + 1
    line, last = 1 + body.count("\n", 0, pos), pos
    out: list[int] = []
    length = len(body)
    while len(out) < n and pos < length:
        while pos < length and body[pos] in " \t\r\n,":
            pos += 1
        line += body.count("\n", last, pos)
        out.append(line)
        _, end = decoder.raw_decode(body, pos)
        line += body.count("\n", pos, end)
        pos = last = end
    return out + list(range(len(out) + 1, n + 1))


def _records_table(path: str, encoding: str, fmt: str, records: list[dict[str, Any]],
                   lines: list[int], read: int, skipped: list[Skip]) -> RawTable:
    if read == 0:
        raise BrandscanError("no records in the file", where=path)
    frame = records_frame(records)
    frame["__line__"] = lines
    return RawTable(path, encoding, fmt, frame, read, skipped)


def records_frame(records: list[dict[str, Any]], columns: Sequence[str] | None = None
                  ) -> pd.DataFrame:
    """Records as object columns holding the values exactly as parsed (NaN where a record
    lacks the key); ``columns`` default to every key, in order of first appearance.

    No dtype is inferred: a record without ``id`` would otherwise turn the whole column
    of 19-digit ids into floats (which lose digits), and a chunk of a file would read
    other values than the whole file.
    """
    if columns is None:
        columns = list(dict.fromkeys(k for r in records for k in r))
    nan = float("nan")
    frame = pd.DataFrame(index=pd.RangeIndex(len(records)))
    for c in columns:
        frame[c] = pd.Series([r.get(c, nan) for r in records], dtype=object)
    return frame
