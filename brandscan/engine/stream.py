"""``--engine stream``: any number of files of any size on one machine, in bounded memory.

The run is the in-memory pipeline cut into pieces (:mod:`brandscan.load.chunks`):

1. scan every file once in this process (encoding, layout, piece boundaries);
2. read every piece for its duplicate keys and build the dedupe plan;
3. read every piece again: canonical posts -> window and brand selection -> scores
   (the fast engine) -> complaint terms -> partial :class:`Aggregate` per chunk;
4. merge the partial aggregates; the tables are read off the result.

Steps 2 and 3 run in ``jobs`` forked processes; each works on one piece at a time, so
memory is about ``jobs`` × (one chunk and its scores) plus the parent's dedupe keys
(16 bytes per post with an id) and aggregates (per period and per complaint term, not
per post). The sentiment engine and jieba's dictionary are loaded once, before the
workers fork, and shared copy-on-write.

The functions that do the work of one piece (:func:`piece_keys`, :func:`piece_aggregate`)
are plain functions of picklable arguments: :mod:`brandscan.engine.dask` runs the same
ones on a cluster.

DuckDB is not used here: the time goes into brandscan's own parsing of crawler values
(relative times, 1.2万 counts, repost chains), sentiment scoring and jieba — Python
work DuckDB cannot take over without changing the answers — while the aggregation that
DuckDB would speed up takes a few percent of a run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from brandscan.config import Config
from brandscan.engine.aggregates import INTERVALS, Aggregate
from brandscan.engine.radar import FetchedWindows, RadarPartial, needed_ranges
from brandscan.errors import BrandscanError
from brandscan.load.accounting import FileReport, LoadReport
from brandscan.load.chunks import (
    CHUNK_ROWS,
    SMALL_FILE_BYTES,
    ChunkKeys,
    DedupePlan,
    FileScan,
    Piece,
    add_report,
    build_plan,
    canonical_chunks,
    chunk_keys,
    piece_posts,
    scan_files,
    users_frame,
)
from brandscan.load.posts import LoadOptions
from brandscan.schema import POST_COLUMNS, SCORED_COLUMNS
from brandscan.text.sentiment import Scorer
from brandscan.window import Window

#: Inputs larger than this (in bytes, all files together) are streamed by default.
AUTO_STREAM_BYTES = 64 * 2**20


@dataclass(frozen=True)
class RunSpec:
    """What every piece of a run needs besides its file: picklable, sent once."""

    options: LoadOptions
    config: Config
    window: Window | None = None
    brands: tuple[str, ...] = ()
    intervals: tuple[str, ...] = INTERVALS
    top: int = 0  # most engaging negative posts kept
    terms: bool = False  # complaint terms (segmentation of negative posts)
    chunk_rows: int = CHUNK_ROWS
    small_file_bytes: int = SMALL_FILE_BYTES
    parquet_dir: str | None = None  # write each chunk's scored posts there
    radar: bool = False  # also the crisis radar's partials (alerts, responses)
    history: timedelta | None = None  # how far before the window the alert baselines look
    authors: bool = True  # with radar: the influencer ranking's per-author statistics

    def read_window(self) -> Window | None:
        """The posts to score: the window, from the start of the baselines with ``radar``."""
        w = self.window
        if not self.radar or self.history is None or w is None or w.since is None:
            return w
        return Window(w.since - self.history, w.until)


@dataclass
class PiecePart:
    """The result of one piece: its partial aggregates and its files' accounting."""

    aggregate: Aggregate
    reports: list[tuple[int, FileReport]] = field(default_factory=list)
    rows: int = 0  # input records read
    radar: RadarPartial | None = None
    #: (file, piece number) -> first and last post time (UTC ns) in the piece, None when
    #: no post has a time: the alert windows are read again only from pieces they touch.
    spans: dict[tuple[int, int], tuple[int, int] | None] = field(default_factory=dict)

    def merge(self, other: PiecePart) -> PiecePart:
        radar = (other.radar if self.radar is None else self.radar if other.radar is None
                 else self.radar.merge(other.radar))
        return PiecePart(self.aggregate.merge(other.aggregate),
                         self.reports + other.reports, self.rows + other.rows, radar,
                         {**self.spans, **other.spans})


@dataclass
class StreamResult:
    """Merged aggregates of the posts and the load accounting of every file."""

    aggregate: Aggregate
    report: LoadReport
    radar: RadarPartial | None = None  # with ``RunSpec.radar``
    windows: FetchedWindows | None = None  # the alert windows' posts, read again


