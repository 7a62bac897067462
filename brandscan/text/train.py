"""Labelled posts -> a sentiment model: reading labelled files, and the two trainers.

**Labelled files** are read like every other input (:func:`brandscan.load.read.read_table`:
CSV, TSV, JSON, JSONL; UTF-8, GBK, BOMs), then a text and a label column are picked
(named for every file or per file glob, or guessed from common names). Labels 1/0,
pos/neg, positive/negative, 正面/负面, 积极/消极 are understood; anything else needs
``--label-map``. Rows without text or label are skipped and counted, never dropped
silently; an unknown label value stops the run with its file and line, because guessing
what ``3`` means would train a wrong model. ``neutral=True`` also reads a neutral class
(neutral, 中性, 中立, or any value ``--label-map`` maps to neutral): ``evaluate`` measures
three classes with it, and ``train`` then fits a three-class model
(:mod:`brandscan.text.three_class`).

**Split**: ``split="train"`` / ``"test"`` keep the rows on one side of a fixed split by
a SHA-256 hash of the (stripped) text, ``test_percent`` on the test side. The same text
always lands on the same side, in any file and any run, so ``train --split train`` and
``evaluate --split test`` measure a model on posts it never saw, duplicates included.

**brandscan's trainer** (:func:`train_linear`) is a logistic regression over the
features of :mod:`brandscan.text.features`, with naive-Bayes-scaled inputs (each
feature's value is its log-count ratio between the classes, "NB-LR" after Wang &
Manning 2012): the ratios carry most of the signal on little data, the regression
corrects what naive Bayes gets wrong about features that always come together (哈,
哈哈 and 哈哈哈 say one thing, not three). It is fitted with L-BFGS in plain numpy: no extra
dependency, no randomness, sums in a fixed order, so the same input gives the same
weights. Each text with ``[emoticons]`` is also learned without them (see
:func:`train_linear`), so the model reads words and not only emoticons.

**snownlp's trainer** (:func:`train_snownlp`) counts words exactly as
``snownlp.sentiment.train`` would (snownlp's own segmenter and stopwords, run through
the fast engine) and writes snownlp's file format.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from brandscan.errors import BrandscanError
from brandscan.text.features import FeatureSpec, extract, strip_emoticons

__all__ = ["NEUTRAL_LABEL", "ColumnChoice", "LabelMap", "LabeledSet", "parse_column_choices",
           "parse_label_map", "read_labeled", "train_linear", "train_snownlp"]

POSITIVE = frozenset({"1", "pos", "positive", "正面", "积极", "正向", "正", "好评", "true"})
NEGATIVE = frozenset({"0", "neg", "negative", "负面", "消极", "负向", "负", "差评", "false",
                      "-1"})
#: Not "0": that spelling already means negative, so 0/1/2 sets need --label-map.
NEUTRAL = frozenset({"neutral", "neu", "中性", "中立"})
#: The label code of a neutral row; positive is 1 and negative 0, as in training.
NEUTRAL_LABEL = 2
_TARGETS = {"pos": 1, "positive": 1, "1": 1, "neg": 0, "negative": 0, "0": 0,
            "neutral": NEUTRAL_LABEL, "neu": NEUTRAL_LABEL, "中性": NEUTRAL_LABEL,
            "drop": None, "skip": None}
_MAP_HINT = ("write VALUE[,VALUE...]=pos|neg|neutral|drop, e.g. '2,4=pos;0,1=neg;3=drop' "
             "or 'happy=pos,neural=neutral,angry=neg'")

TEXT_COLUMNS = ("text", "review", "content", "sentence", "x_valid", "微博正文", "正文",
                "内容", "文本", "评论内容", "comment", "post")
LABEL_COLUMNS = ("label", "labels", "sentiment", "polarity", "y", "class", "标签",
                 "情感", "类别")

Log = Callable[[str], None]


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class LabelMap:
    """Label values -> 1 (positive), 0 (negative), ``NEUTRAL_LABEL`` or None (drop the
    row), optionally
    only for files whose name matches ``pattern``."""

    values: dict[str, int | None]
    pattern: str | None = None

    def applies_to(self, path: str) -> bool:
        return self.pattern is None or any(
            fnmatch.fnmatch(p, self.pattern) for p in (path, os.path.basename(path)))


def _norm_label(value: Any) -> str | None:
    """A label cell as a comparable string: 1, 1.0 and "1" are the same label."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().lower()
    if re.fullmatch(r"-?\d+\.0+", text):
        text = text.split(".")[0]
    return text or None


