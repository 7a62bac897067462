"""Cell values from Chinese social-media crawler exports -> typed values.

Crawlers write whatever the page showed: times as ``2024-03-01 12:30``, unix seconds,
13-digit milliseconds, RFC-2822 (``Sun Mar 03 17:03:09 +0800 2024``) or Weibo's relative
``5分钟前`` / ``昨天 08:01`` / ``10月12日``; counts as ``1.2万`` or ``100万+`` or a bare
``赞`` when the count is zero; text with HTML fragments, entities and invisible characters.
This package of modules turns such cells into datetimes (:mod:`brandscan.load.times`),
ints (:mod:`brandscan.load.counts`) and clean strings (:mod:`brandscan.load.texts`);
this module gathers them under one name.

Every function is pure (no I/O, no printing) and never raises on bad input: a cell that
cannot be understood becomes ``None`` (scalar) or ``NaT`` / a flag (vectorised), so the
loader can count and report it instead of crashing on row 48,213.

The scalar parsers are the reference. The vectorised ``parse_times``, ``parse_counts``,
``clean_texts`` and ``split_repost_chains`` handle the common formats with whole-column
pandas operations and hand only the leftovers to the scalar parser, so both always agree.
"""

from __future__ import annotations

from brandscan.load.counts import parse_count, parse_counts
from brandscan.load.texts import (
    clean_text,
    clean_texts,
    is_pure_repost,
    is_symbol_only,
    split_repost_chain,
    split_repost_chains,
)
from brandscan.load.times import (
    MAX_YEAR,
    MIN_YEAR,
    is_relative_time,
    parse_time,
    parse_times,
    relative_time_mask,
)

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
