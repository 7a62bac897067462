"""The language of brandscan's output: English or Chinese, and the words of each.

Who reads what: people read the report (Markdown, HTML, XLSX), the alert digest, the
terminal tables and the error messages, and most of them read Chinese first; scripts
read CSV/TSV/JSON/JSONL, whose column names are a contract. So the language has two
uses. Human formats follow it wherever it came from; machine formats keep their English
column names unless ``--lang zh`` was given on the command line (or in its environment
variable) — a config file or a Chinese locale never renames a script's columns.

Where the language comes from, first found wins: ``--lang`` (``BRANDSCAN_<CMD>_LANG``),
the config's ``lang:``, the locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, as
POSIX orders them: ``zh*`` is Chinese, anything else or nothing is English).

The command line sets the language once per run (:func:`set_language`); errors are
formatted in it (:meth:`brandscan.errors.BrandscanError.format`). Renderers are given the
language explicitly. This module imports nothing heavy: the error path and ``--help``
use it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: The languages brandscan writes. English is the default and the language of the code.
LANGS: tuple[str, ...] = ("en", "zh")
EN, ZH = "en", "zh"


# --- which language ----------------------------------------------------------------------

def from_locale(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale: the first of LC_ALL, LC_MESSAGES, LANG that is set
    decides (``zh_CN.UTF-8``, ``zh_TW``, ``zh`` are Chinese; ``C``, ``POSIX``, ``en_US``
    and anything else English)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(var) or "").strip()
        if value:
            return ZH if value.lower().startswith("zh") else EN
    return EN


def check(value: Any, *, what: str = "lang") -> str:
    """``value`` as a language code; anything else is a ValueError (its callers make it
    the error of their option or config key)."""
    code = str(value).strip().lower() if value is not None else ""
    aliases = {"zh-cn": ZH, "zh_cn": ZH, "cn": ZH, "chinese": ZH, "中文": ZH,
               "english": EN, "en-us": EN, "en_us": EN}
    code = aliases.get(code, code)
    if code not in LANGS:
        raise ValueError(f"'{what}' must be zh or en, not {value!r}")
    return code


@dataclass(frozen=True)
class Language:
    """The run's language and whether the command line asked for it.

    ``explicit`` is True only for ``--lang`` (or its environment variable): then machine
    formats (CSV, TSV, JSON, JSON lines) get Chinese column names too.
    """

    code: str = EN
    explicit: bool = False

    @property
    def machine(self) -> str:
        """The language of machine formats' column names: English unless asked for."""
        return self.code if self.explicit else EN


def resolve(option: str | None, config_lang: str | None,
            environ: Mapping[str, str] | None = None) -> Language:
    """``--lang``, else the config's ``lang:``, else the locale."""
    if option:
        return Language(check(option, what="--lang"), explicit=True)
    if config_lang:
        return Language(check(config_lang))
    return Language(from_locale(environ))


_CURRENT: ContextVar[Language | None] = ContextVar("brandscan_language", default=None)


def set_language(language: Language) -> Token[Language | None]:
    """Set the language of this run (the command line does, once it knows it); the
    token undoes it (:func:`reset_language`), so one process can run many commands."""
    return _CURRENT.set(language)


def reset_language(token: Token[Language | None]) -> None:
    _CURRENT.reset(token)


def current() -> Language:
    """The run's language; before the command line set one, the locale's."""
    value = _CURRENT.get()
    return value if value is not None else Language(from_locale())


def run_language() -> str:
    """The language the command line set for this run; English when none was set (a
    library caller's messages do not change with the machine's locale)."""
    value = _CURRENT.get()
    return value.code if value is not None else EN


# --- column headers ------------------------------------------------------------------------

