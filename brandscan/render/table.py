"""Tables for a person at a terminal (never for pipes: rich truncates wide CJK cells there).

A table is fitted to the terminal's width when it is drawn, through its
:class:`~brandscan.render.views.View`: the columns that fit, in priority order, each as
wide as its widest value (numbers, dates and names are never cut), and the free-text
column in what is left, on one line, cut with "…". A caption names the columns left
out. When too few columns fit to be useful, each row becomes a block of ``field  value``
lines instead. Widths are display cells: a Chinese character or an emoji takes two
(:func:`rich.cells.cell_len`). Rows are never left out here; a caller that leaves some
out (the report's busiest periods) says so under the table.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich import box
from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from brandscan import lang as catalog
from brandscan.lang import EN
from brandscan.render.tabular import for_text
from brandscan.render.views import View, view_for

SPARKS = "▁▂▃▄▅▆▇█"
#: The free-text column never gets narrower than this (cells) while others are shown.
TEXT_MIN = 20
#: Columns ranked after the text column are shown only while it keeps this much.
TEXT_ROOM = 60
#: Where the columns a terminal leaves out can be read (a plain table's default).
ALL_COLUMNS = "--format csv"


def fmt_value(v: Any, col: str = "") -> str:
    """A cell as a person reads it: shares as percentages, floats to 3 places, counts
    with thousands separators (not ranks and line numbers)."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        if col.endswith("share") or col == "share_of_voice":
            return f"{v:.1%}"
        return f"{v:.3f}"
    if isinstance(v, int) and not isinstance(v, bool) and col not in ("rank", "line",
                                                                    "source_line"):
        return f"{v:,}"
    return str(v)


_SPACE = re.compile(r"\s+")


def one_line(s: str) -> str:
    """Whitespace runs as one space, and no control characters: post text is untrusted
    and an escape sequence in it must not reach the terminal."""
    s = _SPACE.sub(" ", s).strip()
    if s.isprintable():
        return s
    return "".join(ch for ch in s if unicodedata.category(ch) not in ("Cc", "Cf")
                   or ch == "\u200d")


