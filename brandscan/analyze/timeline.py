"""Mentions and sentiment per hour, day, week or month, with empty periods shown as zeros.

The partial (:class:`Periods`) holds integer counts and exact sentiment sums per period
for every interval asked for, and the first and last post time: ``report`` picks its
interval from the time span, which a stream knows only at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze import AUTO_INTERVALS, INTERVALS
from brandscan.analyze.partial import Chunk, Context, Finished, Tally, utc_ns
from brandscan.schema import LABELS

TIMELINE_COLUMNS = ("period", "mentions", "positive", "neutral", "negative", "negative_share",
                    "mean_sentiment", "engagement")


def period_start(times: pd.Series, interval: str) -> pd.Series:
    """Start of each timestamp's period in its own timezone (weeks start on Monday,
    months on their first day: calendar months of the timezone's wall clock)."""
    if interval == "hour":
        return times.dt.floor("h", ambiguous=False, nonexistent="shift_backward")
    day = times.dt.normalize()
    if interval == "day":
        return day
    if interval == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if interval == "month":
        # On the wall clock: a month is not a fixed number of hours (DST, 28-31 days).
        wall = day.dt.tz_localize(None)
        first = wall - pd.to_timedelta(wall.dt.day - 1, unit="D")
        return first.dt.tz_localize(times.dt.tz, ambiguous=False,
                                    nonexistent="shift_forward")
    raise ValueError(f"unknown interval {interval!r}")


def period_range(first: pd.Timestamp | None, last: pd.Timestamp | None, interval: str,
                 tz: Any, since: datetime | None, until: datetime | None
                 ) -> pd.DatetimeIndex | None:
    """Every period from ``first`` to ``last``, widened to the window ``[since, until)``.

    None when there is no period at all (no posts and no window, or an empty window).
    """
    if since is not None:
        first = period_start(pd.Series([pd.Timestamp(since).tz_convert(tz)]), interval)[0]
    if until is not None:
        end = pd.Timestamp(until).tz_convert(tz) - pd.Timedelta(microseconds=1)
        last = period_start(pd.Series([end]), interval)[0]
    if first is None or last is None or first > last:
        return None
    freq = {"hour": "h", "day": "D", "week": "7D", "month": "MS"}[interval]
    return pd.date_range(first, last, freq=freq)


def auto_interval(first: pd.Timestamp | int | None, last: pd.Timestamp | int | None) -> str:
    """Hours for up to three days of posts, days up to ten weeks, weeks beyond."""
    if first is None or last is None:
        return "day"
    span = pd.Timedelta(last - first, unit="ns") if isinstance(first, int) else last - first
    if span <= pd.Timedelta(days=3):
        return "hour"
    return "day" if span <= pd.Timedelta(weeks=10) else "week"


def _check_intervals(intervals: Sequence[str]) -> None:
    unknown = [i for i in intervals if i not in INTERVALS]
    if unknown:
        raise ValueError(f"unknown interval {unknown[0]!r}")


