"""The store on the command line: ingest, --db, rescore, db info/export/prune."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES, SHARED, weibo_search_csv

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"
CFG = ("--config", str(CONFIG_EXAMPLE))


def run(*args: str | Path, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "brandscan.duckdb"
    result = run("ingest", EXAMPLE, "--db", db, *CFG)
    assert result.exit_code == 0, result.output
    return db


def test_ingest_says_what_each_batch_did(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = run("ingest", EXAMPLE, "--db", db, *CFG)
    assert first.exit_code == 0 and first.stdout == ""
    assert (f"{EXAMPLE}: batch 1: 677 rows read; 671 new; 0 updated; 0 unchanged; "
            "4 duplicates; 2 skipped (2 empty text); 671 scored") in first.stderr
    again = run("ingest", EXAMPLE, "--db", db, *CFG, "--json")
    assert again.exit_code == 0
    assert f"{EXAMPLE}: already ingested (batch 1, " in again.stderr
    assert "nothing to add (--force reads it again)" in again.stderr
    assert json.loads(again.stdout)[0]["already_ingested_as"] == 1
    forced = run("ingest", EXAMPLE, "--db", db, *CFG, "--force", "--json")
    [batch] = json.loads(forced.stdout)
    assert (batch["batch"], batch["new"], batch["unchanged"], batch["scored"]) == (2, 0, 671, 0)


def test_a_bad_file_is_reported_and_the_others_stored(tmp_path: Path) -> None:
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    db = tmp_path / "s.duckdb"
    result = run("ingest", bad, EXAMPLE, "--db", db, *CFG)
    assert result.exit_code == 1
    assert "empty.csv" in result.stderr and "batch 1: 677 rows read" in result.stderr
    assert "1 file(s) could not be ingested; the others were" in result.stderr
    info = json.loads(run("db", "info", "--db", db, "--format", "json").stdout)
    assert info["posts"] == 671


def _report_sections(text: str) -> dict:
    doc = json.loads(text)
    # The sections computed from the scored posts and the load accounting.
    return {k: doc[k] for k in ("headline", "sentiment_mix", "timeline", "complaints",
                                "negative_posts", "skipped", "interval")}


@pytest.mark.parametrize("args", [
    ("timeline", "--interval", "hour", "--format", "json"),
    ("complaints", "--format", "json"),
    ("posts", "--format", "csv"),
    ("timeline", "--brand", "果多多", "--since", "2026-11-05", "--until", "2026-11-07"),
    ("report", "--format", "json"),
    ("report", "--format", "json", "--since", "2026-11-06 15:00", "--brand", "鲜果坊"),
])
def test_results_from_the_store_equal_results_from_the_file(store: Path, args: tuple) -> None:
    from_file = run(*args, EXAMPLE, *CFG)
    from_store = run(*args, "--db", store, *CFG)
    assert from_file.exit_code == from_store.exit_code == 0
    if args[0] == "report":
        assert _report_sections(from_store.stdout) == _report_sections(from_file.stdout)
        assert json.loads(from_store.stdout)["headline"]["rows_read"] == 677
    else:
        assert from_store.stdout == from_file.stdout


def test_no_file_reads_the_store_from_the_environment(store: Path, tmp_path: Path) -> None:
    result = run("timeline", *CFG, env={"BRANDSCAN_DB": str(store)})
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sum(int(r["mentions"]) for r in rows) == 663


def test_the_default_store_lives_in_the_xdg_data_dir(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "BRANDSCAN_DB": ""}
    assert run("ingest", EXAMPLE, *CFG, env=env).exit_code == 0
    assert (tmp_path / "data" / "brandscan" / "brandscan.duckdb").is_file()
    assert run("timeline", *CFG, env=env).stdout.startswith("period,mentions")


def test_no_file_and_no_store_is_a_clear_error(tmp_path: Path) -> None:
    result = run("report", *CFG, env={"BRANDSCAN_DB": str(tmp_path / "none.duckdb")})
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "none.duckdb: no store here yet (fill it with: brandscan ingest FILE... --db PATH)")
    assert not (tmp_path / "none.duckdb").exists()


def test_inspect_still_needs_files() -> None:
    result = run("inspect")
    assert result.exit_code == 2 and "Missing argument" in result.stderr


def test_files_and_store_together(store: Path, tmp_path: Path) -> None:
    extra = weibo_search_csv(tmp_path / "tonight.csv", [
        ("5100353053939062", "木子_", "下午茶安排上了，鲜果坊的砂糖橘配酸奶，绝了[太开心]",
         "9", "9", "9", "2026-11-02 23:32"),  # already stored: the file's counts win
        ("1", "甲", "鲜果坊的山竹又烂了，客服还是不回复", "1", "0", "0", "2026-11-09 08:00")])
    both = run("posts", extra, "--db", store, *CFG, "--format", "csv")
    files = run("posts", EXAMPLE, extra, *CFG, "--format", "csv")
    assert both.exit_code == 0 and both.stdout == files.stdout
    rows = list(csv.DictReader(io.StringIO(both.stdout)))
    assert len(rows) == 664
    assert [r["engagement"] for r in rows if r["id"] == "5100353053939062"] == ["27"]


def test_keep_chain_is_for_files_only(store: Path) -> None:
    result = run("timeline", "--db", store, "--keep-chain", *CFG)
    assert result.exit_code == 1 and "--keep-chain works on files only" in result.stderr


def test_stale_scores_are_reported_and_rescored(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run("ingest", EXAMPLE, "--db", db, *CFG)
    fresh = run("report", "--db", db, *CFG, "--format", "json")
    con = duckdb.connect(str(db))
    con.execute("UPDATE posts SET model_id = 'snownlp-custom:0ld', sentiment = 0.99 "
                "WHERE id LIKE '%1'")
    con.close()
    stale = run("timeline", "--db", db, *CFG)
    assert "stored posts were scored by another sentiment model than brandscan:" in (
        stale.stderr) and "'brandscan rescore' updates them" in stale.stderr
    info = run("db", "info", "--db", db, *CFG)
    assert "snownlp-custom:0ld" in info.stdout and "stale: brandscan rescore" in info.stdout
    rescored = run("rescore", "--db", db, *CFG, "--batch-size", "20")
    assert rescored.exit_code == 0 and "posts rescored with brandscan:" in rescored.stderr
    after = run("report", "--db", db, *CFG, "--format", "json")
    assert "scored by another" not in after.stderr
    assert _report_sections(after.stdout) == _report_sections(fresh.stdout)
    assert "nothing to do" in run("rescore", "--db", db, *CFG).stderr


def test_db_info(store: Path) -> None:
    text = run("db", "info", "--db", store, *CFG)
    assert text.exit_code == 0
    assert "posts           671" in text.stdout and "schema version  3" in text.stdout
    assert "  鲜果坊" in text.stdout and "date range      2026-11-02T00:01:00+08:00" in text.stdout
    doc = json.loads(run("db", "info", "--db", store, *CFG, "--format", "json").stdout)
    assert doc["batches"] >= 1 and doc["recent_batches"][-1]["rows_read"] == 677


def test_db_export_and_prune(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run("ingest", EXAMPLE, "--db", db, *CFG)
    out = tmp_path / "posts.parquet"
    result = run("db", "export", "--db", db, *CFG, "-o", out, "--since", "2026-11-08")
    assert result.exit_code == 0 and "posts written to" in result.stderr
    exported = pd.read_parquet(out)
    assert len(exported) > 0 and exported["created_at"].min() >= pd.Timestamp(
        "2026-11-08 00:00+08:00")
    csv_out = tmp_path / "posts.csv"
    assert run("db", "export", "--db", db, *CFG, "-o", csv_out).exit_code == 0
    assert len(pd.read_csv(csv_out)) == 671
    before = int((pd.read_csv(csv_out)["created_at"] < "2026-11-05").sum())
    dry = run("db", "prune", "--db", db, *CFG, "--before", "2026-11-05", "--dry-run")
    assert dry.stdout.startswith(f"{before} posts created before 2026-11-05T00:00:00+08:00 "
                                 "would be deleted")
    gone = run("db", "prune", "--db", db, *CFG, "--before", "2026-11-05")
    assert gone.exit_code == 0 and "deleted" in gone.stderr
    rows = list(csv.DictReader(io.StringIO(run("timeline", "--db", db, *CFG).stdout)))
    assert rows[0]["period"] == "2026-11-05"


def test_help_does_not_import_duckdb() -> None:
    code = ("import sys; from brandscan.cli import cli; "
            "print('duckdb' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_new_model_makes_scores_stale_until_rescored(tmp_path: Path) -> None:
    import importlib.util
    import shutil

    spec = importlib.util.find_spec("snownlp")
    assert spec is not None and spec.submodule_search_locations
    bundled = Path(next(iter(spec.submodule_search_locations))) / "sentiment"
    model = tmp_path / "retrained.marshal.3"  # same numbers, another model file
    shutil.copy(bundled / "sentiment.marshal.3", model)
    db = tmp_path / "s.duckdb"
    run("ingest", EXAMPLE, "--db", db, *CFG)
    stale = run("timeline", "--db", db, *CFG, "--model", model)
    assert "671 stored posts" not in stale.stderr  # counted among the selected posts only
    assert "663 of 663 stored posts were scored by another sentiment model" in stale.stderr
    done = run("rescore", "--db", db, *CFG, "--model", model)
    assert done.exit_code == 0 and "671 posts rescored with snownlp-custom:" in done.stderr
    fresh = run("timeline", "--db", db, *CFG, "--model", model)
    assert fresh.exit_code == 0 and "scored by another" not in fresh.stderr
    assert fresh.stdout == run("timeline", EXAMPLE, *CFG, "--model", model).stdout


@pytest.mark.realdata
def test_real_exports_come_back_from_the_store_unchanged(tmp_path: Path) -> None:
    exports = SHARED / "exports"
    files = [exports / "weibo-search" / "比亚迪.csv",
             exports / "mediacrawler" / "search_contents_2026-07-14.jsonl",
             exports / "mediacrawler" / "detail_comments_2026-07-14.jsonl",
             exports / "weibo-search-with-comments" / "华为.csv"]
    db = tmp_path / "s.duckdb"
    assert run("ingest", *files, "--db", db).exit_code == 0
    from_store = run("posts", "--db", db, "--format", "csv")
    from_files = run("posts", *files, "--format", "csv")
    assert from_store.exit_code == 0
    assert from_store.stdout == from_files.stdout
    assert len(from_store.stdout.splitlines()) > 10_000


def test_a_file_stored_from_python_is_recognised_on_the_command_line(tmp_path: Path) -> None:
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.store import open_store
    from brandscan.store.ingest import file_hash, ingest_loaded, options_hash
    from brandscan.store.query import model_id_for
    from brandscan.text.sentiment import get_scorer

    db, opts = tmp_path / "s.duckdb", LoadOptions()
    with open_store(db, write=True, create=True) as store:
        ingest_loaded(store, str(EXAMPLE), load_posts([EXAMPLE], opts),
                      scorer=lambda: get_scorer(None), model_id=model_id_for(None),
                      content=file_hash(EXAMPLE), opts_hash=options_hash(opts))
    result = run("ingest", EXAMPLE, "--db", db, *CFG)
    assert "already ingested (batch 1" in result.stderr
    # --tz only shows times in another zone: the stored instants are the same.
    shown_in_utc = run("ingest", EXAMPLE, "--db", db, *CFG, "--tz", "UTC")
    assert "already ingested (batch 1" in shown_in_utc.stderr
    # The zone the file's naive times are read in changes them: other options, other posts.
    utc_config = tmp_path / "utc.yaml"
    utc_config.write_text(CONFIG_EXAMPLE.read_text(encoding="utf-8").replace(
        "timezone: Asia/Shanghai", "timezone: UTC"), encoding="utf-8")
    other_tz = run("ingest", EXAMPLE, "--db", db, "--config", utc_config)
    assert "batch 2: 677 rows read" in other_tz.stderr


@pytest.mark.parametrize("window", [(), ("--since", "2026-11-05", "--until", "2026-11-07")])
def test_the_store_read_in_chunks_equals_the_store_read_whole(store: Path,
                                                              window: tuple) -> None:
    # Stretches of time in two processes, each read 100 posts at a time: every section of
    # the report, the crisis radar's too, is the in-memory one.
    common = ("report", "--db", store, *CFG, *window, "--format", "json")
    whole = run(*common, "--engine", "local")
    chunked = run(*common, "--jobs", "2", "--chunk-rows", "100")
    assert whole.exit_code == chunked.exit_code == 0
    assert chunked.stdout == whole.stdout
    doc = json.loads(whole.stdout)
    assert doc["alerts"] and doc["response_times"] and doc["share_of_voice"]
    html_whole = run("report", "--db", store, *CFG, *window, "--engine", "local",
                     "--format", "html")
    html_chunked = run("report", "--db", store, *CFG, *window, "--chunk-rows", "100",
                       "--format", "html")
    assert "Influencers" in html_whole.stdout
    strip = lambda t: re.sub(r"as of [^<]*", "", t)  # noqa: E731
    assert strip(html_chunked.stdout) == strip(html_whole.stdout)


@pytest.mark.parametrize("command", [("alerts",), ("influencers",), ("sov",)])
def test_radar_commands_over_the_store_read_in_chunks(store: Path, command: tuple) -> None:
    common = (*command, "--db", store, *CFG, "--since", "2026-11-04", "--format", "csv")
    whole = run(*common, "--engine", "local")
    chunked = run(*common, "--chunk-rows", "100")
    assert whole.exit_code == chunked.exit_code == 0
    assert chunked.stdout == whole.stdout and whole.stdout.count("\n") > 2
