"""Time cells from crawler exports -> aware datetimes.

Crawlers write times as ``2024-03-01 12:30``, unix seconds, 13-digit milliseconds,
RFC-2822 (``Sun Mar 03 17:03:09 +0800 2024``) or Weibo's relative ``5分钟前`` /
``昨天 08:01`` / ``10月12日``, which only mean something with the crawl time.

The scalar :func:`parse_time` is the reference; the vectorised :func:`parse_times`
handles the common formats with whole-column operations and hands only the leftovers
to it, so both always agree. Neither raises on bad input: a cell that cannot be
understood is ``None`` / ``NaT``, for the loader to count and report.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from brandscan.load.cells import NUM, OTHER, STR, STRIP, classify, is_missing

# Years outside this range are garbage in a social-media export (Weibo started in 2009), and
# keeping results inside it guarantees they fit pandas' datetime64[ns] (1677..2262).
MIN_YEAR = 1900
MAX_YEAR = 2200

_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)

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
    return _RELATIVE_RE.fullmatch(value.strip(STRIP)) is not None


def _parse_time(value: object, tz: ZoneInfo, now: datetime) -> datetime | None:
    if is_missing(value) or isinstance(value, (bool, np.bool_)):
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
    s = text.strip(STRIP)
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
        obj, kinds = classify(values)
        num_pos = np.flatnonzero(kinds == NUM)
        if len(num_pos):
            nums = np.array([_as_float(x) for x in obj[num_pos]], dtype="float64")
            _store(out, num_pos, _epoch_vec(nums, tz))
        str_pos = np.flatnonzero(kinds == STR)
        if len(str_pos):
            codes, uniques = pd.factorize(obj[str_pos])
            out[str_pos] = _parse_unique_time_strings(uniques, tz, now)[codes]
        for pos in np.flatnonzero(kinds == OTHER):
            out[pos] = _to_utc_ns(parse_time(obj[pos], tz=tz, now=now))

    result = pd.Series(out.view("datetime64[ns]"), index=values.index, name=values.name)
    return result.dt.tz_localize("UTC").dt.tz_convert(tz)


def relative_time_mask(values: pd.Series) -> pd.Series:
    """Vectorised ``is_relative_time``: True where a cell needs ``now`` to be resolved."""
    obj, kinds = classify(values)
    mask = np.zeros(len(obj), dtype=bool)
    str_pos = np.flatnonzero(kinds == STR)
    if len(str_pos):
        codes, uniques = pd.factorize(obj[str_pos])
        rel = np.fromiter((is_relative_time(u) for u in uniques), bool, len(uniques))
        mask[str_pos] = rel[codes]
    return pd.Series(mask, index=values.index, name=values.name)




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
    stripped = np.array([x.strip(STRIP) for x in uniques], dtype=object)
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