@dataclass
class Periods:
    """Counts and exact sentiment sums per period, for each interval kept.

    ``tz`` is the posts' timezone (periods start at its midnights); ``first``/``last``
    the first and last post time (UTC ns), which fix the periods shown and the automatic
    interval.
    """

    tz: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    first: int | None = None
    last: int | None = None

    @classmethod
    def empty(cls, tz: str, intervals: Sequence[str]) -> Periods:
        return cls(tz, {i: Tally.empty(["period"]) for i in intervals})

    @classmethod
    def of(cls, scored: pd.DataFrame, intervals: Sequence[str]) -> Periods:
        """The counts of one chunk of scored posts."""
        _check_intervals(intervals)
        out = cls.empty(str(scored["created_at"].dt.tz), intervals)
        if scored.empty:
            return out
        times = scored["created_at"]
        ns = utc_ns(times)
        out.first, out.last = int(ns.min()), int(ns.max())
        for interval in intervals:
            start = utc_ns(period_start(times, interval))
            out.tallies[interval] = Tally.of(pd.DataFrame({"period": start}), scored)
        return out

    def merge(self, other: Periods) -> Periods:
        if self.tallies.keys() != other.tallies.keys():
            raise ValueError("periods kept for different intervals cannot be merged")
        firsts = [x for x in (self.first, other.first) if x is not None]
        lasts = [x for x in (self.last, other.last) if x is not None]
        return Periods(self.tz, {i: t.merge(other.tallies[i]) for i, t in self.tallies.items()},
                       min(firsts) if firsts else None, max(lasts) if lasts else None)

    @property
    def intervals(self) -> tuple[str, ...]:
        return tuple(self.tallies)

    def auto_interval(self) -> str:
        return auto_interval(self.first, self.last)

    def first_time(self) -> pd.Timestamp | None:
        return None if self.first is None else from_ns(self.first, self.tz)

    def last_time(self) -> pd.Timestamp | None:
        return None if self.last is None else from_ns(self.last, self.tz)

    def tally(self, interval: str) -> Tally:
        if interval not in self.tallies:
            if interval not in INTERVALS:
                raise ValueError(f"unknown interval {interval!r}")
            raise ValueError(f"these periods were kept without {interval!r}")
        return self.tallies[interval]

    def index(self, periods: pd.Index, interval: str, tz: str | None,
              since: datetime | None, until: datetime | None) -> pd.DatetimeIndex | None:
        """Every period from the first to the last of ``periods`` (UTC ns), widened to
        the window, in ``tz`` (default the posts')."""
        ns = np.asarray(periods, dtype=np.int64)
        first = from_ns(int(ns.min()), self.tz) if len(ns) else None
        last = from_ns(int(ns.max()), self.tz) if len(ns) else None
        return period_range(first, last, interval, tz or self.tz, since, until)

    def table(self, interval: str = "day", *, tz: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
        """Columns of :data:`TIMELINE_COLUMNS`; empty periods are zero counts with NaN
        ``negative_share`` and ``mean_sentiment``.

        One row per period from the first to the last post, or from ``since`` to just
        before ``until`` (in ``tz``, default the posts' timezone).
        """
        tally = self.tally(interval)
        index = self.index(tally.counts.index, interval, tz, since, until)
        if index is None:
            return pd.DataFrame({c: [] for c in TIMELINE_COLUMNS})
        keys = ns_index(index)
        counts = tally.counts.reindex(keys, fill_value=0)
        out = pd.DataFrame(index=index)
        for col in ("mentions", *LABELS):
            out[col] = counts[col].to_numpy(dtype="int64")
        voiced = counts["voices"].to_numpy(dtype="int64")
        # A period without voices has no share (NaN: an empty cell, JSON null), not 0 %:
        # a chart's line breaks there instead of dropping to zero.
        with np.errstate(invalid="ignore", divide="ignore"):
            out["negative_share"] = (out["negative"]
                                     / pd.Series(voiced, index=out.index).where(voiced > 0))
        out["mean_sentiment"] = tally.means(keys)
        out["engagement"] = counts["engagement"].to_numpy(dtype="int64")
        out.index.name = "period"
        return out.reset_index()


def ns_index(index: pd.DatetimeIndex) -> pd.Index:
    """The UTC-nanosecond keys periods are stored under."""
    return pd.Index(index.tz_convert("UTC").as_unit("ns").asi8, name="period")


def from_ns(value: int, tz: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC").tz_convert(tz)


@dataclass(frozen=True)
class Timeline:
    """Mentions and sentiment per period: ``interval``, or the one the span calls for."""

    interval: str | None = "day"
    intervals: tuple[str, ...] = ()  # kept besides ``interval`` (AUTO_INTERVALS when None)
    name: str = "timeline"
    needs: tuple[str, ...] = ()

    def kept(self) -> tuple[str, ...]:
        if self.interval is None:
            return self.intervals or AUTO_INTERVALS
        return tuple(dict.fromkeys((self.interval, *self.intervals)))

    def partial(self, chunk: Chunk, ctx: Context) -> Periods:
        return Periods.of(chunk.scored, self.kept())

    def empty(self, ctx: Context) -> Periods:
        return Periods.empty(ctx.tz, self.kept())

    def merge(self, a: Periods, b: Periods) -> Periods:
        return a.merge(b)

    def finish(self, partial: Periods, ctx: Context, run: Finished) -> pd.DataFrame:
        interval = self.interval or partial.auto_interval()
        return partial.table(interval, tz=ctx.tz, since=ctx.since, until=ctx.until)


def timeline(scored: pd.DataFrame, *, interval: str = "day", tz: str = "Asia/Shanghai",
             since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """One row per period from the first to the last post (or the window's ends).

    ``mentions`` counts every post; the labels, ``negative_share`` (negative / voices,
    NaN for a period without any) and ``mean_sentiment`` (correctly rounded, NaN without
    voices) count the voices: posts whose genre carries the sentiment mix.
    The frame is one chunk of the same partials the streaming engines merge.
    """
    return Periods.of(scored, (interval,)).table(interval, tz=tz, since=since, until=until)
