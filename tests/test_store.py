"""The store as a library: what goes in comes back out exactly as an analysis of the files."""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from brandscan.analyze.report import build_report
from brandscan.config import Config, load_config, parse_config
from brandscan.errors import BrandscanError
from brandscan.load.posts import LoadOptions, load_posts
from brandscan.store import SCHEMA_VERSION, open_store
from brandscan.store.db import MIGRATIONS, StoreLock
from brandscan.store.ingest import BatchResult, file_hash, ingest_loaded, options_hash
from brandscan.store.query import (
    combine,
    file_keys,
    model_id_for,
    prefilter,
    read_scored,
    sql_brands,
    sql_categories,
)
from brandscan.store.upkeep import export, prune, rescore_batch, stale_count, store_info
from brandscan.text.brands import BrandMatcher
from brandscan.text.scoring import analyse, categorize
from brandscan.text.sentiment import get_scorer
from brandscan.window import Window
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES, SHARED, weibo_search_csv
from tests.faults import disk_full, wrap

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"
TZ = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(CONFIG_EXAMPLE)


def ingest(db: Path, path: Path, opts: LoadOptions | None = None, *, force_model: str | None = None
           ) -> BatchResult:
    """One file into the store, as ``brandscan ingest`` does it."""
    opts = opts or LoadOptions()
    loaded = load_posts([path], opts)
    with open_store(db, write=True, create=True) as store:
        return ingest_loaded(store, str(path), loaded, scorer=lambda: get_scorer(None),
                             model_id=force_model or model_id_for(None),
                             content=file_hash(path), opts_hash=options_hash(opts))


def read(db: Path, config: Config, **kw: object) -> pd.DataFrame:
    with open_store(db) as store:
        return read_scored(store, config, **kw).scored  # type: ignore[arg-type]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "brandscan.duckdb"
    result = ingest(db, EXAMPLE)
    assert (result.rows_read, result.new, result.duplicates, result.skipped) == (677, 671, 4, 2)
    return db


@pytest.mark.parametrize("kw", [
    {},
    {"brands": ("果多多",)},
    {"window": Window(datetime(2026, 11, 5, tzinfo=TZ), datetime(2026, 11, 6, 12, tzinfo=TZ))},
    {"brands": ("鲜果坊",), "window": Window(since=datetime(2026, 11, 6, 15, 12, tzinfo=TZ))},
])
def test_store_gives_back_what_analysing_the_file_gives(example_db: Path, config: Config,
                                                        kw: dict) -> None:
    expected = analyse(load_posts([EXAMPLE]).posts, config, **kw)
    got = read(example_db, config, **kw)
    pd.testing.assert_frame_equal(got, expected)


def test_kind_filter_goes_to_sql(example_db: Path, config: Config) -> None:
    expected = analyse(load_posts([EXAMPLE], LoadOptions(kind="comment")).posts, config)
    got = read(example_db, config, kind="comment")
    assert got.empty and list(got.columns) == list(expected.columns)


def test_brands_matched_in_python_when_sql_cannot(example_db: Path) -> None:
    # A cased non-ASCII alias: Python's and DuckDB's case folding might differ, so Python
    # matches; the answer is the same.
    config = parse_config("brands:\n  - name: 鲜果坊\n    aliases: [Äpfelhaus]\n"
                          "    exclude: [鲜果坊间]\n")
    assert sql_brands(config) is None and prefilter(config) is None
    expected = analyse(load_posts([EXAMPLE]).posts, config)
    pd.testing.assert_frame_equal(read(example_db, config), expected)


def test_no_brands_configured_reads_every_post(example_db: Path) -> None:
    expected = analyse(load_posts([EXAMPLE]).posts, Config())
    pd.testing.assert_frame_equal(read(example_db, Config()), expected)


