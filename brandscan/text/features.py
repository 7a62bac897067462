"""Weibo text -> the sparse features brandscan's own sentiment models read.

snownlp's model sees words from a segmenter trained on other text: Weibo's ``[怒]``
emoticons fall apart into ``[``, ``怒``, ``]``, user names and links become "words", and
``不喜欢`` adds the positive weight of ``喜欢``. The features here fit what people post:

* **emoticons** ``[泪]``, ``[哈哈]``, ``[good]`` are kept whole as one token each (on
  Weibo they carry much of the sentiment) and stand as one placeholder character in the
  text, so their inner characters do not pass for words;
* **repost chains**: each ``//@user:`` becomes one marker (the user name says nothing
  about sentiment; the chain's words still count, as labels refer to the whole text);
* **@mentions**, **URLs** and **numbers** become one placeholder each; ``#topic#`` tags
  keep their words between two topic markers;
* **negation**: the one or two characters after 不/没/别/未/无 (and 没有, 不是, 不太…)
  are marked as negated, so ``不喜欢`` yields "negated 喜欢" instead of ``喜欢``. Words
  that merely contain a negator (不过, 特别, 未来, 无论, 非常…) are left alone;
* then character 1- to 3-grams of that text (NFKC-normalised: full-width letters, digits
  and punctuation become ASCII; lower-cased; runs of one character cut to three; the
  start and end of the text marked), plus the emoticon tokens.

Speed: every step runs over the whole batch at once — the regular expressions over one
string holding all texts, the n-gram hashing with numpy — so there is no per-feature
Python work and scoring stays fast. Each feature is a 40-bit hash (n-grams: splitmix64
mixing in numpy; tokens: BLAKE2b): with a million distinct features about one pair
collides, which no accuracy figure can see. A text's features are a set (binary
presence): a post that repeats ``[泪]`` ten times is not ten times as sad, and long
reviews do not drown short posts.

The same code builds the features in training and in scoring; the model file records
:data:`FEATURES_VERSION` and the options, so a model is never read with features it
was not trained on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["FEATURES_VERSION", "FeatureSpec", "Features", "Prepared", "extract", "prepare",
           "strip_emoticons"]

#: Bump whenever a change here changes the features of any text: models record it.
FEATURES_VERSION = 1

# Placeholders from the private-use area: never in real text after normalisation.
URL = "\ue000"
CHAIN = "\ue001"
MENTION = "\ue002"
EMOTICON = "\ue003"
TOPIC = "\ue004"
EDGE = "\ue005"  # start and end of a text: "^哈哈" and "!$" mean something
_SEP = "\x00"  # between texts in a batch; read_table drops NULs, extract replaces them

#: Added to the code point of a negated character (above Unicode's 0x10FFFF).
NEG_BIT = 0x200000
KEY_BITS = 40
_DOC_BITS = 64 - KEY_BITS
#: Distinct texts per internal batch: the row number must fit in the other 24 bits, and
#: the temporaries stay at a few hundred MB.
_BATCH = 50_000

# None of these can match across _SEP, so one pass over the joined batch equals one pass
# per text.
_EMOTICON = re.compile(r"\[([^\[\]\s@#/\x00]{1,8})\]")
_URL = re.compile(r"(?:https?|ftp)://[!-~]+|\b(?:t\.cn|www\.)[!-~]+", re.ASCII | re.IGNORECASE)
# After NFKC the full-width colon is ':'; a chain link is "//@name:" (the colon is missing
# when the reposter wrote nothing).
_CHAIN = re.compile(r"//\s*@[^\s:/@\x00]{1,30}:?")
_MENTION = re.compile(r"@[\w\-·]{1,20}")
_TOPIC = re.compile(r"#([^#\n\x00]{1,60})#")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_REPEAT = re.compile(r"(.)\1{3,}")
_SPACE = re.compile(r"[^\S\x00]+")
_EDGES = re.compile(r" ?\x00 ?")
_PLACEHOLDERS = re.compile("[\ue000-\ue005]")

# Words that contain a negator without negating what follows come first: at a given
# position the first alternative that matches wins, so 不过 is never 不 + 过. Negators
# are longest first (没有 before 没); the negated characters are captured in a lookahead
# so that 不是不好 negates both 是不 and 好.
_NEGATION = re.compile(
    "不过|不少|不仅|不但|不管|不断|不同|不久|不禁|不然|不论|不得不|不一定|不停|不知不觉|差不多"
    "|别人|别的|别处|特别|分别|区别|告别|级别|类别|差别|性别|识别|个别|鉴别|辨别|离别|送别|别墅"
    "|别致|未来|未婚|无论|无数|无限|无比|无穷|非常|没想到|没准"
    "|(?:并没有|从来不|从来没|没有|不是|不会|不能|不要|不太|不怎么|不够|不再|不用|不大|不算|不很"
    "|并不|从不|从没|毫无|无法|别再|不|没|别|未|无)(?=([\u4e00-\u9fff]{1,2}))")


@dataclass(frozen=True)
class FeatureSpec:
    """What a model's features are made of; stored in the model file."""

    ngrams: int = 3  # character n-grams 1..ngrams
    negation: bool = True
    version: int = FEATURES_VERSION

    def to_json(self) -> dict[str, object]:
        return {"version": self.version, "ngrams": self.ngrams, "negation": self.negation}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FeatureSpec:
        """The spec a model file records; ``ValueError`` for one this code cannot build."""
        try:
            version = int(data.get("version", 0))  # type: ignore[call-overload]
            ngrams = int(data.get("ngrams", 3))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise ValueError("damaged feature description") from None
        if version != FEATURES_VERSION:
            raise ValueError(f"features version {version}; this brandscan reads "
                             f"version {FEATURES_VERSION}")
        if not 1 <= ngrams <= 3:
            raise ValueError(f"n-gram length {ngrams} out of range 1..3")
        return cls(ngrams=ngrams, negation=bool(data.get("negation", True)))


