"""--tz shows times in another zone, converting; naive times in files stay Beijing time
(the config's ``timezone``); times typed on the command line are read in --tz.

Every expected time below is worked out by hand: Beijing is UTC+8 all year.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import weibo_search_csv

EPOCH_0200Z = 1793844000  # 2025-11-05 02:00 UTC is 1762308000; + 365 days × 86,400 s


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def times(*args: str | Path) -> dict[str, str]:
    """id -> created_at of ``posts … --format json``."""
    result = run("posts", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {p["id"]: p["created_at"] for p in json.loads(result.stdout)}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A weibo-search export: naive Beijing times, one with an offset, one epoch stamp."""
    return weibo_search_csv(tmp_path / "鲜果坊.csv", [
        ("1", "甲", "鲜果坊的橙子很甜", "0", "0", "0", "2026-11-05 10:00"),
        ("2", "乙", "鲜果坊的快递太慢", "0", "0", "0", "2026-11-05 07:30"),
        ("3", "丙", "鲜果坊还行", "0", "0", "0", "2026-11-05T10:00:00+00:00"),
        ("4", "丁", "鲜果坊到货了", "0", "0", "0", str(EPOCH_0200Z)),
    ])


def test_naive_times_are_beijing_time_shown_in_the_zone_asked_for(export: Path) -> None:
    assert times(export) == {"1": "2026-11-05T10:00:00+08:00",
                             "2": "2026-11-05T07:30:00+08:00",
                             "3": "2026-11-05T18:00:00+08:00",
                             "4": "2026-11-05T10:00:00+08:00"}
    # 10:00 Beijing is 02:00 UTC; 07:30 is 23:30 the day before; the offset time and the
    # epoch stamp are instants, shown where they are in UTC.
    assert times(export, "--tz", "UTC") == {"1": "2026-11-05T02:00:00+00:00",
                                            "2": "2026-11-04T23:30:00+00:00",
                                            "3": "2026-11-05T10:00:00+00:00",
                                            "4": "2026-11-05T02:00:00+00:00"}


def test_day_periods_are_days_of_the_zone_asked_for(export: Path) -> None:
    def days(*tz: str) -> list[str]:
        out = run("timeline", export, "--format", "csv", *tz).stdout.splitlines()
        return [",".join(line.split(",")[:2]) for line in out[1:]]

    assert days() == ["2026-11-05,4"]
    assert days("--tz", "UTC") == ["2026-11-04,1", "2026-11-05,3"]


def test_the_window_is_read_in_tz(export: Path) -> None:
    # 2026-11-05 00:00 UTC is 08:00 Beijing: the 07:30 post is before it.
    inside = times(export, "--tz", "UTC", "--since", "2026-11-05 00:00",
                   "--until", "2026-11-05 09:00")
    assert inside == {"1": "2026-11-05T02:00:00+00:00", "4": "2026-11-05T02:00:00+00:00"}


def test_the_config_timezone_is_the_zone_of_naive_times(export: Path, tmp_path: Path) -> None:
    config = tmp_path / "utc.yaml"
    config.write_text("timezone: UTC\n", encoding="utf-8")
    # Naive times are now UTC wall-clock times; shown in Beijing they are 8 hours later.
    got = times(export, "--config", config, "--tz", "Asia/Shanghai")
    assert got["1"] == "2026-11-05T18:00:00+08:00"
    assert got["2"] == "2026-11-05T15:30:00+08:00"
    assert got["3"] == "2026-11-05T18:00:00+08:00"  # an instant is an instant


def test_date_and_now_are_read_in_tz(tmp_path: Path) -> None:
    no_time = tmp_path / "no_time.csv"
    no_time.write_text("id,text\n1,鲜果坊的橙子很甜\n", encoding="utf-8")
    assert times(no_time, "--date", "2026-11-05", "--tz", "UTC") == {
        "1": "2026-11-05T00:00:00+00:00"}
    relative = weibo_search_csv(tmp_path / "relative.csv", [
        ("1", "甲", "鲜果坊的橙子很甜", "0", "0", "0", "5分钟前"),
        ("2", "乙", "鲜果坊的快递太慢", "0", "0", "0", "昨天 08:01"),
    ])
    # --now 20:00 UTC is 04:00 the next day in Beijing: 昨天 (a Beijing wall-clock day in
    # the export) is 2026-11-05, so 08:01 Beijing = 00:01 UTC.
    got = times(relative, "--now", "2026-11-05 20:00", "--tz", "UTC")
    assert got == {"1": "2026-11-05T19:55:00+00:00", "2": "2026-11-05T00:01:00+00:00"}


def test_the_store_keeps_instants_and_shows_them_in_tz(export: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert run("ingest", export, "--db", db, "--tz", "UTC").exit_code == 0
    assert times("--db", db) == times(export)
    assert times("--db", db, "--tz", "UTC") == times(export, "--tz", "UTC")
