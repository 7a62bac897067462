"""What negative posts are about: jieba terms ranked by distinct negative posts and engagement."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from brandscan.config import Config

COMPLAINT_COLUMNS = ("rank", "term", "category", "negative_posts", "share", "engagement",
                     "example")


def term_category(term: str, categories: Mapping[str, Sequence[str]]) -> str:
    """The category that lists the term, else one whose (2+ character) word it contains."""
    for name, words in categories.items():
        if term in words:
            return name
    for name, words in categories.items():
        if any(len(w) >= 2 and w in term for w in words):
            return name
    return ""


def complaints(scored: pd.DataFrame, config: Config, *, top: int = 20, jobs: int = 1,
               progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Top complaint terms among negative posts.

    Ranked by the number of distinct negative posts using the term, then by their summed
    engagement; ``example`` is the most engaging negative post with the term (the
    earliest among equally engaging ones).
    """
    from brandscan.engine.aggregates import Aggregate

    # Term counts per chunk, the same code the streaming engines merge.
    agg = Aggregate.of(scored, config, intervals=(), terms=True, jobs=jobs, progress=progress)
    return agg.complaints(config, top=top)
