"""Rich tables for a person at a terminal (never for pipes: rich truncates wide CJK cells)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich import box
from rich.table import Table

from brandscan.render.tabular import for_text

#: Columns holding free text get the spare width and fold instead of pushing others out.
TEXT_COLUMNS = {"text", "example", "chain", "url", "reason", "mapping", "categories"}
SPARKS = "▁▂▃▄▅▆▇█"


def fmt_value(v: Any, col: str = "") -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        if col.endswith("share"):
            return f"{v:.1%}"
        return f"{v:.3f}"
    if isinstance(v, int) and not isinstance(v, bool) and col not in ("rank", "line",
                                                                    "source_line"):
        return f"{v:,}"
    return str(v)


def frame_table(df: pd.DataFrame, *, title: str | None = None, max_text: int = 60) -> Table:
    """A rich table of a frame; long text cells are cut to ``max_text`` characters."""
    t = for_text(df)
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_lines=False,
                  header_style="bold")
    for col in t.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left",
                         overflow="fold" if col in TEXT_COLUMNS else "ellipsis",
                         ratio=3 if col in TEXT_COLUMNS else None,
                         no_wrap=col not in TEXT_COLUMNS)
    for row in t.itertuples(index=False, name=None):
        cells = []
        for col, v in zip(t.columns, row):
            s = fmt_value(v.item() if hasattr(v, "item") else v, str(col))
            if col in TEXT_COLUMNS and len(s) > max_text:
                s = s[: max_text - 1] + "…"
            cells.append(s)
        table.add_row(*cells)
    return table


def sparkline(values: list[float]) -> str:
    """One character per value, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1) + 0.5))]
                   for v in values)
