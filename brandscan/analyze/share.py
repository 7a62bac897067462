"""Share of voice: how much of the conversation each brand holds, and in what mood.

A post naming two brands counts once for each (it is part of both conversations), so a
period's shares sum to 1 over the brands compared. ``net_sentiment`` is
(positive − negative) / voices (the mentions whose genre carries the sentiment mix:
opinions by default), from −1 (all negative) to +1; it is empty for a brand with no
voices in a period, because no posts have no mood. ``positive``/``neutral``/``negative``
count voices only; ``mentions`` counts every post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from brandscan.analyze.partial import (
    ZERO,
    Chunk,
    Context,
    Exact,
    Finished,
    Tally,
    exact_add,
    exact_mean,
    utc_ns,
)
from brandscan.analyze.timeline import Periods, period_start
from brandscan.config import Config
from brandscan.errors import BrandscanError
from brandscan.schema import ALL_POSTS, LABELS

SHARE_COLUMNS = ("period", "brand", "mentions", "share_of_voice", "positive", "neutral",
                 "negative", "net_sentiment", "mean_sentiment", "engagement")


def compared_brands(config: Config, compare: Sequence[str] = ()) -> list[str]:
    """The brands to compare: those named (each must be configured), else all configured."""
    known = [b.name for b in config.brands]
    for name in compare:
        if name not in known:
            raise BrandscanError(f"--compare {name}: not a configured brand",
                                 hint=f"configured: {', '.join(known) or 'none'}")
    return list(dict.fromkeys(compare)) or known


@dataclass
class BrandPeriods:
    """Counts and exact sentiment sums per (period, brand), for each interval kept; a post
    naming two brands counts for both."""

    tallies: dict[str, Tally]

    @classmethod
    def empty(cls, intervals: Sequence[str]) -> BrandPeriods:
        return cls({i: Tally.empty(["period", "brand"]) for i in intervals})

    @classmethod
    def of(cls, scored: pd.DataFrame, intervals: Sequence[str]) -> BrandPeriods:
        out = cls.empty(intervals)
        exploded = _brand_rows(scored) if len(scored) else None
        if exploded is None:
            return out
        rows, names = exploded
        times = scored["created_at"]
        for interval in intervals:
            start = utc_ns(period_start(times, interval))
            out.tallies[interval] = Tally.of(
                pd.DataFrame({"period": start[rows], "brand": names}), scored.iloc[rows])
        return out

    def merge(self, other: BrandPeriods) -> BrandPeriods:
        if self.tallies.keys() != other.tallies.keys():
            raise ValueError("brand periods kept for different intervals cannot be merged")
        return BrandPeriods({i: t.merge(other.tallies[i]) for i, t in self.tallies.items()})


@dataclass
class Voices:
    """The partial of share of voice: every post's periods and the brands' periods."""

    periods: Periods
    brands: BrandPeriods

    def merge(self, other: Voices) -> Voices:
        return Voices(self.periods.merge(other.periods), self.brands.merge(other.brands))


@dataclass(frozen=True)
class ShareOfVoice:
    """Share of voice per brand and ``interval`` (None: one row per brand, the totals)."""

    interval: str | None = "day"
    compare: tuple[str, ...] = ()
    name: str = "share_of_voice"
    needs: tuple[str, ...] = ()

    def kept(self) -> tuple[str, ...]:
        return (self.interval or "day",)

    def empty(self, ctx: Context) -> Voices:
        return Voices(Periods.empty(ctx.tz, self.kept()), BrandPeriods.empty(self.kept()))

    def partial(self, chunk: Chunk, ctx: Context) -> Voices:
        return Voices(Periods.of(chunk.scored, self.kept()),
                      BrandPeriods.of(chunk.scored, self.kept()))

    def merge(self, a: Voices, b: Voices) -> Voices:
        return a.merge(b)

    def finish(self, partial: Voices, ctx: Context, run: Finished) -> pd.DataFrame:
        if self.interval is None:
            return totals_of(partial, ctx.config, compare=self.compare)
        return table_of(partial, ctx.config, compare=self.compare, interval=self.interval,
                           since=ctx.since, until=ctx.until)


#: ``timeline --by brand``: the timeline's columns, one row per period and brand.
BRAND_TIMELINE_COLUMNS = ("period", "brand", "mentions", "positive", "neutral", "negative",
                          "negative_share", "mean_sentiment", "engagement")


@dataclass(frozen=True)
class BrandTimeline:
    """One timeline per brand (``timeline --by brand``): the selected brands (``--brand``),
    else every configured one; a post naming two brands is in both timelines."""

    interval: str = "day"
    name: str = "brand_timeline"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> Voices:
        return ShareOfVoice(self.interval).empty(ctx)

    def partial(self, chunk: Chunk, ctx: Context) -> Voices:
        return ShareOfVoice(self.interval).partial(chunk, ctx)

    def merge(self, a: Voices, b: Voices) -> Voices:
        return a.merge(b)

    def finish(self, partial: Voices, ctx: Context, run: Finished) -> pd.DataFrame:
        table = table_of(partial, ctx.config, compare=ctx.brands, interval=self.interval,
                         since=ctx.since, until=ctx.until)
        voiced = table["positive"] + table["neutral"] + table["negative"]
        with np.errstate(invalid="ignore", divide="ignore"):
            table["negative_share"] = table["negative"] / voiced.where(voiced > 0)  # NaN: none
        return table.loc[:, list(BRAND_TIMELINE_COLUMNS)]


def share_of_voice(scored: pd.DataFrame, config: Config, *, compare: Sequence[str] = (),
                   interval: str | None = "day", since: datetime | None = None,
                   until: datetime | None = None) -> pd.DataFrame:
    """Mentions, share of voice and sentiment mix per brand per period (empty periods
    too), or per brand over the whole frame with ``interval`` None. The frame is one
    chunk of the partials the streaming engines merge."""
    kept = (interval or "day",)
    voices = Voices(Periods.of(scored, kept), BrandPeriods.of(scored, kept))
    if interval is None:
        return totals_of(voices, config, compare=compare)
    return table_of(voices, config, compare=compare, interval=interval, since=since,
                    until=until)


def share_totals(scored: pd.DataFrame, config: Config, *, compare: Sequence[str] = ()
                 ) -> pd.DataFrame:
    """One row per brand over the whole frame (the columns of :func:`share_of_voice`
    without ``period``)."""
    return share_of_voice(scored, config, compare=compare, interval=None)


def _brand_tally(voices: Voices, interval: str, names: list[str]) -> Tally:
    """Per (period, brand) tallies; the all-posts tally under one name when no brands."""
    if names != [ALL_POSTS]:
        return voices.brands.tallies[interval]
    t = voices.periods.tally(interval)
    keys = pd.MultiIndex.from_arrays([t.counts.index, [ALL_POSTS] * len(t.counts)],
                                     names=["period", "brand"])
    return Tally(t.counts.set_axis(keys), {(k, ALL_POSTS): v for k, v in t.sentiment.items()})


def _columns(counts: pd.DataFrame, means: list[float]) -> pd.DataFrame:
    out = pd.DataFrame(index=counts.index)
    out["mentions"] = counts["mentions"].to_numpy(dtype="int64")
    for lab in LABELS:
        out[lab] = counts[lab].to_numpy(dtype="int64")
    voiced = pd.Series(counts["voices"].to_numpy(dtype="int64"), index=out.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = voiced.where(voiced > 0)
        out["net_sentiment"] = (out["positive"] - out["negative"]) / m
    out["mean_sentiment"] = means
    out["engagement"] = counts["engagement"].to_numpy(dtype="int64")
    return out


def totals_of(voices: Voices, config: Config, *, compare: Sequence[str] = ()
                 ) -> pd.DataFrame:
    """One row per brand over all periods (the columns of :data:`SHARE_COLUMNS` without
    ``period``), from merged partials (any interval they kept)."""
    names = compared_brands(config, compare) or [ALL_POSTS]
    tally = _brand_tally(voices, voices.periods.intervals[0], names)
    counts = tally.counts.groupby(level="brand").sum().reindex(names, fill_value=0)
    sums: dict[str, Exact] = {}
    for (_, brand), value in tally.sentiment.items():
        sums[brand] = exact_add(sums.get(brand, ZERO), value)
    means = [exact_mean(sums.get(b, ZERO), int(n)) for b, n in zip(names, counts["scored"])]
    out = _columns(counts, means)
    out.index.name = "brand"
    total = out["mentions"].sum()
    out.insert(1, "share_of_voice", out["mentions"] / total if total else np.nan)
    return out.reset_index().loc[:, [c for c in SHARE_COLUMNS if c != "period"]]


def table_of(voices: Voices, config: Config, *, compare: Sequence[str] = (),
                interval: str = "day", since: datetime | None = None,
                until: datetime | None = None) -> pd.DataFrame:
    """Per brand and period, from merged partials (kept with ``interval``)."""
    names = compared_brands(config, compare) or [ALL_POSTS]
    # The periods of every post, in the posts' timezone.
    timeline = voices.periods.table(interval, since=since, until=until)
    if timeline.empty:
        return pd.DataFrame({c: [] for c in SHARE_COLUMNS})
    periods = pd.DatetimeIndex(timeline["period"])
    tally = _brand_tally(voices, interval, names)
    keys = pd.MultiIndex.from_product(
        [pd.Index(periods.tz_convert("UTC").as_unit("ns").asi8), names],
        names=["period", "brand"])
    counts = tally.counts.reindex(keys, fill_value=0)
    out = _columns(counts, tally.means(keys))
    out.index = pd.MultiIndex.from_product([periods, names], names=["period", "brand"])
    totals = out["mentions"].groupby(level="period").transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        # A period nobody was mentioned in has no shares (NaN), like the timeline's.
        out.insert(1, "share_of_voice", out["mentions"] / totals.where(totals > 0))
    return out.reset_index().loc[:, list(SHARE_COLUMNS)]


def _brand_rows(scored: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """(row positions, brand names): one entry per post and brand it names."""
    if "brands" not in scored:
        return None
    # Few distinct cells (combinations of brands): split each once, then expand by code.
    codes, cells = pd.factorize(scored["brands"].to_numpy(dtype=object),
                                use_na_sentinel=False)
    names = [list(dict.fromkeys(b for b in c.split(";") if b)) if isinstance(c, str) else []
             for c in cells]
    counts = np.asarray([len(n) for n in names], dtype=np.int64)
    if not counts.any():
        return None
    per_row = counts[codes]
    rows = np.repeat(np.arange(len(codes)), per_row)
    flat = np.asarray([b for n in names for b in n], dtype=object)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    within = np.arange(per_row.sum()) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, flat[np.repeat(start[codes], per_row) + within]
