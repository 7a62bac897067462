"""Time windows the user asks for: ``--since 24h``, ``--since yesterday``, ``--until 2026-11-06``.

Windows are half-open, ``[since, until)``, and resolved in the configured timezone, so a
nightly job asking for yesterday gets exactly yesterday's posts, midnight to midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from brandscan.errors import BrandscanError

_RELATIVE = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.I)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Window:
    """``[since, until)``; either end may be open."""

    since: datetime | None = None
    until: datetime | None = None

    def mask(self, times: pd.Series) -> pd.Series:
        keep = pd.Series(True, index=times.index)
        if self.since is not None:
            keep &= times >= pd.Timestamp(self.since)
        if self.until is not None:
            keep &= times < pd.Timestamp(self.until)
        return keep


#: Times outside these years are no post's: refused rather than overflowing later.
EARLIEST, LATEST = pd.Timestamp("1990-01-01"), pd.Timestamp("2200-01-01")


def parse_moment(text: str, *, tz: ZoneInfo, now: datetime, option: str = "--since") -> datetime:
    """A point in time from an absolute date/time, ``24h``/``7d``-style ago, or a day name
    (between 1990 and 2200: a post is never elsewhere)."""
    try:
        out = _moment(text, tz=tz, now=now, option=option)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        out = None
    if out is None or not EARLIEST <= pd.Timestamp(out).tz_localize(None) <= LATEST:
        raise BrandscanError(f"{option}: '{text}' is out of range",
                             hint="give a time between 1990 and 2200, or a span such as 7d")
    return out


def _moment(text: str, *, tz: ZoneInfo, now: datetime, option: str) -> datetime:
    s = text.strip().lower()
    today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    if s == "now":
        return now.astimezone(tz)
    if s == "today":
        return today
    if s == "yesterday":
        return today - timedelta(days=1)
    if s == "tomorrow":
        return today + timedelta(days=1)
    m = _RELATIVE.match(s)
    if m:
        return now.astimezone(tz) - timedelta(**{_UNITS[m[2].lower()]: int(m[1])})
    try:
        ts = pd.Timestamp(text.strip())
    except (ValueError, TypeError):
        ts = None
    if ts is None or ts is pd.NaT:
        raise BrandscanError(
            f"{option}: cannot read '{text}' as a time",
            hint="use YYYY-MM-DD, 'YYYY-MM-DD HH:MM', 24h, 7d, today or yesterday")
    ts = ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)
    return ts.to_pydatetime()
