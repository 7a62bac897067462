"""Complaint terms: distinctive (log-odds against the other opinions), said by enough
voices (near copies and one author count once), phrases over fragments, examples by
different authors — every expected value worked out by hand here."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brandscan.analyze.complaints import Terms, complaints
from brandscan.analyze.log_odds import PRIOR_WEIGHT, log_odds_z
from brandscan.analyze.partial import sort_posts
from brandscan.config import Config, parse_config
from brandscan.errors import BrandscanError
from brandscan.text.copies import copy_groups, shingles

TZ = "Asia/Shanghai"
CONFIG = Config()
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def z_by_hand(yi: list[float], yj: list[float], k: int) -> float:
    """Monroe et al. (2008) eq. 16-22 for word k, prior = PRIOR_WEIGHT x both groups."""
    a = [PRIOR_WEIGHT * (x + y) for x, y in zip(yi, yj)]
    a0, ni, nj = sum(a), sum(yi), sum(yj)
    li = (yi[k] + a[k]) / (ni + a0 - yi[k] - a[k])
    lj = (yj[k] + a[k]) / (nj + a0 - yj[k] - a[k])
    return (math.log(li) - math.log(lj)) / math.sqrt(1 / (yi[k] + a[k]) + 1 / (yj[k] + a[k]))


def test_log_odds_z_is_monroe_et_al_with_the_runs_own_prior() -> None:
    yi, yj = [4, 1, 1, 3, 0], [1, 0, 0, 30, 12]
    z = log_odds_z(np.array(yi), np.array(yj))
    for k in range(5):
        assert z[k] == pytest.approx(z_by_hand(yi, yj, k), rel=1e-12)
    assert z[0] > 0 > z[3]  # used mostly by group i / mostly by group j


def test_shingles_see_a_shared_run_of_twelve_characters_of_own_words() -> None:
    base = "电池包过热以后整车断电方向盘锁死"  # 16 characters
    copy = f"@某某 {base}！！ http://t.cn/x 2024"  # same words, other @name, link, digits
    near = "电池包过热以后整车断电"  # 11 characters: too short to share a run
    owner, hashes = shingles([base, copy, near])
    runs = {i: set(hashes[owner == i].tolist()) for i in range(3)}
    assert len(runs[0]) == 16 - 12 + 1
    assert runs[0] == runs[1]
    assert not runs[2]


def test_copy_groups_join_copies_of_copies() -> None:
    # posts 0-1 share shingle 7, 1-3 share 9, post 2 shares nothing, post 4 has none
    owner = np.array([0, 1, 1, 3, 2])
    shingle = np.array([7, 7, 9, 9, 5], dtype=np.uint64)
    assert copy_groups(5, owner, shingle).tolist() == [0, 0, 2, 0, 4]


def frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Scored opinions from (text, author, label, engagement) rows, one minute apart."""
    start = pd.Timestamp("2026-11-02 08:00", tz=TZ)
    return pd.DataFrame({
        "engagement": [r[3] for r in rows],
        "created_at": [start + pd.Timedelta(minutes=i) for i in range(len(rows))],
        "source_file": "a.csv", "source_line": range(2, len(rows) + 2), "kind": "post",
        "id": [str(i) for i in range(len(rows))], "text": [r[0] for r in rows],
        "author": [r[1] for r in rows], "url": "", "label": [r[2] for r in rows],
    })


def terms_of(posts: pd.DataFrame, uses: dict[int, list[str]]) -> Terms:
    """The partial of ``posts`` with the terms given per row (no segmentation)."""
    ordered = sort_posts(posts)
    position = {old: new for new, old in enumerate(ordered.index)}
    term = [t for i in sorted(uses) for t in uses[i]]
    row = [position[i] for i in sorted(uses) for _ in uses[i]]
    negative = (ordered["label"] == "negative").to_numpy()
    return Terms._of_pairs(ordered.reset_index(drop=True), negative,
                           np.array(term, dtype=object), np.array(row))


COPIED = "客服说三天内一定给答复结果一个月了没人理"  # 19 characters of own words


