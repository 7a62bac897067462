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
from brandscan.errors import BrandscanError, ExitStatus

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from brandscan.config import Config
    from brandscan.load.posts import LoadResult

FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")
REPORT_FORMATS = ("table", "markdown", "json")
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

    Exit status: 0 ok, 1 bad input or runtime error, 2 usage error.
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
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True)),
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
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


def output_options(formats: tuple[str, ...] = FORMATS) -> Callable[..., Any]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option("-o", "--output", type=click.Path(dir_okay=False),
                          help="Write to this file (replaced atomically) instead of stdout.")(fn)
        return click.option("--format", "fmt", type=click.Choice(formats),
                            help="Output format (default: table on a terminal, "
                                 f"{'markdown' if 'csv' not in formats else 'csv'} "
                                 "otherwise).")(fn)
    return wrap


# --- helpers shared by commands ---------------------------------------------------------

@dataclass
class Loaded:
    config: Config
    result: LoadResult
    now: datetime


def load_inputs(env: Env, kw: dict[str, Any], *, fail_on_bad_file: bool = True) -> Loaded:
    from zoneinfo import ZoneInfo

    from brandscan.config import load_config
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.window import parse_moment

    config = load_config(kw.get("config_path"))
    if kw.get("tz"):
        from dataclasses import replace

        try:
            ZoneInfo(kw["tz"])
        except Exception:
            raise BrandscanError(f"unknown timezone '{kw['tz']}'",
                                 hint="use an IANA name such as Asia/Shanghai") from None
        config = replace(config, timezone=kw["tz"])
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
    result = load_posts(expand_globs(kw["files"]), opts)
    report = result.report
    if len(report.files) == 1 and report.errors:
        raise BrandscanError(report.errors[0].error or "")
    for fr in report.errors:
        click.echo(f"brandscan: {fr.error}", err=True)
    if report.errors and not report.ok_files:
        raise BrandscanError("no input could be read", hint="see the messages above")
    if kw.get("strict") and report.skipped:
        first = report.skipped[0]
        raise BrandscanError(
            f"{first.reason} ({len(report.skipped):,} row(s) skipped in all)",
            where=f"{first.file}:{first.line}",
            hint="--strict makes skipped rows errors; fix the rows or drop --strict; "
                 "'inspect --skipped' lists them")
    if report.ok_files and (env.stderr_tty or report.skipped or report.errors):
        env.warn(f"brandscan: {report.summary_line()}")
    if report.errors and fail_on_bad_file:
        raise_file_errors(report)
    return Loaded(config, result, now or clock)


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


def scored_inputs(env: Env, kw: dict[str, Any]) -> tuple[Loaded, pd.DataFrame, Any]:
    from brandscan.analyze.scoring import analyse

    loaded = load_inputs(env, kw)
    check_brands(loaded.config, kw.get("brands", ()))
    window = window_of(loaded, kw)
    posts = loaded.result.posts
    with env.progress("scoring", len(posts)) as advance:
        scored = analyse(posts, loaded.config, brands=kw.get("brands", ()), window=window,
                         jobs=jobs_of(kw), progress=advance)
    return loaded, scored, window


def jobs_of(kw: dict[str, Any]) -> int:
    from brandscan.parallel import default_jobs

    return int(kw.get("jobs") or default_jobs())


def emit_frame(env: Env, df: pd.DataFrame, fmt: str | None, output: str | None,
                title: str | None = None) -> None:
    from brandscan.render.output import emit

    fmt = fmt or ("table" if env.stdout_tty and not output else "csv")
    if fmt == "table":
        from brandscan.render.table import frame_table

        if output:
            raise BrandscanError("--format table is for the terminal",
                                 hint="use csv, tsv, json, jsonl or markdown with -o")
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
