"""snownlp's sentiment score, bit for bit, hundreds of times faster.

``SnowNLP(text).sentiments`` spends almost all of its time in snownlp's character-based
generative segmenter (``snownlp/seg/y09_2047.py``): a 16-state trigram Viterbi written as
pure-Python dict juggling that copies every path at every character (O(n²) per run of
Chinese characters) and recomputes each interpolated log-probability from five dict
look-ups keyed by nested tuples.  This module reproduces the whole pipeline without
importing snownlp (its import alone costs >3 s, mostly unmarshalling the segmenter):

1. split the text with snownlp's own regex ``([\\u4E00-\\u9FA5]+)``: CJK runs go to the
   segmenter, the rest is split on whitespace (``snownlp.seg.seg``);
2. segment every distinct CJK run of the batch at once.  Every log-probability the tagger
   can ask for is precomputed with ``math.log`` on the very float expression snownlp
   evaluates (tables per n-gram level, cached on disk), gathered per position with
   numpy, and the Viterbi recursion runs vectorised over all runs of a batch, one
   character position per step.  Tie-breaking follows snownlp exactly (see
   ``SentimentEngine._viterbi``);
3. drop snownlp's stopwords (``snownlp.normal.filter_stop``);
4. naive Bayes with the same operations in the same order as
   ``snownlp/classification/bayes.py``: per text and class a *sequential* sum of
   ``math.log`` values (numpy adds one word column at a time, never pairwise), then
   ``math.exp`` of differences with ``OverflowError`` → 0, in plain Python.

numpy only adds, compares and copies float64 values; every ``log``/``exp`` is
``math.log``/``math.exp`` on the same operands snownlp uses.  The scores are therefore
identical to snownlp's, not merely close.

``SnowNLP.sentiments`` does *not* convert traditional characters to simplified
(``zh2hans`` is not on its path) and neither does this engine.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.util
import itertools
import marshal
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from brandscan.text import safe_marshal

__all__ = ["SentimentEngine"]

#: Bump when the layout or the derivation of the cached segmenter tables changes.
_TABLE_FORMAT = 3

#: snownlp's CJK-run regex (snownlp/seg/__init__.py); only these runs reach the tagger.
_RE_ZH = re.compile("([\u4e00-\u9fa5]+)")
_CJK_LO = 0x4E00
_CJK_HI = 0x9FA5
_CJK_FIRST = chr(_CJK_LO)
_CJK_LAST = chr(_CJK_HI)
_STATUS = ("b", "m", "e", "s")
_BOS = ("", "BOS")

#: Character positions per Viterbi batch: bounds the working memory (16 float64
#: transition log-probabilities per position plus per-step temporaries) to a few MiB.
_BATCH_POSITIONS = 32768

#: Words of up to this many CJK characters are looked up by an exact 15-bit-per-char
#: integer key in numpy; longer ones (rare) go through the Python dict.
_PACK_MAX = 4

_TABLE_KEYS = (
    "meta",
    "uni_lp",
    "found",
    "cjk_cid",
    "pair_keys",
    "pair_start",
    "pair_code",
    "pair_val",
    "tri_keys",
    "tri_start",
    "tri_code",
    "tri_val",
    "pair_hslots",
    "pair_hvals",
    "tri_hslots",
    "tri_hvals",
)

#: Fibonacci hashing multiplier for the open-addressing look-up tables.
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)


# --------------------------------------------------------------------------- files


def _snownlp_dir() -> Path:
    """snownlp's package directory, found without importing snownlp."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("snownlp is not installed; it provides the model files")
    return Path(next(iter(spec.submodule_search_locations)))


def _resolve_marshal(path: Path) -> Path:
    """The file snownlp would read for ``path``: on Python 3 its ``load`` appends
    ``.3``.  A path naming the ``.3`` file itself (or a file without it) works too."""
    with_suffix = Path(str(path) + ".3")
    if with_suffix.is_file():
        return with_suffix
    if path.is_file():
        return path
    raise FileNotFoundError(f"no snownlp model at {path} (nor {with_suffix})")


def _read_marshal(raw: bytes, *, trusted: bool = False) -> Any:
    """Decode a snownlp model file: gzip-compressed marshal, or plain marshal when saved
    with ``iszip=False`` (snownlp's ``load`` falls back the same way). Only the files of
    the installed snownlp package are ``trusted`` to ``marshal.loads``; a sentiment model
    (possibly a user's) goes through the bounded reader (:mod:`brandscan.text.safe_marshal`)."""
    if not trusted:
        return safe_marshal.loads(safe_marshal.decompress(raw))
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return marshal.loads(raw)


def _hash(*blobs: bytes) -> str:
    h = hashlib.sha256()
    for b in blobs:
        h.update(hashlib.sha256(b).digest())
    return h.hexdigest()


