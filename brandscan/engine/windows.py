"""The posts of the alert windows, read again: what alerts and "who drove the spike" name.

A run keeps sums, not posts; the few hours of posts each alert names come from a second,
targeted read of just those windows from the files, the store or the cluster.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from brandscan.analyze.hourly import brand_rows
from brandscan.schema import empty_scored

#: ``fetch(ranges)``: every scored post created in one of the ``[start, end)`` ranges
#: (UTC nanoseconds), any brand.
Fetch = Callable[[list[tuple[int, int]]], pd.DataFrame]


class FetchedWindows:
    """A ``window_posts`` over posts read again for some time ranges.

    Built with the ranges :func:`needed_ranges` gives, it serves every window the radar
    asks for from that one read; a window outside them (not expected, but cheap to be
    right about) is read on its own with ``fetch``.
    """

    def __init__(self, fetch: Fetch, ranges: list[tuple[int, int]], data_end: int | None,
                 *, frame: pd.DataFrame | None = None):
        self._fetch = fetch
        self._end = (data_end + 1) if data_end is not None else 0
        self._ranges: list[tuple[int, int]] = []
        self._frames: list[pd.DataFrame] = []
        self.reads = 0
        if frame is not None:  # read already, by the caller
            self._frames.append(frame)
            self._ranges.extend(ranges)
        elif ranges:
            self._read(ranges)

    def _read(self, ranges: list[tuple[int, int]]) -> None:
        self.reads += 1
        self._frames.append(self._fetch(ranges))
        self._ranges.extend(ranges)

    def _covered(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self._ranges)

    def __call__(self, brand: str, start: pd.Timestamp, end: pd.Timestamp | None
                 ) -> pd.DataFrame:
        lo = pd.Timestamp(start).value
        hi = self._end if end is None else pd.Timestamp(end).value
        if hi > lo and not self._covered(lo, hi):
            self._read([(lo, hi)])
        frames = [f for f in self._frames if len(f)]
        if not frames:
            return empty_scored()
        posts = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        ns = posts["created_at"].dt.tz_convert("UTC").astype("int64").to_numpy()
        inside = ns >= lo if end is None else (ns >= lo) & (ns < hi)
        found = brand_rows(posts[inside], brand)
        # The same post read twice (overlapping reads) counts once.
        return found.drop_duplicates(subset=["platform", "kind", "id", "source_file",
                                             "source_line", "text"]) if len(frames) > 1 else found
