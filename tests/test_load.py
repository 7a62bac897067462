"""Files -> canonical posts: every shared export layout, accounting, mappings, dedup."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from brandscan.load.posts import LoadOptions, load_posts
from brandscan.schema import POST_COLUMNS
from tests.conftest import EXAMPLES, SHARED, weibo_search_csv

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=SH)


def _check_accounting(result) -> None:
    for f in result.report.ok_files:
        assert f.rows_read + f.derived_posts == (
            f.used + len(f.skipped) + f.duplicates + f.filtered), f.path


EXPORTS = {
    "weibo-search/比亚迪.csv": ("weibo-search", 6151),
    "weibo-search/连花清瘟.csv": ("weibo-search", 10),
    "weibo-search-with-comments/华为.csv": ("weibo-search+comments", 3383),
    "weibo-crawler/乐山全接触_6215179048.csv": ("weibo-crawler", 1274),
    "mediacrawler/search_contents_2026-07-14.jsonl": ("mediacrawler-weibo", 175),
    "mediacrawler/detail_comments_2026-07-14.jsonl": ("mediacrawler-weibo-comments", 326),
    "ced_rumor/rumor-repost/988_zAQD56xbx_2466426560.json": ("ced-reposts", 214),
    "ced_rumor/original-microblog/0_yBmepBtUB_2279086572.json": ("ced", 1),
}


@pytest.mark.realdata
@pytest.mark.parametrize("rel", sorted(EXPORTS))
def test_shared_exports_load_without_options(rel: str) -> None:
    layout, rows = EXPORTS[rel]
    result = load_posts([SHARED / "exports" / rel], LoadOptions(now=NOW))
    [f] = result.report.files
    assert f.error is None
    assert f.layout == layout
    assert f.rows_read == rows
    _check_accounting(result)
    posts = result.posts
    assert list(posts.columns) == list(POST_COLUMNS)
    assert str(posts["created_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert posts["created_at"].notna().all()
    assert (posts["text"].str.strip() != "").all()
    assert (posts["engagement"] == posts["reposts"] + posts["comments"] + posts["likes"]).all()


@pytest.mark.realdata
def test_weibo_search_values() -> None:
    posts = load_posts([SHARED / "exports/weibo-search/比亚迪.csv"]).posts
    first = posts.iloc[0]
    assert first["id"] == "4544148386093278"
    assert first["author"] == "E海棠玻璃"
    assert first["created_at"] == pd.Timestamp("2020-09-01 00:54", tz="Asia/Shanghai")
    assert first["url"] == "https://weibo.com/5746365541/Jiwv4pz8G"
    assert first["comments"] == 1


@pytest.mark.realdata
def test_weibo_crawler_author_from_file_name() -> None:
    posts = load_posts([SHARED / "exports/weibo-crawler/乐山全接触_6215179048.csv"]).posts
    assert set(posts["author"]) == {"乐山全接触"}
    assert set(posts["author_id"]) == {"6215179048"}


@pytest.mark.realdata
def test_comment_fork_rows_become_comments_linked_to_their_post() -> None:
    result = load_posts([SHARED / "exports/weibo-search-with-comments/华为.csv"])
    posts = result.posts
    assert (posts["kind"] == "post").sum() == 406
    comments = posts[posts["kind"] == "comment"]
    assert len(comments) == 3383
    assert set(comments["parent_id"]) <= set(posts.loc[posts["kind"] == "post", "id"])
    first = comments.iloc[0]
    assert first["created_at"] == pd.Timestamp("2024-03-03 17:03:09", tz="Asia/Shanghai")
    assert first["likes"] == 53
    # the emoticon in <img alt=[酷]> survives as text
    assert first["text"].endswith("[酷]")


@pytest.mark.realdata
def test_gbk_file_without_time_needs_date() -> None:
    path = SHARED / "exports/covid19_unlabeled_gbk/1.20.csv"
    bad = load_posts([path])
    assert "no time column" in bad.report.files[0].error
    assert "--date" in bad.report.files[0].error
    good = load_posts([path], LoadOptions(date=datetime(2020, 1, 20).date()))
    f = good.report.files[0]
    assert f.encoding == "gb18030"
    assert f.used > 500
    _check_accounting(good)


def test_duplicates_keep_the_latest_counts(tmp_path: Path) -> None:
    p = weibo_search_csv(tmp_path / "a.csv", [
        ("1", "甲", "鲜果坊不错", "0", "0", "1", "2026-11-02 10:00"),
        ("2", "乙", "鲜果坊一般", "0", "0", "0", "2026-11-02 11:00"),
        ("1", "甲", "鲜果坊不错", "5", "2", "9", "2026-11-02 10:00"),
    ])
    result = load_posts([p])
    assert result.report.files[0].duplicates == 1
    assert result.posts.set_index("id").loc["1", "likes"] == 9
    _check_accounting(result)


def test_skipped_rows_have_reasons_and_lines(tmp_path: Path) -> None:
    p = weibo_search_csv(tmp_path / "a.csv", [
        ("1", "甲", "好", "0", "0", "0", "2026-11-02 10:00"),
        ("2", "乙", "  ", "0", "0", "0", "2026-11-02 11:00"),
        ("3", "丙", "坏", "0", "0", "0", "not a time"),
    ])
    result = load_posts([p])
    skipped = [(s.line, s.reason) for s in result.report.skipped]
    assert skipped == [(3, "empty text"), (4, "unparseable time: 'not a time'")]
    assert result.report.files[0].used == 1


def test_generic_layout_is_guessed_and_mapping_overrides(tmp_path: Path) -> None:
    p = tmp_path / "posts.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"post_id": "a", "content": "不错", "published_at": "2026-11-05T06:12:00+08:00",
         "likes": "1.2万", "followers": 10300000, "body": "other"},
    ]) + "\n", encoding="utf-8")
    guessed = load_posts([p])
    assert guessed.report.files[0].layout == "generic"
    row = guessed.posts.iloc[0]
    assert row["text"] == "不错" and row["likes"] == 12000 and row["followers"] == 10300000
    mapped = load_posts([p], LoadOptions(columns={"text": "body", "id": "post_id"}))
    assert mapped.posts.iloc[0]["text"] == "other"
    assert mapped.posts.iloc[0]["id"] == "a"


def test_unknown_layout_lists_columns_and_the_option(tmp_path: Path) -> None:
    p = tmp_path / "odd.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    err = load_posts([p]).report.files[0].error
    assert "columns found: a, b" in err and "--text-col" in err


def test_mapping_to_a_missing_column_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "odd.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    err = load_posts([p], LoadOptions(columns={"text": "zzz"})).report.files[0].error
    assert "'zzz' is not in the file" in err


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = weibo_search_csv(tmp_path / "a.csv", [("1", "甲", "好", "0", "0", "0",
                                                  "2026-11-02 10:00")])
    bad = tmp_path / "b.csv"
    bad.write_bytes(b"")
    result = load_posts([good, bad])
    assert len(result.posts) == 1
    assert [f.error is None for f in result.report.files] == [True, False]


def test_repost_chain_is_split_and_pure_reposts_scored_on_the_chain(tmp_path: Path) -> None:
    p = weibo_search_csv(tmp_path / "a.csv", [
        ("1", "甲", "太过分了//@林夕说书:鲜果坊的山竹烂了", "0", "0", "0", "2026-11-05 10:00"),
        ("2", "乙", "转发微博//@林夕说书:鲜果坊的山竹烂了", "0", "0", "0", "2026-11-05 10:00"),
    ])
    posts = load_posts([p]).posts.set_index("id")
    assert posts.loc["1", "text"] == "太过分了"
    assert posts.loc["1", "chain"] == "@林夕说书:鲜果坊的山竹烂了"
    assert not posts.loc["1", "is_repost"]
    assert posts.loc["2", "is_repost"]
    assert "鲜果坊的山竹烂了" in posts.loc["2", "text"]
    whole = load_posts([p], LoadOptions(keep_chain=True)).posts.set_index("id")
    assert whole.loc["1", "text"] == "太过分了//@林夕说书:鲜果坊的山竹烂了"


def test_example_files_describe_the_same_posts() -> None:
    csv_posts = load_posts([EXAMPLES / "crisis_weibo_search.csv"]).posts
    jsonl_posts = load_posts([EXAMPLES / "crisis_posts.jsonl"]).posts
    assert len(csv_posts) == len(jsonl_posts)
    a = csv_posts.sort_values("id").reset_index(drop=True)
    b = jsonl_posts.sort_values("id").reset_index(drop=True)
    for col in ("id", "text", "created_at", "author", "reposts", "comments", "likes", "url"):
        assert a[col].tolist() == b[col].tolist(), col


@pytest.mark.realdata
def test_every_shared_export_is_accounted_for() -> None:
    """Every file under exports/ loads without options (the one with no time column says
    --date and loads with it), each row read is used, skipped or a duplicate, and the
    layout is named."""
    files = sorted(p for p in (SHARED / "exports").rglob("*") if p.is_file())
    assert len(files) > 25
    for path in files:
        result = load_posts([path], LoadOptions(now=NOW))
        [f] = result.report.files
        if f.error and "no time column" in f.error and "--date" in f.error:
            result = load_posts([path], LoadOptions(now=NOW, date=NOW.date()))
            [f] = result.report.files
        assert f.error is None, f.error
        assert f.layout, path
        _check_accounting(result)
