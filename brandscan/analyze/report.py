"""The one-page answer: headline numbers, sentiment mix, timeline, complaints, worst posts,
and the crisis radar (alerts, response times, share of voice, influencers).

:class:`ReportAnalysis` composes the other analyses: its partial holds theirs, merged
member by member, and its finish reads each section off them — one pass over the posts
for the whole report, whatever the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from brandscan.analyze.alerts import Alerts
from brandscan.analyze.complaints import Aspects, Complaints
from brandscan.analyze.influencers import Influencers
from brandscan.analyze.negatives import MediaCoverage, NegativePosts
from brandscan.analyze.partial import (
    Analysis,
    Chunk,
    Context,
    Finished,
    WindowPosts,
    exact_mean,
)
from brandscan.analyze.response import Response
from brandscan.analyze.share import BrandPeriods, Voices, table_of, totals_of
from brandscan.analyze.summary import Summary, Totals
from brandscan.analyze.timeline import AUTO_INTERVALS, Periods, Timeline
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
    #: The example post of each top complaint term (text, author, created_at, url,
    #: engagement): what renderers show beside a complaint.
    complaint_posts: pd.DataFrame | None = None
    #: The most engaging news posts with their label (analyze.negatives.MediaCoverage).
    media: pd.DataFrame | None = None
    #: Negative opinions per complaint category (analyze.complaints.Aspects).
    aspects: pd.DataFrame | None = None
    #: What a reader must know about the data behind the alerts: inputs starting late or
    #: leaving gaps, coverage jumps, page caps (analyze.alerts.coverage_notes).
    data_notes: list[str] = field(default_factory=list)
    #: With no mentions: what the input holds instead ("no posts between … and …; the
    #: store holds … to …", "0 of 6,143 posts mention 特斯拉 (data from … to …)"), set by
    #: the run (:mod:`brandscan.app.extent`); "" when unknown.
    no_mentions: str = ""


@dataclass
class _Sections:
    """A :class:`Finished` for the report's own members: alerts come from the report."""

    run: Finished
    alerts: pd.DataFrame

    def window_posts(self) -> WindowPosts:
        return self.run.window_posts()

    def result(self, name: str) -> Any:
        if name != "alerts":
            raise KeyError(name)
        return self.alerts


