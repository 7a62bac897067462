"""What the user told the loader (everything else is detected)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class LoadOptions:
    """What the user told the loader; everything else is detected."""

    tz: str = "Asia/Shanghai"
    columns: Mapping[str, str] = field(default_factory=dict)
    now: datetime | None = None  # reference for 刚刚/5分钟前; default: each file's mtime
    kind: str = "all"  # post, comment or all
    keep_chain: bool = False
    date: date | None = None  # for files with no time column
    users: tuple[str, ...] = ()  # weibo-crawler users.csv files: followers by author id
    #: Longer texts are cut to this many characters (and counted: ``truncated_text``):
    #: no post is that long, and one 1 MB "post" would otherwise cost gigabytes.
    max_text: int = 20_000
