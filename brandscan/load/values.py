"""Cell values from Chinese social-media crawler exports -> typed values.

Crawlers write whatever the page showed: times as ``2024-03-01 12:30``, unix seconds,
13-digit milliseconds, RFC-2822 (``Sun Mar 03 17:03:09 +0800 2024``) or Weibo's relative
``5分钟前`` / ``昨天 08:01`` / ``10月12日``; counts as ``1.2万`` or ``100万+`` or a bare
``赞`` when the count is zero; text with HTML fragments, entities and invisible characters.
This module turns such cells into datetimes, ints and clean strings.

Every function is pure (no I/O, no printing) and never raises on bad input: a cell that
cannot be understood becomes ``None`` (scalar) or ``NaT`` / a flag (vectorised), so the
loader can count and report it instead of crashing on row 48,213.

The scalar parsers are the reference. The vectorised ``parse_times``, ``parse_counts``,
``clean_texts`` and ``split_repost_chains`` handle the common formats with whole-column
pandas operations and hand only the leftovers to the scalar parser, so both always agree.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "clean_text",
    "clean_texts",
    "is_pure_repost",
    "is_relative_time",
    "is_symbol_only",
    "parse_count",
    "parse_counts",
    "parse_time",
    "parse_times",
    "relative_time_mask",
    "split_repost_chain",
    "split_repost_chains",
]

# Years outside this range are garbage in a social-media export (Weibo started in 2009), and
# keeping results inside it guarantees they fit pandas' datetime64[ns] (1677..2262).
MIN_YEAR = 1900
MAX_YEAR = 2200

_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_INT64_MAX = 2**63 - 1

# Characters stripped from both ends of a time/count cell before parsing. weibo-crawler
# appends "\t" to ids as an Excel guard; BOMs and NBSPs leak in from copy-paste.
_STRIP = " \t\r\n\x0b\x0c\u00a0\u3000\ufeff\u200b"

# ---------------------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------------------

_D = "[0-9]"  # ASCII digits only: Python's \d also matches e.g. Arabic-Indic digits
_HMS = rf"({_D}{{1,2}})[:：]({_D}{{2}})(?:[:：]({_D}{{2}}))?"

_NUMERIC_RE = re.compile(rf"{_D}+(?:\.{_D}*)?")

# 2024-03-01, 2024/03/01 12:30, 2024-03-01T12:30:45.123+08:00, 2024.3.1 8:05 ...
_YMD_RE = re.compile(
    rf"({_D}{{4}})([-/.])({_D}{{1,2}})\2({_D}{{1,2}})"
    rf"(?:(?:T|\s+)({_D}{{1,2}}):({_D}{{2}})(?::({_D}{{2}})(?:[.,]({_D}{{1,9}}))?)?"
    rf"\s*(Z|[+-]{_D}{{2}}(?::?{_D}{{2}})?)?)?",
    re.IGNORECASE,
)
# 2024年03月01日 12:30, 2024年3月1日
_CN_YMD_RE = re.compile(rf"({_D}{{4}})年({_D}{{1,2}})月({_D}{{1,2}})日\s*(?:{_HMS})?")

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_WDAY = "(?:mon|tue|wed|thu|fri|sat|sun)"
_ZONE = rf"(?:[+-]{_D}{{4}}|[+-]{_D}{{2}}:{_D}{{2}}|gmt|utc|z)"
# Weibo API / ctime order: "Sun Mar 03 17:03:09 +0800 2024"
_RFC_WEIBO_RE = re.compile(
    rf"(?:{_WDAY},?\s+)?([a-z]{{3}})\s+({_D}{{1,2}})\s+"
    rf"({_D}{{1,2}}):({_D}{{2}}):({_D}{{2}})\s+(?:({_ZONE})\s+)?({_D}{{4}})",
    re.IGNORECASE,
)
# RFC 2822: "Fri, 15 Jan 2021 08:36:13 +0800"
_RFC_2822_RE = re.compile(
    rf"(?:{_WDAY},?\s+)?({_D}{{1,2}})\s+([a-z]{{3}})\s+({_D}{{4}})\s+"
    rf"({_D}{{1,2}}):({_D}{{2}})(?::({_D}{{2}}))?(?:\s+({_ZONE}))?",
    re.IGNORECASE,
)

# Weibo's relative forms; they only mean something together with the crawl time.
_JUST_NOW = frozenset({"刚刚", "刚才"})
_AGO_RE = re.compile(rf"({_D}{{1,6}})\s*(秒钟?|分钟|个?小时|天)\s*前?")
_AGO_UNITS = {
    "秒": timedelta(seconds=1),
    "秒钟": timedelta(seconds=1),
    "分钟": timedelta(minutes=1),
    "小时": timedelta(hours=1),
    "个小时": timedelta(hours=1),
    "天": timedelta(days=1),
}
_DAYWORD_RE = re.compile(rf"(今天|昨天|前天)\s*(?:{_HMS})?")
_DAYWORD_OFFSET = {"今天": 0, "昨天": 1, "前天": 2}
# Weibo drops the year for dates in the current year: "10月12日 09:00", and m.weibo.cn
# shows "10-12" (weibo-crawler completes both with the crawl year).
_MONTHDAY_RE = re.compile(rf"({_D}{{1,2}})月({_D}{{1,2}})日\s*(?:{_HMS})?")
_MONTHDAY_DASH_RE = re.compile(rf"({_D}{{1,2}})-({_D}{{1,2}})(?:\s+{_HMS})?")
_RELATIVE_RE = re.compile(
    "|".join(
        [
            *_JUST_NOW,
            *(rx.pattern for rx in (_AGO_RE, _DAYWORD_RE, _MONTHDAY_RE, _MONTHDAY_DASH_RE)),
        ]
    )
)


def parse_time(value: object, *, tz: ZoneInfo, now: datetime) -> datetime | None:
    """Parse one time cell into an aware datetime in ``tz``, or ``None``.

    Naive inputs are wall-clock times in ``tz`` (crawlers write Beijing time without an
    offset); aware inputs are converted to ``tz``. Relative Weibo forms (``5分钟前``,
    ``昨天 08:01``, ``10月12日``) are resolved against ``now``, the crawl time; a naive
    ``now`` is taken to be in ``tz``. A local time that occurs twice in a DST change
    gives ``None`` and one skipped by it moves forward, exactly like ``parse_times``.

    Never raises: empty, garbage and impossible dates (2024-02-30) give ``None``.
    """
    try:
        result = _parse_time(value, tz, now)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None
    if result is None or not MIN_YEAR <= result.year <= MAX_YEAR:
        return None
    return result


def is_relative_time(value: object) -> bool:
    """True when ``value`` is a Weibo relative time that needs ``now`` to be resolved.

    The loader uses this to tell the user that some times depend on the crawl time
    (or ``--now``), which shifts them if that reference is wrong.
    """
    if not isinstance(value, str):
        return False
    return _RELATIVE_RE.fullmatch(value.strip(_STRIP)) is not None


def _parse_time(value: object, tz: ZoneInfo, now: datetime) -> datetime | None:
    if _is_missing(value) or isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = (value - pd.Timedelta(value.nanosecond, unit="ns")).to_pydatetime()
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(tz)
        return _localize(value.replace(tzinfo=None), tz)
    if isinstance(value, date):
        return _localize(datetime(value.year, value.month, value.day), tz)
    if isinstance(value, (int, np.integer)):
        return _from_epoch_number(int(value), tz)
    if isinstance(value, (float, np.floating)):
        return _from_epoch_number(float(value), tz)
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(value, str):
        return _parse_time_text(value, tz, now)
    return None


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    return isinstance(value, np.datetime64) and np.isnat(value)


def _from_epoch_number(value: float, tz: ZoneInfo) -> datetime | None:
    """Unix seconds (10 digits) or milliseconds (13 digits); anything else is not a time.

    Floats are rounded to whole milliseconds with round-half-even, the same rule numpy
    uses in ``parse_times``, so both paths give identical instants.
    """
    if not math.isfinite(value) or value < 0:
        return None
    if 10**9 <= value < 10**10:
        ms = value * 1000 if isinstance(value, int) else round(value * 1000)
    elif 10**12 <= value < 10**13:
        ms = value if isinstance(value, int) else round(value)
    else:
        return None
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(tz)


def _local_now(now: datetime, tz: ZoneInfo) -> datetime:
    if isinstance(now, pd.Timestamp):
        now = now.to_pydatetime()
    if now.tzinfo is None or now.utcoffset() is None:
        return now.replace(tzinfo=tz)
    return now.astimezone(tz)


def _parse_time_text(text: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    s = text.strip(_STRIP)
    if not s:
        return None

    if _NUMERIC_RE.fullmatch(s):
        whole, _, frac = s.partition(".")
        if frac.strip("0"):
            return _from_epoch_number(float(s), tz)
        return _from_epoch_number(int(whole), tz)

    if m := _YMD_RE.fullmatch(s):
        year, _sep, month, day, hour, minute, second, frac, zone = m.groups()
        micro = int((frac or "")[:6].ljust(6, "0"))
        naive = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0),
            int(second or 0), micro,
        )  # fmt: skip
        return _attach_zone(naive, zone, tz)

    if m := _CN_YMD_RE.fullmatch(s):
        year, month, day, hour, minute, second = m.groups()
        naive = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
        return _localize(naive, tz)

    if m := _RFC_WEIBO_RE.fullmatch(s):
        mon, day, hour, minute, second, zone, year = m.groups()
        return _rfc(year, mon, day, hour, minute, second, zone, tz)

    if m := _RFC_2822_RE.fullmatch(s):
        day, mon, year, hour, minute, second, zone = m.groups()
        return _rfc(year, mon, day, hour, minute, second, zone, tz)

    return _parse_relative(s, tz, now)


def _rfc(
    year: str, mon: str, day: str, hour: str, minute: str, second: str | None,
    zone: str | None, tz: ZoneInfo,
) -> datetime | None:  # fmt: skip
    # Month names are matched here, not with strptime's %b, which follows the C locale
    # and would fail for a user whose LC_TIME is zh_CN.
    month = _MONTHS.get(mon.lower())
    if month is None:
        return None
    naive = datetime(int(year), month, int(day), int(hour), int(minute), int(second or 0))
    return _attach_zone(naive, zone, tz)


def _attach_zone(naive: datetime, zone: str | None, tz: ZoneInfo) -> datetime | None:
    if zone is None:
        return _localize(naive, tz)
    z = zone.upper()
    if z in ("Z", "GMT", "UTC"):
        offset = timedelta(0)
    else:
        digits = z[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        if z[0] == "-":
            offset = -offset
    return naive.replace(tzinfo=timezone(offset)).astimezone(tz)


def _localize(naive: datetime, tz: ZoneInfo) -> datetime | None:
    """Naive wall-clock time in ``tz`` -> aware, matching pandas' ``tz_localize``.

    Ambiguous times (DST fall-back) become None and nonexistent ones (spring-forward gap)
    shift forward, the same choices ``parse_times`` passes to pandas. Zones without DST,
    such as Asia/Shanghai, never reach the pandas branch.
    """
    aware = naive.replace(tzinfo=tz, fold=0)
    roundtrip = aware.astimezone(_UTC).astimezone(tz).replace(tzinfo=None)
    if roundtrip == naive and naive.replace(tzinfo=tz, fold=1).utcoffset() == aware.utcoffset():
        return aware
    ts = pd.Timestamp(naive).tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return None if pd.isna(ts) else ts.to_pydatetime()


def _parse_relative(s: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    local_now = _local_now(now, tz)
    if s in _JUST_NOW:
        return local_now

    if m := _AGO_RE.fullmatch(s):
        n, unit = m.groups()
        return (local_now - int(n) * _AGO_UNITS[unit]).astimezone(tz)

    if m := _DAYWORD_RE.fullmatch(s):
        word, hour, minute, second = m.groups()
        day = local_now.date() - timedelta(days=_DAYWORD_OFFSET[word])
        naive = datetime(
            day.year, day.month, day.day, int(hour or 0), int(minute or 0), int(second or 0)
        )
        return _localize(naive, tz)

    m = _MONTHDAY_RE.fullmatch(s) or _MONTHDAY_DASH_RE.fullmatch(s)
    if m:
        month, day_, hour, minute, second = (int(g or 0) for g in m.groups())
        return _resolve_yearless(month, day_, hour, minute, second, tz, local_now)
    return None


def _resolve_yearless(
    month: int, day: int, hour: int, minute: int, second: int, tz: ZoneInfo, now: datetime
) -> datetime | None:
    """The most recent valid date with this month/day that is at most a day after ``now``.

    Weibo omits the year only for the current year, so ``12月31日`` seen on 1 January
    is last year; the one-day slack absorbs a crawl clock in a different zone.
    """
    for year in (now.year, now.year - 1):
        try:
            candidate = _localize(datetime(year, month, day, hour, minute, second), tz)
        except ValueError:  # 2月29日 outside a leap year, 4月31日 ...
            continue
        if candidate is None:  # ambiguous local time (DST fall-back)
            return None
        if candidate <= now + timedelta(days=1):
            return candidate
    return None


# -- vectorised --------------------------------------------------------------------------

_NAT = np.iinfo(np.int64).min  # NaT as int64
_TIME_VEC = rf"(?:{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}}(?:\.{_D}{{1,6}})?)?)"
_VEC_ISO_NAIVE_RE = re.compile(rf"{_D}{{4}}-{_D}{{1,2}}-{_D}{{1,2}}(?:[T ]{_TIME_VEC})?")
_VEC_NUMERIC_RE = re.compile(rf"{_D}{{1,15}}(?:\.0*)?")
_VEC_ISO_AWARE_RE = re.compile(
    rf"{_D}{{4}}-{_D}{{2}}-{_D}{{2}}[T ]{_D}{{2}}:{_D}{{2}}(?::{_D}{{2}}(?:\.{_D}{{1,6}})?)?"
    rf"(?:Z|[+-]{_D}{{2}}:{_D}{{2}})"
)
# Excel re-saves dates as 2024/3/1 8:05; some crawlers keep 2024年3月1日 12:30.
_VEC_SLASH_CN_RE = re.compile(
    rf"{_D}{{4}}/{_D}{{1,2}}/{_D}{{1,2}}(?: {_TIME_VEC})?"
    rf"|{_D}{{4}}年{_D}{{1,2}}月{_D}{{1,2}}日 ?(?:{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}})?)?"
)
_TO_ISO = str.maketrans({"/": "-", "年": "-", "月": "-", "日": " "})
_VEC_WEIBO_RE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    rf"{_D}{{2}} {_D}{{2}}:{_D}{{2}}:{_D}{{2}} [+-]{_D}{{4}} {_D}{{4}}"
)
_FAMILIES = ("iso", "numeric", "slash_cn", "weibo")
_FAMILY = {
    "-": 0,
    **dict.fromkeys("0123456789.", 1),
    "/": 2,
    "年": 2,
    **dict.fromkeys("ADFJMNOS", 3),  # initials of English month names: "Sun Mar 03 ..."
}
_MONTH_NUMBERS = {m.capitalize(): f"{i:02d}" for m, i in _MONTHS.items()}


def parse_times(values: pd.Series, *, tz: ZoneInfo, now: datetime) -> pd.Series:
    """Vectorised ``parse_time``: a ``datetime64[ns, tz]`` Series (NaT where unparseable).

    Keeps the index and name. Each distinct string is parsed once. Unix numbers,
    ``YYYY-MM-DD[ HH:MM[:SS[.f]]]`` (also with ``/`` or ``年月日``), ISO with offset and
    Weibo's ``Sun Mar 03 17:03:09 +0800 2024`` go through whole-column pandas parsing;
    every other non-empty cell (relative times, RFC 2822, garbage) goes through
    ``parse_time``, so the result equals ``parse_time`` element by element.
    """
    if not isinstance(values, pd.Series):
        values = pd.Series(values, dtype=object)
    n = len(values)
    out = np.full(n, _NAT, dtype=np.int64)  # UTC nanoseconds
    dtype = values.dtype

    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        ser = values.reset_index(drop=True)
        ser = ser.dt.tz_convert(tz) if ser.dt.tz is not None else _localize_vec(ser, tz)
        # parse_time keeps microseconds (datetime has no ns); crawlers never have ns.
        _store(out, np.arange(n), ser - pd.to_timedelta(ser.dt.nanosecond, unit="ns"))
    elif pd.api.types.is_bool_dtype(dtype):
        pass
    elif pd.api.types.is_numeric_dtype(dtype):
        nums = values.to_numpy(dtype="float64", na_value=np.nan)
        _store(out, np.arange(n), _epoch_vec(nums, tz))
    else:
        obj, kinds = _classify(values)
        num_pos = np.flatnonzero(kinds == _NUM)
        if len(num_pos):
            nums = np.array([_as_float(x) for x in obj[num_pos]], dtype="float64")
            _store(out, num_pos, _epoch_vec(nums, tz))
        str_pos = np.flatnonzero(kinds == _STR)
        if len(str_pos):
            codes, uniques = pd.factorize(obj[str_pos])
            out[str_pos] = _parse_unique_time_strings(uniques, tz, now)[codes]
        for pos in np.flatnonzero(kinds == _OTHER):
            out[pos] = _to_utc_ns(parse_time(obj[pos], tz=tz, now=now))

    result = pd.Series(out.view("datetime64[ns]"), index=values.index, name=values.name)
    return result.dt.tz_localize("UTC").dt.tz_convert(tz)


def relative_time_mask(values: pd.Series) -> pd.Series:
    """Vectorised ``is_relative_time``: True where a cell needs ``now`` to be resolved."""
    obj, kinds = _classify(values)
    mask = np.zeros(len(obj), dtype=bool)
    str_pos = np.flatnonzero(kinds == _STR)
    if len(str_pos):
        codes, uniques = pd.factorize(obj[str_pos])
        rel = np.fromiter((is_relative_time(u) for u in uniques), bool, len(uniques))
        mask[str_pos] = rel[codes]
    return pd.Series(mask, index=values.index, name=values.name)


_MISSING, _STR, _NUM, _OTHER = 0, 1, 2, 3


def _classify(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
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
        return obj, np.where(missing, _MISSING, _STR).astype(np.int8)
    if inferred in ("integer", "floating", "mixed-integer-float"):
        return obj, np.where(missing, _MISSING, _NUM).astype(np.int8)

    def kind(x: object) -> int:
        if isinstance(x, str):
            return _STR
        if _is_missing(x):
            return _MISSING
        if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(
            x, (bool, np.bool_)
        ):
            return _NUM
        return _OTHER

    return obj, np.fromiter((kind(x) for x in obj), dtype=np.int8, count=len(obj))


def _as_float(x: object) -> float:
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond float range is no timestamp
        return math.nan


def _to_utc_ns(dt: datetime | None) -> int:
    if dt is None:
        return _NAT
    return (dt - _EPOCH) // timedelta(microseconds=1) * 1000


def _parse_unique_time_strings(uniques: np.ndarray, tz: ZoneInfo, now: datetime) -> np.ndarray:
    """UTC ns for each distinct string: common formats in bulk, the rest one by one.

    Each bulk format is first confirmed by a strict regex (Python ``re``, the engine the
    scalar parser uses), so pandas only ever sees strings both paths read the same way.
    """
    out = np.full(len(uniques), _NAT, dtype=np.int64)
    stripped = np.array([x.strip(_STRIP) for x in uniques], dtype=object)
    # The fifth character tells the formats apart ("2024-", "2024/", "2024年", "17107",
    # "Sun Mar"), so each string is tried against one or two regexes, not all of them.
    fifth = np.fromiter((_FAMILY.get(x[4:5], -1) for x in stripped), np.int8, len(stripped))
    families = {name: np.flatnonzero(fifth == code) for code, name in enumerate(_FAMILIES)}
    claimed = []

    def take(family: str, rx: re.Pattern[str]) -> tuple[np.ndarray, pd.Series]:
        cand = families[family]
        hit = np.fromiter((rx.fullmatch(x) is not None for x in stripped[cand]), bool, len(cand))
        got = cand[hit]
        families[family] = cand[~hit]
        claimed.append(got)
        return got, pd.Series(stripped[got], dtype=object)

    idx, st = take("iso", _VEC_ISO_NAIVE_RE)
    if len(idx):
        naive = pd.to_datetime(st, format="ISO8601", errors="coerce")
        _store(out, idx, _localize_vec(naive, tz))
    idx, st = take("numeric", _VEC_NUMERIC_RE)
    if len(idx):
        # at most 15 digits and a ".000" tail: exact in float64
        _store(out, idx, _epoch_vec(st.to_numpy(dtype=object).astype(np.float64), tz))
    idx, st = take("iso", _VEC_ISO_AWARE_RE)
    if len(idx):
        aware = pd.to_datetime(st, format="ISO8601", utc=True, errors="coerce")
        _store(out, idx, aware.dt.tz_convert(tz))
    idx, st = take("slash_cn", _VEC_SLASH_CN_RE)
    if len(idx):
        iso = [" ".join(x.translate(_TO_ISO).split()) for x in st]
        naive = pd.to_datetime(pd.Series(iso, dtype=object), format="ISO8601", errors="coerce")
        _store(out, idx, _localize_vec(naive, tz))
    idx, st = take("weibo", _VEC_WEIBO_RE)
    if len(idx):
        m = _MONTH_NUMBERS
        iso = [f"{x[26:30]}-{m[x[4:7]]}-{x[8:10]} {x[11:19]}{x[20:25]}" for x in st]
        aware = pd.to_datetime(
            pd.Series(iso, dtype=object), format="%Y-%m-%d %H:%M:%S%z", utc=True, errors="coerce"
        )
        _store(out, idx, aware.dt.tz_convert(tz))

    # Everything else, and strings that matched a format but that pandas rejected
    # (2024-02-30), goes to the reference parser.
    done = np.zeros(len(uniques), dtype=bool)
    for got in claimed:
        done[got[out[got] != _NAT]] = True
    rest = np.flatnonzero(~done & (stripped != ""))
    for i in rest:
        out[i] = _to_utc_ns(parse_time(uniques[i], tz=tz, now=now))
    return out


def _localize_vec(naive: pd.Series, tz: ZoneInfo) -> pd.Series:
    return naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")


def _epoch_vec(nums: np.ndarray, tz: ZoneInfo) -> pd.Series:
    """Unix seconds / milliseconds by magnitude, rounded like ``_from_epoch_number``."""
    with np.errstate(invalid="ignore"):
        is_s = (nums >= 1e9) & (nums < 1e10)
        is_ms = (nums >= 1e12) & (nums < 1e13)
        ms = np.where(is_s, np.round(nums * 1000), np.where(is_ms, np.round(nums), np.nan))
    ms_int = np.where(np.isnan(ms), _NAT, ms).astype(np.int64)
    ser = pd.Series(ms_int.view("datetime64[ms]"))
    return ser.dt.tz_localize("UTC").dt.tz_convert(tz)


def _store(out: np.ndarray, positions: np.ndarray, aware: pd.Series) -> None:
    """Write tz-aware results into ``out`` as UTC ns, dropping years outside the range."""
    year = aware.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    ok = (year >= MIN_YEAR) & (year <= MAX_YEAR)
    if not ok.any():
        return
    utc = aware[ok].dt.tz_convert("UTC").dt.tz_localize(None).dt.as_unit("ns")
    out[positions[ok]] = utc.to_numpy().view(np.int64)


# ---------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------

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
    if _is_missing(value):
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

    s = value.strip(_STRIP)
    if not s or s.lower() in _COUNT_MISSING or s in _COUNT_PLACEHOLDERS:
        return 0
    if len(s) > 40:  # no count is this long; don't run regexes over a stray post body
        return None
    if m := _COUNT_LABELLED_RE.fullmatch(s):  # "赞 12", "1.2万转发"
        s = (m.group(1) or m.group(2)).strip(_STRIP)
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
    stripped = [x.strip(_STRIP) for x in uniques]
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
        obj, kinds = _classify(values)
        str_pos = np.flatnonzero(kinds == _STR)
        if len(str_pos):
            codes, uniques = pd.factorize(obj[str_pos])
            u_counts, u_bad = _parse_unique_count_strings(uniques)
            counts[str_pos], bad[str_pos] = u_counts[codes], u_bad[codes]
        num_pos = np.flatnonzero(kinds == _NUM)
        if len(num_pos):
            codes, uniques = pd.factorize(obj[num_pos])
            parsed = [parse_count(u) for u in uniques]
            u_counts = np.array([p or 0 for p in parsed], dtype=np.int64)
            u_bad = np.array([p is None for p in parsed], dtype=bool)
            counts[num_pos], bad[num_pos] = u_counts[codes], u_bad[codes]
        for pos in np.flatnonzero(kinds == _OTHER):
            parsed = parse_count(obj[pos])
            counts[pos], bad[pos] = parsed or 0, parsed is None

    return (
        pd.Series(counts, index=values.index, name=values.name),
        pd.Series(bad, index=values.index, name=values.name),
    )


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

# Tags real crawler HTML contains (Weibo API text is HTML). A fixed list, so user text
# like "x<y and y>z" or "<3" is never eaten as a tag.
_HTML_TAGS = (
    "a|abbr|b|big|blockquote|br|center|code|dd|del|div|dl|dt|em|figcaption|figure|font|"
    "h[1-6]|hr|i|iframe|img|ins|label|li|mark|ol|p|pre|q|s|section|small|source|span|"
    "strike|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul|video|wbr"
)
_BLOCK_TAG_RE = re.compile(r"<br\b[^<>]*>|</?(?:p|div|li|tr|h[1-6]|blockquote)\b[^<>]*>", re.I)
_TAG_RE = re.compile(rf"</?(?:{_HTML_TAGS})(?=[\s/>])[^<>]*>|<!--.*?-->", re.I | re.S)
# Weibo renders emoticons as <img alt=[酷] ...>; keep "[酷]", which carries sentiment.
_IMG_ALT_RE = re.compile(
    r"""<img\b[^<>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))[^<>]*>""", re.I
)
# Entities only with their ";": html.unescape alone turns "&notice" into "¬ice".
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ZERO_WIDTH = "\u200b\u200e\u200f\u2060\ufeff\u00ad"  # ZWJ (U+200D) stays: it glues emoji
_CONTROL_RE = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_ZERO_WIDTH}]")
_SPACES_RE = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINE_SPACES_RE = re.compile(r" *\n *")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
# Anything clean_text would change besides trimming the ends: rows without it are done.
_NEEDS_WORK_RE = re.compile(
    rf"[<&\r\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_ZERO_WIDTH}"
    r"\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]|  | \n|\n |\n\n\n"
)


def _needs_work(s: str) -> bool:
    # str.isprintable() is False for every control, format (zero-width, BOM), line
    # separator and non-ASCII space character, and for \n, \t, \r: one C-speed call
    # clears most posts; the regex only runs on the rest.
    if s.isprintable() and "<" not in s and "&" not in s and "  " not in s:
        return False
    return _NEEDS_WORK_RE.search(s) is not None


def clean_text(value: object) -> str:
    """Normalise a post's text for matching and sentiment; ``None``/NaN -> ``''``.

    Removes the HTML that API-based crawlers keep (tags, entities, ``<br>``) while keeping
    Weibo emoticons (``<img alt=[酷]>`` becomes ``[酷]``), emoji and ``<3``; removes
    control and zero-width characters (they split brand names: ``比\u200b亚迪``); turns
    CRLF and ``<br>`` into ``\\n``; collapses runs of spaces (ideographic and NBSP too).
    """
    if _is_missing(value):
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = str(int(value))  # a numeric-looking post read as float: "666.0" -> "666"
    elif not isinstance(value, str):
        value = str(value)
    if not _needs_work(value):
        return value.strip()

    s = value.replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    if "<" in s:
        s = _IMG_ALT_RE.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", s)
        s = _BLOCK_TAG_RE.sub("\n", s)
        s = _TAG_RE.sub("", s)
    if "&" in s:
        s = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), s)
    s = _CONTROL_RE.sub("", s)
    s = _SPACES_RE.sub(" ", s)
    s = _NEWLINE_SPACES_RE.sub("\n", s)
    s = _MANY_NEWLINES_RE.sub("\n\n", s)
    return s.strip()


def clean_texts(values: pd.Series) -> pd.Series:
    """Vectorised ``clean_text``; same index, ``str`` values, never missing.

    Most posts need only trimming: one regex scan picks the few that carry HTML, entities
    or odd whitespace (about 7% of Weibo posts), and only those take the full path. The
    scan is a Python ``re`` loop, not ``.str.contains``: its Unicode character classes
    would mean something else under pyarrow's RE2, and on Python-backed strings pandas
    runs the same loop with more overhead.
    """
    obj, kinds = _classify(values)
    out = np.full(len(obj), "", dtype=object)
    str_pos = np.flatnonzero(kinds == _STR)
    if len(str_pos):
        out[str_pos] = [clean_text(x) if _needs_work(x) else x.strip() for x in obj[str_pos]]
    for pos in np.flatnonzero((kinds == _NUM) | (kinds == _OTHER)):
        out[pos] = clean_text(obj[pos])
    return pd.Series(out, index=values.index, name=values.name, dtype=str)


# A repost marker is "//@nickname:" as Weibo writes it. Nicknames have no spaces, colons,
# "@" or "/", and at most 30 characters (40 allowed here for slack). "http://@x" is a URL.
_REPOST_RE = re.compile(r"(?<!http:)(?<!https:)//(?=@[^\s:：@/]{1,40}[:：])", re.I)


def split_repost_chain(text: str) -> tuple[str, str]:
    """Split a Weibo repost into (own words, quoted chain).

    ``我的话//@用户A:他的话//@用户B:原话`` -> (``我的话``, ``@用户A:他的话//@用户B:原话``).
    The chain is everyone else's words: analysing them as the reposter's opinion
    double-counts the original. Lossless: when the chain is non-empty,
    ``own + "//" + chain == text``; without a chain, ``(text, "")``.
    """
    if not isinstance(text, str):
        text = clean_text(text)
    m = _REPOST_RE.search(text)
    if m is None:
        return text, ""
    return text[: m.start()], text[m.end() :]


def split_repost_chains(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``split_repost_chain``: (own words, chain), both ``str`` Series.

    A substring test finds the posts containing ``//@``; only those are split. Missing
    cells become ``''``; non-string cells go through ``clean_text`` first.
    """
    obj, kinds = _classify(values)
    texts = obj.copy()
    texts[kinds == _MISSING] = ""
    for pos in np.flatnonzero((kinds == _NUM) | (kinds == _OTHER)):
        texts[pos] = clean_text(obj[pos])
    own = texts.copy()
    chain = np.full(len(obj), "", dtype=object)
    for pos in [i for i, text in enumerate(texts) if "//@" in text]:
        own[pos], chain[pos] = split_repost_chain(texts[pos])
    return (
        pd.Series(own, index=values.index, name=values.name, dtype=str),
        pd.Series(chain, index=values.index, name=values.name, dtype=str),
    )


