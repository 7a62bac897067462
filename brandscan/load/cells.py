"""What kind of value a crawler cell holds — missing, a string, a number, something else —
so that each parser (times, counts, text) takes the fast path for its kind.

JSON exports mix ints, strings and nulls in one field; CSV exports hold strings only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Characters stripped from both ends of a time/count cell before parsing. weibo-crawler
# appends "\t" to ids as an Excel guard; BOMs and NBSPs leak in from copy-paste.
STRIP = " \t\r\n\x0b\x0c\u00a0\u3000\ufeff\u200b"


def is_missing(value: object) -> bool:
    """None, NA, NaT or a NaN float: an empty cell, whatever its column's dtype."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    return isinstance(value, np.datetime64) and np.isnat(value)


#: The kinds of cell :func:`classify` tells apart.
MISSING, STR, NUM, OTHER = 0, 1, 2, 3


def classify(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cells as an object array plus each cell's kind, so each kind takes its fast path.

    Homogeneous columns (the usual case) are classified by pandas in C; only truly
    mixed object columns (JSON with ints and strings in one field) are walked in Python.
    """
    obj = values.to_numpy(dtype=object)
    missing = pd.isna(obj)
    if isinstance(values.dtype, pd.StringDtype):
        inferred = "string"
    elif values.dtype == object:
        inferred = pd.api.types.infer_dtype(obj, skipna=True)
    else:
        inferred = "mixed"
    if inferred in ("string", "empty"):
        return obj, np.where(missing, MISSING, STR).astype(np.int8)
    if inferred in ("integer", "floating", "mixed-integer-float"):
        return obj, np.where(missing, MISSING, NUM).astype(np.int8)

    def kind(x: object) -> int:
        if isinstance(x, str):
            return STR
        if is_missing(x):
            return MISSING
        if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(
            x, (bool, np.bool_)
        ):
            return NUM
        return OTHER

    return obj, np.fromiter((kind(x) for x in obj), dtype=np.int8, count=len(obj))
