"""``--engine dask``: the streaming pipeline on a Dask cluster, with the same answers.

The files are scanned here (the client): encodings, layouts and the byte ranges of the
pieces, each about ``chunk_rows`` records starting on a record boundary. The pieces
become a ``dask.bag``, one piece per partition, and the workers read them from the
files themselves — so on a real cluster the input must be at the same path on every
worker (a shared or network file system). Two passes over the bag:

1. every worker reads its pieces for their duplicate keys; the client builds the
   dedupe plan (keep the last copy of each post, as ``load_posts`` does);
2. every worker reads its pieces again, scores them with the fast engine and builds
   partial :class:`~brandscan.engine.aggregates.Aggregate` values, which a tree
   reduction (``split_every`` at a time) merges into one.

The sentiment model, the plan and the scan are sent to each worker once
(``client.scatter(..., broadcast=True)``), not with every task; jieba's dictionary is
loaded once per worker process. Because every aggregate is exact and order-free, the
result is the same as the local engine's whatever the number of workers and the order
in which pieces finish.

``--write-parquet DIR`` has each worker write its scored chunks as Parquet files
(canonical columns plus brands, sentiment, label, categories) that DuckDB and
``brandscan ingest`` read directly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from brandscan.engine.radar import FetchedWindows
from brandscan.engine.stream import (
    PiecePart,
    RunSpec,
    StreamResult,
    alert_ranges,
    concat_windows,
    finish,
    keys_report,
    piece_aggregate,
    piece_keys,
    piece_windows,
    prepare,
    tasks_of,
    touching,
)
from brandscan.errors import BrandscanError
from brandscan.load.accounting import LoadReport
from brandscan.load.chunks import ChunkKeys, FileScan, Piece, build_plan, users_frame
from brandscan.text.sentiment import Scorer

#: How many partial results one reduction task merges.
SPLIT_EVERY = 8
#: How long to wait for the scheduler given with --scheduler.
CONNECT_TIMEOUT = "20s"


def _keys(task: tuple[int, Piece], scans: list[FileScan], spec: RunSpec) -> list[ChunkKeys]:
    return piece_keys(scans[task[0]], task[1], spec)


def _aggregate(task: tuple[int, Piece], scans: list[FileScan], spec: RunSpec, plan: Any,
               users: Any, scorer: Scorer) -> PiecePart:
    return piece_aggregate(scans[task[0]], task[1], spec, plan, users, scorer)


def _windows(task: tuple[int, Piece], scans: list[FileScan], spec: RunSpec, plan: Any,
             users: Any, scorer: Scorer, ranges: list[tuple[int, int]]) -> Any:
    return piece_windows(scans[task[0]], task[1], spec, plan, users, scorer, ranges)


def _merge(parts: Iterable[PiecePart]) -> PiecePart | None:
    out: PiecePart | None = None
    for part in parts:
        if part is not None:
            out = part if out is None else out.merge(part)
    return out


def _closed(ranges: list[tuple[int, int]]) -> Any:
    # The alert windows are read while the cluster is up (needed_ranges covers every
    # window the radar asks for); asking later for another is a bug, not a user error.
    raise RuntimeError(f"window posts outside the ranges read on the cluster: {ranges}")


def _import_dask() -> tuple[Any, Any, Any]:
    try:
        import dask.bag as db
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BrandscanError("--engine dask needs Dask",
                             hint="pip install 'brandscan[dask]' (dask[distributed])") from None
    return db, Client, LocalCluster


def connect(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """(client, local cluster or None): the cluster at ``scheduler`` (``tcp://host:8786``),
    else a LocalCluster of ``workers`` processes with one thread each (scoring holds the
    GIL, so processes, not threads, give parallelism)."""
    _, Client, LocalCluster = _import_dask()
    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError) as exc:
            raise BrandscanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                                 hint="start it with 'dask scheduler' (or dask-scheduler) "
                                      "and check the address") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run_dask(paths: Iterable[str | os.PathLike[str]], spec: RunSpec, *,
             scheduler: str | None = None, workers: int = 2, scorer: Scorer | None = None,
             on_scanned: Callable[[LoadReport], None] | None = None,
             on_keys: Callable[[LoadReport], None] | None = None) -> StreamResult:
    """Analyse the files on a Dask cluster; see the module docstring."""
    from brandscan.text.sentiment import get_scorer

    db, _, _ = _import_dask()
    scans = prepare(paths, spec)
    if on_scanned is not None:
        on_scanned(LoadReport([s.report for s in scans]))
    tasks = tasks_of(scans)
    client, cluster = connect(scheduler, workers)
    try:
        shared = client.scatter({"scans": scans, "spec": spec}, broadcast=True)
        bag = db.from_sequence(tasks, npartitions=max(1, len(tasks)))
        keys = bag.map(_keys, shared["scans"], shared["spec"]).flatten().compute() if (
            tasks) else []
        if on_keys is not None:
            on_keys(keys_report(scans, keys))
        plan = build_plan(keys)
        del keys
        model = client.scatter({"plan": plan, "users": users_frame(scans),
                                "scorer": scorer or get_scorer(spec.config.sentiment.model)},
                               broadcast=True)
        total = None
        if tasks:
            total = bag.map(_aggregate, shared["scans"], shared["spec"], model["plan"],
                            model["users"], model["scorer"]).reduction(
                _merge, _merge, split_every=SPLIT_EVERY).compute()
        result = finish(scans, [total] if total is not None else [], spec)
        if spec.radar and total is not None and total.radar is not None:
            # The second, targeted reading: only the alert windows' posts come back.
            ranges = alert_ranges(total, spec)
            todo = touching(tasks, total, ranges) if ranges else []
            frames = db.from_sequence(todo, npartitions=len(todo)).map(
                _windows, shared["scans"], shared["spec"], model["plan"], model["users"],
                model["scorer"], ranges).compute() if todo else []
            result.windows = FetchedWindows(_closed, ranges, total.radar.data_end,
                                            frame=concat_windows(list(frames)) if ranges else None)
        return result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
