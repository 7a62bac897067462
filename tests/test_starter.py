"""brandscan init: a commented starter brandscan.yaml, suggestions from the files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.config import load_config, parse_config
from brandscan.text.starter import pinyin_pattern, yaml_scalar
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

CSV = EXAMPLES / "crisis_weibo_search.csv"
JSONL = EXAMPLES / "crisis_posts.jsonl"
BYD = Path(__file__).resolve().parents[2] / "shared" / "data" / "exports" / "weibo-search" \
    / "比亚迪.csv"


def init(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["init", *args])
    return result.exit_code, result.stdout, result.stderr


def suggestions(text: str, key: str = "") -> dict[str, str]:
    """Each commented-out suggestion ("# - VALUE  # reason") of a starter file, those under
    ``key:`` (aliases, official_accounts) when given, the first of each value."""
    out: dict[str, str] = {}
    under = not key
    for line in text.splitlines():
        if key and re.match(r"\s*\w+:", line):
            under = line.strip().startswith(f"{key}:")
        m = re.match(r"\s*# - (\S+)\s+# (.*)$", line)
        if m and under:
            out.setdefault(m.group(1), m.group(2))
    return out


def uncommented(text: str) -> str:
    """The file as a person who accepts every suggestion leaves it."""
    return re.sub(r"^(\s*)# - ", r"\1- ", text, flags=re.MULTILINE)


def test_suggestions_for_the_example_brand_are_the_ones_its_readme_describes() -> None:
    code, out, err = init(str(CSV), "--brand", "鲜果坊", "--brand", "果多多", "-o", "-")
    assert code == 0, err
    found = suggestions(out)
    # examples/README.md: 27 posts write XianGuoFang (25 without a Chinese name) and 6
    # only xianguofang: 33 posts, 31 of them without 鲜果坊.
    assert found["XianGuoFang"].startswith("33 posts (also xianguofang); 31 of them without 鲜果坊")
    # The official account wrote the 7 official posts the report sets apart.
    assert "鲜果坊官方旗舰店" in found and "wrote 7 posts" in out
    accounts = suggestions(out, "official_accounts")
    assert accounts["鲜果坊官方旗舰店"] == "wrote 7 posts, @mentioned in 38"
    assert accounts["果多多官方旗舰店"] == "wrote 2 posts"
    # The trap (examples/README.md): five posts hold 鲜果坊 only inside 新鲜果坊间
    # (新鲜果 + 坊间); it is suggested as an exclusion, never as a name.
    excludes = suggestions(out, "exclude")
    assert excludes == {"新鲜果坊间": "5 posts; 5 of them name 鲜果坊 only this way"}
    assert not any("坊间" in name for name in suggestions(out, "aliases"))
    assert "# 595 of 671 posts name 鲜果坊 (89%)." in out
    # As written, no suggestion is taken: the brands have only their names.
    config = parse_config(out)
    assert [(b.name, b.aliases, b.official_accounts) for b in config.brands] == [
        ("鲜果坊", (), ()), ("果多多", (), ())]
    # Every suggestion accepted still loads, with the suggestions in place.
    accepted = parse_config(uncommented(out))
    first = accepted.brands[0]
    assert "XianGuoFang" in first.aliases and "鲜果坊官方旗舰店" in first.official_accounts


def test_the_jsonl_layout_gives_followers_for_the_account() -> None:
    code, out, _ = init(str(JSONL), "--brand", "鲜果坊", "-o", "-")
    assert code == 0
    assert "wrote 7 posts, @mentioned in 38, 120,000 followers" in out  # examples/README.md


def test_init_then_report_reads_the_written_file(tmp_path: Path) -> None:
    target = tmp_path / "brandscan.yaml"
    code, _, err = init(str(CSV), "--brand", "鲜果坊", "-o", str(target))
    assert code == 0, err
    # XianGuoFang, 3 longer names (#鲜果坊烂山竹#, #鲜果坊回应#, the shop), the shop
    # account and the exclusion 新鲜果坊间
    assert f"wrote {target} with 6 suggestion(s) to confirm" in err
    target.write_text(uncommented(target.read_text(encoding="utf-8")), encoding="utf-8")
    report = CliRunner().invoke(cli, ["-q", "report", str(CSV), "--config", str(target),
                                      "--format", "json"])
    assert report.exit_code == 0, report.output
    headline = json.loads(report.stdout)["headline"]
    assert headline["brands"] == "鲜果坊"
    # Every suggestion accepted, the shop is found exactly as config.example.yaml's
    # hand-made brand block finds it: the 31 XianGuoFang-only posts in, the 5 新鲜果坊间
    # ones out (595 + 31 - 5 = 621 posts).
    example = CliRunner().invoke(cli, ["-q", "report", str(CSV), "--config",
                                       str(CONFIG_EXAMPLE), "--brand", "鲜果坊",
                                       "--format", "json"])
    assert headline["mentions"] == json.loads(example.stdout)["headline"]["mentions"] == 621


def test_it_never_replaces_a_file_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "brandscan.yaml"
    target.write_text("timezone: UTC\n", encoding="utf-8")
    code, _, err = init("--brand", "鲜果坊", "-o", str(target))
    assert code == 1 and "exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "timezone: UTC\n"
    code, _, _ = init("--brand", "鲜果坊", "-o", str(target), "--force")
    assert code == 0 and load_config(target).brands[0].name == "鲜果坊"


def test_the_default_path_is_brandscan_yaml_in_the_current_folder(tmp_path: Path,
                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = init("--brand", "比亚迪")
    assert code == 0 and out == ""
    config = load_config()  # ./brandscan.yaml is the default config
    assert config.source is not None and config.source.name == "brandscan.yaml"
    assert [b.name for b in config.brands] == ["比亚迪"]


def test_without_files_every_section_of_the_example_config_is_shown() -> None:
    code, out, _ = init("-o", "-")
    assert code == 0
    assert parse_config(out).brands == ()  # no --brand: brands: [] and an example
    example_keys = yaml.safe_load(CONFIG_EXAMPLE.read_text(encoding="utf-8")).keys()
    for key in example_keys:
        assert re.search(rf"^(# )?{key}:", out, re.MULTILINE), key
    # The commented sections are valid config once uncommented.
    rest = out[out.index("# sentiment:"):]
    parsed = parse_config(re.sub(r"^# ", "", rest, flags=re.MULTILINE))
    assert parsed.sentiment.model == "snownlp" and parsed.alerts.cooldown_hours == 3
    assert parsed.columns["text"] == "content"


def test_files_without_a_brand_suggest_nothing_and_say_why() -> None:
    code, out, err = init(str(CSV), "-o", "-")
    assert code == 0 and "no --brand given" in err and suggestions(out) == {}


def test_a_file_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    code, _, err = init(str(tmp_path / "missing.csv"), "--brand", "鲜果坊", "-o", "-")
    assert code == 1 and "missing.csv" in err and "Traceback" not in err


def test_pinyin_spellings() -> None:
    pattern = pinyin_pattern("比亚迪")
    assert pattern is not None
    assert all(pattern.match(w) for w in ("BYD", "byd", "biyadi", "BiYaDi"))
    assert not any(pattern.match(w) for w in ("BY", "BYDX", "SUV", "bydd"))
    assert pinyin_pattern("Apple") is None


@pytest.mark.parametrize("text", ["比亚迪", "yes", "1.5", "a: b", "#tag", "- x", "null", "O'K"])
def test_yaml_scalars_read_back_as_written(text: str) -> None:
    assert yaml.safe_load(f"v: {yaml_scalar(text)}")["v"] == text


@pytest.mark.realdata
def test_suggestions_on_the_shared_byd_export() -> None:
    if not BYD.exists():
        pytest.skip(f"{BYD} is absent")
    code, out, err = init(str(BYD), "--brand", "比亚迪", "-o", "-")
    assert code == 0, err
    found = suggestions(out)
    # Read off the export with a case-insensitive substring count: 75 posts write BYD
    # (or byd, Byd), all but 2 of them also 比亚迪.
    assert found["BYD"].startswith("75 posts (also byd, Byd); 2 of them without 比亚迪")
    # The brand's own account: the author 比亚迪汽车 (19 posts), @mentioned far more.
    accounts = suggestions(out, "official_accounts")
    assert re.match(r"wrote 19 posts, @mentioned in \d+", accounts["比亚迪汽车"])
    # Car lines from the hashtags, matched already through the name.
    assert "比亚迪汉" in found and "hashtag #比亚迪汉# in 48" in found["比亚迪汉"]
    assert "# 5,515 of 6,143 posts name 比亚迪 (90%)." in out
    assert suggestions(out, "exclude") == {}  # 比亚迪 is no part of other words
    assert parse_config(uncommented(out)).brands[0].aliases[0] == "BYD"
