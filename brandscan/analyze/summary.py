"""The report's headline numbers: mentions, posts and comments, authors, the sentiment mix.

Integer counts, an exact sum of scores and the authors' 64-bit name hashes: a partial
that merges chunk by chunk to the same numbers as one pass over every post.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brandscan.analyze.partial import (
    ZERO,
    Chunk,
    Context,
    Exact,
    Finished,
    exact_add,
    exact_group_sums,
    exact_mean,
    hash_strings,
    utc_ns,
    voices,
)
from brandscan.schema import GENRES, LABELS


@dataclass
class Totals:
    """Counts and sums over some scored posts; :meth:`merge` adds another chunk's."""

    tz: str
    mentions: int = 0
    posts: int = 0
    comments: int = 0
    labels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    engagement: int = 0
    scored: int = 0  # voices with a sentiment score
    voices: int = 0  # posts whose genre carries the sentiment mix (labels count these)
    genres: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GENRES, 0))
    #: Labels of the news posts: the tone of the media coverage, shown apart.
    news: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    sentiment: Exact = ZERO
    first: int | None = None  # UTC nanoseconds
    last: int | None = None
    authors: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    #: Comments counted for the brands of the post they answer only (``comments`` name a
    #: brand themselves).
    thread_comments: int = 0

    @classmethod
    def of(cls, scored: pd.DataFrame) -> Totals:
        out = cls(str(scored["created_at"].dt.tz))
        n = len(scored)
        if n == 0:
            return out
        kind = scored["kind"]
        voice = voices(scored)
        label = scored["label"].to_numpy(dtype=object)
        sentiment = np.where(voice, scored["sentiment"].to_numpy(dtype=np.float64), np.nan)
        out.mentions = n
        thread = (scored["thread"].to_numpy(dtype=bool) if "thread" in scored.columns
                  else np.zeros(n, dtype=bool))
        out.posts = int((kind == "post").sum())
        out.comments = int(((kind == "comment").to_numpy() & ~thread).sum())
        out.thread_comments = int(((kind != "post").to_numpy() & thread).sum())
        out.labels = {lab: int(((label == lab) & voice).sum()) for lab in LABELS}
        out.voices = int(voice.sum())
        if "genre" in scored.columns:
            genre = scored["genre"].to_numpy(dtype=object)
            out.genres = {g: int((genre == g).sum()) for g in GENRES}
            out.news = {lab: int(((label == lab) & (genre == "news")).sum()) for lab in LABELS}
        else:
            out.genres = {g: n if g == "opinion" else 0 for g in GENRES}
        out.engagement = int(scored["engagement"].sum())
        out.scored = int((~np.isnan(sentiment)).sum())
        out.sentiment = exact_group_sums(np.zeros(n, dtype=np.int64), sentiment).get(0, ZERO)
        ns = utc_ns(scored["created_at"])
        out.first, out.last = int(ns.min()), int(ns.max())
        names = scored["author"].to_numpy(dtype=object)
        out.authors = np.unique(hash_strings(names[names != ""]))
        return out

    def merge(self, other: Totals) -> Totals:
        if self.tz != other.tz:
            raise ValueError("totals of posts in different timezones cannot be merged")
        firsts = [x for x in (self.first, other.first) if x is not None]
        lasts = [x for x in (self.last, other.last) if x is not None]
        return Totals(
            self.tz, self.mentions + other.mentions, self.posts + other.posts,
            self.comments + other.comments,
            {lab: self.labels[lab] + other.labels[lab] for lab in LABELS},
            self.engagement + other.engagement, self.scored + other.scored,
            self.voices + other.voices,
            {g: self.genres[g] + other.genres[g] for g in GENRES},
            {lab: self.news[lab] + other.news[lab] for lab in LABELS},
            exact_add(self.sentiment, other.sentiment),
            min(firsts) if firsts else None, max(lasts) if lasts else None,
            np.union1d(self.authors, other.authors),
            self.thread_comments + other.thread_comments)

    @property
    def negative(self) -> int:
        return self.labels["negative"]

    @property
    def mean_sentiment(self) -> float | None:
        return exact_mean(self.sentiment, self.scored) if self.scored else None

    def sentiment_mix(self) -> pd.DataFrame:
        """Voices and share per label."""
        mix = pd.DataFrame({"label": list(LABELS),
                            "posts": [self.labels[lab] for lab in LABELS]})
        mix["share"] = mix["posts"] / self.voices if self.voices else 0.0
        return mix

    @property
    def negative_share(self) -> float:
        """Negative voices / voices (0 without any)."""
        return self.negative / self.voices if self.voices else 0.0


@dataclass(frozen=True)
class Summary:
    """The totals of the window's posts (finished as they are)."""

    name: str = "summary"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> Totals:
        return Totals(ctx.tz)

    def partial(self, chunk: Chunk, ctx: Context) -> Totals:
        return Totals.of(chunk.scored)

    def merge(self, a: Totals, b: Totals) -> Totals:
        return a.merge(b)

    def finish(self, partial: Totals, ctx: Context, run: Finished) -> Totals:
        return partial
