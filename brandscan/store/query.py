"""The store -> the canonical scored frame; and the store's upkeep: rescore, info, export, prune.

:func:`read_scored` returns the same frame :func:`brandscan.text.scoring.analyse`
returns for the same posts given as files — same columns, dtypes, rows and row order —
so every analysis runs unchanged on history. What can be pushed into SQL is: the window
(``--since/--until``), ``--kind``, and a substring pre-filter on the brands' names and
aliases (DuckDB scans a year of posts in a fraction of a second). Brands themselves are
then matched in Python with the config of the day (:class:`BrandMatcher`), because brand
definitions change more often than posts do: the store keeps raw text, never a brand
verdict. Labels and complaint categories are derived from the stored score and text
with the current thresholds and categories for the same reason.

Scores are stored with the id of the model that produced them. Reading does not rescore:
posts scored by another model than the configured one are *stale*, counted in
:attr:`StoreRead.models`, and ``brandscan rescore`` updates them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from brandscan import __version__
from brandscan.errors import BrandscanError
from brandscan.store.db import SCHEMA_VERSION, Store, one_line, test_hook

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.load.accounting import LoadReport
    from brandscan.text.sentiment import Scorer
    from brandscan.window import Window

#: Canonical columns as selected from ``posts`` (engagement is derived).
_SELECT = ("platform, id, kind, parent_id, text, chain, is_repost, created_at, author, "
           "author_id, followers, verified, reposts, comments, likes, "
           "reposts + comments + likes AS engagement, url, source_file, source_line")


# --- models --------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def model_id_for(model_path: str | None = None) -> str:
    """The ``model_id`` of the scorer :func:`get_scorer` gives for ``model_path``.

    Reading the store needs only to know which model is configured (to tell fresh scores
    from stale ones). For snownlp's bundled model that is a hash of its files, computed
    here without building the engine (which would cost a second and a half); a test keeps
    the two equal. Other models are loaded and asked.
    """
    if model_path is not None:
        from brandscan.text.sentiment import get_scorer

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


def _literal_pattern(words: Sequence[str], *, ignore_case: bool) -> str | None:
    """An RE2 pattern matching any of ``words`` literally (None if one cannot be quoted).

    ``\\Q…\\E`` quotes each word, so the pattern finds exactly the substrings Python's
    ``re.escape`` alternation finds; RE2 alternation is leftmost-first like Python's.
    """
    if any("\\E" in w or not w for w in words):
        return None
    return ("(?i)" if ignore_case else "") + "|".join(f"\\Q{w}\\E" for w in words)


def _case_safe(words: Sequence[str]) -> bool:
    # Python and RE2 fold ASCII and uncased (CJK) text alike; other cased scripts are left
    # to Python, so that the store never answers differently from the files.
    return all(not (ch.lower() != ch.upper() and not ch.isascii()) for w in words for ch in w)


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
        if getattr(b, "query", None) or not _case_safe([*b.terms, *b.exclude]):
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
        if getattr(b, "query", None) or not _case_safe(b.terms):
            return None
        terms.extend(b.terms)
    pattern = _literal_pattern(list(dict.fromkeys(terms)), ignore_case=True)
    return None if pattern is None else (
        f"regexp_matches(text || ' ' || chain, {_sql_text(pattern)})")


def _where(window: Window | None, kind: str) -> tuple[str, list[Any]]:
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


def _plan(config: Config, window: Window | None, brands: Sequence[str], kind: str,
          exclude: pd.DataFrame | None) -> _Plan:
    where, params = _where(window, kind)
    brands_sql, cats_sql = sql_brands(config), sql_categories(config)
    extra = ""
    if brands_sql is not None:
        extra += f", {brands_sql} AS brands"
    elif (pre := prefilter(config, brands)) is not None:
        where += f" AND {pre}"
    if cats_sql is not None:
        extra += f", {cats_sql} AS categories"
    if exclude is not None and len(exclude):
        where += (" AND NOT EXISTS (SELECT 1 FROM exclude_keys x WHERE x.platform = "
                  "p.platform AND x.kind = p.kind AND x.key = p.key)")
    else:
        exclude = None
    outer = ["TRUE"]
    if brands_sql is not None:
        outer.append("brands <> ''")
        for name in brands:
            outer.append("list_contains(string_split(brands, ';'), ?)")
            params.append(name)
    # No ORDER BY: DuckDB returns rows in storage order, which is the order of the latest
    # sighting unless a later ingest updated some; sorting afterwards only when needed is
    # much cheaper than sorting every wide row in SQL.
    sql = (f"SELECT * FROM (SELECT {_SELECT}, sentiment, model_id, last_batch, seq{extra} "
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


def _finish(raw: pd.DataFrame, plan: _Plan, config: Config, brands: Sequence[str]
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows as selected by SQL -> the scored frame ``analyse`` gives, and per row the
    model and batch it came from."""
    from brandscan.schema import POST_COLUMNS, conform
    from brandscan.text.scoring import categorize, complaint_push, select_posts
    from brandscan.text.sentiment import label_scores

    posts = conform(raw, config.timezone)
    if plan.brands_in_sql:
        posts["brands"] = pd.Series(raw["brands"].to_numpy(), index=posts.index, dtype=object)
    else:
        for col in ("sentiment", "model_id", "last_batch", *(
                ["categories"] if plan.categories_in_sql else [])):
            posts[col] = raw[col].to_numpy()
        raw = select_posts(posts, config, brands=brands)
        posts = raw.loc[:, [*POST_COLUMNS, "brands"]]
    # The store keeps the model's own score; rules that depend on the config (the
    # complaint rule) are applied now, as score_posts applies them to files.
    scores = complaint_push(raw["sentiment"].to_numpy(dtype="float64"), posts["text"], config)
    posts["sentiment"] = scores
    posts["label"] = label_scores(scores, config.sentiment)
    posts["categories"] = (pd.Series(raw["categories"].to_numpy(), index=posts.index,
                                     dtype=object) if plan.categories_in_sql
                           else categorize(posts["text"], config.categories))
    origin = pd.DataFrame({"model_id": raw["model_id"].to_numpy(),
                           "last_batch": raw["last_batch"].to_numpy()})
    return posts, origin


