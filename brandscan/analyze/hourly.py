"""Hourly sums per brand: all the alert detectors read, mergeable chunk by chunk.

One row per brand and hour with integer sums (posts, negative posts, engagement weights,
influential posts), so a year of posts streamed in chunks gives the same hours as one
frame. Also the questions every alert asks of a post: which brands it names, whether the
brand's own account wrote it, how many influence criteria it meets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze.partial import alarming, utc_ns
from brandscan.config import Config
from brandscan.schema import ALL_POSTS
from brandscan.text.brands import has_brand

#: The integer sums per brand and hour the detectors read (see :class:`HourlyPartial`).
HOUR_COLUMNS = ("rows", "late_rows", "mentions", "voiced", "negative", "w", "w_neg", "w2",
                "engagement", "influential", "influence_best")
_SUMMED = HOUR_COLUMNS[:-1]  # influence_best is a maximum


def index_ns(index: pd.DatetimeIndex) -> np.ndarray:
    return index.tz_convert("UTC").as_unit("ns").asi8


def hour_range(first: pd.Timestamp, last: pd.Timestamp,
                until: datetime | None) -> pd.DatetimeIndex:
    start, end = first.floor("h"), last.floor("h")
    if until is not None:
        cut = pd.Timestamp(until).tz_convert(first.tz) - pd.Timedelta(microseconds=1)
        end = min(end, cut.floor("h"))
    return pd.date_range(start, end, freq="h")


def hour_index(scored: pd.DataFrame, until: datetime | None = None) -> pd.DatetimeIndex:
    """Every hour from the first post's to the last post's (or the one before ``until``)."""
    times = scored["created_at"]
    return hour_range(times.min(), times.max(), until)


def _influence_count(posts: pd.DataFrame, config: Config) -> np.ndarray:
    """How many influence criteria each post meets, whatever its label or author."""
    rule = config.alerts.influential
    followers = posts["followers"].astype("Float64").fillna(0).astype(float)
    return ((followers >= rule.followers).astype(int)
            + posts["verified"].isin(rule.verified).astype(int)
            + (posts["reposts"] >= rule.reposts).astype(int)).to_numpy(dtype=np.int64)


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64") for c in HOUR_COLUMNS},
                        index=pd.Index([], dtype="int64", name="hour"))


def _sum_hours(rows: pd.DataFrame) -> pd.DataFrame:
    """Per hour (UTC ns, sorted) of per-post rows: sums, and the max influence criteria."""
    if rows.empty:
        return _empty_counts()
    grouped = rows.groupby("hour", sort=True)
    out = grouped[list(_SUMMED)].sum()
    out["influence_best"] = grouped["crit"].max()
    return out.astype("int64")


def _post_rows(posts: pd.DataFrame, config: Config, influence: bool = True) -> pd.DataFrame:
    """One row per post: its hour (UTC ns of the local hour) and its int64 contributions.

    ``crit`` holds the influence criteria of negative posts (0 for the rest, and for all
    without ``influence``); the brand's official accounts are zeroed by the caller.
    """
    times = posts["created_at"]
    own = ~posts["is_repost"].astype(bool).to_numpy()
    # Negativity is read from the voices and the news; ads, spam and the brand's own
    # posts count as volume only.
    watched = alarming(posts)
    voiced = own & watched
    negative = (posts["label"] == "negative").to_numpy(dtype=bool) & watched
    neg = negative & own
    engagement = posts["engagement"].to_numpy(dtype=np.int64)
    weight = np.where(voiced, 1 + engagement, 0)
    late = (times.dt.minute >= config.alerts.truncated.from_minute).to_numpy(dtype=bool)
    return pd.DataFrame({
        "hour": utc_ns(times.dt.floor("h")),
        "rows": np.ones(len(posts), dtype=np.int64),
        "late_rows": late.astype(np.int64),
        "mentions": own.astype(np.int64),
        "voiced": voiced.astype(np.int64),
        "negative": neg.astype(np.int64),
        "w": weight,
        "w_neg": np.where(neg, weight, 0),
        "w2": weight * weight,
        "engagement": engagement,
        "crit": (np.where(negative, _influence_count(posts, config), 0) if influence
                 else np.zeros(len(posts), dtype=np.int64)),
    })


def _brand_sums(rows: pd.DataFrame, official: np.ndarray) -> pd.DataFrame:
    """:func:`_sum_hours` of one brand's posts: ``rows`` is :func:`_post_rows` of them,
    ``official`` marks those by the brand's own accounts (never influential)."""
    crit = np.where(official, 0, rows["crit"].to_numpy())
    return _sum_hours(rows.assign(crit=crit, influential=(crit > 0).astype(np.int64)))


def hour_settings(config: Config, brands: Sequence[str]) -> tuple[Any, ...]:
    """The parts of the config the hourly sums depend on (partials must agree on them)."""
    a = config.alerts
    return (a.truncated.from_minute, a.influential,
            tuple(official_accounts(config, b) for b in brands))


