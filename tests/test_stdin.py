"""``-`` reads standard input as a FILE: detected like a file, named ``<stdin>``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.errors import UsageError
from brandscan.load.stdin import stdin_files
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES, ROOT, weibo_search_csv

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"
CFG = ("--config", str(CONFIG_EXAMPLE))


def run(*args: str | Path, stdin: bytes | None = None) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin,
                              catch_exceptions=False)


def test_a_piped_export_gives_what_the_file_gives() -> None:
    # Through a real pipe, as the README's `cat … | brandscan timeline -` runs it.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    piped = subprocess.run(
        [sys.executable, "-m", "brandscan", "timeline", "-", *CFG, "--format", "csv"],
        input=EXAMPLE.read_bytes(), capture_output=True, env=env, check=False)
    from_file = run("timeline", EXAMPLE, *CFG, "--format", "csv")
    assert piped.returncode == 0, piped.stderr.decode()
    assert from_file.exit_code == 0
    assert piped.stdout.decode() == from_file.stdout
    assert piped.stdout.decode().startswith("period,mentions")


def test_gbk_on_stdin_is_detected_and_named_stdin(tmp_path: Path) -> None:
    csv = weibo_search_csv(tmp_path / "gbk.csv", [
        ("1", "张三", "鲜果坊的橙子很甜", "0", "1", "2", "2026-11-05 10:00"),
        ("2", "李四", "鲜果坊的快递太慢", "0", "0", "0", "2026-11-05 11:00"),
    ], encoding="gbk")
    shown = run("inspect", "-", "--format", "json", stdin=csv.read_bytes())
    assert shown.exit_code == 0, shown.output
    [row] = json.loads(shown.stdout)
    assert (row["file"], row["encoding"], row["layout"], row["used"]) == (
        "<stdin>", "gb18030", "weibo-search", 2)
    posts = run("posts", "-", "--format", "json", stdin=csv.read_bytes())
    texts = {p["text"]: p["source_file"] for p in json.loads(posts.stdout)}
    assert texts == {"鲜果坊的橙子很甜": "<stdin>", "鲜果坊的快递太慢": "<stdin>"}


def test_a_mediacrawler_jsonl_on_stdin() -> None:
    # create_time is unix seconds: 1793844000 = 2026-11-05 02:00 UTC = 10:00 in Beijing.
    lines = [{"note_id": "5001", "content": "鲜果坊的橙子不错", "create_time": 1793844000,
              "liked_count": "3", "comments_count": "1", "shared_count": "0",
              "nickname": "王五", "user_id": "77"},
             {"note_id": "5002", "content": "鲜果坊还可以", "create_time": 1793847600,
              "liked_count": "1万+", "comments_count": "0", "shared_count": "0",
              "nickname": "赵六", "user_id": "78"}]
    data = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    shown = run("inspect", "-", "--format", "json", stdin=data)
    [row] = json.loads(shown.stdout)
    assert (row["file"], row["format"], row["layout"], row["used"]) == (
        "<stdin>", "jsonl", "mediacrawler-weibo", 2)
    posts = json.loads(run("posts", "-", "--format", "json", stdin=data).stdout)
    assert sorted((p["created_at"], p["likes"]) for p in posts) == [
        ("2026-11-05T10:00:00+08:00", 3), ("2026-11-05T11:00:00+08:00", 10000)]


def test_skipped_rows_and_strict_errors_name_stdin(tmp_path: Path) -> None:
    csv = weibo_search_csv(tmp_path / "s.csv", [
        ("1", "张三", "鲜果坊的橙子很甜", "0", "1", "2", "2026-11-05 10:00"),
        ("2", "李四", "", "0", "0", "0", "2026-11-05 11:00"),  # line 3: no text
        ("3", "王五", "鲜果坊还行", "0", "0", "0", "not a time"),  # line 4
    ])
    skipped = run("inspect", "-", "--skipped", "--format", "csv", stdin=csv.read_bytes())
    assert skipped.stdout.splitlines() == [
        "file,line,reason", "<stdin>,3,empty text", "<stdin>,4,unparseable time: 'not a time'"]
    strict = run("timeline", "-", "--strict", stdin=csv.read_bytes())
    assert strict.exit_code == 1
    assert strict.stderr.startswith("Error: <stdin>:3: empty text")
    assert "brandscan-stdin" not in strict.stderr


def test_stdin_twice_is_a_usage_error_before_reading() -> None:
    twice = run("timeline", "-", "-", stdin=EXAMPLE.read_bytes())
    assert twice.exit_code == 2
    assert "'-' (standard input) is given twice" in twice.stderr


def test_stdin_from_a_terminal_is_a_usage_error_not_a_wait() -> None:
    with (pytest.raises(UsageError, match="nothing is piped in"),
          stdin_files(["-"], io.BytesIO(b""), is_terminal=True)):
        pass


def test_empty_stdin_is_named() -> None:
    empty = run("timeline", "-", stdin=b"")
    assert empty.exit_code == 1
    assert empty.stderr.strip() == "Error: <stdin>: empty file"


def test_the_spooled_copy_is_removed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "brandscan", "inspect", "-", "--format",
                           "csv"], input=EXAMPLE.read_bytes(), capture_output=True, env=env,
                          check=False)
    assert done.returncode == 0 and b"<stdin>" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_ingest_from_stdin_stores_it_as_stdin(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = run("ingest", "-", "--db", db, *CFG, stdin=EXAMPLE.read_bytes())
    assert first.exit_code == 0, first.output
    assert "<stdin>: batch 1: 677 rows read" in first.stderr
    again = run("ingest", "-", "--db", db, *CFG, stdin=EXAMPLE.read_bytes())
    assert "<stdin>: already ingested (batch 1" in again.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT file FROM batches").fetchall() == [("<stdin>",)]
        assert con.execute("SELECT DISTINCT source_file FROM posts").fetchall() == [
            ("<stdin>",)]


def test_dask_does_not_read_stdin() -> None:
    result = run("timeline", "-", "--engine", "dask", stdin=EXAMPLE.read_bytes())
    assert result.exit_code == 2
    assert "--engine dask reads files on the cluster, not standard input" in result.stderr
