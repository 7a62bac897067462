"""Three-class models: positive, neutral, negative, with thresholds fitted on brand posts.

Most posts that mention a brand take no side (news, questions, announcements), and a
polarity model trained on reviews and Weibo emotions puts them at the extremes. A
three-class model (:class:`~brandscan.text.model.LinearModel` with a polar head) has two
logistic heads over the same features, both fitted by :func:`train_linear`:

* the **polarity** head, ``P(positive | polar)``, on the positive and negative rows;
* the **polar** head, ``P(polar)``, on every row (positive or negative = 1, neutral = 0):
  review sets, all positive or negative, teach it that complaint and praise language
  takes a side (trained on the neutral-class sets alone, it read most complaints of a
  shop's crisis as neutral).

Its score is ``0.5 + P(polar) * (P(positive | polar) - 0.5)`` (the expected label on a
0..1 scale), and its labels come from two thresholds fitted **out of fold** on the rows
of the files ``fit_on`` names: those rows are cut into 4 folds by a hash of their text,
each fold is scored by heads trained without it, and the pair ``negative_below`` <
``positive_from`` (a 0.01 grid) with the best mean of accuracy and macro-F1 on those
scores is kept in the model file. ``repeat`` counts the rows of some files several times
(a few hundred posts read by hand weigh against tens of thousands of public ones).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from brandscan.errors import BrandscanError
from brandscan.text.features import FeatureSpec
from brandscan.text.train import NEUTRAL_LABEL, LabeledSet, Log, train_linear

__all__ = ["macro_f1", "parse_repeat", "train_three_class"]

FOLDS = 4
#: Threshold grid: negative_below in [0.05, 0.50), positive_from in [0.50, 0.95].
_LOW = np.round(np.arange(0.05, 0.50, 0.01), 2)
_HIGH = np.round(np.arange(0.50, 0.951, 0.01), 2)


def parse_repeat(specs: Sequence[str]) -> list[tuple[str, int]]:
    """``--repeat FILEGLOB:N`` values -> (glob, N)."""
    out = []
    for spec in specs:
        glob, sep, n = spec.rpartition(":")
        if not sep or not glob or not n.isdigit() or int(n) < 1:
            raise BrandscanError(f"--repeat '{spec}': write FILEGLOB:N with N >= 1",
                                 hint="e.g. --repeat 'brand_tune.csv:3'")
        out.append((glob, int(n)))
    return out


def _matches(path: str, pattern: str) -> bool:
    return any(fnmatch.fnmatch(p, pattern) for p in (path, os.path.basename(path)))


def _per_file(data: LabeledSet, value: Any, default: Any, pick: Any) -> np.ndarray:
    """One value per row, from the first rule whose glob matches its file."""
    per_file = [next((pick(r) for r in value if _matches(f.path, r[0])), default)
                for f in data.files]
    origin = data.origin if data.origin is not None else np.zeros(len(data.texts), int)
    return np.asarray(per_file)[origin] if per_file else np.full(len(data.texts), default)


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Mean F1 over the three classes (codes 0 negative, 1 positive, 2 neutral)."""
    scores = []
    for c in (0, 1, NEUTRAL_LABEL):
        tp = float(np.sum((predicted == c) & (truth == c)))
        fp = float(np.sum((predicted == c) & (truth != c)))
        fn = float(np.sum((predicted != c) & (truth == c)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def _objective(truth: np.ndarray, predicted: np.ndarray) -> float:
    """What the thresholds are fitted for: the mean of accuracy (the mix an analyst reads)
    and macro-F1 (the negative minority found, not drowned)."""
    return 0.5 * (float((predicted == truth).mean()) + macro_f1(truth, predicted))


def codes(scores: np.ndarray, negative_below: float, positive_from: float) -> np.ndarray:
    return np.where(scores < negative_below, 0,
                    np.where(scores >= positive_from, 1, NEUTRAL_LABEL))


def _fit_heads(data: LabeledSet, rows: np.ndarray, **options: Any) -> Any:
    from brandscan.text.model import LinearModel

    labels = data.labels[rows]
    polar = rows[labels != NEUTRAL_LABEL]
    pol = train_linear(data.subset(polar), **options)
    side = train_linear(data.subset(rows, (labels != NEUTRAL_LABEL).astype(np.int8)),
                        **options)
    keys = np.union1d(pol.keys, side.keys)
    w1 = np.zeros(len(keys), dtype=np.float32)
    w2 = np.zeros(len(keys), dtype=np.float32)
    w1[np.searchsorted(keys, pol.keys)] = pol.weights
    w2[np.searchsorted(keys, side.keys)] = side.weights
    return LinearModel(keys, w1, pol.bias, pol.spec, {}, w2, side.bias)


def _fold(text: str) -> int:
    return hashlib.sha256(text.strip().encode("utf-8")).digest()[2] % FOLDS


def train_three_class(data: LabeledSet, *, repeat: Sequence[tuple[str, int]] = (),
                      fit_on: str | None = None, l2: float = 1e-4, min_df: int = 2,
                      spec: FeatureSpec | None = None, emoticon_dropout: bool = True,
                      log: Log | None = None) -> Any:
    """A three-class :class:`~brandscan.text.model.LinearModel` (see the module
    docstring); ``fit_on`` None keeps the thresholds at 1/3 and 2/3 of the scale."""
    from brandscan.text.model import LinearModel
    from brandscan.text.train import training_record

    if data.neutral == 0 or data.positive == 0 or data.negative == 0:
        raise BrandscanError("a three-class model needs positive, neutral and negative rows",
                             hint=f"got {data.positive} positive, {data.neutral} neutral, "
                                  f"{data.negative} negative")
    options = {"l2": l2, "min_df": min_df, "spec": spec, "emoticon_dropout": emoticon_dropout}
    times = _per_file(data, repeat, 1, lambda r: r[1])
    everything = np.repeat(np.arange(len(data.texts)), times)
    thresholds: dict[str, Any] = {"negative_below": 0.3333, "positive_from": 0.6667,
                                  "fitted_on": None}
    if fit_on:
        tuned = np.flatnonzero(_per_file(data, [(fit_on, True)], False, lambda r: r[1]))
        if len(tuned) < 2 * FOLDS:
            raise BrandscanError(f"--fit-thresholds '{fit_on}' matches {len(tuned)} rows",
                                 hint="name the file of hand-labelled brand posts")
        fold = np.array([_fold(data.texts[i]) for i in tuned])
        oof = np.zeros(len(tuned))
        for k in range(FOLDS):
            if log:
                log(f"thresholds: fold {k + 1} of {FOLDS}")
            held = set(tuned[fold == k].tolist())
            rows = everything[[i not in held for i in everything]]
            heads = _fit_heads(data, rows, **options)
            oof[fold == k] = heads.score([data.texts[i] for i in tuned[fold == k]])
        truth = data.labels[tuned]
        best = max((_objective(truth, codes(oof, lo, hi)), -lo, hi)
                   for lo in _LOW for hi in _HIGH if lo < hi)
        pred = codes(oof, -best[1], best[2])
        thresholds = {"negative_below": float(-best[1]), "positive_from": float(best[2]),
                      "fitted_on": fit_on, "rows": len(tuned),
                      "out_of_fold_accuracy": round(float((pred == truth).mean()), 4),
                      "out_of_fold_macro_f1": round(macro_f1(truth, pred), 4)}
    if log:
        log("fitting both heads on every row")
    heads = _fit_heads(data, everything, **options)
    record = training_record(data, trainer="nb-logistic-3class", l2=l2, min_df=min_df,
                             emoticon_dropout=emoticon_dropout,
                             repeat=[f"{g}:{n}" for g, n in repeat])
    record["neutral"] = data.neutral
    record["thresholds"] = thresholds
    return LinearModel(heads.keys, heads.weights, heads.bias, heads.spec, record,
                       heads.polar_weights, heads.polar_bias)
