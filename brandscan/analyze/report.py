"""The one-page answer: headline numbers, sentiment mix, timeline, complaints, worst posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from brandscan.analyze.complaints import complaints
from brandscan.analyze.timeline import timeline
from brandscan.config import Config
from brandscan.load.accounting import LoadReport

TOP_POST_COLUMNS = ("created_at", "author", "followers", "reposts", "comments", "likes",
                    "sentiment", "text", "url")


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
    extra: dict[str, Any] = field(default_factory=dict)


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
                 progress: Callable[[int], None] | None = None) -> Report:
    """Assemble every section from the scored posts and the load accounting."""
    interval = interval or auto_interval(scored)
    tl = timeline(scored, interval=interval, tz=config.timezone, since=since, until=until)
    n = len(scored)
    counts = scored["label"].value_counts()
    mix = pd.DataFrame({
        "label": ["positive", "neutral", "negative"],
        "posts": [int(counts.get(k, 0)) for k in ("positive", "neutral", "negative")],
    })
    mix["share"] = mix["posts"] / n if n else 0.0
    peak = tl.loc[tl["mentions"].idxmax()] if len(tl) and tl["mentions"].max() > 0 else None
    headline: dict[str, Any] = {
        "mentions": n,
        "posts": int((scored["kind"] == "post").sum()),
        "comments": int((scored["kind"] == "comment").sum()),
        "authors": int(scored["author"].replace("", pd.NA).nunique()),
        "first": scored["created_at"].min() if n else None,
        "last": scored["created_at"].max() if n else None,
        "negative_share": float(counts.get("negative", 0) / n) if n else 0.0,
        "mean_sentiment": float(scored["sentiment"].mean()) if n else None,
        "engagement": int(scored["engagement"].sum()),
        "peak_period": peak["period"] if peak is not None else None,
        "peak_mentions": int(peak["mentions"]) if peak is not None else 0,
        "brands": ", ".join(b.name for b in config.brands) or "(all posts)",
        "model": model,
        "rows_read": load.total("rows_read"),
        "rows_skipped": len(load.skipped),
        "duplicates": load.total("duplicates"),
    }
    neg = scored[scored["label"] == "negative"].sort_values(
        ["engagement", "created_at"], ascending=[False, True])
    worst = neg.head(top).loc[:, list(TOP_POST_COLUMNS)].reset_index(drop=True)
    reasons = load.skip_reasons
    skipped = pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())})
    top_complaints = complaints(scored, config, top=top, jobs=jobs, progress=progress)
    return Report(headline, mix, tl, interval, top_complaints, worst, skipped)
