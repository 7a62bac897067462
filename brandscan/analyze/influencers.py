"""Who drives the conversation: authors ranked by reach, with their loudest post.

Reach is the author's followers when the export (or a ``--users`` file) has them, else the
engagement their posts earned in the window — search exports such as weibo-search carry no
follower counts, and engagement is then the best trace of who was heard. ``reach_basis``
says which one a row uses, because the two are not on the same scale.

An author whose single post earned at least ``alerts.dominant_share`` of all engagement in
an alert's window is flagged in ``drove_spike``: the spike is that post, and the answer is
to that author.

The table is read off an :class:`AuthorPartial` — per-author counts, sums and chosen posts
that merge chunk by chunk — so a streamed or Dask run that never holds all posts ranks
authors exactly as :func:`influencers` does on a frame (which builds one partial of the
whole frame). Every choice of one post among several (an author's latest name, their
verification, their top post, the post that drove a spike) follows a total order of posts
(:data:`~brandscan.analyze.partial.POST_ORDER`), never the position of a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze.partial import (
    POST_ORDER,
    ZERO,
    Chunk,
    Context,
    Exact,
    Finished,
    WindowPosts,
    exact_add,
    exact_group_sums,
    exact_mean,
)
from brandscan.config import Config
from brandscan.schema import empty_scored

INFLUENCER_COLUMNS = ("rank", "author", "author_id", "verified", "followers", "reach",
                      "reach_basis", "posts", "engagement", "mean_sentiment", "negative_posts",
                      "reposted_in_chains", "top_post_time", "top_post_engagement",
                      "top_post_text", "top_post_url", "drove_spike")

_CHAIN_AUTHOR = re.compile(r"(?:^|//)@([^:：\s/]+)[:：]")

#: ``window_posts(brand, start, end)``: the scored posts naming ``brand`` (every post for
#: ``alerts.ALL_POSTS``) created in ``[start, end)``; ``end`` None means no upper bound.

# Chosen posts are compared on the POST_ORDER keys, the time as UTC nanoseconds in ``_t``
# (a plain int64, NaT its smallest value), then on what was chosen from them, so that two
# posts equal on every key but the payload still have an order.
_KEY = "author_key"
_T = "_t"
_ORDER_KEYS: tuple[str, ...] = tuple(_T if c == "created_at" else c for c, _ in POST_ORDER)
_Order = tuple[tuple[str, bool], ...]
_REST: _Order = tuple((c, asc) for c, asc in POST_ORDER if c != "created_at")
#: The top post: most engaging, then earliest, then the rest of POST_ORDER.
_BEST: _Order = (_REST[0], (_T, True), *_REST[1:])
#: The post an author's name and id are taken from: the latest.
_LATEST: _Order = ((_T, False), *_REST, ("author_id", True))
#: The post an author's verification is taken from: the earliest that states one.
_EARLIEST: _Order = ((_T, True), *_REST, ("verified", True))
_STAT_COLUMNS = ("posts", "engagement", "scored", "negative")
#: The columns of the posts an AuthorPartial reads (the first ones may be missing).
_SOURCE_COLUMNS = ("source_file", "source_line", "kind", "id", "url")
_POST_COLUMNS = (*_SOURCE_COLUMNS, "created_at", "engagement", "text", "author",
                 "author_id", "verified", "followers", "sentiment", "label")


def _key(author: str, author_id: str) -> str:
    return author_id or author


# --- per-author partial aggregates ------------------------------------------------------

@dataclass
class AuthorPartial:
    """Per-author partial aggregates of some scored posts; :meth:`merge` adds another's.

    Build one with :meth:`of`, read the table with :func:`influencers_from`. The frames are
    indexed by the author key (``author_id``, else ``author``), one row per author;
    ``stats``, ``latest`` and ``best`` share one index (the same authors, in one order):

    - ``stats``: ``followers`` (Int64: the largest seen, NA when never known) and the int64
      counts ``posts``, ``engagement``, ``scored`` (posts with a sentiment score) and
      ``negative``;
    - ``latest``: the author's latest post, whose ``author`` and ``author_id`` name them;
    - ``best``: the author's top post (``created_at``, ``engagement``, ``text``, ``url``);
    - ``verified``: the earliest post with a non-empty ``verified`` (authors without one
      are absent).

    The chosen posts keep their POST_ORDER keys (strings as Python ``str``, time as UTC
    nanoseconds ``_t``), so that a merge can choose again. ``sentiment`` maps an author key
    to the exact sum of their sentiment scores; ``chains`` counts, per name, the
    ``//@name:`` mentions in repost chains (of every post, with an author or not).
    """

    stats: pd.DataFrame
    latest: pd.DataFrame
    best: pd.DataFrame
    verified: pd.DataFrame
    sentiment: dict[str, Exact] = field(default_factory=dict)
    chains: pd.Series = field(default_factory=lambda: pd.Series([], dtype="int64"))

    @classmethod
    def of(cls, scored: pd.DataFrame) -> AuthorPartial:
        """The partial aggregates of one chunk of scored posts.

        Posts with neither an author nor an author id count only in the repost chains.
        A frame without ``source_file``/``source_line``/``kind``/``id``/``url`` (built by
        hand) is ordered as if they were empty.
        """
        df = scored.loc[:, [c for c in _POST_COLUMNS if c in scored]]
        for col in _SOURCE_COLUMNS:
            if col not in df:
                df[col] = 0 if col == "source_line" else ""
        authors, ids = df["author"].astype(str), df["author_id"].astype(str)
        named = ((authors != "") | (ids != "")).to_numpy()
        keys = ids.where(ids != "", authors)
        if not named.all():
            df, keys = df[named], keys[named]
        codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
        index = pd.Index(uniques, dtype=object, name=_KEY)
        sentiment = df["sentiment"].to_numpy(dtype=np.float64)
        counts = pd.DataFrame({
            "posts": np.ones(len(df), dtype=np.int64),
            "engagement": df["engagement"].to_numpy(dtype=np.int64),
            "scored": (~np.isnan(sentiment)).astype(np.int64),
            "negative": (df["label"] == "negative").to_numpy(dtype=np.int64),
        }).groupby(codes, sort=True).sum()
        followers = df["followers"].astype("Int64").groupby(codes, sort=True).max()
        stats = _frame({"followers": followers.array,
                        **{c: counts[c].to_numpy(dtype=np.int64) for c in _STAT_COLUMNS}},
                       index)
        names = index.tolist()
        sums = {names[c]: total for c, total in exact_group_sums(codes, sentiment).items()}
        # Each choice is narrowed over the whole chunk by time and engagement (numbers
        # only); the candidates left get Python strings once, shared by the three choices.
        numbers = {_T: _ns(df["created_at"]), "engagement": df["engagement"].to_numpy(np.int64)}
        every = np.arange(len(df))
        stated = np.flatnonzero((df["verified"] != "").to_numpy())
        choices = {"latest": (every, _LATEST), "best": (every, _BEST),
                   "verified": (stated, _EARLIEST)}
        narrowed = {name: rows[_narrow(codes[rows], {c: v[rows] for c, v in numbers.items()},
                                       order[:2])]
                    for name, (rows, order) in choices.items()}
        candidate = np.zeros(len(df), dtype=bool)
        for rows in narrowed.values():
            candidate[rows] = True
        union = np.flatnonzero(candidate)
        ucodes = codes[union]
        cols = {_T: numbers[_T][union],
                **{c: _plain(df[c].iloc[union]) for c in (*_ORDER_KEYS, "author_id", "verified",
                                                          "created_at") if c != _T}}

        def pick(name: str, payload: str) -> tuple[np.ndarray, dict[str, Any]]:
            sel = np.searchsorted(union, narrowed[name])
            order = choices[name][1]
            chosen = sel[_first_rows(ucodes[sel], {c: cols[c][sel] for c, _ in order}, order)]
            chosen = chosen[np.argsort(ucodes[chosen], kind="stable")]  # in ``index`` order
            return ucodes[chosen], {c: cols[c][chosen] for c in (*_ORDER_KEYS, payload)}

        _, latest = pick("latest", "author_id")
        _, best = pick("best", "created_at")
        who, verified = pick("verified", "verified")
        return cls(stats, _frame(latest, index), _frame(best, index),
                   _frame(verified, pd.Index(uniques[who], dtype=object, name=_KEY)),
                   sums, _chain_counts(scored))

    def merge(self, other: AuthorPartial) -> AuthorPartial:
        """The partial aggregates of both (neither is modified).

        Costs a hash lookup per author of ``other``, a copy (of pointers) of both sides'
        rows, and key comparisons only for the authors both have.
        """
        chains = _add_counts(self.chains, other.chains)
        if not len(other):
            return replace(self, chains=chains)
        if not len(self):
            return replace(other, chains=chains)
        here = self.stats.index.get_indexer(other.stats.index)
        index = _union(self.stats.index, other.stats.index, here)
        sums = dict(self.sentiment)
        for key, value in other.sentiment.items():
            mine = sums.get(key)
            sums[key] = value if mine is None else exact_add(mine, value)
        return AuthorPartial(
            _merge_stats(self.stats, other.stats, here, index),
            _merge_chosen(self.latest, other.latest, _LATEST, here, index),
            _merge_chosen(self.best, other.best, _BEST, here, index),
            _merge_chosen(self.verified, other.verified, _EARLIEST),
            sums, chains)

    def __len__(self) -> int:
        """How many authors."""
        return len(self.stats)


def merge_partials(parts: Iterable[AuthorPartial]) -> AuthorPartial | None:
    """Fold many partials into one (None for none)."""
    out: AuthorPartial | None = None
    for part in parts:
        out = part if out is None else out.merge(part)
    return out


def _ns(times: pd.Series) -> np.ndarray:
    """UTC nanoseconds (NaT as the smallest int64)."""
    return pd.DatetimeIndex(times).as_unit("ns").asi8


def _plain(column: pd.Series) -> Any:
    """The column's values as an array; strings as Python ``str`` objects, one per
    distinct value: merges copy and compare them again and again, which numpy does by
    copying pointers, and equal names, files and texts are stored once."""
    if column.dtype != "str" and column.dtype != object:
        return column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array
    codes, uniques = pd.factorize(column.fillna("").astype(str))
    return np.asarray(uniques, dtype=object)[codes]


def _frame(columns: Mapping[str, Any], index: pd.Index) -> pd.DataFrame:
    """A frame of these columns (arrays, or Series taken by position) on ``index``, each
    keeping its dtype: pandas would infer Arrow strings from object arrays."""
    out = {}
    for name, values in columns.items():
        if isinstance(values, pd.Series):
            values = values.to_numpy() if isinstance(values.dtype, np.dtype) else values.array
        out[name] = pd.Series(values, index=index, dtype=values.dtype, copy=False)
    return pd.DataFrame(out, index=index)


def _narrow(codes: np.ndarray, cols: Mapping[str, Any], order: _Order) -> np.ndarray:
    """Positions of the rows that come first in their group (code) on every key of
    ``order``: ties kept.

    Key by key, and only over the rows still tied: time and engagement decide almost
    every group, so the strings behind them are seldom looked at.
    """
    pos = np.arange(len(codes))
    for col, asc in order:
        group = codes[pos]
        tied = np.flatnonzero(np.bincount(group)[group] > 1)
        if not len(tied):
            break
        values = cols[col][pos[tied]]
        if values.dtype == object:  # strings: their ranks
            values = pd.factorize(values, sort=True)[0]
        target = pd.Series(values).groupby(group[tied]).transform("min" if asc else "max")
        keep = np.ones(len(pos), dtype=bool)
        keep[tied] = values == target.to_numpy()
        pos = pos[keep]
    return pos


def _first_rows(codes: np.ndarray, cols: Mapping[str, Any], order: _Order) -> np.ndarray:
    """Positions of the first row of each group (code) in ``order``."""
    pos = _narrow(codes, cols, order)
    # Rows still tied agree on every key (the choice included): any one will do.
    _, first = np.unique(codes[pos], return_index=True)
    return pos[first]


def _union(a: pd.Index, b: pd.Index, here: np.ndarray) -> pd.Index:
    """``a`` then the keys of ``b`` it lacks (``here``: where b's keys are in a, or -1)."""
    return pd.Index(np.concatenate([a.to_numpy(dtype=object),
                                    b.to_numpy(dtype=object)[here < 0]]),
                    dtype=object, name=_KEY)


def _merge_stats(a: pd.DataFrame, b: pd.DataFrame, here: np.ndarray, index: pd.Index
                 ) -> pd.DataFrame:
    new, old = here < 0, np.flatnonzero(here >= 0)
    into = here[old]
    counts = {}
    for c in _STAT_COLUMNS:
        va, vb = a[c].to_numpy(dtype=np.int64), b[c].to_numpy(dtype=np.int64)
        out = np.concatenate([va, vb[new]])
        out[into] += vb[old]
        counts[c] = out
    fa, fb = a["followers"], b["followers"]
    value = np.concatenate([fa.to_numpy(dtype=np.int64, na_value=0),
                            fb.to_numpy(dtype=np.int64, na_value=0)[new]])
    missing = np.concatenate([fa.isna().to_numpy(), fb.isna().to_numpy()[new]])
    x, x_na = value[into], missing[into]
    y, y_na = fb.to_numpy(dtype=np.int64, na_value=0)[old], fb.isna().to_numpy()[old]
    value[into] = np.where(x_na, y, np.where(y_na, x, np.maximum(x, y)))
    missing[into] = x_na & y_na
    return _frame({"followers": pd.arrays.IntegerArray(value, missing), **counts}, index)


def _merge_chosen(a: pd.DataFrame, b: pd.DataFrame, order: _Order,
                  here: np.ndarray | None = None, index: pd.Index | None = None
                  ) -> pd.DataFrame:
    """The chosen posts of two partials: per key, the first in ``order``.

    ``here``/``index`` as the stats' merge computed them when ``a``/``b`` share the stats'
    index.
    """
    if here is None or index is None:
        if not len(b):
            return a
        if not len(a):
            return b
        here = a.index.get_indexer(b.index)
        index = _union(a.index, b.index, here)
    old = np.flatnonzero(here >= 0)
    into = here[old]
    # Compare each pair key by key; a pair is decided at its first unequal key.
    wins = np.zeros(len(old), dtype=bool)
    open_ = np.arange(len(old))
    for col, asc in order:
        if not len(open_):
            break
        x, y = a[col].to_numpy()[into[open_]], b[col].to_numpy()[old[open_]]
        lower, higher = y < x, y > x
        better, worse = (lower, higher) if asc else (higher, lower)
        wins[open_[better]] = True
        open_ = open_[~(better | worse)]
    source = np.concatenate([np.arange(len(a)), len(a) + np.flatnonzero(here < 0)])
    source[into[wins]] = len(a) + old[wins]
    columns = {}
    for c in a.columns:
        if a[c].dtype == object or isinstance(a[c].dtype, np.dtype):
            columns[c] = np.concatenate([a[c].to_numpy(), b[c].to_numpy()])[source]
        else:  # extension types (the tz-aware top post time)
            both = pd.concat([a[c], b[c]], ignore_index=True)
            columns[c] = both.array.take(source)
    return _frame(columns, index)


def _add_counts(a: pd.Series, b: pd.Series) -> pd.Series:
    """Counts per name of both."""
    if not len(b):
        return a
    if not len(a):
        return b
    here = a.index.get_indexer(b.index)
    old = np.flatnonzero(here >= 0)
    values = np.concatenate([a.to_numpy(dtype=np.int64),
                             b.to_numpy(dtype=np.int64)[here < 0]])
    values[here[old]] += b.to_numpy(dtype=np.int64)[old]
    return pd.Series(values, index=_union(a.index, b.index, here).rename(None), dtype="int64")


def _chain_counts(scored: pd.DataFrame) -> pd.Series:
    """How often each name is reposted in a ``//@name:`` chain."""
    chain = scored["chain"]
    chain = chain[(chain != "").to_numpy()]
    names = chain.str.findall(_CHAIN_AUTHOR).explode().dropna()
    counts = names.value_counts()
    return pd.Series(counts.to_numpy(dtype=np.int64),
                     index=pd.Index(counts.index.to_numpy(dtype=object), dtype=object),
                     dtype="int64")


# --- the table --------------------------------------------------------------------------

def influencers_from(partial: AuthorPartial, config: Config, *, top: int = 20,
                     dominant: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """The influencer table (columns :data:`INFLUENCER_COLUMNS`) from a merged partial.

    Authors are ranked by reach, then engagement, then posts (most first), then author key.
    ``dominant`` (author key -> where one of their posts dominated an incident, from
    :func:`dominant_posts` or :func:`dominant_posts_from`) fills ``drove_spike``.
    """
    stats = partial.stats
    if stats.empty:
        return pd.DataFrame({c: [] for c in INFLUENCER_COLUMNS})
    known = stats["followers"].notna().to_numpy()
    engagement = stats["engagement"].to_numpy(dtype=np.int64)
    reach = np.where(known, stats["followers"].fillna(0).to_numpy(dtype=np.int64), engagement)
    top = max(top, 0)
    if len(reach) > top > 0:
        # Only authors reaching at least the top-th largest reach can make the table.
        floor = np.partition(reach, len(reach) - top)[len(reach) - top]
        candidates = np.flatnonzero(reach >= floor)
    else:
        candidates = np.arange(len(reach))
    ranking = pd.DataFrame({
        "reach": reach[candidates], "engagement": engagement[candidates],
        "posts": stats["posts"].to_numpy(dtype=np.int64)[candidates],
        "key": stats.index[candidates].to_numpy(dtype=object), "row": candidates,
    }).sort_values(["reach", "engagement", "posts", "key"],
                   ascending=[False, False, False, True]).head(top)
    rows = ranking["row"].to_numpy()
    keys = stats.index[rows]
    chosen = stats.iloc[rows]
    latest = partial.latest.loc[keys]
    best = partial.best.loc[keys]
    flags = dominant or {}
    out = pd.DataFrame({
        "rank": np.arange(1, len(rows) + 1, dtype=np.int64),
        "author": _text(latest["author"]),
        "author_id": _text(latest["author_id"]),
        "verified": _text(partial.verified["verified"].reindex(keys).fillna("")),
        "followers": chosen["followers"].array,
        "reach": ranking["reach"].to_numpy(),
        "reach_basis": pd.array(np.where(known[rows], "followers", "engagement"), dtype=str),
        "posts": chosen["posts"].to_numpy(),
        "engagement": chosen["engagement"].to_numpy(),
        "mean_sentiment": np.array([exact_mean(partial.sentiment.get(k, ZERO), int(n))
                                    for k, n in zip(keys, chosen["scored"])],
                                   dtype=np.float64),
        "negative_posts": chosen["negative"].to_numpy(),
        "reposted_in_chains": partial.chains.reindex(latest["author"].to_numpy())
        .fillna(0).to_numpy(dtype=np.int64),
        "top_post_time": best["created_at"].array,
        "top_post_engagement": best["engagement"].to_numpy(),
        "top_post_text": _text(best["text"]),
        "top_post_url": _text(best["url"]),
        "drove_spike": pd.array(["; ".join(flags.get(k, [])) for k in keys], dtype=str),
    })
    return out.loc[:, list(INFLUENCER_COLUMNS)]


def _text(column: pd.Series) -> pd.api.extensions.ExtensionArray:
    """A column of the table as the canonical frame's strings."""
    return pd.array(column.to_numpy(dtype=object), dtype=str)


def influencers(scored: pd.DataFrame, config: Config, *, alerts: pd.DataFrame | None = None,
                history: pd.DataFrame | None = None, top: int = 20) -> pd.DataFrame:
    """Authors ranked by reach, then engagement (see the module docstring).

    ``alerts`` (from :func:`~brandscan.analyze.alerts.detect_alerts`) and ``history``
    (the scored posts the alerts were found in) fill ``drove_spike``. The same as
    :func:`influencers_from` on ``AuthorPartial.of(scored)``, which a chunked run merges.
    """
    flags = (dominant_posts(alerts, history if history is not None else scored, config)
             if alerts is not None else {})
    return influencers_from(AuthorPartial.of(scored), config, top=top, dominant=flags)


# --- who drove a spike ------------------------------------------------------------------

def dominant_posts(alerts: pd.DataFrame, posts: pd.DataFrame, config: Config
                   ) -> dict[str, list[str]]:
    """Authors whose one post dominated an incident's engagement -> where, as text."""
    from brandscan.analyze.hourly import brand_rows

    if alerts.empty or posts.empty:
        return {}

    def window(brand: str, start: pd.Timestamp, end: pd.Timestamp | None) -> pd.DataFrame:
        rows = brand_rows(posts, brand)
        times = rows["created_at"]
        inside = times >= start if end is None else (times >= start) & (times < end)
        return rows[inside]

    return dominant_posts_from(alerts, window, config)


def dominant_posts_from(alerts: pd.DataFrame, window_posts: WindowPosts, config: Config
                        ) -> dict[str, list[str]]:
    """:func:`dominant_posts` with the posts fetched per incident window.

    ``window_posts(brand, start, end)`` returns the scored posts naming ``brand`` created in
    ``[start, end)`` (``end`` None: no upper bound, for an incident still open), so a
    streamed run reads only the alert windows. The dominant post is the first in
    POST_ORDER (most engaging, then earliest, ...), whatever order the rows come in.
    """
    from brandscan.analyze.response import incidents

    out: dict[str, list[str]] = {}
    if alerts.empty:
        return out
    for inc in incidents(alerts, config):
        hour_start = inc.start.floor("h")
        win = window_posts(inc.brand, hour_start, inc.end)
        total = int(win["engagement"].sum()) if len(win) else 0
        if total <= 0:
            continue
        top = _first_post(win)
        share = int(top["engagement"]) / total
        if share >= config.alerts.dominant_share:
            key = _key(str(top["author"]), str(top["author_id"]))
            out.setdefault(key, []).append(
                f"{inc.brand} {hour_start:%Y-%m-%d %H:%M} ({share:.0%} of engagement)")
    return out


def _first_post(posts: pd.DataFrame) -> pd.Series:
    """The first post in POST_ORDER (of the order keys the frame has), then by author id:
    two rows can only tie on all of them if they are the same post."""
    best = posts[(posts["engagement"] == posts["engagement"].max()).to_numpy()]
    order = [(c, asc) for c, asc in (*POST_ORDER, ("author_id", True)) if c in best]
    return best.sort_values([c for c, _ in order], ascending=[asc for _, asc in order],
                            kind="stable").iloc[0]


@dataclass(frozen=True)
class Influencers:
    """Authors of the window's posts by reach; ``drove_spike`` from the run's alerts."""

    top: int = 20
    name: str = "influencers"
    needs: tuple[str, ...] = ("alerts",)

    def empty(self, ctx: Context) -> AuthorPartial:
        return AuthorPartial.of(empty_scored(ctx.tz))

    def partial(self, chunk: Chunk, ctx: Context) -> AuthorPartial:
        return AuthorPartial.of(window_rows(chunk.history, ctx))

    def merge(self, a: AuthorPartial, b: AuthorPartial) -> AuthorPartial:
        return a.merge(b)

    def finish(self, partial: AuthorPartial, ctx: Context, run: Finished) -> pd.DataFrame:
        dominant = dominant_posts_from(run.result("alerts"), run.window_posts(), ctx.config)
        return influencers_from(partial, ctx.config, top=self.top, dominant=dominant)


def window_rows(history: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The rows of ``history`` inside the run's window (``history`` itself when all are)."""
    times = history["created_at"]
    inside = np.ones(len(history), dtype=bool)
    if ctx.since is not None:
        inside &= (times >= pd.Timestamp(ctx.since)).to_numpy()
    if ctx.until is not None:
        inside &= (times < pd.Timestamp(ctx.until)).to_numpy()
    return history[inside] if not inside.all() else history
