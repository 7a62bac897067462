"""Making text safe for spreadsheets: formula injection, control characters, encodings.

Posts are written by strangers. A post that starts with ``=HYPERLINK(...)`` or
``=cmd|' /C calc'!A0`` becomes a live formula when the CSV is opened in Excel or WPS, so
text cells that start with ``=``, ``+``, ``-``, ``@``, TAB or CR get a leading ``'``
(OWASP's advice for CSV injection). Only *text* cells: a negative number in a numeric
column is a number and stays one. ``--raw`` turns this off for people who post-process
the files with scripts rather than open them.

Excel wants a byte order mark to read UTF-8 CSV as UTF-8 (without it, Chinese turns into
mojibake); old WPS installations read GB18030 best. Both are offered, for CSV/TSV only
(which options a format takes is in :mod:`brandscan.render.formats`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: The encodings CSV/TSV can be written in (gb18030 for old WPS/Excel set-ups).
ENCODINGS = ("utf-8", "gb18030")

#: First characters that make Excel, LibreOffice or WPS read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Characters XML 1.0 (and so openpyxl) refuses: C0 controls other than TAB, LF, CR,
#: lone surrogates, and the two non-characters U+FFFE/U+FFFF.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Excel keeps at most this many characters in one cell.
EXCEL_CELL_LIMIT = 32_767


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def strip_control(value: str) -> str:
    """``value`` without the control characters spreadsheet files cannot hold."""
    return CONTROL_CHARS.sub("", value)


def safe_text(value: str, *, raw: bool = False) -> str:
    """A text cell as written to a spreadsheet: control characters gone, formulas defused.

    Control characters are removed before the formula check, so ``"\\x00=1+1"`` cannot
    slip an ``=`` past it.
    """
    value = strip_control(value)
    return value if raw else neutralise(value)


def is_text_column(s: pd.Series) -> bool:
    """Columns of strings (object or string dtype); numbers, times and flags are not text."""
    import pandas as pd

    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def _cell(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(df: pd.DataFrame, *, raw: bool = False) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are safe to open in a spreadsheet.

    Only ``str`` values in text columns change; numbers (negative ones included), times
    and missing values are left alone. With ``raw`` the frame is returned unchanged.
    """
    if raw:
        return df
    out = df.copy()
    for col in out.columns:
        if is_text_column(out[col]):
            out[col] = out[col].map(_cell, na_action="ignore")
    return out


def encode_text(text: str, *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    """CSV text as bytes for a spreadsheet: UTF-8 (with a BOM for Excel) or GB18030.

    GB18030 can encode every Unicode character, emoji included, so nothing is lost; only
    lone surrogates (never valid text) become ``?``.
    """
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf8", "utf-8"):
        data = text.encode("utf-8", errors="replace")
        return b"\xef\xbb\xbf" + data if bom else data
    if enc == "gb18030":
        return text.encode("gb18030", errors="replace")
    raise ValueError(f"unsupported encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
