"""Excel workbooks (.xlsx) that open right the first time in Excel, WPS and LibreOffice.

Written with XlsxWriter rather than openpyxl: it writes every cell through a typed call
(``write_string``, ``write_number``, ``write_datetime``), so a post can never become a
formula by accident (openpyxl turns any string starting with ``=`` into one), it streams
big sheets in constant memory, it is about twice as fast, and its combined bar/line charts
with a secondary axis render the same in Excel, WPS and LibreOffice. openpyxl reads the
files back in the tests.

What a person gets: typed cells (times as Excel dates in the configured timezone, counts
and scores as numbers, shares as percentages), a bold frozen header with filters, column
widths that count Chinese characters double, and a chart of mentions and negative share
next to the timeline. Text cells go through :func:`brandscan.render.spreadsheet.safe_text`:
control characters removed, formula-like text prefixed with ``'`` unless ``raw``.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.lang import EN, ZH, frame_values, header, headline_label, text
from brandscan.lang import interval as interval_name
from brandscan.render.spreadsheet import EXCEL_CELL_LIMIT, FORMULA_TRIGGERS, safe_text

if TYPE_CHECKING:
    from brandscan.analyze.report import Report

EXCEL_MAX_ROWS = 1_048_576
#: Above this many cells XlsxWriter streams rows to temp files instead of keeping them.
STREAM_FROM_CELLS = 500_000
MAX_WIDTH = {"text": 60, "default": 40}
#: Integer columns that are identifiers or positions, not quantities: no thousands comma.
PLAIN_INT_COLUMNS = {"rank", "line", "source_line", "id", "year"}
#: The posts sheet leads with what a reader scans first; the other columns follow.
POST_COLUMN_ORDER = ("created_at", "author", "text", "sentiment", "label", "brands",
                     "categories", "reposts", "comments", "likes", "engagement", "followers",
                     "verified", "url")
HEADLINE_LABELS = {
    "brands": "brands", "mentions": "mentions", "posts": "posts", "comments": "comments",
    "thread_comments": "thread comments",
    "authors": "authors", "first": "first post", "last": "last post",
    "negative_share": "negative share", "mean_sentiment": "mean sentiment",
    "engagement": "engagement", "peak_period": "busiest period",
    "peak_mentions": "mentions in the busiest period", "rows_read": "rows read",
    "rows_skipped": "rows skipped", "duplicates": "duplicates", "model": "sentiment model",
}


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its name and frame, or a note saying why there is no table."""

    name: str
    frame: pd.DataFrame | None
    note: str = ""


def cell_width(text: str) -> int:
    """Display width in Excel character units: CJK and other wide characters count two."""
    from rich.cells import cell_len

    return cell_len(text)


# --- one value -----------------------------------------------------------------------------

def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def _naive(v: datetime) -> datetime:
    """Excel has no timezones: keep the wall-clock time of the zone the data is in."""
    ts = pd.Timestamp(v)
    return (ts.tz_localize(None) if ts.tzinfo is not None else ts).to_pydatetime()


def _shown(v: Any) -> str:
    """Roughly what the cell shows, to size its column."""
    if _missing(v):
        return ""
    if isinstance(v, (datetime, date)):
        return "2026-11-05 09:00"
    if isinstance(v, float):
        return f"{v:,.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


