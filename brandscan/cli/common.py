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
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from brandscan import __version__
from brandscan.app.request import COLUMN_OPTIONS
from brandscan.cli.language import Failure, LanguageCommand, Usage, set_run_language
from brandscan.errors import BrandscanError, ExitStatus, UsageError
from brandscan.load.stdin import STDIN, stdin_files
from brandscan.render.formats import (
    FRAME,
    OutputKind,
    SpreadsheetOptions,
    Table,
    Target,
    check_target,
    choose_format,
    write,
)
from brandscan.render.spreadsheet import ENCODINGS

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from brandscan.app.request import Request
    from brandscan.config import Config
    from brandscan.load.posts import LoadResult



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
        """A line on stderr (none with --quiet), in the run's language where it has one."""
        if not self.quiet:
            from brandscan.lang import message as in_language
            from brandscan.lang import run_language

            click.echo(in_language(message, run_language()), err=True)

    def error(self, message: str) -> None:
        click.echo(message, err=True)


def _fail(exc: BrandscanError) -> click.ClickException:
    from brandscan.lang import run_language

    return Failure(exc.format(), run_language())


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """User errors become one line on stderr and exit 1, never a traceback; they, and
    the output, are in the run's language (set here, once, for the command)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from brandscan.lang import reset_language, run_language

        token = set_run_language(kwargs)
        try:
            _check_output(kwargs)
            _check_format(kwargs)
            _check_options(kwargs)
            if STDIN not in (kwargs.get("files") or ()):
                return fn(*args, **kwargs)
            with stdin_files(kwargs["files"]) as files:  # "-": standard input
                return fn(*args, **{**kwargs, "files": files})
        except UsageError as exc:
            raise Usage(exc.format(), run_language()) from None
        except BrandscanError as exc:
            raise _fail(exc) from None
        finally:
            reset_language(token)

    return wrapper


def _check_output(kw: dict[str, Any]) -> None:
    """Before any work: an ``-o`` that is an input, the config, the store or a special
    file is refused (exit 1) — never found out after it was overwritten."""
    output = kw.get("output")
    if not output or output == "-":
        return
    from brandscan.files import check_output

    protected: list[tuple[str, Any]] = [("input", f) for f in kw.get("files") or ()]
    if kw.get("config_path"):
        protected.append(("config file", kw["config_path"]))
    db = kw.get("db") or os.environ.get("BRANDSCAN_DB")
    if db:
        protected.append(("store", db))
    check_output(output, protected)


class FormatOption(click.Option):
    """``--format`` of a command that writes output of ``kind``: :func:`handles_errors`
    reads the kind from it to check ``-o``/``--format`` before any work."""

    def __init__(self, *args: Any, kind: OutputKind, **kwargs: Any) -> None:
        kwargs.setdefault("type", click.Choice(kind.names))
        super().__init__(*args, **kwargs)
        self.kind = kind


def _check_format(kw: dict[str, Any]) -> None:
    """Before any work: the format of this run can be decided — ``-o``'s extension is one
    the command writes and agrees with ``--format``, ``--bom``/``--encoding`` fit it, a
    table does not go to a file nor binary bytes onto a terminal (exit 2; exit 1 for the
    terminal, which is no option)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    kind = next((p.kind for p in ctx.command.params if isinstance(p, FormatOption)), None)
    env = ctx.find_object(Env)
    if kind is None or env is None:
        return
    fmt = output_format(env, kind, kw.get("fmt"), kw.get("output"), kw=kw)
    check_output(env, kind, fmt, kw.get("output"))


def document_envvars(group: click.Group, prefix: str = "BRANDSCAN") -> None:
    """Give every option of every command the environment variable docs/cli.md promises:
    ``BRANDSCAN_<COMMAND>_<OPTION>`` from the option's long name (``--config`` of
    ``report``: ``BRANDSCAN_REPORT_CONFIG``; of ``db export``: ``BRANDSCAN_DB_EXPORT_…``),
    keeping Click's automatic name (from the Python name) as a second one."""
    for name, command in group.commands.items():
        here = f"{prefix}_{name.upper().replace('-', '_')}"
        if isinstance(command, click.Group):
            document_envvars(command, here)
            continue
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            longs = [o for o in param.opts if o.startswith("--")]
            if not longs or param.name in ("help", "version"):
                continue
            names = [f"{here}_{longs[0][2:].upper().replace('-', '_')}"]
            auto = f"{here}_{(param.name or '').upper()}"
            if auto not in names:
                names.append(auto)
            param.envvar = names