def parse_label_map(specs: Sequence[str]) -> list[LabelMap]:
    """Parse ``--label-map`` values: ``[FILEGLOB:]VALUE[,VALUE...]=pos|neg|neutral|drop``
    entries separated by ``;`` (or given as separate options).

    ``'covid*.csv:2,4=pos;0,1,5,6=neg;3=drop'`` maps the COVID emotion labels of files
    matching ``covid*.csv`` only; other files keep the standard labels. Entries may also
    be separated by commas (``'happy=pos,neural=neutral,angry=neg'``): a comma-separated
    piece holding ``=`` closes the list of values before it.
    """
    maps: list[LabelMap] = []
    for spec in specs:
        pattern: str | None = None
        body = spec.strip()
        head, sep, _ = body.partition("=")
        if ":" in head and sep:
            pattern, body = body.split(":", 1)
            pattern = pattern.strip() or None
        values: dict[str, int | None] = {}
        for entry in filter(None, (e.strip() for e in body.split(";"))):
            pending: list[str] = []
            for piece in entry.split(","):
                lhs, eq, rhs = piece.partition("=")
                if not eq:
                    pending.append(lhs)
                    continue
                target = rhs.strip().lower()
                pending.append(lhs)
                if target not in _TARGETS or not any(v.strip() for v in pending):
                    raise BrandscanError(f"--label-map: cannot read '{entry}'", hint=_MAP_HINT)
                for v in pending:
                    key = _norm_label(v)
                    if key is not None:
                        values[key] = _TARGETS[target]
                pending = []
            if any(v.strip() for v in pending):  # values with no target after them
                raise BrandscanError(f"--label-map: cannot read '{entry}'", hint=_MAP_HINT)
        if not values:
            raise BrandscanError(f"--label-map: no labels in '{spec}'", hint=_MAP_HINT)
        maps.append(LabelMap(values, pattern))
    return maps


# --------------------------------------------------------------------------- reading


@dataclass
class FileSummary:
    """How one labelled file was read; recorded in the model it trains."""

    path: str
    sha256: str
    text_col: str
    label_col: str
    rows_read: int
    used: int = 0
    positive: int = 0
    neutral: int = 0
    skipped: int = 0  # no text / no label / unreadable row
    dropped: int = 0  # label mapped to drop
    held_out: int = 0  # on the other side of --split

    def to_json(self) -> dict[str, Any]:
        return {"name": os.path.basename(self.path), "sha256": self.sha256,
                "text_col": self.text_col, "label_col": self.label_col,
                "rows_read": self.rows_read, "used": self.used, "positive": self.positive,
                # only three-class sets name a neutral count: binary output stays as it was
                **({"neutral": self.neutral} if self.neutral else {}),
                "negative": self.used - self.positive - self.neutral,
                "skipped": self.skipped, "dropped": self.dropped, "held_out": self.held_out}


@dataclass
class LabeledSet:
    """Texts with 0/1 labels (``NEUTRAL_LABEL`` too when read with ``neutral=True``), and a
    group per text when asked, from one or more files."""

    texts: list[str]
    labels: np.ndarray  # int8 0/1, or 0/1/2
    groups: list[str] | None = None
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # file, line, reason
    split: str = "all"
    test_percent: float = 20.0
    # FILEGLOB:COLUMN values that matched no file: a typo there would otherwise fall back
    # to guessing the column unnoticed
    unmatched: list[str] = field(default_factory=list)
    origin: np.ndarray | None = None  # per text, its file's index in ``files``

    def subset(self, rows: np.ndarray, labels: np.ndarray | None = None) -> LabeledSet:
        """These rows (repeats allowed), optionally with other labels."""
        return LabeledSet([self.texts[i] for i in rows],
                          (self.labels[rows] if labels is None else labels).astype(np.int8),
                          None, self.files, [], self.split, self.test_percent, [],
                          None if self.origin is None else self.origin[rows])

    @property
    def positive(self) -> int:
        return int((self.labels == 1).sum())

    @property
    def neutral(self) -> int:
        return int((self.labels == NEUTRAL_LABEL).sum())

    @property
    def negative(self) -> int:
        return int((self.labels == 0).sum())


