"""Which format a file is in — CSV, TSV, a JSON document or JSON lines — by its content,
and where a JSON object keeps its records."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

#: Keys under which JSON exports keep their list of posts, most likely first.
RECORD_KEYS = ("weibo", "data", "posts", "items", "statuses", "list", "results", "records",
               "notes", "comments", "cards")


def is_record_list(value: Any) -> bool:
    """A non-empty list of JSON objects: what an export's records look like."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def record_key(keys: Iterable[str], holds_records: Callable[[str], bool]) -> str | None:
    """The key of a JSON object (with these keys, in order) that holds its records: a
    known name first, else the first key that holds a list of objects; None when none
    does (the object is then itself the one record of its file)."""
    keys = list(keys)
    present = set(keys)
    return next((k for k in (*RECORD_KEYS, *keys) if k in present and holds_records(k)), None)


def delimiter(fmt: str) -> str:
    """The field separator of a delimited format."""
    return "\t" if fmt == "tsv" else ","


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
            except (ValueError, RecursionError):
                obj = None
            # A one-line object that holds a list of posts is a JSON document, not JSON lines.
            if isinstance(obj, dict) and not any(is_record_list(v) for v in obj.values()):
                return "jsonl"
        return "json"
    first = head.split("\n", 1)[0]
    if first.count("\t") > first.count(",") or (path.lower().endswith(".tsv")
                                                 and "\t" in first):
        return "tsv"
    return "csv"
