"""Response time: from the first post of a negative spike to the brand's own first post."""

from __future__ import annotations

import pandas as pd

from brandscan.analyze.alerts import detect_alerts
from brandscan.analyze.response import incidents, response_times
from brandscan.config import Brand, Config, load_config
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES
from tests.test_alerts import RHYTHM, TZ, daily, hour, timeline_frame

CONFIG = Config(brands=(Brand("鲜果坊", official_accounts=("鲜果坊官方旗舰店", "7745120036")),))


def crisis_frame(reply_after_hours: float | None, *, by: str = "鲜果坊官方旗舰店"
                 ) -> pd.DataFrame:
    counts = daily(RHYTHM, 7)
    counts[5 * 24 + 14] = 60
    shares = [0.1] * len(counts)
    shares[5 * 24 + 14] = 0.9
    extra = []
    if reply_after_hours is not None:
        extra.append({"created_at": hour(5, 14) + pd.Timedelta(hours=reply_after_hours),
                      "label": "negative", "author": by, "author_id": "7745120036",
                      "text": "致歉声明：全额退款", "url": "https://w/apology",
                      "brands": ""})  # a reply need not name the brand
    return timeline_frame(counts, negative=shares, extra=extra)


def test_reply_within_target_is_met() -> None:
    df = crisis_frame(2.5)
    alerts = detect_alerts(df[df["brands"] != ""], CONFIG)
    rt = response_times(alerts, df, CONFIG)
    assert len(rt) == 1
    r = rt.iloc[0]
    assert r["incident_start"] == hour(5, 14)  # the first negative post of the spike hour
    assert r["delay_hours"] == 2.5 and r["status"] == "met" and r["target_hours"] == 24
    assert r["responder"] == "鲜果坊官方旗舰店" and r["response_url"] == "https://w/apology"


def test_late_reply_missed_and_matched_by_id() -> None:
    df = crisis_frame(30, by="改了名的官方号")
    alerts = detect_alerts(df[df["brands"] != ""], CONFIG)
    r = response_times(alerts, df, CONFIG).iloc[0]
    assert r["status"] == "missed" and r["delay_hours"] == 30
    assert response_times(alerts, df, CONFIG, target_hours=36).iloc[0]["status"] == "met"


def test_no_reply_yet() -> None:
    df = crisis_frame(None)
    alerts = detect_alerts(df, CONFIG)
    r = response_times(alerts, df, CONFIG).iloc[0]
    assert r["status"] == "no response" and pd.isna(r["delay_hours"])
    early = df[df["created_at"] < hour(5, 20)]
    assert response_times(detect_alerts(early, CONFIG), early, CONFIG).iloc[0][
        "status"] == "waiting"
    none = Config(brands=(Brand("鲜果坊"),))
    assert response_times(alerts, df, none).iloc[0]["status"] == "no official_accounts"


def test_positive_volume_spike_is_no_incident_to_answer() -> None:
    counts = daily(RHYTHM, 6)
    counts[5 * 24 + 14] = 60
    df = timeline_frame(counts)
    alerts = detect_alerts(df, CONFIG)
    assert len(alerts) == 1 and [i.negative for i in incidents(alerts, CONFIG)] == [False]
    assert response_times(alerts, df, CONFIG).empty


def test_example_apology_came_32_hours_after_the_viral_post() -> None:
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.text.scoring import analyse

    config = load_config(CONFIG_EXAMPLE)
    posts = load_posts([EXAMPLES / "crisis_weibo_search.csv"], LoadOptions()).posts
    alerts = detect_alerts(analyse(posts, config), config)
    rt = response_times(alerts, posts, config)
    first = rt.iloc[0]
    assert first["trigger_author"] == "林夕说书"
    assert first["incident_start"] == pd.Timestamp("2026-11-05 07:12", tz=TZ)
    assert first["responded_at"] == pd.Timestamp("2026-11-06 15:12", tz=TZ)
    assert first["delay_hours"] == 32.0 and first["status"] == "missed"


def official(after_hours: float, text: str, **kw: object) -> dict:
    return {"created_at": hour(5, 14) + pd.Timedelta(hours=after_hours), "label": "positive",
            "author": "鲜果坊官方旗舰店", "author_id": "7745120036", "text": text,
            "url": f"https://w/{after_hours}", "brands": "", **kw}


def promo_then(answer: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = daily(RHYTHM, 7)
    counts[5 * 24 + 14] = 60
    shares = [0.1] * len(counts)
    shares[5 * 24 + 14] = 0.9
    extra = [official(2.5, "双十一狂欢，车厘子买一送一，点击抢购"),  # marketing, no answer
             official(6, "今天的新品草莓到货啦"), answer]
    df = timeline_frame(counts, negative=shares, extra=extra)
    return df, detect_alerts(df[df["brands"] != ""], CONFIG)


def test_a_promotion_is_no_answer_the_apology_is() -> None:
    df, alerts = promo_then(official(14, "致歉声明：关于山竹腐烂，全额退款"))
    r = response_times(alerts, df, CONFIG).iloc[0]
    assert r["delay_hours"] == 14 and r["response_rule"] == "statement"
    assert r["status"] == "met" and r["response_url"] == "https://w/14"
    assert r["passed_over"] == 2
    assert r["passed_over_posts"].startswith(f"{hour(5, 14) + pd.Timedelta(hours=2.5):%m-%d %H:%M}"
                                             " 双十一狂欢，车厘子买一送一")


def test_a_post_naming_the_incidents_complaints_answers_it() -> None:
    df, alerts = promo_then(official(9, "山竹的问题我们已经在处理，客服会逐一联系"))
    # the alerts' complaint terms come from the negative posts: 山竹, 客服 …
    assert "客服" in "; ".join(alerts["terms"])
    r = response_times(alerts, df, CONFIG).iloc[0]
    assert (r["delay_hours"], r["response_rule"], r["passed_over"]) == (9, "terms", 2)


def test_a_reply_in_the_incidents_thread_answers_it() -> None:
    df, alerts = promo_then(official(5, "已私信您处理", kind="comment", parent_id="p1"))
    ids = {"p1"}
    r = response_times(alerts, df, CONFIG, threads=lambda inc: ids).iloc[0]
    assert (r["delay_hours"], r["response_rule"], r["passed_over"]) == (5, "reply", 1)
    # a reply under some other post is no answer
    other = response_times(alerts, df, CONFIG, threads=lambda inc: {"p2"}).iloc[0]
    assert other["status"] == "no response" and other["passed_over"] == 3
