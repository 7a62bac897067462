"""A :class:`~brandscan.analyze.report.Report` as a terminal page, a Markdown digest or JSON."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brandscan.analyze.report import Report
from brandscan.lang import (
    EN,
    ZH,
    alert_detail,
    brands,
    data_note,
    for_people,
    frame_values,
    headline_label,
    join,
    periods,
    text,
)
from brandscan.lang import interval as interval_name
from brandscan.lang import no_mentions as no_mentions_why
from brandscan.lang import value as coded
from brandscan.render import alerts as alert_text
from brandscan.render.alerts import summary as alert_summary
from brandscan.render.table import cut, frame_table, one_line, sparkline
from brandscan.render.tabular import records
from brandscan.render.tabular import to_markdown as md_table

REPORT_SCHEMA_VERSION = 1


def period_label(ts: Any, interval: str) -> str:
    """A period as its interval names it: ``2026-11-05 09:00`` (hour), ``2026-11-05``
    (day, week: its first day), ``2026-11`` (month)."""
    if ts is None or ts is pd.NaT:
        return "-"
    return ts.strftime({"hour": "%Y-%m-%d %H:%M", "month": "%Y-%m"}.get(interval,
                                                                         "%Y-%m-%d"))


def _when(ts: Any, with_time: bool = True) -> str:
    if ts is None or ts is pd.NaT:
        return "-"
    return ts.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


_PLURAL = {"opinion": "opinions", "news": "news posts", "ad": "ads", "spam": "spam",
           "official": "official posts"}
_PLURAL_ZH = {"opinion": "观点", "news": "新闻", "ad": "广告", "spam": "垃圾帖",
              "official": "官方帖子"}


def voices_word(h: dict[str, Any], lang: str = EN) -> str:
    """What the sentiment mix counts: "opinions" by default."""
    genres = h.get("voice_genres") or ["opinion"]
    return text("opinions" if list(genres) == ["opinion"] else "counted_posts", lang)


def set_apart(h: dict[str, Any], lang: str = EN) -> str:
    """What the sentiment mix leaves out and what it shows apart, in one line ("" when
    every post counts)."""
    genres, counted = h.get("genres") or {}, set(h.get("voice_genres") or ["opinion"])
    plural = _PLURAL_ZH if lang == ZH else _PLURAL
    out = [text("genre_count", lang, n=n, plural=plural[g]) for g, n in genres.items()
           if n and g not in counted and g != "news"]
    parts = [text("left_out", lang, parts=join(out, lang))] if out else []
    news = genres.get("news", 0)
    if news and "news" not in counted:
        tone = h.get("news") or {}
        parts.append(text("news_shown", lang, n=news, neg=tone.get("negative", 0),
                          pos=tone.get("positive", 0)))
    return ("；" if lang == ZH else "; ").join(parts)


def media_summary(report: Report, lang: str = EN) -> str:
    """"12 news posts (3 negative, 2 positive)": the media coverage in one phrase."""
    h = report.headline
    tone = h.get("news") or {}
    n = (h.get("genres") or {}).get("news", 0)
    return text("media_summary", lang, n=n, neg=tone.get("negative", 0),
                pos=tone.get("positive", 0))


def complaint_phrase(report: Report, lang: str = EN) -> str:
    """"; complaints are about 质量 (烂山竹, 坏了), 客服 (客服不回复)": the two biggest
    complaint categories with their top terms, else the top three terms."""
    terms = report.complaints
    aspects = report.aspects
    if aspects is not None and len(aspects):
        parts = []
        for cat in aspects["category"].head(2).tolist():
            words = terms.loc[terms["category"] == cat, "term"].head(2).tolist()
            if not words:
                parts.append(cat)
            else:
                parts.append(f"{cat}（{join(words, lang)}）" if lang == ZH
                             else f"{cat} ({', '.join(words)})")
        return text("complaints_about", lang, parts=join(parts, lang))
    top = terms["term"].head(3).tolist()
    return text("complaints_about", lang, parts=join(top, lang)) if top else ""


def verdict(report: Report, lang: str = EN) -> str:
    """One sentence a manager can read in a cron mail."""
    h = report.headline
    radar = alert_summary(report.alerts, report.response, lang=lang)
    radar = f"{radar} " if radar and lang != ZH else radar
    if not h["mentions"]:
        # The run says why there are none: an empty window or a brand that never matches.
        why = no_mentions_why(report.no_mentions, lang)
        if not why:
            return radar + text("no_mentions", lang)
        return f"{radar}{why[:1].upper() + why[1:]}{'。' if lang == ZH else '.'}"
    every = interval_name(report.interval, lang)
    peak = (text("peak", lang, interval=every,
                 when=period_label(h["peak_period"], report.interval),
                 n=h["peak_mentions"]) if h["peak_period"] is not None else "")
    about = complaint_phrase(report, lang)
    mix = (text("mix", lang, share=h["negative_share"], voices=h["voices"],
                what=voices_word(h, lang))
           if h.get("voices") else text("no_voices", lang, what=voices_word(h, lang)))
    return radar + text("mentions_of", lang, mentions=h["mentions"],
                        brands=brands(h["brands"], lang),
                        mix=mix, peak=peak, about=about)


def mention_parts(h: dict[str, Any], lang: str = EN) -> str:
    """"406 posts, 306 comments, 2,767 thread comments" (thread comments only when any)."""
    out = text("mention_parts", lang, posts=h["posts"], comments=h["comments"])
    if h.get("thread_comments"):
        out += text("thread_comments_part", lang, n=h["thread_comments"])
    return out


def _headline_rows(report: Report, lang: str = EN) -> list[tuple[str, str]]:
    h = report.headline
    zh = lang == ZH
    mentions = (f"{h['mentions']:,}（{mention_parts(h, lang)}）" if zh
                else f"{h['mentions']:,} ({mention_parts(h)})")
    negative = (f"{h['negative_share']:.1%}（共{h['voices']:,}条{voices_word(h, lang)}）" if zh
                else f"{h['negative_share']:.1%} of {h['voices']:,} {voices_word(h)}")
    rows = (f"读取{h['rows_read']:,}行，跳过{h['rows_skipped']:,}行，重复{h['duplicates']:,}条"
            if zh else f"{h['rows_read']:,} read, {h['rows_skipped']:,} skipped, "
                       f"{h['duplicates']:,} duplicates")
    apart = set_apart(h, lang)
    return [(headline_label(k, lang), v) for k, v in (
        ("brands", brands(h["brands"], lang)),
        ("mentions", mentions),
        ("authors", f"{h['authors']:,}"),
        ("period", f"{_when(h['first'])} — {_when(h['last'])}"),
        ("negative share", negative),
        *([("set apart", apart)] if apart else []),
        ("mean sentiment", "-" if h["mean_sentiment"] is None else f"{h['mean_sentiment']:.3f}"),
        ("engagement", f"{h['engagement']:,}"),
        ("rows", rows),
        ("model", h["model"] or "-"),
    )]


def _timeline_table(report: Report, rows: pd.DataFrame, lang: str = EN) -> Group:
    """Period, mentions with a bar, negative share, mean sentiment: fits 80 columns."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, header_style="bold")
    for name, justify in (("th_period", "left"), ("th_mentions", "right"), ("", "left"),
                          ("th_neg", "right"), ("th_mean", "right")):
        table.add_column(text(name, lang) if name else "", justify=justify, no_wrap=True)
    top = max(int(report.timeline["mentions"].max()), 1)
    for r in rows.itertuples(index=False):
        bar = "█" * round(20 * r.mentions / top) if r.mentions else ""
        mean = "" if pd.isna(r.mean_sentiment) else f"{r.mean_sentiment:.2f}"
        share = "" if pd.isna(r.negative_share) else f"{r.negative_share:.0%}"
        table.add_row(period_label(r.period, report.interval), f"{r.mentions:,}", bar, share,
                      mean)
    return Group(Text(text("timeline", lang, interval=interval_name(report.interval, lang)),
                      style="italic"), table)


