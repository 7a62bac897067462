"""The most engaging negative posts of the window: the posts a PR team reads first; and
the most engaging news posts, the media coverage, with their tone.

The partial keeps at most ``top`` posts with their POST_ORDER keys, so two partials are
ranked again on merge and the answer never depends on which chunk a post was in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from brandscan.analyze.partial import POST_ORDER, Chunk, Context, Finished, top_posts, voices
from brandscan.schema import TOP_POST_COLUMNS

#: What a kept post carries: the columns shown and those it is ranked by.
KEEP_COLUMNS = tuple(dict.fromkeys([*TOP_POST_COLUMNS, *(c for c, _ in POST_ORDER)]))


@dataclass(frozen=True)
class NegativePosts:
    """The ``top`` most engaging negative posts (columns of ``TOP_POST_COLUMNS``)."""

    top: int = 10
    name: str = "negative_posts"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> pd.DataFrame:
        return pd.DataFrame({c: [] for c in KEEP_COLUMNS})

    def partial(self, chunk: Chunk, ctx: Context) -> pd.DataFrame:
        scored = chunk.scored
        return top_posts(scored[(scored["label"] == "negative").to_numpy() & voices(scored)],
                         self.top,
                         KEEP_COLUMNS)

    def merge(self, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        if b.empty:
            return a
        if a.empty:
            return b
        return top_posts(pd.concat([a, b], ignore_index=True), self.top, KEEP_COLUMNS)

    def finish(self, partial: pd.DataFrame, ctx: Context, run: Finished) -> pd.DataFrame:
        if partial.empty and not len(partial.columns):
            return pd.DataFrame({c: [] for c in TOP_POST_COLUMNS})
        return partial.head(self.top).loc[:, list(TOP_POST_COLUMNS)].reset_index(drop=True)


#: What the media coverage shows of each news post.
MEDIA_COLUMNS = (*TOP_POST_COLUMNS, "label")
_MEDIA_KEEP = tuple(dict.fromkeys([*MEDIA_COLUMNS, *(c for c, _ in POST_ORDER)]))


@dataclass(frozen=True)
class MediaCoverage:
    """The ``top`` most engaging news posts of the window, whatever their tone (columns of
    :data:`MEDIA_COLUMNS`): reports about the brand, shown apart from the opinions."""

    top: int = 5
    name: str = "media_coverage"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> pd.DataFrame:
        return pd.DataFrame({c: [] for c in _MEDIA_KEEP})

    def partial(self, chunk: Chunk, ctx: Context) -> pd.DataFrame:
        scored = chunk.scored
        if "genre" not in scored.columns:
            return self.empty(ctx)
        return top_posts(scored[(scored["genre"] == "news").to_numpy()], self.top,
                         _MEDIA_KEEP)

    def merge(self, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        if b.empty:
            return a
        if a.empty:
            return b
        return top_posts(pd.concat([a, b], ignore_index=True), self.top, _MEDIA_KEEP)

    def finish(self, partial: pd.DataFrame, ctx: Context, run: Finished) -> pd.DataFrame:
        if partial.empty and not len(partial.columns):
            return pd.DataFrame({c: [] for c in MEDIA_COLUMNS})
        return partial.head(self.top).loc[:, list(MEDIA_COLUMNS)].reset_index(drop=True)
