"""The same posts written in every layout load into the same canonical table; fuzzing."""

from __future__ import annotations

import contextlib
import csv
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandscan.errors import BrandscanError
from brandscan.load.layouts import detect
from brandscan.load.posts import LoadOptions, load_posts
from brandscan.load.read import read_table

SH = ZoneInfo("Asia/Shanghai")
POSTS = [
    # id, bid, uid, author, text, time, reposts, comments, likes
    ("5101188071302844", "P0uUfffhk", "1893456721", "林夕说书", "鲜果坊的山竹烂了，客服不回复[怒]",
     datetime(2026, 11, 5, 7, 12, tzinfo=SH), 2865, 514, 3477),
    ("5101188071302900", "P0uUfffhz", "1893456721", "林夕说书", "更新：还是没有回复",
     datetime(2026, 11, 5, 11, 38, tzinfo=SH), 604, 231, 12000),
    ("5101188071303000", "P0uUfffi0", "1893456721", "林夕说书", "收到退款了，谢谢大家",
     datetime(2026, 11, 6, 18, 41, tzinfo=SH), 0, 0, 0),
]
COMPARED = ["id", "text", "created_at", "author", "author_id", "reposts", "comments", "likes"]


def _weibo_search(d: Path) -> Path:
    p = d / "鲜果坊.csv"
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,评论数,点赞数,发布时间,发布工具,"
                   "微博图片url,微博视频url,retweet_id,ip,user_authentication,会员类型,会员等级").split(","))
        for pid, bid, uid, name, text, t, r, c, lk in POSTS:
            w.writerow([pid, bid, uid, name, text, "", "", "", "", r, c,
                        "1.2万" if lk == 12000 else lk, t.strftime("%Y-%m-%d %H:%M"), "", "", "",
                        "", "", "金V", "会员", 3])
    return p


def _weibo_crawler(d: Path) -> Path:
    p = d / "林夕说书_1893456721.csv"
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("id,bid,正文,头条文章url,原始图片url,视频url,Live Photo视频url,"
                   "位置,日期,工具,点赞数,评论数,转发数,话题,@用户,完整日期,是否编辑过,编辑次数").split(","))
        for pid, bid, _uid, _name, text, t, r, c, lk in POSTS:
            w.writerow([pid + "\t", bid, text, "", "", "", "", "", t.strftime("%Y-%m-%dT%H:%M:%S"),
                        "", lk, c, r, "", "", t.strftime("%Y-%m-%d %H:%M:%S"), "False", 0])
    return p


def _weibo_crawler_json(d: Path) -> Path:
    p = d / "1893456721.json"
    weibo = [{"user_id": int(uid), "screen_name": name, "id": int(pid), "bid": bid,
              "text": text.replace("，", "&#xff0c;"), "created_at": t.strftime("%Y-%m-%d"),
              "full_created_at": t.strftime("%Y-%m-%d %H:%M:%S"), "attitudes_count": lk,
              "comments_count": c, "reposts_count": r}
             for pid, bid, uid, name, text, t, r, c, lk in POSTS]
    p.write_text(json.dumps({"user": {"id": 1893456721, "screen_name": "林夕说书",
                                      "followers_count": 10300000}, "weibo": weibo},
                            ensure_ascii=False, indent=2), encoding="utf-8")
    return p


def _mediacrawler(d: Path) -> Path:
    p = d / "search_contents_2026-11-06.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for pid, _bid, uid, name, text, t, r, c, lk in POSTS:
            fh.write(json.dumps({
                "note_id": pid, "content": text, "create_time": int(t.timestamp()),
                "create_date_time": t.isoformat(), "liked_count": str(lk),
                "comments_count": str(c), "shared_count": str(r),
                "last_modify_ts": 1784035834124, "note_url": "", "user_id": uid,
                "nickname": name, "ip_location": "上海"}, ensure_ascii=False) + "\n")
    return p


def _weibospider(d: Path) -> Path:
    p = d / "tweets.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for pid, _bid, uid, name, text, t, r, c, lk in POSTS:
            fh.write(json.dumps({
                "_id": pid, "mblogid": pid, "created_at": t.strftime("%Y-%m-%d %H:%M:%S"),
                "content": text, "reposts_count": r, "comments_count": c,
                "attitudes_count": lk, "user": {"_id": uid, "nick_name": name},
                "crawl_time": 1784035834}, ensure_ascii=False) + "\n")
    return p


def _generic_gbk(d: Path) -> Path:
    p = d / "export.csv"
    rows = ["编号,内容,发布时间,作者,用户id,转发数,评论数,点赞数"]
    rows += [f"{pid},\"{text}\",{t.strftime('%Y/%m/%d %H:%M')},{name},{uid},{r},{c},{lk}"
             for pid, _bid, uid, name, text, t, r, c, lk in POSTS]
    p.write_bytes("\r\n".join(rows).encode("gb18030"))
    return p


WRITERS = {
    "weibo-search": (_weibo_search, {}),
    "weibo-crawler": (_weibo_crawler, {}),
    "weibo-crawler-json": (_weibo_crawler_json, {}),
    "mediacrawler-weibo": (_mediacrawler, {}),
    "weibospider": (_weibospider, {}),
    "generic": (_generic_gbk, {"id": "编号", "author_id": "用户id"}),
}


def _canonical(path: Path, columns: dict[str, str]) -> tuple[str, pd.DataFrame]:
    result = load_posts([path], LoadOptions(columns=columns))
    [f] = result.report.files
    assert f.error is None, f.error
    return f.layout, result.posts[COMPARED].sort_values("id").reset_index(drop=True)


