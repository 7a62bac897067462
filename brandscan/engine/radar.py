"""The crisis radar from mergeable partials: alerts, response times, influencers.

The report's other sections come from :class:`~brandscan.engine.aggregates.Aggregate`;
the radar needs three more things, each mergeable chunk by chunk:

- the hourly sums the alert detectors read (:class:`~brandscan.analyze.alerts.HourlyPartial`),
  over the window *and* the weeks before it (the baselines);
- per-author statistics for the influencer ranking
  (:class:`~brandscan.analyze.influencers.AuthorPartial`), over the window;
- the posts of the brands' own official accounts (for response times: few, kept whole)
  and the time of the newest post (how long a brand has been silent).

Alerts and "who drove the spike" also name posts: the first and the most engaging post of
each alert's window, and the complaint terms in it. Those come from a second, targeted
read of just the alert windows (``window_posts``): a few hours of posts per alert, read
again from the files, the store or the cluster, instead of keeping every post. The answers
are the in-memory ones, row for row; ``build_report`` goes through here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from brandscan.analyze.alerts import (
    HourlyPartial,
    alert_windows,
    brand_rows,
    detect_alerts_from,
    official_mask,
)
from brandscan.analyze.influencers import (
    AuthorPartial,
    dominant_posts_from,
    influencers_from,
)
from brandscan.schema import POST_COLUMNS

if TYPE_CHECKING:
    from brandscan.analyze.report import Report
    from brandscan.config import Config
    from brandscan.engine.aggregates import Aggregate

#: ``window_posts(brand, start, end)``: the scored posts naming ``brand`` created in
#: ``[start, end)`` (``end`` None: no upper bound).
WindowPosts = Callable[[str, pd.Timestamp, "pd.Timestamp | None"], pd.DataFrame]
#: ``fetch(ranges)``: every scored post created in one of the ``[start, end)`` ranges
#: (UTC nanoseconds), any brand.
Fetch = Callable[[list[tuple[int, int]]], pd.DataFrame]


@dataclass
class RadarPartial:
    """Mergeable partials of the radar (see the module docstring)."""

    hourly: HourlyPartial
    authors: AuthorPartial | None  # None: the influencer ranking was not asked for
    officials: pd.DataFrame  # posts by any brand's official accounts, before ``until``
    data_end: int | None  # newest post before ``until`` (UTC ns), of every loaded post

    @classmethod
    def of(cls, history: pd.DataFrame, config: Config, *, posts: pd.DataFrame | None = None,
           brands: Sequence[str] = (), since: datetime | None = None,
           until: datetime | None = None, authors: bool = True) -> RadarPartial:
        """The partials of one chunk.

        ``history`` is the chunk's scored posts from the start of the alert baselines to
        ``until``; ``posts`` every post loaded in the chunk (scored or not, any brand),
        where official replies are looked for — ``history`` when None. ``authors`` adds
        the per-author statistics of the influencer ranking.
        """
        times = history["created_at"]
        inside = np.ones(len(history), dtype=bool)
        if since is not None:
            inside &= (times >= pd.Timestamp(since)).to_numpy()
        if until is not None:
            inside &= (times < pd.Timestamp(until)).to_numpy()
        everything = history if posts is None else posts
        if until is not None and len(everything):
            everything = everything[everything["created_at"] < pd.Timestamp(until)]
        accounts = [a for b in config.brands for a in b.official_accounts]
        own = (everything[official_mask(everything, accounts)] if accounts
               else everything.iloc[0:0])
        return cls(
            HourlyPartial.of(history, config, brands=list(brands) or None, until=until),
            (AuthorPartial.of(history[inside] if not inside.all() else history)
             if authors else None),
            own.loc[:, list(POST_COLUMNS)].reset_index(drop=True),
            _max_ns(everything["created_at"]),
        )

    def merge(self, other: RadarPartial) -> RadarPartial:
        """The partials of both chunks (neither is modified)."""
        ends = [t for t in (self.data_end, other.data_end) if t is not None]
        frames = [f for f in (self.officials, other.officials) if len(f)]
        officials = (pd.concat(frames, ignore_index=True) if len(frames) > 1
                     else (frames[0] if frames else self.officials))
        authors = (self.authors.merge(other.authors)
                   if self.authors is not None and other.authors is not None else None)
        return RadarPartial(self.hourly.merge(other.hourly), authors, officials,
                            max(ends) if ends else None)

    def data_end_time(self) -> pd.Timestamp | None:
        if self.data_end is None:
            return None
        return pd.Timestamp(self.data_end, tz="UTC").tz_convert(self.hourly.tz)


def _max_ns(times: pd.Series) -> int | None:
    if times.empty or times.isna().all():
        return None
    return int(times.max().value)


def add_radar(rep: Report, radar: RadarPartial, agg: Aggregate, config: Config, *,
              window_posts: WindowPosts, brands: Sequence[str] = (),
              since: datetime | None = None, until: datetime | None = None,
              influencers: bool = False, top: int = 10) -> None:
    """Alerts fired in the window, response times, share of voice when brands compete,
    and (``influencers``) the influencer ranking — into ``rep``."""
    from brandscan.analyze.response import response_times
    from brandscan.analyze.share import share_from_aggregate, totals_from_aggregate

    rep.alerts = detect_alerts_from(radar.hourly, config, brands=list(brands) or None,
                                    since=since, until=until, window_posts=window_posts)
    officials = radar.officials
    rep.response = response_times(rep.alerts, officials, config,
                                  data_end=radar.data_end_time())
    if len(config.brands) >= 2 and not brands:
        rep.share_of_voice = totals_from_aggregate(agg, config)
        rep.share_by_period = share_from_aggregate(agg, config, interval=rep.interval,
                                                   since=since, until=until)
    if influencers:
        if radar.authors is None:
            raise ValueError("the radar's partials were built without authors")
        dominant = dominant_posts_from(rep.alerts, window_posts, config)
        rep.influencers = influencers_from(radar.authors, config, top=max(top, 20),
                                           dominant=dominant)


def needed_ranges(radar: RadarPartial, config: Config, *, brands: Sequence[str] = (),
                  since: datetime | None = None, until: datetime | None = None
                  ) -> list[tuple[int, int]]:
    """The time ranges (UTC ns, ``[start, end)``) a second read must cover: each alert
    window, widened by the cooldown (alerts that close ranks form one incident, and an
    ongoing one runs to the end of the data), overlapping ones joined."""
    gap = pd.Timedelta(hours=config.alerts.cooldown_hours).value
    spans = sorted((pd.Timestamp(s).value, pd.Timestamp(e).value + gap)
                   for _, s, e in alert_windows(radar.hourly, config,
                                                brands=list(brands) or None, since=since,
                                                until=until))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class FetchedWindows:
    """A ``window_posts`` over posts read again for some time ranges.

    Built with the ranges :func:`needed_ranges` gives, it serves every window the radar
    asks for from that one read; a window outside them (not expected, but cheap to be
    right about) is read on its own with ``fetch``.
    """

    def __init__(self, fetch: Fetch, ranges: list[tuple[int, int]], data_end: int | None,
                 *, frame: pd.DataFrame | None = None):
        self._fetch = fetch
        self._end = (data_end + 1) if data_end is not None else 0
        self._ranges: list[tuple[int, int]] = []
        self._frames: list[pd.DataFrame] = []
        self.reads = 0
        if frame is not None:  # read already, by the caller
            self._frames.append(frame)
            self._ranges.extend(ranges)
        elif ranges:
            self._read(ranges)

    def _read(self, ranges: list[tuple[int, int]]) -> None:
        self.reads += 1
        self._frames.append(self._fetch(ranges))
        self._ranges.extend(ranges)

    def _covered(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self._ranges)

    def __call__(self, brand: str, start: pd.Timestamp, end: pd.Timestamp | None
                 ) -> pd.DataFrame:
        lo = pd.Timestamp(start).value
        hi = self._end if end is None else pd.Timestamp(end).value
        if hi > lo and not self._covered(lo, hi):
            self._read([(lo, hi)])
        frames = [f for f in self._frames if len(f)]
        if not frames:
            return _no_posts()
        posts = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        ns = posts["created_at"].dt.tz_convert("UTC").astype("int64").to_numpy()
        inside = ns >= lo if end is None else (ns >= lo) & (ns < hi)
        found = brand_rows(posts[inside], brand)
        # The same post read twice (overlapping reads) counts once.
        return found.drop_duplicates(subset=["platform", "kind", "id", "source_file",
                                             "source_line", "text"]) if len(frames) > 1 else found


def _no_posts() -> pd.DataFrame:
    """An empty scored frame: a window nobody posted in."""
    from brandscan.schema import SCORED_COLUMNS, empty_posts

    out = empty_posts()
    for col in SCORED_COLUMNS:
        out[col] = pd.Series([], dtype="float64" if col == "sentiment" else object)
    return out
