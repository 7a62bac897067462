"""The store -> the canonical scored frame.

:func:`read_scored` returns the same frame :func:`brandscan.text.scoring.analyse`
returns for the same posts given as files — same columns, dtypes, rows and row order —
so every analysis runs unchanged on history. What can be pushed into SQL is: the window
(``--since/--until``), ``--kind``, and brand matching: exactly (:func:`sql_brands`) when
every brand is a list of literal names, else a conservative substring pre-filter
(:func:`prefilter`) before :class:`~brandscan.text.brands.BrandMatcher` decides (DuckDB
scans a year of posts in a fraction of a second). Brands are matched with the config of
the day, because brand definitions change more often than posts do: the store keeps raw
text, never a brand verdict. Labels and complaint categories are derived from the stored
score and text with the current thresholds and categories for the same reason.

Scores are stored with the id of the model that produced them. Reading does not rescore:
posts scored by another model than the configured one are *stale*, counted in
:attr:`StoreRead.models`, and ``brandscan rescore`` updates them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.store.db import Store

# Defined with the key it is made of; kept here, where readers have always found it.
from brandscan.store.keys import file_keys as file_keys

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.load.accounting import LoadReport
    from brandscan.text.genre import TemplateIndex
    from brandscan.text.threads import ThreadIndex
    from brandscan.window import Window

#: Canonical columns as selected from ``posts`` (engagement is derived).
SELECT_CANONICAL = (
    "platform, id, kind, parent_id, text, chain, is_repost, created_at, author, author_id, "
    "followers, verified, reposts, comments, likes, reposts + comments + likes AS engagement, "
    "url, source_file, source_line")


# --- models --------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def model_id_for(model_path: str | None = None) -> str:
    """The ``model_id`` of the scorer :func:`get_scorer` gives for ``model_path``.

    Reading the store needs only to know which model is configured (to tell fresh scores
    from stale ones). For snownlp's bundled model that is a hash of its files, computed
    here without building the engine (which would cost a second and a half); a test keeps
    the two equal. Other models are loaded and asked.
    """
    from brandscan.text.sentiment import SNOWNLP, get_scorer

    if model_path != SNOWNLP:
        return get_scorer(model_path).model_id
    from brandscan.text import snowfast as sf

    try:
        pkg = sf._snownlp_dir()
        blobs = (sf._resolve_marshal(pkg / "sentiment" / "sentiment.marshal").read_bytes(),
                 sf._resolve_marshal(pkg / "seg" / "seg.marshal").read_bytes(),
                 (pkg / "normal" / "stopwords.txt").read_bytes())
    except (OSError, ModuleNotFoundError) as exc:
        raise BrandscanError(f"cannot read snownlp's sentiment model: {exc}") from None
    return f"snownlp-default:{sf._hash(*blobs)[:8]}"


def model_note(models: dict[str, int], current: str) -> str:
    """Which model the numbers come from, for reports: one id, or each with its posts."""
    if not models or list(models) == [current]:
        return current
    parts = []
    for mid, n in sorted(models.items(), key=lambda kv: -kv[1]):
        label = mid or "unknown model"
        parts.append(f"{label} ({n:,} posts)" if mid == current else
                     f"{label} ({n:,} posts, stale: run brandscan rescore)")
    return ", ".join(parts)


# --- reading -------------------------------------------------------------------------------

@dataclass
class StoreRead:
    """Scored posts read from the store, and where their numbers come from."""

    scored: pd.DataFrame
    report: LoadReport
    current_model: str
    models: dict[str, int] = field(default_factory=dict)

    @property
    def stale(self) -> int:
        """Posts in the selection scored by another model than the configured one."""
        return sum(n for m, n in self.models.items() if m != self.current_model)

    @property
    def model(self) -> str:
        return model_note(self.models, self.current_model)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


#: What an exclusion phrase leaves in the text: NUL in the matcher, \x01 in SQL.
_MASKS = ("\x00", "\x01")


def _quoted(word: str, *, ignore_case: bool) -> str:
    """``word`` as an RE2 pattern that matches what Python's ``re.escape(word)`` matches.

    ``\\Q…\\E`` quotes it. Under ``(?i)`` the letter i is spelled out, because Python's
    IGNORECASE also takes İ (U+0130) and ı (U+0131) for it and RE2's case folding does not;
    every other ASCII letter folds alike in both (a test compares them over all of Unicode).
    """
    if not ignore_case:
        return f"\\Q{word}\\E"
    return "".join("[iIİı]" if part in ("i", "I") else f"\\Q{part}\\E"
                   for part in re.split("([iI])", word) if part)


def _literal_pattern(words: Sequence[str], *, ignore_case: bool) -> str | None:
    """An RE2 pattern matching any of ``words`` literally (None if one cannot be quoted).

    It finds exactly the substrings Python's ``re.escape`` alternation finds; RE2
    alternation is leftmost-first like Python's.
    """
    if any("\\E" in w or not w for w in words):
        return None
    return ("(?i)" if ignore_case else "") + "|".join(
        _quoted(w, ignore_case=ignore_case) for w in words)


def _sql_safe(words: Sequence[str]) -> bool:
    """Whether SQL matches ``words`` (case-insensitively) as the Python matcher does."""
    # Python and RE2 fold ASCII and uncased (CJK) text alike; other cased scripts are left
    # to Python, so that the store never answers differently from the files. A word holding
    # a mask character could match where an exclusion phrase was masked.
    return all(not (ch.lower() != ch.upper() and not ch.isascii()) and ch not in _MASKS
               for w in words for ch in w)


def _sql_mentions(column: str, include: str, exclude: str) -> str:
    """Whether ``column`` holds ``include`` once the ``exclude`` phrases are masked."""
    inc, exc = _sql_text(include), _sql_text(exclude)
    if not exclude:
        return f"regexp_matches({column}, {inc})"
    # Masking copies the text, so only texts holding an exclusion phrase pay for it.
    return (f"(CASE WHEN regexp_matches({column}, {exc}) "
            f"THEN regexp_matches(regexp_replace({column}, {exc}, chr(1), 'g'), {inc}) "
            f"ELSE regexp_matches({column}, {inc}) END)")


def sql_brands(config: Config) -> str | None:
    """A SQL expression giving :class:`BrandMatcher`'s ``brands`` cell, or None.

    None when a brand is defined by a boolean query or has terms SQL cannot match exactly
    as Python does; then brands are matched in Python.
    """
    if not config.brands:
        return None
    parts = []
    for b in config.brands:
        if getattr(b, "query", None) or not _sql_safe([*b.terms, *b.exclude]):
            return None
        include = _literal_pattern(b.terms, ignore_case=True)
        exclude = (_literal_pattern(sorted(b.exclude, key=len, reverse=True), ignore_case=True)
                   if b.exclude else "")
        if include is None or exclude is None:
            return None
        if any(" " in w for w in (*b.terms, *b.exclude)):
            # A phrase with a space could span the joint of text and chain.
            found = _sql_mentions("(text || ' ' || chain)", include, exclude)
        else:
            # Python matches "text chain"; with no space in any phrase no match or mask
            # can span the joint, so text and chain are matched apart (no copying).
            found = (f"({_sql_mentions('text', include, exclude)} OR (chain <> '' AND "
                     f"{_sql_mentions('chain', include, exclude)}))")
        parts.append(f"CASE WHEN {found} THEN {_sql_text(b.name)} END")
    return f"concat_ws(';', {', '.join(parts)})"


def sql_categories(config: Config) -> str | None:
    """A SQL expression giving :func:`categorize`'s cell, or None if SQL cannot."""
    parts, every = [], []
    for name, words in config.categories.items():
        if not words:
            continue
        pattern = _literal_pattern(sorted(words, key=len, reverse=True), ignore_case=False)
        if pattern is None:
            return None
        every.extend(words)
        parts.append(f"CASE WHEN regexp_matches(text, {_sql_text(pattern)}) "
                     f"THEN {_sql_text(name)} END")
    if not parts:
        return "''"
    # Most posts name no category: one pass over all words spares them the per-category ones.
    anyone = _literal_pattern(list(dict.fromkeys(every)), ignore_case=False)
    return (f"CASE WHEN regexp_matches(text, {_sql_text(anyone or '')}) "
            f"THEN concat_ws(';', {', '.join(parts)}) ELSE '' END")


