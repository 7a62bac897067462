"""Sentiment model files: brandscan's own linear models and snownlp's Bayes models.

Two kinds of file can stand behind ``--model FILE`` or ``sentiment.model``:

* **brandscan linear model** (written by ``brandscan train``): a zip of ``.npy`` arrays
  (numpy's ``.npz``) — ``keys`` (uint64 feature hashes, sorted), ``weights`` (float32),
  ``bias`` (float64) and ``meta`` (UTF-8 JSON as bytes: the feature options, what the
  model was trained on, when, by which brandscan). Read with ``allow_pickle=False``:
  an object array is refused, so loading a model never runs code. The score of a text
  is ``1 / (1 + exp(-(bias + sum of the weights of its features)))``, a probability in
  0..1 on the same scale as snownlp's, so the configured thresholds keep their meaning.
* **snownlp Bayes model** (``snownlp.sentiment.save`` or ``brandscan train --format
  snownlp``): gzip-compressed (or plain) marshal of plain dicts, numbers and strings.
  It is scored by :class:`~brandscan.text.snowfast.SentimentEngine`, exactly as snownlp
  scores it.

:func:`load_scorer` tells them apart by content and turns every way a file can be
wrong (missing, truncated, someone else's zip, snownlp's segmenter model) into one
:class:`~brandscan.errors.BrandscanError` naming the file.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import marshal
import math
import os
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from brandscan.errors import BrandscanError
from brandscan.text import safe_marshal
from brandscan.text.features import SCORING_BATCH, FeatureSpec, extract

__all__ = ["FORMAT", "LinearModel", "load_scorer", "model_kind", "read_snownlp",
           "write_snownlp"]

#: ``meta["format"]`` of a brandscan model file, and the version this code writes/reads.
FORMAT = "brandscan-sentiment"
FORMAT_VERSION = 1

#: Fixed zip entry time: the same model is the same bytes (bar the recorded date).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ARRAYS = ("keys", "weights", "bias", "meta")
_POLAR_ARRAYS = ("polar_weights", "polar_bias")  # three-class models only


@dataclass(frozen=True)
class LinearModel:
    """A logistic model over :mod:`brandscan.text.features` features.

    Implements the :class:`~brandscan.text.sentiment.Scorer` protocol. ``meta`` holds
    what the model was trained on (``rows``, ``positive``, ``negative``, ``files`` with
    their SHA-256, ``trained_at``, ``brandscan_version``, training options).
    """

    keys: np.ndarray  # uint64 feature hashes (see brandscan.text.features), sorted, distinct
    weights: np.ndarray  # float32, one per key
    bias: float
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: Three-class models: a second head over the same keys, the log-odds that a text
    #: takes a side at all (positive or negative rather than neutral).
    polar_weights: np.ndarray | None = None
    polar_bias: float = 0.0

    @property
    def three_class(self) -> bool:
        return self.polar_weights is not None

    @property
    def thresholds(self) -> tuple[float, float] | None:
        """``(negative_below, positive_from)`` fitted when the model was trained, if any."""
        t = self.meta.get("thresholds")
        if isinstance(t, Mapping) and {"negative_below", "positive_from"} <= set(t):
            return float(t["negative_below"]), float(t["positive_from"])
        return None

    @property
    def model_id(self) -> str:
        """``brandscan:`` and a content hash of the weights and feature options: the
        same training input gives the same id, whatever day it was trained."""
        h = hashlib.sha256()
        h.update(json.dumps(self.spec.to_json(), sort_keys=True).encode())
        h.update(np.ascontiguousarray(self.keys, dtype="<u8").tobytes())
        h.update(np.ascontiguousarray(self.weights, dtype="<f4").tobytes())
        h.update(np.float64(self.bias).tobytes())
        if self.polar_weights is not None:
            h.update(np.ascontiguousarray(self.polar_weights, dtype="<f4").tobytes())
            h.update(np.float64(self.polar_bias).tobytes())
        if self.thresholds is not None:
            h.update(np.array(self.thresholds, dtype="<f8").tobytes())
        return f"brandscan:{h.hexdigest()[:8]}"

    def margins(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds of "positive" per text (the bias alone for a text with no known
        feature, and for anything that is not a string)."""
        return self._heads(texts)[0]

    def _heads(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Margins of each head (polarity, then the polar head of a three-class model)."""
        feats = extract(texts, self.spec, batch=SCORING_BATCH, ordered=False)
        heads = [(self.weights, self.bias)]
        if self.polar_weights is not None:
            heads.append((self.polar_weights, self.polar_bias))
        pos = hit = None
        if len(feats.keys) and len(self.keys):
            # Scoring batches keep their keys sorted, so most binary searches move forward.
            pos = np.minimum(np.searchsorted(self.keys, feats.keys), len(self.keys) - 1)
            hit = self.keys[pos] == feats.keys
        known = feats.slot >= 0
        out = []
        for weights, bias in heads:
            per_row = np.full(feats.n_rows, bias, dtype=np.float64)
            if pos is not None and hit is not None:
                per_row += np.bincount(feats.rows[hit], minlength=feats.n_rows,
                                       weights=weights[pos[hit]].astype(np.float64))
            m = np.full(len(feats.slot), bias, dtype=np.float64)
            m[known] = per_row[feats.slot[known]]
            out.append(m)
        return out

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """0..1 per text (float64). Binary model: the probability that the text is
        positive. Three-class model: ``P(positive) + P(neutral) / 2``, i.e.
        ``0.5 + P(polar) * (P(positive | polar) - 0.5)`` — 0 a sure negative, 1 a sure
        positive, 0.5 neutral or undecided."""
        heads = self._heads(texts)
        p = _logistic(heads[0])
        if len(heads) == 1:
            return p
        return 0.5 + _logistic(heads[1]) * (p - 0.5)

    # ------------------------------------------------------------------ files

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model as an ``.npz`` zip, atomically (temp file, fsync, rename)."""
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": "linear",
                "features": self.spec.to_json(), **dict(self.meta)}
        arrays = {
            "keys": np.ascontiguousarray(self.keys, dtype="<u8"),
            "weights": np.ascontiguousarray(self.weights, dtype="<f4"),
            "bias": np.array([self.bias], dtype="<f8"),
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False, sort_keys=True,
                                             indent=1).encode("utf-8"), dtype=np.uint8),
        }
        if self.polar_weights is not None:
            arrays["polar_weights"] = np.ascontiguousarray(self.polar_weights, dtype="<f4")
            arrays["polar_bias"] = np.array([self.polar_bias], dtype="<f8")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in (*_ARRAYS, *_POLAR_ARRAYS):
                if name not in arrays:
                    continue
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                raw = io.BytesIO()
                np.lib.format.write_array(raw, arrays[name], allow_pickle=False)
                zf.writestr(info, raw.getvalue())
        _write_atomic(Path(path), buf.getvalue())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LinearModel:
        """Read a model written by :meth:`save`; raises ``ValueError`` saying what is
        wrong with anything else (callers add the file name)."""
        _check_arrays(path)
        try:
            with np.load(path, allow_pickle=False) as npz:
                missing = [n for n in _ARRAYS if n not in npz.files]
                if missing:
                    raise ValueError("a zip file, but not a brandscan model "
                                     f"(no {', '.join(missing)})")
                arrays = {n: npz[n] for n in (*_ARRAYS, *_POLAR_ARRAYS) if n in npz.files}
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ValueError(f"damaged model file ({exc})") from None
        try:
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValueError("damaged model description") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError("a zip of arrays, but not a brandscan sentiment model")
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(f"model format version {version}; this brandscan reads "
                             f"version {FORMAT_VERSION} (retrain it with 'brandscan train')")
        t = meta.get("thresholds")
        if t is not None and not (
                isinstance(t, dict) and {"negative_below", "positive_from"} <= set(t)
                and all(isinstance(t[k], (int, float)) and not isinstance(t[k], bool)
                        and math.isfinite(t[k]) for k in ("negative_below", "positive_from"))
                and 0 <= t["negative_below"] <= t["positive_from"] <= 1):
            raise ValueError("damaged model description (thresholds)")
        try:
            spec = FeatureSpec.from_json(meta.get("features") or {})
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            raise ValueError(f"damaged model description (features: {exc})") from None
        keys, weights, bias = arrays["keys"], arrays["weights"], arrays["bias"]
        if (keys.dtype != np.uint64 or weights.dtype != np.float32 or keys.ndim != 1
                or keys.shape != weights.shape or bias.shape != (1,)):
            raise ValueError("damaged model arrays (wrong type or length)")
        if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            raise ValueError("damaged model arrays (feature keys out of order)")
        if not (np.isfinite(weights).all() and math.isfinite(float(bias[0]))):
            raise ValueError("damaged model arrays (weights that are not numbers)")
        polar_w, polar_b = arrays.get("polar_weights"), arrays.get("polar_bias")
        if (polar_w is None) != (polar_b is None):
            raise ValueError("damaged model arrays (half of the polar head)")
        if polar_w is not None and polar_b is not None and (
                polar_w.dtype != np.float32 or polar_w.shape != keys.shape
                or polar_b.shape != (1,) or not np.isfinite(polar_w).all()
                or not math.isfinite(float(polar_b[0]))):
            raise ValueError("damaged model arrays (polar head)")
        meta = {k: v for k, v in meta.items()
                if k not in ("format", "format_version", "kind", "features")}
        return cls(keys, weights, float(bias[0]), spec, meta, polar_w,
                   float(polar_b[0]) if polar_b is not None else 0.0)


