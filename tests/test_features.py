"""Weibo text as brandscan's own models see it: emoticons, chains, mentions, negation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from brandscan.text.features import (
    CHAIN,
    EDGE,
    EMOTICON,
    MENTION,
    TOPIC,
    URL,
    FeatureSpec,
    extract,
    prepare,
    token_key,
)


def keys_of(text: str, spec: FeatureSpec | None = None) -> set[int]:
    feats = extract([text], spec)
    return set(feats.keys.tolist())


def negated_text(text: str) -> list[str]:
    p = prepare(text)
    return [p.text[a:b] for a, b in p.negated]


def test_emoticons_are_whole_tokens_and_one_placeholder() -> None:
    p = prepare("太好吃了[哈哈][哈哈]")
    assert p.tokens == ("e:哈哈", "e:哈哈")
    assert p.text == f"{EDGE}太好吃了{EMOTICON}{EMOTICON}{EDGE}"
    # [泪] and 泪 in the text are different features; [good] is one token too
    assert keys_of("[泪]") != keys_of("泪")
    assert prepare("赞[good]").tokens == ("e:good",)
    assert token_key("e:泪") in keys_of("好累[泪]")


def test_repost_chain_mentions_urls_topics_numbers() -> None:
    p = prepare("支持！//@张三:新店开业 http://t.cn/A6abc @李四 看 #周末愉快# 有12.5元")
    assert "张三" not in p.text and "李四" not in p.text and "t.cn" not in p.text
    assert CHAIN in p.text and MENTION in p.text and URL in p.text
    assert f"{TOPIC}周末愉快{TOPIC}" in p.text
    assert "新店开业" in p.text  # the chain's words still count
    assert "0元" in p.text and "12" not in p.text


def test_full_width_case_and_repeats_are_normalised() -> None:
    assert prepare("ＧＯＯＤ！！！！！哈哈哈哈哈哈").text == f"{EDGE}good!!!哈哈哈{EDGE}"


def test_negation_marks_what_follows() -> None:
    assert negated_text("不喜欢") == ["喜欢"]
    assert negated_text("没有收到货") == ["收到"]
    assert negated_text("一点都不好。") == ["好"]
    # words that only contain a negator are not negations
    assert negated_text("特别好，不过有点贵，非常满意，别人都说未来无论如何") == []
    # so "negated 喜欢" is a different feature from "喜欢"
    assert keys_of("喜欢") - keys_of("不喜欢")
    assert prepare("不喜欢", negation=False).negated == ()


def test_duplicates_share_a_row_and_non_strings_have_none() -> None:
    feats = extract(["好", "好", None, "差"])  # type: ignore[list-item]
    assert feats.n_rows == 2
    assert feats.slot.tolist() == [0, 0, -1, 1]
    assert np.all(feats.keys[1:] >= feats.keys[:-1])  # sorted by key


_pieces = st.sampled_from(["不喜欢", "[哈哈]", "//@张三:", "@李四 ", "http://t.cn/x ", "#话题#",
                           "123", "哈哈哈哈哈", " ", "！", "特别", "好", "\x00", "Ａ", "[泪"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_pieces, max_size=8).map("".join), min_size=1, max_size=6))
def test_a_text_has_the_same_features_alone_and_in_a_batch(texts: list[str]) -> None:
    feats = extract(texts)
    for i, text in enumerate(texts):
        row = feats.slot[i]
        in_batch = set(feats.keys[feats.rows == row].tolist())
        assert in_batch == keys_of(text)


def test_spec_round_trips_and_rejects_what_it_cannot_build() -> None:
    spec = FeatureSpec(ngrams=2, negation=False)
    assert FeatureSpec.from_json(spec.to_json()) == spec
    for bad in ({"version": 99}, {"version": 1, "ngrams": 9}, {"version": "x"}):
        try:
            FeatureSpec.from_json(bad)  # type: ignore[arg-type]
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")
