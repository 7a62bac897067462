"""Files read in chunks: any number of files of any size, in bounded memory.

The input is the in-memory loader cut into pieces (:mod:`brandscan.load.chunks`):

1. every file is scanned once in this process (encoding, layout, piece boundaries);
2. every piece is read for its duplicate keys, and the dedupe plan is built (keep the
   last copy of each post, as ``load_posts`` does); the same reading builds the run's
   template index (posts copied by several accounts are spam, whichever piece holds them)
   and thread index (the brands of every post, which its comments count for, whichever
   piece holds them);
3. every piece is read again: canonical posts -> window and brand selection -> scores
   (the fast engine) -> the analyses' partials.

Memory is about (workers) × (one chunk and its scores) plus the dedupe keys (16 bytes per
post with an id) and the partials. The sentiment engine and jieba's dictionary are loaded
before the workers fork (shared copy-on-write) or are sent to each Dask worker once. On a
real Dask cluster the input must be at the same path on every worker.

DuckDB is not used here: the time goes into brandscan's own parsing of crawler values
(relative times, 1.2万 counts, repost chains), sentiment scoring and jieba — Python work
DuckDB cannot take over without changing the answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze.partial import Analysis, Chunk, Context, WindowPosts
from brandscan.config import Config
from brandscan.engine.driver import Part, Work, concat_frames
from brandscan.engine.executors import Executor
from brandscan.engine.windows import FetchedWindows
from brandscan.errors import BrandscanError
from brandscan.load.accounting import FileReport, LoadReport, add_report
from brandscan.load.chunks import canonical_chunks, chunk_keys, piece_posts, users_frame
from brandscan.load.dedupe import ChunkKeys, DedupePlan, build_plan
from brandscan.load.options import LoadOptions
from brandscan.load.scan import CHUNK_ROWS, SMALL_FILE_BYTES, FileScan, Piece, scan_files
from brandscan.schema import POST_COLUMNS, SCORED_COLUMNS
from brandscan.text.genre import TemplateIndex
from brandscan.text.sentiment import Scorer
from brandscan.text.threads import ThreadIndex
from brandscan.window import Window

#: Inputs larger than this (in bytes, all files together) are streamed by default.
AUTO_STREAM_BYTES = 64 * 2**20

Task = tuple[int, Piece]


@dataclass
class FileSource:
    """Files read in pieces of about ``chunk_rows`` records (see the module docstring).

    ``read`` is the window posts are scored in (from the start of the alert baselines when
    a run has alerts); ``on_scanned`` sees the accounting after the scan (files that cannot
    be read) and ``on_keys`` after the first reading (rows read and skipped) — either may
    raise to stop the run before scoring. ``parquet_dir`` also writes each chunk's scored
    posts there.
    """

    paths: Sequence[str]
    options: LoadOptions
    config: Config
    read: Window = field(default_factory=Window)
    chunk_rows: int = CHUNK_ROWS
    small_file_bytes: int = SMALL_FILE_BYTES
    parquet_dir: str | None = None
    scorer: Scorer | None = None
    terms: bool = False  # load jieba before forking
    on_scanned: Callable[[LoadReport], None] | None = field(default=None, repr=False)
    on_keys: Callable[[LoadReport], None] | None = field(default=None, repr=False)
    # Set by :meth:`tasks`.
    scans: list[FileScan] = field(default_factory=list)
    plan: DedupePlan | None = None
    users: pd.DataFrame | None = None
    templates: np.ndarray | None = None  # the run's template keys (text.genre)
    threads: ThreadIndex | None = None  # the brands of the run's posts (text.threads)

    def __getstate__(self) -> dict[str, Any]:
        # The hooks stay with the client: workers never call them.
        return {**self.__dict__, "on_scanned": None, "on_keys": None}

    def tasks(self, executor: Executor) -> list[Task]:
        self.scans = prepare(self.paths, self.options, chunk_rows=self.chunk_rows,
                             small_file_bytes=self.small_file_bytes,
                             parquet_dir=self.parquet_dir)
        if self.on_scanned is not None:
            self.on_scanned(LoadReport([s.report for s in self.scans]))
        tasks = tasks_of(self.scans)
        firsts = list(executor.map(_keys_task, tasks, self))
        keys = [k for ks, _, _ in firsts for k in ks]
        index, threads = TemplateIndex(), ThreadIndex()
        for _, part, thread_part in firsts:
            index = index.merge(part)
            threads = threads.merge(thread_part, self.config)
        self.templates = index.keys()
        self.threads = threads
        del firsts
        if self.on_keys is not None:
            self.on_keys(keys_report(self.scans, keys))
        self.plan = build_plan(keys)
        del keys
        self.users = users_frame(self.scans)
        self.scorer = warm_up(self.config, self.scorer, self.terms)
        return tasks

    def piece_keys(self, task: Task) -> tuple[list[ChunkKeys], TemplateIndex, ThreadIndex]:
        """Duplicate keys of one piece, the template index of its posts in the read
        window, and the thread index of all its posts (the first reading)."""
        scan = self.scans[task[0]]
        keys, index, threads = [], TemplateIndex(), ThreadIndex()
        for chunk in canonical_chunks(scan, task[1], self.options, chunk_rows=self.chunk_rows,
                                      with_post_ids=scan.comment_rows):
            keys.append(chunk_keys(chunk))
            posts = chunk.posts
            index = index.merge(TemplateIndex.of(posts[self.read.mask(posts["created_at"])]))
            if not self.config.own_mentions:
                threads = threads.merge(ThreadIndex.of(posts, self.config), self.config)
        return keys, index, threads

    def work(self, task: Task, analyses: Sequence[Analysis[Any]], ctx: Context) -> Part:
        """The partials of one piece (the second reading): posts as ``load_posts`` has
        them, selected and scored as ``analyse`` does, then counted."""
        from brandscan.text.scoring import score_posts, select_posts

        scan, piece = self.scans[task[0]], task[1]
        part = Part([])
        inside = Window(ctx.since, ctx.until)
        for number, (posts, report) in enumerate(piece_posts(
                scan, piece, self.options, self.plan, self.users, chunk_rows=self.chunk_rows)):
            part.reports.append((scan.index, report))
            part.rows += report.rows_read
            selected = select_posts(posts, self.config, brands=ctx.brands, window=self.read,
                                    threads=self.threads)
            history = score_posts(selected, self.config, scorer=self.scorer,
                                  templates=self.templates)
            scored = (history if self.read == inside
                      else history[inside.mask(history["created_at"])])
            if self.parquet_dir is not None:
                write_parquet(scored, self.parquet_dir, scan.index, piece.number + number,
                              model=self.scorer.model_id if self.scorer else "")
            part.add(analyses, Chunk(scored, history, posts), ctx)
            _widen(part.spans, (piece.file, piece.number), posts["created_at"])
        return part

    def piece_windows(self, task: Task, ranges: Sequence[tuple[int, int]],
                      ctx: Context) -> pd.DataFrame:
        """The scored posts of one piece created in one of ``ranges`` (``[start, end)``,
        UTC ns): the second, targeted reading. Only those posts are selected and scored."""
        from brandscan.text.scoring import score_posts, select_posts

        frames = []
        empty = None
        for posts, _ in piece_posts(self.scans[task[0]], task[1], self.options, self.plan,
                                    self.users, chunk_rows=self.chunk_rows):
            ns = posts["created_at"].dt.tz_convert("UTC").astype("int64").to_numpy()
            keep = np.zeros(len(posts), dtype=bool)
            for start, end in ranges:
                keep |= (ns >= start) & (ns < end) & posts["created_at"].notna().to_numpy()
            sub = posts[keep] if keep.any() else posts.iloc[0:0]
            scored = score_posts(select_posts(sub, self.config, brands=ctx.brands,
                                              window=self.read, threads=self.threads),
                                 self.config,
                                 scorer=self.scorer, templates=self.templates)
            if len(scored):
                frames.append(scored)
            elif empty is None:
                empty = scored
        if frames:
            return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return empty if empty is not None else pd.DataFrame()

    def windows(self, total: Part | None, ranges: list[tuple[int, int]], data_end: int | None,
                executor: Executor, work: Work) -> WindowPosts:
        tasks = tasks_of(self.scans)

        def fetch(wanted: list[tuple[int, int]]) -> pd.DataFrame:
            todo = touching(tasks, total, wanted)
            return concat_frames(list(executor.map(_windows_task, todo,
                                                   (work, tuple(wanted)))))

        return FetchedWindows(fetch, ranges, data_end)

    def accounting(self, total: Part | None) -> tuple[LoadReport, str | None]:
        for index, report in (total.reports if total is not None else []):
            add_report(self.scans[index].report, report)
        for scan in self.scans:  # in line order, as load_posts lists them
            scan.report.skipped.sort(key=lambda s: s.line)
        return LoadReport([s.report for s in self.scans]), None


def _keys_task(source: FileSource, task: Task
               ) -> tuple[list[ChunkKeys], TemplateIndex, ThreadIndex]:
    return source.piece_keys(task)


def _windows_task(state: tuple[Work, tuple[tuple[int, int], ...]], task: Task
                  ) -> pd.DataFrame:
    work, ranges = state
    source = work.source
    assert isinstance(source, FileSource)
    return source.piece_windows(task, ranges, work.ctx)


def _widen(spans: dict[tuple[int, int], tuple[int, int] | None], key: tuple[int, int],
           times: pd.Series) -> None:
    times = times.dropna()
    span = spans.get(key)
    if times.empty:
        spans.setdefault(key, None)
        return
    lo, hi = int(times.min().value), int(times.max().value)
    spans[key] = (lo, hi) if span is None else (min(span[0], lo), max(span[1], hi))


def touching(tasks: Sequence[Task], part: Part | None, ranges: Sequence[tuple[int, int]]
             ) -> list[Task]:
    """The pieces holding a post in one of ``ranges`` (``[start, end)``, UTC ns): exports
    are mostly in time order, so an alert window is usually in one or two pieces."""
    spans = part.spans if part is not None else {}
    out = []
    for task in tasks:
        key = (task[1].file, task[1].number)
        if key not in spans:  # not seen: read it, to be safe
            out.append(task)
            continue
        span = spans[key]
        if span is not None and any(span[0] < end and start <= span[1]
                                    for start, end in ranges):
            out.append(task)
    return out


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


def prepare(paths: Iterable[str | os.PathLike[str]], options: LoadOptions, *,
            chunk_rows: int = CHUNK_ROWS, small_file_bytes: int = SMALL_FILE_BYTES,
            parquet_dir: str | None = None) -> list[FileScan]:
    """Scan the files (step 1) and check the parquet folder before any long work."""
    if parquet_dir is not None:
        folder = Path(parquet_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BrandscanError(f"cannot create {folder}: {exc.strerror or exc}") from None
        old = sorted(folder.glob("part-*.parquet"))
        if old:
            raise BrandscanError(f"{folder} already holds {len(old)} part file(s)",
                                 hint="give an empty or new folder to --write-parquet")
    return scan_files(paths, options, chunk_rows=chunk_rows, small_file_bytes=small_file_bytes)


def tasks_of(scans: Sequence[FileScan]) -> list[Task]:
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


def warm_up(config: Config, scorer: Scorer | None, terms: bool) -> Scorer:
    """Load the sentiment engine and jieba in this process, so forked workers share them."""
    from brandscan.text.sentiment import get_scorer

    scorer = scorer or get_scorer(config.sentiment.model)
    if terms:
        from brandscan.text.terms import complaint_terms

        complaint_terms(["预热"], config)
    return scorer


def input_bytes(paths: Iterable[str | os.PathLike[str]]) -> int:
    """Total size of the input files (missing ones count 0)."""
    return sum(_size(str(p)) for p in paths)


