"""One entry point for every analysis command: read the input, run the analyses on the
engine the input calls for, return their results.

The engine is an argument here, never a branch in a command: ``local`` holds the posts in
memory (files, and files with the store), ``stream`` reads files in chunks in a pool of
processes or the store in stretches of time, ``dask`` reads files on a Dask cluster. The
analyses and their answers are the same on each.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pandas as pd

from brandscan.analyze.alerts import baseline_span
from brandscan.analyze.partial import Analysis, Context, NamesPosts
from brandscan.analyze.report import Report
from brandscan.analyze.run import RunResults
from brandscan.app.extent import InputSpan, no_mentions
from brandscan.app.request import Request, Settings, check_brands, settings
from brandscan.config import Config
from brandscan.errors import BrandscanError, UsageError
from brandscan.load.accounting import LoadReport
from brandscan.names import name_of
from brandscan.window import Window

ENGINES = ("auto", "local", "stream", "dask")


class Hooks(Protocol):
    """What a run tells the person running it (the command line's environment)."""

    stderr_tty: bool

    def warn(self, message: str) -> None:
        """A message on stderr, unless quiet."""

    def error(self, message: str) -> None:
        """A message on stderr, quiet or not."""

    def progress(self, what: str, total: int
                 ) -> AbstractContextManager[Callable[[int], None] | None]: ...


class Silent:
    """Hooks for library use: nothing on stderr, no progress bars."""

    stderr_tty = False

    def warn(self, message: str) -> None:
        pass

    def error(self, message: str) -> None:
        pass

    def progress(self, what: str, total: int
                 ) -> AbstractContextManager[Callable[[int], None] | None]:
        return contextlib.nullcontext()


@dataclass
class Outcome:
    """The results of a run and what they rest on."""

    results: RunResults
    config: Config
    now: datetime  # --now, else the clock
    window: Window
    load: LoadReport
    engine: str
    scored: pd.DataFrame | None = None  # the window's scored posts (local engine only)
    #: When the analyses counted no post: what the input holds instead (see
    #: :mod:`brandscan.app.extent`); "" otherwise.
    no_mentions: str = ""

    def __getitem__(self, name: str) -> Any:
        return self.results.result(name)


# --- loading -----------------------------------------------------------------------------

@dataclass
class Loaded:
    settings: Settings
    posts: pd.DataFrame
    report: LoadReport


def load(request: Request, hooks: Hooks, *, fail_on_bad_file: bool = True,
         check_model: bool = True) -> Loaded:
    """The files read whole, their accounting checked and summed up on stderr."""
    from brandscan.load.posts import load_posts

    if not request.files and not request.store:
        raise UsageError("Missing argument 'FILES...'.")
    s = settings(request, check_model=check_model)
    result = load_posts(request.expanded_files(), s.options)
    check_file_errors(result.report, hooks)
    check_strict(result.report, request)
    load_summary(hooks, result.report, fail_on_bad_file=fail_on_bad_file)
    return Loaded(s, result.posts, result.report)


def check_file_errors(report: LoadReport, hooks: Hooks) -> None:
    """Name every file that could not be read; stop when none could."""
    if len(report.files) == 1 and report.errors:
        raise BrandscanError(report.errors[0].error or "")
    for fr in report.errors:
        hooks.error(f"brandscan: {fr.error}")
    if report.errors and not report.ok_files:
        raise BrandscanError("no input could be read", hint="see the messages above")


def check_strict(report: LoadReport, request: Request) -> None:
    """--strict: any skipped row is an error."""
    error = report.strict_error() if request.strict else None
    if error is not None:
        raise error


def load_summary(hooks: Hooks, report: LoadReport, *, fail_on_bad_file: bool = True) -> None:
    """The one-line accounting on stderr; a file that could not be read fails the run."""
    if report.ok_files and (hooks.stderr_tty or report.skipped or report.errors
                            or report.total("truncated_text")):
        hooks.warn(f"brandscan: {report.summary_line()}")
    if report.errors and fail_on_bad_file:
        raise_file_errors(report)


def raise_file_errors(report: LoadReport) -> None:
    # The good files were read and counted; a bad one still fails the run, for cron.
    raise BrandscanError(f"{len(report.errors)} of {len(report.files)} file(s) "
                         "could not be read")


def window_of(request: Request, config: Config, now: datetime) -> Window:
    from brandscan.window import parse_moment

    tz = config.tz
    since = parse_moment(request.since, tz=tz, now=now) if request.since else None
    until = (parse_moment(request.until, tz=tz, now=now, option="--until")
             if request.until else None)
    return Window(since, until)


# --- the engine ----------------------------------------------------------------------------

def engine_of(request: Request) -> str:
    """The engine to run on: --engine, or for ``auto`` the one the input calls for."""
    engine = request.engine
    store, files = request.store, bool(request.files)
    if store and not files and engine in ("auto", "stream") and not request.scheduler:
        if request.parquet_dir:
            raise UsageError("--write-parquet is for files, not the store")
        # The store alone is read in chunks: bounded memory, the same answers.
        return "stream"
    if engine in ("stream", "dask") and store:
        raise BrandscanError(
            f"--engine {engine} reads either files or the store" if engine == "stream"
            else "--engine dask reads files, not the store",
            hint="use --engine local to combine files with --db, or ingest the files first")
    if request.scheduler and engine not in ("auto", "dask"):
        raise UsageError("--scheduler is for --engine dask")
    if request.parquet_dir and engine == "local":
        raise UsageError("--write-parquet is for --engine stream or dask")
    chosen = choose_engine(engine, request.expanded_files(), scheduler=request.scheduler,
                           parquet=bool(request.parquet_dir), store=store)
    if chosen == "dask" and any(name_of(f) for f in request.files):
        # The cluster's workers open the files themselves; standard input is a private
        # copy on this machine.
        raise UsageError("--engine dask reads files on the cluster, not standard input",
                         hint="save the export to a file first, or use --engine stream")
    return chosen


def choose_engine(engine: str, paths: Sequence[str], *, scheduler: str | None = None,
                  parquet: bool = False, store: bool = False) -> str:
    """``auto``: dask with a scheduler address, stream for inputs over
    :data:`~brandscan.engine.files.AUTO_STREAM_BYTES` (or with --write-parquet), else local."""
    from brandscan.engine.files import AUTO_STREAM_BYTES, input_bytes

    if engine != "auto":
        return engine
    if scheduler:
        return "dask"
    if store:
        return "local"
    if parquet or input_bytes(paths) > AUTO_STREAM_BYTES:
        return "stream"
    return "local"


def _refuse_keep_chain(request: Request) -> None:
    if request.keep_chain:
        raise BrandscanError("--keep-chain works on files only: the store keeps each post's "
                             "own words and its repost chain apart",
                             hint="drop --keep-chain, or analyse the files without --db")


def _store_notes(hooks: Hooks, models: dict[str, int], current: str, where: Any) -> None:
    """On stderr: how many stored posts carry a stale score; on a terminal, how many
    posts came from the store."""
    total = sum(models.values())
    stale = sum(n for m, n in models.items() if m != current)
    if stale:
        hooks.warn(f"brandscan: {stale:,} of {total:,} stored posts were scored by another "
                   f"sentiment model than {current}; 'brandscan rescore' updates them")
    if hooks.stderr_tty:
        hooks.warn(f"brandscan: {total:,} posts from the store {where}")


@contextlib.contextmanager
def _remembered_terms(request: Request) -> Iterator[Any]:
    """Complaint terms come from the store when it has them; the ones this run had to
    segment are written back when it ends (if the store is free right then)."""
    if not request.store:
        yield None
        return
    from brandscan.store.terms import StoreTerms

    source = StoreTerms(request.db, lock_timeout=request.lock_timeout)
    try:
        yield source
    finally:
        source.save()


# --- the run -------------------------------------------------------------------------------

def run(request: Request, analyses: Sequence[Analysis[Any]], hooks: Hooks | None = None
        ) -> Outcome:
    """Run ``analyses`` over the request's input (see the module docstring).

    Analyses with alert windows (``ranges``) get the weeks before ``--since`` as their
    baseline history. ``hooks`` hears the messages a person at a terminal would see
    (default: none).
    """
    from brandscan.engine.driver import execute

    hooks = hooks if hooks is not None else Silent()
    engine = engine_of(request)
    radar = any(isinstance(a, NamesPosts) for a in analyses)
    analyses = (*analyses, InputSpan())
    with _remembered_terms(request) as terms:
        if engine == "local":
            return _answer_empty(_run_local(request, analyses, hooks, radar=radar,
                                            terms=terms), request, hooks)
        if request.store and not request.files:
            return _answer_empty(_run_store(request, analyses, hooks, radar=radar,
                                            terms=terms), request, hooks)
        s = settings(request)
        check_brands(s.config, request.brands)
        window = window_of(request, s.config, s.moment)
        ctx = Context(s.config, since=window.since, until=window.until,
                      brands=request.brands, terms=terms)
        source, executor = _file_source(request, s, window, hooks, radar=radar,
                                        terms=any(_segments(a) for a in analyses),
                                        engine=engine)
        bar: list[Callable[[int], None] | None] = [None]
        with contextlib.ExitStack() as stack:
            def on_keys(report: LoadReport) -> None:
                check_strict(report, request)
                # The first reading counted the records: the second one, with scoring,
                # shows its progress against them.
                bar[0] = stack.enter_context(hooks.progress("scoring",
                                                            report.total("rows_read")))

            source.on_keys = on_keys
            try:
                results = execute(source, analyses, ctx, executor,
                                  progress=lambda n: bar[0](n) if bar[0] else None)
            finally:
                executor.close()
        load_summary(hooks, results.load())
        return _answer_empty(Outcome(results, s.config, s.moment, window, results.load(),
                                     engine), request, hooks)


def _answer_empty(out: Outcome, request: Request, hooks: Hooks) -> Outcome:
    """A run that counted no post says why on stderr (and in ``out.no_mentions``): the
    window holds no post, or the brands match none of those it holds."""
    span = out["input_span"]
    if span.mentions:
        return out
    if request.store:
        from brandscan.app.extent import store_span
        from brandscan.store import open_store

        with open_store(request.db, lock_timeout=request.lock_timeout) as store:
            span = span.merge(store_span(store, out.window, request.kind))
    files = len(request.expanded_files())
    holder = ("the store" if not files else
              ("the file" if files == 1 else "the files") + (" and the store"
                                                              if request.store else ""))
    out.no_mentions = no_mentions(span, out.window, out.config, request.brands,
                                  holder=holder, now=out.now, kind=request.kind)
    for result in out.results.results.values():  # the report's verdict says it too
        if isinstance(result, Report):
            result.no_mentions = out.no_mentions
    hooks.warn(f"brandscan: {out.no_mentions}")
    return out


def _segments(analysis: Analysis[Any]) -> bool:
    """Whether the analysis cuts texts into complaint terms (jieba is loaded before forking)."""
    from brandscan.analyze.complaints import Complaints
    from brandscan.analyze.report import ReportAnalysis

    return isinstance(analysis, (Complaints, ReportAnalysis))


def read_window(window: Window, config: Config, *, radar: bool) -> Window:
    """The posts a run reads: the window, and with alerts the weeks of baseline before it."""
    if radar and window.since is not None:
        return Window(window.since - baseline_span(config.alerts), window.until)
    return window


def _file_source(request: Request, s: Settings, window: Window, hooks: Hooks, *,
                 radar: bool, terms: bool, engine: str) -> tuple[Any, Any]:
    from brandscan.engine.executors import Dask, Pool
    from brandscan.engine.files import FileSource
    from brandscan.load.scan import CHUNK_ROWS

    read = read_window(window, s.config, radar=radar)
    source = FileSource(request.expanded_files(), s.options, s.config, read=read,
                        chunk_rows=int(request.chunk_rows or CHUNK_ROWS),
                        parquet_dir=request.parquet_dir, terms=terms,
                        on_scanned=lambda report: check_file_errors(report, hooks))
    jobs = request.job_count()
    executor = Dask(request.scheduler, jobs) if engine == "dask" else Pool(jobs)
    return source, executor


def _run_store(request: Request, analyses: Sequence[Analysis[Any]], hooks: Hooks, *,
               radar: bool, terms: Any) -> Outcome:
    """The stored posts of the window, read in chunks (see :mod:`brandscan.engine.store`)."""
    from brandscan.engine.driver import execute
    from brandscan.engine.executors import Pool
    from brandscan.engine.store import STORE_CHUNK_ROWS, StoreSource
    from brandscan.store.db import resolve_path
    from brandscan.store.query import model_id_for

    s = settings(request)
    check_brands(s.config, request.brands)
    window = window_of(request, s.config, s.moment)
    _refuse_keep_chain(request)
    read = read_window(window, s.config, radar=radar)
    jobs = request.job_count()
    source = StoreSource(request.db, s.config, read=read, kind=request.kind,
                         lock_timeout=request.lock_timeout,
                         chunk_rows=int(request.chunk_rows or STORE_CHUNK_ROWS), jobs=jobs,
                         brands=request.brands)
    ctx = Context(s.config, since=window.since, until=window.until, brands=request.brands,
                  terms=terms)
    results = execute(source, analyses, ctx, Pool(jobs))
    _store_notes(hooks, source.models, model_id_for(s.config.sentiment.model),
                 resolve_path(request.db))
    return Outcome(results, s.config, s.moment, window, results.load(), "stream")


def _run_local(request: Request, analyses: Sequence[Analysis[Any]], hooks: Hooks, *,
               radar: bool, terms: Any) -> Outcome:
    """Every post in memory: one chunk (see :mod:`brandscan.engine.memory`)."""
    from brandscan.engine.driver import execute
    from brandscan.engine.executors import Serial
    from brandscan.engine.memory import MemorySource

    loaded = load(request, hooks)
    config = loaded.settings.config
    check_brands(config, request.brands)
    window = window_of(request, config, loaded.settings.moment)
    if request.store:
        _refuse_keep_chain(request)
    jobs = request.job_count()
    source = MemorySource(loaded.posts, config, loaded.report, window=window,
                          brands=request.brands, jobs=jobs,
                          history=baseline_span(config.alerts) if radar else None,
                          store=request.db, use_store=request.store, kind=request.kind,
                          lock_timeout=request.lock_timeout, progress=hooks.progress)
    ctx = Context(config, since=window.since, until=window.until, brands=request.brands,
                  jobs=jobs, progress=hooks.progress, terms=terms)
    results = execute(source, analyses, ctx, Serial())
    for read in source.store_reads:
        _store_notes(hooks, read.models, read.current, read.path)
    return Outcome(results, config, loaded.settings.moment, window, results.load(), "local",
                   scored=source.scored)
