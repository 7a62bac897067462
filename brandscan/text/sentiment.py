"""Sentiment scores (0..1, snownlp's scale) and the positive/neutral/negative labels."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import pandas as pd

from brandscan.config import SentimentConfig


class Scorer(Protocol):
    """Anything that scores many texts at once."""

    @property
    def model_id(self) -> str: ...

    def score(self, texts: Sequence[str]) -> np.ndarray: ...


@lru_cache(maxsize=4)
def get_scorer(model_path: str | None = None) -> Scorer:
    """The scorer for a model (None: snownlp's bundled one), built once per process.

    snownlp models (the bundled one, or a file from ``snownlp.sentiment.save`` or
    ``brandscan train --format snownlp``) are scored by
    :class:`~brandscan.text.snowfast.SentimentEngine`: snownlp's exact scores without
    importing snownlp, hundreds of times faster. A file written by ``brandscan train``
    is a :class:`~brandscan.text.model.LinearModel`. The kind is told by content; a
    missing, damaged or foreign file is a :class:`~brandscan.errors.BrandscanError`
    naming it.
    """
    if model_path is None:
        from brandscan.text.snowfast import SentimentEngine

        return SentimentEngine.load(None)
    from brandscan.text.model import load_scorer

    return load_scorer(model_path)


def label_scores(scores: pd.Series | np.ndarray, cfg: SentimentConfig) -> np.ndarray:
    """negative below ``negative_below``, positive from ``positive_from``, neutral between."""
    s = np.asarray(scores, dtype=np.float64)
    return np.where(s < cfg.negative_below, "negative",
                    np.where(s >= cfg.positive_from, "positive", "neutral")).astype(object)
