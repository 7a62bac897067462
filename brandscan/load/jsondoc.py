"""JSON documents (an array of records, or an object holding one): read whole from text
in memory, or parsed incrementally from a big file in bounded memory. Both give the same
rows, numbered the same way: an array's items by the line they start on, the items of an
object's list by their position."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from brandscan.errors import BrandscanError
from brandscan.load.formats import is_record_list, record_key
from brandscan.load.lines import text_blocks
from brandscan.load.rows import Item, Skip, flatten, json_item

#: The longest single value kept while looking for its end (a runaway string in a
#: corrupt file must not take all memory).
MAX_ITEM_CHARS = 64 * 2**20


# --- a document in memory -------------------------------------------------------------------

def json_rows(text: str, path: str) -> tuple[Iterator[Item], dict[str, Any]]:
    """The rows of a JSON document and its top-level values (the ``user`` beside a
    list of posts, flattened); raises for invalid JSON or a document holding no records."""
    body = text.lstrip("\ufeff")
    try:
        doc = json.loads(body)
    except RecursionError:
        raise BrandscanError("JSON nested too deeply to be an export", where=path,
                             hint="re-export the file") from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        raise BrandscanError(f"invalid JSON{f' at column {column}' if column else ''}: "
                             f"{getattr(exc, 'msg', exc)}",
                             where=f"{path}:{line}" if line else path,
                             hint="the file may be truncated; re-export it") from None
    meta: dict[str, Any] = {}
    items: list[Any]
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        key = record_key(doc, lambda k: is_record_list(doc[k]))
        if key is None:
            items = [doc]  # one post per file (e.g. research corpora)
        else:
            items = doc[key]
            meta = flatten({k: v for k, v in doc.items() if k != key and isinstance(v, dict)})
    else:
        raise BrandscanError("JSON holds neither an array nor an object of posts", where=path)
    lines = _item_lines(body, len(items)) if isinstance(doc, list) else list(
        range(1, len(items) + 1))
    return (json_item(path, line, item) for item, line in zip(items, lines)), meta


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


# --- a document in a big file ---------------------------------------------------------------

class JsonStream:
    """An incremental reader of one JSON document: values are decoded one at a time
    (``json.JSONDecoder.raw_decode``) from a window of the text, so an array of millions
    of posts is read in bounded memory. Counts lines as :func:`json_rows` does.
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
                if (not self.eof and len(self.buf) - self.pos < MAX_ITEM_CHARS
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


@dataclass
class JsonScan:
    """What one pass over a big JSON document found."""

    #: None for a top-level array; the key holding the records of an object; "" when the
    #: object is itself the one record, or repeats a key (such files are read whole).
    record_key: str | None
    columns: list[str] = field(default_factory=list)  # record keys, in order of appearance
    rows: int = 0
    skipped: list[Skip] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def scan_json(path: str, encoding: str, errors: str) -> JsonScan:
    """Keys of the records and the top-level values of a JSON document, checking it whole."""
    doc = JsonStream(text_blocks(path, encoding, errors), path)
    if doc.peek() == "[":
        keys: dict[str, None] = {}
        skipped: list[Skip] = []
        n = 0
        for line, item in doc.items():
            n += 1
            if isinstance(item, dict):
                keys.update(dict.fromkeys(flatten(item)))
            else:
                skipped.append(Skip(path, line, "not a JSON object"))
        doc.end()
        if n == 0:
            raise BrandscanError("no records in the file", where=path)
        return JsonScan(None, list(keys), n, skipped)
    if doc.peek() != "{":
        raise BrandscanError("JSON holds neither an array nor an object of posts", where=path)
    values: dict[str, Any] = {}
    lists: dict[str, tuple[bool, dict[str, None]]] = {}  # key -> (all records?, their keys)
    counts: dict[str, int] = {}
    for key, is_array in doc.pairs():
        if key in values:  # json.loads keeps the last value: read such a file whole
            return JsonScan("")
        if is_array:
            ok, n, found = True, 0, {}
            for _, item in doc.items():
                n += 1
                if isinstance(item, dict):
                    found.update(dict.fromkeys(flatten(item)))
                else:
                    ok = False
            lists[key] = (ok and n > 0, found)
            counts[key] = n
            values[key] = None
        else:
            values[key] = doc.value()
    doc.end()
    chosen = record_key(values, lambda k: k in lists and lists[k][0])
    if chosen is None:
        return JsonScan("")  # the object is the one post of the file
    meta = flatten({k: v for k, v in values.items() if k != chosen and isinstance(v, dict)})
    return JsonScan(chosen, list(lists[chosen][1]), counts[chosen], [], meta)


def stream_json_rows(path: str, encoding: str, errors: str, key: str | None
                     ) -> Iterator[Item]:
    """The rows of a big JSON document: the array's items (``key`` None) or those of the
    object's list under ``key``."""
    doc = JsonStream(text_blocks(path, encoding, errors), path)
    if key is None:
        for line, item in doc.items():
            yield json_item(path, line, item)
        return
    for name, is_array in doc.pairs():
        if name == key:
            for n, (_, item) in enumerate(doc.items(), start=1):
                yield json_item(path, n, item)  # items of an object's list are numbered
        elif is_array:
            for _ in doc.items():
                pass
        else:
            doc.value()
