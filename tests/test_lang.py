"""Chinese output: --lang, the config's lang:, the locale; human formats follow the
language, machine formats keep English column names unless --lang zh is given."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan import lang
from brandscan.cli import cli
from brandscan.errors import BrandscanError
from tests.conftest import weibo_search_csv

NOW = ["--now", "2026-11-06 12:00"]

#: Six posts about 鲜果坊 by six accounts on two days, one of them about 果多多 too.
POSTS = [
    ("1001", "甲", "鲜果坊的山竹烂了，客服不回复，太差了", "1", "2", "3", "2026-11-05 09:00"),
    ("1002", "乙", "鲜果坊的橘子很甜，下次还买", "0", "1", "5", "2026-11-05 10:00"),
    ("1003", "丙", "鲜果坊发货太慢了，等了一周", "2", "0", "1", "2026-11-05 11:00"),
    ("1004", "丁", "鲜果坊和果多多哪家好", "0", "0", "0", "2026-11-05 12:00"),
    ("1005", "戊", "鲜果坊的车厘子不新鲜，退款被拒绝", "4", "3", "2", "2026-11-06 08:00"),
    ("1006", "己", "今天买了鲜果坊的苹果", "0", "0", "1", "2026-11-06 09:00"),
]


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    csv = weibo_search_csv(tmp_path / "posts.csv", POSTS)
    config = tmp_path / "brands.yaml"
    config.write_text("brands:\n  - name: 鲜果坊\n  - name: 果多多\n", encoding="utf-8")
    return csv, config


def run(args: list[str], *, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    """brandscan with ``args`` in the C locale unless ``env`` says otherwise."""
    base: dict[str, str | None] = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
    result = CliRunner().invoke(cli, args, env={**base, **(env or {})}, prog_name="brandscan")
    return result.exit_code, result.stdout, result.stderr


# --- where the language comes from -----------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.Big5"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty variable is not set
])
def test_language_of_the_locale(environ: dict[str, str], expected: str) -> None:
    assert lang.from_locale(environ) == expected


def test_option_beats_config_beats_locale() -> None:
    zh_locale = {"LANG": "zh_CN.UTF-8"}
    assert lang.resolve("en", "zh", zh_locale) == lang.Language("en", explicit=True)
    assert lang.resolve(None, "en", zh_locale) == lang.Language("en", explicit=False)
    assert lang.resolve(None, None, zh_locale) == lang.Language("zh", explicit=False)
    # only --lang renames the columns of machine formats
    assert lang.resolve(None, "zh", {}).machine == "en"
    assert lang.resolve("zh", None, {}).machine == "zh"


def test_the_locale_picks_the_language_of_errors_and_lc_all_beats_lang() -> None:
    missing = ["timeline", "nope.csv"]
    assert run(missing)[2] == "Error: nope.csv: no such file\n"
    assert run(missing, env={"LANG": "zh_CN.UTF-8"})[2] == "错误：nope.csv：找不到文件\n"
    assert run(missing, env={"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"})[2] == (
        "Error: nope.csv: no such file\n")
    assert run(missing, env={"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"})[2] == (
        "错误：nope.csv：找不到文件\n")
    # --lang beats the locale, and so does its environment variable
    assert run([*missing, "--lang", "en"], env={"LC_ALL": "zh_CN.UTF-8"})[2].startswith(
        "Error: ")
    assert run(missing, env={"BRANDSCAN_TIMELINE_LANG": "zh"})[2].startswith("错误：")


def test_usage_errors_in_chinese_keep_exit_2(data: tuple[Path, Path]) -> None:
    csv, _ = data
    code, _, err = run(["timeline", str(csv), "--since", "2020-13-01", "--lang", "zh"])
    assert code == 2
    assert err.startswith("用法：brandscan timeline [OPTIONS] [FILES]...\n"
                          "运行 'brandscan timeline --help' 查看帮助。\n")
    assert err.splitlines()[-1] == (
        "错误：--since：无法把 '2020-13-01' 读成时间（提示：请用 YYYY-MM-DD、"
        "'YYYY-MM-DD HH:MM'、24h、7d、today 或 yesterday）")


def test_file_errors_and_unknown_brands_in_chinese(data: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    csv, config = data
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run(["timeline", str(other), "--lang", "zh"])
    assert code == 1
    assert err == (f"错误：{other}：找不到正文列；文件中的列：a, b"
                   "（提示：用 --text-col 列名 或配置中的 columns.text 指定）\n")
    code, _, err = run(["timeline", str(csv), "--config", str(config), "--brand", "果果",
                        "--lang", "zh"])
    assert code == 1
    assert err == (f"错误：--brand 果果：不是已配置的品牌（{config}）"
                   "（提示：已配置的品牌：果多多, 鲜果坊；可在 brands: 下添加）\n")


def test_a_message_without_chinese_words_keeps_them_in_the_chinese_frame() -> None:
    exc = BrandscanError("the moon is made of cheese", where="x.csv", hint="look again")
    assert exc.format("zh") == "x.csv：the moon is made of cheese（提示：look again）"
    assert exc.format("en") == "x.csv: the moon is made of cheese (look again)"


def test_the_library_speaks_english_whatever_the_locale(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert str(BrandscanError("no such file", where="a.csv")) == "a.csv: no such file"


# --- the config -------------------------------------------------------------------------------

def test_config_lang_is_checked(tmp_path: Path) -> None:
    from brandscan.config import parse_config

    assert parse_config("lang: zh\n").lang == "zh"
    assert parse_config("lang: en\n").lang == "en"
    assert parse_config("timezone: Asia/Shanghai\n").lang is None
    with pytest.raises(BrandscanError) as err:
        parse_config("lang: fr\n")
    assert err.value.format("en") == "<config>: 'lang' must be zh or en, not 'fr' (use zh or en)"


def test_config_lang_makes_the_report_chinese_but_not_the_csv_columns(
        data: tuple[Path, Path]) -> None:
    csv, config = data
    config.write_text(config.read_text(encoding="utf-8") + "lang: zh\n", encoding="utf-8")
    code, out, _ = run(["report", str(csv), "--config", str(config), *NOW,
                        "--format", "markdown"])
    assert code == 0, out
    assert out.startswith("# brandscan 舆情报告：鲜果坊、果多多\n")
    code, out, _ = run(["timeline", str(csv), "--config", str(config), *NOW,
                        "--format", "csv"])
    assert out.splitlines()[0] == ("period,mentions,positive,neutral,negative,"
                                   "negative_share,mean_sentiment,engagement")
    # --lang wins over the config
    code, out, _ = run(["report", str(csv), "--config", str(config), *NOW,
                        "--format", "markdown", "--lang", "en"])
    assert out.startswith("# brandscan report: 鲜果坊, 果多多\n")


# --- machine formats --------------------------------------------------------------------------

ENGLISH_HEADER = ("period,mentions,positive,neutral,negative,negative_share,mean_sentiment,"
                  "engagement")
CHINESE_HEADER = "时段,提及量,正面,中性,负面,负面占比,平均情感分,互动量"


def test_csv_keeps_english_columns_under_a_chinese_locale(data: tuple[Path, Path]) -> None:
    csv, config = data
    args = ["timeline", str(csv), "--config", str(config), *NOW, "--format", "csv"]
    zh = {"LANG": "zh_CN.UTF-8"}
    english = run(args, env=zh)[1]
    assert english.splitlines()[0] == ENGLISH_HEADER
    chinese = run([*args, "--lang", "zh"])[1]
    assert chinese.splitlines()[0] == CHINESE_HEADER
    # the environment variable of --lang is as explicit as the option
    assert run(args, env={"BRANDSCAN_TIMELINE_LANG": "zh"})[1].splitlines()[0] == (
        CHINESE_HEADER)
    # the same rows under either header: two days, 4 and 2 mentions
    assert english.splitlines()[1:] == chinese.splitlines()[1:]
    assert [r.split(",")[:2] for r in english.splitlines()[1:]] == [
        ["2026-11-05", "4"], ["2026-11-06", "2"]]


def test_json_keys_follow_only_an_explicit_lang(data: tuple[Path, Path]) -> None:
    import json

    csv, config = data
    args = ["timeline", str(csv), "--config", str(config), *NOW, "--format", "json"]
    rows = json.loads(run(args, env={"LC_ALL": "zh_CN.UTF-8"})[1])
    assert list(rows[0])[:2] == ["period", "mentions"]
    rows = json.loads(run([*args, "--lang", "zh"])[1])
    assert list(rows[0])[:2] == ["时段", "提及量"]
    assert rows[0]["提及量"] == 4


def test_a_markdown_table_is_for_people_it_follows_the_locale(
        data: tuple[Path, Path]) -> None:
    csv, config = data
    out = run(["posts", str(csv), "--config", str(config), *NOW, "--format", "markdown"],
              env={"LANG": "zh_CN.UTF-8"})[1]
    head = out.splitlines()[0]
    assert "| 正文 |" in head and "| 情感 |" in head and "| 内容类型 |" in head
    # the labels too: every post is an opinion, 观点
    genre = head.split(" | ").index("内容类型")
    cells = [line.split(" | ")[genre] for line in out.splitlines()[2:]]
    assert cells == ["观点"] * 6


# --- the report -------------------------------------------------------------------------------

def test_report_markdown_in_chinese_has_the_english_figures(data: tuple[Path, Path]) -> None:
    csv, config = data
    args = ["report", str(csv), "--config", str(config), *NOW, "--format", "markdown",
            "--interval", "day"]
    code, en, _ = run(args)
    assert code == 0
    code, zh, _ = run([*args, "--lang", "zh"])
    assert code == 0
    assert "**6 mentions** (6 posts, 0 comments) by 6 authors" in en
    assert "- **提及量 6**（帖子6条、评论0条），来自6个账号" in zh
    assert "6 mentions of 鲜果坊, 果多多" in en
    assert "鲜果坊、果多多共6条提及" in zh
    headings = [line for line in zh.splitlines() if line.startswith("#")]
    assert headings[0] == "# brandscan 舆情报告：鲜果坊、果多多"
    assert "## 走势（按天）" in headings and "## 互动量最高的负面帖子" in headings
    assert not any(re.search("[A-Za-z]{4,}", h.replace("brandscan", "")) for h in headings)
    # every figure of the timeline is the same, under Chinese headers
    table_en = [line for line in en.splitlines() if line.startswith("| 2026-")]
    table_zh = [line for line in zh.splitlines() if line.startswith("| 2026-")]
    assert table_en == table_zh and len(table_en) > 0
    assert "| 时段 | 提及量 | 正面 | 中性 | 负面 | 负面占比 | 平均情感分 | 互动量 |" in zh
    # and the headline numbers: the negative share and the engagement
    share_en = re.search(r"\*\*([\d.]+%) negative\*\*", en)
    assert share_en and f"**负面占比 {share_en[1]}**" in zh
    assert "- engagement 25 (reposts + comments + likes)" in en
    assert "- 互动量 25（转发 + 评论 + 点赞）" in zh
    assert zh.splitlines()[-1].startswith("读取6行，跳过0行，重复0条 · 情感模型 ")


def test_report_html_in_chinese(data: tuple[Path, Path], tmp_path: Path) -> None:
    csv, config = data
    page = tmp_path / "r.html"
    code, _, _ = run(["report", str(csv), "--config", str(config), *NOW, "-o", str(page),
                      "--lang", "zh"])
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<h1>brandscan 舆情报告：鲜果坊、果多多</h1>" in html
    assert "<h2>主要投诉话题</h2>" in html and "<h2>情感分布</h2>" in html
    assert '<div class="k">提及量</div>' in html
    assert ">负面占比<" in html  # the chart's axis
    assert "Top complaints" not in html and "Sentiment mix" not in html


def test_report_workbook_in_chinese(data: tuple[Path, Path], tmp_path: Path) -> None:
    import openpyxl

    csv, config = data
    book = tmp_path / "r.xlsx"
    args = ["report", str(csv), "--config", str(config), *NOW, "-o", str(book)]
    assert run(args)[0] == 0
    english = openpyxl.load_workbook(io.BytesIO(book.read_bytes()))
    assert english.sheetnames[:3] == ["summary", "timeline", "complaints"]
    assert run([*args, "--lang", "zh"])[0] == 0
    chinese = openpyxl.load_workbook(io.BytesIO(book.read_bytes()))
    assert chinese.sheetnames[:5] == ["摘要", "走势", "投诉话题", "预警", "影响力账号"]
    assert chinese.sheetnames[-1] == "帖子"
    summary = {r[0]: r[1] for r in chinese["摘要"].iter_rows(values_only=True) if r[0]}
    assert summary["提及量"] == 6 and summary["账号数"] == 6
    assert summary["结论"].startswith("鲜果坊、果多多共6条提及")
    assert [c.value for c in chinese["走势"][1]][:3] == ["时段", "提及量", "正面"]
    # the same figures in the same cells
    assert [[c.value for c in row] for row in english["timeline"].iter_rows(min_row=2)] == [
        [c.value for c in row] for row in chinese["走势"].iter_rows(min_row=2)]


# --- the catalog ------------------------------------------------------------------------------

def test_headers_and_values() -> None:
    assert lang.header("negative_share", "zh") == "负面占比"
    assert lang.header("share_of_voice", "zh") == "声量份额"
    assert lang.header("negative_share", "en") == "negative_share"
    assert lang.header("鲜果坊", "zh") == "鲜果坊"  # not a column brandscan names
    assert lang.header("true_negative_pred_positive", "zh") == "真实负面判为正面"
    assert lang.header("neutral_recall", "zh") == "中性召回率"
    assert [lang.value(v, "zh") for v in ("opinion", "news", "ad", "spam", "official")] == [
        "观点", "新闻", "广告", "垃圾", "官方"]
    assert lang.value("negative", "en") == "negative"


def test_every_column_brandscan_writes_has_a_chinese_name() -> None:
    from brandscan.analyze.response import RESPONSE_COLUMNS
    from brandscan.schema import POST_COLUMNS

    names = [*POST_COLUMNS, *RESPONSE_COLUMNS, "brands", "thread", "sentiment", "label",
             "label_rule", "genre", "genre_rule", "voice", "categories"]
    assert [n for n in names if lang.header(n, "zh") == n] == []


def test_clicks_own_option_errors_in_chinese() -> None:
    code, _, err = run(["report", "--top", "-3", "x.csv"], env={"LANG": "zh_CN.UTF-8"})
    assert code == 2
    assert err.splitlines()[0] == "用法：brandscan report [OPTIONS] [FILES]..."
    assert err.splitlines()[-1] == "错误：'--top' 的值无效：-3 不在范围 x>=1 内。"
    # --lang among the arguments counts even when another option is the wrong one
    code, _, err = run(["timeline", "--interval", "year", "--lang", "zh", "x.csv"])
    assert code == 2
    assert err.splitlines()[-1] == (
        "错误：'--interval' 的值无效：'year' 不是 'hour', 'day', 'week', 'month' 之一。")
    code, _, err = run(["timeline", "--interval", "year", "x.csv"])
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--interval': 'year' is not one of 'hour', 'day', 'week', "
        "'month'.")


def test_table_titles() -> None:
    assert lang.title("Mentions per day", "zh") == "每天提及量"
    assert lang.title("Mentions per week and brand", "zh") == "各品牌每周提及量"
    assert lang.title("Top complaints", "zh") == "主要投诉话题"
    assert lang.title("Top complaints", "en") == "Top complaints"
    assert lang.title("鲜果坊 on Tuesday", "zh") == "鲜果坊 on Tuesday"


def test_alert_details_in_chinese() -> None:
    volume = ("19 mentions in the hour from 11-05 08:00 vs 0 expected (z 12.8); 71% negative "
              "vs 13% over the trailing 7 days; peak 39 mentions in the hour from 11-05 09:00")
    assert lang.alert_detail(volume, "zh") == (
        "11-05 08:00 起一小时内19条提及，基线预期 0（z 12.8）；负面占比 71%，过去 7 天为 13%；"
        "峰值为 11-05 09:00 起一小时内 39 条提及")
    assert lang.alert_detail(volume, "en") == volume
    influential = "negative opinion by 林夕说书 (2,865 reposts ≥ 1,000; verified 金V)"
    assert lang.alert_detail(influential, "zh") == (
        "林夕说书 的负面观点（转发 2,865 ≥ 1,000；认证 金V）")
    assert lang.alert_detail("something new", "zh") == "something new"


def test_data_notes_in_chinese() -> None:
    note = ("鲜果坊: 3 hours hit an export's page cap (most posts at :58-:59): their counts "
            "are lower bounds")
    assert lang.data_note(note, "zh") == (
        "鲜果坊：3 个小时触及导出的翻页上限（帖子多在 :58-:59）：这些小时的计数只是下限")
    assert lang.data_note(note, "en") == note


def test_a_post_with_followers_in_either_language() -> None:
    from brandscan.render.html import _post_card

    post = {"text": "鲜果坊的山竹烂了", "author": "甲", "followers": 12000, "reposts": 3,
            "comments": 0, "likes": 5, "created_at": None, "url": None}
    assert "12,000 followers · 转发 3 · 评论 0 · 赞 5" in _post_card(post)
    assert "粉丝 12,000 · 转发 3 · 评论 0 · 赞 5" in _post_card(post, lang="zh")


# --- the terminal ------------------------------------------------------------------------------

EXAMPLE = ["examples/crisis_weibo_search.csv", "--config", "config.example.yaml"]


def test_terminal_report_in_chinese_with_the_same_figures() -> None:
    """The terminal page (drawn with --format table) speaks the run's language: panel,
    alert lines, the "and N more" line, table titles, headers and labels; the figures are
    the English page's."""
    code, en, _ = run(["report", *EXAMPLE, "--format", "table"])
    assert code == 0
    code, zh, _ = run(["report", *EXAMPLE, "--format", "table", "--lang", "zh"])
    assert code == 0
    assert "brandscan report" in en and "Alerts: the 5 latest of 7" in en
    assert "and 2 more" in en
    assert "brandscan 舆情报告" in zh
    assert "预警：共7条，最近5条" in zh and "另有2条" in zh
    for words in ("情感分布", "走势（按天）", "提及量", "负面占比", "主要投诉话题", "正面", "中性"):
        assert words in zh, words
    for english in ("Sentiment mix", "Timeline (per day)", "Alerts:", "positive", "neutral"):
        assert english not in zh, english
    # The same counts on both pages: 663 mentions, the sentiment mix's 87/309/218.
    for figure in ("663", "87", "309", "218", "75,830"):
        assert figure in en and figure in zh