def _logistic(m: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * m))  # the logistic function, without overflow


def _write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename: a failed run leaves no half model."""
    from brandscan.files import atomic_write

    if str(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)


# --------------------------------------------------------------------------- snownlp files


#: A brandscan model holds a few arrays of a few MB; a file claiming more is refused
#: before anything is decompressed or allocated.
MAX_MODEL_MEMBERS = 16
MAX_MODEL_BYTES = 1 << 30


def _check_arrays(path: str | os.PathLike[str]) -> None:
    """Refuse a zip that would decompress or allocate far more than a model: too many
    members, declared sizes past :data:`MAX_MODEL_BYTES`, or an array header whose
    shape needs more bytes than its member holds."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MODEL_MEMBERS or sum(i.file_size for i in infos) > \
                    MAX_MODEL_BYTES:
                raise ValueError("a zip far larger than any model")
            for info in infos:
                if not info.filename.endswith(".npy"):
                    continue
                with zf.open(info) as fh:
                    try:
                        version = np.lib.format.read_magic(fh)
                        shape, _, dtype = (np.lib.format.read_array_header_1_0(fh)
                                           if version == (1, 0)
                                           else np.lib.format.read_array_header_2_0(fh))
                    except ValueError:
                        raise ValueError("a zip file, but not a brandscan model") from None
                    if dtype.hasobject:
                        raise ValueError("a model array of Python objects")
                    need = math.prod(shape) * dtype.itemsize
                    if need > info.file_size:
                        raise ValueError("a model array larger than its file")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ValueError(f"damaged model file ({exc})") from None


