"""A :class:`~brandscan.analyze.report.Report` as a terminal page, a Markdown digest or JSON."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brandscan.analyze.report import Report
from brandscan.render.table import frame_table, sparkline
from brandscan.render.tabular import records
from brandscan.render.tabular import to_markdown as md_table

REPORT_SCHEMA_VERSION = 1


def _when(ts: Any, with_time: bool = True) -> str:
    if ts is None or ts is pd.NaT:
        return "-"
    return ts.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def verdict(report: Report) -> str:
    """One sentence a manager can read in a cron mail."""
    h = report.headline
    if not h["mentions"]:
        return "No mentions in this window."
    peak = (f"; busiest {report.interval} {_when(h['peak_period'], report.interval == 'hour')}"
            f" with {h['peak_mentions']:,} mentions" if h["peak_period"] is not None else "")
    top = report.complaints["term"].head(3).tolist()
    about = f"; complaints are about {', '.join(top)}" if top else ""
    return (f"{h['mentions']:,} mentions of {h['brands']}, {h['negative_share']:.0%} negative"
            f"{peak}{about}.")


def _headline_rows(report: Report) -> list[tuple[str, str]]:
    h = report.headline
    return [
        ("brands", h["brands"]),
        ("mentions", f"{h['mentions']:,} ({h['posts']:,} posts, {h['comments']:,} comments)"),
        ("authors", f"{h['authors']:,}"),
        ("period", f"{_when(h['first'])} — {_when(h['last'])}"),
        ("negative share", f"{h['negative_share']:.1%}"),
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


def _post_lines(posts: pd.DataFrame, width: int) -> Text:
    out = Text()
    for r in posts.itertuples(index=False):
        out.append(f"{_when(r.created_at)}  ", style="dim")
        out.append(r.author or "?", style="bold")
        followers = "" if pd.isna(r.followers) else f"  {int(r.followers):,} followers"
        out.append(f"{followers}  转发 {r.reposts:,} · 评论 {r.comments:,} · 赞 {r.likes:,}\n",
                   style="dim")
        text = " ".join(r.text.split())
        text = text if len(text) <= width else text[: width - 1] + "…"
        out.append(f"  {text}\n")
        if r.url:
            out.append(f"  {r.url}\n", style="dim")
    return out


def to_rich(report: Report, console: Console) -> None:
    """Print the report as a page that fits 80 columns (CJK counted double-width by rich)."""
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
    console.print(Group(*parts))
    if len(report.negative_posts):
        console.print(Text("Most engaging negative posts", style="italic"))
        console.print(_post_lines(report.negative_posts, 120))
    if len(report.skipped):
        console.print(frame_table(report.skipped, title="Skipped rows"))


def to_markdown(report: Report) -> str:
    """A digest for mail and chat: headline numbers, complaints with examples, links."""
    h = report.headline
    out = [f"# brandscan report: {h['brands']}", "", f"**{verdict(report)}**", ""]
    out += [f"- **{k}**: {v}" for k, v in _headline_rows(report)]
    out += ["", "## Sentiment mix", "", to_markdown_frame(report.sentiment_mix)]
    out += [f"## Timeline (per {report.interval})", "", to_markdown_frame(report.timeline)]
    if len(report.complaints):
        out += ["## Top complaints", "", to_markdown_frame(report.complaints, max_text=80)]
    if len(report.negative_posts):
        out += ["## Most engaging negative posts", ""]
        for r in report.negative_posts.itertuples(index=False):
            link = f" ([link]({r.url}))" if r.url else ""
            out.append(f"- {_when(r.created_at)} **{r.author or '?'}** "
                       f"({r.reposts:,} reposts, {r.comments:,} comments, {r.likes:,} likes)"
                       f"{link}: {r.text[:200]}")
        out.append("")
    if len(report.skipped):
        out += ["## Skipped rows", "", to_markdown_frame(report.skipped)]
    return "\n".join(out).rstrip() + "\n"


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
        "negative_posts": records(report.negative_posts),
        "skipped": records(report.skipped),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
