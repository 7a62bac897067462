"""DataFrames -> CSV, TSV, JSON, JSON lines and Markdown text for pipes, files and mail.

Floats leave at full precision (the shortest repr that round-trips), so scores can be
compared with snownlp's; only the terminal table rounds. Times are written in the
configured timezone: ``YYYY-MM-DD HH:MM:SS`` in CSV/Markdown (what spreadsheets parse),
ISO 8601 with offset in JSON.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pandas as pd

MACHINE_FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")


def _is_datetime(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s)


def format_times(s: pd.Series) -> pd.Series:
    """Dates alone when every value is at midnight (a daily timeline), else date and time."""
    valid = s.dropna()
    midnight = bool(len(valid)) and bool((valid == valid.dt.normalize()).all())
    fmt = "%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S"
    return s.dt.strftime(fmt).where(s.notna(), "")


def for_text(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with times as strings and missing values as empty cells."""
    out = df.copy()
    for col in out.columns:
        if _is_datetime(out[col]):
            out[col] = format_times(out[col])
    return out


def to_delimited(df: pd.DataFrame, sep: str = ",") -> str:
    """CSV or TSV with "\n" line ends. A carriage return inside a cell becomes "\n": the
    writer quotes cells holding "\n" but not a bare "\r", which spreadsheets read as a new
    row — where a cell such as "\r=cmd|…" would start as a live formula."""
    buf = io.StringIO()
    out = for_text(df)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            cells = out[col]
            has_cr = cells.map(lambda v: isinstance(v, str) and "\r" in v)
            if has_cr.any():
                out[col] = cells.where(~has_cr, cells[has_cr].str.replace(
                    "\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False))
    out.to_csv(buf, index=False, sep=sep, lineterminator="\n")
    return buf.getvalue()


def _json_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return _json_value(v.item())
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = list(df.columns)
    return [{c: _json_value(v) for c, v in zip(cols, row)}
            for row in df.itertuples(index=False, name=None)]


def to_json(df: pd.DataFrame) -> str:
    return json.dumps(records(df), ensure_ascii=False, indent=2) + "\n"


def to_jsonl(df: pd.DataFrame) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(df))


def _md_cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        v = f"{v:.3f}"
    return str(v).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def to_markdown(df: pd.DataFrame, *, max_text: int | None = None) -> str:
    t = for_text(df)
    lines = ["| " + " | ".join(map(str, t.columns)) + " |",
             "|" + "|".join(" ---: " if pd.api.types.is_numeric_dtype(df[c]) else " --- "
                            for c in t.columns) + "|"]
    for row in t.itertuples(index=False, name=None):
        cells = [_md_cell(v) for v in row]
        if max_text:
            cells = [c if len(c) <= max_text else c[: max_text - 1] + "…" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_frame(df: pd.DataFrame, fmt: str) -> str:
    """One table in one of :data:`MACHINE_FORMATS`."""
    if fmt == "csv":
        return to_delimited(df, ",")
    if fmt == "tsv":
        return to_delimited(df, "\t")
    if fmt == "json":
        return to_json(df)
    if fmt == "jsonl":
        return to_jsonl(df)
    if fmt == "markdown":
        return to_markdown(df)
    raise ValueError(f"not a machine format: {fmt}")
