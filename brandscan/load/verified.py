"""Verification cells -> what people read: ``true``/``false`` for flags and Weibo's type codes,
the export's own words (蓝V, 黄V, 普通用户…) otherwise.

weibo-crawler's users.csv says 是否认证 ``True``/``False`` and 认证类型 as Weibo's
``verified_type`` code, where ``0`` is a *verified* person (黄V) and ``-1`` nobody: shown
raw, "0" read as "not verified". Flags and codes become ``true``/``false`` here, so a
table or JSON answers the question the column asks.
"""

from __future__ import annotations

import pandas as pd

#: Columns that hold a yes/no flag (True/False, 1/0, 是/否).
FLAG_COLUMNS = frozenset({"是否认证", "verified", "is_verified", "user.verified"})
#: Columns that hold Weibo's ``verified_type``: -1 none, 0 a person (黄V), 1-7 an
#: organisation (蓝V: government, company, media, campus, website, app, group); other
#: codes (10, 200, 220: 达人 and the like) are not verification.
CODE_COLUMNS = frozenset({"认证类型", "verified_type", "user.verified_type"})
VERIFIED_CODES = frozenset(range(8))

_TRUE = frozenset({"true", "t", "1", "1.0", "yes", "y", "是", "已认证"})
_FALSE = frozenset({"false", "f", "0", "0.0", "no", "n", "否", "未认证"})


def _flag(cell: object) -> object:
    word = str(cell).strip().lower()
    return "true" if word in _TRUE else "false" if word in _FALSE else cell


def _code(cell: object) -> object:
    text = str(cell).strip()
    try:
        number = float(text)
    except ValueError:
        return _flag(cell)
    if number != int(number):
        return cell
    return "true" if int(number) in VERIFIED_CODES else "false"


def verified_values(values: pd.Series, column: str) -> pd.Series:
    """``values`` of the verification column ``column`` as :mod:`this module
    <brandscan.load.verified>` shows them (empty cells stay empty)."""
    if column in CODE_COLUMNS:
        convert = _code
    elif column in FLAG_COLUMNS:
        convert = _flag
    else:
        return values
    filled = values.where(values.notna(), "")
    empty = filled.astype(str).str.strip() == ""
    return filled.where(empty, filled.map(convert))
