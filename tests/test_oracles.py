"""Oracle tests: each analysis, run from the command line on a small hand-written input,
against numbers worked out by hand.

The other analysis tests compare engines or modules that share one implementation, so a
wrong formula in that implementation passes them all. These tests know the answer
independently of brandscan: every expected count, share and sum below is written out from
the input rows, in plain Python. Only the sentiment scores are brandscan's (a statistical
model decides them): each test reads every post's ``sentiment`` and ``label`` from
``brandscan posts --format csv``, checks that the texts got the labels the scenario
needs, and uses the scores as the input of the expected means. The aggregation is what is
checked, at the level a user sees it (the JSON output of each command), so the tests hold
whatever the internals become.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import weibo_search_csv

TZ = ZoneInfo("Asia/Shanghai")

# Texts whose labels under snownlp's bundled model were checked (each test checks again).
POSITIVE = "鲜果坊的芒果真甜，喜欢"  # ~0.96
NEUTRAL = "鲜果坊明天上新"  # ~0.58
NEGATIVE = "鲜果坊太差了，再也不买"  # ~0.05
OFF_TOPIC = "今天天气很好"  # names no brand: never counted

ONE_BRAND = """\
timezone: Asia/Shanghai
brands:
  - name: 鲜果坊
    official_accounts: [鲜果坊官方旗舰店]
"""

# Every alert setting, spelled out (these are the documented defaults), so that the
# expectations below follow from the config in front of the reader.
ALERT_SETTINGS = """\
alerts:
  cooldown_hours: 3
  refire_factor: 2
  min_history_hours: 24
  response_target_hours: 24
  dominant_share: 0.4
  volume:
    baseline_days: 7
    min_baseline_days: 2
    fallback_hours: 24
    weeks: 4
    spread_hours: 72
    z_watch: 4
    z_spike: 6
    min_ratio: 2
    min_excess: 10
    min_count: 10
    crisis_negative_rise: 0.2
  negative:
    rise: 0.2
    min_posts: 20
    days: 7
    confidence_z: 1.96
  influential:
    followers: 1000000
    verified: [金V, 红V]
    reposts: 1000
"""

Row = tuple[str, str, str, str, str, str, str]  # id, author, text, reposts, comments, likes, time


# --- running the CLI ----------------------------------------------------------------------

#: The scenarios' labels were checked under snownlp's model (one option away from the
#: default): what is tested here is the aggregation, whatever model labels the posts.
MODEL = "sentiment:\n  model: snownlp\n"


def config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "brandscan.yaml"
    path.write_text(text + ("" if "sentiment:" in text else MODEL), encoding="utf-8")
    return str(path)


def run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def run_json(runner: CliRunner, *args: str) -> Any:
    return json.loads(run(runner, *args, "--format", "json"))


def scores(runner: CliRunner, files: list[str], cfg: str) -> dict[str, tuple[float, str]]:
    """Each brand post's (sentiment, label) by id, from ``brandscan posts``: the per-post
    input of the expected numbers."""
    out = run(runner, "posts", *files, "--config", cfg, "--format", "csv")
    return {r["id"]: (float(r["sentiment"]), r["label"])
            for r in csv.DictReader(io.StringIO(out))}


def check_labels(scored: dict[str, tuple[float, str]], rows: list[Row],
                 skip: tuple[str, ...] = (OFF_TOPIC,)) -> None:
    """The scenario's texts have the labels it was written for (and only brand posts are
    scored)."""
    want = {POSITIVE: "positive", NEUTRAL: "neutral", NEGATIVE: "negative"}
    expected = {pid: want[text] for pid, _, text, *_ in rows if text not in skip}
    assert {pid: label for pid, (_, label) in scored.items()} == expected


def mean(scored: dict[str, tuple[float, str]], *ids: str) -> float:
    return math.fsum(scored[i][0] for i in ids) / len(ids)


def approx(x: float) -> Any:
    return pytest.approx(x, rel=1e-12, abs=1e-15)


def at(text: str) -> str:
    """A local (Asia/Shanghai) time as the JSON output writes it."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ).isoformat()


def period(start: str, mentions: int, positive: int, neutral: int, negative: int,
           mean_sentiment: float | None, engagement: int) -> dict[str, Any]:
    """One expected timeline row; negative_share is negative / mentions, null (no share)
    when the period is empty."""
    return {"period": at(start), "mentions": mentions, "positive": positive,
            "neutral": neutral, "negative": negative,
            "negative_share": approx(negative / mentions) if mentions else None,
            "mean_sentiment": None if mean_sentiment is None else approx(mean_sentiment),
            "engagement": engagement}


