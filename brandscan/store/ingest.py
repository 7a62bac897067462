"""Files -> the store: load, score, upsert; one atomic batch per file.

Each file goes through the same loader and accounting as every other command
(:func:`brandscan.load.posts.load_posts`), so the store holds exactly the posts an
analysis of the file would see. Then, inside one transaction per file:

- posts are upserted by (platform, kind, key) — ``key`` is the post id, or a content
  hash for exports without ids. A post seen before keeps its first-seen time and takes
  the newer row's values (crawlers re-export posts with grown counts); followers known
  from an earlier export are kept when the newer one has none;
- the batch is recorded: file, content hash, time, rows read/used/skipped/duplicates,
  posts new/updated/unchanged, the sentiment model; skipped rows with line and reason.

Every post is stored, whichever brands it mentions: brand matching depends on the config
of the day and runs when the store is read. Scores are computed once per distinct text
and model; a post whose text is unchanged keeps its stored score. A file whose content
(and loading options) was ingested before is not read again: "nothing to add".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from brandscan import __version__
from brandscan.errors import BrandscanError
from brandscan.files import shown
from brandscan.store.db import Store, one_line
from brandscan.store.keys import post_keys

if TYPE_CHECKING:
    import duckdb

    from brandscan.load.accounting import FileReport
    from brandscan.load.posts import LoadOptions, LoadResult
    from brandscan.text.sentiment import Scorer

#: Columns stored per post, in table order, besides the history columns.
STORED = ("platform", "kind", "key", "id", "parent_id", "text", "chain", "is_repost",
          "created_at", "author", "author_id", "followers", "verified", "reposts", "comments",
          "likes", "url", "source_file", "source_line", "sentiment", "model_id")
#: Columns whose change makes a sighting an update rather than a repeat.
COMPARED = ("id", "parent_id", "text", "chain", "is_repost", "created_at", "author",
            "author_id", "followers", "verified", "reposts", "comments", "likes", "url",
            "sentiment", "model_id")

_JOIN = "p.platform = s.platform AND p.kind = s.kind AND p.key = s.key"
# A sighting without followers keeps the known count: not a change.
_CHANGED = " OR ".join(
    f"p.{c} IS DISTINCT FROM s.{c}" if c != "followers" else
    "(s.followers IS NOT NULL AND p.followers IS DISTINCT FROM s.followers)" for c in COMPARED)


@dataclass
class BatchResult:
    """What ingesting one file did, for the command's summary and for tests."""

    file: str
    batch_id: int | None = None
    known_as: tuple[int, str] | None = None  # (batch, time) of an earlier identical ingest
    rows_read: int = 0
    used: int = 0
    skipped: int = 0
    duplicates: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    scored: int = 0
    model_id: str = ""
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for stderr."""
        if self.known_as is not None:
            batch, when = self.known_as
            return (f"{shown(self.file)}: already ingested (batch {batch}, {when}); nothing to add "
                    "(--force reads it again)")
        parts = [f"{self.rows_read:,} rows read", f"{self.new:,} new",
                 f"{self.updated:,} updated", f"{self.unchanged:,} unchanged"]
        if self.duplicates:
            parts.append(f"{self.duplicates:,} duplicates")
        if self.skipped:
            reasons = ", ".join(f"{n:,} {r}" for r, n in self.skip_reasons.items())
            parts.append(f"{self.skipped:,} skipped ({reasons})")
        if self.scored:
            parts.append(f"{self.scored:,} scored")
        return f"{shown(self.file)}: batch {self.batch_id}: " + "; ".join(parts)


def file_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file's bytes: the same export ingested twice is recognised."""
    from brandscan.load.files import check_readable

    check_readable(os.fspath(path))
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def options_hash(opts: LoadOptions) -> str:
    """The loading options that change what a file yields (timezone, columns, dates…)."""
    users = []
    for u in opts.users:
        try:
            users.append(file_hash(u))
        except OSError:
            users.append(str(u))
    # The zone naive times are read in changes the stored instants; the one they are
    # shown in does not.
    data = {"tz": opts.naive_tz, "columns": sorted(dict(opts.columns).items()),
            "now": opts.now.isoformat() if opts.now else None,
            "date": opts.date.isoformat() if opts.date else None, "users": users,
            "kind": opts.kind, "keep_chain": opts.keep_chain}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def sentiments(texts: Sequence[str], scorer: Scorer, *, jobs: int = 1,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
    """The model's own scores, as :func:`brandscan.text.scoring.score_posts` gets them.

    What the store keeps: a function of the text and the model only. Rules that depend on
    the config (the complaint rule, labels) are applied when the store is read.
    """
    from brandscan.text.scoring import sentiment_scores

    return sentiment_scores(list(texts), scorer, jobs=jobs, progress=progress)


def find_known(store: Store, content: str, opts_hash: str) -> tuple[int, str] | None:
    """The earlier batch that ingested this very content with these options, if any —
    and if no prune since may have deleted its posts (then the file is ingested again)."""
    rows = store.con.execute(
        "SELECT batch_id, strftime(finished_at, '%Y-%m-%d %H:%M:%S UTC') FROM batches b "
        "WHERE action = 'ingest' AND content_hash = ? AND options_hash = ? "
        "AND NOT EXISTS (SELECT 1 FROM batches p WHERE p.action = 'prune' "
        "AND p.batch_id > b.batch_id) "
        "ORDER BY batch_id LIMIT 1", [content, opts_hash]).fetchall()
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


def stage(posts: pd.DataFrame) -> pd.DataFrame:
    """The loaded posts as stored rows (no scores yet), one per key, last sighting kept."""
    df = posts.loc[:, [c for c in STORED if c in posts.columns]].copy()
    df.insert(2, "key", post_keys(posts).to_numpy())
    df = df[~df.duplicated(["platform", "kind", "key"], keep="last")].reset_index(drop=True)
    df["followers"] = df["followers"].astype("Int64")
    return df


@dataclass
class Prepared:
    """One loaded file on its way into the store: rows to write and their accounting."""

    rows: pd.DataFrame
    result: BatchResult
    report: FileReport | None
    content: str
    opts_hash: str


def prepare(path: str, loaded: LoadResult, *, model_id: str, content: str,
            opts_hash: str) -> Prepared:
    """Stage the posts of one loaded file and take over its row accounting."""
    fr = next((f for f in loaded.report.ok_files if f.path == path), None)
    rows = stage(loaded.posts)
    res = BatchResult(file=path, model_id=model_id)
    if fr is not None:
        res.rows_read, res.used, res.duplicates = fr.rows_read, fr.used, fr.duplicates
        res.skipped = len(fr.skipped)
        res.skip_reasons = dict(fr.skip_reasons.most_common())
    # Posts without an id that say exactly the same thing are one post: a duplicate row.
    extra = len(loaded.posts) - len(rows)
    res.duplicates += extra
    res.used -= extra
    rows["sentiment"] = np.nan
    rows["model_id"] = model_id
    rows["pos"] = np.arange(len(rows), dtype=np.int64)
    return Prepared(rows, res, fr, content, opts_hash)


def reuse_scores(store: Store, prep: Prepared) -> None:
    """Take the stored score of every post whose text and model are unchanged."""
    rows, con = prep.rows, store.con
    con.register("incoming", rows[["platform", "kind", "key", "text", "pos"]])
    try:
        reuse = con.execute("""
            SELECT i.pos, p.sentiment FROM incoming i JOIN posts p
              ON p.platform = i.platform AND p.kind = i.kind AND p.key = i.key
            WHERE p.text = i.text AND p.model_id = ?""", [prep.result.model_id]).fetchnumpy()
    finally:
        con.unregister("incoming")
    scores = rows["sentiment"].to_numpy(dtype="float64", copy=True)
    scores[reuse["pos"].astype(np.int64)] = reuse["sentiment"]
    rows["sentiment"] = scores


def score_rest(prep: Prepared, scorer: Callable[[], Scorer], *, jobs: int = 1,
               progress: Callable[[int], None] | None = None) -> None:
    """Score the posts that have no reusable score (``scorer`` is built only if needed)."""
    scores = prep.rows["sentiment"].to_numpy(dtype="float64", copy=True)
    todo = np.flatnonzero(np.isnan(scores))
    if len(todo):
        texts = prep.rows["text"].to_numpy()[todo].tolist()
        scores[todo] = sentiments(texts, scorer(), jobs=jobs, progress=progress)
    prep.rows["sentiment"] = scores
    prep.result.scored = len(todo)


def commit(store: Store, prep: Prepared) -> BatchResult:
    """Write the batch in one transaction: every post and the batch record, or nothing."""
    fr = prep.report
    skipped = pd.DataFrame({
        "line": [s.line for s in fr.skipped] if fr is not None else [],
        "reason": [s.reason for s in fr.skipped] if fr is not None else []})
    now = datetime.now(timezone.utc)
    try:
        with store.transaction():
            _write_batch(store, prep.rows, skipped, prep.result, fr, now=now,
                         content=prep.content, opts_hash=prep.opts_hash)
    except (OSError, _duckdb_error()) as exc:
        prep.result.batch_id = None
        msg = exc.strerror if isinstance(exc, OSError) and exc.strerror else one_line(exc)
        raise BrandscanError(
            f"could not write to the store: {msg}; nothing from "
            f"{shown(prep.result.file)} was stored",
            where=str(store.path),
            hint="free some disk space or choose a writable place with --db") from None
    return prep.result


def ingest_loaded(store: Store, path: str, loaded: LoadResult, *, scorer: Callable[[], Scorer],
                  model_id: str, content: str, opts_hash: str, jobs: int = 1,
                  progress: Callable[[int], None] | None = None) -> BatchResult:
    """Store the posts of one loaded file as one batch (all of it, or none of it).

    The library's one-call form; the command line runs the same steps but scores outside
    the write lock, so that other runs wait only for the write itself.
    """
    prep = prepare(path, loaded, model_id=model_id, content=content, opts_hash=opts_hash)
    reuse_scores(store, prep)
    score_rest(prep, scorer, jobs=jobs, progress=progress)
    return commit(store, prep)


def _duckdb_error() -> type[Exception]:
    import duckdb

    return duckdb.Error


def _write_batch(store: Store, rows: pd.DataFrame, skipped: pd.DataFrame, res: BatchResult,
                 fr: FileReport | None, *, now: datetime, content: str, opts_hash: str) -> None:
    """The writes of one batch, in the caller's transaction: the steps below, in order."""
    con = store.con
    batch = store.next_batch_id()
    res.batch_id = batch
    con.register("staged_frame", rows)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM staged_frame")
    finally:
        con.unregister("staged_frame")
    seen, updated = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE {_CHANGED})
        FROM staged s JOIN posts p ON {_JOIN}""").fetchall()[0]
    res.new = len(rows) - int(seen)
    res.updated = int(updated)
    res.unchanged = int(seen) - int(updated)
    base = int(con.execute("SELECT coalesce(max(seq), 0) + 1 FROM posts").fetchall()[0][0])
    if seen:
        update_known(con, batch=batch, now=now, base=base)
    insert_new(con, batch=batch, now=now, base=base)
    record_batch(con, batch=batch, now=now, res=res, fr=fr, skipped=skipped, content=content,
                 opts_hash=opts_hash)
    con.execute("DROP TABLE staged")


def update_known(con: duckdb.DuckDBPyConnection, *, batch: int, now: datetime,
                 base: int) -> None:
    """Posts stored before take the staged values; their first sighting stays."""
    values = [c for c in STORED if c not in ("platform", "kind", "key")]
    sets = ", ".join(f"{c} = s.{c}" if c != "followers" else
                     "followers = coalesce(s.followers, p.followers)" for c in values)
    con.execute(f"""
        UPDATE posts AS p SET {sets}, last_seen = ?, last_batch = ?, seq = ? + s.pos
        FROM staged s WHERE {_JOIN}""", [now, batch, base])


def insert_new(con: duckdb.DuckDBPyConnection, *, batch: int, now: datetime,
               base: int) -> None:
    """Staged posts the store has not seen yet."""
    cols = ", ".join(STORED)
    con.execute(f"""
        INSERT INTO posts ({cols}, first_seen, last_seen, first_batch, last_batch, seq)
        SELECT {", ".join(f"s.{c}" for c in STORED)}, ?, ?, ?, ?, ? + s.pos
        FROM staged s ANTI JOIN posts p ON {_JOIN}""", [now, now, batch, batch, base])


def record_batch(con: duckdb.DuckDBPyConnection, *, batch: int, now: datetime,
                 res: BatchResult, fr: FileReport | None, skipped: pd.DataFrame,
                 content: str, opts_hash: str) -> None:
    """The batch's row in ``batches`` and its skipped rows."""
    if len(skipped):
        con.register("skipped_frame", skipped.assign(batch_id=batch))
        try:
            con.execute("INSERT INTO skipped SELECT batch_id, line, reason FROM skipped_frame")
        finally:
            con.unregister("skipped_frame")
    con.execute("""
        INSERT INTO batches (batch_id, action, started_at, finished_at, file, content_hash,
            options_hash, layout, encoding, format, rows_read, rows_used, rows_skipped,
            duplicates, filtered, posts_new, posts_updated, posts_unchanged, posts_scored,
            model_id, brandscan_version)
        VALUES (?, 'ingest', ?, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [batch, now, shown(res.file), content, opts_hash, fr.layout if fr else "",
         fr.encoding if fr else "", fr.format if fr else "", res.rows_read, res.used,
         res.skipped, res.duplicates, fr.filtered if fr else 0, res.new, res.updated,
         res.unchanged, res.scored, res.model_id, __version__])
