"""--interval month (calendar months in the configured timezone) in every engine and from
the store, and empty periods with empty shares: no 0 % for a period nobody spoke in."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE

#: Naive times are Beijing time (the example config's timezone); one aware UTC time.
POSTS = [
    ("鲜果坊的橙子太难吃了，坏了一半，差评", "2025-12-31 23:59"),  # December
    ("鲜果坊的草莓很新鲜，好吃，推荐", "2026-01-01 00:00"),  # January, its first minute
    ("鲜果坊退款太慢，客服不理人，气死了", "2026-01-15 12:00"),
    # 16:30 UTC on 31 January is 00:30 on 1 February in Beijing: February.
    ("鲜果坊的苹果很甜，包装也好", "2026-01-31T16:30:00Z"),
    ("鲜果坊送货慢，水果烂了，失望", "2026-02-28 23:59"),  # February's last minute
    # March: nobody.
    ("鲜果坊的芒果不错，会回购", "2026-04-01 00:00"),
]
#: Mentions per month, counted by hand from POSTS.
MONTHS = {"2025-12-01": 1, "2026-01-01": 2, "2026-02-01": 2, "2026-03-01": 0,
          "2026-04-01": 1}


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("months") / "posts.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "created_at", "author"])
        w.writerows((text, when, f"user{i}") for i, (text, when) in enumerate(POSTS))
    return path


def run(*args: object) -> str:
    result = CliRunner().invoke(cli, ["-q", *(str(a) for a in args)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def month_counts(text: str) -> dict[str, int]:
    return {r["period"]: int(r["mentions"]) for r in rows(text)}


ENGINES = [("--engine", "local"), ("--engine", "stream", "--chunk-rows", "100")]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e[1])
def test_months_are_calendar_months_in_the_timezone(posts: Path, engine: tuple[str, ...]
                                                    ) -> None:
    out = run("timeline", posts, "--config", CONFIG_EXAMPLE, "--interval", "month", *engine)
    assert month_counts(out) == MONTHS
    march = rows(out)[3]
    assert march["period"] == "2026-03-01" and march["negative_share"] == ""
    assert march["mean_sentiment"] == ""


def test_the_window_widens_the_months_with_empty_ones(posts: Path) -> None:
    out = run("timeline", posts, "--config", CONFIG_EXAMPLE, "--interval", "month",
              "--since", "2025-11-15", "--until", "2026-05-01")
    # November (the month --since falls in) through April (--until is May's first instant).
    assert month_counts(out) == {"2025-11-01": 0, **MONTHS}
    out = run("timeline", posts, "--config", CONFIG_EXAMPLE, "--interval", "month",
              "--since", "2026-01-15 12:00", "--until", "2026-02-28 23:59")
    # The window cuts the posts at its ends: the 15th's noon post in, February's last out.
    assert month_counts(out) == {"2026-01-01": 1, "2026-02-01": 1}


def test_months_from_the_store(posts: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    run("ingest", posts, "--db", db, "--config", CONFIG_EXAMPLE)
    for engine in ("local", "stream"):
        out = run("timeline", "--db", db, "--config", CONFIG_EXAMPLE, "--interval", "month",
                  "--engine", engine)
        assert month_counts(out) == MONTHS, engine


def test_months_on_dask(posts: Path) -> None:
    pytest.importorskip("distributed", reason="dask is the optional extra brandscan[dask]")
    out = run("timeline", posts, "--config", CONFIG_EXAMPLE, "--interval", "month",
              "--engine", "dask", "--jobs", "1")
    assert month_counts(out) == MONTHS


def test_the_report_and_sov_have_months(posts: Path) -> None:
    rep = json.loads(run("report", posts, "--config", CONFIG_EXAMPLE, "--interval", "month",
                         "--format", "json"))
    assert rep["interval"] == "month"
    assert {r["period"][:10]: r["mentions"] for r in rep["timeline"]} == MONTHS
    assert rep["timeline"][3]["negative_share"] is None
    sov = rows(run("sov", posts, "--config", CONFIG_EXAMPLE, "--interval", "month"))
    brand = [r for r in sov if r["brand"] == "鲜果坊"]
    assert {r["period"]: int(r["mentions"]) for r in brand} == MONTHS
    # Nobody was mentioned in March: no brand has a share of it.
    assert {r["share_of_voice"] for r in sov if r["period"] == "2026-03-01"} == {""}
    assert {r["share_of_voice"] for r in brand if r["period"] != "2026-03-01"} == {"1.0"}


def test_empty_periods_have_empty_shares_in_every_format(posts: Path, tmp_path: Path) -> None:
    args = ("timeline", posts, "--config", CONFIG_EXAMPLE, "--interval", "month")
    as_csv = rows(run(*args))
    assert [r["negative_share"] == "" for r in as_csv] == [False, False, False, True, False]
    as_json = json.loads(run(*args, "--format", "json"))
    assert [r["negative_share"] is None for r in as_json] == [False, False, False, True,
                                                              False]
    # Where there were voices the share is negative / voices, computed from the counts.
    for r in as_json:
        voices = r["positive"] + r["neutral"] + r["negative"]
        if voices:
            assert r["negative_share"] == pytest.approx(r["negative"] / voices)
    book = tmp_path / "t.xlsx"
    run(*args, "-o", book)
    import openpyxl

    sheet = openpyxl.load_workbook(book).active
    header, *values = list(sheet.iter_rows(values_only=True))
    share = header.index("negative_share")
    assert [v[share] is None for v in values] == [False, False, False, True, False]
    by_brand = rows(run(*args, "--by", "brand", "--brand", "鲜果坊"))
    assert [r["negative_share"] == "" for r in by_brand] == [False, False, False, True, False]


def test_the_chart_line_breaks_across_an_empty_period() -> None:
    from brandscan.render.charts import COLORS, timeline_svg

    tl = pd.DataFrame({
        "period": pd.date_range("2026-11-02", periods=5, freq="7D", tz="Asia/Shanghai"),
        "mentions": [4, 5, 0, 6, 2],
        "negative_share": [0.25, 0.4, np.nan, 0.5, 0.5],
    })
    svg = timeline_svg(tl, "week")
    line = re.search(r'<path d="([^"]*)"[^>]*style="[^"]*stroke: ?'
                     + COLORS["negative"].lower() + r'[^"]*"', svg, re.IGNORECASE)
    assert line is not None
    # Two pieces (two "M" moves), not one line through 0 % in the third week.
    assert line.group(1).count("M") == 2


def test_intervals_and_formats_are_checked_when_parsed() -> None:
    for args in (("timeline", "--interval", "fortnight"), ("report", "--interval", "quarter"),
                 ("timeline", "--format", "yaml")):
        result = CliRunner().invoke(cli, [args[0], "/nonexistent/posts.csv", *args[1:]])
        assert result.exit_code == 2
        assert f"Invalid value for '{args[1]}'" in result.stderr
        assert "no such file" not in result.stderr


def test_share_of_voice_chart_without_mentions_shows_no_percent() -> None:
    from brandscan.render.charts import share_svg

    totals = pd.DataFrame({"brand": ["鲜果坊", "果多多"], "mentions": [0, 0],
                           "share_of_voice": [np.nan, np.nan],
                           "net_sentiment": [np.nan, np.nan]})
    texts = re.findall(r"<text[^>]*>([^<]*)<", share_svg(totals))  # labels stay text
    # Both brands listed, each with its count and no percent (nor "nan%").
    assert {"鲜果坊", "果多多"} <= set(texts)
    assert texts.count("(0)") == 2 and not any("nan" in t for t in texts)


def test_a_month_is_named_as_a_month_in_the_report() -> None:
    """Every post of the bundled example is from November 2026 (2026-11-02 to 11-08), so a
    monthly report has one period, named "2026-11", holding all 663 mentions."""
    from click.testing import CliRunner

    from brandscan.cli import cli

    result = CliRunner().invoke(cli, ["report", "examples/crisis_weibo_search.csv", "--config",
                                      "config.example.yaml", "--interval", "month",
                                      "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "busiest month 2026-11 with 663 mentions" in result.stdout
    assert "- busiest month: 2026-11 with 663 mentions" in result.stdout
