"""What every analysis is made of: mergeable partials, and the protocol that runs them.

A year of posts does not fit in memory, but no analysis needs the posts themselves —
only counts, sums and a few chosen posts. Each analysis (one module each: timeline,
complaints, share of voice, alerts, influencers, response time) says how to compute its
*partial* from one chunk of scored posts, how to *merge* two partials, and how to
*finish* the merged partial into its table. An engine only executes: it cuts the input
into chunks, computes partials wherever it likes (one process, a pool, a Dask cluster),
merges them in any order and finishes. A frame in memory is one chunk of that same code,
so every engine gives the same answer, to the bit:

- counts, engagement sums and label counts are integers;
- sums of sentiment scores are *exact* (integer mantissa and binary exponent, see
  :func:`exact_add`), so a mean is the correctly rounded mean whatever the order or
  grouping in which chunks were added — float addition would differ in the last bits;
- every "first/most engaging" choice has a total order (:data:`POST_ORDER`: ties broken by
  time, file, line, kind, id, text…), never the position a row happened to have;
- distinct authors are kept as 64-bit hashes of their names (8 bytes each; two names
  colliding is about a one-in-a-million event at 5 million authors).

Alerts and "who drove the spike" also name posts; those come from a second, targeted read
of just the alert windows (:data:`WindowPosts`), which the engine serves.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

import numpy as np
import pandas as pd

from brandscan.schema import LABELS

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.load.accounting import LoadReport
    from brandscan.text.terms import TermSource


#: ``progress(what, total)``: a context giving a callback that advances by n (or None).
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None] | None]]

#: ``window_posts(brand, start, end)``: the scored posts naming ``brand`` (every post for
#: :data:`~brandscan.schema.ALL_POSTS`) created in ``[start, end)``; ``end`` None: no
#: upper bound. Served by the engine from a second read of the alert windows.
WindowPosts = Callable[[str, pd.Timestamp, "pd.Timestamp | None"], pd.DataFrame]

#: The total order of "most engaging" posts: engagement down, then earlier first, then
#: where the post came from. Deterministic whatever order the chunks arrive in.
POST_ORDER: tuple[tuple[str, bool], ...] = (
    ("engagement", False), ("created_at", True), ("source_file", True), ("source_line", True),
    ("kind", True), ("id", True), ("text", True), ("author", True), ("url", True),
)
_COUNT_COLUMNS = ("mentions", "voices", *LABELS, "engagement", "scored")


def voices(scored: pd.DataFrame) -> np.ndarray:
    """Posts that carry the sentiment mix (the ``voice`` column scoring adds: their genre
    is one of ``sentiment.genres``); every post of a frame without one."""
    if "voice" in scored.columns:
        return scored["voice"].to_numpy(dtype=bool)
    return np.ones(len(scored), dtype=bool)


def alarming(scored: pd.DataFrame) -> np.ndarray:
    """Posts whose negativity alerts watch: the voices and the news."""
    news = (scored["genre"] == "news").to_numpy(dtype=bool) if "genre" in scored.columns \
        else np.zeros(len(scored), dtype=bool)
    return voices(scored) | news


# --- the protocol ---------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """What every analysis of one run shares: the config, the window, the selection.

    ``since``/``until`` are the window asked for (the chunks' ``history`` reaches back
    further, for the alert baselines); ``brands`` the ``--brand`` names posts were
    selected by; ``jobs`` and ``progress`` serve the in-memory path's parallel
    segmentation (``progress(what, total)`` gives a context with a callback to advance
    by n, or None); ``terms`` remembers complaint terms between runs (the store's).
    """

    config: Config
    since: datetime | None = None
    until: datetime | None = None
    brands: tuple[str, ...] = ()
    jobs: int = 1
    progress: Progress | None = field(default=None, compare=False)
    terms: TermSource | None = field(default=None, compare=False)

    @property
    def tz(self) -> str:
        return self.config.timezone


@dataclass
class Chunk:
    """One chunk of a run's posts, scored.

    ``scored``: the posts of the window; ``history``: the same and those before it back
    to the start of the alert baselines (``scored`` is ``history`` when no baseline was
    asked for); ``posts``: every post loaded in the chunk, any brand, scored or not — where
    official replies are looked for (None: ``history``).
    """

    scored: pd.DataFrame
    history: pd.DataFrame
    posts: pd.DataFrame | None = None

    @classmethod
    def of(cls, scored: pd.DataFrame) -> Chunk:
        return cls(scored, scored)


P = TypeVar("P")
R = TypeVar("R", covariant=True)


class Finished(Protocol):
    """What :meth:`Analysis.finish` may ask of the run besides its own partial."""

    def window_posts(self) -> WindowPosts:
        """Posts of the alert windows (a second read, served by the engine)."""

    def result(self, name: str) -> Any:
        """The finished result of another analysis of the run (see ``needs``)."""

    def load(self) -> LoadReport:
        """How the run's input was read (rows read, skipped, duplicates)."""

    def model(self) -> str | None:
        """The sentiment model(s) the scores came from, when the source knows better than
        the run's config (stored scores)."""


class Analysis(Protocol, Generic[P]):
    """One analysis: a partial per chunk, a merge, a finish.

    ``merge`` must be associative and commutative in effect (any split of the posts into
    chunks and any merge order give the same ``finish``); ``needs`` names analyses whose
    finished results ``finish`` reads (they are finished first); ``second_read`` says
    whether ``ranges`` may ask the engine to read some time ranges again.
    """

    name: str
    needs: tuple[str, ...]

    def empty(self, ctx: Context) -> P:
        """The partial of no posts (what a run with no chunk finishes)."""

    def partial(self, chunk: Chunk, ctx: Context) -> P: ...

    def merge(self, a: P, b: P) -> P: ...

    def finish(self, partial: P, ctx: Context, run: Finished) -> Any: ...


@runtime_checkable
class NamesPosts(Protocol):
    """An analysis that names posts (alerts): the engine reads some time ranges again."""

    def ranges(self, partial: Any, ctx: Context) -> list[tuple[int, int]]:
        """The time ranges (UTC ns, ``[start, end)``) whose posts ``finish`` will ask for."""

    def data_end(self, partial: Any) -> int | None:
        """The newest post the partial holds (UTC ns): where an open-ended window ends."""


def join_ranges(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``[start, end)`` ranges sorted, overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def merge_all(analysis: Analysis[P], parts: Iterable[P]) -> P | None:
    """Fold partials with ``analysis.merge`` (None for none)."""
    out: P | None = None
    for part in parts:
        out = part if out is None else analysis.merge(out, part)
    return out


# --- exact sums -------------------------------------------------------------------------

#: An exact sum of binary floats: ``n * 2**e`` with Python integers (no rounding, ever).
Exact = tuple[int, int]
ZERO: Exact = (0, 0)


def exact_add(a: Exact, b: Exact) -> Exact:
    """``a + b`` exactly: the mantissas are aligned to the smaller exponent and added."""
    (na, ea), (nb, eb) = a, b
    if not na:
        return b
    if not nb:
        return a
    if ea <= eb:
        return na + (nb << (eb - ea)), ea
    return (na << (ea - eb)) + nb, eb


def exact_mean(total: Exact, count: int) -> float:
    """``total / count``, correctly rounded (NaN for no values).

    Python divides integers with one correct rounding, so the mean does not depend on
    the order in which the values were added.
    """
    if not count:
        return float("nan")
    n, e = total
    return (n << e) / count if e >= 0 else n / (count << -e)


def exact_group_sums(codes: np.ndarray, values: np.ndarray) -> dict[int, Exact]:
    """Exact sum of ``values`` per group code (NaN and infinities left out).

    Each float64 is ``m · 2**e`` with an integer ``m < 2**53``; within one (group, e)
    the mantissas are summed as integers (split in two 26-bit halves so float64 bincount
    stays exact for up to 2**26 values per call), and the per-exponent sums are shifted
    together as Python integers. Vectorised: the Python loop runs once per distinct
    (group, exponent), a few dozen per group.
    """
    values = np.asarray(values, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.int64)
    ok = np.isfinite(values) & (values != 0)
    if not ok.any():
        return {}
    values, codes = values[ok], codes[ok]
    out: dict[int, Exact] = {}
    step = 1 << 25  # keeps each bincount exact
    for start in range(0, len(values), step):
        v, c = values[start:start + step], codes[start:start + step]
        frac, exp = np.frexp(v)
        mant = np.ldexp(frac, 53).astype(np.int64)  # exact: |frac| < 1, 53-bit significand
        exp = exp.astype(np.int64) - 53 + 2048  # 0 < exp < 4096 for every finite float64
        keys, inverse = np.unique(c * 4096 + exp, return_inverse=True)
        hi = np.bincount(inverse, weights=(mant >> 26).astype(np.float64))
        lo = np.bincount(inverse, weights=(mant & ((1 << 26) - 1)).astype(np.float64))
        for key, h, low in zip(keys.tolist(), hi.tolist(), lo.tolist()):
            group = key >> 12
            part = ((int(h) << 26) + int(low), (key & 4095) - 2048)
            out[group] = exact_add(out[group], part) if group in out else part
    return out


def hash_strings(values: Iterable[str]) -> np.ndarray:
    """Stable 64-bit hashes (pandas' SipHash, the same in every process and run)."""
    arr = np.asarray(list(values) if not isinstance(values, (pd.Series, np.ndarray))
                     else values, dtype=object)
    if len(arr) == 0:
        return np.empty(0, dtype=np.uint64)
    return pd.util.hash_array(arr, categorize=True)



# --- counts and sums per key ------------------------------------------------------------

@dataclass
class Tally:
    """Integer counters and exact sentiment sums per key (a period, or a period and brand).

    ``counts`` has one row per key and the int64 columns mentions, positive, neutral,
    negative, engagement and scored (posts with a sentiment score); ``sentiment`` maps a
    key to the exact sum of its scores.
    """

    counts: pd.DataFrame
    sentiment: dict[Hashable, Exact] = field(default_factory=dict)

    @classmethod
    def empty(cls, names: Sequence[str]) -> Tally:
        index = (pd.MultiIndex.from_arrays([[] for _ in names], names=list(names))
                 if len(names) > 1 else pd.Index([], name=names[0]))
        return cls(pd.DataFrame({c: pd.Series([], dtype="int64", index=index)
                                 for c in _COUNT_COLUMNS}))

    @classmethod
    def of(cls, keys: pd.DataFrame, scored: pd.DataFrame) -> Tally:
        """Count ``scored`` (aligned with ``keys``, one key column per level) per key."""
        names = list(keys.columns)
        if scored.empty:
            return cls.empty(names)
        voice = voices(scored)
        label = np.where(voice, scored["label"].to_numpy(dtype=object), "")
        sentiment = np.where(voice, scored["sentiment"].to_numpy(dtype=np.float64), np.nan)
        df = keys.reset_index(drop=True).assign(
            mentions=1,
            voices=voice.astype(np.int64),
            positive=(label == "positive").astype(np.int64),
            neutral=(label == "neutral").astype(np.int64),
            negative=(label == "negative").astype(np.int64),
            engagement=scored["engagement"].to_numpy(dtype=np.int64),
            scored=(~np.isnan(sentiment)).astype(np.int64),
        )
        grouped = df.groupby(names, sort=True)
        counts = grouped[list(_COUNT_COLUMNS)].sum().astype("int64")
        codes = grouped.ngroup().to_numpy()
        sums = exact_group_sums(codes, sentiment)
        index = counts.index.tolist()
        return cls(counts, {index[g]: total for g, total in sums.items()})

    def merge(self, other: Tally) -> Tally:
        if other.counts.empty:
            return self
        if self.counts.empty:
            return other
        both = pd.concat([self.counts, other.counts])
        counts = both.groupby(level=list(range(both.index.nlevels)), sort=True).sum()
        sums = dict(self.sentiment)
        for key, value in other.sentiment.items():
            sums[key] = exact_add(sums[key], value) if key in sums else value
        return Tally(counts.astype("int64"), sums)

    def means(self, index: pd.Index) -> list[float]:
        """Correctly rounded mean sentiment per key (NaN where no post was scored)."""
        scored = self.counts["scored"].reindex(index, fill_value=0).tolist()
        return [exact_mean(self.sentiment.get(k, ZERO), int(n))
                for k, n in zip(index, scored)]


# --- chosen posts -----------------------------------------------------------------------

def utc_ns(times: pd.Series) -> np.ndarray:
    """UTC nanoseconds of tz-aware timestamps (the keys periods are stored under)."""
    return times.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").astype("int64").to_numpy()


def sort_posts(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in :data:`POST_ORDER`."""
    cols = [c for c, _ in POST_ORDER]
    return frame.sort_values(cols, ascending=[asc for _, asc in POST_ORDER], kind="stable")


def top_posts(frame: pd.DataFrame, top: int, keep: Sequence[str]) -> pd.DataFrame:
    """The ``top`` first posts in POST_ORDER, with the ``keep`` columns (which should hold
    the POST_ORDER keys, so two such tables can be ranked again)."""
    cols = [c for c in keep if c in frame]
    if top <= 0 or frame.empty:
        return frame.loc[:, cols].iloc[0:0].reset_index(drop=True)
    return sort_posts(frame.loc[:, cols]).head(top).reset_index(drop=True)
