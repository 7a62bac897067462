"""The crisis radar on hand-built hourly timelines and on the bundled example crisis."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import cache, reduce
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from brandscan.analyze.alerts import (
    ALERT_COLUMNS,
    FIRST_ORDER,
    TOP_ORDER,
    alert_windows,
    at_least,
    detect_alerts,
    detect_alerts_from,
    episodes,
    frame_window_posts,
    signal_table,
    signal_table_from,
    volume_baseline,
    wilson_lower,
)
from brandscan.analyze.hourly import HourlyPartial, brand_rows
from brandscan.config import AlertConfig, Brand, Config, VolumeRule, load_config, parse_config
from brandscan.errors import BrandscanError
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

TZ = "Asia/Shanghai"
START = pd.Timestamp("2026-10-05 00:00", tz=TZ)  # a Monday
CONFIG = Config(brands=(Brand("鲜果坊", official_accounts=("鲜果坊官方旗舰店",)),))


def timeline_frame(counts: Sequence[int], *, negative: Sequence[float] | float = 0.1,
                   minute: int | None = None, extra: Sequence[dict] = ()) -> pd.DataFrame:
    """Scored posts with ``counts[h]`` brand mentions in hour ``h`` after START.

    ``negative`` is the share of each hour's posts labelled negative (one value or one per
    hour); posts are spread over minutes 0–49 unless ``minute`` pins them.
    """
    shares = [negative] * len(counts) if isinstance(negative, float) else list(negative)
    rows = []
    for h, (n, share) in enumerate(zip(counts, shares)):
        negatives = round(n * share)
        for j in range(n):
            m = minute if minute is not None else (j * 7) % 50
            rows.append({"created_at": START + pd.Timedelta(hours=h, minutes=m),
                         "label": "negative" if j < negatives else "positive",
                         "author": f"用户{h}_{j}", "engagement": 1, "reposts": 0})
    rows.extend(extra)
    df = pd.DataFrame(rows)
    n = len(df)
    df["created_at"] = pd.to_datetime(df["created_at"]).dt.tz_convert(TZ)
    defaults = {"platform": "weibo", "kind": "post", "parent_id": "", "chain": "",
                "is_repost": False, "author_id": "", "verified": "", "comments": 0,
                "likes": 0, "url": "", "text": "鲜果坊的山竹烂了，客服不回复",
                "brands": "鲜果坊", "followers": pd.NA}
    for col, value in defaults.items():
        if col not in df:
            df[col] = value
        elif col != "followers":
            df[col] = df[col].fillna(value)
    df["followers"] = df["followers"].astype("Int64")
    for col in ("reposts", "comments", "likes"):
        df[col] = df[col].fillna(0).astype("int64")
    df["engagement"] = df["reposts"] + df["comments"] + df["likes"] + 1
    df["sentiment"] = np.where(df["label"] == "negative", 0.1, 0.9)
    df["id"] = [str(i) for i in range(n)]
    return df.sort_values("created_at").reset_index(drop=True)


def daily(pattern: Sequence[int], days: int) -> list[int]:
    return list(pattern) * days


#: A brand with a daily rhythm: quiet nights, busy noon and evening.
RHYTHM = [1, 0, 0, 0, 0, 1, 2, 4, 6, 8, 9, 10, 12, 10, 9, 8, 9, 11, 13, 12, 9, 6, 4, 2]


def hour(day: int, h: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=day, hours=h)


# --- hand-built timelines ----------------------------------------------------------------

def test_flat_and_daily_rhythm_never_alert() -> None:
    flat = timeline_frame([8 + (h * 7) % 5 for h in range(24 * 14)])
    assert detect_alerts(flat, CONFIG).empty
    rhythm = timeline_frame(daily(RHYTHM, 14))
    assert detect_alerts(rhythm, CONFIG).empty


def test_single_spike_fires_once_in_its_hour() -> None:
    counts = daily(RHYTHM, 6)
    counts[hour(5, 14).hour + 5 * 24] = 60
    alerts = detect_alerts(timeline_frame(counts), CONFIG)
    assert alerts["kind"].tolist() == ["volume"]
    a = alerts.iloc[0]
    assert a["fired"] == hour(5, 14) and a["start"] == hour(5, 14)
    assert a["peak_value"] == 60 and a["baseline"] == 9  # the median of 14:00 on days 0-4
    assert a["severity"] == "spike" and a["z"] >= 6 and a["event"] == "new"
    assert a["end"] == hour(5, 15) and not a["ongoing"]
    assert "60 mentions in the hour from 10-10 14:00 vs 9 expected" in a["detail"]


def test_spike_with_negative_jump_is_a_crisis_with_its_posts_and_terms() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60
    shares = [0.1] * len(counts)
    shares[5 * 24 + 14] = 0.9
    first = {"created_at": hour(5, 14) + pd.Timedelta(minutes=1), "label": "negative",
             "author": "林夕说书", "followers": 10_300_000, "reposts": 2865, "comments": 514,
             "likes": 3477, "text": "鲜果坊的山竹烂了，发霉长毛，退款被拒", "url": "https://w/1"}
    alerts = detect_alerts(timeline_frame(counts, negative=shares, extra=[first]), CONFIG)
    vol = alerts[alerts["kind"] == "volume"].iloc[0]
    assert vol["severity"] == "crisis"
    assert vol["negative_share"] > vol["baseline_negative_share"] + 0.2
    assert vol["first_author"] == "用户134_0"  # the first negative post of the hour, at :00
    assert vol["top_author"] == "林夕说书" and vol["top_followers"] == 10_300_000
    assert (vol["top_reposts"], vol["top_comments"], vol["top_likes"]) == (2865, 514, 3477)
    assert vol["top_url"] == "https://w/1"
    assert "山竹" in vol["terms"]
    inf = alerts[alerts["kind"] == "influential"].iloc[0]
    assert inf["first_author"] == "林夕说书" and inf["severity"] == "spike"


def test_slow_ramp_over_days_does_not_alert() -> None:
    # Volume grows 6 % a day for three weeks: a trend, not a spike.
    counts = [round(r * 1.06 ** (h // 24) + 2) for h, r in enumerate(daily(RHYTHM, 21))]
    assert max(counts) > 2 * max(RHYTHM)
    assert detect_alerts(timeline_frame(counts), CONFIG).empty


def test_fast_ramp_fires_on_state_changes_not_every_hour() -> None:
    counts = daily(RHYTHM, 6)
    ramp = [15, 25, 40, 60, 90, 130, 150, 140]  # 10:00 .. 17:00 on day 5
    counts[5 * 24 + 10: 5 * 24 + 18] = ramp
    alerts = detect_alerts(timeline_frame(counts), CONFIG)
    vol = alerts[alerts["kind"] == "volume"]
    assert len(vol) < len(ramp) - 1
    assert vol["event"].iloc[0] == "new"
    assert set(vol["event"].iloc[1:]) <= {"escalated", "doubled"}
    assert vol["start"].nunique() == 1  # one alert, re-fired only on escalation or doubling
    assert vol["peak_value"].iloc[0] == 150


def test_weekly_rhythm_stops_alerting_once_a_week_was_seen() -> None:
    weekday = daily(RHYTHM, 1)
    weekend = [3 * x + 10 if 9 <= h <= 21 else x for h, x in enumerate(RHYTHM)]
    counts = (weekday * 5 + weekend * 2) * 3  # three weeks starting on a Monday
    alerts = detect_alerts(timeline_frame(counts), CONFIG)
    # The first Saturday is new to the radar; from the second week on it is the usual.
    assert (alerts["fired"] < hour(7, 0)).all()


def test_tiny_counts_never_alert() -> None:
    counts = [0] * (24 * 10)
    for h in range(0, len(counts), 37):
        counts[h] = 1
    counts[24 * 8 + 10] = 2  # 0 -> 2
    counts[24 * 9 + 15] = 3
    assert detect_alerts(timeline_frame(counts, negative=1.0), CONFIG).empty


def test_negative_share_shift_without_volume() -> None:
    counts = [30] * (24 * 4)
    shares = [0.2] * len(counts)
    shares[24 * 3 + 12] = 0.8  # same volume, most of it negative
    shares[24 * 3 + 18] = 1.0
    counts[24 * 3 + 18] = 15  # all negative, but too few posts to judge
    alerts = detect_alerts(timeline_frame(counts, negative=shares), CONFIG)
    assert alerts["kind"].tolist() == ["negative"]
    a = alerts.iloc[0]
    assert a["fired"] == hour(3, 12) and a["peak_value"] == pytest.approx(0.8)
    assert a["baseline"] == pytest.approx(0.2, abs=0.01)
    assert "80% negative" in a["detail"]


def test_influential_negative_posts_while_volume_is_tiny() -> None:
    base = [0, 1] * (24 * 2)
    def post(minutes: int, **kw: object) -> dict:
        return {"created_at": START + pd.Timedelta(hours=30, minutes=minutes),
                "label": "negative", **kw}
    extra = [
        post(5, author="大V", followers=1_200_000),
        post(6, author="小号", reposts=20),  # negative but nobody hears it
        post(7, author="红人", followers=5_000_000, label="positive"),
        post(8, author="鲜果坊官方旗舰店", followers=2_000_000),  # the brand's own account
        # hours later, a negative-scored ad by a big account and viral spam: never
        # influential (no alert in their hour)
        post(600, author="抽奖号", followers=3_000_000, genre="ad", voice=False),
        post(660, author="水军", reposts=90_000, genre="spam", voice=False),
    ]
    frame = timeline_frame(base, negative=0.0, extra=extra)
    frame["genre"] = frame["genre"].fillna("opinion")
    frame["voice"] = frame["voice"].fillna(True).astype(bool)
    alerts = detect_alerts(frame, CONFIG)
    assert alerts["kind"].tolist() == ["influential"]
    a = alerts.iloc[0]
    assert a["severity"] == "watch" and a["first_author"] == "大V"
    # the row says which criterion fired
    assert a["detail"] == "negative opinion by 大V (1,200,000 followers ≥ 1,000,000)"
    both = [post(5, author="金V号", verified="金V", reposts=1500)]
    spike = detect_alerts(timeline_frame(base, negative=0.0, extra=both), CONFIG)
    assert spike["severity"].tolist() == ["spike"]


def test_two_influential_posts_in_one_hour_split_across_chunks_stay_a_watch() -> None:
    # Each big account meets one influence criterion (followers): a watch. Counted in two
    # chunks, the hour's best is the larger of the two (1), never their sum (2: a spike).
    base = [0, 1] * (24 * 2)
    extra = [{"created_at": START + pd.Timedelta(hours=30, minutes=m), "label": "negative",
              "author": name, "followers": 1_200_000}
             for m, name in ((5, "大V甲"), (40, "大V乙"))]
    frame = timeline_frame(base, negative=0.0, extra=extra)
    hour30 = (frame["created_at"] >= START + pd.Timedelta(hours=30)).to_numpy()
    first = frame[~hour30 | (frame["author"] == "大V甲").to_numpy()]
    second = frame[hour30 & (frame["author"] != "大V甲").to_numpy()]
    merged = HourlyPartial.of(first, CONFIG).merge(HourlyPartial.of(second, CONFIG))
    whole = HourlyPartial.of(frame, CONFIG)
    key = (START + pd.Timedelta(hours=30)).tz_convert("UTC").value
    assert merged.counts["鲜果坊"].loc[key, "influence_best"] == 1
    assert merged.counts["鲜果坊"].loc[key, "influential"] == 2
    found = detect_alerts_from(merged, CONFIG, window_posts=frame_window_posts(frame))
    assert found["kind"].tolist() == ["influential"]
    assert found["severity"].tolist() == ["watch"]
    pd.testing.assert_frame_equal(
        found, detect_alerts_from(whole, CONFIG, window_posts=frame_window_posts(frame)))


def test_truncated_hours_are_lower_bounds() -> None:
    counts = daily(RHYTHM, 6)
    df = timeline_frame(counts)
    capped = timeline_frame([0] * (5 * 24 + 14) + [40], minute=58)
    alerts = detect_alerts(pd.concat([df, capped], ignore_index=True), CONFIG)
    a = alerts.iloc[0]
    assert bool(a["lower_bound"]) and a["detail"].startswith("≥")
    table = signal_table(pd.concat([df, capped], ignore_index=True), CONFIG, "鲜果坊")
    assert table.loc[table["period"] == hour(5, 14), "truncated"].item()
    assert table["truncated"].sum() == 1


def test_since_keeps_the_history_for_the_baseline() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60
    df = timeline_frame(counts)
    since = hour(5, 0)
    assert len(detect_alerts(df, CONFIG, since=since)) == 1
    assert detect_alerts(df, CONFIG, since=hour(5, 15)).empty
    # Without the days before, there is no baseline yet: the radar keeps quiet.
    assert detect_alerts(df[df["created_at"] >= since], CONFIG).empty
    # --until: as of 14:00 nothing had happened yet.
    assert detect_alerts(df, CONFIG, until=hour(5, 14)).empty


def test_min_severity_filter_and_columns() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60
    alerts = detect_alerts(timeline_frame(counts), CONFIG)
    assert tuple(alerts.columns) == ALERT_COLUMNS
    assert len(at_least(alerts, "spike")) == 1 and at_least(alerts, "crisis").empty


# --- firing on state changes -------------------------------------------------------------

def test_episodes_cooldown_and_refire_on_doubling() -> None:
    sev = np.array([-1, 0, 0, -1, 0, 0, -1, -1, -1, 0, 1, 1, 2])
    val = np.array([0, 20, 25, 0, 30, 41, 0, 0, 0, 20, 22, 30, 35])
    eps = episodes(sev, val, cooldown=3, refire=2.0)
    # A one-hour dip does not end an alert; three quiet hours do.
    assert [(e.start, e.last) for e in eps] == [(1, 5), (9, 12)]
    assert eps[0].firings == [(1, "new", 0), (5, "doubled", 0)]  # 41 >= 2 x 20
    assert eps[1].firings == [(9, "new", 0), (10, "escalated", 1), (12, "escalated", 2)]
    assert eps[1].ongoing and not eps[0].ongoing


def test_wilson_lower_bound() -> None:
    lb = wilson_lower(np.array([34, 0, 5]), np.array([39, 0, 5]), 1.96)
    assert lb[0] == pytest.approx(0.7336, abs=1e-3)
    assert lb[1] == 0.0 and 0.5 < lb[2] < 0.6


# --- configuration -----------------------------------------------------------------------

def test_alerts_config_section() -> None:
    cfg = parse_config("alerts:\n  cooldown_hours: 6\n  volume:\n    z_watch: 3\n"
                       "  influential:\n    verified: [金V]\n    followers: 500000\n")
    assert cfg.alerts.cooldown_hours == 6 and cfg.alerts.volume.z_watch == 3
    assert cfg.alerts.influential.verified == ("金V",)
    assert cfg.alerts.influential.followers == 500_000
    assert cfg.alerts.volume.min_count == 10  # untouched keys keep their defaults
    with pytest.raises(BrandscanError, match=r"<config>:3: unknown key 'alerts.volume.z'"):
        parse_config("alerts:\n  volume:\n    z: 3\n")
    with pytest.raises(BrandscanError, match="z_spike must be at least z_watch"):
        parse_config("alerts:\n  volume:\n    z_watch: 7\n")
    with pytest.raises(BrandscanError, match=r"alerts\.negative\.rise' is a share"):
        parse_config("alerts:\n  negative:\n    rise: 20\n")


def test_config_changes_the_decision() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60
    strict = parse_config("brands: [鲜果坊]\nalerts:\n  volume:\n    min_count: 100\n")
    assert detect_alerts(timeline_frame(counts), strict).empty


# --- the bundled example -----------------------------------------------------------------

@cache
def example_scored(name: str = "crisis_weibo_search.csv") -> pd.DataFrame:
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.text.scoring import analyse

    opts = LoadOptions(columns={"text": "content", "time": "published_at", "id": "post_id"}
                       if name.endswith(".jsonl") else {})
    posts = load_posts([EXAMPLES / name], opts).posts
    return analyse(posts, load_config(CONFIG_EXAMPLE))


@cache
def example_alerts(name: str = "crisis_weibo_search.csv") -> pd.DataFrame:
    return detect_alerts(example_scored(name), load_config(CONFIG_EXAMPLE))


def test_example_crisis_fires_in_the_hour_of_the_viral_post_and_names_it() -> None:
    alerts = example_alerts()
    first = alerts.iloc[0]
    assert first["fired"] == pd.Timestamp("2026-11-05 07:00", tz=TZ)
    assert first["kind"] == "influential" and first["first_author"] == "林夕说书"
    assert first["first_time"] == pd.Timestamp("2026-11-05 07:12", tz=TZ)
    assert first["first_reposts"] == 2865 and "烂" in first["first_text"]
    # Nothing on the quiet days before.
    assert (alerts["fired"] >= pd.Timestamp("2026-11-05", tz=TZ)).all()
    volume = alerts[(alerts["kind"] == "volume") & (alerts["event"] == "new")].iloc[0]
    assert volume["fired"] == pd.Timestamp("2026-11-05 08:00", tz=TZ)
    assert volume["peak_period"] == pd.Timestamp("2026-11-05 09:00", tz=TZ)
    assert volume["peak_value"] == 39 and volume["severity"] == "crisis"
    assert "烂山竹" in volume["terms"]


def test_example_with_follower_counts_makes_the_first_alert_a_spike() -> None:
    first = example_alerts("crisis_posts.jsonl").iloc[0]
    assert first["fired"] == pd.Timestamp("2026-11-05 07:00", tz=TZ)
    assert first["severity"] == "spike" and first["first_followers"] == 10_300_000


def test_example_config_documents_the_defaults() -> None:
    from brandscan.config import AlertConfig

    assert load_config(CONFIG_EXAMPLE).alerts == AlertConfig()


# --- mergeable partials: any chunking, any order, the same alerts ------------------------

def crisis_frame() -> pd.DataFrame:
    """Six days of rhythm, a negative spike with a viral post, a capped hour, an
    influential post on a quiet day: every detector and the truncation flag fire."""
    counts = daily(RHYTHM, 8)
    counts[5 * 24 + 14] = 60
    shares = [0.1] * len(counts)
    shares[5 * 24 + 14] = 0.9
    extra = [
        {"created_at": hour(5, 14) + pd.Timedelta(minutes=1), "label": "negative",
         "author": "林夕说书", "followers": 10_300_000, "reposts": 2865, "comments": 514,
         "likes": 3477, "text": "鲜果坊的山竹烂了，发霉长毛，退款被拒"},
        {"created_at": hour(6, 3) + pd.Timedelta(minutes=20), "label": "negative",
         "author": "大V", "followers": 1_200_000, "text": "鲜果坊客服不回复"},
        {"created_at": hour(6, 3) + pd.Timedelta(minutes=21), "label": "negative",
         "author": "鲜果坊官方旗舰店", "followers": 2_000_000, "text": "鲜果坊致歉退款"},
    ]
    df = timeline_frame(counts, negative=shares, extra=extra)
    capped = timeline_frame([0] * (7 * 24 + 13) + [40], minute=58)
    df = pd.concat([df, capped], ignore_index=True)
    df["id"] = [str(i) for i in range(len(df))]
    df["source_file"] = "posts.csv"
    df["source_line"] = np.arange(2, len(df) + 2, dtype="int64")
    return df.sort_values("created_at", kind="stable").reset_index(drop=True)


def random_chunks(df: pd.DataFrame, rng: np.random.Generator, pieces: int
                  ) -> list[pd.DataFrame]:
    """``df`` cut at random rows (so hours are split between chunks; one may be empty)."""
    cuts = np.sort(rng.integers(0, len(df) + 1, size=pieces - 1))
    bounds = [0, *cuts.tolist(), len(df)]
    return [df.iloc[a:b] for a, b in pairwise(bounds)]


def merged_partial(chunks: list[pd.DataFrame], config: Config, rng: np.random.Generator,
                   **kw: object) -> HourlyPartial:
    parts = [HourlyPartial.of(c, config, **kw) for c in chunks]
    rng.shuffle(parts)
    if rng.random() < 0.5:
        return reduce(lambda a, b: a.merge(b), parts)
    while len(parts) > 1:  # a tree of merges, as Dask would add them up
        parts = [parts[i].merge(parts[i + 1]) if i + 1 < len(parts) else parts[i]
                 for i in range(0, len(parts), 2)]
    return parts[0]


def shuffled_windows(df: pd.DataFrame, rng: np.random.Generator, calls: list | None = None):
    """A plain ``window_posts`` over ``df`` that returns its rows in a random order."""
    def window_posts(brand: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        if calls is not None:
            calls.append((brand, start, end))
        posts = brand_rows(df, brand)
        win = posts[(posts["created_at"] >= start) & (posts["created_at"] < end)]
        return win.iloc[rng.permutation(len(win))]
    return window_posts


def assert_streamed_equals_in_memory(df: pd.DataFrame, config: Config, seeds: Sequence[int],
                                     **kw: object) -> pd.DataFrame:
    whole = detect_alerts(df, config, **kw)
    assert not whole.empty
    until = kw.get("until")
    for seed in seeds:
        rng = np.random.default_rng(seed)
        # Shuffled rows as well as time order: a chunk then holds scattered hours.
        frame = df if seed % 2 else df.iloc[rng.permutation(len(df))]
        chunks = random_chunks(frame, rng, int(rng.integers(2, 9)))
        partial = merged_partial(chunks, config, rng, brands=kw.get("brands"), until=until)
        got = detect_alerts_from(partial, config, window_posts=shuffled_windows(df, rng), **kw)
        pd.testing.assert_frame_equal(got, whole)
    return whole


def test_partials_of_random_chunks_give_the_in_memory_alerts() -> None:
    alerts = assert_streamed_equals_in_memory(crisis_frame(), CONFIG, seeds=range(6))
    assert set(alerts["kind"]) == set(("volume", "negative", "influential"))
    assert alerts["lower_bound"].any()


def test_partials_with_since_until_and_all_posts() -> None:
    df = crisis_frame()
    assert_streamed_equals_in_memory(df, CONFIG, seeds=(7, 8), since=hour(5, 14),
                                     until=hour(6, 3) + pd.Timedelta(minutes=21))
    # No brands configured: every post is one brand.
    assert_streamed_equals_in_memory(df, Config(), seeds=(9, 10))


def test_partials_of_the_bundled_example_give_its_alerts() -> None:
    config = load_config(CONFIG_EXAMPLE)
    for name in ("crisis_weibo_search.csv", "crisis_posts.jsonl"):
        alerts = assert_streamed_equals_in_memory(example_scored(name), config,
                                                  seeds=(11, 12, 13))
        pd.testing.assert_frame_equal(alerts, example_alerts(name))


def test_merged_partial_equals_the_partial_of_the_whole_frame() -> None:
    df = crisis_frame()
    whole = HourlyPartial.of(df, CONFIG)
    rng = np.random.default_rng(3)
    merged = merged_partial(random_chunks(df, rng, 5), CONFIG, rng)
    assert (merged.first, merged.last, merged.brands) == (whole.first, whole.last, whole.brands)
    for brand in whole.brands:
        pd.testing.assert_frame_equal(merged.counts[brand], whole.counts[brand])
        assert (merged.counts[brand].dtypes == "int64").all()
    counts = whole.counts["鲜果坊"]
    assert counts["rows"].sum() == len(df)
    assert counts["influential"].sum() == 2  # the official account's post never counts
    pd.testing.assert_frame_equal(signal_table_from(merged, CONFIG, "鲜果坊"),
                                  signal_table(df, CONFIG, "鲜果坊"))


def test_partials_that_cannot_be_merged_or_read_say_so() -> None:
    df = crisis_frame()
    part = HourlyPartial.of(df, CONFIG)
    with pytest.raises(ValueError, match="cannot be merged"):
        part.merge(HourlyPartial.of(df, CONFIG, until=hour(6, 0)))
    with pytest.raises(ValueError, match="cannot be merged"):
        part.merge(HourlyPartial.of(df, Config()))
    with pytest.raises(ValueError, match="different until"):
        detect_alerts_from(part, CONFIG, until=hour(6, 0), window_posts=frame_window_posts(df))
    with pytest.raises(ValueError, match="without brand '果多多'"):
        detect_alerts_from(part, CONFIG, brands=["果多多"], window_posts=frame_window_posts(df))
    other = replace(CONFIG, alerts=replace(AlertConfig(), truncated=replace(
        AlertConfig().truncated, from_minute=50)))
    with pytest.raises(ValueError, match="another alerts config"):
        detect_alerts_from(part, other, window_posts=frame_window_posts(df))
    empty = HourlyPartial.of(df.iloc[0:0], CONFIG)
    assert empty.first is None and part.merge(empty).counts["鲜果坊"].equals(
        part.counts["鲜果坊"])
    assert detect_alerts_from(empty, CONFIG, window_posts=frame_window_posts(df)).empty


# --- order independence -------------------------------------------------------------------

def test_row_order_does_not_change_the_alerts() -> None:
    df = crisis_frame()
    # Ties the old sort left to row position: the same minute, unknown ids, equal
    # engagement — only where the post came from tells them apart.
    tie = {"created_at": hour(5, 14) + pd.Timedelta(minutes=1), "label": "negative",
           "reposts": 2865, "comments": 514, "likes": 3477, "followers": 10_300_000,
           "text": "鲜果坊的山竹烂了，发霉长毛，退款被拒"}
    tied = timeline_frame([], extra=[{**tie, "author": "甲"}, {**tie, "author": "乙"}])
    tied["id"] = ""
    tied["source_file"] = "posts.csv"
    tied["source_line"] = [900_002, 900_001]  # 乙 comes first in its file
    df = pd.concat([df, tied], ignore_index=True)
    df.loc[df["author"] == "林夕说书", "id"] = ""
    df.loc[df["author"] == "林夕说书", "source_line"] = 900_003
    expected = detect_alerts(df, CONFIG)
    for seed in range(4):
        shuffled = df.iloc[np.random.default_rng(seed).permutation(len(df))]
        pd.testing.assert_frame_equal(detect_alerts(shuffled, CONFIG), expected)
        pd.testing.assert_frame_equal(
            detect_alerts(shuffled.reset_index(drop=True), CONFIG), expected)
    spike = expected[(expected["kind"] == "influential")
                     & (expected["fired"] == hour(5, 14))].iloc[0]
    assert spike["first_author"] == "乙" and spike["top_author"] == "乙"


@pytest.mark.parametrize("seed", range(3))
def test_named_posts_follow_the_total_order(seed: int) -> None:
    # Many negative posts tied on time and engagement in the spike hour: the first and
    # top post are the ones a full sort on every key puts first.
    rng = np.random.default_rng(seed)
    counts = daily(RHYTHM, 6)
    extra = [{"created_at": hour(5, 14) + pd.Timedelta(minutes=int(rng.integers(0, 3))),
              "label": "negative", "author": f"作者{rng.integers(0, 5)}",
              "likes": int(rng.integers(0, 3)), "text": f"鲜果坊烂了{rng.integers(0, 3)}",
              "followers": pd.NA if rng.random() < 0.3 else int(rng.integers(0, 3))}
             for _ in range(80)]
    df = timeline_frame(counts, extra=extra)
    df["id"] = [str(rng.integers(0, 4)) for _ in range(len(df))]
    df["source_file"] = "a.csv"
    df["source_line"] = rng.integers(0, 6, size=len(df))
    alerts = detect_alerts(df.iloc[rng.permutation(len(df))], CONFIG)
    vol = alerts[alerts["kind"] == "volume"].iloc[0]
    win = df[(df["created_at"] >= vol["start"]) & (df["created_at"] < vol["end"])
             & (df["label"] == "negative")]

    def first_by(order: Sequence[tuple[str, bool]]) -> pd.Series:
        return win.sort_values([c for c, _ in order], ascending=[a for _, a in order],
                               kind="stable", na_position="last").iloc[0]

    first, top = first_by(FIRST_ORDER), first_by(TOP_ORDER)
    for prefix, post in (("first", first), ("top", top)):
        assert vol[f"{prefix}_time"] == post["created_at"]
        assert vol[f"{prefix}_author"] == post["author"]
        assert vol[f"{prefix}_text"] == post["text"]
        assert vol[f"{prefix}_likes"] == post["likes"]
        f = vol[f"{prefix}_followers"]
        assert (f is None or (isinstance(f, float) and math.isnan(f))) if pd.isna(
            post["followers"]) else f == post["followers"]


# --- the second read: only the alerts' windows ---------------------------------------------

def test_window_posts_is_asked_for_alert_windows_only() -> None:
    df = crisis_frame()
    partial = HourlyPartial.of(df, CONFIG)
    calls: list = []
    alerts = detect_alerts_from(partial, CONFIG, window_posts=shuffled_windows(
        df, np.random.default_rng(0), calls))
    assert calls == alert_windows(partial, CONFIG)
    assert len(calls) == len(set(calls))  # each window read once, whatever alerts share it
    ends = alerts["end"].where(alerts["end"].notna(), None)
    found = {(b, s, e) for b, s, e in zip(alerts["brand"], alerts["start"], ends)}
    for brand, start, end in calls:
        assert (brand, start, end) in found
        assert end - start >= pd.Timedelta(hours=1) and start.minute == 0
    assert {(b, s) for b, s, _ in calls} == {(b, s) for b, s, _ in found}
    # A small part of the data: the few hours the alerts cover.
    assert sum((e - s) / pd.Timedelta(hours=1) for _, s, e in calls) <= 6

    # --since: alerts whose firings are all earlier need no posts.
    late: list = []
    since = hour(6, 0)
    kept = detect_alerts_from(partial, CONFIG, since=since, window_posts=shuffled_windows(
        df, np.random.default_rng(0), late))
    assert 0 < len(late) < len(calls)
    assert {(b, s) for b, s, _ in late} == set(zip(kept["brand"], kept["start"]))
    pd.testing.assert_frame_equal(kept, detect_alerts(df, CONFIG, since=since))

    # No alert, no read.
    quiet = timeline_frame(daily(RHYTHM, 8))
    none: list = []
    assert detect_alerts_from(HourlyPartial.of(quiet, CONFIG), CONFIG,
                              window_posts=shuffled_windows(quiet, np.random.default_rng(0),
                                                            none)).empty
    assert none == []


def test_window_posts_beyond_until_are_ignored() -> None:
    later = {"created_at": hour(5, 14) + pd.Timedelta(minutes=45), "label": "negative",
             "author": "后来者", "likes": 1_000_000, "reposts": 0, "text": "鲜果坊的榴莲也烂了"}
    df = pd.concat([crisis_frame(), timeline_frame([], extra=[later])], ignore_index=True)
    until = hour(5, 14) + pd.Timedelta(minutes=30)
    partial = HourlyPartial.of(df, CONFIG, until=until)
    # A careless second read that returns the whole hour, past --until.
    got = detect_alerts_from(partial, CONFIG, window_posts=shuffled_windows(
        df, np.random.default_rng(1)))
    expected = detect_alerts(df, CONFIG, until=until)
    pd.testing.assert_frame_equal(got, expected)
    assert expected["top_author"].tolist()[0] == "林夕说书"  # 后来者 came after --until
    assert "后来者" in detect_alerts(df, CONFIG)["top_author"].tolist()
    # A second read that returns whole blocks of a brand's posts is as good.
    got = detect_alerts_from(partial, CONFIG, window_posts=lambda b, s, e: brand_rows(df, b))
    pd.testing.assert_frame_equal(got, expected)


# --- the vectorised baseline is the hour-by-hour one ---------------------------------------

def loop_baseline(x: np.ndarray, alerts: AlertConfig) -> tuple[np.ndarray, np.ndarray]:
    """The baseline as first written, one hour at a time: the reference."""
    rule = alerts.volume
    n = len(x)
    base = np.full(n, np.nan)
    for i in range(min(alerts.min_history_hours, n), n):
        days = [x[i - 24 * k] for k in range(1, rule.baseline_days + 1) if i - 24 * k >= 0]
        if len(days) >= max(rule.min_baseline_days, 1):
            b = float(np.median(days))
        else:
            window = x[max(0, i - rule.fallback_hours):i]
            b = float(np.median(window)) if len(window) else math.nan
        weeks = [x[i - 168 * k] for k in range(1, rule.weeks + 1) if i - 168 * k >= 0]
        if weeks:
            b = max(b, float(np.median(weeks)))
        base[i] = b
    resid = x - base
    spread = np.full(n, np.nan)
    for i in range(n):
        if np.isnan(base[i]):
            continue
        window = resid[max(0, i - rule.spread_hours):i]
        window = window[~np.isnan(window)]
        mad = float(np.median(np.abs(window - np.median(window)))) if len(window) else 0.0
        spread[i] = max(1.4826 * mad, math.sqrt(max(base[i], 1.0)))
    return base, spread


@pytest.mark.parametrize("alerts", [
    AlertConfig(),
    replace(AlertConfig(), min_history_hours=0),
    replace(AlertConfig(), volume=replace(VolumeRule(), baseline_days=1, min_baseline_days=3,
                                          fallback_hours=30, weeks=0, spread_hours=5)),
    replace(AlertConfig(), min_history_hours=500,
            volume=replace(VolumeRule(), baseline_days=3, min_baseline_days=0, weeks=2)),
])
def test_vectorised_baseline_gives_the_loops_numbers(alerts: AlertConfig) -> None:
    rng = np.random.default_rng(5)
    for n in (0, 1, 23, 24, 25, 169, 1200):
        for x in (rng.poisson(4, n).astype(float), rng.normal(0, 3, n)):
            with np.errstate(invalid="ignore"):
                expected = loop_baseline(x, alerts)
            got = volume_baseline(x, alerts)
            for e, g in zip(expected, got):
                np.testing.assert_array_equal(g, e)  # bit for bit, NaN where NaN


def test_each_row_carries_the_numbers_of_the_hour_that_fired_it() -> None:
    from brandscan.analyze.alerts import detect_alerts as detect
    from brandscan.config import load_config
    from brandscan.load.posts import load_posts
    from brandscan.text.scoring import analyse
    from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

    config = load_config(CONFIG_EXAMPLE)
    scored = analyse(load_posts([EXAMPLES / "crisis_weibo_search.csv"]).posts, config)
    rows = detect(scored, config)
    volume = rows[(rows["kind"] == "volume") & (rows["start"] == pd.Timestamp(
        "2026-11-05 08:00", tz="Asia/Shanghai"))]
    new, doubled = volume.iloc[0], volume.iloc[1]
    assert (new["event"], doubled["event"]) == ("new", "doubled")
    # counted by hand from the file: the own posts naming 鲜果坊 in each hour
    own = scored[~scored["is_repost"].astype(bool)
                 & scored["brands"].str.split(";").apply(lambda b: "鲜果坊" in b)]
    per_hour = own.groupby(own["created_at"].dt.floor("h")).size()
    assert new["value"] == per_hour[new["fired"]] == 19
    assert doubled["value"] == per_hour[doubled["fired"]] == 39
    assert new["detail"].startswith("19 mentions in the hour from 11-05 08:00")
    assert new["detail"].endswith("; peak 39 mentions in the hour from 11-05 09:00")
    assert new["peak_value"] == doubled["peak_value"] == 39
    assert new["peak_period"] == doubled["fired"]
