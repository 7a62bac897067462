"""The store's upkeep: rescore stale posts, describe the store, export it, prune it.

Each function works on one open store (or, for :func:`rescore_batch`, opens it twice:
shared to read, exclusive to write), commits at most one recorded batch and raises
:class:`~brandscan.errors.BrandscanError` with the store left as it was when a write fails.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from brandscan import __version__
from brandscan.errors import BrandscanError
from brandscan.store.db import SCHEMA_VERSION, Store, one_line, open_store
from brandscan.store.ingest import sentiments
from brandscan.store.query import (
    SELECT_CANONICAL,
    model_id_for,
    prefilter,
    sql_brands,
    window_filter,
)
from brandscan.store.terms import count as term_count
from brandscan.store.terms import prune_terms

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.text.sentiment import Scorer
    from brandscan.window import Window


# --- rescoring -----------------------------------------------------------------------------

def stale_count(store: Store, model_id: str) -> int:
    """Stored posts scored by another model than ``model_id``."""
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
        except (OSError, duckdb.Error) as exc:
            raise BrandscanError(
                f"could not write to the store: {one_line(exc)}; this batch of "
                f"{len(todo):,} posts was not stored", where=str(store.path),
                hint="free some disk space; rescore resumes where it stopped") from None
    return updated


# --- info ----------------------------------------------------------------------------------

def store_info(store: Store, config: Config, *, batches: int = 10) -> dict[str, Any]:
    """What ``db info`` shows: size, version, posts per platform and brand, models, batches."""
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

    where, params = window_filter(window, "all")
    con = store.con
    n = int(con.execute(f"SELECT count(*) FROM posts WHERE {where}", params).fetchall()[0][0])
    rel = con.sql(f"""
        SELECT {SELECT_CANONICAL}, sentiment, model_id, key, first_seen, last_seen, first_batch,
               last_batch
        FROM posts WHERE {where} ORDER BY seq""", params=params)
    if fmt != "parquet":
        rel = _defused(rel)
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


#: Text columns of an export a spreadsheet could run as a formula.
_EXPORT_TEXT = ("platform", "id", "kind", "parent_id", "text", "chain", "author", "author_id",
                "verified", "url", "source_file", "model_id", "key")
#: Control characters spreadsheet files cannot hold (render.spreadsheet.CONTROL_CHARS).
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"


def _defused(rel: Any) -> Any:
    """The CSV export's text cells as every other CSV brandscan writes them: control
    characters dropped, a carriage return turned into a line feed (so the cell is quoted),
    and a leading = + - @ TAB or line break defused with ' (see render.spreadsheet)."""
    cols = []
    for name in rel.columns:
        if name not in _EXPORT_TEXT:
            cols.append(f'"{name}"')
            continue
        clean = (f"replace(replace(regexp_replace(\"{name}\", '{_CONTROL}', '', 'g'), "
                 f"chr(13) || chr(10), chr(10)), chr(13), chr(10))")
        cols.append(f"CASE WHEN regexp_matches({clean}, '^[=+@\\t\\n-]') "
                    f"THEN chr(39) || {clean} ELSE {clean} END AS \"{name}\"")
    return rel.project(", ".join(cols))


def prune(store: Store, before: datetime, *, dry_run: bool = False) -> int:
    """Delete posts created before ``before`` (and the remembered complaint terms no
    remaining post uses); one recorded batch. Returns how many posts."""
    import duckdb

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
    except (OSError, duckdb.Error) as exc:
        raise BrandscanError(f"could not prune the store: {one_line(exc)}; it is unchanged",
                             where=str(store.path)) from None
    with contextlib.suppress(duckdb.Error):  # give the space back now rather than later
        con.execute("CHECKPOINT")
    return n
