"""``--brand A --brand B`` selects posts naming A or B, in every engine, and the report
is titled with the selected brands only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import weibo_search_csv

CONFIG = """\
timezone: Asia/Shanghai
brands:
  - name: 鲜果坊
  - name: 果多多
  - name: 橙心
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = weibo_search_csv(tmp_path / "posts.csv", [
        ("1", "甲", "鲜果坊的山竹烂了", "0", "0", "1", "2026-11-05 06:00"),
        ("2", "乙", "果多多发货太慢", "0", "0", "1", "2026-11-05 07:00"),
        ("3", "丙", "鲜果坊和果多多都不行", "0", "0", "1", "2026-11-05 08:00"),
        ("4", "丁", "橙心的橙子很甜", "0", "0", "1", "2026-11-05 09:00"),
        ("5", "戊", "今天天气很好", "0", "0", "1", "2026-11-05 10:00"),
    ])
    config = tmp_path / "brands.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return data, config


def mentions(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    headline = json.loads(result.stdout)["headline"]
    return headline["mentions"], headline["brands"]


def test_repeated_brand_means_either(files: tuple[Path, Path], tmp_path: Path) -> None:
    data, config = files
    base = ("report", data, "--config", config, "--format", "json")
    # posts 1 and 3 name 鲜果坊; 2 and 3 name 果多多; either: 1, 2 and 3
    assert mentions(*base, "--brand", "鲜果坊") == (2, "鲜果坊")
    assert mentions(*base, "--brand", "果多多") == (2, "果多多")
    assert mentions(*base, "--brand", "鲜果坊", "--brand", "果多多") == (3, "鲜果坊, 果多多")
    assert mentions(*base) == (4, "鲜果坊, 果多多, 橙心")
    for engine in ("stream", "dask"):
        assert mentions(*base, "--brand", "鲜果坊", "--brand", "果多多", "--engine", engine,
                        "--chunk-rows", "100") == (3, "鲜果坊, 果多多")
    db = tmp_path / "s.duckdb"
    ingest = CliRunner().invoke(cli, ["ingest", str(data), "--db", str(db), "--config",
                                      str(config)], catch_exceptions=False)
    assert ingest.exit_code == 0, ingest.output
    assert mentions("report", "--db", db, "--config", config, "--format", "json",
                    "--brand", "鲜果坊", "--brand", "果多多") == (3, "鲜果坊, 果多多")


def test_timeline_by_brand_gives_one_timeline_per_brand(files: tuple[Path, Path]) -> None:
    data, config = files
    base = ["timeline", str(data), "--config", str(config), "--by", "brand",
            "--format", "json"]

    def rows(*extra: str) -> list[dict]:
        result = CliRunner().invoke(cli, [*base, *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    got = rows()
    assert [(r["period"][:10], r["brand"], r["mentions"]) for r in got] == [
        ("2026-11-05", "鲜果坊", 2), ("2026-11-05", "果多多", 2), ("2026-11-05", "橙心", 1)]
    assert list(got[0]) == ["period", "brand", "mentions", "positive", "neutral", "negative",
                            "negative_share", "mean_sentiment", "engagement"]
    for r in got:  # each brand's labels add up to its opinions
        voiced = r["positive"] + r["neutral"] + r["negative"]
        assert r["negative_share"] == (r["negative"] / voiced if voiced else 0.0)
    chosen = rows("--brand", "果多多", "--brand", "鲜果坊")
    assert [r["brand"] for r in chosen] == ["果多多", "鲜果坊"]  # in the order asked for
    assert rows("--brand", "果多多", "--brand", "鲜果坊", "--engine", "stream",
                "--chunk-rows", "100") == chosen