_PURE_REPOST_WORDS = frozenset({"", "转发微博", "轉發微博", "转发", "轉發", "repost"})


def is_pure_repost(own: str) -> bool:
    """True when the reposter added no words of their own (``转发微博``, ``Repost``, ``''``).

    Such rows repeat someone else's post; counting them as fresh mentions inflates volume.
    Whitespace, punctuation and ASCII symbols around the phrase are ignored.
    """
    if not isinstance(own, str):
        return _is_missing(own)
    core = "".join(ch for ch in own if not _is_filler(ch))
    return core.casefold() in _PURE_REPOST_WORDS


def _is_filler(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PZC" or (ch.isascii() and cat[0] == "S")


_URL_RE = re.compile(r"(?:https?|ftp)://[!-~]+|www\.[!-~]+|O?网页链接", re.I)
_MENTION_RE = re.compile(r"@[^\s@:：,，。.!！?？;；、()（）\[\]【】<>《》\"“”']{1,30}")


def is_symbol_only(text: str) -> bool:
    """True when the text has no letters, digits or CJK once URLs and @mentions are removed.

    Posts like ``👍👍👍``, ``？？？`` or ``@某人 http://t.cn/x`` carry no words for the
    sentiment model, whose score on them is noise; callers score them neutral. Weibo
    emoticons (``[怒]``) contain CJK and so do not count as symbol-only. Empty -> True.
    """
    if not isinstance(text, str):
        text = clean_text(text)
    rest = _MENTION_RE.sub(" ", _URL_RE.sub(" ", text))
    return not any(ch.isalnum() for ch in rest)
