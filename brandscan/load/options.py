"""What the user told the loader (everything else is detected)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class LoadOptions:
    """What the user told the loader; everything else is detected."""

    #: The zone times are shown in (``created_at``'s); ``--date`` is a day there.
    tz: str = "Asia/Shanghai"
    #: The zone naive times in the files are wall-clock times of (crawlers write Beijing
    #: time without an offset); None: ``tz``. Times with an offset and epoch numbers are
    #: instants whatever it is.
    file_tz: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    now: datetime | None = None  # reference for 刚刚/5分钟前; default: each file's mtime
    kind: str = "all"  # post, comment or all
    keep_chain: bool = False
    date: date | None = None  # for files with no time column
    users: tuple[str, ...] = ()  # weibo-crawler users.csv files: followers by author id
    #: Longer texts are cut to this many characters (and counted: ``truncated_text``):
    #: no post is that long, and one 1 MB "post" would otherwise cost gigabytes.
    max_text: int = 20_000

    @property
    def naive_tz(self) -> str:
        """The zone naive times in the files are read in."""
        return self.file_tz or self.tz
