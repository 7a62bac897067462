"""A :class:`~brandscan.analyze.report.Report` as a terminal page, a Markdown digest or JSON."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brandscan.analyze.report import Report
from brandscan.render import alerts as alert_text
from brandscan.render.alerts import summary as alert_summary
from brandscan.render.table import frame_table, sparkline
from brandscan.render.tabular import records
from brandscan.render.tabular import to_markdown as md_table

REPORT_SCHEMA_VERSION = 1


def _when(ts: Any, with_time: bool = True) -> str:
    if ts is None or ts is pd.NaT:
        return "-"
    return ts.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


_PLURAL = {"opinion": "opinions", "news": "news posts", "ad": "ads", "spam": "spam",
           "official": "official posts"}


def voices_word(h: dict[str, Any]) -> str:
    """What the sentiment mix counts: "opinions" by default."""
    genres = h.get("voice_genres") or ["opinion"]
    return "opinions" if list(genres) == ["opinion"] else "counted posts"


def set_apart(h: dict[str, Any]) -> str:
    """What the sentiment mix leaves out and what it shows apart, in one line ("" when
    every post counts)."""
    genres, counted = h.get("genres") or {}, set(h.get("voice_genres") or ["opinion"])
    out = [f"{n:,} {_PLURAL[g]}" for g, n in genres.items()
           if n and g not in counted and g != "news"]
    parts = [", ".join(out) + " left out of the sentiment"] if out else []
    news = genres.get("news", 0)
    if news and "news" not in counted:
        tone = h.get("news") or {}
        parts.append(f"{news:,} news posts shown as media coverage "
                     f"({tone.get('negative', 0):,} negative, {tone.get('positive', 0):,} "
                     "positive)")
    return "; ".join(parts)


def media_summary(report: Report) -> str:
    """"12 news posts (3 negative, 2 positive)": the media coverage in one phrase."""
    h = report.headline
    tone = h.get("news") or {}
    n = (h.get("genres") or {}).get("news", 0)
    return (f"{n:,} news posts ({tone.get('negative', 0):,} negative, "
            f"{tone.get('positive', 0):,} positive)")


def complaint_phrase(report: Report) -> str:
    """"; complaints are about 质量 (烂山竹, 坏了), 客服 (客服不回复)": the two biggest
    complaint categories with their top terms, else the top three terms."""
    terms = report.complaints
    aspects = report.aspects
    if aspects is not None and len(aspects):
        parts = []
        for cat in aspects["category"].head(2).tolist():
            words = terms.loc[terms["category"] == cat, "term"].head(2).tolist()
            parts.append(f"{cat} ({', '.join(words)})" if words else cat)
        return f"; complaints are about {', '.join(parts)}"
    top = terms["term"].head(3).tolist()
    return f"; complaints are about {', '.join(top)}" if top else ""


def verdict(report: Report) -> str:
    """One sentence a manager can read in a cron mail."""
    h = report.headline
    radar = alert_summary(report.alerts, report.response)
    radar = f"{radar} " if radar else ""
    if not h["mentions"]:
        # The run says why there are none: an empty window or a brand that never matches.
        why = report.no_mentions
        return f"{radar}{why[:1].upper() + why[1:] if why else 'No mentions in this window'}."
    peak = (f"; busiest {report.interval} {_when(h['peak_period'], report.interval == 'hour')}"
            f" with {h['peak_mentions']:,} mentions" if h["peak_period"] is not None else "")
    about = complaint_phrase(report)
    mix = (f"{h['negative_share']:.0%} of {h['voices']:,} {voices_word(h)} negative"
           if h.get("voices") else f"no {voices_word(h)}")
    return f"{radar}{h['mentions']:,} mentions of {h['brands']}, {mix}{peak}{about}."


def mention_parts(h: dict[str, Any]) -> str:
    """"406 posts, 306 comments, 2,767 thread comments" (thread comments only when any)."""
    out = f"{h['posts']:,} posts, {h['comments']:,} comments"
    if h.get("thread_comments"):
        out += f", {h['thread_comments']:,} thread comments"
    return out


def _headline_rows(report: Report) -> list[tuple[str, str]]:
    h = report.headline
    return [
        ("brands", h["brands"]),
        ("mentions", f"{h['mentions']:,} ({mention_parts(h)})"),
        ("authors", f"{h['authors']:,}"),
        ("period", f"{_when(h['first'])} — {_when(h['last'])}"),
        ("negative share", f"{h['negative_share']:.1%} of {h['voices']:,} {voices_word(h)}"),
        *([("set apart", apart)] if (apart := set_apart(h)) else []),
        ("mean sentiment", "-" if h["mean_sentiment"] is None else f"{h['mean_sentiment']:.3f}"),
        ("engagement", f"{h['engagement']:,}"),
        ("rows", f"{h['rows_read']:,} read, {h['rows_skipped']:,} skipped, "
                 f"{h['duplicates']:,} duplicates"),
        ("model", h["model"] or "-"),
    ]


def _timeline_table(report: Report, rows: pd.DataFrame) -> Table:
    """Period, mentions with a bar, negative share, mean sentiment: fits 80 columns."""
    table = Table(title=f"Timeline (per {report.interval})", box=box.SIMPLE_HEAD,
                  title_justify="left", header_style="bold")
    for name, justify in (("period", "left"), ("mentions", "right"), ("", "left"),
                          ("negative", "right"), ("mean", "right")):
        table.add_column(name, justify=justify, no_wrap=True)
    top = max(int(report.timeline["mentions"].max()), 1)
    with_time = report.interval == "hour"
    for r in rows.itertuples(index=False):
        bar = "█" * round(20 * r.mentions / top) if r.mentions else ""
        mean = "" if pd.isna(r.mean_sentiment) else f"{r.mean_sentiment:.2f}"
        table.add_row(_when(r.period, with_time), f"{r.mentions:,}", bar,
                      f"{r.negative_share:.0%}" if r.mentions else "", mean)
    return table


def _post_lines(posts: pd.DataFrame, width: int, lines: int = 2) -> Text:
    """Each post as a head line, then ``lines`` lines of its text indented, then its link.

    The text is cut by display cells (a Chinese character takes two), so a post never
    runs past ``width`` columns nor wraps back to the left margin.
    """
    from rich.cells import cell_len, chop_cells

    out = Text()
    room = max(width - 2, 20)
    for r in posts.itertuples(index=False):
        out.append(f"{_when(r.created_at)}  ", style="dim")
        out.append(r.author or "?", style="bold")
        followers = "" if pd.isna(r.followers) else f"  {int(r.followers):,} followers"
        out.append(f"{followers}  转发 {r.reposts:,} · 评论 {r.comments:,} · 赞 {r.likes:,}\n",
                   style="dim")
        chunks = chop_cells(" ".join(r.text.split()), room)
        if len(chunks) > lines:
            chunks = chunks[:lines]
            last = chunks[-1]
            while last and cell_len(last) > room - 1:
                last = last[:-1]
            chunks[-1] = last + "…"
        for chunk in chunks:
            out.append(f"  {chunk}\n")
        if r.url:
            out.append(f"  {r.url}\n", style="dim")
    return out


def to_rich(report: Report, console: Console) -> None:
    """Print the report as a page that fits 80 columns (CJK counted double-width by rich)."""
    if report.alerts is not None and len(report.alerts):
        console.print(Text(f"Alerts ({len(report.alerts)})", style="bold red"))
        alert_text.to_rich(report.alerts, console)
    head = Text()
    for key, value in _headline_rows(report):
        head.append(f"{key:>15}  ", style="bold")
        head.append(f"{value}\n")
    head.append("\n" + verdict(report), style="italic")
    console.print(Panel(head, title="brandscan report", title_align="left"))
    tl = report.timeline
    if len(tl):
        spark = sparkline(tl["mentions"].astype(float).tolist()[-60:])
        console.print(Text(f" mentions per {report.interval}: ", style="bold") + Text(spark))
    parts: list[Any] = [frame_table(report.sentiment_mix, title="Sentiment mix")]
    if len(tl) <= 36:
        parts.append(_timeline_table(report, tl))
    else:
        busiest = tl.sort_values("mentions", ascending=False).head(12).sort_values("period")
        parts.append(_timeline_table(report, busiest))
    if len(report.complaints):
        parts.append(frame_table(report.complaints.drop(columns=["example"]),
                                 title="Top complaints"))
    for title, frame in _radar_tables(report):
        parts.append(frame_table(frame, title=title))
    console.print(Group(*parts))
    if len(report.negative_posts):
        console.print(Text("Most engaging negative posts", style="italic"))
        console.print(_post_lines(report.negative_posts, console.width))
    if report.media is not None and len(report.media):
        console.print(Text(f"Media coverage: {media_summary(report)}", style="italic"))
        console.print(_post_lines(report.media, console.width))
    if len(report.skipped):
        console.print(frame_table(report.skipped, title="Skipped rows"))


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


def _md_link(url: Any) -> str:
    u = str(url or "").strip()
    return f" ([link]({u}))" if u.lower().startswith(("http://", "https://")) else ""


def _digest_headline(report: Report) -> list[str]:
    h = report.headline
    mean = "-" if h["mean_sentiment"] is None else f"{h['mean_sentiment']:.2f}"
    lines = [f"- **{h['mentions']:,} mentions** ({mention_parts(h)}) by "
             f"{h['authors']:,} authors",
             f"- **{h['negative_share']:.1%} negative** of {h['voices']:,} {voices_word(h)}, "
             f"mean sentiment {mean}"]
    mix = report.sentiment_mix
    if int(mix["posts"].sum()):
        lines[-1] += " (" + ", ".join(f"{r.posts:,} {r.label}" for r in mix.itertuples()) + ")"
    if apart := set_apart(h):
        lines.append(f"- {apart}")
    lines.append(f"- engagement {h['engagement']:,} (reposts + comments + likes)")
    tl = report.timeline
    if h["peak_period"] is not None and len(tl):
        with_time = report.interval == "hour"
        spark = sparkline(tl["mentions"].astype(float).tolist()[-60:])
        lines.append(f"- busiest {report.interval}: "
                     f"{_when(h['peak_period'], with_time)} with {h['peak_mentions']:,} "
                     f"mentions; per {report.interval}: `{spark}`")
    return lines


#: Said where the complaint list is empty.
NO_COMPLAINTS = ("No complaint term in this window: none is used by enough negative "
                 "opinions from enough accounts (complaints.min_posts, min_authors).")
#: What the complaint list is, in one line under its heading.
COMPLAINTS_NOTE = ("Terms that set the negative opinions apart from the other opinions "
                   "(score: log-odds z); near copies of a post count once (distinct posts), "
                   "and so does one account.")


def _digest_complaints(report: Report, posts: pd.DataFrame | None) -> list[str]:
    out = []
    quoted: dict[str, int] = {}  # one post is often the example of several terms
    for r, ex in zip(report.complaints.itertuples(index=False),
                     complaint_examples(report, posts)):
        category = f" ({r.category})" if r.category else ""
        out.append(f"{r.rank}. **{md_text(r.term, None)}**{category}: "
                   f"{r.negative_posts:,} distinct negative posts ({r.share:.0%}) from "
                   f"{r.authors:,} accounts, {r.other_posts:,} other opinions; "
                   f"score {r.score:.2f}; engagement {r.engagement:,}")
        if r.example in quoted:
            out.append(f"   > (the same post as {quoted[r.example]}.)")
            continue
        quoted[r.example] = r.rank
        who = ""
        if ex:
            who = f" — {md_text(ex.get('author') or '?', None)}, {_when(ex.get('created_at'))}"
            who += _md_link(ex.get("url"))
        out.append(f"   > {md_text(r.example)}{who}")
    return out


def _digest_timeline(report: Report) -> list[str]:
    tl = report.timeline
    if len(tl) <= DIGEST_PERIODS:
        return [f"## Timeline (per {report.interval})", "", to_markdown_frame(tl)]
    busiest = tl.sort_values("mentions", ascending=False, kind="stable").head(
        DIGEST_PERIODS // 2).sort_values("period")
    return [f"## Busiest {len(busiest)} of {len(tl):,} periods (per {report.interval})", "",
            to_markdown_frame(busiest)]


def to_markdown(report: Report, posts: pd.DataFrame | None = None) -> str:
    """A digest for mail and chat: headline numbers, alerts, complaints with examples, links.

    ``posts`` (the scored posts) lets each complaint's example name its author and link;
    without it only examples among the most engaging negative posts get them.
    """
    h = report.headline
    tz = getattr(h.get("first"), "tzinfo", None)
    span = f"{_when(h['first'])} — {_when(h['last'])}" + (f" ({tz})" if tz else "")
    out = [f"# brandscan report: {h['brands']}", "", span if h["mentions"] else "", "",
           f"**{verdict(report)}**", ""]
    out += _digest_headline(report)
    out.append("")
    if report.alerts is not None and len(report.alerts):
        out += ["## Alerts", "", alert_text.to_markdown(report.alerts, width=DIGEST_TEXT)]
    if report.data_notes:
        out += ["## Data notes", "", *(f"- {md_text(n, None)}" for n in report.data_notes),
                ""]
    if len(report.complaints):
        out += ["## Top complaints", "", COMPLAINTS_NOTE, ""]
        if report.aspects is not None and len(report.aspects):
            out += ["By category: " + ", ".join(
                f"{md_text(r.category, None)} {r.negative_posts:,} ({r.share:.0%})"
                for r in report.aspects.itertuples(index=False)), ""]
        out += [*_digest_complaints(report, posts), ""]
    if len(report.negative_posts):
        out += ["## Most engaging negative posts", ""]
        for i, r in enumerate(report.negative_posts.itertuples(index=False), start=1):
            out.append(f"{i}. {_when(r.created_at)} **{md_text(r.author or '?', None)}** "
                       f"({r.reposts:,} reposts, {r.comments:,} comments, {r.likes:,} likes): "
                       f"{md_text(r.text)}{_md_link(r.url)}")
        out.append("")
    if report.media is not None and len(report.media):
        out += ["## Media coverage", "", f"{media_summary(report)}; the most engaging:", ""]
        for i, r in enumerate(report.media.itertuples(index=False), start=1):
            out.append(f"{i}. {_when(r.created_at)} **{md_text(r.author or '?', None)}** "
                       f"({r.label}; {r.reposts:,} reposts, {r.comments:,} comments, "
                       f"{r.likes:,} likes): {md_text(r.text)}{_md_link(r.url)}")
        out.append("")
    if len(report.timeline):
        out += _digest_timeline(report)
    for title, frame in _radar_tables(report):
        out += [f"## {title}", "", to_markdown_frame(frame, max_text=80)]
    skipped = ", ".join(f"{r.rows:,} {r.reason}" for r in report.skipped.itertuples())
    out += ["---", "", f"{h['rows_read']:,} rows read, {h['rows_skipped']:,} skipped"
            + (f" ({skipped})" if skipped else "")
            + f", {h['duplicates']:,} duplicates · sentiment model {h['model'] or '-'}"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def to_markdown_frame(df: pd.DataFrame, max_text: int | None = None) -> str:
    return md_table(df, max_text=max_text) + "\n"


def to_json(report: Report) -> str:
    """One versioned object: scripts can rely on its keys."""
    h = {k: (v.isoformat() if isinstance(v, pd.Timestamp) else v)
         for k, v in report.headline.items()}
    doc = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "verdict": verdict(report),
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


def _radar_tables(report: Report) -> list[tuple[str, pd.DataFrame]]:
    """Response time and share of voice, trimmed to what fits a page."""
    out = []
    if report.response is not None and len(report.response):
        out.append(("Response time to negative spikes", report.response.loc[
            :, ["brand", "incident_start", "trigger_author", "responded_at", "responder",
                "response_rule", "delay_hours", "target_hours", "status", "passed_over"]]))
    if report.share_of_voice is not None and len(report.share_of_voice):
        out.append(("Share of voice", report.share_of_voice.drop(columns=["mean_sentiment"])))
        by = report.share_by_period
        if by is not None and len(by) and by["period"].nunique() <= 36:
            wide = by.pivot(index="period", columns="brand", values="share_of_voice")
            wide = wide.loc[:, list(dict.fromkeys(by["brand"]))]
            wide.columns = [f"{b} share" for b in wide.columns]
            out.append((f"Share of voice per {report.interval}", wide.reset_index()))
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
