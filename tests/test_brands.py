"""Brand matching: aliases, case, exclusions masked before matching."""

from __future__ import annotations

import pandas as pd

from brandscan.config import Brand
from brandscan.text.brands import BrandMatcher, has_brand

XIAOMI = Brand("小米", aliases=("Redmi", "雷军"), exclude=("小米米米", "小米粥"))
HUAWEI = Brand("华为")


def test_aliases_and_case() -> None:
    m = BrandMatcher([XIAOMI, HUAWEI])
    assert m.brands_of("新买的redmi很好用") == ["小米"]
    assert m.brands_of("雷军和华为") == ["小米", "华为"]
    assert m.brands_of("今天天气不错") == []


def test_exclusions_mask_only_their_phrase() -> None:
    m = BrandMatcher([XIAOMI])
    assert m.brands_of("小米米米今天好可爱") == []
    assert m.brands_of("早餐喝了小米粥") == []
    assert m.brands_of("小米米米拿着小米手机") == ["小米"]


def test_match_series_and_has_brand() -> None:
    m = BrandMatcher([XIAOMI, HUAWEI])
    brands = m.match(pd.Series(["小米和华为", "华为", "无关"]))
    assert brands.tolist() == ["小米;华为", "华为", ""]
    assert has_brand(brands, "华为").tolist() == [True, True, False]
    assert has_brand(brands, "小米").tolist() == [True, False, False]


def test_no_brands_matches_nothing_but_keeps_rows() -> None:
    assert BrandMatcher([]).match(pd.Series(["a", "b"])).tolist() == ["", ""]


# --- brands defined by a query -----------------------------------------------------------

QUERY_XIAOMI = Brand("小米", aliases=("米家",), exclude=("小米米米",),
                     query='(小米 OR 雷军 OR "Redmi") AND NOT 小米粥')


def test_query_decides_and_aliases_are_not_matched_alone() -> None:
    m = BrandMatcher([QUERY_XIAOMI, HUAWEI])
    assert m.brands_of("新买的REDMI和华为") == ["小米", "华为"]
    assert m.brands_of("早餐喝小米粥，用小米手机") == []  # NOT in the query drops the post
    assert m.brands_of("米家台灯") == []  # the query is the definition, not the aliases


def test_exclude_still_masks_before_the_query() -> None:
    m = BrandMatcher([QUERY_XIAOMI])
    assert m.brands_of("小米米米今天好可爱") == []
    assert m.brands_of("小米米米拿着小米手机") == ["小米"]


def test_near_distance_is_measured_on_the_text_as_written() -> None:
    # A masked exclude phrase keeps its length, so NEAR/n counts what the reader sees.
    brand = Brand("山竹", query="鲜果坊 NEAR/4 山竹", exclude=("坊间",))
    m = BrandMatcher([brand])
    assert m.brands_of("鲜果坊的山竹") == ["山竹"]
    assert m.brands_of("鲜果坊间的传闻山竹") == []


def test_clause_counts_for_inspect() -> None:
    m = BrandMatcher([QUERY_XIAOMI, XIAOMI])
    texts = pd.Series(["雷军发布会", "小米粥真香", "redmi 手机", "小米米米", "今天天气"])
    table = m.clause_counts(texts, "小米")
    assert table["clause"].tolist()[0] == '(小米 OR 雷军 OR "Redmi") AND NOT 小米粥'
    counts = dict(zip(table["clause"].str.strip(), table["posts"]))
    assert counts["小米 OR 雷军 OR \"Redmi\""] == 3  # 雷军, 小米粥, redmi (米米 masked)
    assert counts["雷军"] == 1 and counts["小米粥"] == 1 and counts["NOT 小米粥"] == 4
    assert table.iloc[-2].tolist() == ["小米米米", "exclude", 1]
    assert table.iloc[-1].tolist() == ["小米", "brand", 2]


def test_clause_counts_without_a_query() -> None:
    table = BrandMatcher([XIAOMI]).clause_counts(pd.Series(["redmi", "雷军", "小米粥"]), "小米")
    assert table.values.tolist() == [
        ["小米", "name", 0], ["Redmi", "alias", 1], ["雷军", "alias", 1],
        ["小米米米", "exclude", 0], ["小米粥", "exclude", 1], ["小米", "brand", 2]]