def _plain(value: Any, depth: int = 0) -> bool:
    """Only dicts, lists, strings, numbers and None: what a model file may hold (a
    marshal file can also hold code objects; those are refused)."""
    if depth > 6:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_plain(v, depth + 1) for v in value)
    return value is None or isinstance(value, (str, int, float))


#: A snownlp Bayes model; ``brandscan`` holds brandscan's training record (snownlp
#: ignores keys it does not read).
_SNOW_KEYS = {"total", "d", "brandscan"}


def read_snownlp(raw: bytes) -> dict[str, Any]:
    """Decode and check a snownlp sentiment (Bayes) model; ``ValueError`` if it is not one."""
    try:
        model = safe_marshal.loads(safe_marshal.decompress(raw))
    except ValueError as exc:
        if "not plain data" in str(exc):
            raise ValueError("a marshal file, but not a snownlp sentiment model (it holds "
                             "code or other things a model never does)") from None
        raise ValueError("damaged or unknown file: not a brandscan model, "
                         "and not a snownlp model either") from None
    if (not isinstance(model, dict) or not {"total", "d"} <= set(model) <= _SNOW_KEYS
            or not _plain(model)):
        raise ValueError("a marshal file, but not a snownlp sentiment model "
                         "(snownlp's segmenter or tagger model?)")
    classes = model["d"]
    if not isinstance(classes, dict) or set(classes) != {"pos", "neg"}:
        raise ValueError("a snownlp Bayes model, but its classes are not pos and neg")
    for prob in classes.values():
        if not (isinstance(prob, dict) and isinstance(prob.get("d"), dict)
                and {"total", "none"} <= set(prob)):
            raise ValueError("damaged snownlp sentiment model")
    return model


