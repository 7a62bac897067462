"""What negative posts are about: jieba terms ranked by distinct negative posts and engagement.

The partial (:class:`Terms`) is a table with one row per term: how many negative posts use
it, their summed engagement, and its example — the first such post in POST_ORDER, kept
with its order keys so two tables merge exactly — plus the number of negative posts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from brandscan.analyze.partial import Chunk, Context, Finished, sort_posts, utc_ns, voices
from brandscan.config import Config
from brandscan.text.terms import TermSource, term_pairs

COMPLAINT_COLUMNS = ("rank", "term", "category", "negative_posts", "share", "engagement",
                     "example")


def term_category(term: str, categories: Mapping[str, Sequence[str]]) -> str:
    """The category that lists the term, else one whose (2+ character) word it contains."""
    for name, words in categories.items():
        if term in words:
            return name
    for name, words in categories.items():
        if any(len(w) >= 2 and w in term for w in words):
            return name
    return ""


#: The columns a negative post needs to be ranked in POST_ORDER and shown as an example.
RANK_COLUMNS = ("engagement", "created_at", "source_file", "source_line", "kind", "id",
                "text", "author", "url")


@dataclass
class Terms:
    """The term table (:data:`TERM_COLUMNS` by term) and how many negative posts there were."""

    table: pd.DataFrame
    negative: int = 0

    @classmethod
    def empty(cls) -> Terms:
        return cls(_empty_terms())

    @classmethod
    def of(cls, scored: pd.DataFrame, config: Config, *, jobs: int = 1,
           progress: Callable[[int], None] | None = None,
           source: TermSource | None = None) -> Terms:
        """Segment the negative posts of one chunk (the costly step of a report)."""
        is_negative = (scored["label"] == "negative").to_numpy() & voices(scored)
        ranked = sort_posts(scored.loc[is_negative, [c for c in RANK_COLUMNS if c in scored]])
        return cls(_term_stats(ranked, config, jobs=jobs, progress=progress, source=source),
                   int(is_negative.sum()))

    def merge(self, other: Terms) -> Terms:
        return Terms(_merge_terms(self.table, other.table), self.negative + other.negative)

    def top(self, config: Config, top: int = 20) -> pd.DataFrame:
        """Top complaint terms (columns of :data:`COMPLAINT_COLUMNS`).

        Ranked by distinct negative posts using the term, then their summed engagement,
        then the term; ``example`` is the most engaging negative post with the term.
        """
        stats = self.table
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

    def examples(self, config: Config, tz: str, top: int = 20) -> pd.DataFrame:
        """The example post of each top complaint term: text, author, created_at, url,
        engagement — what renderers look complaint examples up in when the posts
        themselves are not at hand."""
        table = self.top(config, top)
        rows = self.table.loc[table["term"].tolist()] if len(table) else _empty_terms()
        return pd.DataFrame({
            "text": rows["example"].tolist(),
            "author": rows["author"].tolist(),
            "created_at": pd.to_datetime(rows["k_time"].to_numpy(dtype=np.int64),
                                         utc=True).tz_convert(tz),
            "url": rows["url"].tolist(),
            "engagement": (-rows["k_engagement"]).to_numpy(dtype=np.int64).tolist(),
        })


@dataclass(frozen=True)
class Complaints:
    """The ``top`` complaint terms of the window's negative opinions."""

    top: int = 20
    name: str = "complaints"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> Terms:
        return Terms.empty()

    def partial(self, chunk: Chunk, ctx: Context) -> Terms:
        if ctx.progress is None:
            return Terms.of(chunk.scored, ctx.config, jobs=ctx.jobs, source=ctx.terms)
        negatives = int(((chunk.scored["label"] == "negative").to_numpy()
                         & voices(chunk.scored)).sum())
        with ctx.progress("complaint terms", negatives) as advance:
            return Terms.of(chunk.scored, ctx.config, jobs=ctx.jobs, progress=advance,
                            source=ctx.terms)

    def merge(self, a: Terms, b: Terms) -> Terms:
        return a.merge(b)

    def finish(self, partial: Terms, ctx: Context, run: Finished) -> pd.DataFrame:
        return partial.top(ctx.config, self.top)