@dataclass(frozen=True)
class ColumnChoice:
    """One ``--text-col``/``--label-col`` value: ``column`` for the files whose name or
    path matches ``pattern``, or for every file when ``pattern`` is None."""

    column: str
    pattern: str | None = None
    spec: str = ""  # as the user wrote it, for messages

    def applies_to(self, path: str) -> bool:
        return self.pattern is None or any(
            fnmatch.fnmatch(p, self.pattern) for p in (path, os.path.basename(path)))


def parse_column_choices(specs: str | Sequence[str] | None, option: str
                         ) -> list[ColumnChoice]:
    """Parse ``COLUMN`` or ``FILEGLOB:COLUMN`` values of ``option`` (repeatable).

    The glob ends at the first ``:`` (as in ``--label-map``), so a column whose name
    holds a colon is written with a glob: ``'*:a:b'``. More than one bare COLUMN is an
    error: which one a file gets would depend on the order of the options.
    """
    if specs is None:
        return []
    if isinstance(specs, str):
        specs = [specs]
    choices: list[ColumnChoice] = []
    for spec in specs:
        pattern, sep, column = spec.partition(":")
        if not sep:
            pattern, column = "", spec
        column = column.strip()
        if not column:
            raise BrandscanError(f"{option} '{spec}': no column named",
                                 hint=f"write {option} COLUMN or {option} 'FILEGLOB:COLUMN'")
        choices.append(ColumnChoice(column, pattern.strip() or None, spec))
    bare = {c.column for c in choices if c.pattern is None}
    if len(bare) > 1:
        raise BrandscanError(f"{option} names {len(bare)} columns for every file: "
                             f"{', '.join(sorted(bare))}",
                             hint=f"give one bare {option} COLUMN; name the others per file "
                                  f"with {option} 'FILEGLOB:COLUMN'")
    return choices


def _chosen(choices: Sequence[ColumnChoice], path: str, option: str
            ) -> ColumnChoice | None:
    """The choice for ``path``: a matching FILEGLOB:COLUMN beats a bare COLUMN, because
    it was written for this file; two matching globs naming different columns are an
    error rather than a guess."""
    matching = [c for c in choices if c.pattern is not None and c.applies_to(path)]
    if len({c.column for c in matching}) > 1:
        raise BrandscanError(
            f"{option} gives this file more than one column: "
            + ", ".join(f"'{c.spec}'" for c in matching), where=path,
            hint="make the file globs name disjoint files")
    if matching:
        return matching[0]
    return next((c for c in choices if c.pattern is None), None)


def _pick_column(columns: list[str], wanted: ColumnChoice | None, known: Sequence[str],
                 what: str, option: str, path: str, exclude: Sequence[str] = ()) -> str:
    if wanted:
        if wanted.column in columns:
            return wanted.column
        raise BrandscanError(f"no column '{wanted.column}' for the {what}, named by "
                             f"{option} '{wanted.spec}'", where=path,
                             hint=f"this file's columns: {', '.join(columns)}")
    lower = {c.lower(): c for c in columns}
    for name in known:
        if name.lower() in lower and lower[name.lower()] not in exclude:
            return lower[name.lower()]
    rest = [c for c in columns if c not in exclude]
    if what == "text" and len(rest) == 1:
        return rest[0]  # two-column files: label + whatever the text column is called
    raise BrandscanError(f"cannot tell which column holds the {what}", where=path,
                         hint=f"name it with {option}; columns: {', '.join(columns)}")


def split_side(text: str, test_percent: float) -> str:
    """``"test"`` or ``"train"``: where a text falls in the fixed hash split."""
    digest = hashlib.sha256(text.strip().encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:8], "big") % 10_000
    return "test" if bucket < round(test_percent * 100) else "train"