def prefilter(config: Config, brands: Sequence[str] = ()) -> str | None:
    """A SQL condition every post the Python matcher keeps satisfies (None: no filter).

    Used when brands are matched in Python. None when a selection brand is defined by a
    boolean query: ``NOT`` can match posts holding none of its terms.
    """
    chosen = [b for b in config.brands if not brands or b.name in brands]
    if not chosen:
        return None
    terms: list[str] = []
    for b in chosen:
        if getattr(b, "query", None) or not _sql_safe(b.terms):
            return None
        terms.extend(b.terms)
    pattern = _literal_pattern(list(dict.fromkeys(terms)), ignore_case=True)
    return None if pattern is None else (
        f"regexp_matches(text || ' ' || chain, {_sql_text(pattern)})")


def window_filter(window: Window | None, kind: str) -> tuple[str, list[Any]]:
    """A WHERE condition on ``posts`` for the window and ``--kind``, and its parameters."""
    clauses, params = ["TRUE"], []
    if window is not None and window.since is not None:
        clauses.append("created_at >= ?")
        params.append(pd.Timestamp(window.since).to_pydatetime())
    if window is not None and window.until is not None:
        clauses.append("created_at < ?")
        params.append(pd.Timestamp(window.until).to_pydatetime())
    if kind != "all":
        clauses.append("kind = ?")
        params.append(kind)
    return " AND ".join(clauses), params


