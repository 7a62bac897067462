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

    It is :class:`~brandscan.text.snowfast.SentimentEngine`: snownlp's exact scores
    without importing snownlp, hundreds of times faster.
    """
    from brandscan.text.snowfast import SentimentEngine

    return SentimentEngine.load(model_path)


def label_scores(scores: pd.Series | np.ndarray, cfg: SentimentConfig) -> np.ndarray:
    """negative below ``negative_below``, positive from ``positive_from``, neutral between."""
    s = np.asarray(scores, dtype=np.float64)
    return np.where(s < cfg.negative_below, "negative",
                    np.where(s >= cfg.positive_from, "positive", "neutral")).astype(object)