# --- timeline -----------------------------------------------------------------------------

# 2026-11-01 is a Sunday. Engagement (reposts + comments + likes) is a power of two per
# post, so every sum names the posts in it.
TIMELINE_ROWS: list[Row] = [
    ("1", "甲", POSITIVE, "1", "0", "0", "2026-11-01 23:30"),  # Sunday night: last week
    ("2", "乙", NEGATIVE, "0", "2", "0", "2026-11-02 00:00"),  # Monday midnight: this week
    ("3", "丙", NEUTRAL, "0", "0", "4", "2026-11-02 00:50"),
    ("9", "戊", OFF_TOPIC, "0", "0", "1000", "2026-11-02 00:30"),  # no brand: not counted
    ("4", "甲", POSITIVE, "3", "3", "2", "2026-11-02 02:00"),
    ("5", "乙", NEGATIVE, "16", "16", "0", "2026-11-04 09:15"),  # 11-03 has no post
]


@pytest.fixture
def timeline_input(tmp_path: Path, runner: CliRunner
                   ) -> tuple[str, str, dict[str, tuple[float, str]]]:
    data = str(weibo_search_csv(tmp_path / "posts.csv", TIMELINE_ROWS))
    cfg = config(tmp_path, ONE_BRAND)
    scored = scores(runner, [data], cfg)
    check_labels(scored, TIMELINE_ROWS)
    return data, cfg, scored


def test_timeline_per_day_with_an_empty_day(runner: CliRunner, timeline_input: Any) -> None:
    data, cfg, s = timeline_input
    got = run_json(runner, "timeline", data, "--config", cfg, "--interval", "day")
    assert got == [
        period("2026-11-01", 1, 1, 0, 0, mean(s, "1"), 1),
        period("2026-11-02", 3, 1, 1, 1, mean(s, "2", "3", "4"), 2 + 4 + 8),
        period("2026-11-03", 0, 0, 0, 0, None, 0),
        period("2026-11-04", 1, 0, 0, 1, mean(s, "5"), 32),
    ]


def test_timeline_weeks_start_monday_midnight_in_shanghai(runner: CliRunner,
                                                          timeline_input: Any) -> None:
    # Monday 00:00 in Shanghai is Sunday 16:00 UTC: a week cut in UTC would put posts 2
    # and 3 with post 1.
    data, cfg, s = timeline_input
    got = run_json(runner, "timeline", data, "--config", cfg, "--interval", "week")
    assert got == [
        period("2026-10-26", 1, 1, 0, 0, mean(s, "1"), 1),
        period("2026-11-02", 4, 1, 1, 2, mean(s, "2", "3", "4", "5"), 2 + 4 + 8 + 32),
    ]


def test_timeline_window_is_half_open(runner: CliRunner, timeline_input: Any) -> None:
    # [00:00, 02:00): post 2 at exactly 00:00 is in, post 4 at exactly 02:00 is out, and
    # the window's empty 01:00 hour is a row of zeros.
    data, cfg, s = timeline_input
    got = run_json(runner, "timeline", data, "--config", cfg, "--interval", "hour",
                   "--since", "2026-11-02 00:00", "--until", "2026-11-02 02:00")
    assert got == [
        period("2026-11-02 00:00", 2, 0, 1, 1, mean(s, "2", "3"), 2 + 4),
        period("2026-11-02 01:00", 0, 0, 0, 0, None, 0),
    ]


# --- report -------------------------------------------------------------------------------