@dataclass
class _Plan:
    """The SQL of a read and how to finish its rows in Python."""

    sql: str
    params: list[Any]
    exclude: pd.DataFrame | None
    brands_in_sql: bool
    categories_in_sql: bool


#: Comments and replies that may count for the brands of the post they answer.
ANSWERS = "(kind <> 'post' AND parent_id <> '')"


def _plan(config: Config, window: Window | None, brands: Sequence[str], kind: str,
          exclude: pd.DataFrame | None, threads: bool = False) -> _Plan:
    """``threads``: keep every comment that answers a post too (its brands are decided in
    Python, from the thread index)."""
    where, params = window_filter(window, kind)
    brands_sql, cats_sql = sql_brands(config), sql_categories(config)
    extra = ""
    if brands_sql is not None:
        extra += f", {brands_sql} AS brands"
    elif (pre := prefilter(config, brands)) is not None:
        where += f" AND ({pre} OR {ANSWERS})" if threads else f" AND {pre}"
    if cats_sql is not None:
        extra += f", {cats_sql} AS categories"
    if exclude is not None and len(exclude):
        where += (" AND NOT EXISTS (SELECT 1 FROM exclude_keys x WHERE x.platform = "
                  "p.platform AND x.kind = p.kind AND x.key = p.key)")
    else:
        exclude = None
    outer = ["TRUE"]
    if brands_sql is not None and threads:
        outer.append(f"(brands <> '' OR {ANSWERS})")  # the selection is made in Python
    elif brands_sql is not None:
        outer.append("brands <> ''")
        if brands:  # posts naming any of them
            outer.append("(" + " OR ".join(
                "list_contains(string_split(brands, ';'), ?)" for _ in brands) + ")")
            params.extend(brands)
    # No ORDER BY: DuckDB returns rows in storage order, which is the order of the latest
    # sighting unless a later ingest updated some; sorting afterwards only when needed is
    # much cheaper than sorting every wide row in SQL.
    sql = (f"SELECT * FROM (SELECT {SELECT_CANONICAL}, sentiment, model_id, last_batch, seq{extra} "
           f"FROM posts p WHERE {where}) WHERE {' AND '.join(outer)}")
    return _Plan(sql, params, exclude, brands_sql is not None, cats_sql is not None)


