"""Sentiment scores (0..1, snownlp's scale) and the positive/neutral/negative labels.

snownlp raises ZeroDivisionError on text with no words (empty, punctuation, emoji only):
such text has no sentiment and scores exactly 0.5, neutral.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import pandas as pd

from brandscan.config import SentimentConfig


class Scorer(Protocol):
    """Anything that scores many texts at once."""

    @property
    def model_id(self) -> str: ...

    def score(self, texts: Sequence[str]) -> np.ndarray: ...


class SnowNLPScorer:
    """snownlp itself, one text at a time: the reference the fast engine must equal."""

    def __init__(self, model_path: str | None = None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from snownlp import sentiment

        self._sentiment = sentiment
        self._classifier: Any = sentiment.classifier
        if model_path:
            self._classifier = sentiment.Sentiment()
            self._classifier.load(model_path.removesuffix(".3"))
        self._model_path = model_path

    @property
    def model_id(self) -> str:
        return f"snownlp:{self._model_path}" if self._model_path else "snownlp-default"

    def score(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty(len(texts), dtype=np.float64)
        for i, t in enumerate(texts):
            try:
                out[i] = self._classifier.classify(t)
            except ZeroDivisionError:
                out[i] = 0.5
        return out


@lru_cache(maxsize=4)
def get_scorer(model_path: str | None = None) -> Scorer:
    """The scorer for a model (None: snownlp's bundled one), built once per process."""
    return SnowNLPScorer(model_path)


def label_scores(scores: pd.Series | np.ndarray, cfg: SentimentConfig) -> np.ndarray:
    """negative below ``negative_below``, positive from ``positive_from``, neutral between."""
    s = np.asarray(scores, dtype=np.float64)
    return np.where(s < cfg.negative_below, "negative",
                    np.where(s >= cfg.positive_from, "positive", "neutral")).astype(object)
