"""The one-page answer: headline numbers, sentiment mix, timeline, complaints, worst posts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from brandscan.config import Config
from brandscan.load.accounting import LoadReport
from brandscan.schema import ALL_POSTS


@dataclass
class Report:
    """Sections of a report, each a plain value or a DataFrame a renderer can show."""

    headline: dict[str, Any]
    sentiment_mix: pd.DataFrame
    timeline: pd.DataFrame
    interval: str
    complaints: pd.DataFrame
    negative_posts: pd.DataFrame
    skipped: pd.DataFrame
    # The crisis radar (analyze.alerts, .response, .share, .influencers): None when not
    # computed, so a renderer can tell "not computed" from "nothing in this window".
    alerts: pd.DataFrame | None = None  # alerts fired in the window, oldest first
    response: pd.DataFrame | None = None  # the brand's response time to each negative spike
    share_of_voice: pd.DataFrame | None = None  # per brand over the window
    share_by_period: pd.DataFrame | None = None  # per brand per period
    influencers: pd.DataFrame | None = None  # authors by reach (only the xlsx/html reports)


def auto_interval(scored: pd.DataFrame) -> str:
    """Hours for up to three days of posts, days up to ten weeks, weeks beyond."""
    if scored.empty:
        return "day"
    span = scored["created_at"].max() - scored["created_at"].min()
    if span <= pd.Timedelta(days=3):
        return "hour"
    return "day" if span <= pd.Timedelta(weeks=10) else "week"


def build_report(scored: pd.DataFrame, config: Config, load: LoadReport, *,
                 interval: str | None = None, top: int = 10, model: str = "",
                 since: Any = None, until: Any = None, jobs: int = 1,
                 progress: Callable[[int], None] | None = None,
                 history: pd.DataFrame | None = None, posts: pd.DataFrame | None = None,
                 brands: Sequence[str] = (), influencers: bool = False) -> Report:
    """Assemble every section from the scored posts and the load accounting.

    ``history`` (scored posts before the window too) gives the alert baselines, ``posts``
    (every loaded post) the brand's official replies; both default to ``scored``.
    ``brands`` are the ``--brand`` names the posts were selected by; ``influencers`` adds
    the influencer ranking (the xlsx and html reports show it).
    """
    from brandscan.analyze.alerts import frame_window_posts
    from brandscan.engine.aggregates import Aggregate
    from brandscan.engine.radar import RadarPartial, add_radar

    # One implementation for every engine: the whole frame is one chunk of aggregates.
    agg = Aggregate.of(scored, config, top=top, terms=True, jobs=jobs, progress=progress)
    rep = report_from_aggregate(agg, config, load, interval=interval, top=top, model=model,
                                since=since, until=until)
    base = history if history is not None else scored
    radar = RadarPartial.of(base, config, posts=posts if posts is not None and len(posts)
                            else None, brands=brands, since=since, until=until,
                            authors=influencers)
    add_radar(rep, radar, agg, config, window_posts=frame_window_posts(base), brands=brands,
              since=since, until=until, influencers=influencers, top=top)
    return rep


def report_from_aggregate(agg: Any, config: Config, load: LoadReport, *,
                          interval: str | None = None, top: int = 10, model: str = "",
                          since: Any = None, until: Any = None) -> Report:
    """The report's sections from merged partial aggregates
    (:class:`brandscan.engine.aggregates.Aggregate`, built with complaint terms and at
    least ``top`` negative posts) — what ``--engine stream`` and ``--engine dask`` build
    without ever holding the posts. :func:`build_report` goes through here too.
    """
    from brandscan.engine.aggregates import exact_mean

    interval = interval or agg.auto_interval()
    tl = agg.timeline(interval, tz=config.timezone, since=since, until=until)
    n = agg.mentions
    peak = tl.loc[tl["mentions"].idxmax()] if len(tl) and tl["mentions"].max() > 0 else None
    headline: dict[str, Any] = {
        "mentions": n,
        "posts": agg.posts,
        "comments": agg.comments,
        "authors": len(agg.authors),
        "first": agg.first_time(),
        "last": agg.last_time(),
        "negative_share": agg.negative / n if n else 0.0,
        "mean_sentiment": exact_mean(agg.sentiment, agg.scored) if n else None,
        "engagement": agg.engagement,
        "peak_period": peak["period"] if peak is not None else None,
        "peak_mentions": int(peak["mentions"]) if peak is not None else 0,
        "brands": ", ".join(b.name for b in config.brands) or ALL_POSTS,
        "model": model,
        "rows_read": load.total("rows_read"),
        "rows_skipped": len(load.skipped),
        "duplicates": load.total("duplicates"),
    }
    reasons = load.skip_reasons
    skipped = pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())})
    return Report(headline, agg.sentiment_mix(), tl, interval, agg.complaints(config, top=top),
                  agg.negative_posts(top), skipped)