def _check_options(kw: dict[str, Any]) -> None:
    """Before any file is read: --since/--until that cannot be read or that leave an empty
    window are usage errors (exit 2), and --brand must name a configured brand (exit 1,
    as the config is data) — never found out after reading the whole input."""
    since, until = kw.get("since"), kw.get("until")
    if since or until:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from brandscan.window import parse_moment

        try:
            tz = ZoneInfo(kw.get("tz") or "Asia/Shanghai")
        except Exception:
            return  # the run names a bad --tz itself
        now = datetime.now(tz)
        moments = {}
        for option, text in (("--since", since), ("--until", until)):
            if text:
                try:
                    moments[option] = parse_moment(text, tz=tz, now=now, option=option)
                except BrandscanError as exc:
                    raise UsageError(exc.message, hint=exc.hint) from None
        if len(moments) == 2 and moments["--since"] >= moments["--until"]:
            raise UsageError(f"--since {since} is not before --until {until}: the window "
                             "is empty", hint="swap them, or widen the window")
    if kw.get("brands"):
        from brandscan.app.request import check_brands

        check_brands(resolve_config(kw), tuple(kw["brands"]))


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
    GBK) without options; any other layout with --text-col/--time-col; a FILE of "-"
    is standard input. Data goes to stdout (a table fitted to the terminal, CSV in a
    pipe; -o's extension picks the format), messages to stderr; --lang zh for Chinese.

    Exit status: 0 ok, 1 bad input or runtime error, 2 usage error, 3 an alert fired
    (alerts --fail-on-alert).
    """
    ctx.obj = Env(
        stdout_tty=sys.stdout.isatty(),
        stderr_tty=sys.stderr.isatty(),
        no_color=no_color or bool(os.environ.get("NO_COLOR")),
        quiet=quiet,
    )


# Click's own option errors in the run's language too (see LanguageCommand).
cli.command_class = LanguageCommand


# --- shared options ----------------------------------------------------------------------

def input_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """FILE... plus everything that shapes how files are read."""
    decorators = [
        # Not required: analysis commands with no FILE read the store (see uses_store).
        click.argument("files", nargs=-1, required=False, type=click.Path(dir_okay=True)),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Config file (default: $BRANDSCAN_CONFIG, ./brandscan.yaml, "
                          "~/.config/brandscan/config.yaml)."),
        click.option("--tz", metavar="ZONE",
                     help="Show times and periods in this zone (UTC, Europe/Berlin…), "
                          "converting; --since/--until/--now/--date are read in it. Times "
                          "without an offset in the files are read in the config's "
                          "timezone (default Asia/Shanghai: weibo exports are Beijing "
                          "time). Default: the config's timezone."),
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
                     help="Only posts mentioning this configured brand; repeated, posts "
                          "mentioning any of them (A or B)."),
        click.option("--since", metavar="TIME",
                     help="Start of the window, inclusive: 2026-11-05, '2026-11-05 06:00', "
                          "24h, 7d, today, yesterday."),
        click.option("--until", metavar="TIME", help="End of the window, exclusive."),
        click.option("--jobs", type=click.IntRange(min=1), metavar="N",
                     help="Processes for scoring and segmentation (default: all cores); "
                          "results do not depend on it."),
        click.option("--model", "model", metavar="FILE|snownlp",
                     help="Sentiment model, instead of the config's sentiment.model: a file "
                          "written by 'brandscan train' or snownlp, or 'snownlp' for "
                          "snownlp's own model (default: brandscan's three-class model)."),
        click.option("--own-mentions", is_flag=True,
                     help="Count only posts and comments that name a brand themselves "
                          "(default: a comment also counts for the brands of the post it "
                          "answers, as a thread comment)."),
        click.option("--genre", "genres", multiple=True, metavar="GENRE",
                     help="Genres whose posts carry the sentiment mix, complaints and "
                          "negative posts (repeatable or comma-separated: opinion, news, "
                          "ad, spam, official, all; default: sentiment.genres, else "
                          "opinion). Volume always counts every post."),
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


def output_options(kind: OutputKind = FRAME) -> Callable[..., Any]:
    """--format, -o, and the spreadsheet options of ``kind``'s formats (--raw; --bom and
    --encoding with CSV)."""
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        if kind.takes_csv_bytes:
            fn = click.option("--encoding", "out_encoding", default="utf-8",
                              type=click.Choice(ENCODINGS, case_sensitive=False),
                              show_default=True,
                              help="CSV/TSV encoding; gb18030 for old WPS/Excel set-ups.")(fn)
            fn = click.option("--bom", is_flag=True,
                              help="CSV/TSV: UTF-8 with a byte order mark, so Excel shows "
                                   "Chinese right.")(fn)
        if kind.takes_raw:
            fn = click.option("--raw", is_flag=True,
                              help="CSV/TSV/XLSX: keep text exactly; by default a text cell "
                                   "starting with = + - @ TAB or CR gets a leading ' so "
                                   "spreadsheets never run it as a formula.")(fn)
        fn = click.option("--lang", type=click.Choice(["zh", "en"]), metavar="zh|en",
                          help="Language of headers, sentences and messages (default: the "
                               "config's lang:, else the locale, LC_ALL/LANG). CSV/TSV/JSON "
                               "keep English column names unless --lang zh is given.")(fn)
        fn = click.option("-o", "--output", type=click.Path(dir_okay=False),
                          metavar="FILE", help=output_help(kind))(fn)
        return click.option("--format", "fmt", cls=FormatOption, kind=kind,
                            help="Output format (default: -o's extension, else table on a "
                                 f"terminal, {kind.default} otherwise).")(fn)
    return wrap


def output_help(kind: OutputKind) -> str:
    """-o's help: the extensions that pick each format, and what is refused."""
    from brandscan.render.formats import SUFFIXES

    by_format = {n: [s for s, f in SUFFIXES.items() if f == n] for n in kind.writable}
    extensions = ", ".join("/".join(by_format[n]) for n in kind.writable)
    where = ("Write to this file (replaced atomically) instead of stdout; - is stdout"
             if kind.stdout else "File to write (replaced atomically; not stdout)")
    return (f"{where}. Its "
            f"extension picks the format ({extensions}; any case); one this command "
            "cannot write or that contradicts --format is an error, any other needs "
            f"--format. No extension: --format, else {kind.default}.")


