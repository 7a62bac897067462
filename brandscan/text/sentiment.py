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


#: ``--model snownlp`` / ``sentiment.model: snownlp``: snownlp's own bundled model.
SNOWNLP = "snownlp"
#: brandscan's default model, shipped in the package (see the README's provenance).
DEFAULT_MODEL = "sentiment.model"


@lru_cache(maxsize=4)
def get_scorer(model_path: str | None = None) -> Scorer:
    """The scorer for a model, built once per process: None is brandscan's default
    three-class model (``brandscan/data/sentiment.model``), ``"snownlp"`` snownlp's bundled
    Bayes model, scored exactly as snownlp scores it.

    snownlp models (the bundled one, or a file from ``snownlp.sentiment.save`` or
    ``brandscan train --format snownlp``) are scored by
    :class:`~brandscan.text.snowfast.SentimentEngine`: snownlp's exact scores without
    importing snownlp, hundreds of times faster. A file written by ``brandscan train``
    is a :class:`~brandscan.text.model.LinearModel`. The kind is told by content; a
    missing, damaged or foreign file is a :class:`~brandscan.errors.BrandscanError`
    naming it.
    """
    if model_path == SNOWNLP:
        from brandscan.text.snowfast import SentimentEngine

        return SentimentEngine.load(None)
    from brandscan.text.model import load_scorer

    if model_path is None:
        from importlib.resources import files

        return load_scorer(str(files("brandscan") / "data" / DEFAULT_MODEL))
    return load_scorer(model_path)


#: ``(negative_below, positive_from)``.
Thresholds = tuple[float, float]
#: snownlp's model and binary models: the thresholds brandscan has always used.
BINARY_THRESHOLDS: Thresholds = (0.4, 0.6)


def thresholds_for(cfg: SentimentConfig, scorer: Scorer | None = None) -> Thresholds:
    """The configured thresholds, else the ones fitted into the model, else 0.4/0.6."""
    fitted = getattr(scorer, "thresholds", None) if scorer is not None else None
    low, high = fitted if fitted is not None else BINARY_THRESHOLDS
    return (low if cfg.negative_below is None else cfg.negative_below,
            high if cfg.positive_from is None else cfg.positive_from)


def label_scores(scores: pd.Series | np.ndarray, thresholds: Thresholds | SentimentConfig
                 ) -> np.ndarray:
    """negative below ``negative_below``, positive from ``positive_from``, neutral between."""
    if isinstance(thresholds, SentimentConfig):
        thresholds = thresholds_for(thresholds)
    low, high = thresholds
    s = np.asarray(scores, dtype=np.float64)
    return np.where(s < low, "negative",
                    np.where(s >= high, "positive", "neutral")).astype(object)
