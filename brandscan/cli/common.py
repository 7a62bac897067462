"""The Click group, the environment and the options and helpers every command shares.

Heavy libraries (pandas, jieba, numpy) are imported inside the commands, so that
``brandscan --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from brandscan import __version__
from brandscan.errors import BrandscanError, ExitStatus

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from brandscan.config import Config
    from brandscan.load.posts import LoadResult

FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown", "xlsx")
REPORT_FORMATS = ("table", "markdown", "json", "xlsx", "html")
#: ``-o FILE`` without ``--format`` picks the format from the file's extension.
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl",
                  ".ndjson": "jsonl", ".md": "markdown", ".markdown": "markdown",
                  ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
#: Formats that end in a spreadsheet, where the formula guard applies (--raw turns it off).
SPREADSHEET_FORMATS = ("csv", "tsv", "xlsx")
COLUMN_OPTIONS = ("text", "time", "id", "author", "author_id", "followers", "reposts",
                  "comments", "likes", "url", "platform")


@dataclass
class Env:
    """Where output goes and what the terminal can do, decided once per run."""

    stdout_tty: bool
    stderr_tty: bool
    no_color: bool
    quiet: bool

    def console(self) -> Console:
        from rich.console import Console

        return Console(no_color=self.no_color, highlight=False)

    def err_console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, no_color=self.no_color, highlight=False)

    @contextlib.contextmanager
    def progress(self, what: str, total: int) -> Iterator[Callable[[int], None] | None]:
        """A progress bar on stderr for long stages, only when a person watches it."""
        if not self.stderr_tty or self.quiet or total < 20_000:
            yield None
            return
        from rich.progress import Progress

        with Progress(console=self.err_console(), transient=True) as bar:
            task = bar.add_task(what, total=total)
            yield lambda n: bar.advance(task, n)

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


def _fail(exc: BrandscanError) -> click.ClickException:
    err = click.ClickException(exc.format())
    err.exit_code = int(ExitStatus.ERROR)
    return err


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """User errors become one line on stderr and exit 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BrandscanError as exc:
            raise _fail(exc) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"],
                               "auto_envvar_prefix": "BRANDSCAN"})
@click.version_option(__version__, prog_name="brandscan")
@click.option("--no-color", is_flag=True, help="No colours in terminal output (also NO_COLOR).")
@click.option("-q", "--quiet", is_flag=True,
              help="Nothing on stderr but errors (for cron; skipped rows still counted).")
@click.pass_context
def cli(ctx: click.Context, no_color: bool, quiet: bool) -> None:
    """Brand mentions in Chinese social-media exports: sentiment, timeline, complaints.

    Reads weibo-search, weibo-crawler and MediaCrawler exports (CSV/JSON/JSONL, UTF-8 or
    GBK) without options; any other layout with --text-col/--time-col. Data goes to
    stdout (a table on a terminal, CSV in a pipe), messages to stderr.

    Exit status: 0 ok, 1 bad input or runtime error, 2 usage error, 3 an alert fired
    (alerts --fail-on-alert).
    """
    ctx.obj = Env(
        stdout_tty=sys.stdout.isatty(),
        stderr_tty=sys.stderr.isatty(),
        no_color=no_color or bool(os.environ.get("NO_COLOR")),
        quiet=quiet,
    )


# --- shared options ----------------------------------------------------------------------

