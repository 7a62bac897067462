"""The most engaging negative posts of the window: the posts a PR team reads first; and
the most engaging news posts, the media coverage, with their tone.

The partial keeps at most ``top`` posts with their POST_ORDER keys, so two partials are
ranked again on merge and the answer never depends on which chunk a post was in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from brandscan.analyze.partial import POST_ORDER, Chunk, Context, Finished, top_posts, voices
from brandscan.schema import TOP_POST_COLUMNS

#: What the media coverage shows of each news post.
MEDIA_COLUMNS = (*TOP_POST_COLUMNS, "label")


@dataclass(frozen=True)
class _TopPosts:
    """The ``top`` most engaging posts :meth:`chosen` picks (columns of ``columns``)."""

    top: int
    name: str
    needs: tuple[str, ...] = ()
    columns: ClassVar[tuple[str, ...]] = TOP_POST_COLUMNS

    def chosen(self, scored: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    @property
    def keep(self) -> tuple[str, ...]:
        """What a kept post carries: the columns shown and those it is ranked by."""
        return tuple(dict.fromkeys([*self.columns, *(c for c, _ in POST_ORDER)]))

    def empty(self, ctx: Context) -> pd.DataFrame:
        return pd.DataFrame({c: [] for c in self.keep})

    def partial(self, chunk: Chunk, ctx: Context) -> pd.DataFrame:
        scored = chunk.scored
        return top_posts(scored[self.chosen(scored)], self.top, self.keep)

    def merge(self, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        if b.empty:
            return a
        if a.empty:
            return b
        return top_posts(pd.concat([a, b], ignore_index=True), self.top, self.keep)

    def finish(self, partial: pd.DataFrame, ctx: Context, run: Finished) -> pd.DataFrame:
        if partial.empty and not len(partial.columns):
            return pd.DataFrame({c: [] for c in self.columns})
        return partial.head(self.top).loc[:, list(self.columns)].reset_index(drop=True)


@dataclass(frozen=True)
class NegativePosts(_TopPosts):
    """The ``top`` most engaging negative opinions (columns of ``TOP_POST_COLUMNS``)."""

    top: int = 10
    name: str = "negative_posts"

    def chosen(self, scored: pd.DataFrame) -> np.ndarray:
        return (scored["label"] == "negative").to_numpy() & voices(scored)


@dataclass(frozen=True)
class MediaCoverage(_TopPosts):
    """The ``top`` most engaging news posts of the window, whatever their tone (columns of
    :data:`MEDIA_COLUMNS`): reports about the brand, shown apart from the opinions."""

    top: int = 5
    name: str = "media_coverage"
    columns: ClassVar[tuple[str, ...]] = MEDIA_COLUMNS

    def chosen(self, scored: pd.DataFrame) -> np.ndarray:
        if "genre" not in scored.columns:
            return np.zeros(len(scored), dtype=bool)
        return (scored["genre"] == "news").to_numpy()