#: Chinese names of every column brandscan writes. A column not listed keeps its name.
HEADERS_ZH: dict[str, str] = {
    # timeline, share of voice, sentiment mix
    "period": "时段", "brand": "品牌", "mentions": "提及量", "positive": "正面",
    "neutral": "中性", "negative": "负面", "negative_share": "负面占比",
    "mean_sentiment": "平均情感分", "engagement": "互动量", "share_of_voice": "声量份额",
    "net_sentiment": "净情感", "label": "情感", "posts": "帖子数", "share": "占比",
    # complaints
    "rank": "排名", "term": "投诉话题", "category": "投诉类别", "score": "区分度得分",
    "negative_posts": "负面帖子数", "authors": "账号数", "other_posts": "其他观点数",
    "example": "示例帖子",
    # posts
    "platform": "平台", "id": "帖子ID", "kind": "类型", "parent_id": "上级帖子ID",
    "text": "正文", "chain": "转发链", "is_repost": "是否转发", "created_at": "发布时间",
    "author": "作者", "author_id": "作者ID", "followers": "粉丝数", "verified": "认证",
    "reposts": "转发数", "comments": "评论数", "likes": "点赞数", "url": "链接",
    "source_file": "来源文件", "source_line": "来源行号", "brands": "品牌",
    "thread": "所在帖子品牌", "sentiment": "情感分", "label_rule": "情感判定规则",
    "genre": "内容类型", "genre_rule": "类型判定规则", "voice": "计入情感",
    "categories": "投诉类别", "engagement_rank": "互动排名",
    # inspect
    "file": "文件", "layout": "导出格式", "encoding": "编码", "format": "文件格式",
    "rows_read": "读取行数", "used": "使用行数", "derived_posts": "派生帖子数",
    "skipped": "跳过行数", "duplicates": "重复数", "filtered": "过滤行数",
    "first": "最早时间", "last": "最晚时间", "relative_times": "相对时间数",
    "truncated_text": "截断正文数", "skip_reasons": "跳过原因", "mapping": "列映射",
    "error": "错误", "line": "行号", "reason": "原因", "rows": "行数", "clause": "查询子句",
    # influencers
    "reach": "影响力", "reach_basis": "影响力依据", "reposted_in_chains": "被转发链引用次数",
    "top_post_time": "最热帖时间", "top_post_engagement": "最热帖互动量",
    "top_post_text": "最热帖正文", "top_post_url": "最热帖链接", "drove_spike": "带动的激增",
    # alerts
    "severity": "级别", "event": "事件", "fired": "触发时间", "start": "开始时间",
    "end": "结束时间", "ongoing": "持续中", "value": "数值", "baseline": "基线",
    "z": "Z值", "baseline_negative_share": "基线负面占比", "peak_period": "峰值时段",
    "peak_value": "峰值", "peak_baseline": "峰值基线", "lower_bound": "至少（下限）",
    "detail": "详情", "terms": "投诉话题",
    "first_time": "首帖时间", "first_author": "首帖作者", "first_followers": "首帖作者粉丝数",
    "first_reposts": "首帖转发数", "first_comments": "首帖评论数", "first_likes": "首帖点赞数",
    "first_text": "首帖正文", "first_url": "首帖链接",
    "top_time": "最热帖时间", "top_author": "最热帖作者", "top_followers": "最热帖作者粉丝数",
    "top_reposts": "最热帖转发数", "top_comments": "最热帖评论数", "top_likes": "最热帖点赞数",
    "top_text": "最热帖正文", "top_url": "最热帖链接",
    # response times
    "incident_start": "事件开始", "incident_end": "事件结束", "trigger_author": "引发者",
    "trigger_text": "引发帖正文", "responded_at": "回应时间", "responder": "回应账号",
    "response_text": "回应内容", "response_url": "回应链接", "response_rule": "回应判定",
    "delay_hours": "回应用时（小时）", "target_hours": "目标时限（小时）", "status": "状态",
    "passed_over": "未算作回应的官方帖", "passed_over_posts": "未算作回应的官方帖内容",
    # evaluate
    "group": "分组", "n": "样本数", "accuracy": "准确率", "macro_f1": "宏平均F1",
    "roc_auc": "ROC AUC", "true_neg": "真负", "false_pos": "假正", "false_neg": "假负",
    "true_pos": "真正", "decided_accuracy": "已判定样本准确率", "model": "模型",
    "truth": "真实类别", "precision": "精确率", "recall": "召回率", "f1": "F1",
    "support": "样本数", "binary_n": "二分类样本数", "binary_accuracy": "二分类准确率",
    "binary_macro_f1": "二分类宏平均F1", "binary_roc_auc": "二分类ROC AUC",
    # summaries (the report workbook's first sheet)
    "item": "项目",
}

#: Chinese for the values of label, genre, severity and other coded columns.
VALUES_ZH: dict[str, str] = {
    "positive": "正面", "neutral": "中性", "negative": "负面",
    "opinion": "观点", "news": "新闻", "ad": "广告", "spam": "垃圾", "official": "官方",
    "watch": "关注", "spike": "激增", "crisis": "危机",
    "volume": "声量", "influential": "大V负面",
    "new": "新预警", "escalated": "升级", "doubled": "翻倍",
    "met": "达标", "missed": "超时", "no response": "未回应", "waiting": "等待回应",
    "no official_accounts": "未配置官方账号",
    "post": "帖子", "comment": "评论",
    # why a row was skipped
    "empty text": "正文为空", "repeated header line": "重复的表头行",
    "not a JSON object": "不是 JSON 对象", "no user id": "没有用户ID",
    "no comment (the row only repeats its post)": "没有评论（该行只重复所在帖子）",
    "invalid JSON: nested too deeply": "无效的 JSON：嵌套过深",
    "unparseable time": "时间无法解析", "no time": "没有时间",
    "unreadable CSV row": "无法读取的 CSV 行", "invalid JSON": "无效的 JSON",
    "header line: the columns change from here": "表头行：此后列名改变",
    "too many fields": "字段多于表头",
}
#: Columns whose values are codes a reader sees translated (in human formats only).
CODED_COLUMNS = ("label", "genre", "truth", "severity", "event", "status", "reason")
#: ``kind`` means a post's kind in posts and an alert's kind in alerts: both are codes.
_KIND_VALUES = ("post", "comment", "volume", "negative", "influential")

_INTERVALS_ZH = {"hour": "小时", "day": "天", "week": "周", "month": "月"}
_CLASSES_ZH = {"positive": "正面", "neutral": "中性", "negative": "负面"}
_METRICS_ZH = {"precision": "精确率", "recall": "召回率", "f1": "F1", "support": "样本数"}


def header(name: Any, lang: str) -> str:
    """The column ``name`` as a reader of ``lang`` sees it (``negative_share`` ->
    ``负面占比``); names not in the catalog (a brand, a category) stay as they are."""
    text = str(name)
    if lang != ZH:
        return text
    if text in HEADERS_ZH:
        return HEADERS_ZH[text]
    m = re.fullmatch(r"(positive|neutral|negative)_(precision|recall|f1|support)", text)
    if m:
        return _CLASSES_ZH[m[1]] + _METRICS_ZH[m[2]]
    m = re.fullmatch(r"true_(\w+?)_pred_(\w+)", text)
    if m and m[1] in _CLASSES_ZH and m[2] in _CLASSES_ZH:
        return f"真实{_CLASSES_ZH[m[1]]}判为{_CLASSES_ZH[m[2]]}"
    m = re.fullmatch(r"(?:pred|as)_(positive|neutral|negative)", text)
    if m:
        return ("预测" if text.startswith("pred") else "判为") + _CLASSES_ZH[m[1]]
    if text.endswith(" share"):  # a brand's column of share of voice per period
        return f"{text[:-len(' share')]} 份额"
    return text


