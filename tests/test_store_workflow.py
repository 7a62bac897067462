"""The store's workflow as a library: what ingest, rescore and db export/prune do, without
the command line, and what they tell their caller."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from brandscan.config import Config, load_config
from brandscan.errors import BrandscanError
from brandscan.load.accounting import LoadReport
from brandscan.store.ingest import BatchResult
from brandscan.store.workflow import (
    IngestOptions,
    RescoreOptions,
    export_posts,
    ingest_files,
    prune_posts,
    rescore,
)
from tests.conftest import CONFIG_EXAMPLE, weibo_search_csv


class Recorder:
    """An :class:`~brandscan.store.workflow.IngestListener` that keeps what it is told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def loaded(self, report: LoadReport) -> None:
        self.events.append(("loaded", report.summary_line()))

    def problem(self, error: BrandscanError) -> None:
        self.events.append(("problem", error.format()))

    def stored(self, result: BatchResult) -> None:
        self.events.append(("stored", result.summary()))


@pytest.fixture
def config() -> Config:
    return load_config(CONFIG_EXAMPLE)


def posts(path: Path, n: int, *, empty: int = 0) -> Path:
    rows = [(str(500 + i), f"用户{i}", f"鲜果坊的山竹{'烂了' if i % 2 else '很甜'}{i}",
             "1", "2", "3", f"2026-11-0{1 + i % 5} 10:{i:02d}") for i in range(n)]
    rows += [(str(900 + i), "空", "", "0", "0", "0", "2026-11-02 10:00") for i in range(empty)]
    return weibo_search_csv(path, rows)


def test_ingest_tells_the_listener_about_each_file_in_order(tmp_path: Path,
                                                            config: Config) -> None:
    db = tmp_path / "s.duckdb"
    good = posts(tmp_path / "good.csv", 12, empty=1)
    missing = str(tmp_path / "missing.csv")
    seen = Recorder()
    run = ingest_files(db, [str(good), missing, str(good)], config, listener=seen)
    assert run.store == db and run.failed == 1
    assert [r.batch_id for r in run.results] == [1, None]
    assert run.results[1].known_as is not None and run.results[1].known_as[0] == 1
    assert [kind for kind, _ in seen.events] == ["loaded", "stored", "problem", "stored"]
    assert seen.events[0][1] == ("13 rows read from 1 file(s); 12 used; "
                                 "1 skipped (1 empty text)")
    assert seen.events[1][1] == (f"{good}: batch 1: 13 rows read; 12 new; 0 updated; "
                                 "0 unchanged; 1 skipped (1 empty text); 12 scored")
    assert seen.events[2][1] == f"{missing}: no such file"
    assert seen.events[3][1].startswith(f"{good}: already ingested (batch 1, ")


def test_strict_ingest_stores_nothing_of_a_file_with_skipped_rows(tmp_path: Path,
                                                                 config: Config) -> None:
    db = tmp_path / "s.duckdb"
    bad = posts(tmp_path / "bad.csv", 5, empty=2)
    seen = Recorder()
    run = ingest_files(db, [str(bad)], config, IngestOptions(strict=True), listener=seen)
    assert run.failed == 1 and run.results == []
    assert seen.events == [("problem", f"{bad}:7: empty text (2 row(s) skipped in all) "
                                       "(--strict makes skipped rows errors; fix the rows or "
                                       "drop --strict; 'inspect --skipped' lists them)")]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchall() == [(0,)]
    con.close()


def test_rescore_reports_what_it_did(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    ingest_files(db, [str(posts(tmp_path / "a.csv", 30))], config)
    con = duckdb.connect(str(db))
    con.execute("UPDATE posts SET model_id = 'older', sentiment = 0.5 WHERE id < '510'")
    con.close()
    first = rescore(db, config, RescoreOptions(batch_size=4))
    assert (first.stale, first.rescored) == (10, 10)
    assert first.terms_added > 0 and first.model.startswith("brandscan:")
    again = rescore(db, config)
    assert (again.stale, again.rescored, again.terms_added) == (0, 0, 0)


def test_export_and_prune(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    ingest_files(db, [str(posts(tmp_path / "a.csv", 10))], config)
    done = export_posts(db, str(tmp_path / "all.csv"), "csv", tz=config.timezone)
    assert (done.posts, done.format) == (10, "csv")
    assert len((tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()) == 11
    before = datetime(2026, 11, 3, tzinfo=timezone.utc)  # 11-01 and 11-02: 4 posts
    assert prune_posts(db, before, dry_run=True) == 4
    assert prune_posts(db, before) == 4
    assert prune_posts(db, before, dry_run=True) == 0