@pytest.mark.parametrize("layout", sorted(WRITERS))
def test_every_layout_gives_the_same_canonical_posts(layout: str, tmp_path: Path) -> None:
    reference = _canonical(_weibo_search(tmp_path), {})[1]
    writer, columns = WRITERS[layout]
    name, posts = _canonical(writer(tmp_path), columns)
    assert name.split("+")[0] == layout
    pd.testing.assert_frame_equal(posts, reference)


def test_weibo_crawler_json_followers_from_the_user_block(tmp_path: Path) -> None:
    posts = load_posts([_weibo_crawler_json(tmp_path)]).posts
    assert set(posts["followers"]) == {10300000}


def test_weibo_search_keeps_user_authentication(tmp_path: Path) -> None:
    posts = load_posts([_weibo_search(tmp_path)]).posts
    assert set(posts["verified"]) == {"金V"}


def test_platforms_are_kept(tmp_path: Path) -> None:
    xhs = tmp_path / "search_contents_2026-11-06.json"
    xhs.write_text(json.dumps([{"note_id": "x1", "type": "normal", "title": "鲜果坊山竹",
                                "desc": "烂了好多", "time": 1762300000000,
                                "liked_count": "1.5万", "comment_count": "2.1w",
                                "share_count": "3k", "nickname": "小红"}],
                              ensure_ascii=False), encoding="utf-8")
    douyin = tmp_path / "dy.jsonl"
    douyin.write_text(json.dumps({"aweme_id": "d1", "title": "", "desc": "鲜果坊开箱",
                                  "create_time": 1762300000, "liked_count": "10",
                                  "comment_count": "2", "share_count": "1"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    bili = tmp_path / "bili.jsonl"
    bili.write_text(json.dumps({"video_id": "b1", "title": "测评", "desc": "鲜果坊",
                                "create_time": 1762300000, "liked_count": 5,
                                "video_comment": 1, "video_share_count": 0},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    xc = tmp_path / "search_comments_2026-11-06.jsonl"
    xc.write_text(json.dumps({"comment_id": "c1", "create_time": 1762300000000,
                              "note_id": "x1", "content": "我也是", "like_count": "3",
                              "pictures": "", "parent_comment_id": 0},
                             ensure_ascii=False) + "\n", encoding="utf-8")
    result = load_posts([xhs, douyin, bili, xc])
    assert [f.layout for f in result.report.files] == [
        "mediacrawler-xhs", "mediacrawler-douyin", "mediacrawler-bilibili",
        "mediacrawler-xhs-comments"]
    posts = result.posts.set_index("id")
    assert posts.loc["x1", "text"] == "鲜果坊山竹 烂了好多"
    assert (posts.loc["x1", "likes"], posts.loc["x1", "comments"],
            posts.loc["x1", "reposts"]) == (15000, 21000, 3000)
    assert posts.loc["x1", "created_at"] == pd.Timestamp(1762300000000, unit="ms",
                                                         tz="Asia/Shanghai")
    assert posts["platform"].to_dict() == {"x1": "xhs", "d1": "douyin", "b1": "bilibili",
                                           "c1": "xhs"}
    assert posts.loc["c1", "kind"] == "comment" and posts.loc["c1", "parent_id"] == "x1"


def test_weibo_crawler_users_file_adds_followers(tmp_path: Path) -> None:
    users = tmp_path / "users.csv"
    users.write_text("用户id,昵称,性别,粉丝数,认证类型\n1893456721,林夕说书,f,1030万,0\n",
                     encoding="utf-8-sig")
    result = load_posts([_weibo_crawler(tmp_path)], LoadOptions(users=(str(users),)))
    assert set(result.posts["followers"]) == {10300000}
    assert result.report.files[1].layout == "weibo-crawler-users"
    assert detect(["用户id", "昵称", "粉丝数"]).kind == "user"


# --- fuzzing: nothing but BrandscanError may escape the loader -------------------------

HEADERS = ["微博正文", "发布时间", "text", "time", "content", "create_time", "id", "note_id",
           "点赞数", "likes", "user", "评论内容"]


@st.composite
def malformed_csv(draw: st.DrawFn) -> bytes:
    cols = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6))
    cells = st.one_of(st.text(max_size=12), st.sampled_from(
        ["", "1万+", "刚刚", "昨天 08:01", "2026-11-05", "\"", "\r\n", ",", "\x00", "NaN"]))
    rows = draw(st.lists(st.lists(cells, max_size=8), max_size=6))
    text = ",".join(cols) + "\n" + "\n".join(",".join(r) for r in rows)
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(enc, errors="replace")


@st.composite
def malformed_json(draw: st.DrawFn) -> bytes:
    value = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                  st.text(max_size=8)),
        lambda children: st.one_of(st.lists(children, max_size=3),
                                   st.dictionaries(st.sampled_from(HEADERS), children,
                                                   max_size=4)),
        max_leaves=12)
    doc = json.dumps(draw(value), ensure_ascii=False)
    cut = draw(st.integers(0, len(doc)))
    lines = draw(st.booleans())
    return (doc[:cut] + ("\n" + doc if lines else "")).encode()


def _load_or_error(path: Path) -> None:
    with contextlib.suppress(BrandscanError):
        read_table(path)
    result = load_posts([path], LoadOptions(now=datetime(2026, 11, 26, tzinfo=SH)))
    for f in result.report.ok_files:
        assert f.rows_read + f.derived_posts == f.used + len(f.skipped) + f.duplicates


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), malformed_csv(), malformed_json()))
def test_loader_never_raises_anything_but_its_own_error(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    _load_or_error(path)
