"""What negative posts are about: jieba terms ranked by distinct negative posts and engagement."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from brandscan.config import Config
from brandscan.text.segment import builtin_stopwords, get_segmenter, is_noise

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


def complaint_terms(texts: Sequence[str], config: Config, *, jobs: int = 1,
                    progress: Callable[[int], None] | None = None) -> list[list[str]]:
    """Distinct complaint terms of each text: jieba words minus stopwords, brands and noise."""
    seg = get_segmenter(tuple(dict.fromkeys((*config.brand_terms(), *config.user_words,
                                             *_category_words(config)))))
    stop = builtin_stopwords() | set(config.stopwords)
    brand_words = {t.lower() for t in config.brand_terms()}
    out = []
    for words in seg.cut_many(texts, jobs=jobs, progress=progress):
        terms = []
        for w in words:
            if (len(w) < config.min_term_length or w in stop or w.lower() in brand_words
                    or is_noise(w)):
                continue
            terms.append(w)
        out.append(list(dict.fromkeys(terms)))
    return out


def _category_words(config: Config) -> list[str]:
    # Category phrases are kept whole so "不新鲜" is one term, not 不 + 新鲜.
    return [w for words in config.categories.values() for w in words if len(w) >= 2]


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
