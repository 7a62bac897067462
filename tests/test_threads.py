"""Thread context: a comment counts for the brands of the post it answers, in every engine;
``--own-mentions`` keeps only what names a brand itself."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.config import Brand, Config
from brandscan.schema import conform
from brandscan.text.scoring import select_posts
from brandscan.text.threads import ThreadIndex
from tests.conftest import SHARED

TZ = "Asia/Shanghai"
CONFIG = Config(brands=(Brand("鲜果坊"), Brand("果多多")))


def frame() -> pd.DataFrame:
    rows = [  # (id, kind, parent, text)
        ("p1", "post", "", "鲜果坊的山竹烂了"),
        ("c1", "comment", "p1", "我也是，客服不回"),          # under a 鲜果坊 post
        ("c2", "comment", "p1", "果多多也一样"),              # names 果多多 too
        ("c3", "comment", "p9", "什么情况"),                  # parent never read
        ("p2", "post", "", "今天天气很好"),
        ("c4", "comment", "p2", "是啊"),                      # under a post naming none
    ]
    df = pd.DataFrame({"id": [r[0] for r in rows], "kind": [r[1] for r in rows],
                       "parent_id": [r[2] for r in rows], "text": [r[3] for r in rows],
                       "created_at": [pd.Timestamp("2026-11-05 08:00", tz=TZ)] * len(rows),
                       "platform": "weibo"})
    return conform(df, TZ)


def test_a_comment_counts_for_the_brands_of_its_post() -> None:
    got = select_posts(frame(), CONFIG)
    assert got["id"].tolist() == ["p1", "c1", "c2"]
    assert got["brands"].tolist() == ["鲜果坊", "鲜果坊", "鲜果坊;果多多"]
    assert got["thread"].tolist() == [False, True, False]  # c1 only through its thread
    own = select_posts(frame(), replace(CONFIG, own_mentions=True))
    assert own["id"].tolist() == ["p1", "c2"] and own["brands"].tolist() == ["鲜果坊", "果多多"]
    assert not own["thread"].any()
    # --brand 果多多: c2 names it; c1 (about 鲜果坊 only) does not count
    assert select_posts(frame(), CONFIG, brands=["果多多"])["id"].tolist() == ["c2"]


def test_the_run_wide_index_finds_parents_in_other_chunks() -> None:
    posts, comments = frame().iloc[:1], frame().iloc[1:4]
    alone = select_posts(comments, CONFIG)  # the chunk holds no parent
    assert alone["id"].tolist() == ["c2"]
    index = ThreadIndex.of(posts, CONFIG).merge(ThreadIndex.of(comments, CONFIG), CONFIG)
    assert select_posts(comments, CONFIG, threads=index)["id"].tolist() == ["c1", "c2"]


HEADER = ("id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,"
          "转发数,评论数,点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id,"
          "评论人ID,评论人昵称,评论内容,评论时间,点赞次数").split(",")


def comments_file(path: Path) -> Path:
    """Three posts with their comments, one row per comment (the post repeated)."""
    posts = [("7001", "鲜果坊的山竹烂了"), ("7002", "果多多发货太慢"), ("7003", "今天天气很好")]
    comments = {"7001": ["客服不回复", "我也遇到了", "果多多也这样"],
                "7002": ["一样慢"], "7003": ["是啊", "鲜果坊的呢？"]}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    n = 0
    for pid, text in posts:
        for c in comments[pid]:
            n += 1
            w.writerow([pid, f"B{pid}", "100", f"博主{pid}", text, "", "", "", "", "0", "0",
                        "0", "2026-11-05 08:00", "", "", "", "", str(500 + n), f"网友{n}", c,
                        f"2026-11-05 09:{n:02d}", "0"])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def headline(*args: object) -> dict:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["headline"]


def test_reports_count_posts_comments_and_thread_comments_apart(tmp_path: Path) -> None:
    data = comments_file(tmp_path / "华为.csv")
    config = tmp_path / "brands.yaml"
    config.write_text("brands:\n  - name: 鲜果坊\n  - name: 果多多\n", encoding="utf-8")
    base = ["report", data, "--config", config, "--format", "json"]
    # posts 7001 (鲜果坊) and 7002 (果多多); comments naming a brand: 果多多也这样,
    # 鲜果坊的呢？; thread comments: 客服不回复, 我也遇到了 (7001) and 一样慢 (7002);
    # 是啊 is under a post naming none.
    want = (7, 2, 2, 3)
    for engine in ("local", "stream", "dask"):
        h = headline(*base, "--engine", engine, "--chunk-rows", "100")
        assert (h["mentions"], h["posts"], h["comments"], h["thread_comments"]) == want
    db = tmp_path / "s.duckdb"
    assert CliRunner().invoke(cli, ["ingest", str(data), "--db", str(db), "--config",
                                    str(config)]).exit_code == 0
    h = headline("report", "--db", db, "--config", config, "--format", "json")
    assert (h["mentions"], h["posts"], h["comments"], h["thread_comments"]) == want
    own = headline(*base, "--own-mentions")
    assert (own["mentions"], own["posts"], own["comments"], own["thread_comments"]) == (
        4, 2, 2, 0)
    md = CliRunner().invoke(cli, [str(a) for a in (*base[:-1], "markdown")]).stdout
    assert "(2 posts, 2 comments, 3 thread comments)" in md


@pytest.mark.skipif(not (SHARED / "exports/weibo-search-with-comments/华为.csv").exists(),
                    reason="shared exports not present")
def test_most_comments_under_brand_posts_count_for_the_brand() -> None:
    from brandscan.config import load_config
    from brandscan.load.posts import load_posts
    from brandscan.text.scoring import analyse

    config = load_config(Path(__file__).parent / "golden" / "brands.yaml")
    posts = load_posts([SHARED / "exports/weibo-search-with-comments/华为.csv"]).posts
    words = ("华为", "huawei")  # the brand's name and aliases, matched by hand
    about = posts[(posts["kind"] == "post")
                  & posts["text"].str.lower().str.contains("|".join(words))]
    under = posts[(posts["kind"] == "comment") & posts["parent_id"].isin(set(about["id"]))]
    scored = analyse(posts, config, brands=["华为"])
    counted = scored[(scored["kind"] == "comment")]
    share = under["id"].isin(set(counted["id"])).mean()
    assert len(under) > 3000 and share >= 0.9, (len(under), share)
