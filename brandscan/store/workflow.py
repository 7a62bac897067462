"""What the store commands do: ingest files, rescore, describe, export and prune the store.

A typed library under ``brandscan ingest``, ``rescore`` and ``db info|export|prune``:
the command line parses its options into the arguments below, calls one function and
prints what comes back. Nothing here prints. What an ingest has to tell while it runs
(a file's row accounting, a file that is not stored and why, each batch) goes to an
:class:`IngestListener` as it happens, and long stages report to a ``progress`` factory,
so the caller decides what is shown, where, and whether a bar is drawn at all.

Reading and scoring happen outside the write lock, so a second run (another cron job, an
analyst's report) waits only while a batch is being written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from brandscan.errors import BrandscanError
from brandscan.load.posts import LoadOptions, LoadResult, load_posts
from brandscan.store.db import DEFAULT_LOCK_TIMEOUT, open_store
from brandscan.store.ingest import (
    BatchResult,
    commit,
    file_hash,
    find_known,
    options_hash,
    prepare,
    reuse_scores,
    score_rest,
)
from brandscan.store.query import model_id_for
from brandscan.store.terms import fill
from brandscan.store.upkeep import export, prune, rescore_batch, stale_count, store_info

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.load.accounting import LoadReport
    from brandscan.window import Window

StorePath = str | os.PathLike[str] | None
Advance = Callable[[int], None]
#: ``progress(what, total)`` gives a context whose value is told how much got done (or
#: None: nobody watches). The command line passes its terminal-only progress bar.
Progress = Callable[[str, int], AbstractContextManager[Advance | None]]


def no_progress(what: str, total: int) -> AbstractContextManager[Advance | None]:
    """The default: no bar."""
    return contextlib.nullcontext(None)


# --- ingest --------------------------------------------------------------------------------

@dataclass(frozen=True)
class IngestOptions:
    """How ``ingest`` reads files and writes them to the store."""

    load: LoadOptions = field(default_factory=LoadOptions)
    #: Read a file even when its content was ingested before (with the same ``load``).
    force: bool = False
    #: A file with a skipped row is not stored.
    strict: bool = False
    #: Processes for scoring; the scores do not depend on it.
    jobs: int = 1
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT


class IngestListener(Protocol):
    """Told what happens to each file, in order, while :func:`ingest_files` runs."""

    def loaded(self, report: LoadReport) -> None:
        """A file was read (files that could not be read are in the report too)."""

    def problem(self, error: BrandscanError) -> None:
        """Something the user must hear about: a file not read, or not stored, and why."""

    def stored(self, result: BatchResult) -> None:
        """A file's batch was committed, or its content was found ingested before."""


class _Silent:
    def loaded(self, report: LoadReport) -> None:
        pass

    def problem(self, error: BrandscanError) -> None:
        pass

    def stored(self, result: BatchResult) -> None:
        pass


@dataclass
class IngestRun:
    """What :func:`ingest_files` did."""

    store: Path
    #: One per file stored or found ingested before, in the order of the paths.
    results: list[BatchResult] = field(default_factory=list)
    #: Files that could not be read or, under ``strict``, had skipped rows.
    failed: int = 0


def ingest_files(db: StorePath, paths: Sequence[str], config: Config,
                 options: IngestOptions = IngestOptions(), *,
                 listener: IngestListener | None = None,
                 progress: Progress = no_progress) -> IngestRun:
    """Load, score and store each file as one batch (all of it or none of it).

    The store is created (or migrated) before any file is read. A file that cannot be
    read, or that has skipped rows under ``strict``, is counted in :attr:`IngestRun.failed`
    and the others are still stored; a write that fails (a full disk) raises
    :class:`BrandscanError`, with that file's batch rolled back.
    """
    listener = listener or _Silent()
    model_id = model_id_for(config.sentiment.model)
    fingerprint = options_hash(options.load)
    with open_store(db, write=True, create=True, lock_timeout=options.lock_timeout) as store:
        run = IngestRun(store.path)
    for path in paths:
        result = _ingest_file(run.store, path, config, options, listener, progress,
                              model_id=model_id, fingerprint=fingerprint)
        if result is None:
            run.failed += 1
        else:
            run.results.append(result)
    return run


def _ingest_file(where: Path, path: str, config: Config, options: IngestOptions,
                 listener: IngestListener, progress: Progress, *, model_id: str,
                 fingerprint: str) -> BatchResult | None:
    """One file into the store; None when it is not stored."""
    from brandscan.text.sentiment import get_scorer

    timeout = options.lock_timeout
    try:
        content = file_hash(path)
    except BrandscanError as exc:  # a folder, device or FIFO: the other files go on
        listener.problem(exc)
        return None
    except OSError as exc:
        listener.problem(BrandscanError(f"cannot read: {exc.strerror or exc}", where=path))
        return None
    if not options.force:
        with open_store(where, lock_timeout=timeout) as store:
            known = find_known(store, content, fingerprint)
        if known is not None:
            return _known(path, known, listener)
    loaded = _load(path, options, listener)
    if loaded is None:
        return None
    prep = prepare(path, loaded, model_id=model_id, content=content, opts_hash=fingerprint)
    with open_store(where, lock_timeout=timeout) as store:
        reuse_scores(store, prep)
    with progress(f"scoring {path}", int(prep.rows["sentiment"].isna().sum())) as advance:
        score_rest(prep, lambda: get_scorer(config.sentiment.model), jobs=options.jobs,
                   progress=advance)
    with open_store(where, write=True, lock_timeout=timeout) as store:
        known = None if options.force else find_known(store, content, fingerprint)
        if known is not None:  # another run stored it while this one was scoring
            return _known(path, known, listener)
        result = commit(store, prep)
    listener.stored(result)
    return result


