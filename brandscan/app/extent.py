"""What a run with no mentions says instead of a silent empty table.

"No mentions" alone leaves the reader guessing whether the window missed the data, the
brand never matched, or nothing was read. The answer names which: a window with no posts
says where the input's posts are ("no posts between 2026-11-28 11:00 and 2026-12-05 11:00;
the store holds 2020-08-20 to 2020-09-10"); posts the brand never matches say how many
were looked at ("0 of 6,143 posts mention 特斯拉 (data from 2020-08-20 to 2020-09-10)").

:class:`Span` is a partial like any analysis's (:mod:`brandscan.analyze.partial`), so the
numbers are the same whichever engine read the posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from brandscan.analyze.partial import Chunk, Context, Finished, utc_ns
from brandscan.window import Window

if TYPE_CHECKING:
    from brandscan.config import Config


def _lo(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _hi(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


@dataclass(frozen=True)
class Span:
    """Counts and times (UTC nanoseconds) of a run's input: ``mentions`` are the posts the
    analyses counted (window and brands); ``inside`` the posts of the window, any brand;
    ``first``/``last`` of every post read, ``inside_first``/``inside_last`` of the window's."""

    mentions: int = 0
    posts: int = 0
    inside: int = 0
    first: int | None = None
    last: int | None = None
    inside_first: int | None = None
    inside_last: int | None = None

    def merge(self, other: Span) -> Span:
        return Span(self.mentions + other.mentions, self.posts + other.posts,
                    self.inside + other.inside, _lo(self.first, other.first),
                    _hi(self.last, other.last), _lo(self.inside_first, other.inside_first),
                    _hi(self.inside_last, other.inside_last))

    @classmethod
    def of_posts(cls, posts: pd.DataFrame, window: Window) -> Span:
        """The span of ``posts`` (canonical, any brand) and of those in ``window``."""
        if not len(posts):
            return cls()
        ns = utc_ns(posts["created_at"])
        inside = ns[window.mask(posts["created_at"]).to_numpy(dtype=bool)]
        return cls(0, len(ns), len(inside), int(ns.min()), int(ns.max()),
                   int(inside.min()) if len(inside) else None,
                   int(inside.max()) if len(inside) else None)


@dataclass(frozen=True)
class InputSpan:
    """An analysis every run carries: the :class:`Span` of its posts (see the module
    docstring). Posts a source does not hand over (the store's, read in SQL) are added
    after the run by :func:`store_span`."""

    name: str = "input_span"
    needs: tuple[str, ...] = ()

    def empty(self, ctx: Context) -> Span:
        return Span()

    def partial(self, chunk: Chunk, ctx: Context) -> Span:
        span = Span()
        if chunk.posts is not None:
            span = Span.of_posts(chunk.posts, Window(ctx.since, ctx.until))
        return replace(span, mentions=len(chunk.scored))

    def merge(self, a: Span, b: Span) -> Span:
        return a.merge(b)

    def finish(self, partial: Span, ctx: Context, run: Finished) -> Span:
        return partial


def store_span(store: Any, window: Window, kind: str) -> Span:
    """The :class:`Span` of the stored posts (``--kind`` applied), by SQL."""
    from brandscan.store.query import window_filter

    def row(w: Window | None) -> tuple[int, Any, Any]:
        where, params = window_filter(w, kind)
        got = store.con.execute(
            f"SELECT count(*), min(created_at), max(created_at) FROM posts WHERE {where}",
            params).fetchall()[0]
        return int(got[0]), got[1], got[2]

    def ns(t: Any) -> int | None:
        return None if t is None else int(pd.Timestamp(t).value)

    n, first, last = row(None)
    k, ifirst, ilast = row(window) if window.since or window.until else (n, first, last)
    return Span(0, n, k, ns(first), ns(last), ns(ifirst), ns(ilast))


def _day(ns: int | None, tz: str) -> str:
    return "" if ns is None else pd.Timestamp(ns, tz="UTC").tz_convert(tz).strftime("%Y-%m-%d")


def _minute(t: Any, tz: str) -> str:
    return pd.Timestamp(t).tz_convert(tz).strftime("%Y-%m-%d %H:%M")


def no_mentions(span: Span, window: Window, config: Config, brands: Sequence[str], *,
                holder: str, now: Any = None, kind: str = "all") -> str:
    """The sentence for a run whose analyses counted no post (see the module docstring);
    ``holder`` names where the posts came from ("the store", "the file"…); ``now`` (the
    run's --now or clock) closes a window given only its start, as ``--since 7d`` means;
    ``kind`` is --kind (the span counts only those)."""
    tz = config.timezone
    noun = {"post": "posts", "comment": "comments"}.get(kind, "posts")
    if window.until is None and window.since is not None and now is not None \
            and pd.Timestamp(now) > pd.Timestamp(window.since):
        window = Window(window.since, now)
    has = "holds" if holder in ("the store", "the file") else "hold"
    if span.inside == 0:
        if window.since is not None and window.until is not None:
            where = f"between {_minute(window.since, tz)} and {_minute(window.until, tz)}"
        elif window.since is not None:
            where = f"since {_minute(window.since, tz)}"
        elif window.until is not None:
            where = f"before {_minute(window.until, tz)}"
        else:
            return f"no {noun} in {holder}" + (f" (--kind {kind})" if kind != "all" else "")
        held = (f"{_day(span.first, tz)} to {_day(span.last, tz)}" if span.posts
                else f"no {noun}")
        return f"no {noun} {where}; {holder} {has} {held}"
    names = list(brands) or [b.name for b in config.brands]
    what = " or ".join(names) if names else "a brand"
    return (f"0 of {span.inside:,} {noun} mention {what} (data from "
            f"{_day(span.inside_first, tz)} to {_day(span.inside_last, tz)})")

