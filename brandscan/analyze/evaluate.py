"""How right a sentiment model is on labelled posts: the numbers behind ``brandscan evaluate``.

Labelled sets are binary (positive/negative) while brandscan labels posts in three
classes, so the figures come in two groups:

* **binary, at 0.5** — ``accuracy``, ``macro_f1`` and the 2×2 confusion matrix call a
  post positive when its score is ≥ 0.5, whatever the configured thresholds: that is
  the model's own decision, comparable across models and with published figures.
  ``roc_auc`` needs no threshold at all (the chance that a random positive post scores
  higher than a random negative one; ties count half).
* **at the configured thresholds** — what an analysis will show: the shares of posts
  labelled positive (score ≥ ``positive_from``), neutral, and negative (score <
  ``negative_below``); ``decided_accuracy``, the accuracy among the posts not left
  neutral; and the 2×3 matrix of true label × brandscan label. Neutral is not a class
  of the labelled data, so a neutral post is neither right nor wrong: it lowers
  coverage (``1 - predicted_neutral_share``), not ``decided_accuracy``.

**Three classes** — when the labelled set has neutral rows (``NEUTRAL_LABEL``), the
thresholds' label *is* the prediction, and :func:`metrics3` reports ``accuracy``,
``macro_f1``, ``per_class`` precision/recall/F1/support, the 3×3 ``confusion`` (truth ×
predicted, positive, neutral, negative), the true and predicted label shares, and under
``binary`` the figures above on the rows whose truth is not neutral (the number a binary
set would give). Binary sets keep the binary figures only, exactly as before.

Scores come from the same path as in an analysis (:func:`brandscan.text.scoring.
sentiment_scores`, then the complaint rule), on the text exactly as given: labels refer
to the whole text, so no repost chain is cut off. ``complaint_rule_moved`` counts the
posts the complaint rule moved toward negative and ``complaint_rule_precision`` the
share of them labelled negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from brandscan.config import Config
from brandscan.text.sentiment import Thresholds
from brandscan.text.train import NEUTRAL_LABEL

__all__ = ["CLASSES", "Evaluation", "class_report", "evaluate", "metrics", "metrics3", "roc_auc"]

#: The three classes in the order of every three-class figure (confusion rows/columns).
CLASSES = ("positive", "neutral", "negative")
_CODES = {"positive": 1, "neutral": NEUTRAL_LABEL, "negative": 0}


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the ROC curve by ranks (Mann-Whitney U); None with one class only."""
    y = np.asarray(labels) > 0
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if not n_pos or not n_neg:
        return None
    ranks = pd.Series(np.asarray(scores, dtype=np.float64)).rank(method="average").to_numpy()
    u = float(ranks[y].sum()) - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def _predicted(scores: np.ndarray, thresholds: Thresholds, pushed: np.ndarray | None
               ) -> np.ndarray:
    """brandscan's labels as codes: the thresholds, then the complaint rule."""
    low, high = thresholds
    pred = np.where(scores < low, 0, np.where(scores >= high, 1, NEUTRAL_LABEL))
    if pushed is not None:
        pred[pushed] = 0
    return pred