def read_labeled(paths: Sequence[str], *, text_col: str | Sequence[str] | None = None,
                 label_col: str | Sequence[str] | None = None, label_maps: Sequence[LabelMap] = (),
                 by: str | None = None, split: str = "all", test_percent: float = 20.0,
                 neutral: bool = False) -> LabeledSet:
    """Read labelled files (any format :func:`read_table` reads) into a :class:`LabeledSet`.

    ``text_col`` and ``label_col`` are one ``COLUMN`` or ``FILEGLOB:COLUMN`` value or a
    list of them (see :func:`parse_column_choices`); a file no value applies to gets its
    columns guessed from common names. ``neutral`` also accepts neutral labels
    (``NEUTRAL_LABEL``), for three-class measuring.

    Raises :class:`BrandscanError` for unreadable files, missing columns, unknown label
    values (neutral ones too without ``neutral``), and when no labelled row is left.
    """
    from brandscan.load.read import read_table

    if split not in ("all", "train", "test"):
        raise ValueError(f"split must be all, train or test, not {split!r}")
    if not 0 < test_percent < 100:
        raise BrandscanError(f"--test-percent {test_percent:g}: must be between 0 and 100")
    text_choices = parse_column_choices(text_col, "--text-col")
    label_choices = parse_column_choices(label_col, "--label-col")
    texts: list[str] = []
    labels: list[int] = []
    groups: list[str] = []
    origin: list[int] = []
    files: list[FileSummary] = []
    skipped: list[tuple[str, int, str]] = []
    for path in paths:
        table = read_table(path)
        frame = table.frame
        columns = [c for c in frame.columns if c != "__line__"]
        lcol = _pick_column(columns, _chosen(label_choices, str(path), "--label-col"),
                            LABEL_COLUMNS, "label", "--label-col", path)
        tcol = _pick_column(columns, _chosen(text_choices, str(path), "--text-col"),
                            TEXT_COLUMNS, "text", "--text-col", path, exclude=(lcol, by or ""))
        if by and by not in columns:
            raise BrandscanError(f"no column '{by}' to group by", where=path,
                                 hint=f"columns: {', '.join(columns)}")
        maps = [m for m in label_maps if m.applies_to(str(path))]
        summary = FileSummary(str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                              tcol, lcol, table.rows_read)
        for skip in table.skipped:
            skipped.append((skip.file, skip.line, skip.reason))
            summary.skipped += 1
        lines = frame["__line__"].tolist()
        group_values = frame[by].tolist() if by else [None] * len(frame)
        for text, raw, line, grp in zip(frame[tcol].tolist(), frame[lcol].tolist(), lines,
                                        group_values):
            if isinstance(text, (int, float)) and not isinstance(text, bool) and not (
                    isinstance(text, float) and math.isnan(text)):
                text = str(text)  # a JSON number where text was expected: still text
            if not isinstance(text, str) or not text.strip():
                skipped.append((str(path), line, "no text"))
                summary.skipped += 1
                continue
            key = _norm_label(raw)
            if key is None:
                skipped.append((str(path), line, "no label"))
                summary.skipped += 1
                continue
            label: int | None
            for m in maps:
                if key in m.values:
                    label = m.values[key]
                    if label == NEUTRAL_LABEL and not neutral:
                        raise BrandscanError(
                            f"--label-map maps '{raw}' to neutral, but a model learns "
                            "positive and negative only", where=f"{path}:{line}",
                            hint=f"map it with '{key}=drop' (evaluate measures neutral)")
                    break
            else:
                if key in POSITIVE:
                    label = 1
                elif key in NEGATIVE:
                    label = 0
                elif neutral and key in NEUTRAL:
                    label = NEUTRAL_LABEL
                else:
                    raise BrandscanError(
                        f"label '{raw}' is neither positive"
                        + (", neutral" if neutral else "") + " nor negative",
                        where=f"{path}:{line}",
                        hint="map it with --label-map, e.g. "
                             f"--label-map '{os.path.basename(str(path))}:{key}=pos' "
                             + ("(or =neg, =neutral, =drop)" if neutral else "(or =neg, =drop)"))
            if label is None:
                summary.dropped += 1
                continue
            if split != "all" and split_side(text, test_percent) != split:
                summary.held_out += 1
                continue
            texts.append(text)
            labels.append(label)
            origin.append(len(files))
            groups.append("" if grp is None else str(grp))
            summary.used += 1
            summary.positive += label == 1
            summary.neutral += label == NEUTRAL_LABEL
        files.append(summary)
    if not texts:
        raise BrandscanError("no labelled rows to use" + (
            f" on the {split} side of the split" if split != "all" else ""),
            where=", ".join(map(str, paths)),
            hint="check --text-col, --label-col and --label-map")
    unmatched = [f"{option} '{c.spec}'"
                 for option, choices in (("--text-col", text_choices),
                                         ("--label-col", label_choices))
                 for c in choices
                 if c.pattern is not None and not any(c.applies_to(str(p)) for p in paths)]
    return LabeledSet(texts, np.asarray(labels, dtype=np.int8), groups if by else None,
                      files, skipped, split, test_percent, unmatched,
                      np.asarray(origin, dtype=np.int64))


