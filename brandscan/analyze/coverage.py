"""Coverage: the hours in which an input could have seen a brand's posts.

A baseline of zeros is a claim that nobody posted; an hour no input covered makes no such
claim. So the alert baselines count only the hours some file covered the brand (the span
from the first to the last of its posts there, :meth:`HourlyPartial.covered`), and not the
weeks before a *coverage jump* — a week with 100 times the posts of the weeks before it,
which is a search export thinning out into the past, not the conversation. What a reader
must know about the data is said in plain words (:func:`coverage_notes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from brandscan.analyze.hourly import HourlyPartial, brand_names, hourly_frame, hours_of
from brandscan.config import Config

#: A week with at least this many times the posts of the weeks before it (the median of
#: up to :data:`JUMP_WEEKS` covered ones; and at least :data:`JUMP_MIN_POSTS`) is the
#: export's coverage growing (search results thin out into the past), not the
#: conversation: the weeks before it are left out of the baselines.
JUMP_RATIO = 100
JUMP_WEEKS = 4
JUMP_MIN_POSTS = 100


def _weekly_jump(rows: np.ndarray, covered: np.ndarray) -> int | None:
    """The hour position where the last coverage jump's week starts (None: none)."""
    if not len(rows):
        return None
    starts = np.arange(0, len(rows), 168)
    weeks = np.add.reduceat(np.where(covered, rows, 0), starts)
    seen = np.add.reduceat(covered.astype(np.int64), starts)
    last = None
    for k in range(1, len(weeks)):
        # weeks before any input covered the brand are unknown, not quiet: not compared
        before = [weeks[j] for j in range(max(0, k - JUMP_WEEKS), k) if seen[j]]
        if (before and weeks[k] >= JUMP_MIN_POSTS
                and weeks[k] >= JUMP_RATIO * max(float(np.median(before)), 1.0)):
            last = 168 * k
    return last


def coverage(partial: HourlyPartial, brand: str, index: pd.DatetimeIndex,
             config: Config) -> np.ndarray:
    """The hours whose counts a baseline may use: inside a file covering the brand, and
    not before a coverage jump."""
    covered = partial.covered(brand, index)
    rows = hours_of(partial.counts[brand], index)["rows"].to_numpy()
    jump = _weekly_jump(rows, covered)
    if jump is not None:
        covered = covered.copy()
        covered[:jump] = False
    return covered


def coverage_notes(partial: HourlyPartial, config: Config, index: pd.DatetimeIndex,
                   brands: Sequence[str] | None = None) -> list[str]:
    """What a reader must know about the data before trusting the alerts on ``index``:
    inputs that start late or leave gaps, coverage jumps, and hours that hit an export's
    page cap."""
    names = brand_names(config, brands)
    notes: list[str] = []
    if not len(index):
        return notes

    def when(t: pd.Timestamp) -> str:
        return t.strftime("%Y-%m-%d %H:%M")

    for brand in names:
        counts = partial.counts.get(brand)
        if counts is None or counts.empty:
            continue
        files = {f: v for f, v in partial.spans.get(brand, {}).items() if f}
        covered = partial.covered(brand, index)
        if len(files) > 1:
            first = min(lo for lo, _ in files.values())
            for f, (lo, _) in sorted(files.items(), key=lambda kv: kv[1]):
                if lo - first >= 24 * 3600 * 10**9:
                    at = pd.Timestamp(lo, tz="UTC").tz_convert(partial.tz)
                    notes.append(f"{brand}: {Path(f).name} starts at {when(at)}; the "
                                 "hours before it count only the other inputs")
        gaps = np.flatnonzero(np.diff(np.concatenate([[1], covered.astype(int), [1]])))
        for lo, hi in zip(gaps[::2], gaps[1::2]):
            if hi - lo >= 24 and lo > 0 and hi < len(index):
                notes.append(f"{brand}: no input covers {when(index[lo])} to "
                             f"{when(index[hi - 1] + pd.Timedelta(hours=1))}; those hours "
                             "are unknown, not zero, and no baseline counts them")
        rows = hours_of(counts, index)["rows"].to_numpy()
        jump = _weekly_jump(rows, covered)
        if jump is not None:
            week = rows[jump:jump + 168].sum()
            before = rows[jump - 168:jump].sum()
            notes.append(f"{brand}: the week from {when(index[jump])} has {int(week):,} posts "
                         f"against {int(before):,} the week before — the export's coverage "
                         "grew; earlier weeks are left out of the baselines")
        h = hourly_frame(hours_of(counts, index), index, config)
        capped = int(h["truncated"].sum())
        if capped:
            notes.append(f"{brand}: {capped:,} hour{'s' if capped > 1 else ''} hit an "
                         "export's page cap (most posts at :58-:59): their counts are lower "
                         "bounds")
    return notes
