"""Influencers: authors ranked by reach, their loudest post, and who drove a spike."""

from __future__ import annotations

import pandas as pd

from brandscan.analyze.alerts import detect_alerts
from brandscan.analyze.influencers import INFLUENCER_COLUMNS, influencers
from brandscan.config import Brand, Config
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