#: Periods the terminal's timeline lists in full; a longer one shows its busiest.
PAGE_PERIODS = 36
#: The busiest periods shown of a longer timeline.
BUSIEST_PERIODS = 12
#: Alerts the terminal report lists (the latest); `brandscan alerts` lists them all.
PAGE_ALERTS = 5


def _head_line(parts: list[tuple[str, str]], counts: str, width: int, indent: int) -> Text:
    """``time  author  followers`` and the counts after them, on one line when it fits,
    else the counts on a line of their own: a number is never broken across lines."""

    head = Text(" " * indent)
    for part, style in parts:
        head.append(part, style=style)
    if cell_len(head.plain) + 2 + cell_len(counts) <= width:
        head.append(f"  {counts}", style="dim")
    else:
        head.append("\n" + " " * (indent + 2) + counts, style="dim")
    return head


def _post_lines(posts: pd.DataFrame, width: int, lines: int = 2, lang: str = EN) -> Text:
    """Each post as a head line, then ``lines`` lines of its text indented, then its link.

    The text is cut by display cells (a Chinese character takes two), so a post never
    runs past ``width`` columns nor wraps back to the left margin.
    """
    from rich.cells import chop_cells

    out = Text()
    room = max(width - 2, 20)
    for r in posts.itertuples(index=False):
        followers = ("" if pd.isna(r.followers)
                     else "  " + text("followers", lang, n=int(r.followers)))
        out.append(_head_line([(f"{_when(r.created_at)}  ", "dim"),
                               (one_line(str(r.author or "?")), "bold"), (followers, "dim")],
                              f"转发 {r.reposts:,} · 评论 {r.comments:,} · 赞 {r.likes:,}",
                              width, 0))
        out.append("\n")
        chunks = chop_cells(one_line(str(r.text)), room)
        if len(chunks) > lines:
            chunks = chunks[:lines]
            last = chunks[-1]
            while last and cell_len(last) > room - 1:
                last = last[:-1]
            chunks[-1] = last + "…"
        for chunk in chunks:
            out.append(f"  {chunk}\n")
        if r.url:
            out.append(f"  {one_line(str(r.url))}\n", style="dim")
    return out