def spreadsheet_options(kw: dict[str, Any] | None = None) -> SpreadsheetOptions:
    """--raw/--bom/--encoding of this command (from ``kw``, else from Click's context).

    Reading the context lets every command that uses :func:`output_options` honour them
    without passing them along.
    """
    if kw is None:
        ctx = click.get_current_context(silent=True)
        kw = ctx.params if ctx is not None else {}
    return SpreadsheetOptions(raw=bool(kw.get("raw")), bom=bool(kw.get("bom")),
                              encoding=str(kw.get("out_encoding") or "utf-8").lower())


def output_target(env: Env, output: str | None) -> Target:
    """The facts of this run the renderers need: the terminal, the options, the command."""
    from brandscan.lang import current

    ctx = click.get_current_context(silent=True)
    return Target(path=output, stdout_tty=env.stdout_tty, console=env.console,
                  options=spreadsheet_options(),
                  sheet=ctx.info_name if ctx is not None and ctx.info_name else None,
                  language=current())


def output_format(env: Env, kind: OutputKind, fmt: str | None, output: str | None, *,
                  kw: dict[str, Any] | None = None) -> str:
    """The format of this run (see :func:`brandscan.render.formats.choose_format`)."""
    ctx = click.get_current_context(silent=True)
    command = (ctx.command_path.partition(" ")[2] or None) if ctx is not None else None
    return choose_format(kind, fmt, output, stdout_tty=env.stdout_tty,
                         options=spreadsheet_options(kw), command=command)


def check_output(env: Env, kind: OutputKind, fmt: str, output: str | None) -> None:
    """Refuse a table for -o and binary bytes for a terminal now, before the analysis."""
    check_target(kind, fmt, output_target(env, output))


def emit_output(env: Env, kind: OutputKind, payload: Any, fmt: str | None,
                output: str | None) -> None:
    """``payload`` in the format asked for (decided now) to stdout or ``-o``."""
    write(kind, output_format(env, kind, fmt, output), payload, output_target(env, output))


def emit_frame(env: Env, df: pd.DataFrame, fmt: str | None, output: str | None,
               title: str | None = None, view: str | None = None) -> None:
    """One table in the format asked for to stdout or ``-o`` (titled on a terminal, and
    drawn through its terminal ``view``: see :mod:`brandscan.render.views`)."""
    emit_output(env, FRAME, Table(df, title, view), fmt, output)


# --- the application layer, as commands see it -------------------------------------------

def request_of(kw: dict[str, Any]) -> Request:
    """The typed request of a command's parameters."""
    from brandscan.app.request import Request

    return Request.from_params(kw)


def resolve_config(kw: dict[str, Any]) -> Config:
    """The config file with --tz and --model applied on top."""
    from brandscan.app.request import resolve_config as resolve

    return resolve(request_of(kw))


def expand_globs(files: tuple[str, ...]) -> list[str]:
    """Globs are expanded here too, for shells (and cron lines) that pass them quoted."""
    from brandscan.app.request import Request

    return Request(files=tuple(files)).expanded_files()


def jobs_of(kw: dict[str, Any]) -> int:
    return request_of(kw).job_count()


@dataclass
class Loaded:
    config: Config
    result: LoadResult
    now: datetime


def load_inputs(env: Env, kw: dict[str, Any], *, fail_on_bad_file: bool = True) -> Loaded:
    """The files read whole (for commands that need the posts themselves)."""
    from brandscan.app.run import load
    from brandscan.load.posts import LoadResult

    loaded = load(request_of(kw), env, fail_on_bad_file=fail_on_bad_file,
                  check_model="model" in kw)
    return Loaded(loaded.settings.config, LoadResult(loaded.posts, loaded.report),
                  loaded.settings.moment)


def main() -> None:
    """Entry point: exits quietly when the reader of a pipe goes away (``| head``)."""
    try:
        cli.main(prog_name="brandscan")
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(int(ExitStatus.OK))