@dataclass
class HourlyPartial:
    """Mergeable hourly sums of some scored posts: all the alert detectors read.

    ``counts`` maps each brand (:func:`brand_names`) to a frame indexed by hour (UTC
    nanoseconds of the hour's start in the posts' timezone, sorted) with the int64 columns
    of :data:`HOUR_COLUMNS`: ``rows`` (every post, reposts too) and ``late_rows`` (those at
    or after ``alerts.truncated.from_minute``) for the truncation flag; ``mentions``,
    ``negative``, ``w``/``w_neg``/``w2`` (sums of ``1 + engagement`` and its square over
    posts that are not pure reposts) and ``engagement`` (every post) for the volume and
    negative detectors; ``influential`` (negative posts meeting an influence criterion, the
    brand's own accounts left out) and ``influence_best`` (the most criteria one met).
    ``first``/``last`` are the first and last post times (UTC ns) over all posts, which
    fix the hours the detectors run over (``unit``: the resolution of the posts' times,
    which the alert times keep). Sums are integers, so merging in any order or grouping
    gives the same partial.
    """

    tz: str
    brands: tuple[str, ...]
    settings: tuple[Any, ...]
    until: int | None = None  # UTC ns; posts at or after it were left out
    first: int | None = None
    last: int | None = None
    counts: dict[str, pd.DataFrame] = field(default_factory=dict)
    unit: str = "ns"
    #: Per brand, per source file: the first and last time (UTC ns) of its posts there —
    #: the brand's coverage (:meth:`covered`).
    spans: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, scored: pd.DataFrame, config: Config, brands: Sequence[str] | None = None,
           until: datetime | None = None) -> HourlyPartial:
        """The hourly sums of one chunk of scored posts, for ``brand_names(config, brands)``.

        Posts at or after ``until`` are left out, as :func:`detect_alerts` does.
        """
        names = tuple(brand_names(config, brands))
        times = scored["created_at"]
        out = cls(str(times.dt.tz), names, hour_settings(config, names),
                  None if until is None else pd.Timestamp(until).value,
                  counts={b: _empty_counts() for b in names}, unit=times.dt.unit)
        # Masks over the whole frame, never sub-frames: taking rows of the wide posts
        # frame costs more than all the sums.
        keep = times.notna().to_numpy(dtype=bool)
        if until is not None and len(scored):
            keep = keep & (times < pd.Timestamp(until)).to_numpy(dtype=bool)
        if not keep.any():
            return out
        ns = utc_ns(times)[keep]
        out.first, out.last = int(ns.min()), int(ns.max())
        rows = _post_rows(scored, config)
        files = (scored["source_file"].fillna("").astype(str).to_numpy(dtype=object)
                 if "source_file" in scored.columns else np.full(len(scored), "", dtype=object))
        every = utc_ns(times)
        for brand in names:
            mask = keep if brand == ALL_POSTS else keep & brand_mask(scored, brand)
            if mask.any():
                official = official_mask(scored, official_accounts(config, brand))
                out.counts[brand] = _brand_sums(rows[mask],
                                                official.to_numpy(dtype=bool)[mask])
                g = pd.Series(every[mask]).groupby(files[mask], sort=True)
                out.spans[brand] = {str(f): (int(lo), int(hi)) for f, lo, hi in
                                    zip(g.min().index, g.min().to_numpy(), g.max().to_numpy())}
        return out

    def merge(self, other: HourlyPartial) -> HourlyPartial:
        """The sums of both partials (neither is modified)."""
        if (self.tz, self.brands, self.settings, self.until) != (
                other.tz, other.brands, other.settings, other.until):
            raise ValueError("hourly partials built with different timezones, brands, "
                             "settings or until cannot be merged")
        counts = {}
        for brand in self.brands:
            a, b = self.counts[brand], other.counts[brand]
            if a.empty or b.empty:
                counts[brand] = b if a.empty else a
                continue
            both = pd.concat([a, b])
            grouped = both.groupby(level=0, sort=True)
            summed = grouped[list(_SUMMED)].sum()
            summed["influence_best"] = grouped["influence_best"].max()
            counts[brand] = summed.astype("int64")
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        spans: dict[str, dict[str, tuple[int, int]]] = {}
        for part in (self.spans, other.spans):
            for brand, files in part.items():
                mine = spans.setdefault(brand, {})
                for f, (lo, hi) in files.items():
                    old = mine.get(f)
                    mine[f] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
        return HourlyPartial(self.tz, self.brands, self.settings, self.until,
                             min(firsts) if firsts else None, max(lasts) if lasts else None,
                             counts, self.unit if self.unit == other.unit else "ns", spans)

    def hour_index(self, until: datetime | None = None) -> pd.DatetimeIndex:
        """Every hour from the first post's to the last post's (or the one before ``until``)."""
        if self.first is None or self.last is None:
            return pd.DatetimeIndex([], tz=self.tz)
        first = pd.Timestamp(self.first, tz="UTC").tz_convert(self.tz)
        last = pd.Timestamp(self.last, tz="UTC").tz_convert(self.tz)
        return hour_range(first, last, until).as_unit(self.unit)


    def covered(self, brand: str, index: pd.DatetimeIndex) -> np.ndarray:
        """Per hour of ``index``, whether an input covered ``brand`` then: inside the span
        (first to last post) of a file holding its posts. Hours outside are unknown, not
        zero. Without file names (a frame in memory) every hour is covered."""
        files = self.spans.get(brand, {})
        if not files or set(files) == {""}:
            return np.ones(len(index), dtype=bool)
        hours = index_ns(index)
        out = np.zeros(len(index), dtype=bool)
        for lo, hi in files.values():
            start, end = (pd.Timestamp(t, tz="UTC").tz_convert(self.tz).floor("h").value
                          for t in (lo, hi))
            out |= (hours >= start) & (hours <= end)
        return out