def test_terminal_tables_in_chinese() -> None:
    """A plain table on the terminal: headers, coded values and title in Chinese; the
    caption of the columns left out too."""
    code, out, _ = run(["posts", *EXAMPLE, "--format", "table", "--lang", "zh"])
    assert code == 0
    first = out.splitlines()[0]
    assert first == "帖子"
    assert "负面" in out and "negative" not in out
    assert re.search(r"另有\d+列，见 --format csv", out)


def test_stderr_lines_in_chinese(data: tuple[Path, Path], tmp_path: Path) -> None:
    """The load summary, the posts listed and a window with no post, on stderr in
    Chinese with --lang zh; English without it."""
    csv, config = data
    bad = tmp_path / "bad.csv"
    bad.write_text("id,微博正文,发布时间\n1,,2026-11-05 10:00\n2,鲜果坊好,bad\n"
                   "3,鲜果坊的橘子很甜,2026-11-05 11:00\n", encoding="utf-8")
    code, _, err = run(["timeline", str(bad), "--lang", "zh"])
    assert code == 0
    assert "brandscan：读取3行（1个文件）；使用1行；跳过2行（正文为空 1、时间无法解析 1）" in err
    code, out, err = run(["posts", str(csv), "--config", str(config), "--label", "negative",
                          "--brand", "鲜果坊", "--lang", "zh", "--format", "csv"])
    assert code == 0
    # All 6 posts name 鲜果坊; the line counts the rows the CSV holds.
    m = re.search(r"brandscan：列出6条帖子中的(\d+)条（品牌 鲜果坊；情感 负面）", err)
    assert m, err
    assert int(m[1]) == len(out.splitlines()) - 1 > 0
    code, _, err = run(["timeline", str(csv), "--config", str(config), "--since",
                        "2020-01-01", "--until", "2020-02-01", "--lang", "zh"])
    assert code == 0
    assert ("brandscan：2020-01-01 00:00 至 2020-02-01 00:00 之间没有帖子；文件中数据为 "
            "2026-11-05 至 2026-11-06") in err
    code, _, err = run(["timeline", str(bad)])
    assert "brandscan: 3 rows read from 1 file(s); 1 used; 2 skipped (1 empty text, " \
           "1 unparseable time)" in err