class _Writer:
    """Formats and typed cell writes for one workbook."""

    def __init__(self, book: Any, raw: bool):
        self.book = book
        self.raw = raw
        add = book.add_format
        self.header = add({"bold": True, "bg_color": "#E8EEF4", "bottom": 1,
                           "text_wrap": False, "valign": "top"})
        self.title = add({"bold": True, "font_size": 13})
        self.note = add({"italic": True, "font_color": "#555555"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.formats = {
            "datetime": add({"num_format": "yyyy-mm-dd hh:mm"}),
            "datetime_s": add({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
            "pct": add({"num_format": "0.0%"}),
            "score": add({"num_format": "0.000"}),
            "count": add({"num_format": "#,##0"}),
            "plain": add({"num_format": "0"}),
            "float": add({"num_format": "0.00"}),
            "hours": add({"num_format": "[h]:mm"}),
            "quoted": add({"quote_prefix": True}),
        }

    def cell(self, ws: Any, row: int, col: int, v: Any, kind: str | None) -> None:
        """Write ``v`` with the type it has: Excel must see numbers and dates, not text."""
        if _missing(v):
            return
        f = self.formats
        if isinstance(v, np.datetime64):
            v = pd.Timestamp(v)
        elif isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, bool):
            ws.write_boolean(row, col, v)
        elif isinstance(v, int):
            ws.write_number(row, col, v, f["plain" if kind == "plain" else "count"])
        elif isinstance(v, float):
            if math.isinf(v):
                ws.write_string(row, col, "inf" if v > 0 else "-inf")
            else:
                ws.write_number(row, col, v, f[kind if kind in ("pct", "score") else "float"])
        elif isinstance(v, (datetime, date)):
            fmt = kind if kind in ("date", "datetime", "datetime_s") else "datetime_s"
            value = _naive(v) if isinstance(v, datetime) else v
            ws.write_datetime(row, col, value, f[fmt])
        elif isinstance(v, (timedelta, pd.Timedelta)):
            ws.write_number(row, col, pd.Timedelta(v) / pd.Timedelta(days=1), f["hours"])
        else:
            text = safe_text(v if isinstance(v, str) else str(v), raw=self.raw)
            if len(text) > EXCEL_CELL_LIMIT:
                text = text[: EXCEL_CELL_LIMIT - 1] + "…"
            if self.raw and text.startswith(FORMULA_TRIGGERS):
                # Left as written, but still text: editing the cell will not run it.
                ws.write_string(row, col, text, f["quoted"])
            else:
                ws.write_string(row, col, text)


def _column_kind(name: str, s: pd.Series) -> str | None:
    """The number or date format a column's cells get (text and flags need none)."""
    lower = str(name).lower()
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
        valid = s.dropna()
        if len(valid) and bool((valid == valid.dt.normalize()).all()):
            return "date"
        if len(valid) and bool((valid.dt.second == 0).all()):
            return "datetime"
        return "datetime_s"
    if s.dtype == object:
        sample = next((v for v in s if not _missing(v)), None)
        if isinstance(sample, (datetime, pd.Timestamp)):
            return "datetime"
    if "share" in lower or lower.endswith("_rate") or lower == "lower_bound_share":
        return "pct"
    if "sentiment" in lower or lower in ("z",):
        return "score"
    if lower in PLAIN_INT_COLUMNS or lower.endswith("_id"):
        return "plain"
    return None


def _prepared(s: pd.Series) -> tuple[list[Any], str]:
    """A column as Python values (None where missing) and how its cells are written."""
    dtype = s.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
        naive = s.dt.tz_localize(None) if isinstance(dtype, pd.DatetimeTZDtype) else s
        return [None if pd.isna(v) else v.to_pydatetime() for v in naive], "datetime"
    if pd.api.types.is_bool_dtype(dtype):
        return [None if pd.isna(v) else bool(v) for v in s], "any"
    if pd.api.types.is_integer_dtype(dtype):
        return [None if pd.isna(v) else int(v) for v in s], "int"
    if pd.api.types.is_float_dtype(dtype):
        return [None if pd.isna(v) else float(v) for v in s], "float"
    values = [None if _missing(v) else v for v in s.tolist()]
    text = all(v is None or type(v) is str for v in values)
    return values, "text" if text else "any"


def _widths(df: pd.DataFrame, sample: int = 500, lang: str = EN) -> list[float]:
    out = []
    head = df.head(sample)
    for col in df.columns:
        values = [_shown(v) for v in head[col].tolist()]
        widest = max([cell_width(header(col, lang)) + 2, *(cell_width(v) for v in values)],
                     default=8)
        cap = MAX_WIDTH["text"] if col in ("text", "example", "detail", "chain") else (
            MAX_WIDTH["default"])
        out.append(float(min(max(widest + 2, 6), cap)))
    return out


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    base, n = clean, 2
    while clean.lower() in taken:
        clean = f"{base[:28]}_{n}"
        n += 1
    taken.add(clean.lower())
    return clean


def write_table(w: _Writer, ws: Any, df: pd.DataFrame, *, first_row: int = 0,
                freeze: bool = True, widths: bool = True, lang: str = EN) -> int:
    """Header and rows of ``df`` from ``first_row``; returns the next free row. Headers
    and coded values (negative, opinion…) are written in ``lang``; the cell formats are
    chosen by the English column names."""
    if len(df) + first_row + 1 > EXCEL_MAX_ROWS:
        raise BrandscanError(f"{len(df):,} rows do not fit in an Excel sheet "
                             f"({EXCEL_MAX_ROWS:,} at most)",
                             hint="narrow the window with --since/--until or use --format csv")
    cols = list(df.columns)
    kinds = [_column_kind(c, df[c]) for c in cols]
    df = frame_values(df, lang)
    for j, name in enumerate(cols):
        ws.write_string(first_row, j, header(name, lang), w.header)
    if widths:
        for j, width in enumerate(_widths(df, lang=lang)):
            ws.set_column(j, j, width)
    columns = [_prepared(df[c]) for c in cols]
    raw = w.raw
    f = w.formats
    number_formats = [f[k] if k in f else f["float"] for k in kinds]
    count = [f["plain" if k == "plain" else "count"] for k in kinds]
    when = [f[k] if k in ("date", "datetime", "datetime_s") else f["datetime_s"] for k in kinds]
    for i in range(len(df)):
        r = first_row + 1 + i
        for j, (values, how) in enumerate(columns):
            v = values[i]
            if v is None:
                continue
            # typed fast paths for plain columns; anything else takes the careful road
            if how == "float":
                if v == v and v not in (math.inf, -math.inf):
                    ws.write_number(r, j, v, number_formats[j])
            elif how == "int":
                ws.write_number(r, j, v, count[j])
            elif how == "datetime":
                ws.write_datetime(r, j, v, when[j])
            elif how == "text" and not raw:
                v = safe_text(v)
                ws.write_string(r, j, v if len(v) <= EXCEL_CELL_LIMIT
                                else v[: EXCEL_CELL_LIMIT - 1] + "…")
            else:
                w.cell(ws, r, j, v, kinds[j])
    if freeze and cols:
        ws.freeze_panes(first_row + 1, 0)
        ws.autofilter(first_row, 0, first_row + max(len(df), 1), len(cols) - 1)
    return first_row + len(df) + 2


def _timeline_chart(book: Any, sheet: str, df: pd.DataFrame, interval: str = "",
                    lang: str = EN) -> Any:
    """Mentions as columns, negative share as a line on the right axis."""
    cols = list(df.columns)
    n = len(df)
    if not n or "period" not in cols or "mentions" not in cols:
        return None
    p, m = cols.index("period"), cols.index("mentions")
    chart = book.add_chart({"type": "column"})
    mentions, negative = text("chart_mentions", lang), text("chart_negative", lang)
    chart.add_series({"name": mentions, "categories": [sheet, 1, p, n, p],
                      "values": [sheet, 1, m, n, m], "fill": {"color": "#4C78A8"},
                      "gap": 30})
    if "negative_share" in cols:
        s = cols.index("negative_share")
        line = book.add_chart({"type": "line"})
        line.add_series({"name": negative, "categories": [sheet, 1, p, n, p],
                         "values": [sheet, 1, s, n, s], "y2_axis": True,
                         "line": {"color": "#E45756", "width": 1.75}})
        chart.combine(line)
        line.set_y2_axis({"name": negative, "num_format": "0%", "min": 0, "max": 1})
    title = (text("chart_title", lang, interval=interval_name(interval, lang)) if interval
             else text("chart_title_plain", lang))
    chart.set_title({"name": title, "name_font": {"size": 12}})
    fmt = "mm-dd hh:mm" if interval == "hour" else "yyyy-mm-dd"
    chart.set_x_axis({"num_format": fmt, "num_font": {"rotation": -45, "size": 8}})
    chart.set_y_axis({"name": mentions, "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 340})
    return chart


def _printable(ws: Any) -> None:
    """Printed or saved as PDF, a sheet with a chart fits the page's width, landscape."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _new_book(buf: io.BytesIO, cells: int) -> Any:
    import xlsxwriter

    return xlsxwriter.Workbook(buf, {
        # Typed writes only: text that looks like a formula, a number or a link stays text.
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "constant_memory": cells > STREAM_FROM_CELLS,
        "default_date_format": "yyyy-mm-dd hh:mm",
    })


def _interval_of(df: pd.DataFrame) -> str:
    if "period" not in df.columns or len(df) < 2:
        return "day"
    step = df["period"].iloc[1] - df["period"].iloc[0]
    if step <= pd.Timedelta(hours=1):
        return "hour"
    if step <= pd.Timedelta(days=1):
        return "day"
    return "week" if step <= pd.Timedelta(days=7) else "month"


def frame_workbook(df: pd.DataFrame, *, sheet: str = "data", raw: bool = False,
                   lang: str = EN) -> bytes:
    """One table as a one-sheet workbook (a timeline also gets its chart), its headers
    and coded values in ``lang``."""
    buf = io.BytesIO()
    book = _new_book(buf, df.size)
    w = _Writer(book, raw)
    name = _sheet_name(sheet, set())
    ws = book.add_worksheet(name)
    if "text" in df.columns and "created_at" in df.columns:
        df = order_post_columns(df)
    write_table(w, ws, df, lang=lang)
    chart = _timeline_chart(book, name, df, _interval_of(df), lang)
    if chart is not None:
        ws.insert_chart(1, len(df.columns) + 1, chart)
    book.close()
    return buf.getvalue()


def order_post_columns(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts with the columns a reader scans first on the left."""
    first = [c for c in POST_COLUMN_ORDER if c in posts.columns]
    return posts.loc[:, first + [c for c in posts.columns if c not in first]]


# --- the report workbook -------------------------------------------------------------------

def summary_rows(report: Report, *, timezone: str | None = None,
                 generated: datetime | None = None, lang: str = EN
                 ) -> list[tuple[str, Any, str | None]]:
    """(label, value, format) for the summary sheet, headline keys first in a fixed order;
    the first row is the verdict."""
    from brandscan.lang import brands
    from brandscan.render.report import verdict

    h = report.headline
    rows: list[tuple[str, Any, str | None]] = [(text("verdict", lang), verdict(report, lang),
                                                None)]
    kinds = {"negative_share": "pct", "mean_sentiment": "score", "first": "datetime",
             "last": "datetime",
             "peak_period": "datetime" if report.interval == "hour" else "date"}
    for key in [*HEADLINE_LABELS, *(k for k in h if k not in HEADLINE_LABELS)]:
        if key in h:
            label = headline_label(HEADLINE_LABELS.get(key, key.replace("_", " ")), lang)
            v = brands(h[key], lang) if key == "brands" and isinstance(h[key], str) else h[key]
            rows.append((label, v,
                         kinds.get(key, _column_kind(key, pd.Series([h[key]], dtype=object)))))
    rows.append((text("interval", lang), interval_name(report.interval, lang), None))
    if timezone:
        rows.append((text("times_are_in", lang), timezone, None))
    if generated is not None:
        rows.append((text("generated", lang), generated, "datetime"))
    return rows


def report_sheets(report: Report, posts: pd.DataFrame | None = None, lang: str = EN
                  ) -> list[SheetSpec]:
    """Every sheet after the summary, in reading order (named, and their notes written,
    in ``lang``).

    Alerts and influencers always get a sheet (a note when they were not computed); share
    of voice and response times only when the report has them.
    """
    def say(key: str, **fields: Any) -> str:
        return text(key, lang, **fields)

    def not_computed(what: str) -> str:
        return say("not_computed", what=what if lang != ZH else text(what.lower(), lang))

    sheets = [SheetSpec("timeline", report.timeline, say("no_posts")),
              SheetSpec("complaints", report.complaints, say("no_complaints")),
              SheetSpec("alerts", report.alerts, say("no_alerts")
                        if report.alerts is not None else not_computed("Alerts")),
              SheetSpec("influencers", report.influencers, say("no_authors")
                        if report.influencers is not None else not_computed("Influencers"))]
    for name, frame, empty in (
            ("share_of_voice", report.share_of_voice, say("no_brands")),
            ("share_of_voice_by_period", report.share_by_period, say("no_brands")),
            ("response_times", report.response, say("no_incident")),
            ("media_coverage", report.media, say("no_news"))):
        if frame is not None:
            sheets.append(SheetSpec(name, frame, empty))
    if posts is not None:
        sheets.append(SheetSpec("posts", order_post_columns(posts), say("no_posts")))
    else:
        sheets.append(SheetSpec("posts", report.negative_posts, say("no_negative_posts")))
    return sheets


def _write_summary(w: _Writer, ws: Any, report: Report, rows: Sequence[tuple[str, Any, Any]],
                   lang: str = EN) -> None:
    ws.write_string(0, 0, text("item", lang), w.header)
    ws.write_string(0, 1, text("value", lang), w.header)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, max(cell_width(label) for label, _, _ in rows) + 2)
    ws.set_column(1, 1, 44)
    for i, (label, value, kind) in enumerate(rows, start=1):
        if i == 1:  # the verdict, a sentence: wrapped in its cell, in a row tall enough
            sentence = safe_text(str(value), raw=w.raw)
            ws.set_row(i, 15 * max(1, math.ceil(cell_width(sentence) / 44)))
            ws.write_string(i, 0, label, w.wrap)
            ws.write_string(i, 1, sentence, w.wrap)
        else:
            ws.write_string(i, 0, label)
            w.cell(ws, i, 1, value, kind)
    r = len(rows) + 2
    ws.write_string(r, 0, text("sentiment_mix_lc", lang), w.title)
    r = write_table(w, ws, report.sentiment_mix, first_row=r + 1, freeze=False, widths=False,
                    lang=lang)
    if len(report.skipped):
        ws.write_string(r, 0, text("skipped_lc", lang), w.title)
        write_table(w, ws, report.skipped, first_row=r + 1, freeze=False, widths=False,
                    lang=lang)


def report_workbook(report: Report, *, posts: pd.DataFrame | None = None, raw: bool = False,
                    timezone: str | None = None, generated: datetime | None = None,
                    lang: str = EN) -> bytes:
    """The whole report as one workbook: summary, timeline (with a chart), complaints,
    alerts, influencers, posts — plus share of voice and response times when present.
    Sheet names, labels, headers and sentences are in ``lang``; the figures the same."""
    sheets = report_sheets(report, posts, lang)
    buf = io.BytesIO()
    book = _new_book(buf, sum(s.frame.size for s in sheets if s.frame is not None))
    w = _Writer(book, raw)
    taken: set[str] = set()
    summary = book.add_worksheet(_sheet_name(text("sheet_summary", lang), taken))
    _printable(summary)
    _write_summary(w, summary, report, summary_rows(report, timezone=timezone,
                                                    generated=generated, lang=lang), lang)
    for spec in sheets:
        name = _sheet_name(text(f"sheet_{spec.name}", lang), taken)
        ws = book.add_worksheet(name)
        frame = spec.frame
        if frame is None or frame.empty:
            if frame is not None and len(frame.columns):
                write_table(w, ws, frame, lang=lang)
                ws.write_string(1, 0, spec.note, w.note)
            else:
                ws.write_string(0, 0, spec.note, w.note)
                ws.set_column(0, 0, cell_width(spec.note) + 2)
            continue
        write_table(w, ws, frame, lang=lang)
        if spec.name == "timeline":
            _printable(ws)
            for target, where in ((ws, (1, len(frame.columns) + 1)), (summary, (1, 3))):
                chart = _timeline_chart(book, name, frame, report.interval, lang)
                if chart is not None:
                    target.insert_chart(*where, chart)
    book.close()
    return buf.getvalue()