def cut(s: str, width: int) -> str:
    """``s`` in at most ``width`` display cells, ending in "…" when it was cut."""
    if cell_len(s) <= width:
        return s
    if width <= 1:
        return "…"[:width]
    out, used = [], 0
    for ch in s:
        w = get_character_cell_size(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


def header(col: str, lang: str = EN) -> str:
    """``negative_share`` → ``negative share`` (a header that may wrap at its words), or
    the column's name in ``lang`` (``负面占比``)."""
    if lang != EN:
        return catalog.header(col, lang)
    return col.replace("_", " ")


def _header_width(col: str, lang: str = EN) -> int:
    """The narrowest width that holds the header in two lines (wrapped at its words)."""
    words = header(col, lang).split(" ")
    if not col:
        return 0
    best = cell_len(header(col, lang))
    for i in range(1, len(words)):
        best = min(best, max(cell_len(" ".join(words[:i])), cell_len(" ".join(words[i:]))))
    return max(best, *(cell_len(w) for w in words))


def _cells(df: pd.DataFrame, cols: Sequence[str]) -> dict[str, list[str]]:
    """Each column's cells as shown: one line each, times to the minute when no second
    is set (``2026-11-05 07:12``)."""
    t = for_text(df.loc[:, list(cols)])
    out: dict[str, list[str]] = {}
    for col in cols:
        values = [fmt_value(v.item() if hasattr(v, "item") else v, col) for v in t[col]]
        if _is_time(df[col]) and values and all(
                v == "" or (len(v) == 19 and v.endswith(":00")) for v in values):
            values = [v[:16] for v in values]
        out[col] = [one_line(v) for v in values]
    return out


def _is_time(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s)


def _numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


@dataclass(frozen=True)
class Fit:
    """What a width holds: the columns shown (in the table's order), the text column's
    width, or ``records`` when the rows are better drawn as blocks."""

    columns: tuple[str, ...]
    text: str | None = None
    text_width: int = 0
    records: bool = False


def fit_columns(view: View, widths: dict[str, int], width: int) -> Fit:
    """The longest run of ``view``'s columns (priority order) that fits ``width`` cells.

    ``widths`` holds each column's natural width (its widest cell or header word). The
    text column takes what is left, at least :data:`TEXT_MIN` (or its natural width when
    less); the columns ranked after it come only while it keeps :data:`TEXT_ROOM`.
    """
    present = [c for c in view.columns if c in widths]
    text = view.text if view.text in widths else None
    before = present[: present.index(text)] if text else present
    after = present[present.index(text) + 1:] if text else []
    natural = widths[text] if text else 0

    def fixed(cols: list[str]) -> int:
        # Each column is padded by a space each side and parted by a space from the next.
        n = len(cols) + (1 if text else 0)
        return sum(widths[c] for c in cols) + 3 * n - 1 if n else 0

    floor = min(natural, TEXT_MIN)
    chosen: list[str] = []
    for col in before:
        if fixed([*chosen, col]) + floor > width:
            break
        chosen.append(col)
    if len(chosen) < min(view.min_columns, len(before)) or (
            text and fixed(chosen) + min(floor, 1) > width):
        return Fit(tuple(present), records=True)
    if text:
        room = min(natural, TEXT_ROOM)
        for col in after:
            if width - fixed([*chosen, col]) < room:
                break
            chosen.append(col)
        chosen.append(text)
    shown = set(chosen)
    order = [c for c in widths if c in shown and c != text] + ([text] if text else [])
    text_width = min(natural, width - fixed([c for c in chosen if c != text])) if text else 0
    return Fit(tuple(order), text=text, text_width=text_width)


class FrameView:
    """A frame drawn for the terminal it is printed on (see the module's docstring).

    ``more`` says where the columns left out are ("--format csv"). A renderable: the
    width is known only when it is printed.
    """

    def __init__(self, df: pd.DataFrame, *, title: str | None = None,
                 view: str | View | None = None, more: str = ALL_COLUMNS,
                 lang: str = EN) -> None:
        names = [str(c) for c in df.columns]
        chosen = view if isinstance(view, View) else view_for(view, names)
        if not set(chosen.columns) & set(names):  # a frame unlike its view: show it all
            chosen = view_for(None, names)
        self.df = df.set_axis(names, axis=1)
        self.title = title
        self.view = chosen
        self.more = more
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        df = self.df
        names = list(df.columns)
        listed = [c for c in self.view.columns if c in names]
        cells = _cells(df, listed)
        widths = {c: max([_header_width(c, self.lang), *(cell_len(v) for v in cells[c])])
                  for c in names if c in cells}
        fit = fit_columns(self.view, widths, width)
        if self.title:
            yield Text(self.title, style="italic")
        if fit.records:
            yield from _records(df, names, cells, self.lang)
            left = []
        else:
            yield _table(df, fit, cells, widths, self.lang)
            left = [c for c in names if c not in fit.columns]
        for line in self.captions(left, width):
            yield Text(line, style="dim")

    def captions(self, left: Sequence[str], width: int) -> list[str]:
        """The columns left out, named when the line holds their names."""
        if not left:
            return []
        n = len(left)
        if self.lang != EN:
            count = catalog.text("more_columns", self.lang, n=n, where=self.more,
                                 s="s" if n > 1 else "")
            named = f"{count}：{catalog.join(catalog.headers(left, self.lang), self.lang)}"
        else:
            count = f"{n} more column{'s' if n > 1 else ''} in {self.more}"
            named = f"{count}: {', '.join(left)}"
        return [named if cell_len(named) <= width else count]


def _table(df: pd.DataFrame, fit: Fit, cells: dict[str, list[str]],
           widths: dict[str, int], lang: str = EN) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, header_style="bold", expand=False)
    text = fit.text
    for col in fit.columns:
        w = fit.text_width if col == text else widths[col]
        table.add_column(Text(header(col, lang)), justify="right" if _numeric(df[col]) else "left",
                         width=w, min_width=w, max_width=w, no_wrap=col == text,
                         overflow="ellipsis" if col == text else "fold")
    for i in range(len(df)):
        row = []
        for col in fit.columns:
            v = cells[col][i]
            row.append(Text(cut(v, fit.text_width) if col == text else v))
        table.add_row(*row)
    return table


def _records(df: pd.DataFrame, names: list[str], cells: dict[str, list[str]],
             lang: str = EN) -> Iterable[Any]:
    """One block per row: a ``field  value`` line per column that has a value (every
    column, the view's first), a blank line between blocks."""
    order = list(cells) + [c for c in names if c not in cells]
    rest = [c for c in order if c not in cells]
    if rest:
        cells = {**cells, **_cells(df, rest)}
    label = max((cell_len(header(c, lang)) for c in order), default=0)
    for i in range(len(df)):
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True, width=label)
        grid.add_column(overflow="fold")
        for col in order:
            if cells[col][i]:
                grid.add_row(Text(header(col, lang)), Text(cells[col][i]))
        if i:
            yield Text("")
        yield grid
    if len(df) and any(not cells[c][i] for c in order for i in range(len(df))):
        yield Text(catalog.text("blank_fields", lang), style="dim")


def frame_table(df: pd.DataFrame, *, title: str | None = None, view: str | View | None = None,
                more: str = ALL_COLUMNS, lang: str = EN) -> FrameView:
    """``df`` drawn for the terminal it is printed on (see :class:`FrameView`), its
    headers and captions in ``lang`` (the caller translates coded values and the title:
    :func:`brandscan.lang.frame_values`)."""
    return FrameView(df, title=title, view=view, more=more, lang=lang)


def sparkline(values: list[float]) -> str:
    """One character per value, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1) + 0.5))]
                   for v in values)