@contextlib.contextmanager
def _registered(store: Store, plan: _Plan) -> Iterator[None]:
    if plan.exclude is not None:
        store.con.register("exclude_keys", plan.exclude[["platform", "kind", "key"]])
    try:
        yield
    finally:
        if plan.exclude is not None:
            store.con.unregister("exclude_keys")


def _finish(raw: pd.DataFrame, plan: _Plan, config: Config, brands: Sequence[str],
            templates: np.ndarray | None = None, threads: ThreadIndex | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows as selected by SQL -> the scored frame ``analyse`` gives, and per row the
    model and batch it came from."""
    from brandscan.schema import POST_COLUMNS, conform
    from brandscan.text.brands import has_brand
    from brandscan.text.scoring import label_posts, resolve_shift, select_posts
    from brandscan.text.sentiment import get_scorer, thresholds_for
    from brandscan.text.threads import with_threads

    posts = conform(raw, config.timezone)
    if plan.brands_in_sql:
        own = pd.Series(raw["brands"].to_numpy(), index=posts.index, dtype=object)
        if threads is not None:
            cells, thread = with_threads(own, threads.parents(posts),
                                         [b.name for b in config.brands])
            keep = np.array((cells != "").to_numpy(dtype=bool))
            if brands:  # posts naming any of them
                keep &= np.logical_or.reduce([has_brand(cells, b).to_numpy(dtype=bool)
                                              for b in brands])
            posts = posts.assign(brands=cells, thread=thread)[keep].reset_index(drop=True)
            raw = raw[keep].reset_index(drop=True)
        else:
            posts["brands"] = own
            posts["thread"] = False
    else:
        for col in ("sentiment", "model_id", "last_batch", *(
                ["categories"] if plan.categories_in_sql else [])):
            posts[col] = raw[col].to_numpy()
        raw = select_posts(posts, config, brands=brands, threads=threads)
        posts = raw.loc[:, [*POST_COLUMNS, "brands", "thread"]]
    # The store keeps the model's own score; labels, genres and categories depend on the
    # config and are decided now, as score_posts decides them for files.
    posts["sentiment"] = raw["sentiment"].to_numpy(dtype="float64")
    scorer = get_scorer(config.sentiment.model)
    categories = (pd.Series(raw["categories"].to_numpy(), index=posts.index, dtype=object)
                  if plan.categories_in_sql else None)
    posts = label_posts(posts, config, thresholds_for(config.sentiment, scorer),
                        complaint_shift=resolve_shift(config, None, scorer),
                        categories=categories, templates=templates)
    origin = pd.DataFrame({"model_id": raw["model_id"].to_numpy(),
                           "last_batch": raw["last_batch"].to_numpy()})
    return posts, origin


def read_scored(store: Store, config: Config, *, window: Window | None = None,
                brands: Sequence[str] = (), kind: str = "all",
                exclude: pd.DataFrame | None = None, model_id: str | None = None,
                templates: np.ndarray | None = None,
                threads: ThreadIndex | None = None) -> StoreRead:
    """The scored frame of the stored posts in ``window`` that mention the brands.

    ``exclude`` (columns platform, kind, key) leaves out posts that the caller has newer
    copies of — files given on the same command line. Rows come in the order of their
    latest sighting, which is the order a load of the same files would give.
    """
    current = model_id if model_id is not None else model_id_for(config.sentiment.model)
    if templates is None:
        templates = store_templates(store, window, kind)
    if threads is None:
        threads = store_threads(store, config)
    plan = _plan(config, window, brands, kind, exclude, threads is not None)
    with _registered(store, plan):
        table = store.con.sql(plan.sql, params=plan.params).to_arrow_table()
    seq = table.column("seq").to_numpy()
    if len(seq) > 1 and not (seq[1:] > seq[:-1]).all():
        table = table.take(np.argsort(seq, kind="stable"))
    scored, origin = _finish(table.to_pandas(), plan, config, brands, templates, threads)
    models = {str(k): int(v) for k, v in origin["model_id"].value_counts().items()}
    batches = sorted(int(b) for b in origin["last_batch"].unique())
    return StoreRead(scored, batch_report(store, batches), current, models)


def iter_scored(store: Store, config: Config, *, window: Window | None = None,
                brands: Sequence[str] = (), kind: str = "all",
                exclude: pd.DataFrame | None = None, chunk_rows: int = 200_000
                ) -> Iterator[pd.DataFrame]:
    """:func:`read_scored` in chunks of at most ``chunk_rows`` posts, in storage order.

    For engines that merge per-chunk aggregates (order-independent by design): memory
    stays bounded by the chunk, whatever the size of the store.
    """
    for scored, _ in iter_scored_origin(store, config, window=window, brands=brands,
                                        kind=kind, exclude=exclude, chunk_rows=chunk_rows):
        yield scored


def iter_scored_origin(store: Store, config: Config, *, window: Window | None = None,
                       brands: Sequence[str] = (), kind: str = "all",
                       exclude: pd.DataFrame | None = None, chunk_rows: int = 200_000,
                       templates: np.ndarray | None = None,
                       threads: ThreadIndex | None = None
                       ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`iter_scored` with, per chunk, each post's model and last batch too.
    ``templates`` (the run's template keys) default to those of the window's posts,
    ``threads`` to the thread index of every stored post (:func:`store_threads`)."""
    import pyarrow as pa

    if templates is None:
        templates = store_templates(store, window, kind)
    if threads is None:
        threads = store_threads(store, config)
    plan = _plan(config, window, brands, kind, exclude, threads is not None)
    with _registered(store, plan):
        reader = store.con.sql(plan.sql, params=plan.params).to_arrow_reader(chunk_rows)
        # DuckDB hands over batches smaller than asked for; gathered up to ``chunk_rows``,
        # each chunk's fixed costs are paid once.
        pending: list[pa.RecordBatch] = []
        size = 0
        for batch in reader:
            if batch.num_rows:
                pending.append(batch)
                size += batch.num_rows
            if size >= chunk_rows:
                yield _finish(pa.Table.from_batches(pending).to_pandas(), plan, config, brands,
                              templates, threads)
                pending, size = [], 0
        if pending:
            yield _finish(pa.Table.from_batches(pending).to_pandas(), plan, config, brands,
                          templates, threads)


def count_posts(store: Store, window: Window | None, kind: str) -> int:
    """Stored posts in ``window`` (any brand)."""
    where, params = window_filter(window, kind)
    return int(store.con.execute(f"SELECT count(*) FROM posts WHERE {where}",
                                 params).fetchall()[0][0])


def own_words(store: Store, window: Window | None, kind: str,
               chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    """``text, author, is_repost`` of the stored posts in ``window`` (any brand), in
    chunks: what the run's template index (:mod:`brandscan.text.genre`) is built from."""
    where, params = window_filter(window, kind)
    reader = store.con.sql(f"SELECT text, author, is_repost FROM posts WHERE {where}",
                           params=params).to_arrow_reader(chunk_rows)
    for batch in reader:
        if batch.num_rows:
            yield batch.to_pandas()


def template_index(store: Store, window: Window | None, kind: str,
                   chunk_rows: int = 200_000) -> TemplateIndex:
    """The template index of the stored posts in ``window`` (any brand): templates are
    told among every post a run reads, never among one chunk's."""
    from brandscan.text.genre import TemplateIndex

    index = TemplateIndex()
    for part in own_words(store, window, kind, chunk_rows):
        index = index.merge(TemplateIndex.of(part))
    return index


def store_templates(store: Store, window: Window | None, kind: str,
                    chunk_rows: int = 200_000) -> np.ndarray:
    """The template keys of the stored posts in ``window`` (:func:`template_index`)."""
    return template_index(store, window, kind, chunk_rows).keys()


def store_threads(store: Store, config: Config, chunk_rows: int = 200_000
                  ) -> ThreadIndex | None:
    """The thread index (:mod:`brandscan.text.threads`) of every stored post, whatever its
    time: a comment in the window may answer a post from before it. None when comments
    count only for the brands they name (no brands, or ``own_mentions``)."""
    from brandscan.text.threads import ThreadIndex

    if not config.brands or config.own_mentions:
        return None
    where = "kind = 'post' AND id <> ''"
    if (pre := prefilter(config)) is not None:
        where += f" AND {pre}"
    reader = store.con.sql(f"SELECT platform, kind, id, text, chain FROM posts WHERE {where}"
                           ).to_arrow_reader(chunk_rows)
    index = ThreadIndex()
    for batch in reader:
        if batch.num_rows:
            index = index.merge(ThreadIndex.of(batch.to_pandas(), config), config)
    return index


def time_cuts(store: Store, window: Window | None, kind: str, parts: int) -> list[datetime]:
    """Times that cut the stored posts of ``window`` into ``parts`` runs of about equal
    size (fewer when posts share times), for reading them in parallel."""
    if parts <= 1:
        return []
    where, params = window_filter(window, kind)
    qs = [i / parts for i in range(1, parts)]
    row = store.con.execute(f"SELECT quantile_disc(created_at, {qs}) FROM posts WHERE {where}",
                            params).fetchall()[0][0]
    return sorted({pd.Timestamp(t).to_pydatetime() for t in (row or []) if t is not None})


def combine(stored: pd.DataFrame, files: pd.DataFrame) -> pd.DataFrame:
    """Stored posts, then the files' posts: the order an ingest of the files would give."""
    if files.empty:
        return stored
    if stored.empty:
        return files
    return pd.concat([stored, files], ignore_index=True)


def batch_report(store: Store, batches: Sequence[int]) -> LoadReport:
    """The load accounting of the files behind some posts, rebuilt from their batches.

    A report over stored posts says how many rows those files had, how many were skipped
    and why, exactly as it would had the files been given.
    """
    from brandscan.load.accounting import FileReport, LoadReport
    from brandscan.load.read import Skip

    report = LoadReport()
    if not batches:
        return report
    ids = pd.DataFrame({"batch_id": list(batches)})
    con = store.con
    con.register("wanted_batches", ids)
    try:
        rows = con.execute("""
            SELECT b.batch_id, file, encoding, format, layout, rows_read, rows_used,
                   duplicates, filtered
            FROM batches b JOIN wanted_batches w USING (batch_id)
            WHERE action = 'ingest' ORDER BY b.batch_id""").fetchall()
        skips = con.execute("""
            SELECT s.batch_id, line, reason FROM skipped s JOIN wanted_batches w
            USING (batch_id) ORDER BY s.batch_id, line""").fetchall()
    finally:
        con.unregister("wanted_batches")
    by_batch: dict[int, list[tuple[int, str]]] = {}
    for b, line, reason in skips:
        by_batch.setdefault(int(b), []).append((int(line), str(reason)))
    for b, file, enc, fmt, layout, read, used, dup, filt in rows:
        fr = FileReport(path=str(file), encoding=enc or "", format=fmt or "",
                        layout=layout or "", rows_read=int(read or 0), used=int(used or 0),
                        duplicates=int(dup or 0), filtered=int(filt or 0))
        fr.skipped = [Skip(fr.path, line, reason) for line, reason in by_batch.get(int(b), [])]
        report.files.append(fr)
    return report
