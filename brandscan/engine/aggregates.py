"""Mergeable partial aggregates: every analysis table from sums that add up chunk by chunk.

A year of posts does not fit in memory, but the timeline, the complaint table and the
report do not need the posts — only counts and sums over them. :class:`Aggregate` holds
those for one chunk of scored posts; :meth:`Aggregate.merge` adds two of them; the tables
are read off the merged result. The in-memory analyses (``timeline``, ``complaints``,
``build_report``) build one aggregate over their whole frame, so a file analysed in one
piece, streamed in chunks or spread over a Dask cluster gives the same answer, to the bit:

- counts, engagement sums and label counts are integers;
- sums of sentiment scores are *exact* (integer mantissa and binary exponent, see
  :func:`exact_add`), so a mean is the correctly rounded mean whatever the order or grouping in
  which the chunks were added — float addition would differ in the last bits;
- every "first/most engaging" choice has a total order (ties broken by time, file, line,
  kind, id, text…), never by the position a row happened to have in a frame;
- distinct authors are kept as 64-bit hashes of their names (8 bytes each; two names
  colliding is about a one-in-a-million event at 5 million authors).

Periods are kept for every interval (hour, day, week) at once: ``report`` picks its
interval from the time span, which a stream knows only at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from brandscan.analyze.complaints import COMPLAINT_COLUMNS, term_category
from brandscan.analyze.timeline import INTERVALS, TIMELINE_COLUMNS, period_range, period_start
from brandscan.schema import LABELS, TOP_POST_COLUMNS
from brandscan.text.terms import term_pairs

if TYPE_CHECKING:
    from brandscan.config import Config

BRAND_TIMELINE_COLUMNS = ("period", "brand", "mentions", "positive", "neutral", "negative",
                          "mean_sentiment", "engagement")

#: The total order of "most engaging" posts: engagement down, then earlier first, then
#: where the post came from. Deterministic whatever order the chunks arrive in.
POST_ORDER: tuple[tuple[str, bool], ...] = (
    ("engagement", False), ("created_at", True), ("source_file", True), ("source_line", True),
    ("kind", True), ("id", True), ("text", True), ("author", True), ("url", True),
)
_KEEP_COLUMNS = tuple(dict.fromkeys(
    [*TOP_POST_COLUMNS, *(c for c, _ in POST_ORDER)]))
_COUNT_COLUMNS = ("mentions", *LABELS, "engagement", "scored")


# --- exact sums -------------------------------------------------------------------------

#: An exact sum of binary floats: ``n * 2**e`` with Python integers (no rounding, ever).
Exact = tuple[int, int]
ZERO: Exact = (0, 0)


def exact_add(a: Exact, b: Exact) -> Exact:
    """``a + b`` exactly: the mantissas are aligned to the smaller exponent and added."""
    (na, ea), (nb, eb) = a, b
    if not na:
        return b
    if not nb:
        return a
    if ea <= eb:
        return na + (nb << (eb - ea)), ea
    return (na << (ea - eb)) + nb, eb


def exact_mean(total: Exact, count: int) -> float:
    """``total / count``, correctly rounded (NaN for no values).

    Python divides integers with one correct rounding, so the mean does not depend on
    the order in which the values were added.
    """
    if not count:
        return float("nan")
    n, e = total
    return (n << e) / count if e >= 0 else n / (count << -e)


def exact_group_sums(codes: np.ndarray, values: np.ndarray) -> dict[int, Exact]:
    """Exact sum of ``values`` per group code (NaN and infinities left out).

    Each float64 is ``m · 2**e`` with an integer ``m < 2**53``; within one (group, e)
    the mantissas are summed as integers (split in two 26-bit halves so float64 bincount
    stays exact for up to 2**26 values per call), and the per-exponent sums are shifted
    together as Python integers. Vectorised: the Python loop runs once per distinct
    (group, exponent), a few dozen per group.
    """
    values = np.asarray(values, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.int64)
    ok = np.isfinite(values) & (values != 0)
    if not ok.any():
        return {}
    values, codes = values[ok], codes[ok]
    out: dict[int, Exact] = {}
    step = 1 << 25  # keeps each bincount exact
    for start in range(0, len(values), step):
        v, c = values[start:start + step], codes[start:start + step]
        frac, exp = np.frexp(v)
        mant = np.ldexp(frac, 53).astype(np.int64)  # exact: |frac| < 1, 53-bit significand
        exp = exp.astype(np.int64) - 53 + 2048  # 0 < exp < 4096 for every finite float64
        keys, inverse = np.unique(c * 4096 + exp, return_inverse=True)
        hi = np.bincount(inverse, weights=(mant >> 26).astype(np.float64))
        lo = np.bincount(inverse, weights=(mant & ((1 << 26) - 1)).astype(np.float64))
        for key, h, low in zip(keys.tolist(), hi.tolist(), lo.tolist()):
            group = key >> 12
            part = ((int(h) << 26) + int(low), (key & 4095) - 2048)
            out[group] = exact_add(out[group], part) if group in out else part
    return out


def hash_strings(values: Iterable[str]) -> np.ndarray:
    """Stable 64-bit hashes (pandas' SipHash, the same in every process and run)."""
    arr = np.asarray(list(values) if not isinstance(values, (pd.Series, np.ndarray))
                     else values, dtype=object)
    if len(arr) == 0:
        return np.empty(0, dtype=np.uint64)
    return pd.util.hash_array(arr, categorize=True)


# --- counts and sums per key ------------------------------------------------------------

@dataclass
class Tally:
    """Integer counters and exact sentiment sums per key (a period, or a period and brand).

    ``counts`` has one row per key and the int64 columns mentions, positive, neutral,
    negative, engagement and scored (posts with a sentiment score); ``sentiment`` maps a
    key to the exact sum of its scores.
    """

    counts: pd.DataFrame
    sentiment: dict[Hashable, Exact] = field(default_factory=dict)

    @classmethod
    def empty(cls, names: Sequence[str]) -> Tally:
        index = (pd.MultiIndex.from_arrays([[] for _ in names], names=list(names))
                 if len(names) > 1 else pd.Index([], name=names[0]))
        return cls(pd.DataFrame({c: pd.Series([], dtype="int64", index=index)
                                 for c in _COUNT_COLUMNS}))

    @classmethod
    def of(cls, keys: pd.DataFrame, scored: pd.DataFrame) -> Tally:
        """Count ``scored`` (aligned with ``keys``, one key column per level) per key."""
        names = list(keys.columns)
        if scored.empty:
            return cls.empty(names)
        label = scored["label"].to_numpy(dtype=object)
        sentiment = scored["sentiment"].to_numpy(dtype=np.float64)
        df = keys.reset_index(drop=True).assign(
            mentions=1,
            positive=(label == "positive").astype(np.int64),
            neutral=(label == "neutral").astype(np.int64),
            negative=(label == "negative").astype(np.int64),
            engagement=scored["engagement"].to_numpy(dtype=np.int64),
            scored=(~np.isnan(sentiment)).astype(np.int64),
        )
        grouped = df.groupby(names, sort=True)
        counts = grouped[list(_COUNT_COLUMNS)].sum().astype("int64")
        codes = grouped.ngroup().to_numpy()
        sums = exact_group_sums(codes, sentiment)
        index = counts.index.tolist()
        return cls(counts, {index[g]: total for g, total in sums.items()})

    def merge(self, other: Tally) -> Tally:
        if other.counts.empty:
            return self
        if self.counts.empty:
            return other
        both = pd.concat([self.counts, other.counts])
        counts = both.groupby(level=list(range(both.index.nlevels)), sort=True).sum()
        sums = dict(self.sentiment)
        for key, value in other.sentiment.items():
            sums[key] = exact_add(sums[key], value) if key in sums else value
        return Tally(counts.astype("int64"), sums)

    def means(self, index: pd.Index) -> list[float]:
        """Correctly rounded mean sentiment per key (NaN where no post was scored)."""
        scored = self.counts["scored"].reindex(index, fill_value=0).tolist()
        return [exact_mean(self.sentiment.get(k, ZERO), int(n))
                for k, n in zip(index, scored)]


# --- the aggregate ----------------------------------------------------------------------

#: The complaint-term table of an aggregate: one row per term (the index), with the number
#: of negative posts using it, their summed engagement, and its example — the first such
#: post in POST_ORDER, kept with its order keys so two tables merge exactly.
TERM_KEYS = ("k_engagement", "k_time", "source_file", "source_line", "kind", "id", "example")
TERM_COLUMNS = ("posts", "engagement", *TERM_KEYS, "author", "url")


def _empty_terms() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype="int64" if c in (
        "posts", "engagement", "k_engagement", "k_time", "source_line") else object)
        for c in TERM_COLUMNS})
    out.index = pd.Index([], dtype=object, name="term")
    return out