def read_scored(store: Store, config: Config, *, window: Window | None = None,
                brands: Sequence[str] = (), kind: str = "all",
                exclude: pd.DataFrame | None = None, model_id: str | None = None) -> StoreRead:
    """The scored frame of the stored posts in ``window`` that mention the brands.

    ``exclude`` (columns platform, kind, key) leaves out posts that the caller has newer
    copies of — files given on the same command line. Rows come in the order of their
    latest sighting, which is the order a load of the same files would give.
    """
    current = model_id if model_id is not None else model_id_for(config.sentiment.model)
    plan = _plan(config, window, brands, kind, exclude)
    with _registered(store, plan):
        table = store.con.sql(plan.sql, params=plan.params).to_arrow_table()
    seq = table.column("seq").to_numpy()
    if len(seq) > 1 and not (seq[1:] > seq[:-1]).all():
        table = table.take(np.argsort(seq, kind="stable"))
    scored, origin = _finish(table.to_pandas(), plan, config, brands)
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
                       exclude: pd.DataFrame | None = None, chunk_rows: int = 200_000
                       ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`iter_scored` with, per chunk, each post's model and last batch too."""
    import pyarrow as pa

    plan = _plan(config, window, brands, kind, exclude)
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
                yield _finish(pa.Table.from_batches(pending).to_pandas(), plan, config, brands)
                pending, size = [], 0
        if pending:
            yield _finish(pa.Table.from_batches(pending).to_pandas(), plan, config, brands)


def count_posts(store: Store, window: Window | None, kind: str) -> int:
    """Stored posts in ``window`` (any brand)."""
    where, params = _where(window, kind)
    return int(store.con.execute(f"SELECT count(*) FROM posts WHERE {where}",
                                 params).fetchall()[0][0])


def time_cuts(store: Store, window: Window | None, kind: str, parts: int) -> list[datetime]:
    """Times that cut the stored posts of ``window`` into ``parts`` runs of about equal
    size (fewer when posts share times), for reading them in parallel."""
    if parts <= 1:
        return []
    where, params = _where(window, kind)
    qs = [i / parts for i in range(1, parts)]
    row = store.con.execute(f"SELECT quantile_disc(created_at, {qs}) FROM posts WHERE {where}",
                            params).fetchall()[0][0]
    return sorted({pd.Timestamp(t).to_pydatetime() for t in (row or []) if t is not None})


