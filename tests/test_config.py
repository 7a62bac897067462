"""Config: defaults, validation with line numbers, brands."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandscan.config import DEFAULT_CATEGORIES, load_config, parse_config
from brandscan.errors import BrandscanError
from tests.conftest import CONFIG_EXAMPLE


def test_example_config_is_valid() -> None:
    cfg = load_config(CONFIG_EXAMPLE)
    assert [b.name for b in cfg.brands] == ["鲜果坊", "果多多"]
    assert cfg.brands[0].exclude == ("鲜果坊间",)
    assert cfg.timezone == "Asia/Shanghai"
    assert "烂山竹" in cfg.categories["质量"]
    assert set(DEFAULT_CATEGORIES) <= set(cfg.categories)


def test_empty_file_means_defaults() -> None:
    cfg = parse_config("")
    # thresholds and the complaint rule come from the model unless set
    assert cfg.brands == () and cfg.sentiment.negative_below is None
    assert cfg.sentiment.complaint_shift is None and cfg.sentiment.model is None


def test_unknown_key_names_the_key_and_line() -> None:
    text = "brands:\n  - name: 小米\n    exlude: [小米米米]\n"
    with pytest.raises(BrandscanError) as err:
        parse_config(text, source=Path("b.yaml"))
    assert "b.yaml:3" in str(err.value) and "exlude" in str(err.value)


def test_unknown_top_level_key() -> None:
    with pytest.raises(BrandscanError, match=r"<config>:2: unknown key 'timezon'"):
        parse_config("brands: []\ntimezon: UTC\n")


def test_bad_values_are_errors() -> None:
    with pytest.raises(BrandscanError, match="unknown timezone"):
        parse_config("timezone: Mars/Base\n")
    with pytest.raises(BrandscanError, match="thresholds"):
        parse_config("sentiment:\n  negative_below: 0.7\n  positive_from: 0.6\n")
    with pytest.raises(BrandscanError, match="invalid YAML"):
        parse_config("brands: [\n")
    with pytest.raises(BrandscanError, match="needs a 'name'"):
        parse_config("brands:\n  - aliases: [x]\n")


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(BrandscanError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_categories_extend_or_replace_builtin() -> None:
    cfg = parse_config("complaints:\n  categories:\n    包装: [漏液]\n")
    assert cfg.categories["包装"] == ("漏液",) and "质量" in cfg.categories
    only = parse_config("complaints:\n  replace_builtin: true\n  categories:\n    包装: [漏液]\n")
    assert dict(only.categories) == {"包装": ("漏液",)}


def test_brand_terms_include_aliases_and_official_accounts() -> None:
    cfg = parse_config("brands:\n  - name: 鲜果坊\n    aliases: [XianGuoFang]\n"
                       "    official_accounts: [鲜果坊官方旗舰店]\n")
    assert set(cfg.brand_terms()) == {"鲜果坊", "XianGuoFang", "鲜果坊官方旗舰店"}