def empty_part(spec: RunSpec) -> PiecePart:
    return PiecePart(Aggregate.empty(spec.config.timezone, intervals=spec.intervals,
                                     top=spec.top, terms=spec.terms))


# --- the work of one piece (also what Dask workers run) ----------------------------------

def piece_keys(scan: FileScan, piece: Piece, spec: RunSpec) -> list[ChunkKeys]:
    """Duplicate keys of one piece (the first reading)."""
    return [chunk_keys(chunk) for chunk in canonical_chunks(
        scan, piece, spec.options, chunk_rows=spec.chunk_rows,
        with_post_ids=scan.comment_rows)]


def piece_aggregate(scan: FileScan, piece: Piece, spec: RunSpec, plan: DedupePlan,
                    users: pd.DataFrame | None, scorer: Scorer) -> PiecePart:
    """Partial aggregates of one piece (the second reading): posts as ``load_posts``
    has them, selected and scored as ``analyse`` does, then counted."""
    from brandscan.text.scoring import score_posts, select_posts

    part = empty_part(spec)
    read = spec.read_window()
    w = spec.window or Window()
    for number, (posts, report) in enumerate(piece_posts(
            scan, piece, spec.options, plan, users, chunk_rows=spec.chunk_rows)):
        part.reports.append((scan.index, report))
        part.rows += report.rows_read
        selected = select_posts(posts, spec.config, brands=spec.brands, window=read)
        history = score_posts(selected, spec.config, scorer=scorer)
        scored = history if read is spec.window else history[w.mask(history["created_at"])]
        if spec.parquet_dir is not None:
            write_parquet(scored, spec.parquet_dir, scan.index, piece.number + number,
                          model=scorer.model_id)
        add_chunk(part, history, scored, spec, posts=posts)
        if spec.radar:
            _widen(part.spans, (piece.file, piece.number), posts["created_at"])
    return part


def _widen(spans: dict[tuple[int, int], tuple[int, int] | None], key: tuple[int, int],
           times: pd.Series) -> None:
    times = times.dropna()
    span = spans.get(key)
    if times.empty:
        spans.setdefault(key, None)
        return
    lo, hi = int(times.min().value), int(times.max().value)
    spans[key] = (lo, hi) if span is None else (min(span[0], lo), max(span[1], hi))


def touching(tasks: Sequence[tuple[int, Piece]], part: PiecePart,
             ranges: Sequence[tuple[int, int]]) -> list[tuple[int, Piece]]:
    """The pieces holding a post in one of ``ranges`` (``[start, end)``, UTC ns): exports
    are mostly in time order, so an alert window is usually in one or two pieces."""
    out = []
    for task in tasks:
        key = (task[1].file, task[1].number)
        if key not in part.spans:  # not seen: read it, to be safe
            out.append(task)
            continue
        span = part.spans[key]
        if span is not None and any(span[0] < end and start <= span[1]
                                    for start, end in ranges):
            out.append(task)
    return out


def add_chunk(part: PiecePart, history: pd.DataFrame, scored: pd.DataFrame, spec: RunSpec,
              *, posts: pd.DataFrame | None = None) -> None:
    """Count one chunk of scored posts into ``part``: ``scored`` (the rows of ``history``
    in the window) into the aggregates, and (``spec.radar``) ``history`` (since the
    baselines began) into the radar. ``posts`` are the chunk's loaded posts, where
    official replies are looked for."""
    w = spec.window or Window()
    part.aggregate = part.aggregate.merge(Aggregate.of(
        scored, spec.config, intervals=spec.intervals, top=spec.top, terms=spec.terms))
    if spec.radar:
        radar = RadarPartial.of(history, spec.config, posts=posts, brands=spec.brands,
                                since=w.since, until=w.until, authors=spec.authors)
        part.radar = radar if part.radar is None else part.radar.merge(radar)


