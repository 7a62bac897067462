"""Which text encoding a file is in: one decision, for bytes in memory and for files read
block by block.

Order: byte-order marks (UTF-8, UTF-16), strict UTF-8, GB18030 (a superset of GBK and
GB2312, what Chinese Excel and old crawlers write), then charset-normalizer's guess among
the East Asian encodings brandscan trusts, then the less broken of UTF-8 and GB18030 with
the bad bytes replaced (a crawler that cut a character in half), and an error when too
many bytes are bad to call it text.

The decision only ever asks one question of the input — "does it decode in this codec,
and how many characters and replacement characters does that give?" — so a file of any
size is decided exactly as its bytes would be in memory (:func:`detect_encoding`,
:func:`decode`), without holding it.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from brandscan.errors import BrandscanError
from brandscan.load.files import file_blocks

#: What charset-normalizer sees, and what the binary check looks at the start of.
HEAD_BYTES = 200_000
#: Encodings charset-normalizer may name that brandscan trusts for Chinese-language exports.
OTHER_CJK = frozenset({"big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr",
                       "cp949", "hz", "iso2022_jp"})

#: ``(codec, errors) -> (characters, U+FFFD count)`` of the whole input; raises
#: ``UnicodeDecodeError`` (with ``start`` numbered as ``bytes.decode`` numbers it) or
#: ``LookupError`` (unknown codec).
Probe = Callable[[str, str], tuple[int, int]]


def bom_encoding(head: bytes) -> str:
    """The encoding a byte-order mark at the start names ('' for none)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return ""


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text export (an image, a zip, a database)."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.count(0) > len(sample) // 100 + 1:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 27, 0))
    return controls > len(sample) // 20 + 2


def _utf16_without_mark(head: bytes) -> str:
    """'utf-16-le'/'utf-16-be' when the zero bytes of ``head`` sit where UTF-16 text
    without a byte-order mark puts them (the high byte of ASCII), else ''."""
    sample = head[:8192 - 8192 % 2]
    if len(sample) < 4:
        return ""
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return ""


def codec_of(encoding: str) -> str:
    """The codec of an encoding label ("utf-8 (3 undecodable byte(s) replaced)" -> utf-8)."""
    return encoding.split(" (", 1)[0]


def choose_encoding(head: bytes, probe: Probe, path: str) -> tuple[str, str]:
    """(encoding label, decode errors) of an input starting with ``head`` (its first
    :data:`HEAD_BYTES`), whose whole content ``probe`` decodes; see the module docstring."""
    enc = bom_encoding(head)
    if enc:
        try:
            probe(enc, "strict")
        except UnicodeDecodeError as exc:
            # The mark names the encoding: a few broken bytes (a crawler cut a character
            # in two) are replaced and said, as without a mark; many mean it lies.
            chars, bad = probe(enc, "replace")
            if bad > max(16, chars // 50):
                raise BrandscanError(f"not valid {enc} at byte {exc.start}", where=path,
                                     hint="re-save the file as UTF-8") from None
            return f"{enc} ({bad} undecodable byte(s) replaced)", "replace"
        return enc, "strict"
    if looks_binary(head):
        utf16 = _utf16_without_mark(head)
        if utf16:
            try:
                probe(utf16, "strict")
                return utf16, "strict"
            except UnicodeDecodeError:
                pass
        raise BrandscanError("binary file, not a text export", where=path,
                             hint="give a CSV, TSV, JSON or JSONL file")
    for enc in ("utf-8", "gb18030"):
        try:
            probe(enc, "strict")
        except UnicodeDecodeError:
            continue
        return enc, "strict"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is not None and best.encoding.replace("-", "_").lower() in OTHER_CJK:
        try:
            probe(best.encoding, "strict")
            return best.encoding, "strict"
        except (UnicodeDecodeError, LookupError):
            pass
    # Mostly UTF-8 or GBK with a few broken bytes: keep the text, mark the broken bytes
    # with U+FFFD, and say so in the encoding name.
    counts = [(probe(enc, "replace"), enc) for enc in ("utf-8", "gb18030")]
    (chars, bad), enc = min(counts, key=lambda c: c[0][1])
    if bad > max(16, chars // 50):
        raise BrandscanError(f"cannot tell the text encoding ({bad:,} undecodable bytes)",
                             where=path, hint="re-save the file as UTF-8")
    return f"{enc} ({bad} undecodable byte(s) replaced)", "replace"


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding label)."""
    texts: dict[tuple[str, str], str] = {}

    def probe(codec: str, errors: str) -> tuple[int, int]:
        # Keep what was decoded: the text of the encoding chosen is decoded only once.
        text = texts[codec, errors] = data.decode(codec, errors)
        return len(text), text.count("\ufffd")

    label, errors = choose_encoding(data[:HEAD_BYTES], probe, path)
    codec = codec_of(label)
    text = texts.get((codec, errors))
    return (data.decode(codec, errors) if text is None else text), label


def detect_encoding(path: str) -> tuple[str, str]:
    """(encoding label, decode errors): what :func:`decode` decides for the file's bytes,
    read block by block instead of all at once."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not any(block.strip() for block in file_blocks(path)):
        raise BrandscanError("empty file", where=path)
    return choose_encoding(head, lambda codec, errors: _decode_file(path, codec, errors),
                           path)


def _decode_file(path: str, codec: str, errors: str) -> tuple[int, int]:
    """(characters, U+FFFD count) of the whole file, a block at a time; a strict decoding
    error has ``start`` at the byte ``bytes.decode`` would name."""
    skip = 0
    if codec == "utf-8-sig":
        # bytes.decode("utf-8-sig") numbers the bytes after the mark it strips.
        with open(path, "rb") as fh:
            skip = 3 if fh.read(3) == codecs.BOM_UTF8 else 0
        codec = "utf-8" if skip else codec
    decoder = codecs.getincrementaldecoder(codec)(errors)
    chars = bad = 0
    fed = 0  # bytes given to the decoder so far

    def decoded(block: bytes, final: bool = False) -> str:
        pending = len(decoder.getstate()[0])
        try:
            return decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            exc.start += fed - pending  # from the decoder's buffer to the whole input
            raise

    for block in file_blocks(path, skip):
        text = decoded(block)
        fed += len(block)
        chars += len(text)
        bad += text.count("\ufffd")
    text = decoded(b"", final=True)
    return chars + len(text), bad + text.count("\ufffd")
