"""What loading did with every row: the numbers ``inspect`` and ``report`` show.

The invariant users rely on: for every file, rows read = used + skipped + duplicates
(+ filtered, when ``--kind`` leaves some out). Nothing is dropped without a reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.load.rows import Skip


@dataclass
class FileReport:
    """How one input file was read."""

    path: str
    encoding: str = ""
    format: str = ""
    layout: str = ""
    layout_description: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    used: int = 0
    duplicates: int = 0
    filtered: int = 0
    skipped: list[Skip] = field(default_factory=list)
    posts: int = 0
    comments: int = 0
    derived_posts: int = 0
    relative_times: int = 0
    truncated_text: int = 0  # texts cut at LoadOptions.max_text characters
    now: datetime | None = None
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    error: str | None = None

    @property
    def skip_reasons(self) -> Counter[str]:
        return Counter(_reason_kind(s.reason) for s in self.skipped)


def add_report(fr: FileReport, part: FileReport) -> None:
    """Add the accounting of one part of a file (a chunk) to the file's."""
    fr.rows_read += part.rows_read
    fr.skipped.extend(part.skipped)
    fr.relative_times += part.relative_times
    fr.truncated_text += part.truncated_text
    fr.derived_posts += part.derived_posts
    fr.duplicates += part.duplicates
    fr.filtered += part.filtered
    fr.used += part.used
    fr.posts += part.posts
    fr.comments += part.comments
    if part.first is not None:
        fr.first = part.first if fr.first is None else min(fr.first, part.first)
    if part.last is not None:
        fr.last = part.last if fr.last is None else max(fr.last, part.last)


def _reason_kind(reason: str) -> str:
    """Group reasons that differ only in the value quoted ("unparseable time: 'x'")."""
    return reason.split(":", 1)[0]


@dataclass
class LoadReport:
    """The accounting of one load over several files."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def ok_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error is None]

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.error is not None]

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.ok_files)

    @property
    def skipped(self) -> list[Skip]:
        return [s for f in self.ok_files for s in sorted(f.skipped, key=lambda s: s.line)]

    @property
    def skip_reasons(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.ok_files:
            total.update(f.skip_reasons)
        return total

    def strict_error(self) -> BrandscanError | None:
        """What ``--strict`` stops with when rows were skipped (None when none were)."""
        skipped = self.skipped
        if not skipped:
            return None
        first = skipped[0]
        return BrandscanError(
            f"{first.reason} ({len(skipped):,} row(s) skipped in all)",
            where=f"{first.file}:{first.line}",
            hint="--strict makes skipped rows errors; fix the rows or drop --strict; "
                 "'inspect --skipped' lists them")

    def summary_line(self) -> str:
        """One line for stderr: what was read and what was left out."""
        read, used = self.total("rows_read"), self.total("used")
        dup, filt = self.total("duplicates"), self.total("filtered")
        skipped = len(self.skipped)
        parts = [f"{read:,} rows read from {len(self.ok_files)} file(s)", f"{used:,} used"]
        if dup:
            parts.append(f"{dup:,} duplicates")
        if filt:
            parts.append(f"{filt:,} filtered by --kind")
        if skipped:
            reasons = ", ".join(f"{n:,} {r}" for r, n in self.skip_reasons.most_common())
            parts.append(f"{skipped:,} skipped ({reasons})")
        if cut := self.total("truncated_text"):
            parts.append(f"{cut:,} text(s) longer than the limit cut short")
        return "; ".join(parts)