def _known(path: str, known: tuple[int, str], listener: IngestListener) -> BatchResult:
    result = BatchResult(file=path, known_as=known)
    listener.stored(result)
    return result


def _load(path: str, options: IngestOptions, listener: IngestListener) -> LoadResult | None:
    """The posts of one path (a file, or a folder of them), with the same accounting and
    messages as every command that reads files; None when nothing of it may be stored."""
    try:
        loaded = load_posts([path], options.load)
    except BrandscanError as exc:
        listener.problem(exc)
        return None
    report = loaded.report
    if len(report.files) == 1 and report.errors:
        listener.problem(BrandscanError(report.errors[0].error or ""))
        return None
    # --users files are read with the export, and a folder holds several files: each
    # one that failed is named, and the path is stored only when all of them were read.
    for fr in report.errors:
        listener.problem(BrandscanError(f"{fr.error}"))
    if report.errors and not report.ok_files:
        listener.problem(BrandscanError("no input could be read",
                                        hint="see the messages above"))
        return None
    strict = report.strict_error() if options.strict else None
    if strict is not None:
        listener.problem(strict)
        return None
    listener.loaded(report)
    return None if report.errors else loaded


# --- rescore -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RescoreOptions:
    """How ``rescore`` works through the store."""

    #: Posts per committed batch: an interrupted rescore keeps every finished batch.
    batch_size: int = 50_000
    #: Processes for scoring and segmentation; the results do not depend on it.
    jobs: int = 1
    #: Also remember the complaint terms of every stored opinion.
    terms: bool = True
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT


@dataclass(frozen=True)
class RescoreResult:
    """What :func:`rescore` did."""

    #: The configured model, which every stored score now comes from.
    model: str
    #: Posts that were scored by another model when the run began.
    stale: int
    rescored: int
    #: Texts whose complaint terms were added to the store.
    terms_added: int


def rescore(db: StorePath, config: Config, options: RescoreOptions = RescoreOptions(), *,
            progress: Progress = no_progress) -> RescoreResult:
    """Score again the stored posts scored by another model than the configured one, in
    batches committed one by one; then remember the complaint terms of the negative ones."""
    from brandscan.text.sentiment import get_scorer

    model = model_id_for(config.sentiment.model)
    timeout = options.lock_timeout
    with open_store(db, lock_timeout=timeout) as store:
        stale = stale_count(store, model)
        where = store.path
    done = 0
    if stale:
        scorer = get_scorer(config.sentiment.model)
        with progress("rescoring", stale) as advance:
            while n := rescore_batch(where, scorer, batch_size=options.batch_size,
                                     jobs=options.jobs, lock_timeout=timeout,
                                     progress=advance):
                done += n
    added = 0
    if options.terms:
        with contextlib.ExitStack() as stack:
            # The number of texts to cut is known only once they are read: the bar
            # starts then.
            bar: list[Advance | None] = [None]

            def total(n: int) -> None:
                bar[0] = stack.enter_context(progress("complaint terms", n))

            def advance_terms(n: int) -> None:
                if bar[0] is not None:
                    bar[0](n)

            added = fill(where, config, jobs=options.jobs, lock_timeout=timeout, total=total,
                         progress=advance_terms)
    return RescoreResult(model=model, stale=stale, rescored=done, terms_added=added)


# --- db info / export / prune ----------------------------------------------------------------

def describe(db: StorePath, config: Config, *, batches: int = 10,
             lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> dict[str, Any]:
    """What ``db info`` shows (see :func:`~brandscan.store.upkeep.store_info`)."""
    with open_store(db, lock_timeout=lock_timeout) as store:
        return store_info(store, config, batches=batches)


@dataclass(frozen=True)
class Exported:
    """What :func:`export_posts` wrote."""

    posts: int
    target: str
    format: str


def export_posts(db: StorePath, target: str, fmt: str, *, tz: str,
                 window: Window | None = None,
                 lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Exported:
    """Every stored post in ``window`` with its score and history (``fmt``: parquet or
    csv), written atomically."""
    with open_store(db, lock_timeout=lock_timeout) as store:
        n = export(store, target, fmt, tz=tz, window=window)
    return Exported(n, target, fmt)


def prune_posts(db: StorePath, before: datetime, *, dry_run: bool = False,
                lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> int:
    """Delete the posts created before ``before`` (``dry_run``: only count them)."""
    with open_store(db, write=not dry_run, lock_timeout=lock_timeout) as store:
        return prune(store, before, dry_run=dry_run)
