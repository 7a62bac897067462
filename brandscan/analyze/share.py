"""Share of voice: how much of the conversation each brand holds, and in what mood.

A post naming two brands counts once for each (it is part of both conversations), so a
period's shares sum to 1 over the brands compared. ``net_sentiment`` is
(positive − negative) / mentions, from −1 (all negative) to +1; it is empty for a brand
with no mentions in a period, because no posts have no mood.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from brandscan.analyze.timeline import period_range, period_start
from brandscan.config import Config
from brandscan.errors import BrandscanError

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


def _exploded(scored: pd.DataFrame, brands: Sequence[str]) -> pd.DataFrame:
    if not brands:
        return scored.assign(brand="(all posts)")
    cells = scored["brands"].str.split(";")
    df = scored.assign(brand=cells).explode("brand")
    return df[df["brand"].isin(list(brands))]


def _summarise(df: pd.DataFrame, keys: list[str], index: pd.Index) -> pd.DataFrame:
    g = df.groupby(keys, sort=False)
    out = pd.DataFrame(index=index)
    out["mentions"] = g.size().reindex(index, fill_value=0).astype("int64")
    for lab in ("positive", "neutral", "negative"):
        out[lab] = (df["label"] == lab).groupby([df[k] for k in keys]).sum().reindex(
            index, fill_value=0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        m = out["mentions"].where(out["mentions"] > 0)
        out["net_sentiment"] = (out["positive"] - out["negative"]) / m
    out["mean_sentiment"] = g["sentiment"].mean().reindex(index)
    out["engagement"] = g["engagement"].sum().reindex(index, fill_value=0).astype("int64")
    return out


def share_totals(scored: pd.DataFrame, config: Config, *, compare: Sequence[str] = ()
                 ) -> pd.DataFrame:
    """One row per brand over the whole frame (the columns of :func:`share_of_voice`
    without ``period``)."""
    brands = compared_brands(config, compare)
    df = _exploded(scored, brands)
    out = _summarise(df, ["brand"], pd.Index(brands or ["(all posts)"], name="brand"))
    total = out["mentions"].sum()
    out.insert(1, "share_of_voice", out["mentions"] / total if total else 0.0)
    return out.reset_index().loc[:, [c for c in SHARE_COLUMNS if c != "period"]]


def share_of_voice(scored: pd.DataFrame, config: Config, *, compare: Sequence[str] = (),
                   interval: str = "day", since: datetime | None = None,
                   until: datetime | None = None) -> pd.DataFrame:
    """Mentions, share of voice and sentiment mix per brand per period (empty periods too)."""
    brands = compared_brands(config, compare)
    names = brands or ["(all posts)"]
    df = _exploded(scored, brands)
    if scored.empty and since is None:
        return pd.DataFrame({c: [] for c in SHARE_COLUMNS})
    periods = period_start(df["created_at"], interval) if len(df) else pd.Series(
        dtype=scored["created_at"].dtype)
    tz = scored["created_at"].dt.tz
    first = period_start(scored["created_at"], interval).min() if len(scored) else None
    last = period_start(scored["created_at"], interval).max() if len(scored) else None
    periods_range = period_range(first, last, interval, tz, since, until)
    if periods_range is None:
        return pd.DataFrame({c: [] for c in SHARE_COLUMNS})
    index = pd.MultiIndex.from_product([periods_range, names],
                                       names=["period", "brand"])
    out = _summarise(df.assign(period=periods), ["period", "brand"], index)
    totals = out["mentions"].groupby(level="period").transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        out.insert(1, "share_of_voice", (out["mentions"] / totals.where(totals > 0)).fillna(0.0))
    return out.reset_index().loc[:, list(SHARE_COLUMNS)]