def test_reingest_keeps_first_seen_takes_latest_counts(tmp_path: Path, config: Config) -> None:
    rows = [("1", "甲", "鲜果坊的山竹烂了，客服不回复", "10", "2", "30", "2026-11-05 06:10"),
            ("2", "乙", "鲜果坊的车厘子很好吃", "0", "0", "1", "2026-11-03 12:00"),
            ("3", "丙", "鲜果坊退款被拒，非常失望", "1", "0", "2", "2026-11-05 07:30")]
    a = weibo_search_csv(tmp_path / "a.csv", rows)
    grown = [(*rows[0][:3], "99", "20", "300", rows[0][6]),  # counts grew
             (*rows[1][:2], "鲜果坊的车厘子很好吃，推荐！", *rows[1][3:]),  # edited
             rows[2],
             ("4", "丁", "果多多的芒果不错", "0", "1", "1", "2026-11-06 09:00")]
    b = weibo_search_csv(tmp_path / "b.csv", grown)
    db = tmp_path / "s.duckdb"
    ingest(db, a)
    with open_store(db) as store:
        first = dict(store.con.execute("SELECT key, first_seen FROM posts").fetchall())
    second = ingest(db, b)
    assert (second.new, second.updated, second.unchanged, second.scored) == (1, 2, 1, 2)
    with open_store(db) as store:
        seen = {k: (f, last, r) for k, f, last, r in store.con.execute(
            "SELECT key, first_seen, last_seen, reposts FROM posts").fetchall()}
    assert all(seen[k][0] == first[k] for k in first)
    assert seen["1"][2] == 99 and seen["1"][1] > seen["1"][0]
    # Same rows, same order, same scores as loading both files at once (last one wins).
    expected = analyse(load_posts([a, b]).posts, config)
    pd.testing.assert_frame_equal(read(db, config), expected)


def test_posts_without_ids_get_content_keys(tmp_path: Path) -> None:
    path = tmp_path / "generic.csv"
    path.write_text("content,time,author\n鲜果坊的山竹不错,2026-11-05 10:00,甲\n"
                    "鲜果坊的山竹不错,2026-11-05 10:00,甲\n鲜果坊发货慢,2026-11-05 11:00,乙\n",
                    encoding="utf-8")
    db = tmp_path / "s.duckdb"
    result = ingest(db, path)
    assert (result.rows_read, result.new, result.duplicates) == (3, 2, 1)
    with open_store(db) as store:
        keys = [k for (k,) in store.con.execute("SELECT key FROM posts").fetchall()]
    assert all(k.startswith("~") for k in keys)
    again = ingest(db, path)
    assert (again.new, again.unchanged) == (0, 2)


def test_files_and_store_combined_are_the_union(tmp_path: Path, config: Config) -> None:
    a = weibo_search_csv(tmp_path / "a.csv", [
        ("1", "甲", "鲜果坊的山竹烂了", "1", "0", "0", "2026-11-05 06:10"),
        ("2", "乙", "鲜果坊的车厘子很好吃", "0", "0", "1", "2026-11-03 12:00")])
    b = weibo_search_csv(tmp_path / "b.csv", [
        ("2", "乙", "鲜果坊的车厘子很好吃", "5", "5", "5", "2026-11-03 12:00"),
        ("3", "丙", "鲜果坊退款被拒", "1", "0", "2", "2026-11-05 07:30")])
    db = tmp_path / "s.duckdb"
    ingest(db, a)
    files = load_posts([b]).posts
    with open_store(db) as store:
        stored = read_scored(store, config, exclude=file_keys(files)).scored
    got = combine(stored, analyse(files, config))
    pd.testing.assert_frame_equal(got, analyse(load_posts([a, b]).posts, config))


def test_model_id_without_loading_the_engine_is_the_engines() -> None:
    assert model_id_for(None) == get_scorer(None).model_id