@dataclass(frozen=True)
class ReportAnalysis:
    """Every section of the report from one pass (see the module docstring).

    ``interval`` None picks hours, days or weeks from the posts' time span; ``top`` is the
    length of the complaint and post lists; ``influencers`` adds the ranking; ``model``
    names the sentiment model in the headline (a source that knows better, the store,
    names its own).
    """

    interval: str | None = None
    top: int = 10
    influencers: bool = False
    model: str = ""
    name: str = "report"
    needs: tuple[str, ...] = ()

    def members(self) -> dict[str, Analysis[Any]]:
        kept = (self.interval,) if self.interval else AUTO_INTERVALS
        out: dict[str, Analysis[Any]] = {
            "summary": Summary(),
            "timeline": Timeline(None, kept),
            "complaints": Complaints(self.top),
            "negative_posts": NegativePosts(self.top),
            "media": MediaCoverage(min(self.top, 5)),
            "aspects": Aspects(),
            "alerts": Alerts(),
            "response": Response(),
        }
        if self.influencers:
            out["influencers"] = Influencers(max(self.top, 20))
        return out

    def empty(self, ctx: Context) -> dict[str, Any]:
        out = {k: a.empty(ctx) for k, a in self.members().items()}
        out["brands"] = BrandPeriods.empty(out["timeline"].intervals)
        return out

    def partial(self, chunk: Chunk, ctx: Context) -> dict[str, Any]:
        out = {k: a.partial(chunk, ctx) for k, a in self.members().items()}
        # Share of voice reads the timeline's periods: only the brands' are its own.
        out["brands"] = BrandPeriods.of(chunk.scored, out["timeline"].intervals)
        return out

    def merge(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        members = self.members()
        out = {k: m.merge(a[k], b[k]) for k, m in members.items()}
        out["brands"] = a["brands"].merge(b["brands"])
        return out

    def ranges(self, partial: dict[str, Any], ctx: Context) -> list[tuple[int, int]]:
        return Alerts().ranges(partial["alerts"], ctx)

    def data_end(self, partial: dict[str, Any]) -> int | None:
        return Alerts().data_end(partial["alerts"])

    def finish(self, partial: dict[str, Any], ctx: Context, run: Finished) -> Report:
        config, members = ctx.config, self.members()
        totals: Totals = partial["summary"]
        periods: Periods = partial["timeline"]
        interval = self.interval or periods.auto_interval()
        rep = _sections(totals, periods, partial["complaints"].top(config, self.top),
                        members["negative_posts"].finish(partial["negative_posts"], ctx, run),
                        config, run.load(), interval=interval, model=run.model() or self.model,
                        since=ctx.since, until=ctx.until, brands=ctx.brands)
        rep.complaint_posts = partial["complaints"].examples_of(config, ctx.tz, self.top)
        rep.media = members["media"].finish(partial["media"], ctx, run)
        rep.aspects = members["aspects"].finish(partial["aspects"], ctx, run)
        rep.alerts = members["alerts"].finish(partial["alerts"], ctx, run)
        rep.data_notes = list(rep.alerts.attrs.get("notes", []))
        sections = _Sections(run, rep.alerts)
        rep.response = members["response"].finish(partial["response"], ctx, sections)
        if len(config.brands) >= 2 and not ctx.brands:
            voices = Voices(periods, partial["brands"])
            rep.share_of_voice = totals_of(voices, config)
            rep.share_by_period = table_of(voices, config, interval=rep.interval,
                                           since=ctx.since, until=ctx.until)
        if self.influencers:
            rep.influencers = members["influencers"].finish(partial["influencers"], ctx,
                                                            sections)
        return rep


def _sections(totals: Totals, periods: Periods, complaints: pd.DataFrame,
              negatives: pd.DataFrame, config: Config, load: LoadReport, *, interval: str,
              model: str, since: Any, until: Any, brands: Sequence[str] = ()) -> Report:
    """The report's sections besides the radar; ``brands``: the ``--brand`` selection
    (the title names only those)."""
    tl = periods.table(interval, tz=config.timezone, since=since, until=until)
    n = totals.mentions
    peak = tl.loc[tl["mentions"].idxmax()] if len(tl) and tl["mentions"].max() > 0 else None
    headline: dict[str, Any] = {
        "mentions": n,
        "posts": totals.posts,
        "comments": totals.comments,
        "thread_comments": totals.thread_comments,
        "authors": len(totals.authors),
        "first": periods.first_time(),
        "last": periods.last_time(),
        "negative_share": totals.negative_share,
        "mean_sentiment": (exact_mean(totals.sentiment, totals.scored) if totals.scored
                           else None),
        "voices": totals.voices,
        "genres": dict(totals.genres),
        "voice_genres": list(config.sentiment.genres),
        "news": dict(totals.news),
        "engagement": totals.engagement,
        "peak_period": peak["period"] if peak is not None else None,
        "peak_mentions": int(peak["mentions"]) if peak is not None else 0,
        "brands": ", ".join(brands or [b.name for b in config.brands]) or ALL_POSTS,
        "model": model,
        "rows_read": load.total("rows_read"),
        "rows_skipped": len(load.skipped),
        "duplicates": load.total("duplicates"),
    }
    reasons = load.skip_reasons
    skipped = pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())})
    return Report(headline, totals.sentiment_mix(), tl, interval, complaints, negatives,
                  skipped)


def build_report(scored: pd.DataFrame, config: Config, load: LoadReport, *,
                 interval: str | None = None, top: int = 10, model: str = "",
                 since: Any = None, until: Any = None, jobs: int = 1,
                 progress: Callable[[int], None] | None = None,
                 history: pd.DataFrame | None = None, posts: pd.DataFrame | None = None,
                 brands: Sequence[str] = (), influencers: bool = False) -> Report:
    """Every section from scored posts in memory and the load accounting.

    ``history`` (scored posts before the window too) gives the alert baselines, ``posts``
    (every loaded post) the brand's official replies; both default to ``scored``.
    ``brands`` are the ``--brand`` names the posts were selected by; ``influencers`` adds
    the influencer ranking (the xlsx and html reports show it). The frame is one chunk of
    the same analysis every engine runs.
    """
    from brandscan.analyze.run import run_frame

    ctx = Context(config, since=since, until=until, brands=tuple(brands), jobs=jobs,
                  progress=(lambda what, total: nullcontext(progress)) if progress else None)
    analysis = ReportAnalysis(interval=interval, top=top, influencers=influencers,
                              model=model)
    chunk = Chunk(scored, history if history is not None else scored,
                  posts if posts is not None and len(posts) else None)
    return run_frame(analysis, chunk, ctx, load=load)
