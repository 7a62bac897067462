"""Alerts as people read them: a terminal page, Markdown for mail and chat, one-line summaries.

Machine formats (CSV/JSON…) go through :mod:`brandscan.render.tabular` like every table;
this module is for the text a PR person reads at 7 a.m. in cron mail or a group chat.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from brandscan.analyze.severity import SEVERITIES, severity_rank
from brandscan.lang import EN, ZH, alert_detail, text
from brandscan.lang import value as coded


def _when(ts: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if ts is None or ts is pd.NaT or (isinstance(ts, float) and pd.isna(ts)):
        return "-"
    return pd.Timestamp(ts).strftime(fmt)


def _num(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def escape(text: Any, style: str = "markdown") -> str:
    """Untrusted post text made inert: no links, HTML or emphasis it did not have.

    Markdown (mail, 企业微信, 钉钉) gets backslash escapes for ``\\ ` * _ < > [ ]``;
    Slack's mrkdwn wants ``& < >`` as entities; plain text gets neither. In every style
    line breaks become spaces: a name or text cannot start a heading, a list or a line of
    its own in the message.
    """
    t = " ".join(str(text or "").split())
    if style == "slack":
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if style == "markdown":
        for ch in ("\\", "`", "*", "_", "<", ">", "[", "]"):
            t = t.replace(ch, "\\" + ch)
    return t


#: What may stay as it is in a link's URL; anything else (spaces, quotes, brackets,
#: parentheses, pipes, angle brackets) is percent-encoded so it cannot close the link.
_URL_SAFE = "/:?&=#%~+,;@!$*-._"


def safe_url(url: Any) -> str:
    """An http(s) URL fit to put in a Markdown or Slack link ("" for anything else)."""
    import urllib.parse

    u = str(url or "").strip()
    if not u.lower().startswith(("http://", "https://")):
        return ""
    return urllib.parse.quote(u, safe=_URL_SAFE)


def post_line(row: Any, prefix: str, *, width: int = 140, link: str = "markdown",
              lang: str = EN) -> str:
    """``time author (followers; reposts, comments, likes): text [link]`` for one post."""
    author = getattr(row, f"{prefix}_author")
    if author is None or (isinstance(author, float) and pd.isna(author)):
        return ""
    followers = _num(getattr(row, f"{prefix}_followers"))
    counts = text("post_counts", lang, reposts=_num(getattr(row, f"{prefix}_reposts")) or 0,
                  comments=_num(getattr(row, f"{prefix}_comments")) or 0,
                  likes=_num(getattr(row, f"{prefix}_likes")) or 0)
    sep = "；" if lang == ZH else "; "
    who = (f"{text('followers', lang, n=followers)}{sep}{counts}" if followers is not None
           else counts)
    body = " ".join(str(getattr(row, f"{prefix}_text") or "").split())
    body = body if len(body) <= width else body[: width - 1] + "…"
    url = safe_url(getattr(row, f"{prefix}_url"))
    bold = "*" if link == "slack" else "**"
    paren = f"（{who}）：" if lang == ZH else f" ({who}): "
    out = (f"{_when(getattr(row, f'{prefix}_time'))} {bold}{escape(author or '?', link)}{bold}"
           f"{paren}{escape(body, link)}")
    word = text("link", lang)
    if url and link == "slack":
        out += f" <{url}|{word}>"
    elif url and link == "markdown":
        out += f" ([{word}]({url}))"
    elif url:
        out += f" {url}"
    return out


def _episode(row: Any) -> tuple[Any, ...]:
    return (row.brand, row.kind, row.start)


def _severity(severity: str, lang: str) -> str:
    """``CRISIS`` / ``危机``."""
    return coded(severity, lang) if lang == ZH else severity.upper()


def alert_title(row: Any, lang: str = EN) -> str:
    """``CRISIS 鲜果坊 volume, fired 2026-11-05 08:00 (new)``."""
    return text("alert_title", lang, severity=_severity(row.severity, lang), brand=row.brand,
                kind=coded(row.kind, lang), when=_when(row.fired),
                event=coded(row.event, lang),
                ongoing=text("ongoing_suffix", lang) if row.ongoing else "")


def to_markdown(alerts: pd.DataFrame, *, style: str = "markdown", width: int = 140,
                lang: str = EN) -> str:
    """A bullet per alert with its detail, triggering posts and complaint terms.

    ``style`` is ``markdown`` (mail, 企业微信, 钉钉) or ``slack`` (Slack's mrkdwn);
    ``lang`` the language of its words (the detail sentence stays as the analysis wrote it).
    """
    bold = "*" if style == "slack" else "**"
    colon = "：" if lang == ZH else ": "
    out = []
    seen: set[tuple[Any, ...]] = set()
    for r in alerts.itertuples(index=False):
        out.append(f"- {bold}{escape(alert_title(r, lang), style)}{bold}{colon}"
                   f"{escape(alert_detail(r.detail, lang), style)}")
        if _episode(r) in seen:  # a re-firing: its posts were just shown
            continue
        seen.add(_episode(r))
        first = post_line(r, "first", width=width, link=style, lang=lang)
        if first:
            out.append(text("first_line", lang, line=first))
        top = post_line(r, "top", width=width, link=style, lang=lang)
        if top and (r.top_text != r.first_text or r.top_author != r.first_author):
            out.append(text("top_line", lang, line=top))
        if r.terms:
            terms = r.terms.replace("; ", "、" if lang == ZH else ", ")
            out.append(text("terms_line", lang, terms=escape(terms, style)))
    return "\n".join(out) + ("\n" if out else "")


