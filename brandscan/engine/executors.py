"""Where the work of a run's tasks runs: this process, a pool of forked processes, or a
Dask cluster. An executor knows nothing of posts or analyses: it maps a task function
over tasks, with a state every task reads, and folds the results with a merge.

The state (the source, the analyses, the sentiment engine…) is set once: before the pool
forks (workers share it copy-on-write), or scattered to every Dask worker once.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from brandscan.errors import BrandscanError
from brandscan.parallel import frozen_heap

T = TypeVar("T")
R = TypeVar("R")
#: A task function: ``fn(state, task)``, a module-level function (picklable by name).
TaskFn = Callable[[Any, Any], Any]

#: How many partial results one Dask reduction task merges.
SPLIT_EVERY = 8
#: How long to wait for the scheduler given with --scheduler.
CONNECT_TIMEOUT = "20s"


class Executor(Protocol):
    """Runs task functions over tasks."""

    def map(self, fn: TaskFn, tasks: Sequence[Any], state: Any) -> Iterator[Any]:
        """``fn(state, task)`` of every task, in any order."""

    def reduce(self, fn: TaskFn, merge: Callable[[Any, Any], Any], tasks: Sequence[Any],
               state: Any, progress: Callable[[Any], None] | None = None) -> Any:
        """The merge of ``fn(state, task)`` over every task (None for no task)."""

    def close(self) -> None: ...


def _fold(results: Iterator[Any], merge: Callable[[Any, Any], Any],
          progress: Callable[[Any], None] | None) -> Any:
    total = None
    for part in results:
        if progress is not None:
            progress(part)
        total = part if total is None else merge(total, part)  # memory holds one merge
    return total


class Serial:
    """Every task in this process, one after the other."""

    def map(self, fn: TaskFn, tasks: Sequence[Any], state: Any) -> Iterator[Any]:
        for task in tasks:
            yield fn(state, task)

    def reduce(self, fn: TaskFn, merge: Callable[[Any, Any], Any], tasks: Sequence[Any],
               state: Any, progress: Callable[[Any], None] | None = None) -> Any:
        return _fold(self.map(fn, tasks, state), merge, progress)

    def close(self) -> None:
        pass


# Set in the parent before forking: workers read it instead of unpickling it per task.
_STATE: dict[str, Any] = {}


def _call(task: Any) -> Any:
    return _STATE["fn"](_STATE["state"], task)


class Pool(Serial):
    """``jobs`` forked processes (one task at a time each); serial where fork is missing,
    for one job or one task."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def map(self, fn: TaskFn, tasks: Sequence[Any], state: Any) -> Iterator[Any]:
        if self.jobs <= 1 or len(tasks) <= 1 or "fork" not in mp.get_all_start_methods():
            yield from super().map(fn, tasks, state)
            return
        _STATE.update(fn=fn, state=state)
        try:
            with frozen_heap(), mp.get_context("fork").Pool(min(self.jobs, len(tasks)),
                                                            maxtasksperchild=64) as pool:
                yield from pool.imap_unordered(_call, tasks)
        finally:
            _STATE.clear()


def _import_dask() -> tuple[Any, Any, Any]:
    try:
        import dask.bag as db
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BrandscanError("--engine dask needs Dask",
                             hint="pip install 'brandscan[dask]' (dask[distributed])") from None
    return db, Client, LocalCluster


def _merge_all(merge: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    def fold(parts: Any) -> Any:
        out = None
        for part in parts:
            if part is not None:
                out = part if out is None else merge(out, part)
        return out
    return fold


class Dask:
    """A Dask cluster: the one at ``scheduler`` (``tcp://host:8786``), else a LocalCluster
    of ``workers`` processes with one thread each (scoring holds the GIL, so processes,
    not threads, give parallelism). Tasks are a ``dask.bag`` with one task per partition;
    results are merged by a tree reduction on the cluster."""

    def __init__(self, scheduler: str | None, workers: int):
        _, Client, LocalCluster = _import_dask()
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise BrandscanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                                     hint="start it with 'dask scheduler' (or dask-scheduler) "
                                          "and check the address") from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self._scattered: tuple[int, Any] | None = None

    def _state(self, state: Any) -> Any:
        # Sent to every worker once per state, not with every task.
        if self._scattered is None or self._scattered[0] != id(state):
            self._scattered = (id(state), self.client.scatter(state, broadcast=True))
        return self._scattered[1]

    def map(self, fn: TaskFn, tasks: Sequence[Any], state: Any) -> Iterator[Any]:
        if not tasks:
            return iter(())
        db, _, _ = _import_dask()
        bag = db.from_sequence(list(tasks), npartitions=len(tasks))
        return iter(bag.map(_apply, fn, self._state(state)).compute())

    def reduce(self, fn: TaskFn, merge: Callable[[Any, Any], Any], tasks: Sequence[Any],
               state: Any, progress: Callable[[Any], None] | None = None) -> Any:
        if not tasks:
            return None
        db, _, _ = _import_dask()
        bag = db.from_sequence(list(tasks), npartitions=len(tasks))
        fold = _merge_all(merge)
        return bag.map(_apply, fn, self._state(state)).reduction(
            fold, fold, split_every=SPLIT_EVERY).compute()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _apply(task: Any, fn: TaskFn, state: Any) -> Any:
    return fn(state, task)