def file_keys(posts: pd.DataFrame) -> pd.DataFrame:
    """(platform, kind, key) of loaded posts, to leave their stored copies out."""
    from brandscan.store.ingest import post_keys

    return pd.DataFrame({"platform": posts["platform"].astype(str),
                         "kind": posts["kind"].astype(str), "key": post_keys(posts)})


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


# --- rescoring -----------------------------------------------------------------------------

def stale_count(store: Store, model_id: str) -> int:
    return int(store.con.execute("SELECT count(*) FROM posts WHERE model_id <> ?",
                                 [model_id]).fetchall()[0][0])


def rescore_batch(path: str | os.PathLike[str], scorer: Scorer, *, batch_size: int = 50_000,
                  jobs: int = 1, lock_timeout: float = 30.0,
                  progress: Callable[[int], None] | None = None) -> int:
    """Score up to ``batch_size`` stale posts with ``scorer`` and commit them as one batch.

    Returns how many were rescored (0: none left, or none could be). Posts are read under
    the shared lock, scored with no lock held, and written under the exclusive one; a post
    whose text changed meanwhile is left for the next pass.
    """
    import duckdb

    from brandscan.store.db import open_store
    from brandscan.store.ingest import sentiments

    model = scorer.model_id
    with open_store(path, lock_timeout=lock_timeout) as store:
        todo = store.con.execute(
            "SELECT platform, kind, key, text FROM posts WHERE model_id <> ? "
            "ORDER BY seq LIMIT ?", [model, batch_size]).df()
    if todo.empty:
        return 0
    todo["sentiment"] = sentiments(todo["text"].tolist(), scorer, jobs=jobs, progress=progress)
    started = datetime.now(timezone.utc)
    with open_store(path, write=True, lock_timeout=lock_timeout) as store:
        con = store.con
        try:
            with store.transaction():
                batch = store.next_batch_id()
                con.register("rescored", todo)
                try:
                    updated = int(con.execute("""
                        UPDATE posts AS p SET sentiment = r.sentiment, model_id = ?
                        FROM rescored r WHERE p.platform = r.platform AND p.kind = r.kind
                          AND p.key = r.key AND p.text = r.text""", [model]).fetchall()[0][0])
                finally:
                    con.unregister("rescored")
                con.execute("""
                    INSERT INTO batches (batch_id, action, started_at, finished_at,
                        posts_scored, model_id, brandscan_version)
                    VALUES (?, 'rescore', ?, now(), ?, ?, ?)""",
                            [batch, started, updated, model, __version__])
                test_hook("rescore")
        except (OSError, duckdb.Error) as exc:
            raise BrandscanError(
                f"could not write to the store: {one_line(exc)}; this batch of "
                f"{len(todo):,} posts was not stored", where=str(store.path),
                hint="free some disk space; rescore resumes where it stopped") from None
    return updated


# --- info ----------------------------------------------------------------------------------

def store_info(store: Store, config: Config, *, batches: int = 10) -> dict[str, Any]:
    """What ``db info`` shows: size, version, posts per platform and brand, models, batches."""
    from brandscan.store.terms import count as term_count

    con = store.con
    meta = store.meta()
    total, first, last = con.execute(
        "SELECT count(*), min(created_at), max(created_at) FROM posts").fetchall()[0]
    tz = config.timezone
    platforms = con.execute("""
        SELECT platform, kind, count(*) FROM posts GROUP BY ALL ORDER BY 3 DESC, 1, 2
        """).fetchall()
    current = model_id_for(config.sentiment.model)
    models = con.execute(
        "SELECT model_id, count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC").fetchall()
    n_batches = int(con.execute("SELECT count(*) FROM batches").fetchall()[0][0])
    term_texts, term_lists = term_count(con)
    recent = con.execute(f"""
        SELECT batch_id, action, finished_at, file, rows_read, rows_skipped, duplicates,
               posts_new, posts_updated, posts_unchanged, posts_scored, posts_deleted,
               model_id, note
        FROM batches ORDER BY batch_id DESC LIMIT {int(batches)}""").df()
    info: dict[str, Any] = {
        "path": str(store.path),
        "size_bytes": store.size_bytes(),
        "schema_version": int(meta.get("schema_version", SCHEMA_VERSION)),
        "created_by": meta.get("created_by", ""),
        "created_at": meta.get("created_at", ""),
        "posts": int(total),
        "first": _local(first, tz),
        "last": _local(last, tz),
        "platforms": [{"platform": p, "kind": k, "posts": int(n)} for p, k, n in platforms],
        "brands": brand_counts(store, config),
        "current_model": current,
        "models": [{"model": m or "unknown", "posts": int(n),
                    "stale": m != current} for m, n in models],
        "batches": n_batches,
        "term_texts": term_texts,
        "term_word_lists": term_lists,
        "recent_batches": [
            {k: _plain(v, tz) for k, v in row.items()}
            for row in recent.to_dict(orient="records")],
    }
    return info