@dataclass(frozen=True)
class Prepared:
    """One text as the model sees it (for tests and for explaining a score)."""

    text: str  # normalised, with placeholders, EDGE at both ends
    tokens: tuple[str, ...]  # whole-token features (emoticons, as "e:name")
    negated: tuple[tuple[int, int], ...]  # [start, end) spans of negated characters


@dataclass(frozen=True)
class _Batch:
    text: str  # all texts, each wrapped in EDGE, joined by _SEP
    token_doc: list[int]  # the text each token belongs to
    tokens: list[str]
    negated: list[tuple[int, int]]  # spans in ``text``


def _normalise(texts: Sequence[str], negation: bool) -> _Batch:
    """Every normalisation step of the module docstring, over all texts at once."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    t = unicodedata.normalize("NFKC", _PLACEHOLDERS.sub("", joined)).lower()
    t = _URL.sub(URL, t)
    # Emoticon names are read before they become placeholders; the separators before
    # each tell which text it belongs to (no later step adds or removes a separator).
    tokens: list[str] = []
    token_doc: list[int] = []
    if "[" in t:
        found = [(m.start(), m.group(1)) for m in _EMOTICON.finditer(t)]
        if found:
            seps = [m.start() for m in re.finditer(_SEP, t)]
            docs = np.searchsorted(np.asarray(seps, dtype=np.int64),
                                   np.asarray([p for p, _ in found], dtype=np.int64))
            tokens = [f"e:{name}" for _, name in found]
            token_doc = docs.tolist()
        t = _EMOTICON.sub(EMOTICON, t)
    t = _CHAIN.sub(CHAIN, t)
    t = _MENTION.sub(MENTION, t)
    t = _TOPIC.sub(TOPIC + r"\1" + TOPIC, t)
    t = _NUMBER.sub("0", t)
    t = _REPEAT.sub(r"\1\1\1", t)
    t = _SPACE.sub(" ", t)
    t = EDGE + _EDGES.sub(EDGE + _SEP + EDGE, t.strip(" ")) + EDGE
    negated: list[tuple[int, int]] = []
    if negation:
        negated = [m.span(1) for m in _NEGATION.finditer(t) if m.start(1) >= 0]
    return _Batch(t, token_doc, tokens, negated)


#: An emoticon in raw text (before NFKC turns full-width brackets into ASCII ones).
_RAW_EMOTICON = re.compile(r"[\[［][^\[\]［］\s@#/\x00]{1,8}[\]］]")


def strip_emoticons(text: str) -> str:
    """The text without its ``[emoticons]`` (what training's emoticon dropout learns from)."""
    return _RAW_EMOTICON.sub("", text)


def prepare(text: str, *, negation: bool = True) -> Prepared:
    """One text as the model sees it: normalised text, emoticon tokens, negated spans."""
    b = _normalise([text], negation)
    return Prepared(b.text, tuple(b.tokens), tuple(b.negated))


@dataclass(frozen=True)
class Features:
    """Sparse binary features of the distinct texts of a batch, as (row, key) pairs.

    ``slot[i]`` is the row of input text ``i`` (duplicates share a row; -1 for a
    non-string). Pairs are distinct and sorted by key, so looking them up in a model's
    sorted keys walks both arrays forward.
    """

    rows: np.ndarray  # int64 row of each pair
    keys: np.ndarray  # uint64 feature hash (< 2**KEY_BITS) of each pair
    n_rows: int  # distinct texts
    slot: np.ndarray  # int64, one per input text


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _seed(i: int) -> np.uint64:
    """A distinct 64-bit constant per n-gram length and position."""
    return np.uint64((i * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sort and compare: numpy 2's ``unique`` is many times slower on
    millions of uint64 values."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def token_key(token: str) -> int:
    """The 40-bit feature key of a whole token (an emoticon: ``"e:哈哈"``)."""
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> _DOC_BITS


#: Texts per batch when scoring: arrays of a few MB stay in the CPU caches (on long posts
#: 1.3× faster than one batch of 50,000), and scoring needs no order across batches.
SCORING_BATCH = 1_000


def extract(texts: Sequence[str], spec: FeatureSpec | None = None, *,
            batch: int = _BATCH, ordered: bool = True) -> Features:
    """Features of many texts at once; a non-string has none (row -1 in ``slot``).

    ``ordered`` keeps the (row, key) pairs sorted by key across batches (training needs
    it); scoring passes False and a small ``batch``: each batch's pairs stay sorted, and
    the features are the same."""
    spec = spec or FeatureSpec()
    ids: dict[str, int] = {}
    slot = np.fromiter((ids.setdefault(t, len(ids)) if isinstance(t, str) else -1
                        for t in texts), dtype=np.int64, count=len(texts))
    distinct = list(ids)
    parts_rows: list[np.ndarray] = []
    parts_keys: list[np.ndarray] = []
    batch = min(batch, _BATCH)
    for lo in range(0, len(distinct), batch):
        rows, keys = _extract_batch(distinct[lo:lo + batch], spec)
        parts_rows.append(rows + lo)
        parts_keys.append(keys)
    if len(parts_rows) > 1 and not ordered:
        rows, keys = np.concatenate(parts_rows), np.concatenate(parts_keys)
    elif len(parts_rows) > 1:  # keep the pairs sorted by key across batches
        keys = np.concatenate(parts_keys)
        order = np.argsort(keys, kind="stable")
        rows, keys = np.concatenate(parts_rows)[order], keys[order]
    elif parts_rows:
        rows, keys = parts_rows[0], parts_keys[0]
    else:
        rows, keys = np.empty(0, np.int64), np.empty(0, np.uint64)
    return Features(rows, keys, len(distinct), slot)


def _extract_batch(texts: list[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    batch = _normalise(texts, spec.negation)
    codes = np.frombuffer(batch.text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 0
    doc = np.cumsum(is_sep, dtype=np.int64)  # row of each character (separators: next)
    if batch.negated:
        span = np.asarray(batch.negated, dtype=np.int64)
        delta = np.zeros(len(codes) + 1, dtype=np.int64)
        np.add.at(delta, span[:, 0], 1)
        np.add.at(delta, span[:, 1], -1)
        codes[np.cumsum(delta[:-1]) > 0] += np.uint64(NEG_BIT)

    unit = _mix(codes ^ _seed(7))  # one mixed value per character, combined below
    seps_before = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(is_sep, out=seps_before[1:])
    parts_doc: list[np.ndarray] = []
    parts_key: list[np.ndarray] = []
    n = len(codes)
    for k in range(1, spec.ngrams + 1):
        if n < k:
            break
        h = unit[: n - k + 1] ^ _seed(k)
        for j in range(1, k):
            h = h ^ _rotl(unit[j: n - k + 1 + j], 21 * j)
        ok = np.flatnonzero(seps_before[k:] == seps_before[: n - k + 1])  # no _SEP inside
        parts_doc.append(doc[ok])
        parts_key.append(_mix(h[ok]) >> np.uint64(_DOC_BITS))
    if batch.tokens:
        cache: dict[str, int] = {}
        tok_key = [cache[t] if t in cache else cache.setdefault(t, token_key(t))
                   for t in batch.tokens]
        parts_doc.append(np.asarray(batch.token_doc, dtype=np.int64))
        parts_key.append(np.asarray(tok_key, dtype=np.uint64))

    # Distinct (key, row) pairs in key order: one sort of a packed uint64.
    packed = np.concatenate(parts_key) << np.uint64(_DOC_BITS)
    packed |= np.concatenate(parts_doc).astype(np.uint64)
    packed = _sorted_distinct(packed)
    return ((packed & np.uint64((1 << _DOC_BITS) - 1)).astype(np.int64),
            packed >> np.uint64(_DOC_BITS))
