"""Analyses on small hand-built frames with known answers."""

from __future__ import annotations

from collections.abc import Sequence

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
    assert tl["negative_share"].tolist() == [0.5, 0.0, 1.0]
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


def test_complaints_rank_by_distinct_negative_posts_then_engagement() -> None:
    df = posts([
        ("2026-11-05 06:00", "鲜果坊山竹烂了，客服不回复，客服太差", 100),
        ("2026-11-05 07:00", "鲜果坊客服差劲", 5),
        ("2026-11-05 08:00", "鲜果坊退款太难了，烂", 50),
        ("2026-11-05 09:00", "鲜果坊很好，客服也好", 1000),
    ])
    scored = analyse(df, CONFIG, scorer=KeywordScorer())
    table = complaints(scored, CONFIG, top=20)
    top = table.iloc[0]
    assert top["term"] == "客服"
    assert top["negative_posts"] == 2  # counted once per post, the positive one not at all
    assert top["engagement"] == 105
    assert top["share"] == pytest.approx(2 / 3)
    assert top["category"] == "客服"
    assert top["example"] == "鲜果坊山竹烂了，客服不回复，客服太差"
    assert "鲜果坊" not in table["term"].tolist()
    assert table.loc[table["term"] == "退款", "category"].tolist() == ["退款/退货"]
    assert list(table.columns) == ["rank", "term", "category", "negative_posts", "share",
                                   "engagement", "example"]


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
