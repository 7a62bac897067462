"""The report as one self-contained HTML file: open it offline, mail it, read it on a phone.

Everything is inline: CSS, the charts as SVG (see :mod:`brandscan.render.charts`), no
JavaScript, no web fonts, no remote images. A Content-Security-Policy forbids every fetch
and every script, so even a bug in escaping could not make a post run code or call home;
all text from the data (posts, names, terms, links) still goes through ``html.escape``,
and only ``http(s)`` links become anchors. The font stack names the Chinese system fonts
of macOS, Windows and Linux, and ``lang="zh-CN"`` picks simplified glyph forms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from brandscan.analyze.severity import SEVERITIES
from brandscan.lang import EN, ZH, alert_detail, brands, data_note, frame_values, header, text
from brandscan.lang import interval as interval_name
from brandscan.lang import value as coded

if TYPE_CHECKING:
    from brandscan.analyze.report import Report
    from brandscan.render.charts import Marker

FONT_STACK = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
              '"Source Han Sans SC", "WenQuanYi Micro Hei", -apple-system, "Segoe UI", '
              'Roboto, "Helvetica Neue", Arial, "Apple Color Emoji", "Segoe UI Emoji", '
              '"Noto Color Emoji", sans-serif')
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
#: Long post texts are cut in tables; the full text is one click away in <details>.
SNIPPET = 140

CSS = """
:root { --fg:#222; --muted:#666; --line:#e3e6ea; --bg:#fff; --card:#f6f8fa;
        --neg:#E45756; --pos:#54A24B; --neu:#8a8580; --accent:#4C78A8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: FONTS; color: var(--fg); background: var(--bg);
       line-height: 1.55; font-size: 15px; }
main { max-width: 1080px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.45rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; padding-bottom: .25rem;
     border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 0 0 .3rem; }
p { margin: .4rem 0; }
a { color: var(--accent); overflow-wrap: anywhere; }
.verdict { font-size: 1.05rem; background: var(--card); border-left: 4px solid var(--accent);
           padding: .6rem .8rem; margin: .8rem 0; }
.meta, .note { color: var(--muted); font-size: .85rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr));
        gap: 10px; margin: 1rem 0; }
