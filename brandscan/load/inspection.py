"""The load accounting as tables: one row per file, or one row per skipped row."""

from __future__ import annotations

import pandas as pd

from brandscan.files import shown
from brandscan.load.accounting import LoadReport

FILE_COLUMNS = ("file", "layout", "encoding", "format", "rows_read", "used", "posts",
                "comments", "derived_posts", "skipped", "duplicates", "filtered", "first",
                "last", "relative_times", "truncated_text", "skip_reasons", "mapping",
                "error")


def files_table(report: LoadReport) -> pd.DataFrame:
    """What ``inspect`` shows: how each file was read and what became of its rows."""
    rows = []
    for f in report.files:
        rows.append({
            "file": shown(f.path),
            "layout": f.layout,
            "encoding": f.encoding,
            "format": f.format,
            "rows_read": f.rows_read,
            "used": f.used,
            "posts": f.posts,
            "comments": f.comments,
            "derived_posts": f.derived_posts,
            "skipped": len(f.skipped),
            "duplicates": f.duplicates,
            "filtered": f.filtered,
            "first": f.first.strftime("%Y-%m-%d %H:%M") if f.first is not None else "",
            "last": f.last.strftime("%Y-%m-%d %H:%M") if f.last is not None else "",
            "relative_times": (f"{f.relative_times} resolved against "
                               f"{f.now:%Y-%m-%d %H:%M}" if f.relative_times and f.now else ""),
            "truncated_text": f.truncated_text,
            "skip_reasons": "; ".join(f"{r}: {n}" for r, n in f.skip_reasons.most_common()),
            "mapping": ", ".join(f"{k}={v}" for k, v in f.mapping.items()),
            "error": f.error or "",
        })
    return pd.DataFrame(rows, columns=list(FILE_COLUMNS))


def skipped_table(report: LoadReport) -> pd.DataFrame:
    """Every skipped row: file, line and reason, in file order."""
    return pd.DataFrame([{"file": shown(s.file), "line": s.line, "reason": s.reason}
                         for s in report.skipped], columns=["file", "line", "reason"])
