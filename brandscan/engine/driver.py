"""One run: scan -> plan -> partials -> merge -> second read -> finish, for every source
and every executor.

A *source* (files read in chunks, the store read in stretches of time, posts in memory)
turns the input into tasks and a task into partials of the run's analyses; an *executor*
(this process, a pool, a Dask cluster) runs the tasks and merges what they return. The
analyses finish from the merged partials, with the posts of their alert windows read
again by the source. Engines execute; analyses decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from brandscan.analyze.partial import Analysis, Chunk, Context, NamesPosts, WindowPosts
from brandscan.analyze.run import RunResults, finish_all, needed_ranges
from brandscan.engine.executors import Executor
from brandscan.load.accounting import FileReport, LoadReport


@dataclass
class Part:
    """What tasks return: the analyses' partials and the input's accounting."""

    partials: list[Any]
    rows: int = 0  # input records read
    reports: list[tuple[int, FileReport]] = field(default_factory=list)  # files' accounting
    #: (file, piece number) -> first and last post time (UTC ns) in the piece, None when
    #: no post has a time: the alert windows are read again only from pieces they touch.
    spans: dict[tuple[int, int], tuple[int, int] | None] = field(default_factory=dict)
    models: dict[str, int] = field(default_factory=dict)  # stored posts per model id
    batches: set[int] = field(default_factory=set)  # the store's ingest batches read

    def add(self, analyses: Sequence[Analysis[Any]], chunk: Chunk, ctx: Context) -> None:
        """Count one chunk into the partials."""
        fresh = [a.partial(chunk, ctx) for a in analyses]
        self.partials = (fresh if not self.partials else
                         [a.merge(x, y) for a, x, y in zip(analyses, self.partials, fresh)])

    def merge(self, other: Part, analyses: Sequence[Analysis[Any]]) -> Part:
        if not other.partials:
            partials = self.partials
        elif not self.partials:
            partials = other.partials
        else:
            partials = [a.merge(x, y) for a, x, y in zip(analyses, self.partials,
                                                         other.partials)]
        models = dict(self.models)
        for model, n in other.models.items():
            models[model] = models.get(model, 0) + n
        return Part(partials, self.rows + other.rows, self.reports + other.reports,
                    {**self.spans, **other.spans}, models, self.batches | other.batches)


@dataclass(frozen=True)
class Work:
    """The state every task of a run reads (sent to each worker once)."""

    source: Source
    analyses: tuple[Analysis[Any], ...]
    ctx: Context


class Source(Protocol):
    """The input of a run, cut into tasks."""

    def tasks(self, executor: Executor) -> list[Any]:
        """Prepare (scan, plan) and return the tasks; may run work on ``executor``."""

    def work(self, task: Any, analyses: Sequence[Analysis[Any]], ctx: Context) -> Part:
        """The partials of one task (runs in a worker)."""

    def windows(self, total: Part | None, ranges: list[tuple[int, int]], data_end: int | None,
                executor: Executor, work: Work) -> WindowPosts:
        """The posts of ``ranges``, read again (and of any other window asked for)."""

    def accounting(self, total: Part | None) -> tuple[LoadReport, str | None]:
        """How the input was read, and the sentiment model(s) its scores came from when
        the source knows (None: the configured one)."""


def _task(work: Work, task: Any) -> Part:
    return work.source.work(task, work.analyses, work.ctx)


def execute(source: Source, analyses: Sequence[Analysis[Any]], ctx: Context,
            executor: Executor, *, progress: Callable[[int], None] | None = None
            ) -> RunResults:
    """Run ``analyses`` over ``source`` on ``executor`` (see the module docstring)."""
    analyses = tuple(analyses)
    tasks = source.tasks(executor)
    work = Work(source, analyses, ctx)
    total: Part | None = executor.reduce(
        _task, lambda a, b: a.merge(b, analyses), tasks, work,
        (lambda part: progress(part.rows)) if progress is not None else None)
    partials = (total.partials if total is not None and total.partials
                else [a.empty(ctx) for a in analyses])
    load, model = source.accounting(total)
    windows = None
    if any(isinstance(a, NamesPosts) for a in analyses):
        ranges = needed_ranges(analyses, partials, ctx)
        ends = [a.data_end(p) for a, p in zip(analyses, partials) if isinstance(a, NamesPosts)]
        known = [e for e in ends if e is not None]
        windows = source.windows(total, ranges, max(known) if known else None, executor,
                                 work)
    return finish_all(analyses, partials, ctx, windows=windows, load=load, model=model)


def concat_frames(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Posts of several reads (reads that found none give an empty scored frame)."""
    full = [f for f in frames if len(f)]
    if not full:
        return next((f for f in frames if len(f.columns)), pd.DataFrame())
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]
