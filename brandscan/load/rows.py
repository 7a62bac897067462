"""Records and their accounting: the one row loop every reader goes through.

A reader — of a whole file in memory, or of one piece of a big file — turns its text into
``(line, record)`` items, ``(line, Skip)`` for a row that cannot be used. The same
functions make those items for CSV/TSV (:func:`delimited_rows`) and JSON lines
(:func:`jsonl_rows`), and the same loop (:func:`group_rows`) counts them and makes raw
frames of them, so a file read whole and a file read in chunks count, number and skip
exactly the same rows.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from brandscan.errors import BrandscanError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long Weibo articles exceed the 128 KiB default


@dataclass(frozen=True)
class Skip:
    """A row that was read but not used."""

    file: str
    line: int
    reason: str


@dataclass
class RawChunk:
    """Raw records of a file, or of one chunk of it: one row per record, the values
    exactly as read (column ``__line__`` holds the record's line), and the accounting."""

    number: int  # chunk number within the file
    frame: pd.DataFrame
    rows_read: int
    skipped: list[Skip]


Item = tuple[int, Any]  # (line, a record: CSV cells or a flattened JSON object, or a Skip)


def group_rows(items: Iterable[Item], *, header: list[str] | None = None,
               columns: Sequence[str] | None = None, number: int = 0,
               chunk_rows: int | None = None) -> Iterator[RawChunk]:
    """Raw chunks of ``chunk_rows`` rows read (all of them in one without), numbered from
    ``number``; nothing for no rows. Every item is a row read.

    CSV cells get the ``header``'s names (made unique); JSON records the keys in
    ``columns``, or every key in order of first appearance.
    """
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
            yield RawChunk(number, _frame(records, lines, header, columns), read, skipped)
            number += 1
            records, lines, skipped, read = [], [], [], 0
    if read:
        yield RawChunk(number, _frame(records, lines, header, columns), read, skipped)


def _frame(records: list[Any], lines: list[int], header: list[str] | None,
           columns: Sequence[str] | None) -> pd.DataFrame:
    if header is not None:
        names = unique_names(header)
        frame = pd.DataFrame(records, columns=names, dtype=object) if records else (
            pd.DataFrame(columns=names, dtype=object))
    else:
        frame = records_frame(records, columns)
    frame["__line__"] = lines
    return frame


# --- CSV and TSV ----------------------------------------------------------------------------

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
                   ) -> Iterator[Item]:
    """``(line, cells)`` for each record after the header, ``(line, Skip)`` for a row that
    cannot be used; every item yielded is a row read. Blank lines are not rows.

    ``line_offset`` is how many lines of the file come before the reader's first line,
    for a reader started in the middle of a file.
    """
    width = len(header)
    known = set(header)
    order: list[int | None] | None = None  # after a new header line: where each column is
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
        names = [c.strip() for c in cells]
        if names == header:
            order = None
            yield start, Skip(path, start, "repeated header line")
            continue
        if _new_header(names, known):
            # Crawls appended after a format change: the columns are named again, in
            # another order or with others; later rows are read by those names.
            order = [names.index(h) if h in names else None for h in header]
            width = len(names)
            yield start, Skip(path, start, "header line: the columns change from here")
            continue
        if len(cells) > width:
            yield start, Skip(path, start,
                              f"too many fields: {len(cells)}, the header has {width}")
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        if order is not None:
            cells = [cells[i] if i is not None else "" for i in order]
        yield start, cells


def _new_header(names: list[str], known: set[str]) -> bool:
    """A line naming at least half of the header's columns (and two), each once: the
    header again, in a new form."""
    common = known.intersection(names)
    return (len(common) >= max(2, (len(known) + 1) // 2)
            and len(set(names)) == len(names) and all(names))


def unique_names(names: list[str]) -> list[str]:
    """Header names as frame columns: empty ones named by position, repeats numbered."""
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


# --- JSON -----------------------------------------------------------------------------------

def jsonl_rows(lines: Iterable[str], path: str, *, first_line: int = 1) -> Iterator[Item]:
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
        except RecursionError:
            yield i, Skip(path, i, "invalid JSON: nested too deeply")
            continue
        if not isinstance(obj, dict):
            yield i, Skip(path, i, "not a JSON object")
            continue
        yield i, flatten(obj)


def json_item(path: str, line: int, item: Any) -> Item:
    """One item of a JSON document's list of records as a row."""
    if isinstance(item, dict):
        return line, flatten(item)
    return line, Skip(path, line, "not a JSON object")


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