def complaints(scored: pd.DataFrame, config: Config, *, top: int = 20, jobs: int = 1,
               progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Top complaint terms among negative posts.

    Ranked by the number of distinct negative posts using the term, then by their summed
    engagement; ``example`` is the most engaging negative post with the term (the
    earliest among equally engaging ones). The frame is one chunk of the partials the
    streaming engines merge.
    """
    return Terms.of(scored, config, jobs=jobs, progress=progress).top(config, top)


# --- the term table ---------------------------------------------------------------------

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


def _term_stats(ranked: pd.DataFrame, config: Config, *, jobs: int,
                progress: Callable[[int], None] | None,
                source: TermSource | None = None) -> pd.DataFrame:
    """The term table of some negative posts, given in POST_ORDER (vectorised: a chunk
    holds 100,000s of term uses)."""
    if ranked.empty:
        return _empty_terms()
    codes, uniques = pd.factorize(ranked["text"].to_numpy(dtype=object))
    owner, words = term_pairs(list(uniques), config, jobs=jobs, progress=progress,
                              source=source)
    # Expand each distinct text's terms to every post with that text.
    per_text = np.bincount(owner, minlength=len(uniques))
    first = np.concatenate([[0], np.cumsum(per_text)[:-1]])
    n = per_text[codes]
    if not n.sum():
        return _empty_terms()
    row = np.repeat(np.arange(len(ranked)), n)
    within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    term = words[np.repeat(first[codes], n) + within]
    return _table_of_pairs(ranked, term, row)


def _table_of_pairs(ranked: pd.DataFrame, term: np.ndarray, row: np.ndarray) -> pd.DataFrame:
    """The term table of (term, row) pairs over posts given in POST_ORDER."""
    if not len(term):
        return _empty_terms()
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
    out["k_time"] = utc_ns(picked["created_at"])
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




# --- aspects: the complaint categories ---------------------------------------------------

#: ``complaints --by category``: one row per complaint category.
ASPECT_COLUMNS = ("rank", "category", "negative_posts", "share", "engagement", "example")


@dataclass
class Categories:
    """Per complaint category, the negative opinions that name one of its words (a post
    counts once per category, in every category it names), and how many there were."""

    table: pd.DataFrame
    negative: int = 0

    @classmethod
    def of(cls, scored: pd.DataFrame) -> Categories:
        is_negative = (scored["label"] == "negative").to_numpy() & voices(scored)
        ranked = sort_posts(scored.loc[is_negative, [*(c for c in RANK_COLUMNS if c in scored),
                                                     "categories"]])
        cells = ranked["categories"].fillna("").astype(str).tolist()
        names = [c.split(";") if c else [] for c in cells]
        row = np.repeat(np.arange(len(ranked)), [len(x) for x in names])
        term = np.asarray([c for x in names for c in x], dtype=object)
        return cls(_table_of_pairs(ranked, term, row), int(is_negative.sum()))

    def merge(self, other: Categories) -> Categories:
        return Categories(_merge_terms(self.table, other.table), self.negative + other.negative)

    def rows(self) -> pd.DataFrame:
        """Columns of :data:`ASPECT_COLUMNS`, most posts first (then engagement, name)."""
        if not self.negative or self.table.empty:
            return pd.DataFrame({c: [] for c in ASPECT_COLUMNS})
        rows = _top_terms(self.table, len(self.table))
        return pd.DataFrame({
            "rank": range(1, len(rows) + 1),
            "category": rows.index.tolist(),
            "negative_posts": rows["posts"].tolist(),
            "share": [n / self.negative for n in rows["posts"].tolist()],
            "engagement": rows["engagement"].tolist(),
            "example": rows["example"].tolist(),
        })


@dataclass(frozen=True)
class Aspects:
    """What the negative opinions complain about, per complaint category (质量, 物流/配送,
    客服, 退款/退货… and configured ones): posts, share of the negative opinions,
    engagement and the most engaging example."""

    name: str = "aspects"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> Categories:
        return Categories(_empty_terms())

    def partial(self, chunk: Chunk, ctx: Context) -> Categories:
        return Categories.of(chunk.scored)

    def merge(self, a: Categories, b: Categories) -> Categories:
        return a.merge(b)

    def finish(self, partial: Categories, ctx: Context, run: Finished) -> pd.DataFrame:
        return partial.rows()
