"""Mentions and sentiment per hour, day or week, with empty periods shown as zeros."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

INTERVALS = ("hour", "day", "week")
TIMELINE_COLUMNS = ("period", "mentions", "positive", "neutral", "negative", "negative_share",
                    "mean_sentiment", "engagement")


def period_start(times: pd.Series, interval: str) -> pd.Series:
    """Start of each timestamp's period in its own timezone (weeks start on Monday)."""
    if interval == "hour":
        return times.dt.floor("h", ambiguous=False, nonexistent="shift_backward")
    day = times.dt.normalize()
    if interval == "day":
        return day
    if interval == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
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
    freq = {"hour": "h", "day": "D", "week": "7D"}[interval]
    return pd.date_range(first, last, freq=freq)


def timeline(scored: pd.DataFrame, *, interval: str = "day", tz: str = "Asia/Shanghai",
             since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """One row per period from the first to the last post (or the window's ends).

    ``negative_share`` is negative / mentions (0 for an empty period); ``mean_sentiment``
    is the correctly rounded mean, NaN for an empty period, because no posts have no mean.
    """
    from brandscan.engine.aggregates import Aggregate

    # Counts and exact sums per period, the same code the streaming engines merge, so a
    # file read whole or in chunks gives the same table (means correctly rounded).
    agg = Aggregate.of(scored, intervals=(interval,))
    return agg.timeline(interval, tz=tz, since=since, until=until)