# --------------------------------------------------------------------------- L-BFGS


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Dot product by numpy's pairwise sum: the same bits whatever BLAS and its threads."""
    return float(np.add.reduce(a * b))


@dataclass(frozen=True)
class Fit:
    weights: np.ndarray
    bias: float
    iterations: int
    loss: float


def fit_logistic(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray | None,
                 n_features: int, y: np.ndarray, *, l2: float = 1e-4, max_iter: int = 300,
                 tol: float = 1e-7, memory: int = 10, log: Log | None = None) -> Fit:
    """L2-regularised logistic regression on a CSR matrix, by L-BFGS.

    Minimises ``mean(log(1 + exp(-s*m))) + l2/2*|w|²`` over weights ``w`` and an
    unregularised bias (``s`` = ±1 labels, ``m`` = margins). Sparse products are
    ``np.bincount`` sums (sequential, so reproducible); Armijo backtracking line search.
    """
    n = len(indptr) - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    target = (np.asarray(y) > 0).astype(np.float64)
    sign = 2.0 * target - 1.0

    def value_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[:-1]
        contrib = w[indices] if values is None else w[indices] * values
        m = np.bincount(rows, weights=contrib, minlength=n) + theta[-1]
        loss = float(np.add.reduce(np.logaddexp(0.0, -sign * m))) / n + 0.5 * l2 * _dot(w, w)
        r = (0.5 * (1.0 + np.tanh(0.5 * m)) - target) / n
        rr = r[rows] if values is None else r[rows] * values
        grad = np.empty_like(theta)
        grad[:-1] = np.bincount(indices, weights=rr, minlength=n_features) + l2 * w
        grad[-1] = float(np.add.reduce(r))
        return loss, grad

    theta = np.zeros(n_features + 1)
    f, g = value_grad(theta)
    hist_s: list[np.ndarray] = []
    hist_y: list[np.ndarray] = []
    it = 0
    for it in range(1, max_iter + 1):
        q = g.copy()
        alphas = []
        for s_k, y_k in zip(reversed(hist_s), reversed(hist_y)):
            rho = 1.0 / _dot(y_k, s_k)
            a = rho * _dot(s_k, q)
            q -= a * y_k
            alphas.append((rho, a))
        if hist_s:
            q *= _dot(hist_s[-1], hist_y[-1]) / _dot(hist_y[-1], hist_y[-1])
        else:
            q /= max(1.0, float(np.abs(g).max()))
        for (s_k, y_k), (rho, a) in zip(zip(hist_s, hist_y), reversed(alphas)):
            q += s_k * (a - rho * _dot(y_k, q))
        d = -q
        slope = _dot(g, d)
        if slope >= 0:  # not a descent direction: restart from the gradient
            hist_s.clear()
            hist_y.clear()
            d = -g
            slope = _dot(g, d)
        step = 1.0
        while True:
            cand = theta + step * d
            f_new, g_new = value_grad(cand)
            if f_new <= f + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        s_new, y_new = cand - theta, g_new - g
        if _dot(s_new, y_new) > 1e-12:
            hist_s.append(s_new)
            hist_y.append(y_new)
            if len(hist_s) > memory:
                hist_s.pop(0)
                hist_y.pop(0)
        converged = (f - f_new) <= tol * max(1.0, abs(f)) or float(np.abs(g_new).max()) < tol
        theta, f, g = cand, f_new, g_new
        if log and it % 25 == 0:
            log(f"iteration {it}: loss {f:.5f}")
        if converged:
            break
    return Fit(theta[:-1], float(theta[-1]), it, f)


