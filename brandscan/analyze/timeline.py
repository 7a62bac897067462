"""Mentions and sentiment per hour, day or week, with empty periods shown as zeros."""

from __future__ import annotations

from datetime import datetime

import numpy as np
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


def _range(start: pd.Timestamp, end: pd.Timestamp, interval: str) -> pd.DatetimeIndex:
    freq = {"hour": "h", "day": "D", "week": "7D"}[interval]
    return pd.date_range(start, end, freq=freq)


def timeline(scored: pd.DataFrame, *, interval: str = "day", tz: str = "Asia/Shanghai",
             since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """One row per period from the first to the last post (or the window's ends).

    ``negative_share`` is negative / mentions (0 for an empty period); ``mean_sentiment``
    is NaN for an empty period, because no posts have no mean.
    """
    periods = period_start(scored["created_at"], interval)
    first = periods.min() if len(periods) else None
    last = periods.max() if len(periods) else None
    if since is not None:
        first = period_start(pd.Series([pd.Timestamp(since).tz_convert(tz)]), interval)[0]
    if until is not None:
        end = pd.Timestamp(until).tz_convert(tz) - pd.Timedelta(microseconds=1)
        last = period_start(pd.Series([end]), interval)[0]
    if first is None or last is None or first > last:
        return pd.DataFrame({c: [] for c in TIMELINE_COLUMNS})
    index = _range(first, last, interval)
    df = scored.assign(period=periods)
    grouped = df.groupby("period")
    labels = pd.crosstab(df["period"], df["label"]) if len(df) else pd.DataFrame()
    out = pd.DataFrame(index=index)
    out["mentions"] = grouped.size().reindex(index, fill_value=0).astype("int64")
    for lab in ("positive", "neutral", "negative"):
        col = labels[lab] if lab in labels else pd.Series(dtype="int64")
        out[lab] = col.reindex(index, fill_value=0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = out["negative"] / out["mentions"].where(out["mentions"] > 0)
    out["negative_share"] = share.fillna(0.0)
    out["mean_sentiment"] = grouped["sentiment"].mean().reindex(index)
    out["engagement"] = grouped["engagement"].sum().reindex(index, fill_value=0).astype("int64")
    out.index.name = "period"
    return out.reset_index()