def test_report_headline(runner: CliRunner, tmp_path: Path, timeline_input: Any) -> None:
    data, cfg, _ = timeline_input
    # One comment (MediaCrawler's Weibo comment layout) on top of the five brand posts.
    when = int(datetime(2026, 11, 2, 10, 30, tzinfo=TZ).timestamp())
    comment = tmp_path / "comments.jsonl"
    comment.write_text(json.dumps({
        "comment_id": "c1", "note_id": "2", "content": POSITIVE, "create_time": when,
        "nickname": "评论人", "user_id": "77", "comment_like_count": 60,
        "sub_comment_count": 4}, ensure_ascii=False) + "\n", encoding="utf-8")
    s = scores(runner, [data, str(comment)], cfg)
    assert s["c1"][1] == "positive"
    rep = run_json(runner, "report", data, str(comment), "--config", cfg)
    h = rep["headline"]
    # Posts 1-5 and the comment; the off-topic post is no mention.
    assert (h["mentions"], h["posts"], h["comments"]) == (6, 5, 1)
    assert h["authors"] == 4  # 甲 (posts 1, 4), 乙 (2, 5), 丙 (3), 评论人
    assert h["negative_share"] == approx(2 / 6)  # posts 2 and 5
    assert h["mean_sentiment"] == approx(mean(s, "1", "2", "3", "4", "5", "c1"))
    assert h["engagement"] == 1 + 2 + 4 + 8 + 32 + 64
    assert h["first"] == at("2026-11-01 23:30") and h["last"] == at("2026-11-04 09:15")
    # 2 days 9h45 of posts: hours. The busiest hour is 11-02 00:00 (posts 2 and 3).
    assert rep["interval"] == "hour"
    assert (h["peak_period"], h["peak_mentions"]) == (at("2026-11-02 00:00"), 2)
    assert len(rep["timeline"]) == 1 + 24 + 24 + 10  # 11-01 23:00 to 11-04 09:00
    assert sum(r["mentions"] for r in rep["timeline"]) == 6


@pytest.mark.parametrize(("span", "interval"), [
    (timedelta(days=3), "hour"),  # up to three days: hours
    (timedelta(days=3, minutes=1), "day"),
    (timedelta(weeks=10), "day"),  # up to ten weeks: days
    (timedelta(weeks=10, minutes=1), "week"),
], ids=["3d", "3d+1min", "10w", "10w+1min"])
def test_report_picks_the_interval_from_the_span(runner: CliRunner, tmp_path: Path,
                                                span: timedelta, interval: str) -> None:
    first = datetime(2026, 9, 1, 0, 0)
    rows: list[Row] = [("1", "甲", POSITIVE, "0", "0", "1", f"{first:%Y-%m-%d %H:%M}"),
                       ("2", "乙", POSITIVE, "0", "0", "1", f"{first + span:%Y-%m-%d %H:%M}")]
    data = str(weibo_search_csv(tmp_path / "posts.csv", rows))
    rep = run_json(runner, "report", data, "--config", config(tmp_path, ONE_BRAND))
    assert rep["interval"] == interval
    assert rep["headline"]["mentions"] == 2


# --- complaints ---------------------------------------------------------------------------

def test_complaints(runner: CliRunner, tmp_path: Path) -> None:
    # Four negative opinions by four authors; 退款 is in three of them (twice in post 1:
    # counted once), 客服 in two: too few for a complaint term (3 posts by 2 authors).
    # Every other word of the negative posts is in one post only. The positive post 4
    # holds both words and is the most engaging post of all: it is the one "other
    # opinion" using 退款 (of four: posts 6 and 7 praise other things), never an example.
    texts = {
        "1": "鲜果坊退款退款，客服客服，垃圾",
        "2": "鲜果坊要退款，客服不理人，失望",
        "3": "鲜果坊退款太慢，生气",
        "4": "鲜果坊客服很好，退款很快，满意",
        "5": NEGATIVE,
        "6": "鲜果坊的芒果很甜，包装用心，推荐",
        "7": "鲜果坊荔枝新鲜好吃，物流也快，喜欢",
    }
    rows: list[Row] = [
        ("1", "甲", texts["1"], "0", "0", "10", "2026-11-02 10:00"),
        ("2", "乙", texts["2"], "0", "20", "30", "2026-11-02 11:00"),
        ("3", "丙", texts["3"], "100", "50", "50", "2026-11-02 12:00"),
        ("4", "丁", texts["4"], "9000", "0", "1000", "2026-11-02 13:00"),
        ("5", "戊", texts["5"], "0", "0", "5", "2026-11-02 14:00"),
        ("6", "己", texts["6"], "0", "0", "1", "2026-11-02 15:00"),
        ("7", "庚", texts["7"], "0", "0", "1", "2026-11-02 16:00"),
    ]
    data = str(weibo_search_csv(tmp_path / "posts.csv", rows))
    cfg = config(tmp_path, ONE_BRAND)
    labels = {pid: label for pid, (_, label) in scores(runner, [data], cfg).items()}
    assert labels == {"1": "negative", "2": "negative", "3": "negative", "4": "positive",
                      "5": "negative", "6": "positive", "7": "positive"}
    got = run_json(runner, "complaints", data, "--config", cfg)
    assert len(got) == 1 and got[0]["score"] > 0
    assert {k: v for k, v in got[0].items() if k != "score"} == {
        "rank": 1, "term": "退款", "category": "退款/退货", "negative_posts": 3,
        "authors": 3, "other_posts": 1, "share": approx(3 / 4),
        "engagement": 10 + 50 + 200, "example": texts["3"]}
    # Per category: 退款/退货 in posts 1, 2, 3; 客服 in 1 and 2 (客服 is a 客服 word, 退款 a
    # 退款/退货 word; "不理人"/"垃圾"/"生气" name no category); post 4 is positive.
    by = run_json(runner, "complaints", data, "--config", cfg, "--by", "category")
    assert [(r["category"], r["negative_posts"], r["engagement"], r["example"])
            for r in by[:2]] == [("退款/退货", 3, 10 + 50 + 200, texts["3"]),
                                 ("客服", 2, 10 + 50, texts["2"])]
    assert by[0]["share"] == approx(3 / 4) and by[1]["share"] == approx(2 / 4)
    # the report's verdict names the two biggest categories with their top terms (客服
    # has none: too few posts)
    rep = run_json(runner, "report", data, "--config", cfg)
    assert rep["verdict"].endswith("complaints are about 退款/退货 (退款), 客服.")
    assert rep["complaint_categories"][:2] == by[:2]


