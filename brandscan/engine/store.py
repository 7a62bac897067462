"""The store read in chunks: a year of history analysed in bounded memory.

``--engine stream`` over the store (the default when a command reads only the store):
DuckDB hands over the window's posts (filters pushed into SQL, see
:mod:`brandscan.store.query`) ``chunk_rows`` at a time; each chunk is counted into the
same partial aggregates the file engines merge (:func:`brandscan.engine.stream.add_chunk`)
and dropped. The posts behind the alerts are read again for just the alert windows. The
answers are those of ``--engine local``, which reads every post of the window into memory.

Complaint terms come from the store's memory of them (:mod:`brandscan.store.terms`), so
a report over the whole history segments only the posts no earlier run has.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from brandscan.engine.radar import FetchedWindows
from brandscan.engine.stream import (
    PiecePart,
    RunSpec,
    StreamResult,
    add_chunk,
    alert_ranges,
    empty_part,
    run_tasks,
)
from brandscan.window import Window

#: Posts per chunk: about 300 MB of frames at Weibo text lengths.
STORE_CHUNK_ROWS = 250_000
#: Fewer posts than this are not split between processes.
MIN_SLICE_ROWS = 100_000


@dataclass
class StoreRun:
    """A chunked read of the store: the merged result and where its scores came from."""

    result: StreamResult
    models: dict[str, int] = field(default_factory=dict)  # posts per model id, in the window
    current: str = ""  # the configured model's id


def run_store(path: str | os.PathLike[str] | None, spec: RunSpec, *,
              lock_timeout: float = 30.0, chunk_rows: int = STORE_CHUNK_ROWS, jobs: int = 1,
              min_slice_rows: int = MIN_SLICE_ROWS,
              progress: Callable[[int], None] | None = None) -> StoreRun:
    """Analyse the stored posts of ``spec.window`` (and of the alert baselines before it,
    with ``spec.radar``) chunk by chunk, in ``jobs`` processes that each read one stretch
    of time. ``progress`` is called with each stretch's size."""
    from brandscan.store.db import open_store
    from brandscan.store.query import batch_report, count_posts, model_id_for, time_cuts

    read = spec.read_window() or Window()
    with open_store(path, lock_timeout=lock_timeout) as store:
        # One stretch per process, and none too small to be worth a process: a week of
        # posts is read faster here than forked off.
        parts = min(jobs, count_posts(store, read, spec.options.kind) // min_slice_rows)
        cuts = time_cuts(store, read, spec.options.kind, parts)
    edges = [read.since, *cuts, read.until]
    slices = [Window(a, b) for a, b in itertools.pairwise(edges)]
    _STATE.update(path=path, spec=spec, lock_timeout=lock_timeout, chunk_rows=chunk_rows,
                  parent=os.getpid())
    try:
        part, models, batches = empty_part(spec), {}, set()
        for sliced in run_tasks(_slice_task, list(enumerate(slices)), jobs):
            p, m, b = sliced
            part = part.merge(p)
            for model, n in m.items():
                models[model] = models.get(model, 0) + n
            batches.update(b)
            if progress is not None:
                progress(p.rows)
    finally:
        _STATE.clear()
    with open_store(path, lock_timeout=lock_timeout) as store:
        report = batch_report(store, sorted(batches))
    result = StreamResult(part.aggregate, report, part.radar)
    if spec.radar and part.radar is not None:
        result.windows = FetchedWindows(_fetcher(path, spec, lock_timeout),
                                        alert_ranges(part, spec), part.radar.data_end)
    return StoreRun(result, models, model_id_for(spec.config.sentiment.model))


# Set before forking: the workers read it instead of unpickling it per task.
_STATE: dict[str, Any] = {}


def _slice_task(task: tuple[int, Window]) -> tuple[PiecePart, dict[str, int], set[int]]:
    """One stretch of time, read in chunks: its partials, models and batches."""
    from brandscan.store.db import open_store
    from brandscan.store.query import iter_scored_origin
    from brandscan.text.terms import current_source

    s = _STATE
    spec: RunSpec = s["spec"]
    w = spec.window or Window()
    part = empty_part(spec)
    models: dict[str, int] = {}
    batches: set[int] = set()
    with open_store(s["path"], lock_timeout=s["lock_timeout"]) as store:
        if os.getpid() != s.get("parent"):
            # Each worker has its core; DuckDB's own threads would only contend.
            store.con.execute("SET threads = 1")
        for history, origin in iter_scored_origin(store, spec.config, window=task[1],
                                                  brands=spec.brands, kind=spec.options.kind,
                                                  chunk_rows=s["chunk_rows"]):
            inside = w.mask(history["created_at"]).to_numpy()
            scored = history if inside.all() else history[inside]
            mine = origin[inside]
            for model, n in mine["model_id"].value_counts().items():
                models[str(model)] = models.get(str(model), 0) + int(n)
            batches.update(int(b) for b in mine["last_batch"].unique())
            # A store-only run has no other loaded posts: official replies are looked
            # for among the stored ones, as the in-memory path does.
            add_chunk(part, history, scored, spec)
            part.rows += len(history)
    source = current_source()
    if source is not None and hasattr(source, "save") and os.getpid() != s.get("parent"):
        source.save()  # a worker's newly cut terms would be lost with it
    return part, models, batches


def _fetcher(path: str | os.PathLike[str] | None, spec: RunSpec, lock_timeout: float
             ) -> Callable[[list[tuple[int, int]]], pd.DataFrame]:
    from brandscan.store.db import open_store
    from brandscan.store.query import read_scored

    tz = spec.config.timezone
    read = spec.read_window() or Window()

    def fetch(ranges: Sequence[tuple[int, int]]) -> pd.DataFrame:
        frames = []
        with open_store(path, lock_timeout=lock_timeout) as store:
            for start, end in ranges:
                since = pd.Timestamp(start, tz="UTC").tz_convert(tz)
                until = pd.Timestamp(end, tz="UTC").tz_convert(tz)
                # Never past the run's own window: those posts are not in its history.
                if read.since is not None:
                    since = max(since, pd.Timestamp(read.since))
                if read.until is not None:
                    until = min(until, pd.Timestamp(read.until))
                window = Window(since, until)
                frames.append(read_scored(store, spec.config, window=window,
                                          brands=spec.brands, kind=spec.options.kind).scored)
        full = [f for f in frames if len(f)]
        if not full:
            return frames[0] if frames else pd.DataFrame()
        return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]

    return fetch
