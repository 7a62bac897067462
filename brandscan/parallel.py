"""Spread pure per-text work (segmentation, scoring) over processes, in chunks.

Results never depend on the number of jobs: every text is handled by the same pure
function whichever process gets it, and chunks come back in input order. Workers are
forked, so the models the parent already loaded (jieba's dictionary, the sentiment
tables) are shared copy-on-write instead of being loaded again per worker.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items a pool costs more than it saves.
MIN_PARALLEL = 8_000
CHUNK = 2_000

_TASK: Callable[[Sequence[Any]], list[Any]] | None = None


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    assert _TASK is not None
    return _TASK(chunk)


def map_chunks(task: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, jobs: int = 1,
               progress: Callable[[int], None] | None = None, chunk: int = CHUNK) -> list[R]:
    """``task`` over ``items`` in chunks, in order; forked workers when it pays.

    ``task`` takes a list and returns one result per item. ``progress`` is called with
    the number of items finished after each chunk.
    """
    global _TASK
    # Several chunks per worker keep both cores busy to the end; one process takes big
    # chunks, which lets the scorer share work between repeated texts.
    chunk = max(chunk, -(-len(items) // (4 * jobs)) if jobs > 1 else chunk * 10)
    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    out: list[R] = []
    if jobs <= 1 or len(items) < MIN_PARALLEL or "fork" not in mp.get_all_start_methods():
        for c in chunks:
            out.extend(task(c))
            if progress:
                progress(len(c))
        return out
    _TASK = task
    try:
        with frozen_heap(), mp.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
            for c, result in zip(chunks, pool.imap(_run_chunk, chunks)):
                out.extend(result)
                if progress:
                    progress(len(c))
    finally:
        _TASK = None
    return out


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Around forking workers: the parent's objects are moved out of the collector's
    reach (``gc.freeze``), so a child never runs the finaliser of an object it merely
    inherited — a database connection or a thread pool whose threads exist only in the
    parent — and never writes to the parent's pages (copy-on-write stays shared). The
    parent's garbage is collected first, in the parent."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