def write_snownlp(path: str | os.PathLike[str], neg_docs: Sequence[Sequence[str]],
                  pos_docs: Sequence[Sequence[str]], *,
                  record: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write what ``snownlp.sentiment.train`` + ``save`` would, from segmented docs.

    The counts follow snownlp's ``AddOneProb`` (a word's first sighting counts 2, and
    adds 2 to the class total, a float) and ``Bayes.train`` (classes in the order neg,
    pos). gzip with a zero timestamp, so the same input gives the same bytes (bar the
    date in ``record``).
    """
    d: dict[str, Any] = {}
    for name, docs in (("neg", neg_docs), ("pos", pos_docs)):
        counts: dict[str, int] = {}
        total = 0.0
        for words in docs:
            for w in words:
                total += 1
                if w not in counts:
                    counts[w] = 1
                    total += 1
                counts[w] += 1
        if docs:
            d[name] = {"d": counts, "total": total, "none": 1}
    model: dict[str, Any] = {"total": sum(p["total"] for p in d.values()), "d": d}
    if record:
        model["brandscan"] = dict(record)
    _write_atomic(Path(path), gzip.compress(marshal.dumps(model), mtime=0))
    return model


# --------------------------------------------------------------------------- loading


def model_kind(path: str | os.PathLike[str]) -> tuple[str, Path]:
    """``("brandscan" | "snownlp", file)`` for a model path, by content.

    snownlp appends ``.3`` to the name it is given on Python 3; a path whose ``.3``
    sibling exists is that snownlp model, as snownlp's own ``load`` would read it.
    """
    p = Path(os.path.expanduser(os.fspath(path)))
    sibling = Path(f"{p}.3")
    if not p.is_file() and sibling.is_file():
        p = sibling
    if p.is_dir():
        raise BrandscanError("is a directory, not a sentiment model", where=str(p))
    try:
        with open(p, "rb") as f:
            head = f.read(4)
    except FileNotFoundError:
        raise BrandscanError("no such sentiment model file", where=str(path),
                             hint="train one with 'brandscan train', or fix --model / "
                                  "sentiment.model in the config") from None
    except OSError as exc:
        raise BrandscanError(f"cannot read the model: {exc.strerror or exc}",
                             where=str(p)) from None
    return ("brandscan" if head[:2] == b"PK" else "snownlp"), p


def load_scorer(path: str | os.PathLike[str]) -> Any:
    """The scorer for a model file: :class:`LinearModel` or snownlp's exact engine.

    Every problem with the file is a :class:`BrandscanError` naming it, never a
    traceback: a model path often comes from a config file written elsewhere.
    """
    kind, p = model_kind(path)
    hint = "give a model written by 'brandscan train' or snownlp's sentiment.save"
    try:
        if kind == "brandscan":
            return LinearModel.load(p)
        read_snownlp(p.read_bytes())
        from brandscan.text.snowfast import SentimentEngine

        return SentimentEngine.load(p)
    except ValueError as exc:
        raise BrandscanError(f"not a usable sentiment model: {exc}", where=str(p),
                             hint=hint) from None
    except OSError as exc:
        raise BrandscanError(f"cannot read the model: {exc.strerror or exc}",
                             where=str(p)) from None
