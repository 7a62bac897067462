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