def _cache_dir(cache_dir: str | os.PathLike[str] | None) -> Path:
    """Explicit argument, else ``$BRANDSCAN_CACHE_DIR``, else the XDG user cache."""
    from brandscan.files import user_cache_dir

    return Path(cache_dir) if cache_dir is not None else user_cache_dir()


def _read_stopwords(raw: bytes) -> frozenset[str]:
    """snownlp's stop set: the file read through ``codecs.open(..., 'utf-8')`` line by
    line (which breaks lines like ``str.splitlines``), each line ``strip()``-ed."""
    return frozenset(line.strip() for line in raw.decode("utf-8").splitlines(True))


def _hash_slot(keys: np.ndarray, bits: int) -> np.ndarray:
    """Home slot of non-negative int64 keys in a table of 2**bits slots."""
    return ((keys.astype(np.uint64) * _HASH_MULT) >> np.uint64(64 - bits)).astype(np.int64)


def _hash_build(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear-probing hash table (load <= 0.5) mapping ``keys[i]`` to ``i``.

    A vectorised probe is several times faster than ``np.searchsorted`` over the
    ~10**6 n-gram keys: one cache miss per look-up instead of a 20-level bisection.
    Empty slots hold -1.
    """
    n = len(keys)
    bits = max(4, math.ceil(math.log2(max(n, 1) * 2)))
    size = 1 << bits
    slots = np.full(size, -1, dtype=np.int64)
    vals = np.full(size, -1, dtype=np.int32)
    home = _hash_slot(keys, bits)
    pending = np.arange(n, dtype=np.int64)
    placed = np.zeros(n, dtype=bool)
    while len(pending):
        s = home[pending]
        free = slots[s] == -1
        cand, cs = pending[free], s[free]
        taken, first = np.unique(cs, return_index=True)
        win = cand[first]
        slots[taken] = keys[win]
        vals[taken] = win
        placed[win] = True
        pending = pending[~placed[pending]]
        home[pending] = (home[pending] + 1) & (size - 1)
    return slots, vals


def _hash_find(slots: np.ndarray, vals: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each key in the table's key list, -1 when absent."""
    size = len(slots)
    bits = size.bit_length() - 1
    s = _hash_slot(keys, bits)
    k = slots[s]
    found = k == keys
    res = np.where(found, vals[s], -1)
    todo = np.flatnonzero(~found & (k != -1))
    while len(todo):
        s2 = (s[todo] + 1) & (size - 1)
        s[todo] = s2
        k = slots[s2]
        hit = k == keys[todo]
        res[todo[hit]] = vals[s2[hit]]
        todo = todo[~hit & (k != -1)]
    return res


def _log0(x: float) -> float:
    """snownlp's ``log_prob`` tail: ``-inf`` for a zero sum, else ``math.log``."""
    return -math.inf if x == 0 else math.log(x)


# --------------------------------------------------------------------------- segmenter tables


def _build_seg_tables(model: dict[str, Any]) -> dict[str, np.ndarray]:
    """Precompute every log-probability the tagger can ask for.

    snownlp's ``log_prob(s1, s2, s3)`` is ``log(uni + bi + tri)`` with
    ``uni = l1*(c(s3)/N)``, ``bi = l2*c(s2,s3)/c(s2)`` and ``tri = l3*c(s1,s2,s3)/c(s1,s2)``
    (a zero denominator giving 0).  Missing n-grams count 0 (``none`` is 0), so a
    missing trigram adds exactly 0 and the value is fixed by the deepest n-gram present:
    one table per level.  numpy evaluates the same IEEE operations in the same order
    as Python would (``*``, ``/``, left-to-right ``+``); only ``log`` is left to
    ``math.log`` so its rounding is glibc's, like snownlp's.
    """
    if tuple(model["status"]) != _STATUS:
        raise ValueError(f"unsupported segmenter tag set {model['status']!r}")
    if any(model[k]["none"] != 0 for k in ("uni", "bi", "tri")):
        raise ValueError("segmenter model with non-zero counts for unseen n-grams")
    l1, l2, l3 = float(model["l1"]), float(model["l2"]), float(model["l3"])
    uni_d, uni_total = model["uni"]["d"], model["uni"]["total"]
    bi_d, tri_d = model["bi"]["d"], model["tri"]["d"]

    # Only single characters of the CJK range are ever tagged; BOS pads the history.
    chars = sorted(
        {
            k[0]
            for k in uni_d
            if isinstance(k[0], str) and len(k[0]) == 1 and _CJK_LO <= ord(k[0]) <= _CJK_HI
        }
    )
    width = len(chars) + 2  # char id 0 = BOS, 1..len = chars, width-1 = unknown
    nunit = width * 4
    cjk_cid = np.full(_CJK_HI - _CJK_LO + 1, width - 1, dtype=np.int64)
    for i, c in enumerate(chars, start=1):
        cjk_cid[ord(c) - _CJK_LO] = i

    # Unit id = char_id*4 + tag, 0 for BOS; ``bad`` marks units the tagger never asks
    # about.  One pass of dict look-ups per n-gram table: touching the millions of
    # unmarshalled tuples is the cost that matters here, so each is visited once.
    bad = nunit
    unit_id: dict[Any, int] = {_BOS: 0}
    for i, c in enumerate(chars, start=1):
        for t, s in enumerate(_STATUS):
            unit_id[(c, s)] = i * 4 + t
    ug = unit_id.get
    nu = nunit + 1

    uni_cnt = np.zeros(nunit + 1, dtype=np.float64)  # float(count) is exact below 2**53
    uni_cnt[np.array([ug(u, bad) for u in uni_d], dtype=np.int64)] = np.fromiter(
        uni_d.values(), dtype=np.float64, count=len(uni_d)
    )
    uni_cnt = uni_cnt[:nunit]
    uni_x = l1 * (uni_cnt / uni_total)

    # Bigrams over queryable units, sorted by unit-pair key for vectorised look-up.
    packed = np.array([ug(a, bad) * nu + ug(b, bad) for a, b in bi_d], dtype=np.int64)
    bi_a, bi_b = packed // nu, packed % nu
    bi_n = np.fromiter(bi_d.values(), dtype=np.float64, count=len(bi_d))
    ok = (bi_a != bad) & (bi_b != bad)
    bi_a, bi_b, bi_n = bi_a[ok], bi_b[ok], bi_n[ok]
    bi_key = bi_a * nunit + bi_b
    order = np.argsort(bi_key)
    bi_a, bi_b, bi_key, bi_cnt = bi_a[order], bi_b[order], bi_key[order], bi_n[order]

    def bi_count(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        key = a * nunit + b
        pos = np.minimum(np.searchsorted(bi_key, key), max(len(bi_key) - 1, 0))
        if not len(bi_key):
            return np.zeros(len(key))
        return np.where(bi_key[pos] == key, bi_cnt[pos], 0.0)

    def div(v1: np.ndarray, v2: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(v2 != 0, v1 / np.where(v2 != 0, v2, 1.0), 0.0)

    def bi_term(a: np.ndarray, cnt: np.ndarray) -> np.ndarray:
        """l2*c(s2,s3)/c(s2) for s2 = unit a."""
        return div(l2 * cnt, uni_cnt[a])

    uni_lp = np.full((width, 4), -np.inf)
    uni_lp.reshape(-1)[4:] = [_log0(x) for x in uni_x[4:].tolist()]
    uni_lp[0] = uni_lp[-1] = -np.inf  # never a tagged character
    with np.errstate(divide="ignore", invalid="ignore"):
        found = ((uni_cnt / uni_total).reshape(width, 4) != 0).any(axis=1)
    found[0] = found[-1] = False

    # Pair level: (s2, s3) seen, trigram absent.  BOS is never the tagged unit.
    keep = bi_b >= 4
    pa, pb, pcnt = bi_a[keep], bi_b[keep], bi_cnt[keep]
    pair_x = uni_x[pb] + bi_term(pa, pcnt)
    pair_lp = np.array([_log0(x) for x in pair_x.tolist()], dtype=np.float64)
    pair_key = (pa // 4) * width + pb // 4
    pair_code = (pa % 4) * 4 + pb % 4

    packed = np.array(
        [(ug(a, bad) * nu + ug(b, bad)) * nu + ug(c, bad) for a, b, c in tri_d], dtype=np.int64
    )
    ta, tb, tc = packed // (nu * nu), (packed // nu) % nu, packed % nu
    tn = np.fromiter(tri_d.values(), dtype=np.float64, count=len(tri_d))
    ok = (ta != bad) & (tb != bad) & (tc != bad) & (tc >= 4)
    ta, tb, tc, tn = ta[ok], tb[ok], tc[ok], tn[ok]
    tri_x = (uni_x[tc] + bi_term(tb, bi_count(tb, tc))) + div(l3 * tn, bi_count(ta, tb))
    tri_lp = np.array([_log0(x) for x in tri_x.tolist()], dtype=np.float64)
    tri_key = ((ta // 4) * width + tb // 4) * width + tc // 4
    tri_code = (ta % 4) * 16 + (tb % 4) * 4 + tc % 4

    def csr(
        keys: np.ndarray, codes: np.ndarray, vals: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        order = np.lexsort((codes, keys))
        keys, codes, vals = keys[order], codes[order], vals[order]
        uk, start = np.unique(keys, return_index=True)
        start = np.append(start, len(keys)).astype(np.int64)
        return uk.astype(np.int64), start, codes.astype(np.int8), vals.astype(np.float64)

    pk, ps, pc, pv = csr(pair_key, pair_code, pair_lp)
    tk, ts, tcd, tv = csr(tri_key, tri_code, tri_lp)
    phs, phv = _hash_build(pk)
    ths, thv = _hash_build(tk)
    return {
        "meta": np.array([_TABLE_FORMAT, width], dtype=np.int64),
        "uni_lp": uni_lp,
        "found": found,
        "cjk_cid": cjk_cid,
        "pair_keys": pk,
        "pair_start": ps,
        "pair_code": pc,
        "pair_val": pv,
        "tri_keys": tk,
        "tri_start": ts,
        "tri_code": tcd,
        "tri_val": tv,
        "pair_hslots": phs,
        "pair_hvals": phv,
        "tri_hslots": ths,
        "tri_hvals": thv,
    }


def _valid_tables(t: dict[str, np.ndarray]) -> bool:
    """Structural check so a truncated or foreign cache file is rebuilt, not trusted."""
    try:
        if set(t) != set(_TABLE_KEYS) or int(t["meta"][0]) != _TABLE_FORMAT:
            return False
        width = int(t["meta"][1])
        return (
            t["uni_lp"].shape == (width, 4)
            and t["found"].shape == (width,)
            and t["cjk_cid"].shape == (_CJK_HI - _CJK_LO + 1,)
            and int(t["cjk_cid"].max(initial=0)) < width
            and len(t["pair_start"]) == len(t["pair_keys"]) + 1
            and int(t["pair_start"][-1]) == len(t["pair_code"]) == len(t["pair_val"])
            and len(t["tri_start"]) == len(t["tri_keys"]) + 1
            and int(t["tri_start"][-1]) == len(t["tri_code"]) == len(t["tri_val"])
            and all(
                t[f"{n}_hslots"].shape == t[f"{n}_hvals"].shape
                and len(t[f"{n}_hslots"]) >= 2 * len(t[f"{n}_keys"])
                and int(t[f"{n}_hvals"].max(initial=-1)) < len(t[f"{n}_keys"])
                and len(t[f"{n}_hslots"]) & (len(t[f"{n}_hslots"]) - 1) == 0
                for n in ("pair", "tri")
            )
        )
    except (KeyError, IndexError, TypeError, ValueError):
        return False


def _load_cached_tables(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            t = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None
    return t if _valid_tables(t) else None


def _store_tables(path: Path, tables: dict[str, np.ndarray]) -> None:
    """Write atomically (temp file + ``os.replace``), so a concurrent reader sees the
    old file or the whole new one; silently give up when the directory is not
    writable, since the cache is only an optimisation."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **tables)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError:
        pass
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


# --------------------------------------------------------------------------- Bayes model


def _safe_log(x: float) -> float:
    """``math.log``, NaN where it raises (a word or class that makes snownlp raise)."""
    try:
        return math.log(x)
    except (ValueError, ZeroDivisionError):
        return math.nan


def _pack(word: str) -> int:
    """Exact integer key of a CJK word of at most ``_PACK_MAX`` characters."""
    key = 0
    for k, ch in enumerate(word):
        key |= (ord(ch) - _CJK_LO + 1) << (15 * k)
    return key


class _Bayes:
    """snownlp's ``Bayes`` reduced to the logarithms it takes.

    Row 0 of ``lpm`` holds each class's ``log(none/sum)`` for unseen words, row r > 0
    ``log(count/sum)`` of a vocabulary word (``none/sum`` for classes that lack it).
    Stopwords map to row -1: ``filter_stop`` removes them before classification.
    """

    def __init__(self, model: dict[str, Any], stopwords: frozenset[str]) -> None:
        total = model["total"]
        classes = list(model["d"])  # snownlp iterates the classes in this order
        self.classes = tuple(classes)
        self.base = np.array(
            [_safe_log(model["d"][k]["total"]) - _safe_log(total) for k in classes],
            dtype=np.float64,
        )
        vocab: dict[str, int] = {}
        for k in classes:
            for w in model["d"][k]["d"]:
                if w not in vocab:
                    vocab[w] = len(vocab) + 1
        lpm = np.empty((len(vocab) + 1, len(classes)), dtype=np.float64)
        for j, k in enumerate(classes):
            prob = model["d"][k]
            ksum = prob["total"]
            counts = prob["d"]
            unseen = _safe_log(float(prob["none"]) / ksum) if ksum else math.nan
            lpm[0, j] = unseen
            col = [unseen] * (len(vocab) + 1)
            for w, n in counts.items():
                col[vocab[w]] = _safe_log(float(n) / ksum) if ksum else math.nan
            lpm[1:, j] = col[1:]
        self.lpm = lpm
        self.row: dict[str, int] = vocab
        for w in stopwords:
            vocab[w] = -1
        packable = [
            (w, r)
            for w, r in vocab.items()
            if 0 < len(w) <= _PACK_MAX and all(_CJK_LO <= ord(c) <= _CJK_HI for c in w)
        ]
        keys = np.array([_pack(w) for w, _ in packable], dtype=np.int64)
        rows = np.array([r for _, r in packable], dtype=np.int64)
        order = np.argsort(keys)
        self.pack_keys = keys[order]
        self.pack_rows = rows[order]

    def finish(self, tmp: list[float]) -> float:
        """The end of ``Bayes.classify`` and ``Sentiment.classify``, verbatim."""
        ret: Any = 0
        prob: float = 0
        for k, tk in zip(self.classes, tmp):
            now: float = 0
            try:
                for to in tmp:
                    now += math.exp(to - tk)
                now = 1 / now
            except OverflowError:
                now = 0
            if now > prob:
                ret, prob = k, now
        if ret == "pos":
            return prob
        return 1 - prob


# --------------------------------------------------------------------------- engine


class _Ids(dict):  # type: ignore[type-arg]
    """Numbers keys on first sight; ``map(ids.__getitem__, keys)`` runs at C speed."""

    __slots__ = ()

    def __missing__(self, key: Any) -> int:
        value = self[key] = len(self)
        return value


class SentimentEngine:
    """Batch sentiment scorer equal to ``snownlp.SnowNLP(text).sentiments``.

    For every ``str`` on which ``SnowNLP(text).sentiments`` returns, the score is the
    same float64.  Where snownlp raises, the engine returns 0.5 (neutral) instead, so
    one odd post never aborts a run:

    * ``""`` (empty): ``SnowNLP.__init__`` builds a BM25 index over the characters and
      divides by ``len(doc) == 0`` (ZeroDivisionError).  Nothing else raises for a
      ``str``: whitespace- or punctuation-only text has no words left after stopword
      removal and scores the class prior (0.5262... with the bundled model), emoji-only
      text is one unseen word (0.5), exactly as in snownlp.
    * anything that is not a ``str`` (None, NaN from pandas, bytes, numbers): snownlp
      raises TypeError.
    * a hand-made sentiment model with counts on which ``math.log`` fails.

    The engine is immutable after ``load`` and ``score`` keeps no state between calls,
    so one engine can be shared by threads (and forked processes).  Throughput comes
    from batching: pass thousands of texts per call.
    """

    def __init__(
        self,
        tables: dict[str, np.ndarray],
        bayes: _Bayes,
        model_id: str,
    ) -> None:
        self._uni_lp_t = np.ascontiguousarray(tables["uni_lp"].T)  # [tag, char]
        self._found = tables["found"]
        self._cjk_cid = tables["cjk_cid"]
        self._width = int(tables["meta"][1])
        self._pair = tuple(tables[f"pair_{k}"] for k in ("hslots", "hvals", "start", "code", "val"))
        self._tri = tuple(tables[f"tri_{k}"] for k in ("hslots", "hvals", "start", "code", "val"))
        self._bayes = bayes
        self._model_id = model_id

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        model_path: str | os.PathLike[str] | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> SentimentEngine:
        """Load snownlp's models without importing snownlp.

        ``model_path`` None = snownlp's bundled sentiment model.  A custom model written
        by ``snownlp.sentiment.save(path)`` is accepted as ``path`` (the ``.3`` suffix
        snownlp appends on Python 3 is found as snownlp's own ``load`` finds it) or as
        the ``path.3`` file itself.  The segmenter and stopwords are snownlp's bundled
        ones, as in snownlp's sentiment pipeline.

        The segmenter tables derived here take seconds to build, so they are cached in
        ``cache_dir`` (default ``$BRANDSCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/brandscan``
        or ``~/.cache/brandscan``) as a pickle-free ``.npz`` named after the segmenter
        file's content hash: a changed model rebuilds them, an unwritable cache only
        costs the rebuild.  The sentiment model itself is small and read directly.
        """
        pkg = _snownlp_dir()
        if model_path is None:
            sent_file = _resolve_marshal(pkg / "sentiment" / "sentiment.marshal")
            prefix = "snownlp-default"
        else:
            sent_file = _resolve_marshal(Path(model_path))
            prefix = "snownlp-custom"
        seg_file = _resolve_marshal(pkg / "seg" / "seg.marshal")
        sent_raw = sent_file.read_bytes()
        seg_raw = seg_file.read_bytes()
        stop_raw = (pkg / "normal" / "stopwords.txt").read_bytes()

        stopwords = _read_stopwords(stop_raw)
        bayes = _Bayes(_read_marshal(sent_raw), stopwords)

        seg_hash = _hash(seg_raw)
        cache_file = _cache_dir(cache_dir) / f"snowseg-v{_TABLE_FORMAT}-{seg_hash[:24]}.npz"
        tables = _load_cached_tables(cache_file)
        if tables is None:
            tables = _build_seg_tables(_read_marshal(seg_raw, trusted=True))
            _store_tables(cache_file, tables)

        model_id = f"{prefix}:{_hash(sent_raw, seg_raw, stop_raw)[:8]}"
        return cls(tables, bayes, model_id)

    @property
    def model_id(self) -> str:
        """Short content hash of the sentiment model, segmenter model and stopwords."""
        return self._model_id

    # ------------------------------------------------------------------ scoring

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """One snownlp sentiment score (float64 in 0..1) per text.

        Never raises because of a text (see the class docstring for where 0.5 stands in
        for snownlp's exception).  Duplicate texts and duplicate pieces of text are
        processed once per call.
        """
        n = len(texts)
        # 1. distinct texts -> their pieces: CJK runs (odd) and what lies between (even)
        texts_ids = _Ids()
        slot = np.fromiter(
            map(texts_ids.__getitem__, [t if isinstance(t, str) and t else None for t in texts]),
            dtype=np.int64,
            count=n,
        )
        if not len(texts_ids):
            return np.full(n, 0.5, dtype=np.float64)
        split = _RE_ZH.split
        all_pieces = [split(t) if t is not None else [] for t in texts_ids]
        seq_len = np.fromiter(map(len, all_pieces), dtype=np.int64, count=len(all_pieces))
        piece_ids = _Ids()
        seq = np.fromiter(
            map(piece_ids.__getitem__, itertools.chain.from_iterable(all_pieces)),
            dtype=np.int64,
            count=int(seq_len.sum()),
        )

        # 2. word rows of every distinct piece (Bayes rows; stopwords already dropped)
        pieces = list(piece_ids)
        is_cjk = np.array([_CJK_FIRST <= p[:1] <= _CJK_LAST for p in pieces], dtype=bool)
        cjk_rows, cjk_counts = self._segment_rows([p for p in itertools.compress(pieces, is_cjk)])
        row_get = self._bayes.row.get
        zeros = itertools.repeat(0)
        other_rows: list[int] = []
        other_counts: list[int] = []
        for p in itertools.compress(pieces, ~is_cjk):
            # seg.seg: strip, split on whitespace; filter_stop: rows of -1
            r = [x for x in map(row_get, p.split(), zeros) if x >= 0]
            other_rows += r
            other_counts.append(len(r))
        n_cjk = len(cjk_counts)
        renum = np.empty(len(pieces), dtype=np.int64)
        renum[is_cjk] = np.arange(n_cjk)
        renum[~is_cjk] = np.arange(n_cjk, len(pieces))
        seq = renum[seq]
        counts = np.concatenate([cjk_counts, np.asarray(other_counts, dtype=np.int64)])
        piece_rows = np.concatenate([cjk_rows, np.asarray(other_rows, dtype=np.int64)])
        piece_start = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum(counts, out=piece_start[1:])

        # 3. word rows of every distinct text, in order
        occ_cnt = counts[seq]
        text_pieces = np.zeros(len(seq_len) + 1, dtype=np.int64)
        np.cumsum(seq_len, out=text_pieces[1:])
        occ_cum = np.zeros(len(seq) + 1, dtype=np.int64)
        np.cumsum(occ_cnt, out=occ_cum[1:])
        text_start = occ_cum[text_pieces]  # word offsets of each text
        nwords = np.diff(text_start)
        total = int(occ_cum[-1])
        gather = np.arange(total, dtype=np.int64) + np.repeat(
            piece_start[seq] - occ_cum[:-1], occ_cnt
        )
        text_rows = piece_rows[gather]

        # 4. Bayes: sequential sums, one word column at a time (never pairwise)
        tmp = self._bayes_sums(text_rows, text_start[:-1], nwords)
        finish = self._bayes.finish
        scores = np.array(
            [0.5 if math.isnan(sum(r)) else finish(r) for r in tmp.tolist()],
            dtype=np.float64,
        )
        if None in texts_ids:
            scores[texts_ids[None]] = 0.5  # "" or not a str: snownlp raises
        return scores[slot]

    def _bayes_sums(self, rows: np.ndarray, starts: np.ndarray, nwords: np.ndarray) -> np.ndarray:
        """``tmp[k] = log(sum_k) - log(total); for word: tmp[k] += log(freq_k(word))``
        for every text and class, in snownlp's order, vectorised across texts."""
        lpm = self._bayes.lpm
        acc = np.tile(self._bayes.base, (len(starts), 1))
        order = np.argsort(-nwords, kind="stable")
        sorted_starts = starts[order]
        sorted_n = nwords[order]
        maxw = int(sorted_n[0]) if len(sorted_n) else 0
        active = len(order) - np.cumsum(np.bincount(sorted_n, minlength=maxw + 1))[:maxw]
        acc_sorted = acc[order]
        for i in range(maxw):
            m = int(active[i])
            acc_sorted[:m] += lpm[rows[sorted_starts[:m] + i]]
        acc[order] = acc_sorted
        return acc

    # ------------------------------------------------------------------ segmenter

    def word_starts(self, chunks: list[str]
                    ) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """snownlp's segmentation of CJK runs (``Seg.seg``) as word boundaries:
        ``(joined runs, code points - _CJK_LO, run offsets, word starts, word ends)``,
        positions in the joined text. ``chunks`` must not be empty."""
        lengths = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
        offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        joined = "".join(chunks)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        codes -= _CJK_LO
        cids = self._cjk_cid[codes]
        tags = np.empty(len(joined), dtype=np.int8)

        order = np.argsort(-lengths, kind="stable")
        sorted_len = lengths[order]
        cum = np.cumsum(sorted_len)
        start = 0
        while start < len(order):
            # Longest runs first, so a batch holds runs of similar length and the
            # step-synchronous Viterbi wastes little on finished runs.
            base = int(cum[start - 1]) if start else 0
            stop = int(np.searchsorted(cum, base + _BATCH_POSITIONS, side="right"))
            stop = max(stop, start + 1)
            batch = order[start:stop]
            self._viterbi(cids, offsets[batch], sorted_len[start:stop], tags)
            start = stop

        # Seg.seg: a word starts at 'b'/'s', after an 'e', and at the start of the run.
        is_start = (tags == 0) | (tags == 3)
        is_start[1:] |= tags[:-1] == 2
        is_start[offsets[:-1]] = True
        wstart = np.flatnonzero(is_start)
        wend = np.append(wstart[1:], len(joined))
        return joined, codes, offsets, wstart, wend

    def _segment_rows(self, chunks: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Bayes rows of the kept words of each CJK run (``seg.single_seg`` followed by
        ``filter_stop``): flat rows and the count per run."""
        if not chunks:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        joined, codes, offsets, wstart, wend = self.word_starts(chunks)
        wlen = wend - wstart

        # Exact integer key for words of <= _PACK_MAX chars, dict for longer ones.
        key = np.zeros(len(wstart), dtype=np.int64)
        for k in range(_PACK_MAX):
            m = wlen > k
            key[m] |= (codes[wstart[m] + k] + 1) << (15 * k)
        bayes = self._bayes
        pos = np.searchsorted(bayes.pack_keys, key)
        pos = np.minimum(pos, max(len(bayes.pack_keys) - 1, 0))
        if len(bayes.pack_keys):
            rows = np.where(bayes.pack_keys[pos] == key, bayes.pack_rows[pos], 0)
        else:
            rows = np.zeros(len(key), dtype=np.int64)
        long_words = np.flatnonzero(wlen > _PACK_MAX)
        if len(long_words):
            get = bayes.row.get
            rows[long_words] = [
                get(joined[a:b], 0)
                for a, b in zip(wstart[long_words].tolist(), wend[long_words].tolist())
            ]
        keep = rows >= 0
        run_of_word = np.searchsorted(offsets, wstart, side="right") - 1
        counts = np.bincount(run_of_word[keep], minlength=len(chunks))
        return rows[keep], counts

    def _transitions(
        self, c0: np.ndarray, c1: np.ndarray, c2: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``log_prob((c0,t0), (c1,t1), (c2,t2))`` for every position and tag triple.

        Returned as the bigram-level table ``[t1, t2, position]`` (unigram value,
        overwritten where the character bigram has an entry; it holds for every t0)
        plus the sparse trigram entries that override it: (position, t0*16+t1*4+t2,
        value), sorted by position.  Materialising all 64 values per position would
        quadruple the memory traffic for the ~1 % of entries trigrams change.
        """
        p = len(c2)
        lp = np.empty((4, 4, p), dtype=np.float64)
        lp[...] = self._uni_lp_t[:, c2][None, :, :]
        rows, codes, vals = self._lookup(self._pair, c1 * self._width + c2)
        if len(rows):
            lp.reshape(16, p)[codes, rows] = vals
        w = self._width
        rows, codes, vals = self._lookup(self._tri, (c0 * w + c1) * w + c2)
        return lp, rows, codes, vals

    @staticmethod
    def _lookup(
        table: tuple[np.ndarray, ...], keys: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Expand the CSR entries of each key found: (row index, tag code, log-prob)."""
        hslots, hvals, tstart, tcode, tval = table
        pos = _hash_find(hslots, hvals, keys)
        hit = np.flatnonzero(pos >= 0)
        first = tstart[pos[hit]]
        cnt = tstart[pos[hit] + 1] - first
        rows = np.repeat(hit, cnt)
        before = np.cumsum(cnt) - cnt
        ent = np.arange(int(cnt.sum()), dtype=np.int64) + np.repeat(first - before, cnt)
        return rows, tcode[ent].astype(np.int64), tval[ent]

    def _viterbi(
        self, cids: np.ndarray, offs: np.ndarray, lens: np.ndarray, tags: np.ndarray
    ) -> None:
        """snownlp's ``CharacterBasedGenerativeModel.tag`` for runs sorted by length
        (descending), writing tag ids (b, m, e, s = 0..3) into ``tags``.

        snownlp's state after character j is (tag j-1, tag j).  Its state list is
        ordered by (tag j, tag j-1), and a state takes the first strictly larger
        candidate, i.e. the first maximum over tag j-2 in b, m, e, s order; the final
        ``max`` takes the first maximal state in list order.  At a character the model
        has never seen, snownlp copies scores without a transition and, its dict being
        overwritten, the *last* candidate (tag j-2 = 's') wins.  Scores are
        ``S[prev tag, cur tag, run]``: the run axis innermost keeps every numpy
        operation contiguous.
        """
        nrun = len(lens)
        lmax = int(lens[0])
        # active[j] = runs longer than j: a prefix, as runs are sorted by length.
        active = nrun - np.cumsum(np.bincount(lens, minlength=lmax + 1))[:lmax]
        step_start = np.zeros(lmax + 1, dtype=np.int64)
        np.cumsum(active, out=step_start[1:])
        total = int(step_start[-1])

        # Positions in step-major order, so each step reads one contiguous block.
        step = np.repeat(np.arange(lmax, dtype=np.int64), active)
        run = np.arange(total, dtype=np.int64) - np.repeat(step_start[:-1], active)
        pos = offs[run] + step
        c2 = cids[pos]
        c1 = np.where(step >= 1, cids[np.maximum(pos - 1, 0)], 0)
        c0 = np.where(step >= 2, cids[np.maximum(pos - 2, 0)], 0)
        lp, tri_row, tri_code, tri_val = self._transitions(c0, c1, c2)
        tri_ptr = np.searchsorted(tri_row, step_start).tolist()
        unknown = ~self._found[c2]

        fin_cur = np.zeros(nrun, dtype=np.int64)
        fin_prev = np.zeros(nrun, dtype=np.int64)
        backptr: list[np.ndarray] = [np.empty(0, np.int8)] * lmax
        score = np.empty(0)
        i8 = (np.int8(0), np.int8(1), np.int8(2), np.int8(3))

        def finish(lo: int, hi: int, j: int) -> None:
            """Best final state of runs lo..hi-1 (their length is j)."""
            if hi <= lo:
                return
            if j == 1:
                fin_cur[lo:hi] = score[:, lo:hi].argmax(axis=0)
            else:  # snownlp's list order: cur tag major, prev tag minor
                best = score[:, :, lo:hi].transpose(1, 0, 2).reshape(16, hi - lo).argmax(axis=0)
                fin_cur[lo:hi] = best // 4
                fin_prev[lo:hi] = best % 4

        for j in range(lmax):
            n = int(active[j])
            if j:
                finish(n, int(active[j - 1]), j)
            a, b = int(step_start[j]), int(step_start[j + 1])
            unk = np.flatnonzero(unknown[a:b])
            ta, tb = tri_ptr[j], tri_ptr[j + 1]
            if ta < tb:  # trigram overrides at this step: run, code, value
                tr = tri_row[ta:tb] - a
                tc = tri_code[ta:tb]
                tv = tri_val[ta:tb]
            if j == 0:
                score = lp[0, :, a:b].copy()  # [t, run]; 0.0 + x == x
                if ta < tb:
                    score.reshape(-1)[(tc & 3) * n + tr] = tv
                score[:, unk] = 0.0
            elif j == 1:
                prev = score[:, :n]  # [t1, run]
                new = prev[:, None, :] + lp[:, :, a:b]  # [t1, t2, run]
                if ta < tb:
                    new.reshape(-1)[(tc & 15) * n + tr] = prev[(tc >> 2) & 3, tr] + tv
                if len(unk):
                    new[:, :, unk] = prev[:, None, unk]
                score = new
            else:
                prev = score[:, :, :n]  # [t0, t1, run]
                cand = prev[:, :, None, :] + lp[None, :, :, a:b]  # [t0, t1, t2, run]
                if ta < tb:
                    cand.reshape(-1)[tc * n + tr] = prev[tc >> 4, (tc >> 2) & 3, tr] + tv
                best = cand[0].copy()  # [t1, t2, run]
                bp = np.zeros(best.shape, dtype=np.int8)
                for k in (1, 2, 3):
                    # strict '>' keeps the first maximum; a later k overrides an earlier
                    np.maximum(bp, (cand[k] > best).view(np.int8) * i8[k], out=bp)
                    np.maximum(best, cand[k], out=best)
                if len(unk):
                    best[:, :, unk] = prev[3][:, None, unk]
                    bp[:, :, unk] = 3
                backptr[j] = bp
                score = best
        finish(0, int(active[lmax - 1]), lmax)

        # Backtrack all runs together, each from its own last position.
        cur = np.zeros(nrun, dtype=np.int64)
        prv = np.zeros(nrun, dtype=np.int64)
        for j in range(lmax - 1, -1, -1):
            n = int(active[j])
            lo = int(active[j + 1]) if j + 1 < lmax else 0
            if lo < n:  # runs of length j+1 end here
                cur[lo:n] = fin_cur[lo:n]
                prv[lo:n] = fin_prev[lo:n]
            tags[offs[:n] + j] = cur[:n]
            if j >= 2:
                older = backptr[j][prv[:n], cur[:n], np.arange(n)]
                cur[:n] = prv[:n]
                prv[:n] = older
            elif j == 1:
                cur[:n] = prv[:n]