@dataclass
class Aggregate:
    """Partial aggregates of some scored posts; :meth:`merge` adds another chunk's.

    Build one with :meth:`of`; read tables with :meth:`timeline`, :meth:`brand_timeline`,
    :meth:`complaints`, :meth:`negative_posts` and :meth:`headline`.
    """

    tz: str
    intervals: tuple[str, ...]
    top: int  # how many most engaging negative posts are kept
    terms: pd.DataFrame | None  # TERM_COLUMNS by term; None: terms were not asked for
    mentions: int = 0
    posts: int = 0
    comments: int = 0
    labels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    engagement: int = 0
    scored: int = 0
    sentiment: Exact = ZERO
    first: int | None = None  # UTC nanoseconds
    last: int | None = None
    periods: dict[str, Tally] = field(default_factory=dict)
    brand_periods: dict[str, Tally] = field(default_factory=dict)
    authors: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    negatives: pd.DataFrame | None = None  # up to ``top`` rows, in POST_ORDER

    # -- building -----------------------------------------------------------------------

    @classmethod
    def empty(cls, tz: str = "Asia/Shanghai", *, intervals: Sequence[str] = INTERVALS,
              top: int = 0, terms: bool = False) -> Aggregate:
        return cls(tz=tz, intervals=tuple(intervals), top=top,
                   terms=_empty_terms() if terms else None,
                   periods={i: Tally.empty(["period"]) for i in intervals},
                   brand_periods={i: Tally.empty(["period", "brand"]) for i in intervals})

    @classmethod
    def of(cls, scored: pd.DataFrame, config: Config | None = None, *,
           intervals: Sequence[str] = INTERVALS, top: int = 0, terms: bool = False,
           jobs: int = 1, progress: Callable[[int], None] | None = None) -> Aggregate:
        """The aggregates of one chunk of scored posts.

        ``terms`` segments the negative posts into complaint terms (needs ``config``; the
        costly part, so only when a complaint table is wanted); ``top`` keeps that many
        most engaging negative posts.
        """
        unknown = [i for i in intervals if i not in INTERVALS]
        if unknown:
            raise ValueError(f"unknown interval {unknown[0]!r}")
        tz = str(scored["created_at"].dt.tz)
        agg = cls.empty(tz, intervals=intervals, top=top, terms=terms)
        n = len(scored)
        if n == 0:
            agg.negatives = _top_posts(scored, top)
            return agg
        label = scored["label"]
        kind = scored["kind"]
        sentiment = scored["sentiment"].to_numpy(dtype=np.float64)
        times = scored["created_at"]
        agg.mentions = n
        agg.posts = int((kind == "post").sum())
        agg.comments = int((kind == "comment").sum())
        agg.labels = {lab: int((label == lab).sum()) for lab in LABELS}
        agg.engagement = int(scored["engagement"].sum())
        agg.scored = int((~np.isnan(sentiment)).sum())
        agg.sentiment = exact_group_sums(np.zeros(n, dtype=np.int64), sentiment).get(0, ZERO)
        ns = _ns(times)
        agg.first, agg.last = int(ns.min()), int(ns.max())
        exploded = _brand_rows(scored)
        for interval in intervals:
            start = _ns(period_start(times, interval))
            agg.periods[interval] = Tally.of(pd.DataFrame({"period": start}), scored)
            if exploded is not None:
                rows, names = exploded
                agg.brand_periods[interval] = Tally.of(
                    pd.DataFrame({"period": start[rows], "brand": names}),
                    scored.iloc[rows])
        names = scored["author"].to_numpy(dtype=object)
        agg.authors = np.unique(hash_strings(names[names != ""]))
        is_negative = (label == "negative").to_numpy()
        # Sorted once into POST_ORDER: the top posts and every term's example come from it.
        ranked = scored.loc[is_negative, [c for c in _KEEP_COLUMNS if c in scored]]
        if top > 0 or terms:
            ranked = _sort_posts(ranked)
        agg.negatives = (ranked.head(top) if top > 0 else ranked.iloc[0:0]).reset_index(
            drop=True)
        if terms:
            if config is None:
                raise ValueError("complaint terms need the config")
            agg.terms = _term_stats(ranked, config, jobs=jobs, progress=progress)
        return agg

    def merge(self, other: Aggregate) -> Aggregate:
        """The aggregates of both chunks (neither is modified)."""
        if (self.intervals, self.top, self.terms is None) != (
                other.intervals, other.top, other.terms is None):
            raise ValueError("aggregates built with different settings cannot be merged")
        out = Aggregate(tz=self.tz, intervals=self.intervals, top=self.top, terms=None)
        out.mentions = self.mentions + other.mentions
        out.posts = self.posts + other.posts
        out.comments = self.comments + other.comments
        out.labels = {lab: self.labels[lab] + other.labels[lab] for lab in LABELS}
        out.engagement = self.engagement + other.engagement
        out.scored = self.scored + other.scored
        out.sentiment = exact_add(self.sentiment, other.sentiment)
        firsts = [x for x in (self.first, other.first) if x is not None]
        lasts = [x for x in (self.last, other.last) if x is not None]
        out.first = min(firsts) if firsts else None
        out.last = max(lasts) if lasts else None
        out.periods = {i: self.periods[i].merge(other.periods[i]) for i in self.intervals}
        out.brand_periods = {i: self.brand_periods[i].merge(other.brand_periods[i])
                             for i in self.intervals}
        out.authors = np.union1d(self.authors, other.authors)
        frames = [f for f in (self.negatives, other.negatives) if f is not None]
        out.negatives = (_top_posts(pd.concat(frames, ignore_index=True), self.top)
                         if len(frames) == 2 else (frames[0] if frames else None))
        if self.terms is not None and other.terms is not None:
            out.terms = _merge_terms(self.terms, other.terms)
        return out

    # -- reading tables -----------------------------------------------------------------

    @property
    def negative(self) -> int:
        return self.labels["negative"]

    @property
    def mean_sentiment(self) -> float | None:
        return exact_mean(self.sentiment, self.scored) if self.scored else None

    def first_time(self) -> pd.Timestamp | None:
        return None if self.first is None else pd.Timestamp(self.first, tz="UTC").tz_convert(
            self.tz)

    def last_time(self) -> pd.Timestamp | None:
        return None if self.last is None else pd.Timestamp(self.last, tz="UTC").tz_convert(
            self.tz)

    def timeline(self, interval: str = "day", *, tz: str | None = None,
                 since: datetime | None = None, until: datetime | None = None
                 ) -> pd.DataFrame:
        """Columns of :data:`TIMELINE_COLUMNS`; empty periods are zeros (mean NaN).

        One row per period from the first to the last post, or from ``since`` to just
        before ``until`` (in ``tz``, default the posts' timezone).
        """
        tally = self._tally(self.periods, interval)
        index = self._period_index(tally.counts.index, interval, tz or self.tz, since, until)
        if index is None:
            return pd.DataFrame({c: [] for c in TIMELINE_COLUMNS})
        keys = _ns_index(index)
        counts = tally.counts.reindex(keys, fill_value=0)
        out = pd.DataFrame(index=index)
        for col in ("mentions", *LABELS):
            out[col] = counts[col].to_numpy(dtype="int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            share = out["negative"] / out["mentions"].where(out["mentions"] > 0)
        out["negative_share"] = share.fillna(0.0)
        out["mean_sentiment"] = tally.means(keys)
        out["engagement"] = counts["engagement"].to_numpy(dtype="int64")
        out.index.name = "period"
        return out.reset_index()

    def brand_timeline(self, interval: str = "day", *, brands: Sequence[str] = (),
                       tz: str | None = None, since: datetime | None = None,
                       until: datetime | None = None) -> pd.DataFrame:
        """Per period and brand (a post naming two brands counts for both): the counts,
        labels, mean sentiment and engagement — the raw material of share of voice.

        ``brands`` fixes the brands listed (default: every brand seen, in name order).
        """
        tally = self._tally(self.brand_periods, interval)
        seen = tally.counts.index
        periods = seen.get_level_values("period") if len(seen) else pd.Index([], dtype="int64")
        index = self._period_index(periods.unique(), interval, tz or self.tz, since, until)
        names = list(brands) or sorted(set(seen.get_level_values("brand")))
        if index is None or not names:
            return pd.DataFrame({c: [] for c in BRAND_TIMELINE_COLUMNS})
        keys = pd.MultiIndex.from_product([_ns_index(index), names], names=["period", "brand"])
        counts = tally.counts.reindex(keys, fill_value=0)
        out = pd.DataFrame({
            "period": np.repeat(index, len(names)),
            "brand": np.tile(np.asarray(names, dtype=object), len(index)),
        })
        for col in ("mentions", *LABELS):
            out[col] = counts[col].to_numpy(dtype="int64")
        out["mean_sentiment"] = tally.means(keys)
        out["engagement"] = counts["engagement"].to_numpy(dtype="int64")
        return out

    def complaints(self, config: Config, *, top: int = 20) -> pd.DataFrame:
        """Top complaint terms (columns of :data:`COMPLAINT_COLUMNS`).

        Ranked by distinct negative posts using the term, then their summed engagement,
        then the term; ``example`` is the most engaging negative post with the term.
        """
        if self.terms is None:
            raise ValueError("this aggregate was built without complaint terms")
        stats = self.terms
        if not self.negative or stats.empty:
            return pd.DataFrame({c: [] for c in COMPLAINT_COLUMNS})
        rows = _top_terms(stats, top)
        total = self.negative
        terms = rows.index.tolist()
        return pd.DataFrame({
            "rank": range(1, len(rows) + 1),
            "term": terms,
            "category": [term_category(t, config.categories) for t in terms],
            "negative_posts": rows["posts"].tolist(),
            "share": [n / total for n in rows["posts"].tolist()],
            "engagement": rows["engagement"].tolist(),
            "example": rows["example"].tolist(),
        })

    def complaint_posts(self, config: Config, *, top: int = 20) -> pd.DataFrame:
        """The example post of each top complaint term: text, author, created_at, url,
        engagement — what renderers look complaint examples up in when the posts
        themselves are not at hand."""
        table = self.complaints(config, top=top)
        rows = (self.terms.loc[table["term"].tolist()] if self.terms is not None and len(table)
                else _empty_terms())
        return pd.DataFrame({
            "text": rows["example"].tolist(),
            "author": rows["author"].tolist(),
            "created_at": pd.to_datetime(rows["k_time"].to_numpy(dtype=np.int64),
                                         utc=True).tz_convert(self.tz),
            "url": rows["url"].tolist(),
            "engagement": (-rows["k_engagement"]).to_numpy(dtype=np.int64).tolist(),
        })

    def negative_posts(self, top: int | None = None) -> pd.DataFrame:
        """The most engaging negative posts (columns of :data:`TOP_POST_COLUMNS`)."""
        frame = self.negatives
        if frame is None:
            return pd.DataFrame({c: [] for c in TOP_POST_COLUMNS})
        n = self.top if top is None else min(top, self.top)
        return frame.head(n).loc[:, list(TOP_POST_COLUMNS)].reset_index(drop=True)

    def sentiment_mix(self) -> pd.DataFrame:
        """Posts and share per label."""
        mix = pd.DataFrame({"label": list(LABELS),
                            "posts": [self.labels[lab] for lab in LABELS]})
        mix["share"] = mix["posts"] / self.mentions if self.mentions else 0.0
        return mix

    def auto_interval(self) -> str:
        """Hours for up to three days of posts, days up to ten weeks, weeks beyond."""
        if self.first is None or self.last is None:
            return "day"
        span = pd.Timedelta(self.last - self.first, unit="ns")
        if span <= pd.Timedelta(days=3):
            return "hour"
        return "day" if span <= pd.Timedelta(weeks=10) else "week"

    # -- helpers ------------------------------------------------------------------------

    def _tally(self, tallies: dict[str, Tally], interval: str) -> Tally:
        if interval not in tallies:
            if interval not in INTERVALS:
                raise ValueError(f"unknown interval {interval!r}")
            raise ValueError(f"this aggregate was built without {interval!r} periods")
        return tallies[interval]

    def _period_index(self, periods: pd.Index, interval: str, tz: str,
                      since: datetime | None, until: datetime | None
                      ) -> pd.DatetimeIndex | None:
        ns = np.asarray(periods, dtype=np.int64)
        first = _from_ns(int(ns.min()), self.tz) if len(ns) else None
        last = _from_ns(int(ns.max()), self.tz) if len(ns) else None
        return period_range(first, last, interval, tz, since, until)


def _ns(times: pd.Series) -> np.ndarray:
    """UTC nanoseconds of tz-aware timestamps (the keys periods are stored under)."""
    return times.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").astype("int64").to_numpy()


def _ns_index(index: pd.DatetimeIndex) -> pd.Index:
    return pd.Index(index.tz_convert("UTC").as_unit("ns").asi8, name="period")


def _from_ns(value: int, tz: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC").tz_convert(tz)


def _brand_rows(scored: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """(row positions, brand names): one entry per post and brand it names."""
    if "brands" not in scored:
        return None
    # Few distinct cells (combinations of brands): split each once, then expand by code.
    codes, cells = pd.factorize(scored["brands"].to_numpy(dtype=object),
                                use_na_sentinel=False)
    names = [list(dict.fromkeys(b for b in c.split(";") if b)) if isinstance(c, str) else []
             for c in cells]
    counts = np.asarray([len(n) for n in names], dtype=np.int64)
    if not counts.any():
        return None
    per_row = counts[codes]
    rows = np.repeat(np.arange(len(codes)), per_row)
    flat = np.asarray([b for n in names for b in n], dtype=object)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    within = np.arange(per_row.sum()) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, flat[np.repeat(start[codes], per_row) + within]


def _sort_posts(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c, _ in POST_ORDER]
    return frame.sort_values(cols, ascending=[asc for _, asc in POST_ORDER], kind="stable")


def _top_posts(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` first posts in POST_ORDER, with the columns needed to rank them again."""
    keep = [c for c in _KEEP_COLUMNS if c in frame]
    if top <= 0 or frame.empty:
        return frame.loc[:, keep].iloc[0:0].reset_index(drop=True)
    return _sort_posts(frame.loc[:, keep]).head(top).reset_index(drop=True)


def _term_stats(ranked: pd.DataFrame, config: Config, *, jobs: int,
                progress: Callable[[int], None] | None) -> pd.DataFrame:
    """The term table of some negative posts, given in POST_ORDER (vectorised: a chunk
    holds 100,000s of term uses)."""
    if ranked.empty:
        return _empty_terms()
    codes, uniques = pd.factorize(ranked["text"].to_numpy(dtype=object))
    owner, words = term_pairs(list(uniques), config, jobs=jobs, progress=progress)
    # Expand each distinct text's terms to every post with that text.
    per_text = np.bincount(owner, minlength=len(uniques))
    first = np.concatenate([[0], np.cumsum(per_text)[:-1]])
    n = per_text[codes]
    if not n.sum():
        return _empty_terms()
    row = np.repeat(np.arange(len(ranked)), n)
    within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    term = words[np.repeat(first[codes], n) + within]
    engagement = ranked["engagement"].to_numpy(dtype=np.int64)
    pairs = pd.DataFrame({"term": term, "row": row, "engagement": engagement[row]})
    g = pairs.groupby("term", sort=False)
    # Posts are most engaging first, so a term's smallest row is its example.
    best = g["row"].min().to_numpy()
    out = pd.DataFrame({"posts": g.size().to_numpy(dtype=np.int64),
                        "engagement": g["engagement"].sum().to_numpy(dtype=np.int64)},
                       index=pd.Index(g["row"].min().index.to_numpy(dtype=object),
                                      name="term"))
    picked = ranked.iloc[best]
    out["k_engagement"] = -picked["engagement"].to_numpy(dtype=np.int64)
    out["k_time"] = _ns(picked["created_at"])
    out["source_line"] = picked["source_line"].to_numpy(dtype=np.int64)
    # Object columns, not pandas' Arrow strings: merges compare and copy them row-wise.
    for col, src in (("source_file", "source_file"), ("kind", "kind"), ("id", "id"),
                     ("example", "text"), ("author", "author"), ("url", "url")):
        out[col] = pd.Series(picked[src].to_numpy(dtype=object), index=out.index,
                             dtype=object)
    return out.loc[:, list(TERM_COLUMNS)]


def _merge_terms(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Both tables' counts added; per term, the example first in POST_ORDER."""
    if b.empty:
        return a
    if a.empty:
        return b
    index = a.index.union(b.index, sort=False)
    x, y = a.reindex(index), b.reindex(index)
    only_y = x["posts"].isna().to_numpy()
    only_x = y["posts"].isna().to_numpy()
    # y's example wins where it comes strictly first: compare the keys from the last.
    less = np.zeros(len(index), dtype=bool)
    both = ~only_x & ~only_y
    for col in reversed(TERM_KEYS):
        xv, yv = x[col].to_numpy(dtype=object)[both], y[col].to_numpy(dtype=object)[both]
        less[both] = (yv < xv) | ((yv == xv) & less[both])
    take_y = only_y | less
    out = x.copy()
    for col in (*TERM_KEYS, "author", "url"):
        vals = out[col].to_numpy(dtype=object).copy()
        vals[take_y] = y[col].to_numpy(dtype=object)[take_y]
        out[col] = pd.Series(vals, index=out.index, dtype=object)
    for col in ("posts", "engagement"):
        out[col] = (x[col].fillna(0).to_numpy(dtype=np.int64)
                    + y[col].fillna(0).to_numpy(dtype=np.int64))
    for col in ("k_engagement", "k_time", "source_line"):
        out[col] = out[col].astype("int64")
    return out


def _top_terms(stats: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` terms by negative posts, then engagement, then the term itself."""
    if len(stats) > top > 0:
        # Only terms used at least as often as the top-th can be in the top.
        floor = np.partition(stats["posts"].to_numpy(), len(stats) - top)[len(stats) - top]
        stats = stats[stats["posts"].to_numpy() >= floor]
    ranked = stats.assign(_p=-stats["posts"], _e=-stats["engagement"],
                          _t=stats.index.to_numpy(dtype=object))
    ranked = ranked.sort_values(["_p", "_e", "_t"], kind="stable")
    return ranked.head(top).drop(columns=["_p", "_e", "_t"])


def merge_all(parts: Iterable[Aggregate]) -> Aggregate | None:
    """Fold many aggregates into one (None for none)."""
    out: Aggregate | None = None
    for part in parts:
        out = part if out is None else out.merge(part)
    return out