def ranking_case() -> tuple[pd.DataFrame, dict[int, list[str]]]:
    rows = [
        ("甲的车停着就着火了", "甲", "negative", 50),   # 0 火
        ("乙的车也起了火", "乙", "negative", 40),        # 1 火
        ("丙家楼下又一辆车冒烟", "丙", "negative", 30),   # 2 火
        ("丁说电池热失控", "丁", "negative", 20),         # 3 火
        ("一号帖子", "戊", "negative", 5),               # 4 独角
        ("二号帖子", "戊", "negative", 5),               # 5 独角
        ("三号帖子", "戊", "negative", 5),               # 6 独角
        (COPIED, "己", "negative", 3),                    # 7 复制
        (f"转发 {COPIED}", "庚", "negative", 3),          # 8 复制 (a near copy)
        (f"{COPIED}！！", "辛", "negative", 3),           # 9 复制 (a near copy)
    ]
    uses = {0: ["火", "车"], 1: ["火", "车"], 2: ["火", "车"], 3: ["火"],
            4: ["独角"], 5: ["独角"], 6: ["独角"], 7: ["复制"], 8: ["复制"], 9: ["复制"]}
    for i in range(30):
        rows.append((f"其他意见{i}", f"路人{i}", "positive" if i % 2 else "neutral", 1))
        uses[len(rows) - 1] = ["车"] + (["火"] if i == 0 else [])
    return frame(rows), uses


def test_a_term_needs_enough_voices_and_to_belong_to_the_negative_opinions() -> None:
    posts, uses = ranking_case()
    table = terms_of(posts, uses).top(CONFIG, 10)
    # 独角: one author; 复制: three accounts but one group of near copies; 车: in 3 of 10
    # negative opinions but 30 of 30 others. Only 火 is a complaint term.
    assert table["term"].tolist() == ["火"]
    row = table.iloc[0]
    assert (row["negative_posts"], row["authors"], row["other_posts"]) == (4, 4, 1)
    assert row["share"] == pytest.approx(4 / 10)
    assert row["engagement"] == 50 + 40 + 30 + 20
    assert row["example"] == "甲的车停着就着火了"  # the most engaging
    # per term: min(near-copy groups, authors) among negatives, and other opinions:
    # 火 (4, 1), 车 (3, 30), 独角 (min(3, 1) = 1, 0), 复制 (min(1, 3) = 1, 0)
    assert row["score"] == round(z_by_hand([4, 3, 1, 1], [1, 30, 0, 0], 0), 2)


def test_minimums_come_from_the_config() -> None:
    posts, uses = ranking_case()
    loose = replace(CONFIG, min_term_posts=1, min_term_authors=1)
    terms = terms_of(posts, uses).top(loose, 10)["term"].tolist()
    assert terms[0] == "火" and set(terms) == {"火", "独角", "复制"}
    config = parse_config("complaints:\n  min_posts: 5\n  min_authors: 3\n")
    assert (config.min_term_posts, config.min_term_authors) == (5, 3)
    assert terms_of(posts, uses).top(config, 10).empty
    with pytest.raises(BrandscanError, match="min_posts"):
        parse_config("complaints:\n  min_posts: 0\n")


def test_posts_without_an_author_are_each_their_own_voice() -> None:
    # an export with no author column: three negative posts with 火 still make a term
    rows = [("停着就着火了", "", "negative", 3), ("也起了火", "", "negative", 2),
            ("楼下又着火冒烟", "", "negative", 1), ("挺好", "", "positive", 1),
            ("不错", "", "positive", 1)]
    uses = {0: ["火"], 1: ["火"], 2: ["火"], 3: ["好"], 4: ["好"]}
    table = terms_of(frame(rows), uses).top(CONFIG, 5)
    assert table["term"].tolist() == ["火"] and table["authors"].tolist() == [3]