# --------------------------------------------------------------------------- trainers


def _version() -> str:
    from brandscan import __version__

    return __version__


def training_record(data: LabeledSet, **options: Any) -> dict[str, Any]:
    """What a model file says about its training: rows, balance, files, date, version.

    The date is now in UTC, or ``$SOURCE_DATE_EPOCH`` when set (reproducible builds).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch and epoch.isdigit()
            else datetime.now(timezone.utc))
    record: dict[str, Any] = {
        "rows": len(data.texts),
        "positive": data.positive,
        "negative": data.negative,
        "positive_share": round(data.positive / max(len(data.texts), 1), 4),
        "files": [f.to_json() for f in data.files],
        "trained_at": when.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "brandscan_version": _version(),
        "options": options,
    }
    if data.split != "all":
        record["split"] = {"side": data.split, "test_percent": data.test_percent}
    return record


def train_linear(data: LabeledSet, *, l2: float = 1e-4, min_df: int = 2,
                 spec: FeatureSpec | None = None, emoticon_dropout: bool = True,
                 max_iter: int = 300, log: Log | None = None) -> Any:
    """Fit brandscan's NB-scaled logistic model on labelled texts; returns a
    :class:`~brandscan.text.model.LinearModel` (not yet saved).

    ``emoticon_dropout`` also trains on a copy of every text that has ``[emoticons]``,
    with them removed and the same label. Sets like weibo_senti_100k were labelled *by*
    their emoticons: trained on them alone, a model learns the emoticons and little
    else, and is near chance on posts without any (0.53 on those Weibo posts with their
    emoticons taken out, 0.35 on food-delivery reviews); with the copies, 0.73 and 0.76,
    for 0.01 less on posts with emoticons.
    """
    from brandscan.text.model import LinearModel

    if data.positive == 0 or data.negative == 0:
        raise BrandscanError("training needs both positive and negative examples",
                             hint=f"got {data.positive} positive, {data.negative} negative")
    spec = spec or FeatureSpec()
    t0 = time.perf_counter()
    texts = list(data.texts)
    y = data.labels.astype(np.int64)
    copies = 0
    if emoticon_dropout:
        stripped = [strip_emoticons(t) for t in texts]
        extra = [i for i, (t, s) in enumerate(zip(texts, stripped)) if s != t and s.strip()]
        texts += [stripped[i] for i in extra]
        y = np.concatenate([y, y[extra]])
        copies = len(extra)
    feats = extract(texts, spec)
    # Document frequencies over distinct texts, by sort and compare (np.unique is slow
    # on millions of uint64 values in numpy 2).
    sorted_keys = np.sort(feats.keys)
    first = np.flatnonzero(np.append(True, sorted_keys[1:] != sorted_keys[:-1]))
    df = np.diff(np.append(first, len(sorted_keys)))
    vocab = sorted_keys[first][df >= min_df]
    if not len(vocab):
        raise BrandscanError(f"no feature occurs in {min_df} or more texts",
                             hint="give more labelled rows or lower --min-df")
    pos = np.minimum(np.searchsorted(vocab, feats.keys), len(vocab) - 1)
    known = vocab[pos] == feats.keys
    # CSR of the distinct texts, then one row per labelled text (a text given twice,
    # even with two labels, is two training rows).
    order = np.argsort(feats.rows[known], kind="stable")
    d_rows, d_idx = feats.rows[known][order], pos[known][order]
    d_ptr = np.zeros(feats.n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(d_rows, minlength=feats.n_rows), out=d_ptr[1:])
    lengths = np.diff(d_ptr)[feats.slot]
    indptr = np.zeros(len(feats.slot) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    gather = np.arange(int(indptr[-1]), dtype=np.int64) + np.repeat(
        d_ptr[:-1][feats.slot] - indptr[:-1], lengths)
    indices = d_idx[gather]
    rows = np.repeat(np.arange(len(feats.slot), dtype=np.int64), lengths)
    if log:
        log(f"{len(texts):,} texts ({copies:,} of them emoticon-free copies), "
            f"{len(vocab):,} features "
            f"({time.perf_counter() - t0:.1f} s)")

    # Naive-Bayes log-count ratios (add-one smoothed document frequencies per class).
    is_pos = y[rows] == 1
    p = np.bincount(indices[is_pos], minlength=len(vocab)) + 1.0
    q = np.bincount(indices[~is_pos], minlength=len(vocab)) + 1.0
    ratio = np.log(p / np.add.reduce(p)) - np.log(q / np.add.reduce(q))
    fit = fit_logistic(indptr, indices, ratio[indices], len(vocab), y, l2=l2,
                       max_iter=max_iter, log=log)
    weights = (fit.weights * ratio).astype(np.float32)
    if log:
        log(f"fitted in {fit.iterations} iterations ({time.perf_counter() - t0:.1f} s)")
    record = training_record(data, trainer="nb-logistic", l2=l2, min_df=min_df,
                             emoticon_dropout=emoticon_dropout, emoticon_free_copies=copies,
                             iterations=fit.iterations)
    record["features_kept"] = len(vocab)
    return LinearModel(vocab, weights, fit.bias, spec, record)


def snownlp_words(texts: Sequence[str]) -> list[list[str]]:
    """``snownlp.sentiment.Sentiment.handle`` of each text: snownlp's segmentation
    (``seg.seg``) minus its stopwords, computed by the fast engine's segmenter."""
    from brandscan.text import snowfast as sf

    engine = sf.SentimentEngine.load(None)
    stop = sf._read_stopwords((sf._snownlp_dir() / "normal" / "stopwords.txt").read_bytes())
    pieces = [sf._RE_ZH.split(t) for t in texts]
    runs = sorted({p for ps in pieces for p in ps
                   if p and sf._CJK_FIRST <= p[:1] <= sf._CJK_LAST})
    words_of = dict(zip(runs, _segment_runs(engine, runs)))
    out: list[list[str]] = []
    for ps in pieces:
        words: list[str] = []
        for p in ps:
            p = p.strip()
            if not p:
                continue
            words += words_of[p] if sf._CJK_FIRST <= p[:1] <= sf._CJK_LAST else p.split()
        out.append([w for w in words if w not in stop])
    return out