def to_rich(alerts: pd.DataFrame, console: Any, lang: str = EN) -> None:
    """Alerts on a terminal: a coloured title line per alert, then its posts.

    Fitted to the console's width: a post's head line (who, reach, counts) breaks before
    its counts rather than through a number, and its text is at most
    :data:`PAGE_TEXT_LINES` lines under its indent, cut with "…".
    """
    from rich.padding import Padding
    from rich.text import Text

    from brandscan.render.table import one_line

    width = console.width
    seen: set[tuple[Any, ...]] = set()
    for r in alerts.itertuples(index=False):
        head = badge(r.severity, lang)
        head.append(f"{r.brand} {coded(r.kind, lang)}", style="bold")
        head.append(text("fired_from", lang, when=_when(r.fired), event=coded(r.event, lang),
                         ongoing=text("ongoing_suffix", lang) if r.ongoing else "",
                         start=_when(r.start)), style="dim")
        console.print(head)
        console.print(Padding(Text(one_line(str(alert_detail(r.detail, lang)))),
                              (0, 0, 0, 2), expand=False))
        if _episode(r) in seen:
            console.print()
            continue
        seen.add(_episode(r))
        for label, prefix in ((text("post_first", lang), "first"),
                              (text("post_top", lang), "top")):
            if prefix == "top" and r.top_text == r.first_text:
                continue
            for line in _post_block(r, prefix, label, width, lang):
                console.print(line)
        if r.terms:
            console.print(Padding(Text(text("terms_label", lang), style="dim")
                                  + Text(one_line(r.terms.replace("; ", ", "))),
                                  (0, 0, 0, 2), expand=False))
        console.print()


#: An alert's colour on a terminal, by severity.
COLOURS = {"watch": "yellow", "spike": "bold yellow", "crisis": "bold red"}


def badge(severity: str, lang: str = EN) -> Any:
    """An alert line's start on a terminal: its severity, coloured ("CRISIS " / "危机  ")."""
    from rich.text import Text

    label = severity.upper() if lang == EN else coded(severity, lang)
    return Text(f"{label:<7}" if lang == EN else f"{label}  ", style=COLOURS.get(severity, ""))


#: Lines of a post's text on the terminal alert page.
PAGE_TEXT_LINES = 3


def _post_block(row: Any, prefix: str, label: str, width: int = 80,
                lang: str = EN) -> list[Any]:
    """Who, reach and counts on one line (the counts on the next when they do not fit);
    the text below it, indented, in at most :data:`PAGE_TEXT_LINES` lines; the link."""
    from rich.cells import cell_len, chop_cells
    from rich.text import Text

    from brandscan.render.table import cut, one_line

    author = getattr(row, f"{prefix}_author")
    if author is None or (isinstance(author, float) and pd.isna(author)):
        return []
    followers = _num(getattr(row, f"{prefix}_followers"))
    head = Text(f"  {label}: ", style="dim")
    head.append(f"{_when(getattr(row, f'{prefix}_time'))} ", style="dim")
    head.append(one_line(str(author or "?")), style="bold")
    if followers is not None:
        head.append("  " + text("followers", lang, n=followers), style="dim")
    counts = (f"转发 {_num(getattr(row, f'{prefix}_reposts')) or 0:,} · 评论 "
              f"{_num(getattr(row, f'{prefix}_comments')) or 0:,} · 赞 "
              f"{_num(getattr(row, f'{prefix}_likes')) or 0:,}")
    if head.cell_len + 2 + cell_len(counts) <= width:
        out: list[Any] = [head + Text(f"  {counts}", style="dim")]
    else:
        out = [head, Text(f"    {counts}", style="dim")]
    room = max(width - 4, 20)
    chunks = chop_cells(one_line(str(getattr(row, f"{prefix}_text") or "")), room)
    if len(chunks) > PAGE_TEXT_LINES:
        rest = cut("".join(chunks[PAGE_TEXT_LINES - 1:]), room)
        chunks = [*chunks[:PAGE_TEXT_LINES - 1], rest]
    out += [Text(f"    {chunk}") for chunk in chunks]
    url = one_line(str(getattr(row, f"{prefix}_url") or ""))
    if url:
        out.append(Text(f"    {url}", style="dim"))
    return out