def test_examples_of_the_top_list_come_from_different_authors() -> None:
    rows = [("甲说电池和刹车都有问题", "甲", "negative", 100),
            ("乙说电池不行", "乙", "negative", 10), ("丙说电池差", "丙", "negative", 9),
            ("丁说刹车软", "丁", "negative", 8), ("戊说刹车响", "戊", "negative", 7),
            ("己的意见", "己", "positive", 1)]
    uses = {0: ["电池", "刹车"], 1: ["电池"], 2: ["电池"], 3: ["刹车"], 4: ["刹车"], 5: ["好"]}
    terms = terms_of(frame(rows), uses)
    table = terms.top(CONFIG, 5)
    assert set(table["term"]) == {"电池", "刹车"}
    examples = dict(zip(table["term"], table["example"]))
    first, second = table["term"].tolist()
    assert examples[first] == "甲说电池和刹车都有问题"  # the most engaging post of each
    # … but the second term's example is its best post by another author
    assert examples[second] == {"电池": "乙说电池不行", "刹车": "丁说刹车软"}[second]
    shown = terms.examples_of(CONFIG, TZ, 5)
    assert shown["author"].tolist() == ["甲", {"电池": "乙", "刹车": "丁"}[second]]


def test_phrases_of_words_that_go_together_replace_the_words_they_cover() -> None:
    texts = ["新买的电视开机广告太多了", "开机广告又来了关不掉", "每次开机广告三十秒",
             "开机广告能不能去掉啊", "电视挺好的画面清楚", "画面不错音质一般",
             "遥控器反应慢", "开机很快画面好", "广告片拍得好看"]
    labels = ["negative"] * 4 + ["positive", "neutral", "negative", "positive", "positive"]
    posts = frame([(t, f"用户{i}", lab, 1) for i, (t, lab) in enumerate(zip(texts, labels))])
    table = complaints(posts, CONFIG, top=10)
    # 开机 and 广告 stand next to each other in all four complaints and seldom apart:
    # the phrase 开机广告 is the term; the words it covers give way to it.
    assert "开机广告" in table["term"].tolist()
    assert "开机" not in table["term"].tolist() and "广告" not in table["term"].tolist()
    row = table.set_index("term").loc["开机广告"]
    assert (row["negative_posts"], row["authors"], row["other_posts"]) == (4, 4, 0)


def test_split_and_merge_in_any_order_give_the_same_list() -> None:
    posts, uses = ranking_case()
    whole = terms_of(posts, uses).top(CONFIG, 10)
    rng = random.Random(3)
    for _ in range(5):
        order = list(range(len(posts)))
        rng.shuffle(order)
        cut = rng.randrange(1, len(posts))
        parts = []
        for idx in (order[:cut], order[cut:]):
            part = posts.iloc[sorted(idx)]
            parts.append(terms_of(part, {i: uses[i] for i in idx if i in uses}))
        merged = parts[1].merge(parts[0]) if rng.random() < 0.5 else parts[0].merge(parts[1])
        pd.testing.assert_frame_equal(merged.top(CONFIG, 10), whole)


@pytest.mark.skipif(not (SHARED / "exports/weibo-search/比亚迪.csv").exists(),
                    reason="shared exports not present")
def test_byd_fires_rank_in_the_top_ten_and_no_page_word_in_the_top_twenty() -> None:
    from brandscan.config import load_config
    from brandscan.load.posts import load_posts
    from brandscan.text.scoring import analyse

    config = load_config(Path(__file__).parent / "golden" / "brands.yaml")
    posts = load_posts([SHARED / "exports/weibo-search/比亚迪.csv"]).posts
    table = complaints(analyse(posts, config, brands=["比亚迪"]), config, top=20)
    top10, top20 = table["term"].head(10).tolist(), table["term"].tolist()
    assert {"自燃", "起火"} & set(top10), top10
    page = {"网页", "链接", "点击", "查看", "全文", "展开", "头条", "文章", "视频", "转发", "超话"}
    assert not page & set(top20), top20
    # before: the list was 新能源, 汽车, 公司, 同比… (topic nouns and report fragments)
    assert not {"新能源", "汽车", "公司", "同比"} & set(top20), top20