def input_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """FILE... plus everything that shapes how files are read."""
    decorators = [
        # Not required: analysis commands with no FILE read the store (see uses_store).
        click.argument("files", nargs=-1, required=False, type=click.Path(dir_okay=True)),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Config file (default: $BRANDSCAN_CONFIG, ./brandscan.yaml, "
                          "~/.config/brandscan/config.yaml)."),
        click.option("--tz", help="Timezone for naive times and periods "
                                  "(default: config, else Asia/Shanghai)."),
        click.option("--now", "now_text", metavar="TIME",
                     help="Reference time for 刚刚/5分钟前 and for --since 24h "
                          "(default: each file's modification time / the clock)."),
        click.option("--kind", type=click.Choice(["all", "post", "comment"]), default="all",
                     show_default=True, help="Analyse posts, comments or both."),
        click.option("--keep-chain", is_flag=True,
                     help="Analyse the whole text, //@repost chain included."),
        click.option("--date", "date_text", metavar="YYYY-MM-DD",
                     help="Day of every post, for files with no time column."),
        click.option("--users", "users", multiple=True, type=click.Path(dir_okay=False),
                     help="weibo-crawler users.csv: adds followers by author id (repeatable)."),
        click.option("--strict", is_flag=True,
                     help="Any skipped row is an error (default: skip it and count it)."),
    ] + [
        click.option(f"--{name.replace('_', '-')}-col", f"col_{name}", metavar="COLUMN",
                     help=f"Column holding the {name.replace('_', ' ')}." if name != "text"
                     else "Column holding the post text (for layouts not recognised).")
        for name in COLUMN_OPTIONS
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


def analysis_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.option("--brand", "brands", multiple=True, metavar="NAME",
                     help="Only posts mentioning this configured brand (repeatable)."),
        click.option("--since", metavar="TIME",
                     help="Start of the window, inclusive: 2026-11-05, '2026-11-05 06:00', "
                          "24h, 7d, today, yesterday."),
        click.option("--until", metavar="TIME", help="End of the window, exclusive."),
        click.option("--jobs", type=click.IntRange(min=1), metavar="N",
                     help="Processes for scoring and segmentation (default: all cores); "
                          "results do not depend on it."),
        click.option("--model", "model", metavar="FILE",
                     help="Sentiment model file, instead of the config's sentiment.model "
                          "(written by 'brandscan train', or a snownlp model)."),
        click.option("--db", "db", metavar="PATH",
                     help="Also read the posts stored by 'brandscan ingest' in this store. "
                          "With no FILE the store is read anyway: $BRANDSCAN_DB, else "
                          "~/.local/share/brandscan/brandscan.duckdb."),
        click.option("--lock-timeout", type=click.FloatRange(min=0), default=30.0,
                     show_default=True, metavar="SECONDS",
                     help="How long to wait while another brandscan run writes the store."),
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


def engine_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--engine and its settings: where the analyses run (files, or the store alone)."""
    decorators = [
        click.option("--engine", type=click.Choice(["auto", "local", "stream", "dask"]),
                     default="auto", show_default=True,
                     help="local: every post in memory; stream: files (or the store) "
                          "read in chunks, memory bounded whatever their size; dask: on a "
                          "Dask cluster. auto: stream above 64 MiB of input or for the "
                          "store alone, dask with --scheduler, else local. The answers are "
                          "the same."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler to run on (tcp://host:8786); without it "
                          "--engine dask starts a local cluster of --jobs processes."),
        click.option("--chunk-rows", type=click.IntRange(min=100), metavar="N",
                     help="stream/dask: records per chunk, default 50,000 for files and "
                          "250,000 for the store (each worker's memory grows with it)."),
        click.option("--write-parquet", "parquet_dir", type=click.Path(file_okay=False),
                     metavar="DIR",
                     help="stream/dask: also write the scored posts into DIR as Parquet "
                          "files (DuckDB and 'brandscan ingest' read them)."),
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


def output_options(formats: tuple[str, ...] = FORMATS) -> Callable[..., Any]:
    """--format, -o, and the spreadsheet options (--raw; --bom/--encoding with CSV)."""
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        if "csv" in formats:
            fn = click.option("--encoding", "out_encoding", default="utf-8",
                              type=click.Choice(["utf-8", "gb18030"], case_sensitive=False),
                              show_default=True,
                              help="CSV/TSV encoding; gb18030 for old WPS/Excel set-ups.")(fn)
            fn = click.option("--bom", is_flag=True,
                              help="CSV/TSV: UTF-8 with a byte order mark, so Excel shows "
                                   "Chinese right.")(fn)
        if any(f in formats for f in SPREADSHEET_FORMATS):
            fn = click.option("--raw", is_flag=True,
                              help="CSV/TSV/XLSX: keep text exactly; by default a text cell "
                                   "starting with = + - @ TAB or CR gets a leading ' so "
                                   "spreadsheets never run it as a formula.")(fn)
        fn = click.option("-o", "--output", type=click.Path(dir_okay=False),
                          help="Write to this file (replaced atomically) instead of stdout; "
                               "its extension picks the format when --format is not given."
                          )(fn)
        return click.option("--format", "fmt", type=click.Choice(formats),
                            help="Output format (default: table on a terminal, "
                                 f"{'markdown' if 'csv' not in formats else 'csv'} "
                                 "otherwise).")(fn)
    return wrap


def spreadsheet_options(kw: dict[str, Any] | None = None) -> Any:
    """--raw/--bom/--encoding of this command (from ``kw``, else from Click's context).

    Reading the context lets every command that uses :func:`output_options` and
    :func:`emit_frame` honour them without passing them along.
    """
    from brandscan.render.spreadsheet import SpreadsheetOptions

    if kw is None:
        ctx = click.get_current_context(silent=True)
        kw = ctx.params if ctx is not None else {}
    return SpreadsheetOptions(raw=bool(kw.get("raw")), bom=bool(kw.get("bom")),
                              encoding=str(kw.get("out_encoding") or "utf-8").lower())


def output_format(env: Env, fmt: str | None, output: str | None, *, default: str = "csv",
                  formats: tuple[str, ...] = FORMATS, kw: dict[str, Any] | None = None) -> str:
    """The format asked for, else the one ``-o``'s extension names, else table/default.

    --bom and --encoding only make sense for CSV/TSV: given alone on a terminal they mean
    CSV, given with another format they are a usage error (exit 2).
    """
    opts = spreadsheet_options(kw)
    csv_bytes = opts.bom or opts.encoding != "utf-8"
    if not fmt and output:
        from pathlib import Path

        guess = SUFFIX_FORMATS.get(Path(output).suffix.lower())
        fmt = guess if guess in formats else None
    if not fmt:
        fmt = "csv" if csv_bytes and "csv" in formats else (
            "table" if env.stdout_tty and not output else default)
    if csv_bytes and fmt not in ("csv", "tsv"):
        raise click.UsageError(f"--bom and --encoding are for csv and tsv, not {fmt}")
    return fmt


def emit_binary(env: Env, data: bytes, output: str | None, what: str = "xlsx") -> None:
    """A binary file to ``-o`` (atomically) or to a pipe — never onto a terminal."""
    from brandscan.render.output import emit

    if not output and env.stdout_tty:
        raise BrandscanError(f"--format {what} writes a binary file",
                             hint=f"give -o FILE.{what}, or redirect stdout to a file")
    emit(data, output)


# --- helpers shared by commands ---------------------------------------------------------

@dataclass
class Loaded:
    config: Config
    result: LoadResult
    now: datetime
    #: Which sentiment model(s) the numbers come from, when posts were read from the store.
    model: str | None = None


def uses_store(kw: dict[str, Any]) -> bool:
    """Commands with ``--db`` read the store when it is given, and when no FILE is."""
    return "db" in kw and (bool(kw.get("db")) or not kw.get("files"))


def load_inputs(env: Env, kw: dict[str, Any], *, fail_on_bad_file: bool = True) -> Loaded:
    from brandscan.load.posts import load_posts

    if not kw.get("files") and not uses_store(kw):
        raise click.UsageError("Missing argument 'FILES...'.")
    config, opts, now, clock = input_settings(kw)
    result = load_posts(expand_globs(kw["files"]), opts)
    report = result.report
    check_file_errors(report)
    check_strict(report, kw)
    load_summary(env, report, fail_on_bad_file=fail_on_bad_file)
    return Loaded(config, result, now or clock)


def resolve_config(kw: dict[str, Any]) -> Config:
    """The config file with --tz and --model applied on top."""
    from dataclasses import replace
    from zoneinfo import ZoneInfo

    from brandscan.config import load_config

    config = load_config(kw.get("config_path"))
    if kw.get("tz"):
        try:
            ZoneInfo(kw["tz"])
        except Exception:
            raise BrandscanError(f"unknown timezone '{kw['tz']}'",
                                 hint="use an IANA name such as Asia/Shanghai") from None
        config = replace(config, timezone=kw["tz"])
    if kw.get("model"):
        # --model wins over sentiment.model: set here, every consumer of the config (the
        # scorer, the report's "model" line, the store's rescoring check) sees the same.
        config = replace(config, sentiment=replace(config.sentiment, model=kw["model"]))
    return config


def input_settings(kw: dict[str, Any]) -> tuple[Config, Any, datetime | None, datetime]:
    """(config, LoadOptions, --now or None, the clock): how the files are to be read."""

    from brandscan.load.posts import LoadOptions
    from brandscan.window import parse_moment

    config = resolve_config(kw)
    if "model" in kw and config.sentiment.model:
        # A missing or damaged model file fails now, not after minutes of reading posts
        # (the scorer is cached, so scoring does not load it again).
        from brandscan.text.sentiment import get_scorer

        get_scorer(config.sentiment.model)
    tz = config.tz
    clock = datetime.now(tz)
    now = parse_moment(kw["now_text"], tz=tz, now=clock, option="--now") if kw.get(
        "now_text") else None
    day = None
    if kw.get("date_text"):
        day = parse_moment(kw["date_text"], tz=tz, now=clock, option="--date").date()
    columns = dict(config.columns)
    columns.update({name: kw[f"col_{name}"] for name in COLUMN_OPTIONS if kw.get(f"col_{name}")})
    opts = LoadOptions(tz=config.timezone, columns=columns, now=now, kind=kw.get("kind", "all"),
                       keep_chain=kw.get("keep_chain", False), date=day,
                       users=tuple(kw.get("users") or ()))
    return config, opts, now, clock


def check_file_errors(report: Any) -> None:
    """Name every file that could not be read; stop when none could."""
    if len(report.files) == 1 and report.errors:
        raise BrandscanError(report.errors[0].error or "")
    for fr in report.errors:
        click.echo(f"brandscan: {fr.error}", err=True)
    if report.errors and not report.ok_files:
        raise BrandscanError("no input could be read", hint="see the messages above")


def check_strict(report: Any, kw: dict[str, Any]) -> None:
    """--strict: any skipped row is an error."""
    error = report.strict_error() if kw.get("strict") else None
    if error is not None:
        raise error


def load_summary(env: Env, report: Any, *, fail_on_bad_file: bool = True) -> None:
    """The one-line accounting on stderr; a file that could not be read fails the run."""
    if report.ok_files and (env.stderr_tty or report.skipped or report.errors):
        env.warn(f"brandscan: {report.summary_line()}")
    if report.errors and fail_on_bad_file:
        raise_file_errors(report)


def raise_file_errors(report: Any) -> None:
    # The good files were read and counted; a bad one still fails the run, for cron.
    raise BrandscanError(f"{len(report.errors)} of {len(report.files)} file(s) "
                         "could not be read")


def expand_globs(files: tuple[str, ...]) -> list[str]:
    """Globs are expanded here too, for shells (and cron lines) that pass them quoted."""
    import glob

    out: list[str] = []
    for f in files:
        hits = sorted(glob.glob(f)) if any(ch in f for ch in "*?[") else []
        out.extend(hits or [f])
    return out


def window_of(loaded: Loaded, kw: dict[str, Any]) -> Any:
    from brandscan.window import Window, parse_moment

    tz = loaded.config.tz
    since = parse_moment(kw["since"], tz=tz, now=loaded.now) if kw.get("since") else None
    until = (parse_moment(kw["until"], tz=tz, now=loaded.now, option="--until")
             if kw.get("until") else None)
    return Window(since, until)


def check_brands(config: Config, brands: tuple[str, ...]) -> None:
    known = {b.name for b in config.brands}
    for name in brands:
        if name not in known:
            where = str(config.source) if config.source else "no config file"
            raise BrandscanError(
                f"--brand {name}: not a configured brand ({where})",
                hint=f"configured: {', '.join(sorted(known)) or 'none'}; add it under brands:")


def scored_inputs(env: Env, kw: dict[str, Any], *, history: timedelta | None = None
                  ) -> tuple[Loaded, pd.DataFrame, Any]:
    """Scored posts of the files, the store, or both (see :func:`uses_store`).

    ``history`` reads that much more before ``--since`` (a baseline for alerts); the
    window returned is still the one the user asked for.
    """
    from brandscan.text.scoring import analyse
    from brandscan.window import Window

    loaded = load_inputs(env, kw)
    check_brands(loaded.config, kw.get("brands", ()))
    window = window_of(loaded, kw)
    read = window
    if history is not None and window.since is not None:
        read = Window(window.since - history, window.until)
    posts = loaded.result.posts
    if len(posts) or not uses_store(kw):  # (a store-only run needs no sentiment engine)
        with env.progress("scoring", len(posts)) as advance:
            scored = analyse(posts, loaded.config, brands=kw.get("brands", ()), window=read,
                             jobs=jobs_of(kw), progress=advance)
    else:
        scored = posts
    if uses_store(kw):
        remember_terms(kw)
        scored = with_store(env, kw, loaded, scored, read)
    return loaded, scored, window


def remember_terms(kw: dict[str, Any]) -> None:
    """Complaint terms come from the store when it has them, and the ones this command
    has to segment are written back when it ends (if the store is free right then)."""
    from brandscan.store.terms import StoreTerms
    from brandscan.text.terms import term_source

    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.meta.get("brandscan.terms"):
        return
    source = StoreTerms(kw.get("db"), lock_timeout=kw.get("lock_timeout", 30.0))
    ctx.meta["brandscan.terms"] = source
    ctx.with_resource(term_source(source))
    ctx.call_on_close(source.save)


def with_store(env: Env, kw: dict[str, Any], loaded: Loaded, scored: pd.DataFrame,
               window: Any, *, account: bool = True) -> pd.DataFrame:
    """``scored`` (posts of the files) plus the stored posts in ``window``.

    A post that is also in a file given now is taken from the file. ``account`` adds the
    stored posts' load accounting (rebuilt from their ingest batches) to ``loaded``; pass
    False when reading a second window (an alert baseline) of the same run.
    """
    from brandscan.store import open_store
    from brandscan.store.query import combine, file_keys, read_scored

    _refuse_keep_chain(kw)
    with open_store(kw.get("db"), lock_timeout=kw.get("lock_timeout", 30.0)) as store:
        read = read_scored(store, loaded.config, window=window, brands=kw.get("brands", ()),
                           kind=kw.get("kind", "all"),
                           exclude=file_keys(loaded.result.posts))
        where = store.path
    if account:
        loaded.result.report.files.extend(read.report.files)
        loaded.model = read.model
    _store_notes(env, read.models, read.current_model, where)
    return combine(read.scored, scored)


def _refuse_keep_chain(kw: dict[str, Any]) -> None:
    if kw.get("keep_chain"):
        raise BrandscanError("--keep-chain works on files only: the store keeps each post's "
                             "own words and its repost chain apart",
                             hint="drop --keep-chain, or analyse the files without --db")


def _store_notes(env: Env, models: dict[str, int], current: str, where: Any) -> None:
    """On stderr: how many stored posts carry a stale score; on a terminal, how many
    posts came from the store."""
    total = sum(models.values())
    stale = sum(n for m, n in models.items() if m != current)
    if stale:
        env.warn(f"brandscan: {stale:,} of {total:,} stored posts were scored by another "
                 f"sentiment model than {current}; 'brandscan rescore' updates them")
    if env.stderr_tty:
        env.warn(f"brandscan: {total:,} posts from the store {where}")


def engine_of(kw: dict[str, Any]) -> str:
    """The engine to run on: --engine, or for ``auto`` the one the input calls for."""
    from brandscan.engine.stream import choose_engine

    engine = kw.get("engine") or "auto"
    store = uses_store(kw)
    files = bool(kw.get("files"))
    if store and not files and engine in ("auto", "stream") and not kw.get("scheduler"):
        if kw.get("parquet_dir"):
            raise click.UsageError("--write-parquet is for files, not the store")
        # The store alone is read in chunks: bounded memory, the same answers.
        return "stream"
    if engine in ("stream", "dask") and store:
        raise BrandscanError(
            f"--engine {engine} reads either files or the store" if engine == "stream"
            else "--engine dask reads files, not the store",
            hint="use --engine local to combine files with --db, or ingest the files first")
    if kw.get("scheduler") and engine not in ("auto", "dask"):
        raise click.UsageError("--scheduler is for --engine dask")
    if kw.get("parquet_dir") and engine == "local":
        raise click.UsageError("--write-parquet is for --engine stream or dask")
    return choose_engine(engine, expand_globs(kw.get("files") or ()),
                         scheduler=kw.get("scheduler"), parquet=bool(kw.get("parquet_dir")),
                         store=store)


def aggregate_inputs(env: Env, kw: dict[str, Any], engine: str, *,
                     intervals: tuple[str, ...], top: int = 0, terms: bool = False,
                     radar: bool = False, authors: bool = False) -> tuple[Loaded, Any, Any]:
    """(loaded, :class:`~brandscan.engine.stream.StreamResult`, window) of the files, read
    in chunks by the stream or Dask engine: the same numbers as :func:`scored_inputs` and
    the in-memory analyses, without holding the posts. ``loaded.result.posts`` is empty;
    its report is complete. ``radar`` adds the crisis radar's partials, with the posts
    before ``--since`` that the alert baselines need, and ``authors`` the influencer
    ranking's per-author statistics.
    """
    from brandscan.cli.radar import baseline_span
    from brandscan.engine.stream import RunSpec, run_stream
    from brandscan.load.accounting import LoadReport
    from brandscan.load.posts import LoadResult
    from brandscan.schema import empty_posts

    store = uses_store(kw) and not kw.get("files")
    if not kw.get("files") and not store:
        raise click.UsageError("Missing argument 'FILES...'.")
    config, opts, now, clock = input_settings(kw)
    check_brands(config, kw.get("brands", ()))
    loaded = Loaded(config, LoadResult(empty_posts(config.timezone), LoadReport()),
                    now or clock)
    window = window_of(loaded, kw)
    spec = RunSpec(opts, config, window=window, brands=tuple(kw.get("brands") or ()),
                   intervals=intervals, top=top, terms=terms,
                   chunk_rows=int(kw.get("chunk_rows") or 50_000),
                   parquet_dir=kw.get("parquet_dir"), radar=radar,
                   history=baseline_span(config.alerts) if radar else None,
                   authors=authors)
    if store:
        loaded, result = _aggregate_store(env, kw, loaded, spec)
        return loaded, result, window
    paths = expand_globs(kw["files"])
    with contextlib.ExitStack() as stack:
        bar: list[Callable[[int], None] | None] = [None]

        def on_keys(report: Any) -> None:
            check_strict(report, kw)
            # The first reading counted the records: the second one, with scoring, shows
            # its progress against them.
            bar[0] = stack.enter_context(env.progress("scoring", report.total("rows_read")))

        hooks: dict[str, Any] = {"on_scanned": check_file_errors, "on_keys": on_keys}
        if engine == "dask":
            from brandscan.engine.dask import run_dask

            result = run_dask(paths, spec, scheduler=kw.get("scheduler"),
                              workers=jobs_of(kw), **hooks)
        else:
            result = run_stream(paths, spec, jobs=jobs_of(kw),
                                progress=lambda n: bar[0](n) if bar[0] else None, **hooks)
    loaded.result.report = result.report
    load_summary(env, result.report)
    return loaded, result, window


def _aggregate_store(env: Env, kw: dict[str, Any], loaded: Loaded, spec: Any
                     ) -> tuple[Loaded, Any]:
    """The stored posts of the window, read in chunks (see :mod:`brandscan.engine.store`)."""
    from brandscan.engine.store import STORE_CHUNK_ROWS, run_store
    from brandscan.store.db import resolve_path
    from brandscan.store.query import model_note

    _refuse_keep_chain(kw)
    remember_terms(kw)
    run = run_store(kw.get("db"), spec, lock_timeout=kw.get("lock_timeout", 30.0),
                    jobs=jobs_of(kw), chunk_rows=int(kw.get("chunk_rows") or STORE_CHUNK_ROWS))
    result = run.result
    loaded.result.report = result.report
    loaded.model = model_note(run.models, run.current)
    _store_notes(env, run.models, run.current, resolve_path(kw.get("db")))
    return loaded, result


def jobs_of(kw: dict[str, Any]) -> int:
    from brandscan.parallel import default_jobs

    return int(kw.get("jobs") or default_jobs())


def emit_frame(env: Env, df: pd.DataFrame, fmt: str | None, output: str | None,
                title: str | None = None) -> None:
    """One table in the format asked for (see :func:`output_format`) to stdout or ``-o``.

    CSV/TSV/XLSX get the spreadsheet guard unless --raw; CSV/TSV honour --bom/--encoding;
    an xlsx file has one sheet named after the command.
    """
    from brandscan.render.output import emit

    opts = spreadsheet_options()
    fmt = output_format(env, fmt, output)
    if fmt == "xlsx":
        from brandscan.render.xlsx import frame_workbook

        ctx = click.get_current_context(silent=True)
        sheet = (ctx.info_name if ctx is not None and ctx.info_name else None) or (
            title or "data")
        emit_binary(env, frame_workbook(df, sheet=sheet, raw=opts.raw), output)
        return
    if fmt in ("csv", "tsv"):
        from brandscan.render.spreadsheet import encode_text, safe_frame
        from brandscan.render.tabular import render_frame

        text = render_frame(safe_frame(df, raw=opts.raw), fmt)
        emit(encode_text(text, encoding=opts.encoding, bom=opts.bom), output)
        return
    if fmt == "table":
        from brandscan.render.table import frame_table

        if output:
            raise BrandscanError("--format table is for the terminal",
                                 hint="use csv, tsv, json, jsonl, markdown or xlsx with -o")
        env.console().print(frame_table(df, title=title))
        return
    from brandscan.render.tabular import render_frame

    emit(render_frame(df, fmt), output)


def main() -> None:
    """Entry point: exits quietly when the reader of a pipe goes away (``| head``)."""
    try:
        cli.main(prog_name="brandscan")
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(int(ExitStatus.OK))
