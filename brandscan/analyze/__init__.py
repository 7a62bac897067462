"""Analyses: pure functions of the scored posts frame and the config."""

#: Timeline periods: calendar hours, days, weeks (from Monday) and months in the
#: configured timezone. Here, not in :mod:`brandscan.analyze.timeline`, so the command
#: line offers them without importing pandas.
INTERVALS: tuple[str, ...] = ("hour", "day", "week", "month")
#: The intervals ``report`` picks from the time span (a month is only ever asked for).
AUTO_INTERVALS: tuple[str, ...] = ("hour", "day", "week")