# --- share of voice -----------------------------------------------------------------------

SOV_ROWS: list[Row] = [
    ("1", "甲", POSITIVE, "1", "0", "0", "2026-11-02 10:00"),
    ("2", "乙", "鲜果坊的山竹很好吃，非常满意，推荐", "0", "2", "0", "2026-11-02 11:00"),
    ("3", "丙", NEGATIVE, "0", "0", "4", "2026-11-02 12:00"),
    ("4", "丁", "果多多退款难，客服差劲，失望", "8", "0", "0", "2026-11-04 09:00"),
    ("5", "戊", "果多多和鲜果坊都开门了", "0", "16", "0", "2026-11-04 10:00"),  # both brands
    ("6", "己", OFF_TOPIC, "0", "0", "64", "2026-11-04 11:00"),
]
SOV_LABELS = {"1": "positive", "2": "positive", "3": "negative", "4": "negative",
              "5": "neutral"}


def test_share_of_voice(runner: CliRunner, tmp_path: Path) -> None:
    # 鲜果坊: posts 1, 2, 3, 5 (2 positive, 1 neutral, 1 negative); 果多多: posts 4, 5
    # (1 neutral, 1 negative). Post 5 counts for both: 6 mentions in all.
    data = str(weibo_search_csv(tmp_path / "posts.csv", SOV_ROWS))
    cfg = config(tmp_path, "brands:\n  - name: 鲜果坊\n  - name: 果多多\n")
    s = scores(runner, [data], cfg)
    assert {pid: label for pid, (_, label) in s.items()} == SOV_LABELS

    def row(brand: str, mentions: int, share: float | None, pos: int, neu: int, neg: int,
            sentiment: float | None, engagement: int) -> dict[str, Any]:
        return {"brand": brand, "mentions": mentions,
                "share_of_voice": None if share is None else approx(share),
                "positive": pos, "neutral": neu, "negative": neg,
                "net_sentiment": approx((pos - neg) / mentions) if mentions else None,
                "mean_sentiment": None if sentiment is None else approx(sentiment),
                "engagement": engagement}

    total = run_json(runner, "sov", data, "--config", cfg, "--interval", "total")
    assert total == [
        row("鲜果坊", 4, 4 / 6, 2, 1, 1, mean(s, "1", "2", "3", "5"), 1 + 2 + 4 + 16),
        row("果多多", 2, 2 / 6, 0, 1, 1, mean(s, "4", "5"), 8 + 16),
    ]
    assert total[0]["net_sentiment"] == approx(0.25) and total[1]["net_sentiment"] == -0.5

    days = run_json(runner, "sov", data, "--config", cfg, "--interval", "day")
    assert days == [
        {"period": at("2026-11-02"), **row("鲜果坊", 3, 1.0, 2, 0, 1, mean(s, "1", "2", "3"),
                                           1 + 2 + 4)},
        {"period": at("2026-11-02"), **row("果多多", 0, 0.0, 0, 0, 0, None, 0)},
        # Nobody was mentioned on the 3rd: no brand has a share of it.
        {"period": at("2026-11-03"), **row("鲜果坊", 0, None, 0, 0, 0, None, 0)},
        {"period": at("2026-11-03"), **row("果多多", 0, None, 0, 0, 0, None, 0)},
        {"period": at("2026-11-04"), **row("鲜果坊", 1, 1 / 3, 0, 1, 0, mean(s, "5"), 16)},
        {"period": at("2026-11-04"), **row("果多多", 2, 2 / 3, 0, 1, 1, mean(s, "4", "5"),
                                           8 + 16)},
    ]