#: Titles of the commands' tables, for the terminal (``title(…)``).
TITLES_ZH: dict[str, str] = {
    "Top complaints": "主要投诉话题", "Complaints per category": "各类别投诉",
    "Posts": "帖子", "Input files": "输入文件", "Skipped rows": "跳过的行",
    "Posts matched per clause, and per genre": "各查询子句、各内容类型匹配的帖子",
    "Influencers": "影响力账号", "Share of voice": "声量份额", "Alerts": "预警",
    "Sentiment mix": "情感分布",
}
_TITLE_PATTERNS_ZH = (
    (re.compile(r"^Mentions per (\w+) and brand$"), "各品牌每{0}提及量"),
    (re.compile(r"^Mentions per (\w+)$"), "每{0}提及量"),
    (re.compile(r"^Timeline \(per (\w+)\)$"), "走势（按{0}）"),
    (re.compile(r"^Share of voice per (\w+)$"), "声量份额（按{0}）"),
)


def title(english: str | None, lang: str) -> str | None:
    """A table's title in ``lang`` ("Mentions per day" -> "每天提及量"); a title not in
    the catalog stays as it is."""
    if lang != ZH or english is None:
        return english
    if english in TITLES_ZH:
        return TITLES_ZH[english]
    for pattern, template in _TITLE_PATTERNS_ZH:
        m = pattern.match(english)
        if m:
            return template.format(_INTERVALS_ZH.get(m[1], m[1]))
    return english


def headers(names: Iterable[Any], lang: str) -> list[str]:
    """:func:`header` of each name."""
    return [header(n, lang) for n in names]


def value(v: Any, lang: str) -> Any:
    """A coded value (``negative``, ``opinion``, ``crisis``) in ``lang``; others as they are."""
    if lang == ZH and isinstance(v, str):
        return VALUES_ZH.get(v, v)
    return v


