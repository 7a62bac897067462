"""Influencers: authors ranked by reach, their loudest post, and who drove a spike."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from functools import cache

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from brandscan.analyze.alerts import detect_alerts
from brandscan.analyze.hourly import brand_rows
from brandscan.analyze.influencers import (
    INFLUENCER_COLUMNS,
    AuthorPartial,
    dominant_posts,
    dominant_posts_from,
    influencers,
    influencers_from,
    merge_partials,
)
from brandscan.analyze.response import incidents
from brandscan.config import Brand, Config, load_config
from brandscan.schema import conform
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES
from tests.test_alerts import RHYTHM, daily, hour, timeline_frame

CONFIG = Config(brands=(Brand("鲜果坊"),))


def authors_frame() -> pd.DataFrame:
    when = hour(0, 10)

    def post(author: str, minutes: int, **kw: object) -> dict:
        return {"created_at": when + pd.Timedelta(minutes=minutes), "author": author,
                "author_id": f"id-{author}", "label": "negative", **kw}

    extra = [
        post("大V", 1, followers=2_000_000, verified="金V", reposts=10, likes=5,
             text="大V的帖子", url="https://w/big"),
        post("大V", 30, followers=2_000_000, verified="金V", reposts=500, likes=300,
             label="positive", text="大V的第二条"),
        post("中V", 2, followers=50_000, reposts=3),
        post("路人", 3, reposts=9000, comments=10, text="转发很多的路人帖子"),
        post("小号", 4, likes=2, chain="@路人:转发很多的路人帖子"),
        post("小号2", 5, likes=1, chain="@小号:嗯//@路人:转发很多的路人帖子"),
    ]
    return timeline_frame([0] * 24, extra=extra)


def test_ranked_by_followers_then_engagement() -> None:
    table = influencers(authors_frame(), CONFIG)
    assert tuple(table.columns) == INFLUENCER_COLUMNS
    assert table["author"].tolist()[:3] == ["大V", "中V", "路人"]
    top = table.iloc[0]
    assert top["rank"] == 1 and top["posts"] == 2 and top["verified"] == "金V"
    assert top["reach"] == 2_000_000 and top["reach_basis"] == "followers"
    assert top["engagement"] == (10 + 5 + 1) + (500 + 300 + 1)
    assert top["negative_posts"] == 1
    assert top["mean_sentiment"] == 0.5  # one 0.1 and one 0.9 post
    assert top["top_post_text"] == "大V的第二条" and top["top_post_engagement"] == 801
    road = table[table["author"] == "路人"].iloc[0]
    assert road["reach_basis"] == "engagement" and road["reach"] == 9011
    assert road["reposted_in_chains"] == 2  # "//@路人:" in two chains
    assert road["top_post_url"] == ""


def test_top_limits_rows() -> None:
    assert len(influencers(authors_frame(), CONFIG, top=2)) == 2


def test_author_whose_post_dominates_a_spike_is_flagged() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60
    viral = {"created_at": hour(5, 14) + pd.Timedelta(minutes=3), "author": "林夕说书",
             "label": "negative", "reposts": 2865, "comments": 514, "likes": 3477}
    df = timeline_frame(counts, extra=[viral])
    alerts = detect_alerts(df, CONFIG)
    table = influencers(df, CONFIG, alerts=alerts)
    row = table[table["author"] == "林夕说书"].iloc[0]
    assert row["drove_spike"].startswith("鲜果坊 2026-10-10 14:00 (")
    assert (table["drove_spike"] != "").sum() == 1
    # Without alerts nothing is flagged.
    assert (influencers(df, CONFIG)["drove_spike"] == "").all()


# --- chunked: partial aggregates merged give the in-memory table -------------------------

TZ = "Asia/Shanghai"
T0 = pd.Timestamp("2026-11-05 08:00", tz=TZ)


@cache
def example(name: str) -> tuple[pd.DataFrame, pd.DataFrame, Config]:
    """The bundled example, scored, with its alerts (as tests/test_alerts.py loads it)."""
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.text.scoring import analyse

    config = load_config(CONFIG_EXAMPLE)
    opts = LoadOptions(columns={"text": "content", "time": "published_at", "id": "post_id"}
                       if name.endswith(".jsonl") else {})
    scored = analyse(load_posts([EXAMPLES / name], opts).posts, config)
    return scored, detect_alerts(scored, config), config


def tie_frame(n: int = 400, seed: int = 7) -> pd.DataFrame:
    """Scored posts full of ties: equal engagement, equal times, equal sources, authors
    with and without ids, followers and verification, renamed authors, repost chains."""
    rng = random.Random(seed)
    people = [("甲", "u1"), ("甲新名", "u1"), ("乙", ""), ("乙", "u2"), ("", "u3"),
              ("丙", ""), ("", ""), ("丁", "u4"), ("丁二", "u4")]
    who = [rng.choice(people) for _ in range(n)]
    df = pd.DataFrame({
        "platform": "weibo",
        "id": [rng.choice(["1", "2", "3", ""]) for _ in range(n)],
        "kind": [rng.choice(["post", "comment"]) for _ in range(n)],
        "text": [rng.choice(["鲜果坊烂了", "鲜果坊不错", "退款难"]) for _ in range(n)],
        "chain": [rng.choice(["", "", "//@乙:转发", "@甲:嗯//@丙:原文", "@丁二：好"])
                  for _ in range(n)],
        "created_at": [T0 + pd.Timedelta(minutes=rng.choice([0, 0, 30, 90])) for _ in range(n)],
        "author": [a for a, _ in who],
        "author_id": [i for _, i in who],
        "followers": [rng.choice([None, None, 10, 500]) for _ in range(n)],
        "verified": [rng.choice(["", "", "蓝V", "金V"]) for _ in range(n)],
        "likes": [rng.choice([0, 5, 5, 40]) for _ in range(n)],
        "url": [rng.choice(["", "https://w/1", "https://w/2"]) for _ in range(n)],
        "source_file": [rng.choice(["a.csv", "b.csv"]) for _ in range(n)],
        "source_line": [rng.randrange(2, 6) for _ in range(n)],
    })
    out = conform(df, TZ)
    sentiment = np.array([rng.random() for _ in range(n)])
    sentiment[::9] = np.nan  # not scored
    sentiment[1::7] = 1e-300
    out["brands"] = "鲜果坊"
    out["sentiment"] = sentiment
    out["label"] = np.where(sentiment < 0.4, "negative",
                            np.where(sentiment >= 0.6, "positive", "neutral")).astype(object)
    out["categories"] = ""
    return out


def partials(df: pd.DataFrame, seed: int) -> list[AuthorPartial]:
    """Partials of the rows shuffled and cut at random (empty pieces too), shuffled."""
    rng = random.Random(seed)
    rows = list(range(len(df)))
    rng.shuffle(rows)
    cuts = sorted(rng.randrange(0, len(df) + 1) for _ in range(rng.randrange(1, 8)))
    bounds = [0, *cuts, len(df)]
    parts = [AuthorPartial.of(df.iloc[rows[a:b]].reset_index(drop=True))
             for a, b in itertools.pairwise(bounds)]
    rng.shuffle(parts)
    return parts


def merge_tree(parts: list[AuthorPartial], seed: int) -> AuthorPartial:
    """Merge pairs picked at random until one is left (a Dask-like reduction tree)."""
    rng = random.Random(seed)
    parts = list(parts)
    while len(parts) > 1:
        a = parts.pop(rng.randrange(len(parts)))
        b = parts.pop(rng.randrange(len(parts)))
        parts.append(a.merge(b))
    return parts[0]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_chunks_merged_in_any_order_rank_as_the_whole_frame(seed: int) -> None:
    df = tie_frame()
    whole = influencers(df, CONFIG, top=100)
    assert len(whole) == 6  # u1, 乙, u2, u3, 丙, u4: none for posts without an author
    parts = partials(df, seed)
    folded = merge_partials(parts)
    assert folded is not None
    assert_frame_equal(influencers_from(folded, CONFIG, top=100), whole)
    assert_frame_equal(influencers_from(merge_tree(parts, seed), CONFIG, top=100), whole)
    assert_frame_equal(influencers_from(folded, CONFIG, top=3), whole.head(3))


@pytest.mark.parametrize("name", ["crisis_weibo_search.csv", "crisis_posts.jsonl"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_example_in_chunks_ranks_as_in_memory(name: str, seed: int) -> None:
    scored, alerts, config = example(name)
    whole = influencers(scored, config, alerts=alerts, top=1000)
    assert whole["drove_spike"].str.len().gt(0).any()
    chunked = influencers_from(merge_tree(partials(scored, seed), seed), config, top=1000,
                               dominant=dominant_posts(alerts, scored, config))
    assert_frame_equal(chunked, whole)


def test_shuffled_rows_give_the_same_table() -> None:
    df = tie_frame()
    expected = influencers(df, CONFIG, top=100)
    scored, alerts, config = example("crisis_posts.jsonl")
    example_expected = influencers(scored, config, alerts=alerts, top=1000)
    for seed in range(4):
        shuffled = df.sample(frac=1, random_state=seed).reset_index(drop=True)
        assert_frame_equal(influencers(shuffled, CONFIG, top=100), expected)
        posts = scored.sample(frac=1, random_state=seed).reset_index(drop=True)
        assert_frame_equal(influencers(posts, config, alerts=alerts, top=1000),
                           example_expected)


def test_mean_sentiment_is_exact_under_chunking() -> None:
    rng = random.Random(3)
    scores = [rng.random() * 10 ** -rng.randrange(0, 20) for _ in range(300)]
    df = tie_frame(300).assign(author="甲", author_id="", sentiment=scores)
    expected = float(sum(map(Fraction, scores)) / len(scores))  # correctly rounded
    assert influencers(df, CONFIG).loc[0, "mean_sentiment"] == expected
    for seed in range(5):
        merged = merge_tree(partials(df, seed), seed)
        assert influencers_from(merged, CONFIG).loc[0, "mean_sentiment"] == expected


def test_choices_follow_the_post_order_not_the_rows() -> None:
    def post(minutes: int, author: str, likes: int, **kw: object) -> dict:
        return {"created_at": T0 + pd.Timedelta(minutes=minutes), "author": author,
                "author_id": "u1", "likes": likes, "text": f"{author} {minutes}",
                "source_file": "a.csv", **kw}

    df = conform(pd.DataFrame([
        post(0, "旧名", 40, source_line=9, verified="黄V", url="https://w/early"),
        post(10, "旧名", 40, source_line=2, url="https://w/late"),
        post(0, "旧名", 1, source_line=3, verified="蓝V"),  # same time, less engaging
        post(60, "新名B", 1, source_line=5, followers=10),
        post(60, "新名A", 1, source_line=4, followers=300, verified="金V"),
    ]), TZ).assign(brands="鲜果坊", sentiment=0.5, label="neutral", categories="")
    for seed in range(4):
        row = influencers(df.sample(frac=1, random_state=seed), CONFIG).iloc[0]
        assert row["author"] == "新名A"  # the latest post, ties by source line
        assert row["verified"] == "黄V"  # the earliest stating one, the more engaging first
        assert row["top_post_url"] == "https://w/early"  # equal engagement: the earlier
        assert row["followers"] == 300 and row["reach_basis"] == "followers"


def test_merge_leaves_its_inputs_alone() -> None:
    df = tie_frame()
    a, b = AuthorPartial.of(df.iloc[:150]), AuthorPartial.of(df.iloc[150:])
    before = [(p.stats.copy(), p.best.copy(), dict(p.sentiment), p.chains.copy())
              for p in (a, b)]
    a.merge(b)
    for p, (stats, best, sums, chains) in zip((a, b), before):
        assert_frame_equal(p.stats, stats)
        assert_frame_equal(p.best, best)
        assert p.sentiment == sums
        pd.testing.assert_series_equal(p.chains, chains)


def test_no_authors_give_an_empty_table() -> None:
    df = tie_frame().assign(author="", author_id="")
    assert len(AuthorPartial.of(df)) == 0
    assert influencers(df, CONFIG).empty
    assert tuple(influencers(df.iloc[0:0], CONFIG).columns) == INFLUENCER_COLUMNS


# --- who drove a spike, from the alert windows only --------------------------------------

def test_dominant_posts_from_windows_match_the_full_history() -> None:
    scored, alerts, config = example("crisis_weibo_search.csv")
    asked: list[tuple[str, pd.Timestamp, pd.Timestamp | None]] = []

    def window(brand: str, start: pd.Timestamp, end: pd.Timestamp | None) -> pd.DataFrame:
        asked.append((brand, start, end))
        rows = brand_rows(scored, brand)
        inside = (rows["created_at"] >= start) & (
            rows["created_at"] < end if end is not None else True)
        return rows[inside].sample(frac=1, random_state=len(asked))

    found = dominant_posts_from(alerts, window, config)
    assert found == dominant_posts(alerts, scored, config) and found
    assert len(asked) == len(incidents(alerts, config))


def test_equally_dominant_posts_flag_the_earlier_author_whatever_the_row_order() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60

    def viral(author: str, minute: int) -> dict:
        return {"created_at": hour(5, 14) + pd.Timedelta(minutes=minute), "author": author,
                "label": "negative", "reposts": 2865, "comments": 514, "likes": 3477}

    df = timeline_frame(counts, extra=[viral("后发", 9), viral("先发", 3)])
    alerts = detect_alerts(df, CONFIG)
    for seed in range(4):
        history = df.sample(frac=1, random_state=seed).reset_index(drop=True)
        flags = dominant_posts(alerts, history, CONFIG)
        assert list(flags) == ["先发"]
