"""The store read in stretches of time: a year of history analysed in bounded memory.

DuckDB hands over the window's posts (filters pushed into SQL, see
:mod:`brandscan.store.query`) ``chunk_rows`` at a time; each chunk is counted into the
analyses' partials and dropped. A long window is cut at time quantiles into one stretch
per process. The posts behind the alerts are read again for just the alert windows. The
answers are those of the in-memory source, which reads every post of the window at once.

Complaint terms come from the store's memory of them (``Context.terms``), so a report
over the whole history segments only the posts no earlier run has.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze.partial import Analysis, Chunk, Context, WindowPosts
from brandscan.config import Config
from brandscan.engine.driver import Part, Work, concat_frames
from brandscan.engine.executors import Executor
from brandscan.engine.windows import FetchedWindows
from brandscan.load.accounting import LoadReport
from brandscan.text.threads import ThreadIndex
from brandscan.window import Window

#: Posts per chunk: about 300 MB of frames at Weibo text lengths.
STORE_CHUNK_ROWS = 250_000
#: Fewer posts than this are not split between processes.
MIN_SLICE_ROWS = 100_000


@dataclass
class StoreSource:
    """The stored posts of ``read`` (the window, from the start of the alert baselines
    when a run has alerts), in stretches of time, ``chunk_rows`` at a time."""

    path: str | os.PathLike[str] | None
    config: Config
    read: Window = field(default_factory=Window)
    kind: str = "all"
    lock_timeout: float = 30.0
    chunk_rows: int = STORE_CHUNK_ROWS
    jobs: int = 1
    min_slice_rows: int = MIN_SLICE_ROWS
    brands: tuple[str, ...] = ()
    parent: int = field(default_factory=os.getpid)
    models: dict[str, int] = field(default_factory=dict)  # stored posts per model id
    templates: np.ndarray | None = None  # the run's template keys (text.genre)
    threads: ThreadIndex | None = None  # the brands of every stored post (text.threads)

    def tasks(self, executor: Executor) -> list[Window]:
        from brandscan.store.db import open_store
        from brandscan.store.query import count_posts, store_templates, store_threads, time_cuts

        with open_store(self.path, lock_timeout=self.lock_timeout) as store:
            # One stretch per process, and none too small to be worth a process: a week
            # of posts is read faster here than forked off.
            parts = min(self.jobs, count_posts(store, self.read, self.kind)
                        // self.min_slice_rows)
            cuts = time_cuts(store, self.read, self.kind, parts)
            self.templates = store_templates(store, self.read, self.kind, self.chunk_rows)
            self.threads = store_threads(store, self.config, self.chunk_rows)
        edges = [self.read.since, *cuts, self.read.until]
        return [Window(a, b) for a, b in itertools.pairwise(edges)]

    def work(self, task: Window, analyses: Sequence[Analysis[Any]], ctx: Context) -> Part:
        """One stretch of time, read in chunks: its partials, models and batches."""
        from brandscan.store.db import open_store
        from brandscan.store.query import iter_scored_origin

        w = Window(ctx.since, ctx.until)
        part = Part([])
        worker = os.getpid() != self.parent
        with open_store(self.path, lock_timeout=self.lock_timeout) as store:
            if worker:
                # Each worker has its core; DuckDB's own threads would only contend.
                store.con.execute("SET threads = 1")
            for history, origin in iter_scored_origin(store, self.config, window=task,
                                                      brands=ctx.brands, kind=self.kind,
                                                      chunk_rows=self.chunk_rows,
                                                      templates=self.templates,
                                                      threads=self.threads):
                inside = w.mask(history["created_at"]).to_numpy()
                scored = history if inside.all() else history[inside]
                mine = origin[inside]
                for model, n in mine["model_id"].value_counts().items():
                    part.models[str(model)] = part.models.get(str(model), 0) + int(n)
                part.batches.update(int(b) for b in mine["last_batch"].unique())
                # A store-only run has no other loaded posts: official replies are looked
                # for among the stored ones.
                part.add(analyses, Chunk(scored, history), ctx)
                part.rows += len(history)
        save = getattr(ctx.terms, "save", None)
        if worker and save is not None:
            save()  # a worker's newly cut terms would be lost with it
        return part

    def windows(self, total: Part | None, ranges: list[tuple[int, int]], data_end: int | None,
                executor: Executor, work: Work) -> WindowPosts:
        return FetchedWindows(self.fetch, ranges, data_end)

    def fetch(self, ranges: Sequence[tuple[int, int]]) -> pd.DataFrame:
        """The stored posts of ``ranges`` (UTC ns), never past the run's own window."""
        from brandscan.store.db import open_store
        from brandscan.store.query import read_scored

        tz = self.config.timezone
        frames = []
        with open_store(self.path, lock_timeout=self.lock_timeout) as store:
            for start, end in ranges:
                since = pd.Timestamp(start, tz="UTC").tz_convert(tz)
                until = pd.Timestamp(end, tz="UTC").tz_convert(tz)
                if self.read.since is not None:
                    since = max(since, pd.Timestamp(self.read.since))
                if self.read.until is not None:
                    until = min(until, pd.Timestamp(self.read.until))
                frames.append(read_scored(store, self.config, window=Window(since, until),
                                          brands=self.brands, kind=self.kind,
                                          templates=self.templates,
                                          threads=self.threads).scored)
        return concat_frames(frames)


    def accounting(self, total: Part | None) -> tuple[LoadReport, str | None]:
        from brandscan.store.db import open_store
        from brandscan.store.query import batch_report, model_id_for, model_note

        batches = sorted(total.batches) if total is not None else []
        with open_store(self.path, lock_timeout=self.lock_timeout) as store:
            report = batch_report(store, batches)
        self.models = dict(total.models) if total is not None else {}
        return report, model_note(self.models, model_id_for(self.config.sentiment.model))