.kpi { background: var(--card); border-radius: 8px; padding: .6rem .8rem; }
.kpi .v { font-size: 1.35rem; font-weight: 700; }
.kpi .k { color: var(--muted); font-size: .8rem; }
.kpi.bad .v { color: var(--neg); }
.chart svg { width: 100%; height: auto; display: block; }
.chart svg text { font-family: FONTS !important; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: var(--card); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.t { min-width: 14em; overflow-wrap: anywhere; }
.bar { display: inline-block; height: .6em; background: var(--neg); border-radius: 2px;
       vertical-align: middle; margin-left: .3em; }
.cards { display: grid; gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; }
.card .who { font-weight: 600; }
.card .stats { color: var(--muted); font-size: .85rem; }
.post { margin: .4rem 0 0; padding: .4rem .6rem; background: var(--card); border-radius: 6px;
        overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 4px; color: #fff;
         font-size: .8rem; font-weight: 600; margin-right: .3em; }
.watch { background: #C98A1E; } .spike { background: var(--neg); }
.crisis { background: #9D1C20; } .ok { background: var(--pos); }
details summary { cursor: pointer; }
details summary::marker { color: var(--accent); }
td.k { white-space: nowrap; }
footer { margin: 2.5rem 0 1rem; color: var(--muted); font-size: .8rem; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main { padding: 10px; }
  .opt { display: none; }
  .kpi .v { font-size: 1.15rem; }
}
@media print { .chart { break-inside: avoid; } details { display: block; } }
""".replace("FONTS", FONT_STACK)


# --- small pieces -------------------------------------------------------------------------

def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _when(v: Any, with_time: bool = True) -> str:
    if _missing(v):
        return ""
    ts = pd.Timestamp(v)
    return ts.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _num(v: Any, col: str = "", lang: str = EN) -> str:
    """A cell value as a reader wants it: 1,234 / 62.7% / 0.355 / 2026-11-05 09:00."""
    if _missing(v):
        return ""
    if hasattr(v, "item") and not isinstance(v, (str, pd.Timestamp)):
        v = v.item()
    if isinstance(v, bool):
        return text("yes", lang) if v else ""
    if isinstance(v, (pd.Timestamp, datetime)):
        return _when(v)
    if isinstance(v, float):
        if "share" in col:
            return f"{v:.1%}"
        if col.endswith("hours"):
            return f"{v:.1f}"
        return f"{v:.3f}"
    if isinstance(v, int) and col not in ("rank", "line", "source_line"):
        return f"{v:,}"
    return str(v)


def _midnights(s: pd.Series) -> bool:
    """Every time is at midnight: a daily or weekly period, shown as a date."""
    valid = s.dropna()
    return bool(len(valid)) and bool((valid == valid.dt.normalize()).all())


def safe_url(url: Any) -> str | None:
    """Links from the data only when they are plain web links (no ``javascript:``)."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    return u if u.lower().startswith(("http://", "https://")) else None


def link(url: Any, text: str = "link") -> str:
    u = safe_url(url)
    if not u:
        return ""
    return (f'<a href="{escape(u)}" rel="noopener noreferrer nofollow" '
            f'target="_blank">{escape(text)}</a>')


def snippet(text: Any, limit: int = SNIPPET) -> str:
    """Escaped text, cut to ``limit`` characters with the rest behind <details>."""
    if _missing(text):
        return ""
    t = " ".join(str(text).split())
    if len(t) <= limit:
        return escape(t)
    return (f"<details><summary>{escape(t[:limit])}…</summary>{escape(t)}</details>")


def table(df: pd.DataFrame, *, columns: Sequence[str] | None = None,
          optional: Sequence[str] = (), text: Sequence[str] = (),
          links: dict[str, str] | None = None, bars: dict[str, float] | None = None,
          limit: int | None = None, nowrap: Sequence[str] = (),
          text_limit: int = SNIPPET, lang: str = EN) -> str:
    """An escaped HTML table of ``df``.

    ``optional`` columns are hidden on a phone; ``text`` columns get snippets of
    ``text_limit`` characters; ``links`` maps a column to the column holding its URL;
    ``bars`` draws a bar in a share column scaled to the given maximum; ``nowrap``
    columns (names, short labels) stay on one line. Headers and coded values (negative,
    opinion…) are in ``lang``.
    """
    cols = [c for c in (columns or df.columns) if c in df.columns]
    df = frame_values(df, lang)
    links = links or {}
    bars = bars or {}
    rows = df.head(limit) if limit else df
    numeric = {c for c in cols if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c])}
    days = {c for c in cols if isinstance(df[c].dtype, pd.DatetimeTZDtype) and _midnights(df[c])}
    out = ['<div class="scroll"><table><thead><tr>']
    for c in cols:
        cls = " ".join(x for x in ("n" if c in numeric else "", "opt" if c in optional else "")
                       if x)
        name = escape(header(c, lang))
        out.append(f'<th class="{cls}">{name}</th>' if cls else f"<th>{name}</th>")
    out.append("</tr></thead><tbody>")
    for rec in rows.to_dict("records"):
        out.append("<tr>")
        for c in cols:
            v = rec[c]
            classes = []
            if c in numeric:
                classes.append("n")
            if c in optional:
                classes.append("opt")
            if c in nowrap:
                classes.append("k")
            if c in text:
                classes.append("t")
                cell = snippet(v, text_limit)
            elif c in days:
                cell = escape(_when(v, with_time=False))
            else:
                cell = escape(_num(v, str(c), lang))
            if c in links and safe_url(rec.get(links[c])):
                cell = f"{cell} {link(rec.get(links[c]), '↗')}"
            if c in bars and not _missing(v) and bars[c] > 0:
                width = max(1, round(60 * float(v) / bars[c]))
                cell += f'<span class="bar" style="width:{width}px"></span>'
            attr = f' class="{" ".join(classes)}"' if classes else ""
            out.append(f"<td{attr}>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _kpi(label: str, value: str, bad: bool = False) -> str:
    cls = "kpi bad" if bad else "kpi"
    return f'<div class="{cls}"><div class="v">{escape(value)}</div>' \
           f'<div class="k">{escape(label)}</div></div>'


def _post_card(r: dict[str, Any], prefix: str = "", title: str = "", lang: str = EN) -> str:
    """One post: who, when, reach, text, link (``prefix`` for alert fields like first_)."""
    def get(key: str) -> Any:
        return r.get(prefix + key)

    body = get("text")
    if _missing(body) or not str(body).strip():
        return ""
    when = get("time") if prefix else get("created_at")
    stats = []
    if not _missing(get("followers")):
        stats.append(text("followers", lang, n=int(get("followers"))))
    for key, name in (("reposts", "转发"), ("comments", "评论"), ("likes", "赞")):
        if not _missing(get(key)):
            stats.append(f"{name} {int(get(key)):,}")
    head = (f'<span class="who">{escape(str(get("author") or "?"))}</span> '
            f'<span class="stats">{escape(_when(when))} · {escape(" · ".join(stats))}</span>')
    label = f'<div class="note">{escape(title)}</div>' if title else ""
    return (f'<div class="post">{label}{head}<br>{snippet(body, 280)} '
            f'{link(get("url"), "原文 ↗")}</div>')


# --- sections -----------------------------------------------------------------------------

def _alert_markers(alerts: pd.DataFrame | None) -> list[Marker]:
    from brandscan.render.charts import Marker

    if alerts is None or alerts.empty:
        return []
    at_col = next((c for c in ("fired", "start", "period", "time", "at")
                   if c in alerts.columns), None)
    if at_col is None:
        return []
    out, seen = [], set()
    for r in alerts.to_dict("records"):
        at, sev = r.get(at_col), str(r.get("severity") or "watch")
        if _missing(at) or (at, sev) in seen:
            continue
        seen.add((at, sev))
        out.append(Marker(pd.Timestamp(at), f"{r.get('brand', '')} {r.get('kind', '')}", sev))
    return out


def _alerts_html(alerts: pd.DataFrame | None, lang: str = EN) -> str:
    """One card per alert episode (brand, kind, start): its firings, detail and posts."""
    if alerts is None:
        return f'<p class="note">{escape(text("alerts_not_computed", lang))}</p>'
    if alerts.empty:
        return f'<p class="note">{escape(text("no_alert", lang))}</p>'
    if not {"brand", "kind", "start", "first_text"} <= set(alerts.columns):
        return table(alerts, text=[c for c in alerts.columns if alerts[c].dtype == object],
                     lang=lang)
    ranks = {s: i for i, s in enumerate(SEVERITIES)}
    cards = []
    for _, group in alerts.groupby(["brand", "kind", "start"], sort=False, dropna=False):
        rows = group.to_dict("records")
        r = rows[0]
        sev = max((str(x.get("severity") or "watch") for x in rows),
                  key=lambda v: ranks.get(v, 0))
        sev_cls = sev if sev in ranks else "watch"
        end = (text("ongoing", lang) if rows[-1].get("ongoing")
               else _when(rows[-1].get("end")))
        title = " · ".join(escape(str(coded(r[k], lang))) for k in ("brand", "kind")
                           if str(r.get(k) or ""))
        fired = (", " if lang == EN else "，").join(
            f"{_when(x.get('fired'))} {coded(x.get('event') or '', lang)}"
            + (f"（{coded(x.get('severity') or '', lang)}）" if lang == ZH
               else f" ({x.get('severity') or ''})") for x in rows)
        parts = [f'<div class="card"><h3><span class="badge {sev_cls}">'
                 f"{escape(coded(sev, lang))}</span>"
                 f"{title} — {escape(_when(r.get('start')))} {escape(text('to', lang))} "
                 f"{escape(end)}</h3>",
                 f'<p class="note">{escape(text("fired", lang, what=fired))}</p>']
        if not _missing(rows[-1].get("detail")):
            parts.append(f"<p>{escape(alert_detail(str(rows[-1]['detail']), lang))}</p>")
        if not _missing(r.get("terms")) and str(r.get("terms")):
            terms = str(r["terms"]).replace("; ", ", " if lang == EN else "、")
            parts.append(f'<p class="note">{escape(text("complained", lang, terms=terms))}</p>')
        parts.append(_post_card(r, "first_", text("first_post", lang), lang))
        same = (r.get("top_url") == r.get("first_url")
                and r.get("top_text") == r.get("first_text"))
        if not same:
            parts.append(_post_card(r, "top_", text("top_post", lang), lang))
        parts.append("</div>")
        cards.append("".join(parts))
    return f'<div class="cards">{"".join(cards)}</div>'


def _filled(df: pd.DataFrame, col: str) -> bool:
    """The column exists and holds something (weibo-search exports have no followers)."""
    return col in df.columns and any(not _missing(v) and str(v) != "" for v in df[col])


def alert_count(alerts: pd.DataFrame) -> int:
    """Alerts as a reader counts them: one per episode, however often it re-fired."""
    keys = [c for c in ("brand", "kind", "start") if c in alerts.columns]
    return len(alerts.drop_duplicates(subset=keys)) if len(keys) == 3 else len(alerts)


def _complaints_html(report: Report, examples: list[dict[str, Any] | None],
                     lang: str = EN) -> str:
    c = report.complaints
    if c.empty:
        return f'<p class="note">{escape(text("no_complaints", lang))}</p>'
    top = float(c["share"].max()) if "share" in c else 0.0
    rows = []
    for r, ex in zip(c.to_dict("records"), examples):
        who = ""
        if ex:
            who = (f'<div class="note">{escape(str(ex.get("author") or "?"))}, '
                   f'{escape(_when(ex.get("created_at")))} {link(ex.get("url"), "原文 ↗")}</div>')
        width = max(1, round(60 * r["share"] / top)) if top else 0
        rows.append(
            f'<tr><td class="n">{r["rank"]}</td><td class="k"><b>{escape(str(r["term"]))}</b></td>'
            f'<td class="opt k">{escape(str(r.get("category") or ""))}</td>'
            f'<td class="n">{int(r["negative_posts"]):,}</td>'
            f'<td class="n">{r["share"]:.1%}<span class="bar" style="width:{width}px"></span>'
            f'</td><td class="n opt">{int(r["authors"]):,}</td>'
            f'<td class="n opt">{int(r["other_posts"]):,}</td>'
            f'<td class="n opt">{float(r["score"]):.2f}</td>'
            f'<td class="n opt">{int(r["engagement"]):,}</td>'
            f'<td class="t">{snippet(r.get("example"))}{who}</td></tr>')
    def th(key: str, cls: str = "") -> str:
        attr = f' class="{cls}"' if cls else ""
        return f"<th{attr}>{escape(text(key, lang))}</th>"

    head = ('<tr><th class="n">#</th>' + th("th_term") + th("th_category", "opt")
            + th("th_negative", "n") + th("th_share", "n") + th("th_accounts", "n opt")
            + th("th_other", "n opt") + th("th_score", "n opt") + th("th_engagement", "n opt")
            + th("th_example") + "</tr>")
    return (f'<p class="note">{escape(text("complaints_note", lang))}</p>'
            f'<div class="scroll"><table><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def to_html(report: Report, *, posts: pd.DataFrame | None = None,
            generated: datetime | None = None, timezone: str | None = None,
            lang: str = EN) -> str:
    """The report as one HTML page (see the module docstring for what it holds), its
    headings, sentences, tables and chart labels in ``lang``."""
    from brandscan.render import charts
    from brandscan.render.report import (
        complaint_examples,
        media_summary,
        period_label,
        verdict,
    )

    h = report.headline
    alerts, influencers, response = report.alerts, report.influencers, report.response
    names = brands(str(h.get("brands", "")), lang)
    every = interval_name(report.interval, lang)
    span = f"{_when(h.get('first'))} — {_when(h.get('last'))}" if h.get("mentions") else ""

    parts = [f"<header><h1>{escape(text('report_title', lang, brands=names))}</h1>",
             f'<p class="meta">{escape(span)}'
             + (escape(text("times_in", lang, tz=timezone)) if timezone else "")
             + (escape(text("as_of", lang, when=_when(generated)))
                if generated is not None else "")
             + "</p>",
             f'<p class="verdict">{escape(verdict(report, lang))}</p></header>']

    kpis = [_kpi(text("kpi_mentions", lang), f"{h.get('mentions', 0):,}"),
            *([_kpi(text("kpi_thread", lang), f"{h['thread_comments']:,}")]
              if h.get("thread_comments") else []),
            _kpi(text("kpi_negative", lang), f"{h.get('negative_share', 0.0):.1%}",
                 bad=h.get("negative_share", 0.0) >= 0.5),
            _kpi(text("kpi_mean", lang), "-" if h.get("mean_sentiment") is None
                 else f"{h['mean_sentiment']:.2f}"),
            _kpi(text("kpi_engagement", lang), f"{h.get('engagement', 0):,}"),
            _kpi(text("kpi_authors", lang), f"{h.get('authors', 0):,}")]
    if h.get("peak_period") is not None:
        busiest = period_label(h["peak_period"], report.interval)
        kpis.append(_kpi(text("kpi_busiest", lang, interval=every),
                         f"{busiest} ({h['peak_mentions']:,})"))
    if alerts is not None:
        kpis.append(_kpi(text("kpi_alerts", lang), f"{alert_count(alerts):,}",
                         bad=len(alerts) > 0))
    parts.append(f'<section class="kpis">{"".join(kpis)}</section>')

    if alerts is not None and len(alerts):
        parts.append(_section("alerts", text("alerts", lang), _alerts_html(alerts, lang)))
        if report.data_notes:
            parts.append(_section("data-notes", text("data_notes", lang), "<ul>" + "".join(
                f"<li>{escape(data_note(n, lang))}</li>" for n in report.data_notes)
                + "</ul>"))

    tl = report.timeline
    if len(tl):
        svg = charts.timeline_svg(tl, report.interval, markers=_alert_markers(alerts),
                                  lang=lang)
        body = f'<div class="chart">{svg}</div>'
        busiest = tl.sort_values("mentions", ascending=False).head(8).sort_values("period")
        body += (f'<p class="note">{escape(text("busiest_note", lang))}</p>'
                 + table(busiest, optional=("positive", "neutral", "mean_sentiment",
                                            "engagement"), lang=lang)
                 + f"<details><summary>"
                   f"{escape(text('every_period', lang, interval=every, n=len(tl)))}</summary>"
                 + table(tl, optional=("positive", "neutral", "mean_sentiment", "engagement"),
                         lang=lang)
                 + "</details>")
        parts.append(_section("timeline", text("timeline", lang, interval=every), body))

    mix = report.sentiment_mix
    if int(mix["posts"].sum()):
        parts.append(_section("sentiment", text("sentiment_mix", lang),
                              f'<div class="chart">{charts.mix_svg(mix, lang)}</div>'
                              + table(mix, lang=lang)))

    examples = complaint_examples(report, posts)
    parts.append(_section("complaints", text("top_complaints", lang),
                          _complaints_html(report, examples, lang)))

    if len(report.negative_posts):
        cards = "".join(_post_card(r, lang=lang)
                        for r in report.negative_posts.to_dict("records"))
        parts.append(_section("negative-posts", text("negative_posts", lang),
                              f'<div class="cards">{cards}</div>'))
    if report.media is not None and len(report.media):
        cards = "".join(_post_card(r, lang=lang) for r in report.media.to_dict("records"))
        parts.append(_section("media", text("media_title", lang,
                                            summary=media_summary(report, lang)),
                              f'<div class="cards">{cards}</div>'))

    if alerts is not None and alerts.empty:
        parts.append(_section("alerts", text("alerts", lang), _alerts_html(alerts, lang)))

    if influencers is not None:
        body = (f'<p class="note">{escape(text("no_authors", lang))}</p>'
                if influencers.empty else
                table(influencers, columns=[c for c in (
                          "rank", "author", "verified", "followers", "reach", "posts",
                          "engagement", "negative_posts", "top_post_text", "drove_spike")
                          if _filled(influencers, c)] or None,
                      optional=("verified", "followers", "posts", "negative_posts",
                                "drove_spike"),
                      text=("top_post_text", "drove_spike"), text_limit=60,
                      nowrap=("author", "verified"),
                      links={"top_post_text": "top_post_url"}, lang=lang))
        parts.append(_section("influencers", text("influencers", lang), body))

    sov = report.share_of_voice  # the totals per brand over the window
    if sov is not None and not sov.empty:
        parts.append(_section("share-of-voice", text("share_of_voice", lang),
                              f'<div class="chart">{charts.share_svg(sov)}</div>'
                              + table(sov, optional=("positive", "neutral", "mean_sentiment",
                                                     "engagement"), lang=lang)))

    if response is not None and not response.empty:
        parts.append(_section(
            "response", text("response_short", lang),
            table(response, columns=[c for c in ("brand", "incident_start", "trigger_author",
                                                 "severity", "responded_at", "responder",
                                                 "response_rule", "delay_hours",
                                                 "target_hours", "status", "response_text",
                                                 "passed_over") if c in response.columns]
                  or None,
                  optional=("severity", "target_hours", "responder"),
                  nowrap=("brand", "incident_start", "trigger_author", "responded_at",
                          "responder"),
                  text=("response_text",), text_limit=80,
                  links={"response_text": "response_url"}, lang=lang)))

    if len(report.skipped):
        parts.append(_section("skipped", text("skipped", lang),
                              table(report.skipped, lang=lang)))

    foot = text("footer", lang, read=h.get("rows_read", 0), skipped=h.get("rows_skipped", 0),
                reasons="", dups=h.get("duplicates", 0),
                model=h.get("model") or "-") + text("made_by", lang)
    parts.append(f"<footer>{escape(foot)}</footer>")
    title = text("report_title", lang, brands=names)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="generator" content="brandscan">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{''.join(parts)}\n</main>\n</body>\n</html>\n")