def test_stale_scores_are_counted_then_rescored(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    ingest(db, EXAMPLE)
    with open_store(db) as store:
        before = read_scored(store, config).scored
    with open_store(db, write=True) as store:
        store.con.execute("UPDATE posts SET model_id = 'snownlp-custom:old', sentiment = 0.5 "
                          "WHERE source_line % 3 = 0")
    with open_store(db) as store:
        stale = read_scored(store, config)
        everywhere = stale_count(store, model_id_for(None))
    assert 0 < stale.stale < len(stale.scored) and stale.stale <= everywhere
    assert "snownlp-custom:old" in stale.model and "stale: run brandscan rescore" in stale.model
    total = 0
    while n := rescore_batch(db, get_scorer(None), batch_size=100):
        total += n
    assert total == everywhere
    with open_store(db) as store:
        after = read_scored(store, config)
        actions = [a for (a,) in store.con.execute(
            "SELECT action FROM batches ORDER BY batch_id").fetchall()]
    assert after.stale == 0 and after.model == model_id_for(None)
    pd.testing.assert_frame_equal(after.scored, before)
    assert actions.count("rescore") >= 2


# --- schema versions --------------------------------------------------------------------------

V1_DDL = """
CREATE TABLE brandscan_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
INSERT INTO brandscan_meta VALUES ('app', 'brandscan'), ('schema_version', '1'),
    ('created_by', 'brandscan 0.0.9');
CREATE TABLE posts (
    platform VARCHAR NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL,
    id VARCHAR NOT NULL, parent_id VARCHAR NOT NULL, text VARCHAR NOT NULL,
    chain VARCHAR NOT NULL, is_repost BOOLEAN NOT NULL, created_at TIMESTAMPTZ NOT NULL,
    author VARCHAR NOT NULL, author_id VARCHAR NOT NULL, followers BIGINT,
    verified VARCHAR NOT NULL, reposts BIGINT NOT NULL, comments BIGINT NOT NULL,
    likes BIGINT NOT NULL, url VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL, sentiment DOUBLE NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL, last_seen TIMESTAMPTZ NOT NULL,
    first_batch INTEGER NOT NULL, last_batch INTEGER NOT NULL);
CREATE TABLE batches (
    batch_id INTEGER NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
    file VARCHAR, content_hash VARCHAR, options_hash VARCHAR, layout VARCHAR,
    encoding VARCHAR, format VARCHAR, rows_read BIGINT, rows_used BIGINT,
    rows_skipped BIGINT, duplicates BIGINT, filtered BIGINT, posts_new BIGINT,
    posts_updated BIGINT, posts_unchanged BIGINT, brandscan_version VARCHAR, note VARCHAR);
INSERT INTO batches (batch_id, started_at, finished_at, file, rows_read, rows_used)
    VALUES (1, '2026-11-09 01:00:00+00', '2026-11-09 01:00:05+00', 'old.csv', 2, 2);
INSERT INTO posts VALUES
    ('weibo', 'post', '2', '2', '', '鲜果坊的车厘子很好吃', '', false,
     '2026-11-03 04:00:00+00', '乙', '1001', NULL, '', 0, 0, 1, '', 'old.csv', 3, 0.9,
     '2026-11-09 01:00:00+00', '2026-11-09 01:00:00+00', 1, 1),
    ('weibo', 'post', '1', '1', '', '鲜果坊的山竹烂了，客服不回复', '', false,
     '2026-11-04 22:10:00+00', '甲', '1000', 12, '', 10, 2, 30, '', 'old.csv', 2, 0.1,
     '2026-11-09 01:00:00+00', '2026-11-09 01:00:00+00', 1, 1);
"""


def v1_store(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute(V1_DDL)
    con.close()
    return path


def test_an_older_store_is_migrated_when_opened(tmp_path: Path, config: Config) -> None:
    db = v1_store(tmp_path / "old.duckdb")
    with open_store(db) as store:  # a reader migrates too
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
        read = read_scored(store, config)
        notes = store.con.execute("SELECT action, note FROM batches WHERE action = 'migrate'"
                                  ).fetchall()
        skipped = store.con.execute("SELECT count(*) FROM skipped").fetchall()[0][0]
        terms = store.con.execute("SELECT count(*) FROM terms").fetchall()[0][0]
    assert notes == [("migrate", "schema v1 -> v3")] and skipped == 0 and terms == 0
    # Posts come back in source-line order, with their v1 scores, marked stale.
    assert read.scored["id"].tolist() == ["1", "2"]
    assert read.scored["sentiment"].tolist() == [0.1, 0.9]
    assert read.stale == 2 and "unknown model" in read.model
    assert read.scored["followers"].tolist()[0] == 12
    # and it takes new batches like any store
    assert ingest(db, EXAMPLE).new == 671


def test_a_failed_migration_leaves_the_old_store(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = v1_store(tmp_path / "old.duckdb")
    # The disk fills up after the last migration step, before the migration commits.
    last = max(MIGRATIONS)
    monkeypatch.setitem(MIGRATIONS, last, wrap(MIGRATIONS[last], disk_full, "after"))
    with pytest.raises(BrandscanError, match="could not migrate the store from schema v1"), \
            open_store(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM brandscan_meta WHERE key = 'schema_version'"
                       ).fetchall() == [("1",)]
    assert "model_id" not in [c[0] for c in con.execute("DESCRIBE posts").fetchall()]
    con.close()


def test_a_store_from_a_newer_brandscan_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    ingest(db, EXAMPLE)
    con = duckdb.connect(str(db))
    con.execute("UPDATE brandscan_meta SET value = '99' WHERE key = 'schema_version'")
    con.execute("UPDATE brandscan_meta SET value = 'brandscan 9.0' WHERE key = 'written_by'")
    con.close()
    before = sha(db)
    for write in (False, True):
        with pytest.raises(BrandscanError) as err, open_store(db, write=write):
            pass
        assert "written by a newer brandscan (brandscan 9.0, store schema v99" in str(err.value)
        assert "upgrade brandscan" in str(err.value)
    assert sha(db) == before


@pytest.mark.parametrize("content,why", [
    (b"id,text\n1,hello\n", "not a DuckDB database"),
    (b"", "empty file"),
    (b"SQLite format 3\x00" + b"\x00" * 4000, "not a DuckDB database"),
])
def test_foreign_files_are_refused_and_untouched(tmp_path: Path, content: bytes,
                                                 why: str) -> None:
    path = tmp_path / "given.db"
    path.write_bytes(content)
    for write in (False, True):
        with pytest.raises(BrandscanError, match=why), \
                open_store(path, write=write, create=True):
            pass
    assert path.read_bytes() == content
    assert not (tmp_path / "given.db.wal").exists()


def test_another_duckdb_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (day DATE, amount INTEGER)")
    con.close()
    before = sha(path)
    with pytest.raises(BrandscanError, match="a DuckDB database without brandscan's tables"), \
            open_store(path, write=True, create=True):
        pass
    assert sha(path) == before


def test_a_busy_store_names_the_process_holding_it(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(db, EXAMPLE)
    import os

    busy = f"database is in use by PID {os.getpid()}"
    with StoreLock(db, exclusive=True, timeout=0), pytest.raises(BrandscanError, match=busy), \
            open_store(db, lock_timeout=0.2):
        pass
    with StoreLock(db, exclusive=False, timeout=0), \
            open_store(db, lock_timeout=0.2) as store:  # readers share the lock
        assert store.meta()["app"] == "brandscan"


def test_info_export_and_prune(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    ingest(db, EXAMPLE)
    with open_store(db) as store:
        info = store_info(store, config)
        n_csv = export(store, tmp_path / "all.csv", "csv", tz=config.timezone)
        n_pq = export(store, tmp_path / "nov5.parquet", "parquet", tz=config.timezone,
                      window=Window(datetime(2026, 11, 5, tzinfo=TZ),
                                    datetime(2026, 11, 6, tzinfo=TZ)))
    assert info["posts"] == 671 and info["schema_version"] == SCHEMA_VERSION
    assert info["platforms"] == [{"platform": "weibo", "kind": "post", "posts": 671}]
    assert {b["brand"]: b["posts"] for b in info["brands"]} == {"鲜果坊": 621, "果多多": 74}
    assert info["first"] == "2026-11-02T00:01:00+08:00"
    assert info["models"] == [{"model": model_id_for(None), "posts": 671, "stale": False}]
    assert info["recent_batches"][0]["file"] == str(EXAMPLE)
    assert n_csv == 671
    with open(tmp_path / "all.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 671 and rows[0]["created_at"].endswith("+08")
    assert {"sentiment", "model_id", "first_seen", "engagement"} <= set(rows[0])
    frame = pd.read_parquet(tmp_path / "nov5.parquet")
    created = load_posts([EXAMPLE]).posts["created_at"]
    nov5 = int(((created >= "2026-11-05 00:00+08:00") & (created < "2026-11-06 00:00+08:00")).sum())
    assert len(frame) == n_pq == nov5
    cut = datetime(2026, 11, 5, tzinfo=TZ)
    with open_store(db, write=True) as store:
        assert prune(store, cut, dry_run=True) == prune(store, cut) > 0
        assert prune(store, cut) == 0
    left = read(db, config)
    assert left["created_at"].min() >= pd.Timestamp(cut)


# --- SQL matches exactly what Python matches ----------------------------------------------------

def _real_texts() -> pd.Series:
    with open(SHARED / "exports" / "weibo-search" / "比亚迪.csv", encoding="utf-8-sig",
              newline="") as fh:
        texts = [r["微博正文"] for r in csv.DictReader(fh)]
    return pd.Series([*texts, "比亚迪汉和BYD", "byd", "比亚迪汉", "汉 比亚迪汉 比亚迪"],
                     dtype=object)


@pytest.mark.realdata
def test_sql_brands_and_categories_equal_python_on_real_posts() -> None:
    config = parse_config(
        "brands:\n"
        "  - name: 比亚迪\n    aliases: [BYD, 迪子, 'b.y.d']\n    exclude: [比亚迪汉, 'BYD汉']\n"
        "  - name: 特斯拉\n    aliases: [Tesla, 'TSLA']\n"
        "complaints:\n  categories:\n    续航: [续航, 掉电, '(缩水)']\n")
    texts = _real_texts()
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"text": texts, "chain": ""}))
    rows = con.execute(f"SELECT {sql_brands(config)}, {sql_categories(config)} FROM t"
                       ).fetchall()
    brands, cats = [r[0] for r in rows], [r[1] for r in rows]
    assert brands == BrandMatcher(config.brands).match(texts + " ").tolist()
    assert cats == categorize(texts, config.categories).tolist()
    assert sum(b != "" for b in brands) > 100 and sum(c != "" for c in cats) > 10


def test_reading_in_chunks_gives_the_same_posts(example_db: Path, config: Config) -> None:
    from brandscan.store.query import iter_scored

    with open_store(example_db) as store:
        whole = read_scored(store, config).scored
        chunks = list(iter_scored(store, config, chunk_rows=100))
    assert len(chunks) >= 6 and all(len(c) <= 100 for c in chunks)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)


@pytest.mark.parametrize("jobs,window", [
    (1, Window()), (2, Window()), (3, Window(datetime(2026, 11, 5, tzinfo=TZ), None)),
])
def test_the_store_in_stretches_and_chunks_gives_the_in_memory_report(
        example_db: Path, config: Config, jobs: int, window: Window) -> None:
    from brandscan.analyze.alerts import baseline_span
    from brandscan.analyze.partial import Context
    from brandscan.analyze.report import ReportAnalysis
    from brandscan.engine.driver import execute
    from brandscan.engine.executors import Pool
    from brandscan.engine.store import StoreSource
    from tests.test_stream import assert_same_reports

    span = baseline_span(config.alerts)
    since = window.since - span if window.since else None
    history = read(example_db, config, window=Window(since, window.until))
    scored = history[window.mask(history["created_at"])].reset_index(drop=True)
    with open_store(example_db) as store:
        stored = read_scored(store, config, window=window)
    want = build_report(scored, config, stored.report, top=8, since=window.since,
                        until=window.until, history=history, influencers=True,
                        model=stored.model)
    source = StoreSource(example_db, config, read=Window(since, window.until), jobs=jobs,
                         chunk_rows=100, min_slice_rows=50)
    assert len(source.tasks(Pool(jobs))) == jobs  # one stretch of time per process
    run = execute(source, [ReportAnalysis(top=8, influencers=True)],
                  Context(config, since=window.since, until=window.until), Pool(jobs))
    assert len(want.alerts) and source.models == {model_id_for(None): len(scored)}
    assert_same_reports(run.result("report"), want)
