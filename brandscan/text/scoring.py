"""Canonical posts -> scored posts: brands, sentiment, label and complaint categories.

Every other analysis is a pure function of the frame this returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from brandscan.config import Config
from brandscan.parallel import map_chunks
from brandscan.text.brands import BrandMatcher, has_brand
from brandscan.text.sentiment import Scorer, get_scorer, label_scores
from brandscan.window import Window

# Text with no letter, digit or CJK character (emoji, punctuation, links, @names) says
# nothing about a brand: scored 0.5, neutral.
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@[\w\-·]+")
_WORDY = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")


def has_words(text: str) -> bool:
    """False for text that is only emoji, punctuation, links and @mentions."""
    return bool(_WORDY.search(_MENTION.sub("", _URL.sub("", text))))


def categorize(texts: pd.Series, categories: Mapping[str, Sequence[str]]) -> pd.Series:
    """``;``-joined complaint categories whose words occur in each text."""
    patterns = {
        name: re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        for name, words in categories.items() if words
    }

    def cats(text: str) -> str:
        return ";".join(name for name, pat in patterns.items() if pat.search(text))

    return texts.map(cats).astype(object)


def select_posts(posts: pd.DataFrame, config: Config, *, brands: Sequence[str] = (),
                 window: Window | None = None) -> pd.DataFrame:
    """Add the ``brands`` column and keep posts in the window that mention a brand.

    With no brands configured every post counts. ``brands`` restricts to those names.
    """
    df = posts
    if window is not None:
        df = df[window.mask(df["created_at"])]
    matcher = BrandMatcher(config.brands)
    df = df.assign(brands=matcher.match(df["text"] + " " + df["chain"]))
    if config.brands:
        df = df[df["brands"] != ""]
    for name in brands:
        df = df[has_brand(df["brands"], name)]
    return df.reset_index(drop=True)


#: Brand-aware polarity ("the complaint rule"): a post the model leaves neutral
#: (``negative_below`` <= score < ``positive_from``) whose text holds a complaint term has
#: its score lowered by this much (not below 0). With the default thresholds (0.4/0.6)
#: 0.2 moves every such post to negative; 0 turns the rule off. Posts the model already
#: calls positive or negative are never changed: the rule only breaks the model's doubt.
COMPLAINT_SHIFT = 0.2

#: Category words that name what a complaint is about but occur in praise as often as in
#: complaints ("物流很快", "质量很好", "价格实惠"; in labelled reviews 26-46 % of the
#: posts using them are negative): they never trigger the complaint rule. Every other
#: word of the complaint categories (built-in and configured) does.
TOPIC_WORDS = frozenset({
    "质量", "物流", "快递", "配送", "发货", "送货", "运输", "客服", "售后", "价格", "安全",
    "食品安全", "态度", "坏果", "瑕疵", "破损", "太贵", "好贵", "很贵", "涨价",
})


def sentiment_scores(texts: Sequence[str], scorer: Scorer, *, jobs: int = 1,
                     progress: Callable[[int], None] | None = None) -> np.ndarray:
    """The model's score of each text; 0.5 for text without words (see :func:`has_words`).

    Texts are scored in chunks (bounded memory), over ``jobs`` processes when there are
    many; the scores do not depend on ``jobs``.
    """
    wordy = np.fromiter((has_words(t) for t in texts), dtype=bool, count=len(texts))
    scores = np.full(len(texts), 0.5)
    if wordy.any():
        wordy_texts = [t for t, w in zip(texts, wordy) if w]
        scores[wordy] = map_chunks(lambda chunk: list(scorer.score(chunk)), wordy_texts,
                                   jobs=jobs, progress=progress)
    return scores


def resolve_shift(config: Config, shift: float | None = None) -> float:
    """The complaint rule's shift: the one given, else the config's, else the default."""
    if shift is not None:
        return float(shift)
    return float(getattr(config.sentiment, "complaint_shift", COMPLAINT_SHIFT))


def complaint_push(scores: np.ndarray, texts: pd.Series, config: Config, *,
                   shift: float | None = None) -> np.ndarray:
    """Apply the complaint rule (see :data:`COMPLAINT_SHIFT`) to model scores."""
    shift = resolve_shift(config, shift)
    cfg = config.sentiment
    scores = np.asarray(scores, dtype=np.float64)
    neutral = np.flatnonzero((scores >= cfg.negative_below) & (scores < cfg.positive_from))
    words = sorted({w for ws in config.categories.values() for w in ws if w} - TOPIC_WORDS,
                   key=len, reverse=True)
    if shift <= 0 or not len(neutral) or not words:
        return scores
    pattern = re.compile("|".join(map(re.escape, words)))
    candidates = texts.iloc[neutral].tolist()
    hit = neutral[[isinstance(t, str) and bool(pattern.search(t)) for t in candidates]]
    out = scores.copy()
    out[hit] = np.maximum(out[hit] - shift, 0.0)
    return out


def score_posts(posts: pd.DataFrame, config: Config, *, scorer: Scorer | None = None,
                jobs: int = 1, progress: Callable[[int], None] | None = None,
                complaint_shift: float | None = None) -> pd.DataFrame:
    """Add ``sentiment``, ``label`` and ``categories`` to selected posts.

    ``sentiment`` is the model's score after the complaint rule (``complaint_shift``:
    None = the config's, else :data:`COMPLAINT_SHIFT`; 0 = off).
    """
    scorer = scorer or get_scorer(config.sentiment.model)
    scores = sentiment_scores(posts["text"].tolist(), scorer, jobs=jobs, progress=progress)
    scores = complaint_push(scores, posts["text"], config, shift=complaint_shift)
    out = posts.assign(sentiment=scores)
    out["label"] = label_scores(scores, config.sentiment)
    out["categories"] = categorize(out["text"], config.categories)
    return out


def analyse(posts: pd.DataFrame, config: Config, *, brands: Sequence[str] = (),
            window: Window | None = None, scorer: Scorer | None = None, jobs: int = 1,
            progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Select then score: the frame every report, table and chart is built from."""
    return score_posts(select_posts(posts, config, brands=brands, window=window), config,
                       scorer=scorer, jobs=jobs, progress=progress)
