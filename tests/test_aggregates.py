"""Mergeable partials: exact sums, merging in any order, the same tables as one frame."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandscan.analyze.complaints import Complaints, Terms, complaints
from brandscan.analyze.hourly import HourlyPartial
from brandscan.analyze.negatives import NegativePosts
from brandscan.analyze.partial import (
    Analysis,
    Chunk,
    Context,
    exact_add,
    exact_group_sums,
    exact_mean,
    merge_all,
)
from brandscan.analyze.report import build_report
from brandscan.analyze.run import RunResults
from brandscan.analyze.share import ShareOfVoice, share_of_voice
from brandscan.analyze.summary import Summary, Totals
from brandscan.analyze.timeline import INTERVALS, Periods, Timeline, timeline
from brandscan.config import parse_config
from brandscan.load.accounting import LoadReport
from brandscan.schema import TOP_POST_COLUMNS, conform

TZ = "Asia/Shanghai"
CONFIG = parse_config("brands:\n  - name: 鲜果坊\n  - name: 果多多\n")
CTX = Context(CONFIG)
TEXTS = ["鲜果坊的山竹烂了，客服不回复", "果多多 退款太难了", "鲜果坊很好吃",
         "鲜果坊 果多多 都发霉了", "鲜果坊物流太慢，差评", "果多多价格还行"]


def scored_frame(n: int = 240, seed: int = 1) -> pd.DataFrame:
    """A scored posts frame with ties in engagement and time, as analyses receive it."""
    rng = random.Random(seed)
    start = pd.Timestamp("2026-11-02", tz=TZ)
    text = [rng.choice(TEXTS) for _ in range(n)]
    df = pd.DataFrame({
        "platform": "weibo",
        "id": [str(i) for i in range(n)],
        "kind": [rng.choice(["post", "post", "comment"]) for _ in range(n)],
        "text": text,
        "created_at": [start + pd.Timedelta(minutes=rng.randrange(0, 9 * 24 * 60, 30))
                       for _ in range(n)],
        "author": [rng.choice(["", "甲", "乙", "丙", "丁"]) for _ in range(n)],
        "likes": [rng.choice([0, 5, 5, 40]) for _ in range(n)],
        "source_file": [rng.choice(["a.csv", "b.csv"]) for _ in range(n)],
        "source_line": [rng.randrange(2, 50) for _ in range(n)],
    })
    out = conform(df, TZ)
    sentiment = np.array([rng.random() for _ in range(n)])
    sentiment[::7] = 1e-300  # tiny and
    sentiment[3::11] = 0.5
    out["brands"] = [";".join(b for b in ("鲜果坊", "果多多") if b in t) for t in text]
    out["sentiment"] = sentiment
    out["label"] = np.where(sentiment < 0.4, "negative",
                            np.where(sentiment >= 0.6, "positive", "neutral")).astype(object)
    out["categories"] = ""
    return out


def split_merge(df: pd.DataFrame, cuts: list[int], seed: int, analysis: Analysis[Any]
                ) -> Any:
    """The partials of the frame cut at ``cuts``, merged in a shuffled order."""
    bounds = [0, *sorted(set(cuts)), len(df)]
    parts = [analysis.partial(Chunk.of(df.iloc[a:b].reset_index(drop=True)), CTX)
             for a, b in itertools.pairwise(bounds)]
    random.Random(seed).shuffle(parts)
    merged = merge_all(analysis, parts)
    assert merged is not None
    return merged


def finished(analysis: Analysis[Any], partial: Any) -> Any:
    return analysis.finish(partial, CTX, RunResults())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False), max_size=60),
       st.lists(st.integers(0, 3), max_size=60))
def test_exact_group_sums_are_exact(values: list[float], groups: list[int]) -> None:
    n = min(len(values), len(groups))
    values, groups = values[:n], groups[:n]
    sums = exact_group_sums(np.array(groups, dtype=np.int64), np.array(values))
    for g in set(groups):
        want = sum((Fraction(v) for v, k in zip(values, groups) if k == g), Fraction(0))
        n_, e = sums.get(g, (0, 0))
        assert Fraction(n_) * Fraction(2) ** e == want


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=50))
def test_exact_mean_is_correctly_rounded_whatever_the_order(values: list[float]) -> None:
    want = float(sum(map(Fraction, values), Fraction(0)) / len(values))
    forward = exact_group_sums(np.zeros(len(values), dtype=np.int64), np.array(values))
    total = (0, 0)
    for v in reversed(values):  # one at a time, backwards
        part = exact_group_sums(np.zeros(1, dtype=np.int64), np.array([v])).get(0, (0, 0))
        total = exact_add(total, part)
    assert exact_mean(forward.get(0, (0, 0)), len(values)) == want
    assert exact_mean(total, len(values)) == want


def _totals(t: Totals) -> tuple[Any, ...]:
    return (t.mean_sentiment, t.mentions, t.posts, t.comments, t.labels, t.engagement,
            t.authors.tolist(), t.first, t.last)


#: Every interval of the timeline and of share of voice, and the worst posts.
TABLES: tuple[Analysis[Any], ...] = (
    *(Timeline(i) for i in INTERVALS), *(ShareOfVoice(interval=i) for i in INTERVALS),
    ShareOfVoice(interval=None), NegativePosts(7))


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(1, 239), max_size=6), st.integers(0, 1000))
def test_chunks_merged_in_any_order_give_the_whole_frames_tables(cuts: list[int],
                                                                 seed: int) -> None:
    df = scored_frame()
    for analysis in TABLES:
        whole = finished(analysis, analysis.partial(Chunk.of(df), CTX))
        merged = finished(analysis, split_merge(df, cuts, seed, analysis))
        pd.testing.assert_frame_equal(whole, merged)
    whole_totals = Totals.of(df)
    merged_totals = split_merge(df, cuts, seed, Summary())
    assert _totals(whole_totals) == _totals(merged_totals)
    pd.testing.assert_frame_equal(whole_totals.sentiment_mix(), merged_totals.sentiment_mix())


def test_complaint_terms_merge_to_the_same_table() -> None:
    df = scored_frame()
    whole = complaints(df, CONFIG, top=15)
    merged = split_merge(df, [40, 41, 150], 3, Complaints(15))
    pd.testing.assert_frame_equal(whole, finished(Complaints(15), merged))
    assert whole["negative_posts"].is_monotonic_decreasing
    # every example is the most engaging negative post using the term
    neg = df[df["label"] == "negative"]
    for row in whole.itertuples():
        using = neg[neg["text"].str.contains(row.term, regex=False)]
        assert neg.loc[neg["text"] == row.example, "engagement"].max() == (
            using["engagement"].max())


def test_timeline_means_are_the_correctly_rounded_means() -> None:
    df = scored_frame()
    tl = timeline(df, interval="day", tz=TZ)
    day = df["created_at"].dt.normalize()
    for row in tl.itertuples():
        values = df.loc[day == row.period, "sentiment"]
        if len(values):
            assert row.mean_sentiment == float(sum(map(Fraction, values)) / len(values))
            assert row.mentions == len(values)
        else:
            assert np.isnan(row.mean_sentiment) and row.mentions == 0


def test_share_of_voice_counts_a_post_for_each_brand_it_names() -> None:
    df = scored_frame()
    bt = share_of_voice(df, CONFIG, interval="week")
    assert bt["mentions"].sum() == sum(len([b for b in x.split(";") if b])
                                       for x in df["brands"])
    both = df[df["brands"] == "鲜果坊;果多多"]
    assert len(both) and bt.loc[bt["brand"] == "果多多", "mentions"].sum() == (
        df["brands"].str.contains("果多多").sum())


def test_most_engaging_posts_do_not_depend_on_row_order() -> None:
    df = scored_frame()
    shuffled = df.sample(frac=1, random_state=4).reset_index(drop=True)
    a = build_report(df, CONFIG, LoadReport(), top=12).negative_posts
    b = build_report(shuffled, CONFIG, LoadReport(), top=12).negative_posts
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == list(TOP_POST_COLUMNS)
    assert a["likes"].is_monotonic_decreasing


def test_report_sections_from_a_shuffled_frame_are_identical() -> None:
    df = scored_frame()
    shuffled = df.sample(frac=1, random_state=9).reset_index(drop=True)
    a = build_report(df, CONFIG, LoadReport(), top=5)
    b = build_report(shuffled, CONFIG, LoadReport(), top=5)
    assert a.headline == b.headline
    for name in ("timeline", "complaints", "sentiment_mix"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_empty_frame_and_settings_mismatch() -> None:
    empty = scored_frame().iloc[0:0]
    assert Periods.of(empty, ("day",)).table("day").empty
    assert Terms.of(empty, CONFIG).top(CONFIG).empty
    negatives = NegativePosts(5)
    assert finished(negatives, negatives.partial(Chunk.of(empty), CTX)).empty
    assert Totals.of(empty).mean_sentiment is None
    with pytest.raises(ValueError, match="cannot be merged"):
        Periods.of(empty, ("day",)).merge(Periods.of(empty, ("day", "hour")))
    with pytest.raises(ValueError, match="cannot be merged"):
        HourlyPartial.of(empty, CONFIG).merge(HourlyPartial.of(empty, CONFIG, brands=["鲜果坊"]))
    with pytest.raises(ValueError, match="unknown interval"):
        Periods.of(scored_frame(), ("fortnight",))
    with pytest.raises(ValueError, match="without 'hour'"):
        Periods.of(scored_frame(), ("day",)).table("hour")


def test_complaint_posts_name_each_examples_author_and_time() -> None:
    df = scored_frame()
    terms = Terms.of(df, CONFIG)
    table = terms.top(CONFIG, 6)
    posts = terms.examples_of(CONFIG, TZ, 6)
    assert posts["text"].tolist() == table["example"].tolist()
    for row in posts.itertuples():
        # the example is one negative post, named by its own author and time
        same = df[(df["text"] == row.text) & (df["label"] == "negative")
                  & (df["author"] == row.author) & (df["created_at"] == row.created_at)]
        assert row.engagement in set(same["engagement"])
