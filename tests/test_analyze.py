"""Analyses on small hand-built frames with known answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from brandscan.analyze.complaints import complaints, term_category
from brandscan.analyze.report import build_report
from brandscan.analyze.timeline import timeline
from brandscan.config import DEFAULT_CATEGORIES, parse_config
from brandscan.load.accounting import LoadReport
from brandscan.schema import conform
from brandscan.text.scoring import analyse, has_words
from brandscan.window import Window

TZ = "Asia/Shanghai"
CONFIG = parse_config("brands:\n  - name: 鲜果坊\n    exclude: [鲜果坊间]\n")


class KeywordScorer:
    """Negative (0.1) when the text has 烂 or 差, positive (0.9) otherwise."""

    model_id = "keywords"

    def score(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([0.1 if ("烂" in t or "差" in t) else 0.9 for t in texts])


def posts(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """(time, text, likes) rows as a canonical frame."""
    df = pd.DataFrame({
        "created_at": [pd.Timestamp(t, tz=TZ) for t, _, _ in rows],
        "text": [x for _, x, _ in rows],
        "likes": [n for _, _, n in rows],
        "id": [str(i) for i in range(len(rows))],
        "kind": "post", "platform": "weibo",
    })
    return conform(df, TZ)


def test_analyse_selects_brand_posts_and_labels_them() -> None:
    df = posts([
        ("2026-11-05 06:00", "鲜果坊的山竹烂了", 5),
        ("2026-11-05 07:00", "新鲜果坊间都在卖", 1),
        ("2026-11-05 08:00", "鲜果坊很好", 2),
        ("2026-11-05 09:00", "鲜果坊 😀😀", 0),
    ])
    scored = analyse(df, CONFIG, scorer=KeywordScorer())
    assert scored["text"].tolist() == ["鲜果坊的山竹烂了", "鲜果坊很好", "鲜果坊 😀😀"]
    assert scored["label"].tolist() == ["negative", "positive", "positive"]
    assert scored["categories"].tolist() == ["质量", "", ""]


def test_symbol_only_text_is_neutral() -> None:
    df = posts([("2026-11-05 06:00", "😀😀 http://t.cn/x @某人", 0)])
    scored = analyse(df, parse_config(""), scorer=KeywordScorer())
    assert scored["sentiment"].tolist() == [0.5]
    assert scored["label"].tolist() == ["neutral"]
    assert not has_words("！！！") and has_words("好")


def test_window_is_half_open() -> None:
    df = posts([("2026-11-05 00:00", "鲜果坊烂", 0), ("2026-11-06 00:00", "鲜果坊烂", 0)])
    w = Window(pd.Timestamp("2026-11-05", tz=TZ), pd.Timestamp("2026-11-06", tz=TZ))
    assert len(analyse(df, CONFIG, window=w, scorer=KeywordScorer())) == 1


def test_timeline_fills_empty_periods_with_zeros() -> None:
    df = posts([
        ("2026-11-02 10:00", "鲜果坊好", 1),
        ("2026-11-02 23:59", "鲜果坊烂", 2),
        ("2026-11-04 00:00", "鲜果坊差", 3),
    ])
    scored = analyse(df, CONFIG, scorer=KeywordScorer())
    tl = timeline(scored, interval="day", tz=TZ)
    assert tl["period"].dt.strftime("%m-%d").tolist() == ["11-02", "11-03", "11-04"]
    assert tl["mentions"].tolist() == [2, 0, 1]
    assert tl["negative"].tolist() == [1, 0, 1]
    # A day nobody spoke has no share (NaN: an empty cell), not 0 %.
    assert tl["negative_share"].fillna(-1).tolist() == [0.5, -1, 1.0]
    assert tl["engagement"].tolist() == [3, 0, 3]
    assert tl["mean_sentiment"].iloc[0] == pytest.approx(0.5)
    assert np.isnan(tl["mean_sentiment"].iloc[1])
    assert tl["mentions"].sum() == len(scored)


def test_timeline_window_extends_the_range_and_weeks_start_monday() -> None:
    df = posts([("2026-11-05 10:00", "鲜果坊好", 0)])  # a Thursday
    scored = analyse(df, CONFIG, scorer=KeywordScorer())
    tl = timeline(scored, interval="hour", tz=TZ,
                  since=pd.Timestamp("2026-11-05 08:00", tz=TZ),
                  until=pd.Timestamp("2026-11-05 12:00", tz=TZ))
    assert tl["mentions"].tolist() == [0, 0, 1, 0]
    week = timeline(scored, interval="week", tz=TZ)
    assert week["period"].tolist() == [pd.Timestamp("2026-11-02", tz=TZ)]


def test_complaints_count_each_negative_opinion_once_and_name_their_category() -> None:
    df = posts([
        ("2026-11-05 06:00", "鲜果坊山竹烂了，客服不回复，客服太差", 100),
        ("2026-11-05 07:00", "鲜果坊客服差劲", 5),
        ("2026-11-05 08:00", "鲜果坊退款太难了，烂", 50),
        ("2026-11-05 09:00", "鲜果坊很好，客服也好", 1000),
        ("2026-11-05 10:00", "鲜果坊的芒果很甜", 1),
        ("2026-11-05 11:00", "鲜果坊的荔枝新鲜好吃", 1),
        ("2026-11-05 12:00", "鲜果坊包装很用心", 1),
    ])
    df["author"] = ["甲", "乙", "丙", "丁", "戊", "己", "庚"]
    scored = analyse(df, CONFIG, scorer=KeywordScorer())
    # three negative opinions are too few for the default minimum of 3 posts per term
    assert complaints(scored, CONFIG, top=20).empty
    loose = replace(CONFIG, min_term_posts=1, min_term_authors=1)
    table = complaints(scored, loose, top=20).set_index("term")
    kefu = table.loc["客服"]
    assert kefu["negative_posts"] == 2  # counted once per post, the positive one not at all
    assert kefu["other_posts"] == 1  # … which is the "other opinion" using it
    assert kefu["engagement"] == 105
    assert kefu["share"] == pytest.approx(2 / 3)
    assert kefu["category"] == "客服"
    assert kefu["example"] == "鲜果坊山竹烂了，客服不回复，客服太差"
    assert "鲜果坊" not in table.index
    # 退款 is in a negative opinion only, 客服 in a positive one as well; with one post
    # each, 退款 and 太难 always stand together: the phrase 退款太难 covers both
    assert "退款" not in table.index and table.loc["退款太难", "category"] == "退款/退货"
    assert table.loc["退款太难", "score"] > 0 and kefu["score"] > 0
    assert list(complaints(scored, loose).columns) == [
        "rank", "term", "category", "score", "negative_posts", "authors", "other_posts",
        "share", "engagement", "example"]


def test_term_category() -> None:
    assert term_category("客服", DEFAULT_CATEGORIES) == "客服"
    assert term_category("发霉了", DEFAULT_CATEGORIES) == "质量"
    assert term_category("天气", DEFAULT_CATEGORIES) == ""


def test_report_headline_and_peak() -> None:
    df = posts([("2026-11-01 10:00", "鲜果坊好", 1)] + [
        ("2026-11-05 07:00", f"鲜果坊山竹烂了{i}", 10) for i in range(5)])
    scored = analyse(df, CONFIG, scorer=KeywordScorer())
    rep = build_report(scored, CONFIG, LoadReport(), model="keywords")
    assert rep.interval == "day"
    assert rep.headline["mentions"] == 6
    assert rep.headline["peak_period"] == pd.Timestamp("2026-11-05", tz=TZ)
    assert rep.headline["peak_mentions"] == 5
    assert rep.headline["negative_share"] == pytest.approx(5 / 6)
    assert len(rep.negative_posts) == 5