def hours_of(counts: pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
    """The sums of ``counts`` on every hour of ``index`` (zeros where no post was)."""
    return counts.reindex(index_ns(index), fill_value=0)


def hourly_frame(c: pd.DataFrame, index: pd.DatetimeIndex, config: Config) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    for col in ("mentions", "voiced", "negative", "w", "w_neg", "w2", "engagement"):
        out[col] = c[col].to_numpy(dtype=float)
    rule = config.alerts.truncated
    rows = c["rows"].to_numpy(dtype=float)
    late_rows = c["late_rows"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["truncated"] = (rows >= rule.min_posts) & (late_rows / rows >= rule.share)
    return out


def post_sums(posts: pd.DataFrame, config: Config, brand: str | None) -> pd.DataFrame:
    """The hourly sums of one brand's posts (``brand`` None: without the influence
    columns, which need the author and reach columns)."""
    keep = posts["created_at"].notna().to_numpy(dtype=bool)
    if brand is None:
        return _brand_sums(_post_rows(posts, config, influence=False)[keep],
                           np.zeros(int(keep.sum()), dtype=bool))
    official = official_mask(posts, official_accounts(config, brand)).to_numpy(dtype=bool)
    return _brand_sums(_post_rows(posts, config)[keep], official[keep])


def hourly(posts: pd.DataFrame, index: pd.DatetimeIndex, config: Config) -> pd.DataFrame:
    """Per hour: mentions (pure reposts left out), negatives, weighted sums, truncation.

    ``truncated`` marks hours whose posts bunch at the hour's last minutes, which is what a
    weibo-search export looks like when the query hit its 50-page cap: the count is then a
    lower bound.
    """
    return hourly_frame(hours_of(post_sums(posts, config, None), index), index, config)


def official_mask(posts: pd.DataFrame, accounts: Sequence[str]) -> pd.Series:
    """Posts written by one of the brand's own accounts (matched by name or id)."""
    names = set(accounts)
    return posts["author"].isin(names) | (posts["author_id"].isin(names)
                                         & (posts["author_id"] != ""))


def official_accounts(config: Config, brand: str) -> tuple[str, ...]:
    return next((b.official_accounts for b in config.brands if b.name == brand), ())


def influence_criteria(posts: pd.DataFrame, config: Config, brand: str = ALL_POSTS
                       ) -> pd.Series:
    """For each negative post, how many influence criteria it meets (0 for the rest).

    Meeting one (big account, 金V/红V, or >= 1,000 reposts) is a watch; two — a big
    account whose post is already spreading — a spike. The brand's own accounts never
    count: snownlp reads an apology full of 退款 and 客服 as negative.
    """
    n = pd.Series(_influence_count(posts, config), index=posts.index)
    own = official_mask(posts, official_accounts(config, brand))
    return n.where((posts["label"] == "negative") & alarming(posts) & ~own, 0)


def brand_names(config: Config, brands: Sequence[str] | None = None) -> list[str]:
    """The brands to watch: those asked for, else all configured, else all posts as one."""
    if brands:
        return list(brands)
    return [b.name for b in config.brands] or [ALL_POSTS]


def brand_mask(scored: pd.DataFrame, brand: str) -> np.ndarray:
    """``has_brand`` of the ``brands`` column, decided once per distinct cell (a few brand
    combinations, however many posts)."""
    codes, cells = pd.factorize(scored["brands"])
    hit = has_brand(pd.Series(cells, dtype=object), brand).to_numpy(dtype=bool)
    return np.append(hit, False)[codes]  # code -1 (a missing cell): no brand


def brand_rows(scored: pd.DataFrame, brand: str) -> pd.DataFrame:
    """The scored posts that mention ``brand`` (every post for :data:`ALL_POSTS`)."""
    if brand == ALL_POSTS:
        return scored
    return scored[brand_mask(scored, brand)]
