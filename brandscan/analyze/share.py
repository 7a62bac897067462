"""Share of voice: how much of the conversation each brand holds, and in what mood.

A post naming two brands counts once for each (it is part of both conversations), so a
period's shares sum to 1 over the brands compared. ``net_sentiment`` is
(positive − negative) / mentions, from −1 (all negative) to +1; it is empty for a brand
with no mentions in a period, because no posts have no mood.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from brandscan.config import Config
from brandscan.errors import BrandscanError
from brandscan.schema import ALL_POSTS, LABELS

if TYPE_CHECKING:
    from brandscan.engine.aggregates import Aggregate, Exact, Tally


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


def share_totals(scored: pd.DataFrame, config: Config, *, compare: Sequence[str] = ()
                 ) -> pd.DataFrame:
    """One row per brand over the whole frame (the columns of :func:`share_of_voice`
    without ``period``)."""
    from brandscan.engine.aggregates import Aggregate

    agg = Aggregate.of(scored, intervals=("day",))
    return totals_from_aggregate(agg, config, compare=compare)


def share_of_voice(scored: pd.DataFrame, config: Config, *, compare: Sequence[str] = (),
                   interval: str = "day", since: datetime | None = None,
                   until: datetime | None = None) -> pd.DataFrame:
    """Mentions, share of voice and sentiment mix per brand per period (empty periods too)."""
    from brandscan.engine.aggregates import Aggregate

    # The counts and exact sums the streaming engines merge: one implementation.
    agg = Aggregate.of(scored, intervals=(interval,))
    return share_from_aggregate(agg, config, compare=compare, interval=interval,
                                since=since, until=until)


def _brand_tally(agg: Aggregate, interval: str, names: list[str]) -> Tally:
    """Per (period, brand) tallies; the all-posts tally under one name when no brands."""
    from brandscan.engine.aggregates import Tally

    if names != [ALL_POSTS]:
        return agg.brand_periods[interval]
    t = agg.periods[interval]
    keys = pd.MultiIndex.from_arrays([t.counts.index, [ALL_POSTS] * len(t.counts)],
                                     names=["period", "brand"])
    return Tally(t.counts.set_axis(keys), {(k, ALL_POSTS): v for k, v in t.sentiment.items()})


def _columns(counts: pd.DataFrame, means: list[float]) -> pd.DataFrame:
    out = pd.DataFrame(index=counts.index)
    out["mentions"] = counts["mentions"].to_numpy(dtype="int64")
    for lab in LABELS:
        out[lab] = counts[lab].to_numpy(dtype="int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        m = out["mentions"].where(out["mentions"] > 0)
        out["net_sentiment"] = (out["positive"] - out["negative"]) / m
    out["mean_sentiment"] = means
    out["engagement"] = counts["engagement"].to_numpy(dtype="int64")
    return out


def totals_from_aggregate(agg: Aggregate, config: Config, *, compare: Sequence[str] = ()
                          ) -> pd.DataFrame:
    """:func:`share_totals` from merged partial aggregates (any interval they kept)."""
    from brandscan.engine.aggregates import ZERO, exact_add, exact_mean

    names = compared_brands(config, compare) or [ALL_POSTS]
    tally = _brand_tally(agg, agg.intervals[0], names)
    counts = tally.counts.groupby(level="brand").sum().reindex(names, fill_value=0)
    sums: dict[str, Exact] = {}
    for (_, brand), value in tally.sentiment.items():
        sums[brand] = exact_add(sums.get(brand, ZERO), value)
    means = [exact_mean(sums.get(b, ZERO), int(n)) for b, n in zip(names, counts["scored"])]
    out = _columns(counts, means)
    out.index.name = "brand"
    total = out["mentions"].sum()
    out.insert(1, "share_of_voice", out["mentions"] / total if total else 0.0)
    return out.reset_index().loc[:, [c for c in SHARE_COLUMNS if c != "period"]]


def share_from_aggregate(agg: Aggregate, config: Config, *, compare: Sequence[str] = (),
                         interval: str = "day", since: datetime | None = None,
                         until: datetime | None = None) -> pd.DataFrame:
    """:func:`share_of_voice` from merged partial aggregates (built with ``interval``)."""
    names = compared_brands(config, compare) or [ALL_POSTS]
    timeline = agg.timeline(interval, since=since, until=until)  # the periods of every post
    if timeline.empty:
        return pd.DataFrame({c: [] for c in SHARE_COLUMNS})
    periods = pd.DatetimeIndex(timeline["period"])
    tally = _brand_tally(agg, interval, names)
    keys = pd.MultiIndex.from_product(
        [pd.Index(periods.tz_convert("UTC").as_unit("ns").asi8), names],
        names=["period", "brand"])
    counts = tally.counts.reindex(keys, fill_value=0)
    out = _columns(counts, tally.means(keys))
    out.index = pd.MultiIndex.from_product([periods, names], names=["period", "brand"])
    totals = out["mentions"].groupby(level="period").transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        out.insert(1, "share_of_voice", (out["mentions"] / totals.where(totals > 0)).fillna(0.0))
    return out.reset_index().loc[:, list(SHARE_COLUMNS)]