def _segment_runs(engine: Any, runs: list[str]) -> list[list[str]]:
    """Words of CJK runs, by the engine's exact port of snownlp's tagger.

    The boundaries ``SentimentEngine._segment_rows`` scores with, cut into words.
    """
    if not runs:
        return []
    joined, _, offsets, wstart, wend = engine.word_starts(runs)
    run_of = np.searchsorted(offsets, wstart, side="right") - 1
    bounds = np.searchsorted(run_of, np.arange(len(runs) + 1))
    words = [joined[a:b] for a, b in zip(wstart.tolist(), wend.tolist())]
    return [words[bounds[i]:bounds[i + 1]] for i in range(len(runs))]


def train_snownlp(data: LabeledSet, path: str | os.PathLike[str], *,
                  log: Log | None = None) -> dict[str, Any]:
    """Write snownlp's Bayes model for the labelled texts to ``path``.

    snownlp itself loads the file (``snownlp.sentiment.load(path without '.3')``) and
    scores every text exactly as brandscan does. The file also keeps brandscan's
    training record under the key ``brandscan``, which snownlp ignores.
    """
    from brandscan.text.model import write_snownlp

    if data.positive == 0 or data.negative == 0:
        raise BrandscanError("training needs both positive and negative examples",
                             hint=f"got {data.positive} positive, {data.negative} negative")
    words = snownlp_words(data.texts)
    if log:
        log(f"{len(data.texts):,} texts segmented as snownlp does")
    neg = [w for w, label in zip(words, data.labels.tolist()) if label == 0]
    pos = [w for w, label in zip(words, data.labels.tolist()) if label == 1]
    return write_snownlp(path, neg, pos, record=training_record(data, trainer="snownlp-bayes"))