def frame_values(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with its coded columns (label, genre, severity…) in ``lang``: for human
    formats; the column names stay (renderers find columns by them)."""
    if lang != ZH:
        return df
    cols = [c for c in df.columns if c in CODED_COLUMNS or (
        c == "kind" and df[c].isin(_KIND_VALUES).any())]
    if not cols and "detail" not in df.columns:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: VALUES_ZH.get(v, v) if isinstance(v, str) else v)
    if "detail" in out.columns:  # the alerts' sentences
        out["detail"] = out["detail"].map(lambda v: alert_detail(v, lang))
    return out


def frame_headers(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with its column names in ``lang`` (the data is not copied). For the
    terminal and the files asked for in Chinese; an English frame comes back as it is."""
    if lang != ZH:
        return df
    return df.set_axis(headers(df.columns, lang), axis=1)


def for_people(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` as a person reads it in ``lang``: coded values and headers translated."""
    return frame_headers(frame_values(df, lang), lang)


def interval(name: str, lang: str) -> str:
    """``hour`` / ``小时``."""
    return _INTERVALS_ZH.get(name, name) if lang == ZH else name


_COUNTED_ZH = {"hour": "小时", "day": "天", "week": "周", "month": "个月"}


def periods(n: int, name: str, lang: str) -> str:
    """A count of periods: ``84 weeks`` / ``84周``, ``1 hour``, ``12个月``."""
    if lang == ZH:
        return f"{n:,}{_COUNTED_ZH.get(name, name)}"
    return f"{n:,} {name}{'s' if n != 1 else ''}"


# --- sentences and titles --------------------------------------------------------------------

#: Texts of the human formats, each as (English, Chinese) ``str.format`` templates. The
#: English ones are the texts brandscan always wrote.
TEXTS: dict[str, tuple[str, str]] = {
    # the report
    "report_title": ("brandscan report: {brands}", "brandscan 舆情报告：{brands}"),
    "alerts": ("Alerts", "预警"),
    "data_notes": ("Data notes", "数据说明"),
    "top_complaints": ("Top complaints", "主要投诉话题"),
    "negative_posts": ("Most engaging negative posts", "互动量最高的负面帖子"),
    "media": ("Media coverage", "媒体报道"),
    "timeline": ("Timeline (per {interval})", "走势（按{interval}）"),
    "busiest_periods": ("Busiest {n} of {total:,} periods (per {interval})",
                        "{total:,}个时段中最热的{n}个（按{interval}）"),
    "sentiment_mix": ("Sentiment mix", "情感分布"),
    "influencers": ("Influencers", "影响力账号"),
    "share_of_voice": ("Share of voice", "声量份额"),
    "share_per": ("Share of voice per {interval}", "声量份额（按{interval}）"),
    "response": ("Response time to negative spikes", "负面激增的回应时间"),
    "response_short": ("Response time", "回应时间"),
    "skipped": ("Skipped rows", "跳过的行"),
    "by_category": ("By category: ", "按类别："),
    "mentions_of": ("{mentions:,} mentions of {brands}, {mix}{peak}{about}.",
                    "{brands}共{mentions:,}条提及，{mix}{peak}{about}。"),
    "mix": ("{share:.0%} of {voices:,} {what} negative", "{voices:,}条{what}中负面占{share:.0%}"),
    "no_voices": ("no {what}", "没有{what}"),
    "peak": ("; busiest {interval} {when} with {n:,} mentions",
             "；提及最多的{interval}是{when}，{n:,}条"),
    "complaints_about": ("; complaints are about {parts}", "；投诉集中在{parts}"),
    "opinions": ("opinions", "观点"),
    "counted_posts": ("counted posts", "计入情感的帖子"),
    "mention_parts": ("{posts:,} posts, {comments:,} comments",
                      "帖子{posts:,}条、评论{comments:,}条"),
    "thread_comments_part": (", {n:,} thread comments", "、跟帖评论{n:,}条"),
    "left_out": ("{parts} left out of the sentiment", "{parts}不计入情感"),
    "news_shown": ("{n:,} news posts shown as media coverage ({neg:,} negative, {pos:,} "
                   "positive)", "{n:,}条新闻作为媒体报道单列（负面{neg:,}条，正面{pos:,}条）"),
    "media_summary": ("{n:,} news posts ({neg:,} negative, {pos:,} positive)",
                      "{n:,}条新闻（负面{neg:,}条，正面{pos:,}条）"),
    "genre_count": ("{n:,} {plural}", "{plural}{n:,}条"),
    "digest_mentions": ("- **{mentions:,} mentions** ({parts}) by {authors:,} authors",
                        "- **提及量 {mentions:,}**（{parts}），来自{authors:,}个账号"),
    "digest_negative": ("- **{share:.1%} negative** of {voices:,} {what}, mean sentiment {mean}",
                        "- **负面占比 {share:.1%}**（共{voices:,}条{what}），平均情感分 {mean}"),
    "digest_mix_item": ("{n:,} {label}", "{label}{n:,}条"),
    "digest_engagement": ("- engagement {n:,} (reposts + comments + likes)",
                          "- 互动量 {n:,}（转发 + 评论 + 点赞）"),
    "digest_busiest": ("- busiest {interval}: {when} with {n:,} mentions; per {interval}: "
                       "`{spark}`", "- 提及最多的{interval}：{when}，{n:,}条；每{interval}走势："
                       "`{spark}`"),
    "no_complaints": ("No complaint term in this window: none is used by enough negative "
                      "opinions from enough accounts (complaints.min_posts, min_authors).",
                      "本时段没有投诉话题：没有哪个词被足够多账号的足够多负面观点使用"
                      "（complaints.min_posts、min_authors）。"),
    "complaints_note": ("Terms that set the negative opinions apart from the other opinions "
                        "(score: log-odds z); near copies of a post count once (distinct "
                        "posts), and so does one account.",
                        "负面观点区别于其他观点的用词（得分：对数几率 z 值）；"
                        "近似重复的帖子只计一次（不同帖子），同一账号也只计一次。"),
    "complaint_line": ("{rank}. **{term}**{category}: {neg:,} distinct negative posts "
                       "({share:.0%}) from {authors:,} accounts, {other:,} other opinions; "
                       "score {score:.2f}; engagement {engagement:,}",
                       "{rank}. **{term}**{category}：{neg:,}条不同的负面帖子（{share:.0%}），"
                       "来自{authors:,}个账号，其他观点{other:,}条；得分 {score:.2f}；"
                       "互动量 {engagement:,}"),
    "category_paren": (" ({category})", "（{category}）"),
    "same_post": ("   > (the same post as {rank}.)", "   > （与第{rank}条的示例为同一帖子。）"),
    "post_counts": ("{reposts:,} reposts, {comments:,} comments, {likes:,} likes",
                    "转发 {reposts:,}，评论 {comments:,}，点赞 {likes:,}"),
    "most_engaging": ("{summary}; the most engaging:", "{summary}；互动量最高的："),
    "link": ("link", "原文"),
    "footer": ("{read:,} rows read, {skipped:,} skipped{reasons}, {dups:,} duplicates · "
               "sentiment model {model}",
               "读取{read:,}行，跳过{skipped:,}行{reasons}，重复{dups:,}条 · 情感模型 {model}"),
    "skip_reason": ("{n:,} {reason}", "{reason} {n:,}"),
    # the HTML page
    "times_in": (" · times in {tz}", " · 时区 {tz}"),
    "as_of": (" · as of {when}", " · 生成于 {when}"),
    "kpi_mentions": ("mentions", "提及量"),
    "kpi_thread": ("thread comments", "跟帖评论"),
    "kpi_negative": ("negative", "负面占比"),
    "kpi_mean": ("mean sentiment", "平均情感分"),
    "kpi_engagement": ("engagement", "互动量"),
    "kpi_authors": ("authors", "账号数"),
    "kpi_busiest": ("busiest {interval}", "提及最多的{interval}"),
    "kpi_alerts": ("alerts", "预警"),
    "busiest_note": ("Busiest periods", "最热时段"),
    "every_period": ("every {interval} ({n:,} rows)", "每{interval}（{n:,}行）"),
    "media_title": ("Media coverage: {summary}", "媒体报道：{summary}"),
    "no_authors": ("No authors in this window.", "本时段没有账号。"),
    "alerts_not_computed": ("Alerts were not computed for this report.", "本报告未计算预警。"),
    "no_alert": ("No alert fired in this window.", "本时段没有触发预警。"),
    "fired": ("fired {what}", "触发：{what}"),
    "ongoing": ("ongoing", "持续中"),
    "to": ("to", "至"),
    "complained": ("what people complain about: {terms}", "投诉内容：{terms}"),
    "first_post": ("first triggering post", "首个引发帖子"),
    "top_post": ("most engaging post", "互动量最高的帖子"),
    "followers": ("{n:,} followers", "粉丝 {n:,}"),
    "made_by": (" · made by brandscan", " · 由 brandscan 生成"),
    "yes": ("yes", "是"),
    "th_term": ("term", "投诉话题"), "th_category": ("category", "类别"),
    "th_negative": ("distinct negative posts", "不同负面帖子"), "th_share": ("share", "占比"),
    "th_accounts": ("accounts", "账号数"), "th_other": ("other opinions", "其他观点"),
    "th_score": ("score", "得分"), "th_engagement": ("engagement", "互动量"),
    "th_example": ("example post", "示例帖子"),
    # the workbook
    "sheet_summary": ("summary", "摘要"), "sheet_timeline": ("timeline", "走势"),
    "sheet_complaints": ("complaints", "投诉话题"), "sheet_alerts": ("alerts", "预警"),
    "sheet_influencers": ("influencers", "影响力账号"),
    "sheet_share_of_voice": ("share_of_voice", "声量份额"),
    "sheet_share_of_voice_by_period": ("share_of_voice_by_period", "各时段声量份额"),
    "sheet_response_times": ("response_times", "回应时间"),
    "sheet_media_coverage": ("media_coverage", "媒体报道"), "sheet_posts": ("posts", "帖子"),
    "verdict": ("verdict", "结论"), "value": ("value", "数值"), "item": ("item", "项目"),
    "interval": ("interval", "时段长度"), "times_are_in": ("times are in", "时区"),
    "generated": ("generated", "生成时间"), "sentiment_mix_lc": ("sentiment mix", "情感分布"),
    "skipped_lc": ("skipped rows", "跳过的行"),
    "no_posts": ("No posts in this window.", "本时段没有帖子。"),
    "no_mentions": ("No mentions in this window.", "本时段没有提及。"),
    "no_alerts": ("No alerts fired in this window.", "本时段没有触发预警。"),
    "not_computed": ("{what} were not computed for this report.", "本报告未计算{what}。"),
    "no_brands": ("No brands compared.", "没有可比较的品牌。"),
    "no_incident": ("No negative incident needed a response in this window.",
                    "本时段没有需要回应的负面事件。"),
    "no_news": ("No news posts in this window.", "本时段没有新闻。"),
    "no_negative_posts": ("No negative posts in this window.", "本时段没有负面帖子。"),
    "chart_mentions": ("mentions", "提及量"), "chart_negative": ("negative share", "负面占比"),
    "chart_title": ("Mentions per {interval}", "每{interval}提及量"),
    "chart_title_plain": ("Mentions", "提及量"),
    # the terminal
    "more_columns": ("{n} more column{s} in {where}", "另有{n}列，见 {where}"),
    "blank_fields": ("(blank fields are not shown)", "（空白字段未显示）"),
    "report_panel": ("brandscan report", "brandscan 舆情报告"),
    "alerts_count": ("Alerts ({n})", "预警（{n}条）"),
    "alerts_latest": ("Alerts: the {k} latest of {n}", "预警：共{n}条，最近{k}条"),
    "alerts_more": ("and {k} more (brandscan alerts with the same input lists all {n}, "
                    "with their posts)",
                    "另有{k}条（同样输入运行 brandscan alerts 列出全部{n}条及其帖子）"),
    "note_label": ("note:", "说明："),
    "spark_label": (" mentions per {interval}: ", " 每{interval}提及量："),
    "spark_last": (" mentions per {interval}, the last {keep:,} of {periods}:",
                   " 每{interval}提及量，{periods}中的最近{keep:,}个："),
    "busiest_caption": ("the {n} busiest of {periods}; all in brandscan timeline "
                        "--interval {interval}", "{periods}中最热的{n}个；全部见 brandscan "
                        "timeline --interval {interval}"),
    "sov_per_caption": ("Share of voice per {interval}: {periods}, in brandscan sov "
                        "--interval {interval}", "声量份额（按{name}）：{periods}，见 brandscan "
                        "sov --interval {interval}"),
    "report_columns": ("--format json or xlsx", "--format json 或 xlsx"),
    "fired_from": ("  fired {when} ({event}{ongoing})  from {start}",
                   "  触发于 {when}（{event}{ongoing}）  始于 {start}"),
    "post_first": ("first", "首帖"), "post_top": ("most engaging", "互动量最高"),
    "terms_label": ("terms: ", "投诉话题："),
    "th_period": ("period", "时段"), "th_mentions": ("mentions", "提及量"),
    "th_neg": ("negative", "负面"), "th_mean": ("mean", "均值"),
    # the alert digest
    "alerts_title": ("# brandscan alerts", "# brandscan 预警"),
    "alert_title": ("{severity} {brand} {kind}, fired {when} ({event}{ongoing})",
                    "{severity} {brand} {kind}，触发于 {when}（{event}{ongoing}）"),
    "ongoing_suffix": (", ongoing", "，持续中"),
    "first_line": ("  - first: {line}", "  - 首帖：{line}"),
    "top_line": ("  - most engaging: {line}", "  - 互动量最高：{line}"),
    "terms_line": ("  - terms: {terms}", "  - 投诉话题：{terms}"),
}

#: Headline rows of the report (Markdown/terminal/XLSX), English key -> Chinese.
HEADLINE_ZH: dict[str, str] = {
    "brands": "品牌", "mentions": "提及量", "posts": "帖子", "comments": "评论",
    "thread comments": "跟帖评论", "authors": "账号数", "period": "时间范围",
    "first post": "最早帖子", "last post": "最晚帖子", "negative share": "负面占比",
    "set apart": "单列", "mean sentiment": "平均情感分", "engagement": "互动量",
    "busiest period": "提及最多的时段", "mentions in the busiest period": "最多时段提及量",
    "rows": "行数", "rows read": "读取行数", "rows skipped": "跳过行数",
    "duplicates": "重复数", "model": "情感模型", "sentiment model": "情感模型",
    "voices": "计入情感的帖子数", "genres": "各内容类型帖子数",
    "voice genres": "计入情感的内容类型", "news": "新闻的情感",
}

#: Genres in the plural, for "12 ads left out of the sentiment".
GENRE_PLURAL: dict[str, tuple[str, str]] = {
    "opinion": ("opinions", "观点"), "news": ("news posts", "新闻"), "ad": ("ads", "广告"),
    "spam": ("spam", "垃圾帖"), "official": ("official posts", "官方帖子"),
}


def text(key: str, lang: str, **fields: Any) -> str:
    """The text ``key`` of :data:`TEXTS` in ``lang``, with ``fields`` filled in."""
    en, zh = TEXTS[key]
    template = zh if lang == ZH else en
    return template.format(**fields) if fields else template


def headline_label(label: str, lang: str) -> str:
    """A headline row's label (``negative share`` / ``负面占比``)."""
    return HEADLINE_ZH.get(label, label) if lang == ZH else label


def brands(names: str, lang: str) -> str:
    """The report's "鲜果坊, 果多多" as Chinese writes a list: "鲜果坊、果多多"."""
    return names.replace(", ", "、") if lang == ZH else names


def join(parts: Iterable[str], lang: str) -> str:
    """A list in running text: ``a, b`` / ``a、b``."""
    return ("、" if lang == ZH else ", ").join(parts)


# --- the alerts' detail sentences -----------------------------------------------------------

def alert_detail(detail: str, lang: str) -> str:
    """An alert's detail sentence (written by the analysis, in English) in ``lang``:
    "19 mentions in the hour from 11-05 08:00 vs 0 expected (z 12.8); …" ->
    "11-05 08:00 起一小时内19条提及，基线预期 0（z 12.8）；…". A sentence of another
    shape stays English."""
    if lang != ZH or not isinstance(detail, str):
        return detail
    return _translated(detail, _DETAILS_ZH).replace("; ", "；")


# --- error messages -------------------------------------------------------------------------

def _subs(pairs: Iterable[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), t) for p, t in pairs]


#: The most common error messages in Chinese: (pattern, replacement) applied in turn. A
#: file's error arrives as ``path: message``, so most patterns also match after ": ".
#: Words not matched stay English inside the Chinese frame.
_MESSAGES_ZH = _subs((
    (r"(^|: )no such file$", r"\1找不到文件"),
    (r"(^|: )config file not found$", r"\1找不到配置文件"),
    (r"(^|: )header only, no rows$", r"\1只有表头，没有数据行"),
    (r"(^|: )the header line is empty$", r"\1表头行为空"),
    (r"(^|: )empty file$", r"\1文件为空"),
    (r"(^|: )binary file, not a text export$", r"\1是二进制文件，不是文本导出文件"),
    (r"(^|: )not valid (\S+) at byte (\d+)$", r"\1不是有效的 \2 编码（第 \3 字节）"),
    (r"(^|: )cannot tell the text encoding \(([\d,]+) undecodable bytes\)$",
     r"\1无法识别文本编码（\2 个字节无法解码）"),
    (r"(^|: )cannot read: (.*)$", r"\1无法读取：\2"),
    (r"(^|: )cannot read config: (.*)$", r"\1无法读取配置：\2"),
    (r"(^|: )no text column recognised; columns found: (.*)$",
     r"\1找不到正文列；文件中的列：\2"),
    (r"(^|: )column '(.+?)' is not in the file; columns found: (.*)$",
     r"\1文件中没有列 '\2'；文件中的列：\3"),
    (r"^--brand (.+?): not a configured brand \((.+)\)$", r"--brand \1：不是已配置的品牌（\2）"),
    (r"^(--since|--until): cannot read '(.*)' as a time$", r"\1：无法把 '\2' 读成时间"),
    (r"^(--since|--until): '(.*)' is out of range$", r"\1：'\2' 超出范围"),
    (r"^--since (.+) is not before --until (.+): the window is empty$",
     r"--since \1 不早于 --until \2：时间窗口为空"),
    (r"^no posts between (.+) and (.+?)(?:; the store holds (.+) to (.+))?$",
     r"\1 到 \2 之间没有帖子"),
    (r"^0 of ([\d,]+) posts mention (.+?) \(data from (.+) to (.+)\)$",
     r"\1 条帖子中没有一条提到 \2（数据时间 \3 至 \4）"),
    (r"(^|: )unknown key '(.+)'$", r"\1未知的配置项 '\2'"),
    (r"^unknown timezone '(.+)'$", r"未知的时区 '\1'"),
    (r"^no input could be read$", "没有能读取的输入"),
    (r"^(\d+) of (\d+) file\(s\) could not be read$", r"\2 个文件中有 \1 个无法读取"),
    (r"^--format (\S+) is for the terminal$", r"--format \1 只能显示在终端上"),
    (r"^--format (\S+) writes a binary file$", r"--format \1 写出的是二进制文件"),
    (r"^(\S+): unknown genre '(.*)'$", r"\1：未知的内容类型 '\2'"),
    (r"^'(.+)' must be zh or en, not (.+)$", r"'\1' 只能是 zh 或 en，不能是 \2"),
))
_HINTS_ZH = _subs((
    (r"^check the path given to --config or \$BRANDSCAN_CONFIG$",
     "检查 --config 或 $BRANDSCAN_CONFIG 给出的路径"),
    (r"^configured: (.+); add it under brands:$", r"已配置的品牌：\1；可在 brands: 下添加"),
    (r"^known keys here: (.+)$", r"此处可用的配置项：\1"),
    (r"^use an IANA name such as Asia/Shanghai$", "请使用 IANA 时区名，例如 Asia/Shanghai"),
    (r"^swap them, or widen the window$", "交换两者，或放宽时间窗口"),
    (r"^use YYYY-MM-DD, 'YYYY-MM-DD HH:MM', 24h, 7d, today or yesterday$",
     "请用 YYYY-MM-DD、'YYYY-MM-DD HH:MM'、24h、7d、today 或 yesterday"),
    (r"^give a time between 1990 and 2200, or a span such as 7d$",
     "请给出 1990 到 2200 年之间的时间，或 7d 这样的时长"),
    (r"^re-save the file as UTF-8$", "请把文件另存为 UTF-8"),
    (r"^give a CSV, TSV, JSON or JSONL file$", "请给出 CSV、TSV、JSON 或 JSONL 文件"),
    (r"^name it with --text-col COLUMN or columns.text in the config$",
     "用 --text-col 列名 或配置中的 columns.text 指定"),
    (r"^see the messages above$", "见上方信息"),
    (r"^see config.example.yaml$", "参见 config.example.yaml"),
    (r"^give the YAML file$", "请给出 YAML 配置文件"),
    (r"^use (.+) with -o$", r"与 -o 一起使用 \1"),
    (r"^give -o FILE\.(\w+), or redirect stdout to a file$",
     r"请用 -o FILE.\1，或把标准输出重定向到文件"),
    (r"^use zh or en$", "请用 zh 或 en"),
))


_DETAILS_ZH = _subs((
    (r"; peak (\d+) mentions in the hour from (\S+ \S+)$", r"；峰值为 \2 起一小时内 \1 条提及"),
    (r"; peak (\S+) negative in the hour from (\S+ \S+)$", r"；峰值为 \2 起一小时内负面占比 \1"),
    (r"^(≥?)(\d+) mentions in the hour from (\S+ \S+) vs (\d+) expected \(z ([-\d.]+)\); "
     r"(\S+) negative vs (\S+) over the trailing (\d+) days",
     r"\3 起一小时内\1\2条提及，基线预期 \4（z \5）；负面占比 \6，过去 \8 天为 \7"),
    (r"^(\S+) negative \((\S+) or more at 95%\) of (\d+) posts in the hour from (\S+ \S+) vs "
     r"(\S+) over the trailing (\d+) days; engagement-weighted (\S+) vs (\S+)",
     r"\4 起一小时内 \3 条帖子负面占比 \1（95% 置信下至少 \2），过去 \6 天为 \5；"
     r"按互动量加权为 \7，过去为 \8"),
    (r"^negative opinion by (.+?) \((.*)\)$", r"\1 的负面观点（\2）"),
    (r"^negative news post by (.+?) \((.*)\)$", r"\1 的负面新闻（\2）"),
    (r"([\d,]+) followers ≥ ([\d,]+)", r"粉丝 \1 ≥ \2"),
    (r"([\d,]+) reposts ≥ ([\d,]+)", r"转发 \1 ≥ \2"),
    (r"verified (\S+)", r"认证 \1"),
    (r"no influence criterion", "未达影响力标准"),
))


_NOTES_ZH = _subs((
    (r"^(.+?): (.+) starts at (.+); the hours before it count only the other inputs$",
     r"\1：\2 从 \3 开始；此前的小时只计其他输入"),
    (r"^(.+?): no input covers (.+) to (.+); those hours are unknown, not zero, and no "
     r"baseline counts them$",
     r"\1：没有输入覆盖 \2 至 \3；这些小时的数据未知（不是零），不计入任何基线"),
    (r"^(.+?): the week from (.+) has ([\d,]+) posts against ([\d,]+) the week before — the "
     r"export's coverage grew; earlier weeks are left out of the baselines$",
     r"\1：\2 起的一周有 \3 条帖子，前一周只有 \4 条——导出的覆盖范围扩大了；更早的周不计入基线"),
    (r"^(.+?): ([\d,]+) hours? hit an export's page cap \(most posts at :58-:59\): their "
     r"counts are lower bounds$",
     r"\1：\2 个小时触及导出的翻页上限（帖子多在 :58-:59）：这些小时的计数只是下限"),
))


_HOLDERS_ZH = {"the store": "存储库", "the file": "文件", "the files": "这些文件",
               "the file and the store": "文件和存储库",
               "the files and the store": "这些文件和存储库"}
_NOUNS_ZH = {"posts": "帖子", "comments": "评论"}


def no_mentions(why: str, lang: str) -> str:
    """Why a run counted no post (:mod:`brandscan.app.extent`'s sentence) in ``lang``:
    "no posts between A and B; the store holds C to D" -> "A 至 B 之间没有帖子；存储库中的
    数据为 C 至 D"; "0 of N posts mention X (data from A to B)" -> "N 条帖子中没有提及 X 的
    （数据为 A 至 B）". A sentence of another shape stays English."""
    if lang != ZH:
        return why
    m = re.fullmatch(r"no (posts|comments) (between (.+) and (.+)|since (.+)|before (.+)); "
                     r"(.+?) holds? (?:no (?:posts|comments)|(.+) to (.+))", why)
    if m:
        noun = _NOUNS_ZH[m[1]]
        where = (f"{m[3]} 至 {m[4]} 之间" if m[3] else f"{m[5]} 以来" if m[5]
                 else f"{m[6]} 之前")
        holder = _HOLDERS_ZH.get(m[7], m[7])
        held = f"数据为 {m[8]} 至 {m[9]}" if m[8] else f"没有{noun}"
        return f"{where}没有{noun}；{holder}中{held}"
    m = re.fullmatch(r"no (posts|comments) in (.+?)( \(--kind \w+\))?", why)
    if m:
        return f"{_HOLDERS_ZH.get(m[2], m[2])}中没有{_NOUNS_ZH[m[1]]}{m[3] or ''}"
    m = re.fullmatch(r"0 of ([\d,]+) (posts|comments) mention (.+) \(data from (.+) to (.+)\)",
                     why)
    if m:
        return (f"{m[1]} 条{_NOUNS_ZH[m[2]]}中没有提及 {m[3].replace(' or ', '或')} 的"
                f"（数据为 {m[4]} 至 {m[5]}）")
    return why


def data_note(note: str, lang: str) -> str:
    """A note on the data (coverage gaps, page caps) in ``lang``; other notes stay."""
    return _translated(note, _NOTES_ZH) if lang == ZH else note


def _translated(text_: str, catalog: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, replacement in catalog:
        text_ = pattern.sub(replacement, text_, count=1)
    return text_


def _zh_hint(hint: str) -> str:
    return f"（提示：{_translated(hint, _HINTS_ZH)}）"


def _zh_message(message: str) -> str:
    """A message in Chinese; a hint already folded in (``path: message (hint)``, as file
    errors arrive) is found and framed as a hint too."""
    folded = re.match(r"^(.*) \(([^()]*)\)$", message)
    if folded and _translated(folded[2], _HINTS_ZH) != folded[2]:
        return _translated(folded[1], _MESSAGES_ZH) + _zh_hint(folded[2])
    return _translated(message, _MESSAGES_ZH)


def error_text(message: str, *, where: str | None = None, hint: str | None = None,
               lang: str = EN) -> str:
    """One error line: ``where: message (hint)`` / ``where：message（提示：hint）``."""
    if lang != ZH:
        text_ = f"{where}: {message}" if where else message
        return text_ + (f" ({hint})" if hint else "")
    text_ = f"{where}：{_zh_message(message)}" if where else _zh_message(message)
    return text_ + (_zh_hint(hint) if hint else "")


def error_prefix(lang: str) -> str:
    """What starts an error line on stderr: ``Error: `` / ``错误：``."""
    return "错误：" if lang == ZH else "Error: "


_CLICK_ZH = _subs((
    (r"^No such option: (\S+)", r"没有这个选项：\1"),
    (r"^No such option '(.+?)'\.", r"没有这个选项 '\1'。"),
    (r"^No such command '(.+)'\.", r"没有这个命令 '\1'。"),
    (r" ?\(Did you mean one of: (.+)\?\)$", r"（是不是要用其中之一：\1？）"),
    (r" ?\(Did you mean (.+)\?\)$", r"（是不是要用 \1？）"),
    (r"^Invalid value for (.+?): ", r"\1 的值无效："),
    (r"(\S+) is not one of (.+)\.$", r"\1 不是 \2 之一。"),
    (r"(\S+) is not in the range (.+)\.$", r"\1 不在范围 \2 内。"),
    (r"(\S+) is not a valid (integer|float)( range)?\.$", r"\1 不是有效的数字。"),
    (r"^Option '(.+)' requires an argument\.$", r"选项 '\1' 需要一个值。"),
    (r"^Missing argument '(.+)'\.$", r"缺少参数 '\1'。"),
    (r"^Missing option '(.+)'\.$", r"缺少选项 '\1'。"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"多余的参数（\1）"),
))


def click_message(message: str, lang: str) -> str:
    """One of Click's own option errors in ``lang`` (the common ones; others stay)."""
    return _translated(message, _CLICK_ZH) if lang == ZH else message


def usage_frame(usage: str, help_hint: str, lang: str) -> tuple[str, str]:
    """Click's usage line and its "Try '… --help' for help." in ``lang``."""
    if lang != ZH:
        return usage, help_hint
    usage = re.sub(r"^Usage: ", "用法：", usage)
    help_hint = re.sub(r"^Try '(.+)' for help\.$", r"运行 '\1' 查看帮助。", help_hint)
    return usage, help_hint


# --- messages on stderr -----------------------------------------------------------------------

_SUMMARY_PARTS_ZH = _subs((
    (r"^([\d,]+) rows read from (\d+) file\(s\)$", r"读取\1行（\2个文件）"),
    (r"^([\d,]+) used$", r"使用\1行"),
    (r"^([\d,]+) duplicates$", r"重复\1条"),
    (r"^([\d,]+) filtered by --kind$", r"--kind 筛掉\1条"),
    (r"^([\d,]+) text\(s\) longer than the limit cut short$", r"\1条超长文本被截断"),
))


def _skipped_zh(part: str) -> str | None:
    """"2 skipped (2 empty text, 1 bad time)" -> "跳过2行（正文为空 2、…）"."""
    m = re.fullmatch(r"([\d,]+) skipped \((.*)\)", part)
    if not m:
        return None
    reasons = []
    for item in m[2].split(", "):
        n, _, reason = item.partition(" ")
        reasons.append(f"{VALUES_ZH.get(reason, reason)} {n}")
    return f"跳过{m[1]}行（{'、'.join(reasons)}）"


def message(line: str, lang: str) -> str:
    """A progress or summary line brandscan writes on stderr, in ``lang``: the load
    summary, why a run counted no post, how many posts were listed, a data note. Lines
    of other shapes stay English."""
    if lang != ZH or not line.startswith("brandscan: "):
        return line
    body = line[len("brandscan: "):]
    if " rows read from " in body:
        parts = []
        for part in body.split("; "):
            parts.append(_skipped_zh(part) or _translated(part, _SUMMARY_PARTS_ZH))
        return "brandscan：" + "；".join(parts)
    m = re.fullmatch(r"([\d,]+) of ([\d,]+) posts listed(?: \((.*)\))?", body)
    if m:
        words = {"brand": "品牌", "label": "情感", "genre": "内容类型"}
        filters = []
        for item in (m[3] or "").split("; ") if m[3] else []:
            what, _, values = item.partition(" ")
            shown = "、".join(VALUES_ZH.get(v, v) for v in values.split(", "))
            filters.append(f"{words.get(what, what)} {shown}")
        return (f"brandscan：列出{m[2]}条帖子中的{m[1]}条"
                + (f"（{'；'.join(filters)}）" if filters else ""))
    if body.startswith("note: "):
        return f"brandscan：说明：{data_note(body[len('note: '):], lang)}"
    translated = no_mentions(body, lang)
    return f"brandscan：{translated}" if translated != body else line
