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


def score_posts(posts: pd.DataFrame, config: Config, *, scorer: Scorer | None = None,
                jobs: int = 1, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Add ``sentiment``, ``label`` and ``categories`` to selected posts.

    Texts are scored in chunks (bounded memory), over ``jobs`` processes when there are
    many; the scores do not depend on ``jobs``.
    """
    scorer = scorer or get_scorer(config.sentiment.model)
    texts = posts["text"].tolist()
    wordy = np.fromiter((has_words(t) for t in texts), dtype=bool, count=len(texts))
    scores = np.full(len(texts), 0.5)
    if wordy.any():
        wordy_texts = [t for t, w in zip(texts, wordy) if w]
        scores[wordy] = map_chunks(lambda chunk: list(scorer.score(chunk)), wordy_texts,
                                   jobs=jobs, progress=progress)
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
