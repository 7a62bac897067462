"""What the negative opinions complain about: the terms that set them apart from the
brand's other opinions, said by enough people.

A term is a jieba word of the authors' own words (:mod:`brandscan.text.terms`: no page
furniture, @names, numbers, brands) or a phrase of two words that go together. It makes
the list when

- at least ``complaints.min_posts`` (3) negative opinions use it, near copies counting
  once (:mod:`brandscan.text.copies`: a copied complaint, a repost chain, shuffled
  keyword spam), written by at least ``complaints.min_authors`` (2) accounts; and
- it belongs to the negative opinions more than to the brand's other opinions: its
  weighted log-odds z-score (:mod:`brandscan.analyze.log_odds`) between the two is
  positive. Counts for it are per voice: one author, and one group of near copies,
  count once.

Terms are ranked by that z-score (``score``); a word whose negative posts a longer term
(a phrase, or a word containing it: 烂山竹 over 山竹) mostly covers gives way to it. Each
term's example is its most engaging negative opinion, taken so that the list's examples
come from different authors where the term has other examples.

The partial (:class:`Terms`) holds what that needs and nothing tied to how the posts were
split: per-term counts, the distinct (term, negative post) pairs, the negative posts'
authors and shingles, and each term's first negative posts in POST_ORDER — so every
engine and chunk size gives the same list.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brandscan.analyze.log_odds import log_odds_z
from brandscan.analyze.partial import (
    Chunk,
    Context,
    Finished,
    hash_strings,
    sort_posts,
    utc_ns,
    voices,
)
from brandscan.config import Config
from brandscan.text.copies import copy_groups, shingles
from brandscan.text.terms import TermSource, is_phrase, phrase_words, term_pairs

COMPLAINT_COLUMNS = ("rank", "term", "category", "score", "negative_posts", "authors",
                     "other_posts", "share", "engagement", "example")
#: A phrase candidate (two adjacent words) is kept when its words go together: their
#: normalised pointwise mutual information over the run's opinions is at least this.
PHRASE_NPMI = 0.5
#: A word gives way to a longer term that covers at least this share of its negative
#: posts (by groups of near copies).
COVERS = 0.8
#: Negative posts kept per term as example candidates (for examples by different authors).
EXAMPLES_PER_TERM = 3


def term_category(term: str, categories: Mapping[str, Sequence[str]]) -> str:
    """The category that lists the term, else one whose (2+ character) word it contains."""
    for name, words in categories.items():
        if term in words:
            return name
    for name, words in categories.items():
        if any(len(w) >= 2 and w in term for w in words):
            return name
    return ""


#: The columns a post needs to be ranked in POST_ORDER and shown as an example.
RANK_COLUMNS = ("engagement", "created_at", "source_file", "source_line", "kind", "id",
                "text", "author", "url")
#: An example's POST_ORDER keys, in order.
TERM_KEYS = ("k_engagement", "k_time", "source_file", "source_line", "kind", "id", "example")
EXAMPLE_COLUMNS = ("term", *TERM_KEYS, "author", "url")


def _empty_stats() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype="int64")
                        for c in ("posts", "engagement", "other")})
    out.index = pd.Index([], dtype=object, name="term")
    return out


def _empty_examples() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c in (
        "k_engagement", "k_time", "source_line") else object) for c in EXAMPLE_COLUMNS})


def _no_pairs(a: str, b: str) -> pd.DataFrame:
    return pd.DataFrame({a: pd.Series([], dtype=object if a == "term" else "uint64"),
                         b: pd.Series([], dtype="uint64")})


@dataclass
class Terms:
    """The complaint-term partial of some posts.

    ``stats`` (by term): negative opinions using it, their summed engagement, other
    opinions using it. ``pairs``: distinct (term, unit) of negative opinions, a unit being
    a hash of author and text. ``units``: each unit's author hash. ``shingles``: each
    unit's shingles (near copies). ``examples``: each term's first
    :data:`EXAMPLES_PER_TERM` negative opinions in POST_ORDER. ``negative``/``voices``:
    how many negative opinions and opinions there were.
    """

    stats: pd.DataFrame = field(default_factory=_empty_stats)
    pairs: pd.DataFrame = field(default_factory=lambda: _no_pairs("term", "unit"))
    units: pd.DataFrame = field(default_factory=lambda: _no_pairs("unit", "author"))
    shingles: pd.DataFrame = field(default_factory=lambda: _no_pairs("unit", "shingle"))
    examples: pd.DataFrame = field(default_factory=_empty_examples)
    negative: int = 0
    voices: int = 0

    @classmethod
    def empty(cls) -> Terms:
        return cls()

    @classmethod
    def of(cls, scored: pd.DataFrame, config: Config, *, jobs: int = 1,
           progress: Callable[[int], None] | None = None,
           source: TermSource | None = None) -> Terms:
        """Segment the opinions of one chunk (the costly step of a report)."""
        is_voice = voices(scored)
        cols = [c for c in RANK_COLUMNS if c in scored]
        posts = sort_posts(scored.loc[is_voice, [*cols, "label"]])
        negative = (posts["label"] == "negative").to_numpy()
        if posts.empty:
            return cls()
        codes, uniques = pd.factorize(posts["text"].to_numpy(dtype=object))
        owner, words = term_pairs(list(uniques), config, jobs=jobs, progress=progress,
                                  source=source)
        per_text = np.bincount(owner, minlength=len(uniques))
        first = np.concatenate([[0], np.cumsum(per_text)[:-1]])
        n = per_text[codes]
        row = np.repeat(np.arange(len(posts)), n)
        within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        term = words[np.repeat(first[codes], n) + within]
        return cls._of_pairs(posts, negative, term, row)

    @classmethod
    def _of_pairs(cls, posts: pd.DataFrame, negative: np.ndarray, term: np.ndarray,
                  row: np.ndarray) -> Terms:
        engagement = posts["engagement"].to_numpy(dtype=np.int64)
        neg = negative[row]
        frame = pd.DataFrame({"term": term, "neg": neg.astype(np.int64),
                              "other": (~neg).astype(np.int64),
                              "engagement": np.where(neg, engagement[row], 0)})
        g = frame.groupby("term", sort=False)
        stats = pd.DataFrame({"posts": g["neg"].sum(), "engagement": g["engagement"].sum(),
                              "other": g["other"].sum()}).astype("int64")
        stats.index = pd.Index(stats.index.to_numpy(dtype=object), name="term")
        out = cls(stats=stats, negative=int(negative.sum()), voices=len(posts))
        if not negative.any():
            return out
        texts = posts["text"].astype(str).to_numpy(dtype=object)
        authors = posts["author"].fillna("").astype(str).to_numpy(dtype=object)
        unit = hash_strings(authors + "\x1f" + texts)
        nrow = row[neg]
        out.pairs = pd.DataFrame({"term": term[neg], "unit": unit[nrow]}).drop_duplicates(
            ignore_index=True)
        mine = np.flatnonzero(negative)
        units, first_of = np.unique(unit[mine], return_index=True)
        # A post with no author (exports without one) is its own author: it cannot be
        # told apart from anyone else's.
        who = authors[mine][first_of]
        out.units = pd.DataFrame({"unit": units, "author": np.where(
            who == "", units, hash_strings(who)).astype(np.uint64)})
        owner, hashes = shingles(texts[mine][first_of].tolist())
        out.shingles = pd.DataFrame({"unit": units[owner], "shingle": hashes})
        # Rows are in POST_ORDER, so each term's first rows are its best examples.
        picked = pd.DataFrame({"term": term[neg], "row": nrow}).groupby(
            "term", sort=False).head(EXAMPLES_PER_TERM)
        out.examples = _examples_of(posts, picked["term"].to_numpy(dtype=object),
                                    picked["row"].to_numpy())
        return out

    def merge(self, other: Terms) -> Terms:
        return Terms(
            stats=_add_stats(self.stats, other.stats),
            pairs=_union(self.pairs, other.pairs),
            units=_union(self.units, other.units),
            shingles=_union(self.shingles, other.shingles),
            examples=_best_examples(pd.concat([self.examples, other.examples],
                                              ignore_index=True)),
            negative=self.negative + other.negative,
            voices=self.voices + other.voices,
        )

    def top(self, config: Config, top: int = 20) -> pd.DataFrame:
        """Top complaint terms (columns of :data:`COMPLAINT_COLUMNS`): see the module."""
        ranked = self.ranking(config, top)
        return ranked.loc[:, list(COMPLAINT_COLUMNS)]

    def examples_of(self, config: Config, tz: str, top: int = 20) -> pd.DataFrame:
        """The example post of each top complaint term: text, author, created_at, url,
        engagement — what renderers look complaint examples up in when the posts
        themselves are not at hand."""
        ranked = self.ranking(config, top)
        return pd.DataFrame({
            "text": ranked["example"].tolist(),
            "author": ranked["author"].tolist(),
            "created_at": pd.to_datetime(ranked["k_time"].to_numpy(dtype=np.int64),
                                         utc=True).tz_convert(tz),
            "url": ranked["url"].tolist(),
            "engagement": (-ranked["k_engagement"]).to_numpy(dtype=np.int64).tolist(),
        })

    def ranking(self, config: Config, top: int = 20) -> pd.DataFrame:
        """:meth:`top` with each example's post (author, url, POST_ORDER keys)."""
        columns = [*COMPLAINT_COLUMNS, "author", "url", "k_time", "k_engagement"]
        if not self.negative or self.pairs.empty or top <= 0:
            return pd.DataFrame({c: [] for c in columns})
        stats, pairs, examples = _phrases(self.stats, self.pairs, self.examples,
                                          self.voices)
        voiced = _voiced_pairs(pairs, self.units, self.shingles)
        counts = _voices_per_term(voiced)
        stats = stats.join(counts, how="left").fillna({"groups": 0, "authors": 0})
        groups = stats["groups"].to_numpy(dtype=np.int64)
        authors = stats["authors"].to_numpy(dtype=np.int64)
        z = log_odds_z(np.minimum(groups, authors), stats["other"].to_numpy())
        stats = stats.assign(score=z, groups=groups, authors=authors)
        keep = ((groups >= config.min_term_posts) & (authors >= config.min_term_authors)
                & (z > 0))
        cands = stats[keep].assign(_s=-stats.loc[keep, "score"],
                                   _g=-stats.loc[keep, "groups"],
                                   _t=stats.index[keep].to_numpy(dtype=object))
        cands = cands.sort_values(["_s", "_g", "_t"], kind="stable").head(max(3 * top, 60))
        chosen = _prefer_longer(cands.index.tolist(), voiced)
        rows = cands.loc[chosen].head(top)
        ex = _spread_examples(rows.index.tolist(), examples)
        terms = rows.index.tolist()
        return pd.DataFrame({
            "rank": range(1, len(rows) + 1),
            "term": terms,
            "category": [term_category(t, config.categories) for t in terms],
            "score": [round(float(v), 2) for v in rows["score"]],
            "negative_posts": rows["groups"].astype(int).tolist(),
            "authors": rows["authors"].astype(int).tolist(),
            "other_posts": rows["other"].astype(int).tolist(),
            "share": [n / self.negative for n in rows["groups"].tolist()],
            "engagement": rows["engagement"].astype(int).tolist(),
            "example": ex["example"].tolist(),
            "author": ex["author"].tolist(),
            "url": ex["url"].tolist(),
            "k_time": ex["k_time"].tolist(),
            "k_engagement": ex["k_engagement"].tolist(),
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
        with ctx.progress("complaint terms", int(voices(chunk.scored).sum())) as advance:
            return Terms.of(chunk.scored, ctx.config, jobs=ctx.jobs, progress=advance,
                            source=ctx.terms)

    def merge(self, a: Terms, b: Terms) -> Terms:
        return a.merge(b)

    def finish(self, partial: Terms, ctx: Context, run: Finished) -> pd.DataFrame:
        return partial.top(ctx.config, self.top)


def complaints(scored: pd.DataFrame, config: Config, *, top: int = 20, jobs: int = 1,
               progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Top complaint terms of the negative opinions among ``scored`` (see the module);
    the frame is one chunk of the partials the streaming engines merge."""
    return Terms.of(scored, config, jobs=jobs, progress=progress).top(config, top)


# --- the partial's parts ----------------------------------------------------------------

def _examples_of(posts: pd.DataFrame, term: np.ndarray, row: np.ndarray) -> pd.DataFrame:
    picked = posts.iloc[row]
    out = pd.DataFrame({"term": pd.Series(term, dtype=object)})
    out["k_engagement"] = -picked["engagement"].to_numpy(dtype=np.int64)
    out["k_time"] = utc_ns(picked["created_at"])
    out["source_line"] = picked["source_line"].to_numpy(dtype=np.int64)
    # Object columns, not pandas' Arrow strings: merges compare and copy them row-wise.
    for col, src in (("source_file", "source_file"), ("kind", "kind"), ("id", "id"),
                     ("example", "text"), ("author", "author"), ("url", "url")):
        out[col] = pd.Series(picked[src].to_numpy(dtype=object), dtype=object)
    return out.loc[:, list(EXAMPLE_COLUMNS)]


def _best_examples(examples: pd.DataFrame) -> pd.DataFrame:
    """Each term's first :data:`EXAMPLES_PER_TERM` rows in POST_ORDER."""
    if examples.empty:
        return examples
    ordered = examples.sort_values(["term", *TERM_KEYS], kind="stable")
    return ordered.groupby("term", sort=False).head(EXAMPLES_PER_TERM).reset_index(drop=True)


def _add_stats(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if b.empty:
        return a
    if a.empty:
        return b
    return a.add(b, fill_value=0).astype("int64")


def _union(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if b.empty:
        return a
    if a.empty:
        return b
    return pd.concat([a, b], ignore_index=True).drop_duplicates(ignore_index=True)


def _phrases(stats: pd.DataFrame, pairs: pd.DataFrame, examples: pd.DataFrame,
             voices: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Phrase candidates whose words go together (NPMI over the opinions of at least
    :data:`PHRASE_NPMI`) joined into one term (售后 服务 -> 售后服务, merged with the word
    售后服务 where jieba kept it whole); the others dropped."""
    terms = stats.index.to_numpy(dtype=object)
    phrase = np.fromiter((is_phrase(t) for t in terms), dtype=bool, count=len(terms))
    if not phrase.any():
        return stats, pairs, examples
    used = (stats["posts"] + stats["other"]).to_dict()
    rename: dict[str, str | None] = {}
    for t in terms[phrase]:
        a, b = phrase_words(t)
        rename[t] = a + b if _npmi(used.get(t, 0), used.get(a, 0), used.get(b, 0),
                                   voices) >= PHRASE_NPMI else None
    names = np.array([rename.get(t, t) for t in terms], dtype=object)
    live = names != None  # noqa: E711 (element-wise)
    stats = stats[live].groupby(names[live], sort=False).sum()
    stats.index = pd.Index(stats.index.to_numpy(dtype=object), name="term")

    def renamed(frame: pd.DataFrame) -> pd.DataFrame:
        new = np.array([rename.get(t, t) for t in frame["term"].tolist()], dtype=object)
        keep = new != None  # noqa: E711
        return frame[keep].assign(term=new[keep])

    pairs = renamed(pairs).drop_duplicates(ignore_index=True)
    examples = _best_examples(renamed(examples).drop_duplicates(ignore_index=True))
    return stats, pairs, examples


def _npmi(both: int, a: int, b: int, n: int) -> float:
    """Normalised PMI of two words from post counts: 1 when they only occur together."""
    if not both or not a or not b or not n:
        return -1.0
    if both >= n:
        return 1.0
    return math.log(both * n / (a * b)) / -math.log(both / n)


def _voiced_pairs(pairs: pd.DataFrame, units: pd.DataFrame, found: pd.DataFrame
                  ) -> pd.DataFrame:
    """The (term, unit) pairs with each unit's near-copy group and author: the groups
    are found once per ranking, over every negative unit."""
    index = pd.Index(np.sort(units["unit"].to_numpy(dtype=np.uint64)))
    owner = index.get_indexer(found["unit"].to_numpy(dtype=np.uint64))
    group = copy_groups(len(index), owner, found["shingle"].to_numpy(dtype=np.uint64))
    author = units.set_index("unit")["author"].reindex(index).to_numpy(dtype=np.uint64)
    at = index.get_indexer(pairs["unit"].to_numpy(dtype=np.uint64))
    return pd.DataFrame({"term": pairs["term"].to_numpy(dtype=object),
                         "group": group[at], "author": author[at]})


def _voices_per_term(voiced: pd.DataFrame) -> pd.DataFrame:
    """Per term: distinct near-copy groups and distinct authors among its negative posts."""
    g = voiced.groupby("term", sort=False)
    out = pd.DataFrame({"groups": g["group"].nunique(), "authors": g["author"].nunique()})
    out.index = pd.Index(out.index.to_numpy(dtype=object), name="term")
    return out


def _prefer_longer(terms: list[str], voiced: pd.DataFrame) -> list[str]:
    """``terms`` (ranked) without the words a longer term of the list covers: at least
    :data:`COVERS` of the word's near-copy groups also use the longer term."""
    contained = {t for t in terms if any(t != o and t in o for o in terms)}
    if not contained:
        return terms
    mine = voiced[voiced["term"].isin(terms)]
    sets = {t: set(g.tolist()) for t, g in mine.groupby("term")["group"]}
    out = []
    for t in terms:
        if t in contained and any(
                t != o and t in o
                and len(sets.get(t, set()) & sets.get(o, set())) >= COVERS * len(sets.get(t, ()))
                for o in terms):
            continue
        out.append(t)
    return out


def _spread_examples(terms: list[str], examples: pd.DataFrame) -> pd.DataFrame:
    """Per term, its first example whose author no earlier term's example has (else its
    first example)."""
    by_term = {t: g for t, g in examples.groupby("term", sort=False)}
    used: set[object] = set()
    rows = []
    for t in terms:
        options = by_term[t]
        fresh = options[~options["author"].isin(used)]
        pick = (fresh if len(fresh) else options).iloc[0]
        used.add(pick["author"])
        rows.append(pick)
    if not rows:
        return _empty_examples()
    return pd.DataFrame(rows).reset_index(drop=True)


def _empty_categories() -> pd.DataFrame:
    """The per-name table of :class:`Categories` (one row per category)."""
    out = pd.DataFrame({c: pd.Series([], dtype="int64" if c in (
        "posts", "engagement", "k_engagement", "k_time", "source_line") else object)
        for c in CATEGORY_COLUMNS})
    out.index = pd.Index([], dtype=object, name="term")
    return out


#: The per-category table: posts, summed engagement, and the example (first in POST_ORDER).
CATEGORY_COLUMNS = ("posts", "engagement", *TERM_KEYS, "author", "url")


def _table_of_pairs(ranked: pd.DataFrame, term: np.ndarray, row: np.ndarray) -> pd.DataFrame:
    """The per-name table of (name, row) pairs over posts given in POST_ORDER."""
    if not len(term):
        return _empty_categories()
    engagement = ranked["engagement"].to_numpy(dtype=np.int64)
    pairs = pd.DataFrame({"term": term, "row": row, "engagement": engagement[row]})
    g = pairs.groupby("term", sort=False)
    # Posts are most engaging first, so a name's smallest row is its example.
    best = g["row"].min().to_numpy()
    out = pd.DataFrame({"posts": g.size().to_numpy(dtype=np.int64),
                        "engagement": g["engagement"].sum().to_numpy(dtype=np.int64)},
                       index=pd.Index(g["row"].min().index.to_numpy(dtype=object),
                                      name="term"))
    picked = ranked.iloc[best]
    out["k_engagement"] = -picked["engagement"].to_numpy(dtype=np.int64)
    out["k_time"] = utc_ns(picked["created_at"])
    out["source_line"] = picked["source_line"].to_numpy(dtype=np.int64)
    for col, src in (("source_file", "source_file"), ("kind", "kind"), ("id", "id"),
                     ("example", "text"), ("author", "author"), ("url", "url")):
        out[col] = pd.Series(picked[src].to_numpy(dtype=object), index=out.index,
                             dtype=object)
    return out.loc[:, list(CATEGORY_COLUMNS)]


def _merge_terms(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Both tables' counts added; per name, the example first in POST_ORDER."""
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
    """The ``top`` categories by posts, then engagement, then the name itself."""
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
        return Categories(_empty_categories())

    def partial(self, chunk: Chunk, ctx: Context) -> Categories:
        return Categories.of(chunk.scored)

    def merge(self, a: Categories, b: Categories) -> Categories:
        return a.merge(b)

    def finish(self, partial: Categories, ctx: Context, run: Finished) -> pd.DataFrame:
        return partial.rows()