def _summary_panel(report: Report, lang: str = EN) -> Panel:
    """The headline figures (a value too long for the line wraps under itself) and the
    verdict, framed."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in _headline_rows(report, lang):
        grid.add_row(key, Text(one_line(str(value))))
    return Panel(Group(grid, Text(""), Text(verdict(report, lang), style="italic")),
                 title=text("report_panel", lang), title_align="left")


def _alert_lines(alerts: pd.DataFrame, width: int, lang: str = EN) -> list[Text]:
    """The :data:`PAGE_ALERTS` latest alerts, a line each (oldest of them first: severity,
    time, brand and kind whole, the detail cut to the line), then how many more there
    are and where to read them."""
    latest = alerts.sort_values("fired", kind="stable").tail(PAGE_ALERTS)
    out = [Text(text("alerts_count", lang, n=len(alerts)) if len(alerts) <= PAGE_ALERTS
                else text("alerts_latest", lang, k=len(latest), n=len(alerts)),
                style="bold red")]
    for r in latest.itertuples(index=False):
        line = alert_text.badge(r.severity, lang)
        line.append(f"{_when(r.fired)}  ", style="dim")
        line.append(f"{r.brand} {coded(r.kind, lang)}", style="bold")
        ongoing = text("ongoing_suffix", lang) if r.ongoing else ""
        state = (f" ({r.event}{ongoing})" if lang == EN
                 else f"（{coded(r.event, lang)}{ongoing}）")
        detail = one_line(str(alert_detail(r.detail, lang)))
        line.append(cut(f"{state}  {detail}", max(width - line.cell_len, 1)))
        out.append(line)
    if len(alerts) > len(latest):
        out.append(Text(text("alerts_more", lang, k=len(alerts) - len(latest), n=len(alerts)),
                        style="dim"))
    return out


def _sparkline_lines(report: Report, width: int, lang: str = EN) -> list[Text]:
    """One bar per period after a label; when they do not all fit beside it, the label
    says how many of the latest are shown and the bars take a line of their own."""
    values = report.timeline["mentions"].astype(float).tolist()
    name = interval_name(report.interval, lang)
    label = text("spark_label", lang, interval=name)
    if cell_len(label) + len(values) <= width:
        return [Text(label, style="bold") + Text(sparkline(values))]
    keep = min(len(values), max(width - 2, 1))
    if keep == len(values):
        return [Text(label.rstrip(), style="bold"), Text(" " + sparkline(values))]
    return [Text(text("spark_last", lang, interval=name, keep=keep,
                      periods=periods(len(values), report.interval, lang)), style="bold"),
            Text(" " + sparkline(values[-keep:]))]


def to_rich(report: Report, console: Console, lang: str = EN) -> None:
    """Print the report as a page that fits the terminal (CJK counted double-width).

    The summary comes first, then the latest alerts a line each, then the tables: a
    reader sees the answer before the detail. Headers, titles and sentences in ``lang``.
    """
    width = console.width
    more = text("report_columns", lang)
    console.print(_summary_panel(report, lang))
    if report.alerts is not None and len(report.alerts):
        for line in _alert_lines(report.alerts, width, lang):
            console.print(line, no_wrap=True, overflow="ellipsis")
    if report.data_notes:  # each note wraps under itself, not under "note:"
        notes = Table.grid(padding=(0, 1))
        notes.add_column(no_wrap=True, style="dim")
        notes.add_column(style="dim")
        for note in report.data_notes:
            notes.add_row(text("note_label", lang), Text(one_line(str(data_note(note, lang)))))
        console.print(notes)
    tl = report.timeline
    if len(tl):
        for line in _sparkline_lines(report, width, lang):
            console.print(line)
    parts: list[Any] = [frame_table(frame_values(report.sentiment_mix, lang),
                                    title=text("sentiment_mix", lang), lang=lang)]
    if len(tl) <= PAGE_PERIODS:
        parts.append(_timeline_table(report, tl, lang))
    else:
        busiest = tl.sort_values("mentions", ascending=False, kind="stable").head(
            BUSIEST_PERIODS).sort_values("period")
        parts.append(_timeline_table(report, busiest, lang))
        parts.append(Text(text("busiest_caption", lang, n=len(busiest),
                               periods=periods(len(tl), report.interval, lang),
                               interval=report.interval), style="dim"))
    if len(report.complaints):
        parts.append(frame_table(frame_values(report.complaints.drop(columns=["example"]),
                                              lang),
                                 title=text("top_complaints", lang), view="complaints",
                                 more=more, lang=lang))
    parts += _radar_views(report, lang)
    # A blank line before each table (they have no frame of their own); a caption (Text)
    # stays under its table.
    spaced: list[Any] = []
    for part in parts:
        if not isinstance(part, Text):
            spaced.append(Text(""))
        spaced.append(part)
    console.print(Group(*spaced))
    if len(report.negative_posts):
        console.print()
        console.print(Text(text("negative_posts", lang), style="italic"))
        console.print(_post_lines(report.negative_posts, width, lang=lang))
    if report.media is not None and len(report.media):
        console.print(Text(text("media_title", lang, summary=media_summary(report, lang)),
                           style="italic"))
        console.print(_post_lines(report.media, width, lang=lang))
    if len(report.skipped):
        console.print()
        console.print(frame_table(frame_values(report.skipped, lang),
                                  title=text("skipped", lang), lang=lang))


def _radar_views(report: Report, lang: str = EN) -> list[Any]:
    """Response times and share of voice through their terminal views; a share per period
    too long for a page is named, not drawn."""
    out: list[Any] = []
    views = {text("response", lang): "response", text("share_of_voice", lang): "sov"}
    for title, frame in _radar_tables(report, lang):
        out.append(frame_table(frame_values(frame, lang), title=title, view=views.get(title),
                               more=text("report_columns", lang), lang=lang))
    by = report.share_by_period
    if by is not None and len(by) and by["period"].nunique() > 36:
        n = by["period"].nunique()
        out.append(Text(text("sov_per_caption", lang, interval=report.interval,
                             name=interval_name(report.interval, lang),
                             periods=periods(n, report.interval, lang)), style="dim"))
    return out


#: Periods a digest lists in full; longer timelines show their busiest periods only.
DIGEST_PERIODS = 14
#: Characters of a post a digest quotes (the HTML and xlsx reports keep the whole text).
DIGEST_TEXT = 140


def md_text(text: Any, limit: int | None = DIGEST_TEXT) -> str:
    """Untrusted post text for Markdown: one line, cut, no live links, HTML or emphasis.

    Weibo's ``[怒]`` emoticons stay readable; only ``](``, ``<``, ``>``, ``*``, ``_``
    and backticks are escaped, so a post cannot add links, markup or bold to the mail.
    """
    t = " ".join(str(text or "").split())
    if limit and len(t) > limit:
        t = t[: limit - 1] + "…"
    for ch in ("\\", "`", "*", "_", "<", ">"):
        t = t.replace(ch, "\\" + ch)
    return t.replace("](", "]\\(")


def _md_link(url: Any, lang: str = EN) -> str:
    u = str(url or "").strip()
    return (f" ([{text('link', lang)}]({u}))" if u.lower().startswith(("http://", "https://"))
            else "")


def _digest_headline(report: Report, lang: str = EN) -> list[str]:
    h = report.headline
    mean = "-" if h["mean_sentiment"] is None else f"{h['mean_sentiment']:.2f}"
    lines = [text("digest_mentions", lang, mentions=h["mentions"],
                  parts=mention_parts(h, lang), authors=h["authors"]),
             text("digest_negative", lang, share=h["negative_share"], voices=h["voices"],
                  what=voices_word(h, lang), mean=mean)]
    mix = report.sentiment_mix
    if int(mix["posts"].sum()):
        items = join((text("digest_mix_item", lang, n=r.posts, label=coded(r.label, lang))
                      for r in mix.itertuples()), lang)
        lines[-1] += f"（{items}）" if lang == ZH else f" ({items})"
    if apart := set_apart(h, lang):
        lines.append(f"- {apart}")
    lines.append(text("digest_engagement", lang, n=h["engagement"]))
    tl = report.timeline
    if h["peak_period"] is not None and len(tl):
        spark = sparkline(tl["mentions"].astype(float).tolist()[-60:])
        lines.append(text("digest_busiest", lang, interval=interval_name(report.interval, lang),
                          when=period_label(h["peak_period"], report.interval),
                          n=h["peak_mentions"],
                          spark=spark))
    return lines


#: Said where the complaint list is empty.
NO_COMPLAINTS = text("no_complaints", EN)
#: What the complaint list is, in one line under its heading.
COMPLAINTS_NOTE = text("complaints_note", EN)


def _digest_complaints(report: Report, posts: pd.DataFrame | None, lang: str = EN
                       ) -> list[str]:
    out = []
    quoted: dict[str, int] = {}  # one post is often the example of several terms
    sep = "，" if lang == ZH else ", "
    for r, ex in zip(report.complaints.itertuples(index=False),
                     complaint_examples(report, posts)):
        category = text("category_paren", lang, category=r.category) if r.category else ""
        out.append(text("complaint_line", lang, rank=r.rank, term=md_text(r.term, None),
                        category=category, neg=r.negative_posts, share=r.share,
                        authors=r.authors, other=r.other_posts, score=r.score,
                        engagement=r.engagement))
        if r.example in quoted:
            out.append(text("same_post", lang, rank=quoted[r.example]))
            continue
        quoted[r.example] = r.rank
        who = ""
        if ex:
            who = (f" — {md_text(ex.get('author') or '?', None)}{sep}"
                   f"{_when(ex.get('created_at'))}")
            who += _md_link(ex.get("url"), lang)
        out.append(f"   > {md_text(r.example)}{who}")
    return out


def _digest_timeline(report: Report, lang: str = EN) -> list[str]:
    tl = report.timeline
    every = interval_name(report.interval, lang)
    if len(tl) <= DIGEST_PERIODS:
        return [f"## {text('timeline', lang, interval=every)}", "",
                to_markdown_frame(for_people(tl, lang))]
    busiest = tl.sort_values("mentions", ascending=False, kind="stable").head(
        DIGEST_PERIODS // 2).sort_values("period")
    return [f"## {text('busiest_periods', lang, n=len(busiest), total=len(tl), interval=every)}",
            "", to_markdown_frame(for_people(busiest, lang))]


def _post_counts(r: Any, lang: str) -> str:
    return text("post_counts", lang, reposts=r.reposts, comments=r.comments, likes=r.likes)


def to_markdown(report: Report, posts: pd.DataFrame | None = None, lang: str = EN) -> str:
    """A digest for mail and chat: headline numbers, alerts, complaints with examples, links.

    ``posts`` (the scored posts) lets each complaint's example name its author and link;
    without it only examples among the most engaging negative posts get them. ``lang``
    is the language of its headings, sentences and tables (the figures are the same).
    """
    h = report.headline
    zh = lang == ZH
    tz = getattr(h.get("first"), "tzinfo", None)
    span = f"{_when(h['first'])} — {_when(h['last'])}" + (
        (f"（{tz}）" if zh else f" ({tz})") if tz else "")
    out = [f"# {text('report_title', lang, brands=brands(h['brands'], lang))}", "",
           span if h["mentions"] else "", "", f"**{verdict(report, lang)}**", ""]
    out += _digest_headline(report, lang)
    out.append("")
    if report.alerts is not None and len(report.alerts):
        out += [f"## {text('alerts', lang)}", "",
                alert_text.to_markdown(report.alerts, width=DIGEST_TEXT, lang=lang)]
    if report.data_notes:
        out += [f"## {text('data_notes', lang)}", "",
                *(f"- {md_text(data_note(n, lang), None)}" for n in report.data_notes), ""]
    if len(report.complaints):
        out += [f"## {text('top_complaints', lang)}", "", text("complaints_note", lang), ""]
        if report.aspects is not None and len(report.aspects):
            out += [text("by_category", lang) + join((
                f"{md_text(r.category, None)} {r.negative_posts:,}"
                + (f"（{r.share:.0%}）" if zh else f" ({r.share:.0%})")
                for r in report.aspects.itertuples(index=False)), lang), ""]
        out += [*_digest_complaints(report, posts, lang), ""]
    colon = "：" if zh else ": "
    if len(report.negative_posts):
        out += [f"## {text('negative_posts', lang)}", ""]
        for i, r in enumerate(report.negative_posts.itertuples(index=False), start=1):
            counts = f"（{_post_counts(r, lang)}）" if zh else f" ({_post_counts(r, lang)})"
            out.append(f"{i}. {_when(r.created_at)} **{md_text(r.author or '?', None)}**"
                       f"{counts}{colon}{md_text(r.text)}{_md_link(r.url, lang)}")
        out.append("")
    if report.media is not None and len(report.media):
        out += [f"## {text('media', lang)}", "",
                text("most_engaging", lang, summary=media_summary(report, lang)), ""]
        for i, r in enumerate(report.media.itertuples(index=False), start=1):
            counts = (f"（{coded(r.label, lang)}；{_post_counts(r, lang)}）" if zh
                      else f" ({r.label}; {_post_counts(r, lang)})")
            out.append(f"{i}. {_when(r.created_at)} **{md_text(r.author or '?', None)}**"
                       f"{counts}{colon}{md_text(r.text)}{_md_link(r.url, lang)}")
        out.append("")
    if len(report.timeline):
        out += _digest_timeline(report, lang)
    for title, frame in _radar_tables(report, lang):
        out += [f"## {title}", "", to_markdown_frame(for_people(frame, lang), max_text=80)]
    skipped = join((text("skip_reason", lang, n=r.rows, reason=coded(r.reason, lang))
                    for r in report.skipped.itertuples()), lang)
    out += ["---", "", text("footer", lang, read=h["rows_read"], skipped=h["rows_skipped"],
                            reasons=((f"（{skipped}）" if zh else f" ({skipped})")
                                     if skipped else ""),
                            dups=h["duplicates"], model=h["model"] or "-")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def to_markdown_frame(df: pd.DataFrame, max_text: int | None = None) -> str:
    return md_table(df, max_text=max_text) + "\n"


def to_json(report: Report, lang: str = EN) -> str:
    """One versioned object: scripts can rely on its keys (English in every language;
    ``lang`` is the language of the verdict sentence)."""
    h = {k: (v.isoformat() if isinstance(v, pd.Timestamp) else v)
         for k, v in report.headline.items()}
    doc = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "verdict": verdict(report, lang),
        "headline": h,
        "interval": report.interval,
        "sentiment_mix": records(report.sentiment_mix),
        "timeline": records(report.timeline),
        "complaints": records(report.complaints),
        "complaint_categories": _records(report.aspects),
        "negative_posts": records(report.negative_posts),
        "media_coverage": _records(report.media),
        "skipped": records(report.skipped),
        "alerts": _records(report.alerts),
        "data_notes": list(report.data_notes),
        "response_times": _records(report.response),
        "share_of_voice": _records(report.share_of_voice),
        "share_of_voice_by_period": _records(report.share_by_period),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    return [] if df is None else records(df)


def _radar_tables(report: Report, lang: str = EN) -> list[tuple[str, pd.DataFrame]]:
    """Response time and share of voice, trimmed to what fits a page (titles in ``lang``;
    the frames keep their column names)."""
    out = []
    if report.response is not None and len(report.response):
        out.append((text("response", lang), report.response.loc[
            :, ["brand", "incident_start", "trigger_author", "responded_at", "responder",
                "response_rule", "delay_hours", "target_hours", "status", "passed_over"]]))
    if report.share_of_voice is not None and len(report.share_of_voice):
        out.append((text("share_of_voice", lang),
                    report.share_of_voice.drop(columns=["mean_sentiment"])))
        by = report.share_by_period
        if by is not None and len(by) and by["period"].nunique() <= 36:
            wide = by.pivot(index="period", columns="brand", values="share_of_voice")
            wide = wide.loc[:, list(dict.fromkeys(by["brand"]))]
            wide.columns = [f"{b} share" for b in wide.columns]
            out.append((text("share_per", lang, interval=interval_name(report.interval, lang)),
                        wide.reset_index()))
    return out


def complaint_examples(report: Report, posts: pd.DataFrame | None = None
                       ) -> list[dict[str, Any] | None]:
    """For each top complaint, the post its example text comes from (author, time, link).

    The complaint table holds only the example's text; the post is looked up in ``posts``
    (the scored posts, when the caller has them) or else among the report's most engaging
    negative posts. ``None`` where it cannot be found.
    """
    pool = posts if posts is not None and len(posts) else report.negative_posts
    if not len(report.complaints) or pool is None or not len(pool):
        return [None] * len(report.complaints)
    wanted = set(report.complaints["example"])
    hits = pool[pool["text"].isin(wanted)]
    if "engagement" in hits.columns:
        hits = hits.sort_values("engagement", ascending=False, kind="stable")
    by_text = {r["text"]: r for r in hits.loc[:, [c for c in (
        "text", "author", "created_at", "url") if c in hits.columns]].to_dict("records")[::-1]}
    return [by_text.get(t) for t in report.complaints["example"]]
