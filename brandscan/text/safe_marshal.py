"""Reading snownlp's model format without ``marshal.loads``.

A snownlp sentiment model is a (gzip-compressed) marshal dump of plain dicts, strings and
numbers. ``marshal.loads`` trusts its input: a crafted 13-byte file crashes the
interpreter, a 5-byte one claiming a 2**29-item tuple asks for gigabytes, and a code
object can be smuggled in. A model file is something a user downloads, so brandscan reads
it with this bounded reader instead: only None, booleans, integers, floats, strings,
tuples, lists and dicts (and marshal's back-references to them); every length must fit in
the bytes that are left; nesting and decompressed size are limited. Anything else is a
``ValueError`` — never a crash.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

#: Largest decompressed model accepted (snownlp's own sentiment model is 1.3 MB).
MAX_BYTES = 256 * 2**20
#: Deepest nesting accepted (a Bayes model is 4 levels deep).
MAX_DEPTH = 32

_FLAG_REF = 0x80
#: Marshal's other types: real marshal data, but never part of a model.
_OTHER_MARSHAL = "SIfxy.c?s<>0"


def decompress(raw: bytes, limit: int = MAX_BYTES) -> bytes:
    """``raw`` itself, or its gzip content when it is gzip — at most ``limit`` bytes."""
    if raw[:2] != b"\x1f\x8b":
        return raw
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"damaged gzip data: {exc}") from None
    if len(out) > limit or d.unconsumed_tail:
        raise ValueError(f"more than {limit // 2**20} MB once decompressed")
    return out


def loads(data: bytes) -> Any:
    """The value of a marshal dump made of plain data (see the module)."""
    reader = _Reader(data)
    value = reader.value(0)
    if reader.pos != len(data):
        raise ValueError("trailing bytes after the value")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.refs: list[Any] = []

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated or oversized marshal data")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def count(self, size: int = 4) -> int:
        (n,) = struct.unpack("<i" if size == 4 else "<B", self.take(size))
        # every item takes at least one byte: a length beyond what is left is a lie
        if n < 0 or n > len(self.data) - self.pos:
            raise ValueError("a length larger than the data")
        return n

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        code = self.take(1)[0]
        flag, code = code & _FLAG_REF, code & ~_FLAG_REF
        kind = chr(code)
        slot = None
        if flag:
            slot = len(self.refs)
            self.refs.append(None)
        value: Any
        if kind == "N":
            value = None
        elif kind == "T":
            value = True
        elif kind == "F":
            value = False
        elif kind == "i":
            (value,) = struct.unpack("<i", self.take(4))
        elif kind == "l":
            n = struct.unpack("<i", self.take(4))[0]
            digits = self.take(2 * abs(n))
            value = 0
            for k in range(abs(n) - 1, -1, -1):
                value = (value << 15) | struct.unpack_from("<H", digits, 2 * k)[0]
            value = -value if n < 0 else value
        elif kind == "g":
            (value,) = struct.unpack("<d", self.take(8))
        elif kind in "utaA":  # utf-8 / interned / ascii / interned ascii, 4-byte length
            value = self.take(self.count()).decode("utf-8" if kind in "ut" else "ascii")
        elif kind in "zZ":  # short ascii (interned), 1-byte length
            value = self.take(self.count(1)).decode("ascii")
        elif kind in "([":
            n = self.count()
            items = [self.value(depth + 1) for _ in range(n)]
            value = tuple(items) if kind == "(" else items
        elif kind == ")":
            value = tuple(self.value(depth + 1) for _ in range(self.count(1)))
        elif kind == "{":
            out: dict[Any, Any] = {}
            while self.data[self.pos:self.pos + 1] != b"0":
                key = self.value(depth + 1)
                if not isinstance(key, (str, int, float, tuple, type(None), bool)):
                    raise ValueError("a dict key that is not plain data")
                out[key] = self.value(depth + 1)
            self.take(1)
            value = out
        elif kind == "r":
            (i,) = struct.unpack("<i", self.take(4))
            if not 0 <= i < len(self.refs) or self.refs[i] is None:
                raise ValueError("a back-reference to nothing")
            value = self.refs[i]
        elif kind in _OTHER_MARSHAL:
            raise ValueError(f"marshal type {kind!r} is not plain data (code, bytes, sets "
                             "and the like are refused)")
        else:
            raise ValueError("not marshal data")
        if slot is not None:
            self.refs[slot] = value
        return value