# --- alerts -------------------------------------------------------------------------------

START = datetime(2026, 10, 5, 0, 0)  # a Monday


def hourly_rows(burst: int, *, text: str = POSITIVE, quiet_hours: int = 80) -> list[Row]:
    """One post at :10 of every hour for ``quiet_hours`` hours, then ``burst`` posts (at
    :05, :06, ...) in the next hour."""
    rows: list[Row] = []
    for h in range(quiet_hours):
        when = START + timedelta(hours=h, minutes=10)
        rows.append((f"q{h}", f"常客{h % 5}", POSITIVE, "0", "0", "1",
                     f"{when:%Y-%m-%d %H:%M}"))
    for j in range(burst):
        when = START + timedelta(hours=quiet_hours, minutes=5 + j)
        rows.append((f"b{j}", f"网友{j}", text, "0", "1", "1", f"{when:%Y-%m-%d %H:%M}"))
    return rows


# How the expectations follow from README's rules and the settings above, for the hour
# 10-08 08:00 (position 80 of the hourly series, the burst; every earlier hour holds 1):
# - baseline b = median of the same hour on the previous <= 7 days: hours 56, 32 and 8,
#   each 1 (3 days >= min_baseline_days 2), so b = 1; no earlier week exists, so the
#   same-hour-of-week cross-check has nothing to raise it with.
# - spread = max(1.4826 * MAD of the residuals over the 72 h before, sqrt(max(b, 1))):
#   every earlier hour with a baseline has count 1 = its baseline (1), so the residuals
#   and their MAD are 0, and the spread is sqrt(1) = 1.
# - z = (x - 1) / 1. The hour alerts when z >= 4 and x >= max(2b, b + 10) = 11 and
#   x >= 10; z >= 6 is a spike. All posts are positive, so it is no crisis, and no
#   negative or influential alert can fire.
#   x = 11: z = 10, every guard passes: one volume spike, fired at 08:00 ("new").
#   x = 10: z = 9, but 10 < b + 10 = 11: nothing.
#   x = 1 (flat): z = 0: nothing. Every earlier hour is flat too (count = baseline).
@pytest.mark.parametrize(("burst", "fires"), [(11, True), (10, False), (1, False)],
                         ids=["burst-11-fires", "burst-10-below-b+10", "flat"])
def test_volume_alert(runner: CliRunner, tmp_path: Path, burst: int, fires: bool) -> None:
    rows = hourly_rows(burst)
    data = str(weibo_search_csv(tmp_path / "posts.csv", rows))
    cfg = config(tmp_path, ONE_BRAND + ALERT_SETTINGS)
    check_labels(scores(runner, [data], cfg), rows)
    out = run(runner, "alerts", data, "--config", cfg, "--format", "json")
    if not fires:
        assert out.strip() == ""  # quiet when nothing fires
        return
    alerts = json.loads(out)
    assert len(alerts) == 1
    a = alerts[0]
    assert (a["brand"], a["kind"], a["severity"], a["event"]) == (
        "鲜果坊", "volume", "spike", "new")
    assert a["fired"] == a["start"] == a["peak_period"] == at("2026-10-08 08:00")
    assert (a["peak_value"], a["baseline"], a["z"]) == (11, 1, approx(10.0))
    assert a["negative_share"] == 0.0
    assert a["first_time"] == at("2026-10-08 08:05")  # a positive spike: its first post


# --- response time ------------------------------------------------------------------------