def piece_windows(scan: FileScan, piece: Piece, spec: RunSpec, plan: DedupePlan,
                  users: pd.DataFrame | None, scorer: Scorer,
                  ranges: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """The scored posts of one piece created in one of ``ranges`` (``[start, end)``, UTC
    ns): the second, targeted reading that names the posts behind each alert. Only those
    posts are selected and scored."""
    from brandscan.text.scoring import score_posts, select_posts

    frames = []
    empty = None
    for posts, _ in piece_posts(scan, piece, spec.options, plan, users,
                                chunk_rows=spec.chunk_rows):
        ns = posts["created_at"].dt.tz_convert("UTC").astype("int64").to_numpy()
        keep = np.zeros(len(posts), dtype=bool)
        for start, end in ranges:
            keep |= (ns >= start) & (ns < end) & posts["created_at"].notna().to_numpy()
        sub = posts[keep] if keep.any() else posts.iloc[0:0]
        scored = score_posts(select_posts(sub, spec.config, brands=spec.brands,
                                          window=spec.read_window()), spec.config,
                             scorer=scorer)
        if len(scored):
            frames.append(scored)
        elif empty is None:
            empty = scored
    if frames:
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return empty if empty is not None else pd.DataFrame()


def alert_ranges(part: PiecePart, spec: RunSpec) -> list[tuple[int, int]]:
    """What the second reading must cover (none without the radar or without alerts)."""
    if not spec.radar or part.radar is None:
        return []
    w = spec.window or Window()
    return needed_ranges(part.radar, spec.config, brands=spec.brands, since=w.since,
                         until=w.until)


def write_parquet(scored: pd.DataFrame, folder: str, file: int, chunk: int, *,
                  model: str = "") -> Path:
    """One chunk's scored posts as ``part-FFFFF-CCCCCC.parquet`` (the canonical columns,
    then brands, sentiment, label, categories), written atomically. The sentiment model's
    id is in the file's metadata under ``brandscan.model``, for the history store."""
    path = Path(folder) / f"part-{file:05d}-{chunk:06d}.parquet"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(scored.loc[:, [*POST_COLUMNS, *SCORED_COLUMNS]],
                                     preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"brandscan.model"] = model.encode()
        pq.write_table(table.replace_schema_metadata(meta), tmp)
        os.replace(tmp, path)
    except ImportError:
        raise BrandscanError("--write-parquet needs pyarrow",
                             hint="pip install 'brandscan[dask]' or pyarrow") from None
    except OSError as exc:
        raise BrandscanError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


# --- the run --------------------------------------------------------------------------------

def prepare(paths: Iterable[str | os.PathLike[str]], spec: RunSpec) -> list[FileScan]:
    """Scan the files (step 1) and check the parquet folder before any long work."""
    if spec.parquet_dir is not None:
        folder = Path(spec.parquet_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BrandscanError(f"cannot create {folder}: {exc.strerror or exc}") from None
        old = sorted(folder.glob("part-*.parquet"))
        if old:
            raise BrandscanError(f"{folder} already holds {len(old)} part file(s)",
                                 hint="give an empty or new folder to --write-parquet")
    return scan_files(paths, spec.options, chunk_rows=spec.chunk_rows,
                      small_file_bytes=spec.small_file_bytes)


def tasks_of(scans: Sequence[FileScan]) -> list[tuple[int, Piece]]:
    """(file index, piece) of every piece, biggest first so no worker is left alone
    with a long one at the end."""
    tasks = [(s.index, p) for s in scans for p in s.pieces]
    return sorted(tasks, key=lambda t: -(t[1].end - t[1].start if t[1].kind == "range"
                                         else _size(scans[t[0]].path)))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def finish(scans: Sequence[FileScan], parts: Iterable[PiecePart], spec: RunSpec
           ) -> StreamResult:
    """Merged aggregates and the complete accounting (step 4)."""
    total = empty_part(spec)
    for part in parts:
        total = total.merge(part)
    for index, report in total.reports:
        add_report(scans[index].report, report)
    for scan in scans:  # in line order, as load_posts lists them
        scan.report.skipped.sort(key=lambda s: s.line)
    return StreamResult(total.aggregate, LoadReport([s.report for s in scans]), total.radar)


def keys_report(scans: Sequence[FileScan], keys: Iterable[ChunkKeys]) -> LoadReport:
    """The accounting known after the first reading (rows read and skipped), e.g. for
    ``--strict`` to fail before any scoring."""
    reports = {s.index: FileReport(path=s.path, error=s.report.error) for s in scans}
    for s in scans:
        if s.users is not None:
            reports[s.index].skipped.extend(s.report.skipped)
    for k in keys:
        reports[k.file].skipped.extend(k.report.skipped)
        reports[k.file].rows_read += k.report.rows_read
    return LoadReport([reports[s.index] for s in scans])


# Set in the parent before forking: workers read them instead of unpickling per task.
_STATE: dict[str, Any] = {}


def _keys_task(task: tuple[int, Piece]) -> list[ChunkKeys]:
    scans, spec = _STATE["scans"], _STATE["spec"]
    return piece_keys(scans[task[0]], task[1], spec)


def _aggregate_task(task: tuple[int, Piece]) -> PiecePart:
    s = _STATE
    return piece_aggregate(s["scans"][task[0]], task[1], s["spec"], s["plan"], s["users"],
                           s["scorer"])


def _windows_task(task: tuple[int, Piece]) -> pd.DataFrame:
    s = _STATE
    return piece_windows(s["scans"][task[0]], task[1], s["spec"], s["plan"], s["users"],
                         s["scorer"], s["ranges"])


def run_tasks(fn: Callable[[tuple[int, Piece]], Any], tasks: list[tuple[int, Piece]],
               jobs: int) -> Iterator[Any]:
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in mp.get_all_start_methods():
        for task in tasks:
            yield fn(task)
        return
    with mp.get_context("fork").Pool(min(jobs, len(tasks)), maxtasksperchild=64) as pool:
        yield from pool.imap_unordered(fn, tasks)


def warm_up(config: Config, scorer: Scorer | None, terms: bool) -> Scorer:
    """Load the sentiment engine and jieba in this process, so forked workers share them."""
    from brandscan.text.sentiment import get_scorer

    scorer = scorer or get_scorer(config.sentiment.model)
    if terms:
        from brandscan.text.terms import complaint_terms

        complaint_terms(["预热"], config)
    return scorer


def run_stream(paths: Iterable[str | os.PathLike[str]], spec: RunSpec, *, jobs: int = 1,
               scorer: Scorer | None = None,
               on_scanned: Callable[[LoadReport], None] | None = None,
               on_keys: Callable[[LoadReport], None] | None = None,
               progress: Callable[[int], None] | None = None) -> StreamResult:
    """Analyse the files in chunks on this machine; see the module docstring.

    ``on_scanned`` sees the accounting after the scan (files that cannot be read),
    ``on_keys`` after the first reading (rows read and skipped), and may raise to stop
    the run before scoring; ``progress`` is called with the records of each piece done.
    """
    scans = prepare(paths, spec)
    if on_scanned is not None:
        on_scanned(LoadReport([s.report for s in scans]))
    tasks = tasks_of(scans)
    _STATE.update(scans=scans, spec=spec)
    try:
        keys = [k for ks in run_tasks(_keys_task, tasks, jobs) for k in ks]
        if on_keys is not None:
            on_keys(keys_report(scans, keys))
        plan = build_plan(keys)
        del keys
        scorer = warm_up(spec.config, scorer, spec.terms)
        _STATE.update(plan=plan, users=users_frame(scans), scorer=scorer)
        total = empty_part(spec)
        for part in run_tasks(_aggregate_task, tasks, jobs):
            if progress is not None:
                progress(part.rows)
            total = total.merge(part)  # as they come: memory holds one merged aggregate
        result = finish(scans, [total], spec)
        if spec.radar and total.radar is not None:
            state = dict(_STATE)

            def fetch(ranges: list[tuple[int, int]]) -> pd.DataFrame:
                _STATE.update(state, ranges=ranges)
                try:
                    return concat_windows(list(run_tasks(
                        _windows_task, touching(tasks, total, ranges), jobs)))
                finally:
                    _STATE.clear()

            _STATE.clear()
            result.windows = FetchedWindows(fetch, alert_ranges(total, spec),
                                            total.radar.data_end)
        return result
    finally:
        _STATE.clear()


def concat_windows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Window posts of every piece (pieces without any give an empty scored frame)."""
    full = [f for f in frames if len(f)]
    if not full:
        return next((f for f in frames if len(f.columns)), pd.DataFrame())
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]


def input_bytes(paths: Iterable[str | os.PathLike[str]]) -> int:
    """Total size of the input files (missing ones count 0)."""
    return sum(_size(str(p)) for p in paths)


def choose_engine(engine: str, paths: Sequence[str], *, scheduler: str | None = None,
                  parquet: bool = False, store: bool = False) -> str:
    """``auto``: dask with a scheduler address, stream for inputs over
    :data:`AUTO_STREAM_BYTES` (or with --write-parquet), else local (in memory)."""
    if engine != "auto":
        return engine
    if scheduler:
        return "dask"
    if store:
        return "local"
    if parquet or input_bytes(paths) > AUTO_STREAM_BYTES:
        return "stream"
    return "local"
