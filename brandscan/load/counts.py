"""Engagement counts from crawler exports (``1万+``, ``3.2万``, ``100+``, a bare ``赞``) ->
ints, never crashing on a cell: an unreadable count is flagged for the loader to count."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from brandscan.load.cells import NUM, OTHER, STR, STRIP, classify, is_missing

_INT64_MAX = 2**63 - 1

# Weibo shows the action's name instead of "0"; XHS/Douyin do the same for their actions.
_COUNT_LABELS = ("转发", "评论", "点赞", "赞", "收藏", "分享", "回复", "喜欢")
_COUNT_PLACEHOLDERS = frozenset(_COUNT_LABELS)
_COUNT_MISSING = frozenset({"nan", "none", "null", "na", "n/a", "-", "--"})
_LABEL_ALT = "|".join(_COUNT_LABELS)
_COUNT_LABELLED_RE = re.compile(rf"(?:{_LABEL_ALT})\s*(.+?)|(.+?)\s*(?:{_LABEL_ALT})")
# "1,234" / "1 234" / "12,345,678": separators only between groups of exactly 3 digits, so
# "1,2" (a decimal comma, or garbage) is not silently read as 12.
_THOUSANDS_RE = re.compile(r"(?<=[0-9])[,， \u00a0\u202f](?=[0-9]{3}(?:[^0-9]|$))")
_COUNT_RE = re.compile(r"([0-9]+)(?:\.([0-9]+))?\s*(万|w|千|k|亿|m)?\s*[+＋]?")
_COUNT_UNITS = {None: 1, "万": 10**4, "w": 10**4, "千": 10**3, "k": 10**3, "亿": 10**8, "m": 10**6}


def parse_count(value: object) -> int | None:
    """Parse an engagement count: ``1万+`` -> 10000, ``1.2亿`` -> 120000000, ``3k`` -> 3000.

    Empty cells, missing markers and the zero placeholders Weibo shows instead of a
    number (``转发``, ``评论``, ``赞``) are 0. Unparseable or negative values are
    ``None`` so the caller can count them rather than treat them as zero (parsing
    ``1.5万`` as 0 silently inverts rankings). Shortforms are computed with integer
    arithmetic: ``1.15万`` is exactly 11500, never 11499 from float error. Floors.
    """
    try:
        return _parse_count(value)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None


def _parse_count(value: object) -> int | None:
    if is_missing(value):
        return 0
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return _count_in_range(int(value))
    if isinstance(value, (float, np.floating)):
        return _count_in_range(math.floor(value)) if math.isfinite(value) else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None

    s = value.strip(STRIP)
    if not s or s.lower() in _COUNT_MISSING or s in _COUNT_PLACEHOLDERS:
        return 0
    if len(s) > 40:  # no count is this long; don't run regexes over a stray post body
        return None
    if m := _COUNT_LABELLED_RE.fullmatch(s):  # "赞 12", "1.2万转发"
        s = (m.group(1) or m.group(2)).strip(STRIP)
    s = _THOUSANDS_RE.sub("", s).lower()
    m = _COUNT_RE.fullmatch(s)
    if m is None:
        return None
    whole, frac, unit = m.groups()
    mult = _COUNT_UNITS[unit]
    if len(whole) > 20 or (frac is not None and len(frac) > 20):
        return None
    total = int(whole) * mult
    if frac:
        total += int(frac) * mult // 10 ** len(frac)
    return _count_in_range(total)


def _parse_unique_count_strings(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts and bad flags for distinct strings: digits in bulk, shortforms one by one.

    Count columns have few distinct values ("0", "1.2万", "转发"), so the scalar parser
    runs a handful of times even on 100k rows.
    """
    counts = np.zeros(len(uniques), dtype=np.int64)
    bad = np.zeros(len(uniques), dtype=bool)
    stripped = [x.strip(STRIP) for x in uniques]
    plain = np.fromiter((x.isascii() and x.isdigit() and len(x) <= 18 for x in stripped), bool)
    counts[plain] = [int(x) for x, p in zip(stripped, plain, strict=True) if p]
    empty = np.fromiter((not x for x in stripped), bool)
    for i in np.flatnonzero(~plain & ~empty):
        parsed = parse_count(uniques[i])
        counts[i], bad[i] = parsed or 0, parsed is None
    return counts, bad


def _count_in_range(n: int) -> int | None:
    return n if 0 <= n <= _INT64_MAX else None


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``parse_count``: (int64 counts, mask of unparseable cells).

    Missing cells and placeholders count 0 and are *not* flagged; cells ``parse_count``
    rejects count 0 and are flagged, so the loader can report how many it could not read.
    Plain digit strings are converted in one go; only the rest use the scalar parser.
    """
    n = len(values)
    counts = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    dtype = values.dtype

    if pd.api.types.is_bool_dtype(dtype):
        bad[~values.isna().to_numpy(dtype=bool)] = True
    elif pd.api.types.is_integer_dtype(dtype):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        ints = values.fillna(0).to_numpy(dtype=np.int64)
        neg = ints < 0
        counts[:] = np.where(neg | np.isnan(arr), 0, ints)
        bad[:] = neg
    elif pd.api.types.is_float_dtype(dtype):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            floored = np.floor(arr)
            ok = np.isfinite(floored) & (floored >= 0) & (floored < 2.0**63)
        counts[ok] = floored[ok].astype(np.int64)
        bad[:] = ~ok & ~np.isnan(arr)
    else:
        obj, kinds = classify(values)
        str_pos = np.flatnonzero(kinds == STR)
        if len(str_pos):
            codes, uniques = pd.factorize(obj[str_pos])
            u_counts, u_bad = _parse_unique_count_strings(uniques)
            counts[str_pos], bad[str_pos] = u_counts[codes], u_bad[codes]
        num_pos = np.flatnonzero(kinds == NUM)
        if len(num_pos):
            codes, uniques = pd.factorize(obj[num_pos])
            parsed = [parse_count(u) for u in uniques]
            u_counts = np.array([p or 0 for p in parsed], dtype=np.int64)
            u_bad = np.array([p is None for p in parsed], dtype=bool)
            counts[num_pos], bad[num_pos] = u_counts[codes], u_bad[codes]
        for pos in np.flatnonzero(kinds == OTHER):
            parsed = parse_count(obj[pos])
            counts[pos], bad[pos] = parsed or 0, parsed is None

    return (
        pd.Series(counts, index=values.index, name=values.name),
        pd.Series(bad, index=values.index, name=values.name),
    )
