"""Bytes on disk -> a table of raw records, with encoding, format and every row accounted for.

Nothing here knows what a post is: this module reads a file whole, as one piece — the
encoding decision of :mod:`brandscan.load.encoding`, the format by content
(:mod:`brandscan.load.formats`), then the rows of :mod:`brandscan.load.rows` in a single
chunk, exactly as a big file's pieces are read in many (:mod:`brandscan.load.chunks`).
Rows that cannot be read are kept as :class:`Skip` entries with a reason, never dropped
silently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.load.encoding import decode
from brandscan.load.files import read_bytes
from brandscan.load.formats import delimiter, sniff_format
from brandscan.load.jsondoc import json_rows
from brandscan.load.rows import Item, Skip, delimited_rows, group_rows, jsonl_rows, read_header

# Where code outside the loader has always found them.
__all__ = ["RawTable", "Skip", "decode", "read_table", "sniff_format"]


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


def read_table(path: str | Path) -> RawTable:
    """Read one file into raw records. Raises :class:`BrandscanError` for unusable files."""
    name = str(path)
    text, encoding = decode(read_bytes(name), name)
    text = text.replace("\x00", "")
    fmt = sniff_format(text, name)
    header: list[str] | None = None
    meta: dict[str, Any] = {}
    items: Iterator[Item]
    if fmt in ("csv", "tsv"):
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                            delimiter=delimiter(fmt))
        header = read_header(reader, name)
        items = delimited_rows(reader, name, header)
    elif fmt == "jsonl":
        items = jsonl_rows(text.lstrip("\ufeff").splitlines(), name)
    else:
        items, meta = json_rows(text, name)
    chunk = next(group_rows(items, header=header), None)
    if chunk is None:
        raise BrandscanError("header only, no rows" if header is not None
                             else "no records in the file", where=name)
    return RawTable(name, encoding, fmt, chunk.frame, chunk.rows_read, chunk.skipped, meta)