def brand_counts(store: Store, config: Config) -> list[dict[str, Any]]:
    """Stored posts per configured brand, matched as an analysis would match them."""
    from brandscan.text.brands import BrandMatcher

    expr = sql_brands(config)
    if expr is not None:
        counts = dict(store.con.sql(f"""
            SELECT b, count(*) FROM (SELECT unnest(string_split({expr}, ';')) AS b FROM posts)
            WHERE b <> '' GROUP BY b""").fetchall())
        return [{"brand": b.name, "posts": int(counts.get(b.name, 0))} for b in config.brands]
    out = []
    for brand in config.brands:
        pre = prefilter(config, (brand.name,)) or "TRUE"
        texts = store.con.sql(
            f"SELECT text || ' ' || chain AS t FROM posts WHERE {pre}").df()["t"]
        matcher = BrandMatcher([brand])
        hits = int((matcher.match(texts.astype(object)) != "").sum()) if len(texts) else 0
        out.append({"brand": brand.name, "posts": hits})
    return out


def _local(value: Any, tz: str) -> str | None:
    if value is None or value is pd.NaT:
        return None
    return pd.Timestamp(value).tz_convert(tz).floor("s").isoformat()


def _plain(value: Any, tz: str) -> Any:
    """A JSON-friendly cell: local ISO times, ints, None for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return _local(value, tz)
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


# --- export and prune ------------------------------------------------------------------------

def export(store: Store, target: str | os.PathLike[str], fmt: str, *, tz: str,
           window: Window | None = None) -> int:
    """Write the stored posts (with scores and history) to Parquet or CSV, atomically.

    Times are written in ``tz`` (CSV: with their offset; Parquet: as UTC instants).
    """
    import duckdb

    where, params = _where(window, "all")
    con = store.con
    n = int(con.execute(f"SELECT count(*) FROM posts WHERE {where}", params).fetchall()[0][0])
    rel = con.sql(f"""
        SELECT {_SELECT}, sentiment, model_id, key, first_seen, last_seen, first_batch,
               last_batch
        FROM posts WHERE {where} ORDER BY seq""", params=params)
    dest = Path(target)
    folder = dest.parent if str(dest.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise BrandscanError(f"cannot write: {exc.strerror or exc}", where=str(dest)) from None
    try:
        con.execute(f"SET TimeZone = '{tz}'")
        if fmt == "parquet":
            rel.write_parquet(tmp)
        else:
            rel.write_csv(tmp, header=True)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except (OSError, duckdb.Error) as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BrandscanError(f"cannot write: {one_line(exc)}", where=str(dest)) from None
    finally:
        con.execute("SET TimeZone = 'UTC'")
    return n


def prune(store: Store, before: datetime, *, dry_run: bool = False) -> int:
    """Delete posts created before ``before`` (and the remembered complaint terms no
    remaining post uses); one recorded batch. Returns how many posts."""
    import duckdb

    from brandscan.store.terms import prune_terms

    con = store.con
    n = int(con.execute("SELECT count(*) FROM posts WHERE created_at < ?",
                        [before]).fetchall()[0][0])
    if dry_run or n == 0:
        return n
    started = datetime.now(timezone.utc)
    try:
        with store.transaction():
            batch = store.next_batch_id()
            con.execute("DELETE FROM posts WHERE created_at < ?", [before])
            prune_terms(con)
            con.execute("""
                INSERT INTO batches (batch_id, action, started_at, finished_at,
                    posts_deleted, brandscan_version, note)
                VALUES (?, 'prune', ?, now(), ?, ?, ?)""",
                        [batch, started, n, __version__, f"before {before.isoformat()}"])
            test_hook("prune")
    except (OSError, duckdb.Error) as exc:
        raise BrandscanError(f"could not prune the store: {one_line(exc)}; it is unchanged",
                             where=str(store.path)) from None
    with contextlib.suppress(duckdb.Error):  # give the space back now rather than later
        con.execute("CHECKPOINT")
    return n