# The same quiet series (one positive post an hour for 80 hours), then 20 negative posts
# at 10-08 08:05..08:24. By the rules above b = 1, spread 1, z = 19 >= 6: a spike, and its
# negative share (100 %) is more than 20 points above the trailing week's (0 %): a volume
# crisis, i.e. a negative spike. Its first triggering post is the 08:05 one. The brand's
# official account posted once before (ignored: the response comes after the incident
# starts) and once `delay` hours after 08:05, without naming the brand (a reply need not).
@pytest.mark.parametrize(("delay", "status"), [(5.5, "met"), (30.0, "missed")])
def test_response_time(runner: CliRunner, tmp_path: Path, delay: float, status: str) -> None:
    rows = hourly_rows(20, text=NEGATIVE)
    incident = START + timedelta(hours=80, minutes=5)
    answer = incident + timedelta(hours=delay)
    rows += [("o1", "鲜果坊官方旗舰店", "周末水果上新啦", "0", "0", "3", "2026-10-06 10:30"),
             ("o2", "鲜果坊官方旗舰店", "致歉声明：我们已联系每一位顾客", "5", "5", "5",
              f"{answer:%Y-%m-%d %H:%M}")]
    data = str(weibo_search_csv(tmp_path / "posts.csv", rows))
    cfg = config(tmp_path, ONE_BRAND + ALERT_SETTINGS)
    check_labels(scores(runner, [data], cfg), rows, skip=("周末水果上新啦",
                                                          "致歉声明：我们已联系每一位顾客"))
    rep = run_json(runner, "report", data, "--config", cfg)
    assert {(a["kind"], a["severity"]) for a in rep["alerts"]} >= {("volume", "crisis")}
    assert len(rep["response_times"]) == 1
    r = rep["response_times"][0]
    assert r["brand"] == "鲜果坊"
    assert (r["incident_start"], r["trigger_author"]) == (at("2026-10-08 08:05"), "网友0")
    assert r["responded_at"] == at(f"{answer:%Y-%m-%d %H:%M}")
    assert r["responder"] == "鲜果坊官方旗舰店"
    assert (r["delay_hours"], r["target_hours"], r["status"]) == (delay, 24, status)


# --- influencers --------------------------------------------------------------------------

def test_influencers_rank_by_followers_else_engagement(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    # Reach is followers when known, else the author's summed engagement:
    #   大号 50,000 followers; 路人甲 no followers, 100 + 200 + 600 = 900 engagement;
    #   小号 800 followers (its 5,000 engagement does not count); 路人乙 601 engagement.
    # 名人's post names no brand: not in the table, whatever their followers.
    data = tmp_path / "posts.csv"
    data.write_text(
        "id,author,author_id,text,created_at,followers,reposts,comments,likes\n"
        f"1,大号,a1,{POSITIVE},2026-11-02 10:00,50000,5,3,2\n"
        f"2,大号,a1,{NEGATIVE},2026-11-02 11:00,50000,10,5,5\n"
        f"3,小号,a2,{NEUTRAL},2026-11-02 12:00,800,900,100,4000\n"
        f"4,路人甲,a3,{POSITIVE},2026-11-02 13:00,,100,0,0\n"
        f"5,路人甲,a3,{NEGATIVE},2026-11-02 14:00,,0,200,0\n"
        f"6,路人甲,a3,{NEUTRAL},2026-11-02 15:00,,0,0,600\n"
        f"7,路人乙,a4,{NEGATIVE},2026-11-02 16:00,,1,0,600\n"
        f"8,名人,a5,{OFF_TOPIC},2026-11-02 17:00,9000000,5000,0,0\n",
        encoding="utf-8")
    cfg = config(tmp_path, ONE_BRAND)
    s = scores(runner, [str(data)], cfg)
    assert {pid: label for pid, (_, label) in s.items()} == {
        "1": "positive", "2": "negative", "3": "neutral", "4": "positive", "5": "negative",
        "6": "neutral", "7": "negative"}
    got = run_json(runner, "influencers", str(data), "--config", cfg)
    keys = ("rank", "author", "author_id", "followers", "reach", "reach_basis", "posts",
            "engagement", "mean_sentiment", "negative_posts", "top_post_engagement",
            "top_post_text")
    assert [{k: r[k] for k in keys} for r in got] == [
        dict(zip(keys, (1, "大号", "a1", 50000, 50000, "followers", 2, 30,
                        approx(mean(s, "1", "2")), 1, 20, NEGATIVE))),
        dict(zip(keys, (2, "路人甲", "a3", None, 900, "engagement", 3, 900,
                        approx(mean(s, "4", "5", "6")), 1, 600, NEUTRAL))),
        dict(zip(keys, (3, "小号", "a2", 800, 800, "followers", 1, 5000,
                        approx(mean(s, "3")), 0, 5000, NEUTRAL))),
        dict(zip(keys, (4, "路人乙", "a4", None, 601, "engagement", 1, 601,
                        approx(mean(s, "7")), 1, 601, NEGATIVE))),
    ]