def incidents(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """One brand's alert rows grouped into incidents, oldest first: alerts (of any kind)
    whose spans overlap or touch are one incident; an ongoing one reaches to the end."""
    spans = rows.assign(_s=pd.to_datetime(rows["start"]), _e=pd.to_datetime(rows["end"]))
    spans = spans.sort_values(["_s", "fired"], kind="stable")
    groups: list[list[int]] = []
    reach: pd.Timestamp | None = None
    for pos, (start, end) in enumerate(zip(spans["_s"], spans["_e"])):
        if groups and (reach is None or start <= reach):
            groups[-1].append(pos)
            reach = None if reach is None or pd.isna(end) else max(reach, end)
        else:
            groups.append([pos])
            reach = None if pd.isna(end) else end
    return [spans.iloc[g].drop(columns=["_s", "_e"]) for g in groups]


def summary(alerts: pd.DataFrame | None, response: pd.DataFrame | None = None,
            lang: str = EN) -> str:
    """One sentence for the report's verdict; "" when nothing fired.

    Per brand, its latest (or ongoing) incident: the worst severity, where it started, the
    post that set it off, the volume peak, and how fast the brand answered it; earlier
    incidents are counted, not merged into it.
    """
    if alerts is None or alerts.empty:
        return ""
    parts = []
    for brand, rows in alerts.groupby("brand", sort=False):
        found = incidents(rows)
        mine = (response[response["brand"] == brand] if response is not None
                else pd.DataFrame())
        s = _incident_phrase(brand, found[-1], mine, latest=True, lang=lang)
        earlier = found[:-1]
        if earlier:
            rank = [max(severity_rank(v) for v in e["severity"]) for e in earlier]
            worst = max(range(len(earlier)), key=lambda k: (rank[k], k))
            if rank[worst] > max(severity_rank(v) for v in found[-1]["severity"]):
                s += ("；此前还有" if lang == ZH else "; before it, ") + _incident_phrase(
                    brand, earlier[worst], mine, latest=False, lang=lang)
            since = _when(earlier[0]["start"].min())
            s += (f"（{since}以来此前还有{len(earlier)}起事件）" if lang == ZH else
                  f" ({len(earlier)} earlier incident{'s' if len(earlier) > 1 else ''} "
                  f"since {since})")
        parts.append(s)
    return "；".join(parts) + "。" if lang == ZH else "; ".join(parts) + "."


def _incident_phrase(brand: str, rows: pd.DataFrame, response: pd.DataFrame, *,
                     latest: bool, lang: str = EN) -> str:
    """"CRISIS alert for 鲜果坊 from …, set off by …, peak …; answered after …" of one
    incident; the brand is named for the latest one only."""
    zh = lang == ZH
    worst = max(rows["severity"], key=severity_rank)
    start = rows["start"].min()
    if zh:
        s = (f"{brand}自{_when(start)}起出现{coded(worst, lang)}级预警" if latest
             else f"自{_when(start)}起的一次{coded(worst, lang)}级预警")
    else:
        s = (f"{worst.upper()} alert for {brand} from {_when(start)}" if latest
             else f"a {worst.upper()} alert from {_when(start)}")
    if rows["ongoing"].astype(bool).any():
        s += "（持续中）" if zh else " (ongoing)"
    first = rows.dropna(subset=["first_time"]).sort_values("first_time")
    if len(first):
        f = first.iloc[0]
        at = _when(f["first_time"], "%m-%d %H:%M")
        s += (f"，由{f['first_author']} {at} 的帖子引发" if zh
              else f", set off by {f['first_author']}'s post at {at}")
    vol = rows[rows["kind"] == "volume"]
    if len(vol):
        p = vol.loc[vol["peak_value"].idxmax()]
        ge = "≥" if p["lower_bound"] else ""
        at = _when(p["peak_period"], "%m-%d %H:%M")
        s += (f"，峰值 {at} 每小时{ge}{int(p['peak_value'])}条提及（基线预期 "
              f"{p['peak_baseline']:.0f}）" if zh else
              f", peak {ge}{int(p['peak_value'])} mentions/h at "
              f"{at} vs {p['peak_baseline']:.0f} expected")
    if len(response):
        ends = rows["end"].dropna()
        inside = pd.to_datetime(response["incident_start"]) >= pd.Timestamp(start)
        if len(ends) == len(rows):  # a closed incident: its answers start before its end
            inside &= pd.to_datetime(response["incident_start"]) < pd.Timestamp(ends.max())
        s += response_clause(response[inside.to_numpy()], lang)
    return s


def response_clause(response: pd.DataFrame, lang: str = EN) -> str:
    """``; answered after 32.0 h (target 24 h: missed)`` for a brand's first incident."""
    if response.empty:
        return ""
    r = response.iloc[0]
    if lang == ZH:
        target = f"目标 {r['target_hours']:g} 小时"
        if r["status"] in ("met", "missed"):
            return (f"；{r['delay_hours']:.1f} 小时后回应（{target}："
                    f"{coded(r['status'], lang)}）")
        if r["status"] == "no official_accounts":
            return ""
        return f"；官方尚未回应（{target}）"
    target = f"target {r['target_hours']:g} h"
    if r["status"] in ("met", "missed"):
        return f"; answered after {r['delay_hours']:.1f} h ({target}: {r['status']})"
    if r["status"] == "no official_accounts":
        return ""
    return f"; no official answer yet ({target})"


__all__ = ["SEVERITIES", "alert_title", "incidents", "post_line", "response_clause", "summary",
           "to_markdown", "to_rich"]
