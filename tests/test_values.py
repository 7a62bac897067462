"""brandscan.load.values: crawler cell values -> typed values.

Known answers for every format crawlers write, then properties: the parsers never raise,
and each vectorised function agrees with its scalar reference cell by cell.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandscan.load.values import (
    clean_text,
    clean_texts,
    is_pure_repost,
    is_relative_time,
    is_symbol_only,
    parse_count,
    parse_counts,
    parse_time,
    parse_times,
    relative_time_mask,
    split_repost_chain,
    split_repost_chains,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
NOW = datetime(2024, 10, 12, 15, 0, 0, tzinfo=SH)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Each example of a vectorised-vs-scalar test is a whole column, so fewer are needed.
COLUMNS = settings(FAST, max_examples=40)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


# ---------------------------------------------------------------------------------------
# parse_time: known answers
# ---------------------------------------------------------------------------------------

ABSOLUTE_TIMES = [
    # weibo-search 发布时间 and friends
    ("2024-03-01 12:30", sh(2024, 3, 1, 12, 30)),
    ("2024-03-01 12:30:45", sh(2024, 3, 1, 12, 30, 45)),
    ("2024-03-01", sh(2024, 3, 1)),
    ("2024/03/01 12:30", sh(2024, 3, 1, 12, 30)),
    ("2024/3/1 8:05", sh(2024, 3, 1, 8, 5)),  # Excel re-save
    ("2024-3-1", sh(2024, 3, 1)),
    ("2024-03-01T12:30:45", sh(2024, 3, 1, 12, 30, 45)),  # weibo-crawler 日期
    ("2024-03-01T12:30:45.250", sh(2024, 3, 1, 12, 30, 45, 250000)),
    ("  2024-03-01 12:30\t", sh(2024, 3, 1, 12, 30)),
    ("\ufeff2024-03-01 12:30", sh(2024, 3, 1, 12, 30)),
    # MediaCrawler create_date_time, ISO with offset
    ("2024-10-12 12:30:00+08:00", sh(2024, 10, 12, 12, 30)),
    ("2024-10-12T04:30:00Z", sh(2024, 10, 12, 12, 30)),
    ("2024-10-12T04:30:00z", sh(2024, 10, 12, 12, 30)),
    ("2024-10-12 00:30:00-04:00", sh(2024, 10, 12, 12, 30)),
    ("2024-10-12 12:30:00 +0800", sh(2024, 10, 12, 12, 30)),
    # Chinese dates
    ("2024年03月01日 12:30", sh(2024, 3, 1, 12, 30)),
    ("2024年3月1日", sh(2024, 3, 1)),
    ("2024年3月1日12:30", sh(2024, 3, 1, 12, 30)),
    ("2024年3月1日 12：30", sh(2024, 3, 1, 12, 30)),  # full-width colon
    # unix seconds / milliseconds, as int, float and string
    (1710795303, sh(2024, 3, 19, 4, 55, 3)),
    (1710795303.0, sh(2024, 3, 19, 4, 55, 3)),
    (np.int64(1710795303), sh(2024, 3, 19, 4, 55, 3)),
    ("1710795303", sh(2024, 3, 19, 4, 55, 3)),
    ("1710795303.0", sh(2024, 3, 19, 4, 55, 3)),
    ("1710795303\t", sh(2024, 3, 19, 4, 55, 3)),  # weibo-crawler's Excel guard
    (1710795303123, sh(2024, 3, 19, 4, 55, 3, 123000)),
    ("1710795303123", sh(2024, 3, 19, 4, 55, 3, 123000)),
    (1710795303.5, sh(2024, 3, 19, 4, 55, 3, 500000)),
    # RFC-2822 and Weibo API order
    ("Sun Mar 03 17:03:09 +0800 2024", sh(2024, 3, 3, 17, 3, 9)),
    ("Fri Jan 15 08:36:13 +0800 2021", sh(2021, 1, 15, 8, 36, 13)),
    ("Fri, 15 Jan 2021 08:36:13 +0800", sh(2021, 1, 15, 8, 36, 13)),
    ("Fri, 15 Jan 2021 00:36:13 GMT", sh(2021, 1, 15, 8, 36, 13)),
    ("sun mar 03 17:03:09 +0800 2024", sh(2024, 3, 3, 17, 3, 9)),
    # already-typed values
    (datetime(2024, 3, 1, 12, 30), sh(2024, 3, 1, 12, 30)),
    (datetime(2024, 3, 1, 4, 30, tzinfo=timezone.utc), sh(2024, 3, 1, 12, 30)),
    (pd.Timestamp("2024-03-01 12:30"), sh(2024, 3, 1, 12, 30)),
    (np.datetime64("2024-03-01T12:30"), sh(2024, 3, 1, 12, 30)),
    (date(2024, 3, 1), sh(2024, 3, 1)),
]

UNPARSEABLE_TIMES = [
    "",
    "   ",
    None,
    float("nan"),
    pd.NaT,
    pd.NA,
    np.datetime64("NaT"),
    "garbage",
    "2024-02-30",  # impossible date
    "2023-02-29 10:00",
    "2024-13-01",
    "2024-03-01 24:00",
    "2024-03-01 12:60",
    "2024-03/01",  # mixed separators
    "2024年13月1日",
    "Sun Foo 03 17:03:09 +0800 2024",
    "123",  # a number, but no unix time
    "20240301",
    "17107953031",  # 11 digits: neither seconds nor milliseconds
    -1710795303,
    99999999999999999999,
    float("inf"),
    True,
    "1850-01-01",  # outside MIN_YEAR..MAX_YEAR
    "2300-01-01",
    9999999999,  # 10 digits but year 2286
    "2024-10-12 12:30:00+25:00",
    b"\xff\xfe",
    pytest.param(object(), id="object"),
    ["2024-03-01"],
]


@pytest.mark.parametrize(("value", "expected"), ABSOLUTE_TIMES, ids=repr)
def test_parse_time_absolute_formats(value: object, expected: datetime) -> None:
    got = parse_time(value, tz=SH, now=NOW)
    assert got == expected
    assert got is not None and got.tzinfo == SH  # in the configured zone, not just equal


@pytest.mark.parametrize("value", UNPARSEABLE_TIMES, ids=repr)
def test_parse_time_returns_none_for_unparseable(value: object) -> None:
    assert parse_time(value, tz=SH, now=NOW) is None


RELATIVE_TIMES = [
    ("刚刚", NOW),
    ("30秒前", NOW - timedelta(seconds=30)),
    ("5分钟前", NOW - timedelta(minutes=5)),
    ("5分钟", NOW - timedelta(minutes=5)),  # weibo-search strips 前 sometimes
    ("3小时前", NOW - timedelta(hours=3)),
    ("3个小时前", NOW - timedelta(hours=3)),
    ("2天前", NOW - timedelta(days=2)),
    ("今天 12:30", sh(2024, 10, 12, 12, 30)),
    ("今天12:30", sh(2024, 10, 12, 12, 30)),
    ("昨天 08:01", sh(2024, 10, 11, 8, 1)),
    ("前天 08:01", sh(2024, 10, 10, 8, 1)),
    ("10月12日 09:00", sh(2024, 10, 12, 9, 0)),
    ("10月12日", sh(2024, 10, 12)),
    ("1月2日 09:00", sh(2024, 1, 2, 9, 0)),
    ("10-11 09:00", sh(2024, 10, 11, 9, 0)),  # m.weibo.cn
    ("10月13日 09:00", sh(2024, 10, 13, 9, 0)),  # < 1 day ahead: crawl clock slack
    ("10月14日 09:00", sh(2023, 10, 14, 9, 0)),  # further ahead: last year
    ("12月25日", sh(2023, 12, 25)),
]


@pytest.mark.parametrize(("value", "expected"), RELATIVE_TIMES)
def test_parse_time_relative_forms_use_now(value: str, expected: datetime) -> None:
    assert parse_time(value, tz=SH, now=NOW) == expected
    assert is_relative_time(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12月31日 23:00", sh(2023, 12, 31, 23, 0)),  # written last year, crawled on 1 Jan
        ("1月1日 08:00", sh(2024, 1, 1, 8, 0)),
        ("1月2日 08:00", sh(2024, 1, 2, 8, 0)),  # within the one-day slack
        ("昨天 23:59", sh(2023, 12, 31, 23, 59)),
        ("2月29日", None),  # 2024-02-29 is ahead, 2023 has none
    ],
)
def test_year_less_dates_across_new_year(value: str, expected: datetime | None) -> None:
    new_year = sh(2024, 1, 1, 10, 0)
    assert parse_time(value, tz=SH, now=new_year) == expected


def test_year_less_29_february_finds_the_leap_year() -> None:
    assert parse_time("2月29日", tz=SH, now=sh(2025, 1, 10)) == sh(2024, 2, 29)


def test_relative_times_with_naive_now_and_other_zone() -> None:
    naive_now = datetime(2024, 10, 12, 15, 0)
    assert parse_time("今天 12:30", tz=SH, now=naive_now) == sh(2024, 10, 12, 12, 30)
    # an aware now in another zone is converted first: 2024-10-12 01:00 UTC is 09:00 Beijing
    utc_now = datetime(2024, 10, 12, 1, 0, tzinfo=timezone.utc)
    assert parse_time("今天 08:00", tz=SH, now=utc_now) == sh(2024, 10, 12, 8, 0)


@pytest.mark.parametrize(
    "value",
    ["今天 25:00", "10月32日", "13-01", "99999999天前", "昨天 12:61"],
)
def test_impossible_relative_times_are_none(value: str) -> None:
    assert parse_time(value, tz=SH, now=NOW) is None


@pytest.mark.parametrize(
    "value",
    ["2024-03-01 12:30", "1710795303", 1710795303, None, "", "前端", "garbage", "2024年3月1日"],
)
def test_is_relative_time_false_for_absolute_values(value: object) -> None:
    assert not is_relative_time(value)


def test_dst_zone_ambiguous_is_none_and_gap_shifts_forward() -> None:
    # 2024-11-03 01:30 happens twice in New York; 2024-03-10 02:30 never happens.
    assert parse_time("2024-11-03 01:30", tz=NY, now=NOW) is None
    assert parse_time("2024-03-10 02:30", tz=NY, now=NOW) == datetime(2024, 3, 10, 3, 0, tzinfo=NY)
    assert parse_time("2024-11-03 05:30:00Z", tz=NY, now=NOW) == datetime(
        2024, 11, 3, 1, 30, tzinfo=NY
    )
    assert parse_time("2024-07-01 12:00", tz=NY, now=NOW).utcoffset() == timedelta(hours=-4)


# ---------------------------------------------------------------------------------------
# parse_times: vectorised
# ---------------------------------------------------------------------------------------


def assert_times_agree(values: pd.Series, tz: ZoneInfo = SH, now: datetime = NOW) -> None:
    got = parse_times(values, tz=tz, now=now)
    assert str(got.dtype) == f"datetime64[ns, {tz.key}]"
    assert got.index.equals(values.index)
    for value, ts in zip(values, got, strict=True):
        expected = parse_time(value, tz=tz, now=now)
        if expected is None:
            assert pd.isna(ts), (value, ts)
        else:
            assert ts == expected, (value, ts, expected)


def test_parse_times_mixed_column_keeps_index_and_agrees() -> None:
    cells = (
        [v for v, _ in ABSOLUTE_TIMES if isinstance(v, (str, int, float))]
        + [v for v, _ in RELATIVE_TIMES]
        + [v for v in UNPARSEABLE_TIMES if isinstance(v, (str, int, float)) or v is None]
    )
    index = pd.Index([f"row{i}" for i in range(len(cells))])
    values = pd.Series(cells, index=index, dtype=object, name="发布时间")
    got = parse_times(values, tz=SH, now=NOW)
    assert got.name == "发布时间"
    assert got["row0"] == sh(2024, 3, 1, 12, 30)
    assert_times_agree(values)


def test_parse_times_duplicate_index_is_kept() -> None:
    values = pd.Series(["2024-03-01 12:30", "昨天 08:01", "x"], index=[7, 7, 7])
    got = parse_times(values, tz=SH, now=NOW)
    assert list(got.index) == [7, 7, 7]
    assert list(got.isna()) == [False, False, True]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["2024-03-01 12:30", None, "2024-03-02 00:00"], dtype="str"),
        pd.Series(["2024-03-01 12:30", None, "2024-03-02 00:00"], dtype="string"),
        pd.Series([1710795303, 1710795303123, 5, -1]),
        pd.Series([1710795303.0, np.nan, 1710795303123.0, 1e20]),
        pd.Series([1710795303, None, 1710795303123], dtype="Int64"),
        pd.Series([True, False]),
        pd.Series(pd.to_datetime(["2024-03-01 12:30", None])),
        pd.Series(pd.to_datetime(["2024-03-01 04:30", None]).tz_localize("UTC")),
        pd.Series(["Sun Mar 03 17:03:09 +0800 2024", "Sun Mar 03 17:03:09 +0800 2024"]),
        pd.Series(["2024年3月1日 12:30", "2024/3/1", "2024/02/30 10:00"]),
        pd.Series([], dtype=object),
        pd.Series([None, np.nan], dtype=object),
        pd.Series(["2024-03-01", 1710795303, datetime(2024, 3, 1), pd.Timestamp("2024-03-01")]),
    ],
    ids=lambda s: str(s.dtype) + ":" + ",".join(map(str, s.head(2))),
)
def test_parse_times_any_dtype_agrees_with_scalar(values: pd.Series) -> None:
    assert_times_agree(values)


def test_parse_times_naive_datetime_column_is_localised() -> None:
    values = pd.Series(pd.to_datetime(["2024-03-01 12:30"]))
    assert parse_times(values, tz=SH, now=NOW)[0] == sh(2024, 3, 1, 12, 30)


def test_parse_times_dst_agrees_with_scalar() -> None:
    values = pd.Series(
        ["2024-11-03 01:30", "2024-03-10 02:30", "2024-07-01 12:00", "2024-11-03 05:30:00Z"]
    )
    got = parse_times(values, tz=NY, now=NOW)
    assert pd.isna(got[0])
    assert got[1] == datetime(2024, 3, 10, 3, 0, tzinfo=NY)
    assert_times_agree(values, tz=NY)
    assert_times_agree(pd.Series(pd.to_datetime(values[:3])), tz=NY)


def test_relative_time_mask() -> None:
    values = pd.Series(
        ["5分钟前", "2024-03-01", None, "今天12:30", 1710795303, "10-11"], index=list("abcdef")
    )
    got = relative_time_mask(values)
    assert got.index.equals(values.index)
    assert got.tolist() == [True, False, False, True, False, True]


# Cells as crawlers write them, generated from arbitrary instants, plus noise.
_instants = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2035, 12, 31))
_formatted_times = st.one_of(
    _instants.map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    _instants.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    _instants.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%f")),
    _instants.map(lambda d: d.strftime("%Y-%m-%d")),
    _instants.map(lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}"),
    _instants.map(lambda d: f"{d.year}-{d.month}-{d.day}"),
    _instants.map(lambda d: f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"),
    _instants.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S+08:00")),
    _instants.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    _instants.map(lambda d: d.strftime("%a %b %d %H:%M:%S +0800 %Y")),
    _instants.map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S -0500")),
    _instants.map(lambda d: str(int(d.replace(tzinfo=timezone.utc).timestamp()))),
    _instants.map(lambda d: int(d.replace(tzinfo=timezone.utc).timestamp() * 1000)),
    _instants.map(lambda d: d.replace(tzinfo=timezone.utc).timestamp()),
    st.floats(min_value=1e9, max_value=1e13),
    st.integers(min_value=0, max_value=10**14),
    st.sampled_from(["刚刚", "5分钟前", "今天 08:01", "昨天23:59", "12月31日", "2-29 10:00"]),
    st.from_regex(r"\A[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}( [0-9]{1,2}:[0-9]{2})?\Z"),
    st.from_regex(r"\A[0-9]{1,13}(\.[0-9]{0,3})?\Z"),
    st.text(max_size=12),
    st.none(),
)


@COLUMNS
@given(st.lists(_formatted_times, max_size=25), st.sampled_from([SH, NY]))
def test_parse_times_agrees_with_parse_time(cells: list[object], tz: ZoneInfo) -> None:
    assert_times_agree(pd.Series(cells, dtype=object), tz=tz)
    strings = [c for c in cells if isinstance(c, str)]
    assert_times_agree(pd.Series(strings, dtype="str"), tz=tz)


@FAST
@given(st.text())
def test_parse_time_never_raises_on_text(text: str) -> None:
    result = parse_time(text, tz=SH, now=NOW)
    assert result is None or result.tzinfo == SH
    is_relative_time(text)


@FAST
@given(st.one_of(st.integers(), st.floats(), st.binary(), st.dates(), st.datetimes()))
def test_parse_time_never_raises_on_other_values(value: object) -> None:
    parse_time(value, tz=SH, now=NOW)


# ---------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------

COUNTS = [
    ("1万+", 10000),
    ("3.2万", 32000),
    ("100万+", 1000000),
    ("1.2亿", 120000000),
    ("1.2万", 12000),
    ("1.15万", 11500),  # float arithmetic would give 11499
    ("2.1w", 21000),
    ("2.1W", 21000),
    ("3k", 3000),
    ("3K", 3000),
    ("1.5千", 1500),
    ("3.2 万", 32000),
    ("1,234", 1234),
    ("12,345,678", 12345678),
    ("1 234", 1234),
    ("100+", 100),
    ("0", 0),
    ("007", 7),
    ("12.9", 12),  # floored
    (" 42\t", 42),
    ("赞 12", 12),  # a label left in front of the number
    ("1.2万转发", 12000),
    (12, 12),
    (np.int64(12), 12),
    (12.7, 12),
    (np.float64(3.0), 3),
    ("", 0),
    ("  ", 0),
    (None, 0),
    (float("nan"), 0),
    (pd.NA, 0),
    ("nan", 0),
    ("转发", 0),  # Weibo shows the word when the count is zero
    ("评论", 0),
    ("赞", 0),
    ("点赞", 0),
]
BAD_COUNTS = [
    "garbage",
    "万",
    "1,2",
    "1.2.3",
    "-3",
    -1,
    -0.5,
    float("inf"),
    "1e5",
    True,
    2**64,
    "99999999999999999999999",
    pytest.param(object(), id="object"),
]


@pytest.mark.parametrize(("value", "expected"), COUNTS, ids=repr)
def test_parse_count(value: object, expected: int) -> None:
    got = parse_count(value)
    assert got == expected
    assert type(got) is int


@pytest.mark.parametrize("value", BAD_COUNTS, ids=repr)
def test_parse_count_rejects_garbage(value: object) -> None:
    assert parse_count(value) is None


def test_parse_counts_flags_only_garbage() -> None:
    values = pd.Series(
        ["1.2万", "", None, "转发", "garbage", "12", "-3", "100万+"], index=list("abcdefgh")
    )
    counts, bad = parse_counts(values)
    assert counts.dtype == np.int64 and bad.dtype == bool
    assert counts.index.equals(values.index) and bad.index.equals(values.index)
    assert counts.tolist() == [12000, 0, 0, 0, 0, 12, 0, 1000000]
    assert bad.tolist() == [False, False, False, False, True, False, True, False]


def assert_counts_agree(values: pd.Series) -> None:
    counts, bad = parse_counts(values)
    assert counts.dtype == np.int64
    for value, c, b in zip(values, counts, bad, strict=True):
        expected = parse_count(value)
        assert (c, b) == (expected or 0, expected is None), value


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([1, 0, -1, 5]),
        pd.Series([1.5, np.nan, -2.0, np.inf, 1e30]),
        pd.Series([1, None, 3], dtype="Int64"),
        pd.Series([True, False]),
        pd.Series(["1", None, "1.2万"], dtype="str"),
        pd.Series([v for v, _ in COUNTS] + BAD_COUNTS, dtype=object),
        pd.Series([], dtype=object),
    ],
    ids=lambda s: str(s.dtype),
)
def test_parse_counts_any_dtype_agrees_with_scalar(values: pd.Series) -> None:
    assert_counts_agree(values)


_count_cells = st.one_of(
    st.from_regex(r"\A[0-9]{1,6}(\.[0-9]{1,3})?\s?(万|w|W|k|K|亿|千)?\+?\Z"),
    st.sampled_from(["", "转发", "赞", "1,234", "1 234", "nan", None]),
    st.integers(min_value=-10, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)


@COLUMNS
@given(st.lists(_count_cells, max_size=25))
def test_parse_counts_agrees_with_parse_count(cells: list[object]) -> None:
    assert_counts_agree(pd.Series(cells, dtype=object))


@FAST
@given(st.text())
def test_parse_count_never_raises(text: str) -> None:
    result = parse_count(text)
    assert result is None or result >= 0


@FAST
@given(st.decimals(min_value=0, max_value=10**6, places=4), st.sampled_from(["万", "亿", "k"]))
def test_parse_count_shortform_is_exact(number, unit: str) -> None:  # type: ignore[no-untyped-def]
    mult = {"万": 10**4, "亿": 10**8, "k": 10**3}[unit]
    assert parse_count(f"{number}{unit}") == math.floor(number * mult)


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

CLEAN = [
    (None, ""),
    (float("nan"), ""),
    ("", ""),
    ("  比亚迪 汉  ", "比亚迪 汉"),
    ("AT&amp;T &lt;b&gt; &quot;好&quot;", 'AT&T <b> "好"'),
    ("a&nbsp;&nbsp;b", "a b"),
    ("&#x4e2d;&#22269;", "中国"),
    ("R&D &notice H&R", "R&D &notice H&R"),  # only real, terminated entities
    ("第一行<br />第二行<br>第三行<BR/>四<br class='x'>", "第一行\n第二行\n第三行\n四"),
    ("<p>段落</p><div>块</div>", "段落\n\n块"),
    ('<a href="/search?q=%23x%23"><span class="surl-text">#比亚迪#</span></a>好', "#比亚迪#好"),
    ('好<span class="url-icon"><img alt=[酷] src="https://h5.x.cn/k.png" /></span>', "好[酷]"),
    ('<img alt="[666]" src="x.png">', "[666]"),
    ("I <3 u", "I <3 u"),
    ("a < b and c > d", "a < b and c > d"),
    ("x<y and y>z", "x<y and y>z"),  # not a known tag
    ("<比亚迪>", "<比亚迪>"),
    ("a\x00b\x07c\x1fd", "abcd"),
    ("a\tb", "a\tb"),
    ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ("\ufeff比亚迪\u200b汉\u2060", "比亚迪汉"),
    ("比亚迪　　汉 \u00a0 好", "比亚迪 汉 好"),
    ("a  \n  b\n\n\n\nc", "a\nb\n\nc"),
    ("太好了😀👍[怒][doge]", "太好了😀👍[怒][doge]"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # ZWJ keeps the family emoji together
    (666, "666"),
    (666.0, "666"),
    (b"\xe6\xaf\x94", "比"),
]


@pytest.mark.parametrize(("value", "expected"), CLEAN, ids=repr)
def test_clean_text(value: object, expected: str) -> None:
    assert clean_text(value) == expected


def test_clean_texts_keeps_index_and_returns_strings() -> None:
    values = pd.Series([" a ", None, "<br>b&amp;", 5], index=[3, 1, 2, 9], name="text")
    got = clean_texts(values)
    assert got.index.equals(values.index) and got.name == "text"
    assert got.tolist() == ["a", "", "b&", "5"]
    assert pd.api.types.is_string_dtype(got)


_texty = st.lists(
    st.one_of(
        st.sampled_from([*"<>&;#x/ \t\n\r\u3000\u00a0\u200b\ufeff\x00@:：", "//@", "<br>"]),
        st.sampled_from(["&amp;", "&nbsp;", "&#x4e2d;", "<span>", "<img alt=[酷]>", "  "]),
        st.characters(),
    ),
    max_size=30,
).map("".join)


@COLUMNS
@given(st.lists(st.one_of(_texty, st.none()), max_size=20))
def test_clean_texts_agrees_with_clean_text(cells: list[str | None]) -> None:
    got = clean_texts(pd.Series(cells, dtype=object))
    assert got.tolist() == [clean_text(c) for c in cells]


@FAST
@given(_texty)
def test_clean_text_output_has_no_controls_or_untrimmed_ends(text: str) -> None:
    out = clean_text(text)
    assert out == out.strip()
    assert not any(ord(c) < 32 and c not in "\n\t" for c in out)
    assert "\ufeff" not in out and "\u200b" not in out and "  " not in out


REPOSTS = [
    ("我的话//@用户A:他的话//@用户B:原话", ("我的话", "@用户A:他的话//@用户B:原话")),
    ("我的话//@用户A：他的话", ("我的话", "@用户A：他的话")),
    ("//@用户A:原话", ("", "@用户A:原话")),
    ("转发微博 //@用户A:原话", ("转发微博 ", "@用户A:原话")),
    ("没有转发", ("没有转发", "")),
    ("", ("", "")),
    ("看 http://@example.com 这个//@用户A:原话", ("看 http://@example.com 这个", "@用户A:原话")),
    ("https://@x:1/y", ("https://@x:1/y", "")),
    ("a //@ b", ("a //@ b", "")),  # no "name:" after the @, not Weibo's marker
    ("哈//@用户-A_1:原话", ("哈", "@用户-A_1:原话")),
]


@pytest.mark.parametrize(("text", "expected"), REPOSTS)
def test_split_repost_chain(text: str, expected: tuple[str, str]) -> None:
    assert split_repost_chain(text) == expected


def test_split_repost_chains_vectorised() -> None:
    values = pd.Series([REPOSTS[0][0], None, "原创"], index=["x", "y", "z"])
    own, chain = split_repost_chains(values)
    assert own.index.equals(values.index) and chain.index.equals(values.index)
    assert own.tolist() == ["我的话", "", "原创"]
    assert chain.tolist() == ["@用户A:他的话//@用户B:原话", "", ""]


_weibo_like = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(["//@用户A:", "//@B：", "http://@x", "//", "@", ":", "https:"]),
    ),
    max_size=8,
).map("".join)


@FAST
@given(_weibo_like)
def test_split_repost_chain_is_lossless(text: str) -> None:
    own, chain = split_repost_chain(text)
    if chain:
        assert own + "//" + chain == text
        assert chain.startswith("@")
        assert "//@" not in own or split_repost_chain(own) == (own, "")
    else:
        assert own == text
    got_own, got_chain = split_repost_chains(pd.Series([text]))
    assert (got_own[0], got_chain[0]) == (own, chain)


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        ("", True),
        ("   ", True),
        ("转发微博", True),
        ("轉發微博", True),
        ("转发微博。", True),
        (" 转发微博 !! ", True),
        ("Repost", True),
        ("repost", True),
        ("转发", True),
        ("转发微博，比亚迪真不错", False),
        ("好", False),
        ("[doge]", False),
    ],
)
def test_is_pure_repost(own: str, expected: bool) -> None:
    assert is_pure_repost(own) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("👍👍👍", True),
        ("？？？！！！", True),
        ("", True),
        ("   \n", True),
        ("@张三 @李四", True),
        ("@张三 http://t.cn/A6abc 😀", True),
        ("O网页链接", True),
        ("好", False),
        ("good", False),
        ("666", False),
        ("[怒]", False),  # Weibo emoticon names are words
        ("@张三 好评", False),
        ("#比亚迪#", False),
    ],
)
def test_is_symbol_only(text: str, expected: bool) -> None:
    assert is_symbol_only(text) is expected


@FAST
@given(st.text())
def test_text_helpers_never_raise(text: str) -> None:
    clean_text(text)
    split_repost_chain(text)
    is_pure_repost(text)
    is_symbol_only(text)


# ---------------------------------------------------------------------------------------
# Real exports (../shared/data)
# ---------------------------------------------------------------------------------------


def _shared(rel: str) -> Path:
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


@pytest.mark.realdata
def test_real_weibo_search_times_and_counts_all_parse() -> None:
    df = pd.read_csv(_shared("exports/weibo-search/比亚迪.csv"), encoding="utf-8-sig", dtype=str)
    times = parse_times(df["发布时间"], tz=SH, now=NOW)
    assert times.notna().all()
    assert times.min() >= sh(2019, 1, 1) and times.max() < sh(2021, 1, 1)
    for col in ("转发数", "评论数", "点赞数"):
        counts, bad = parse_counts(df[col])
        assert not bad.any() and (counts >= 0).all()


@pytest.mark.realdata
def test_real_rfc_comment_times_parse() -> None:
    path = _shared("exports/weibo-search-with-comments/华为.csv")
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    times = parse_times(df["评论时间"], tz=SH, now=NOW)
    assert times.notna().sum() == df["评论时间"].notna().sum()
    cleaned = clean_texts(df["评论内容"])
    assert not cleaned.str.contains("<span", regex=False).any()
    assert cleaned.str.contains("[酷]", regex=False).any()  # emoticons survive as text


@pytest.mark.realdata
def test_real_mediacrawler_unix_and_iso_times_are_the_same_instants() -> None:
    path = _shared("exports/mediacrawler/search_contents_2026-07-14.jsonl")
    df = pd.read_json(path, lines=True, dtype={"create_date_time": str, "liked_count": str})
    from_unix = parse_times(df["create_time"], tz=SH, now=NOW)
    from_iso = parse_times(df["create_date_time"], tz=SH, now=NOW)
    assert from_unix.notna().all()
    assert (from_unix == from_iso).all()
    likes, bad = parse_counts(df["liked_count"])
    assert not bad.any() and likes.sum() > 0