def metrics(labels: np.ndarray, scores: np.ndarray, thresholds: Thresholds,
            pushed: np.ndarray | None = None) -> dict[str, Any]:
    """Every figure of one set of labelled posts (see the module docstring)."""
    y = np.asarray(labels) > 0
    s = np.asarray(scores, dtype=np.float64)
    n = len(y)
    pred = s >= 0.5
    tp = int((pred & y).sum())
    tn = int((~pred & ~y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    # Macro-F1 over the classes that occur (in the labels or the predictions).
    f1s = [f for f, seen in ((_f1(tp, fp, fn), tp + fp + fn), (_f1(tn, fn, fp), tn + fn + fp))
           if seen]
    codes = _predicted(s, thresholds, pushed)
    positive = codes == 1
    negative = codes == 0
    neutral = ~positive & ~negative
    decided = positive | negative
    right = (positive & y) | (negative & ~y)

    def share(mask: np.ndarray) -> float:
        return float(mask.sum()) / n if n else 0.0

    return {
        "n": n,
        "positive": int(y.sum()),
        "negative": int((~y).sum()),
        "accuracy": (tp + tn) / n if n else None,
        "macro_f1": float(np.mean(f1s)) if f1s else None,
        "roc_auc": roc_auc(y, s),
        "confusion": {"true_negative": tn, "false_positive": fp, "false_negative": fn,
                      "true_positive": tp},
        "predicted_positive_share": share(positive),
        "predicted_neutral_share": share(neutral),
        "predicted_negative_share": share(negative),
        "decided_accuracy": float(right.sum()) / int(decided.sum()) if decided.any() else None,
        "labels_by_truth": {
            truth: {"negative": int((negative & mask).sum()),
                    "neutral": int((neutral & mask).sum()),
                    "positive": int((positive & mask).sum())}
            for truth, mask in (("negative", ~y), ("positive", y))
        },
    }


def metrics3(labels: np.ndarray, scores: np.ndarray, thresholds: Thresholds,
             pushed: np.ndarray | None = None) -> dict[str, Any]:
    """The three-class figures of labels coded 1/``NEUTRAL_LABEL``/0 (see the module
    docstring). Precision is None for a class never predicted, recall for a class with no
    rows; macro-F1 averages the classes that occur in the labels or the predictions."""
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    n = len(y)
    pred = _predicted(s, thresholds, pushed)
    confusion = {t: {p: int(((y == _CODES[t]) & (pred == _CODES[p])).sum()) for p in CLASSES}
                 for t in CLASSES}
    per_class: dict[str, dict[str, Any]] = {}
    f1s = []
    for c in CLASSES:
        tp = confusion[c][c]
        support = sum(confusion[c].values())
        predicted = sum(confusion[t][c] for t in CLASSES)
        fp, fn = predicted - tp, support - tp
        per_class[c] = {"precision": tp / predicted if predicted else None,
                        "recall": tp / support if support else None,
                        "f1": _f1(tp, fp, fn), "support": support}
        if support or predicted:
            f1s.append(per_class[c]["f1"])
    decided = y != NEUTRAL_LABEL
    out: dict[str, Any] = {
        "n": n,
        **{c: per_class[c]["support"] for c in CLASSES},
        "accuracy": float((y == pred).sum()) / n if n else None,
        "macro_f1": float(np.mean(f1s)) if f1s else None,
        "per_class": per_class,
        "confusion": confusion,
    }
    for c in CLASSES:
        out[f"true_{c}_share"] = per_class[c]["support"] / n if n else 0.0
    for c in CLASSES:
        out[f"predicted_{c}_share"] = (float((pred == _CODES[c]).sum()) / n if n else 0.0)
    out["binary"] = (metrics(y[decided], s[decided], thresholds,
                             None if pushed is None else pushed[decided])
                     if decided.any() else None)
    return out


def is_three_class(m: Mapping[str, Any]) -> bool:
    """Whether a figures dict came from :func:`metrics3`."""
    return "per_class" in m


@dataclass
class Evaluation:
    """The figures of a model on labelled posts, overall and per group."""

    model: str
    overall: dict[str, Any]
    thresholds: dict[str, float]
    complaint_shift: float
    by: str | None = None
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    model_info: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """One JSON object: the overall figures at the top level (``n``, ``accuracy``,
        ``macro_f1``, ``roc_auc``, ``predicted_positive_share``…), then context."""
        out: dict[str, Any] = {"model": self.model, **self.overall,
                               "thresholds": self.thresholds,
                               "complaint_shift": self.complaint_shift}
        if self.model_info:
            out["model_info"] = dict(self.model_info)
        if self.data:
            out["data"] = dict(self.data)
        if self.by:
            out["by"] = self.by
            out["groups"] = self.groups
        return out

    @property
    def three_class(self) -> bool:
        return is_three_class(self.overall)

    def frame(self) -> pd.DataFrame:
        """One row for all posts, then one per group: for tables, CSV and spreadsheets."""
        rows = [("(all)", self.overall), *self.groups.items()]
        if self.three_class:
            return pd.DataFrame([{"group": name, **_flat3(m), "model": self.model}
                                 for name, m in rows])
        return pd.DataFrame([{
            "group": name,
            "n": m["n"],
            "accuracy": m["accuracy"],
            "macro_f1": m["macro_f1"],
            "roc_auc": m["roc_auc"],
            "true_neg": m["confusion"]["true_negative"],
            "false_pos": m["confusion"]["false_positive"],
            "false_neg": m["confusion"]["false_negative"],
            "true_pos": m["confusion"]["true_positive"],
            "pred_positive": m["predicted_positive_share"],
            "pred_neutral": m["predicted_neutral_share"],
            "pred_negative": m["predicted_negative_share"],
            "decided_accuracy": m["decided_accuracy"],
            "model": self.model,
        } for name, m in rows])


def class_report(result: Evaluation) -> pd.DataFrame:
    """Three-class figures for a person: one row per group and true class, with its
    precision, recall, F1, support and the confusion row (how brandscan labelled it)."""
    rows = [("(all)", result.overall), *result.groups.items()]
    return pd.DataFrame([{
        "group": name, "truth": c,
        **{k: m["per_class"][c][k] for k in ("precision", "recall", "f1", "support")},
        **{f"as_{p}": m["confusion"][c][p] for p in CLASSES},
    } for name, m in rows for c in CLASSES])


def _flat3(m: Mapping[str, Any]) -> dict[str, Any]:
    """A three-class figures dict as one table row: per class, then the confusion cells
    (``true_<truth>_pred_<predicted>``), then the binary figures on the non-neutral rows."""
    row: dict[str, Any] = {"n": m["n"], "accuracy": m["accuracy"], "macro_f1": m["macro_f1"]}
    for c in CLASSES:
        pc = m["per_class"][c]
        row.update({f"{c}_precision": pc["precision"], f"{c}_recall": pc["recall"],
                    f"{c}_f1": pc["f1"], f"{c}_support": pc["support"]})
    for t in CLASSES:
        for p in CLASSES:
            row[f"true_{t}_pred_{p}"] = m["confusion"][t][p]
    for c in CLASSES:
        row[f"pred_{c}"] = m[f"predicted_{c}_share"]
    b = m["binary"] or {}
    row.update({"binary_n": b.get("n", 0), "binary_accuracy": b.get("accuracy"),
                "binary_macro_f1": b.get("macro_f1"), "binary_roc_auc": b.get("roc_auc")})
    return row


def model_summary(scorer: Any) -> dict[str, Any]:
    """What a brandscan model file says about its training (empty for snownlp's)."""
    meta = getattr(scorer, "meta", None)
    if not meta:
        return {}
    keep = ("rows", "positive", "neutral", "negative", "trained_at", "brandscan_version",
            "split", "thresholds")
    out = {k: meta[k] for k in keep if k in meta}
    files = meta.get("files")
    if files:
        out["files"] = [{"name": f.get("name"), "sha256": f.get("sha256")} for f in files]
    return out


def evaluate(texts: list[str], labels: np.ndarray, config: Config, *, scorer: Any = None,
             groups: list[str] | None = None, by: str | None = None,
             complaint_shift: float | None = None, jobs: int = 1,
             data: Mapping[str, Any] | None = None) -> Evaluation:
    """Score labelled texts as an analysis would and measure the result.

    ``scorer`` defaults to the config's model; ``complaint_shift`` to the configured
    complaint rule, else the model's (0 turns it off, to measure what the rule changes);
    the thresholds are the configured ones, else those fitted into the model.
    """
    from brandscan.text.scoring import complaint_rule, resolve_shift, sentiment_scores
    from brandscan.text.sentiment import get_scorer, thresholds_for

    scorer = scorer or get_scorer(config.sentiment.model)
    shift = resolve_shift(config, complaint_shift, scorer)
    scores = sentiment_scores(texts, scorer, jobs=jobs)
    thresholds = thresholds_for(config.sentiment, scorer)
    moved = complaint_rule(scores, pd.Series(texts, dtype=object), config, thresholds,
                           shift=shift)
    y = np.asarray(labels)
    # A set with no neutral row is measured exactly as before; one neutral row anywhere
    # makes every figure (groups too) three-class, so the rows stay comparable.
    measure = metrics3 if (y == NEUTRAL_LABEL).any() else metrics
    overall = measure(y, scores, thresholds, moved)
    # What the complaint rule did: how many posts it moved, and how many of those were
    # labelled negative (its precision); compare with --complaint-shift 0.
    overall["complaint_rule_moved"] = int(moved.sum())
    overall["complaint_rule_precision"] = (float((y[moved] == 0).mean()) if moved.any()
                                           else None)
    result = Evaluation(
        model=scorer.model_id,
        overall=overall,
        thresholds={"negative_below": thresholds[0], "positive_from": thresholds[1]},
        complaint_shift=shift,
        by=by,
        model_info=model_summary(scorer),
        data=data or {},
    )
    if groups is not None:
        g = np.asarray(groups, dtype=object)
        for name in sorted(set(groups)):
            mask = g == name
            result.groups[name] = measure(y[mask], scores[mask], thresholds, moved[mask])
    return result
