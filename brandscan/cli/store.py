"""Store commands: ingest, rescore, db info / export / prune.

Every analysis command reads the store too (``--db``; see ``common.scored_inputs``);
these commands fill it and look after it. Each parses its options, calls
:mod:`brandscan.store.workflow` and prints what comes back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from brandscan.cli.common import (
    COLUMN_OPTIONS,
    Env,
    FormatOption,
    cli,
    expand_globs,
    handles_errors,
    jobs_of,
    output_format,
    output_help,
    request_of,
    resolve_config,
)
from brandscan.errors import BrandscanError
from brandscan.render.formats import EXPORT

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.load.accounting import LoadReport
    from brandscan.store.ingest import BatchResult
    from brandscan.window import Window


def store_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Where the store is and how long to wait for it."""
    decorators = [
        click.option("--db", "db", metavar="PATH",
                     help="The store (default: $BRANDSCAN_DB, else "
                          "~/.local/share/brandscan/brandscan.duckdb)."),
        click.option("--lock-timeout", type=click.FloatRange(min=0), default=30.0,
                     show_default=True, metavar="SECONDS",
                     help="How long to wait while another brandscan run uses the store."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Config file (default: $BRANDSCAN_CONFIG, ./brandscan.yaml, "
                          "~/.config/brandscan/config.yaml)."),
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


def model_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--model", "model", metavar="FILE",
                        help="Sentiment model file, instead of the config's sentiment.model "
                             "(written by 'brandscan train', or a snownlp model).")(fn)


def loading_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options of the analysis commands that shape how files are read."""
    decorators = [
        click.option("--tz", metavar="ZONE",
                     help="Zone --now and --date are read in (default: the config's "
                          "timezone). Times without an offset in the files are read in "
                          "the config's timezone (default Asia/Shanghai); the store keeps "
                          "instants, shown in any zone later."),
        click.option("--now", "now_text", metavar="TIME",
                     help="Reference time for 刚刚/5分钟前 (default: each file's "
                          "modification time)."),
        click.option("--date", "date_text", metavar="YYYY-MM-DD",
                     help="Day of every post, for files with no time column."),
        click.option("--users", "users", multiple=True, type=click.Path(dir_okay=False),
                     help="weibo-crawler users.csv: adds followers by author id (repeatable)."),
        click.option("--strict", is_flag=True,
                     help="A file with a skipped row is not stored (default: skip the row "
                          "and count it)."),
    ] + [
        click.option(f"--{name.replace('_', '-')}-col", f"col_{name}", metavar="COLUMN",
                     help=f"Column holding the {name.replace('_', ' ')}.")
        for name in COLUMN_OPTIONS
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


# --- ingest --------------------------------------------------------------------------------

@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@store_options
@model_option
@loading_options
@click.option("--force", is_flag=True,
              help="Read files even when their content was ingested before.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes for scoring (default: all cores); results do not depend on it.")
@click.option("--json", "as_json", is_flag=True,
              help="Also print what each batch did as JSON on stdout.")
@click.pass_obj
@handles_errors
def ingest(env: Env, **kw: Any) -> None:
    """Load, score and store files: one atomic batch per file, posts deduplicated.

    A post seen again keeps its first-seen time and takes the newer counts. A file whose
    content was ingested before adds nothing (--force reads it again). Every post is
    stored whatever brands it mentions: brands are matched when the store is read.
    """
    from brandscan.app.request import settings
    from brandscan.store.workflow import IngestOptions, ingest_files

    s = settings(request_of(kw), check_model="model" in kw)
    config = s.config
    options = IngestOptions(load=s.options, force=kw["force"], strict=kw["strict"],
                            jobs=jobs_of(kw), lock_timeout=kw["lock_timeout"])
    run = ingest_files(kw["db"], expand_globs(kw["files"]), config, options,
                       listener=_IngestPrinter(env), progress=env.progress)
    if kw["as_json"]:
        click.echo(json.dumps([_result_dict(r) for r in run.results], ensure_ascii=False,
                              indent=2))
    if run.failed:
        raise BrandscanError(f"{run.failed} file(s) could not be ingested; the others were",
                             where=str(run.store))


class _IngestPrinter:
    """Says on stderr what happens to each file, as it happens."""

    def __init__(self, env: Env):
        self.env = env

    def loaded(self, report: LoadReport) -> None:
        from brandscan.app.run import load_summary

        load_summary(self.env, report, fail_on_bad_file=False)

    def problem(self, error: BrandscanError) -> None:
        click.echo(f"brandscan: {error.format()}", err=True)  # even with --quiet

    def stored(self, result: BatchResult) -> None:
        self.env.warn(f"brandscan: {result.summary()}")


def _result_dict(r: BatchResult) -> dict[str, Any]:
    return {"file": r.file, "batch": r.batch_id,
            "already_ingested_as": r.known_as[0] if r.known_as else None,
            "rows_read": r.rows_read, "used": r.used, "skipped": r.skipped,
            "duplicates": r.duplicates, "new": r.new, "updated": r.updated,
            "unchanged": r.unchanged, "scored": r.scored, "model": r.model_id or None}


# --- rescore -------------------------------------------------------------------------------

@cli.command()
@store_options
@model_option
@click.option("--batch-size", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Posts per committed batch.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes for scoring (default: all cores); results do not depend on it.")
@click.option("--terms/--no-terms", default=True, show_default=True,
              help="Also remember the complaint terms of every stored opinion, so "
                   "reports over the store need not segment them again.")
@click.pass_obj
@handles_errors
def rescore(env: Env, **kw: Any) -> None:
    """Score again the stored posts whose score came from another sentiment model, and
    remember the complaint terms of the negative ones.

    Runs in batches, each committed on its own: an interrupted rescore keeps what it did
    and resumes where it stopped. jieba cuts about 2,000 posts a second per core, so the
    first run over a big store takes a while; later runs do only what is new.
    """
    from brandscan.store.workflow import RescoreOptions
    from brandscan.store.workflow import rescore as rescore_store

    options = RescoreOptions(batch_size=kw["batch_size"], jobs=jobs_of(kw), terms=kw["terms"],
                             lock_timeout=kw["lock_timeout"])
    done = rescore_store(kw["db"], resolve_config(kw), options, progress=env.progress)
    if done.stale:
        env.warn(f"brandscan: {done.rescored:,} posts rescored with {done.model}")
    if done.terms_added:
        env.warn(f"brandscan: complaint terms of {done.terms_added:,} opinions "
                 "remembered")
    if not done.stale and not done.terms_added:
        env.warn(f"brandscan: every stored post is scored by {done.model} and its terms "
                 "are remembered; nothing to do")


# --- db ------------------------------------------------------------------------------------

@cli.group()
def db() -> None:
    """Look after the store: info, export, prune."""


@db.command()
@store_options
@model_option
@click.option("--batches", "n_batches", type=click.IntRange(min=0), default=10,
              show_default=True, help="How many recent batches to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_obj
@handles_errors
def info(env: Env, **kw: Any) -> None:
    """Size, schema version, posts per platform and brand, date range, models, batches."""
    from brandscan.store.workflow import describe

    data = describe(kw["db"], resolve_config(kw), batches=kw["n_batches"],
                    lock_timeout=kw["lock_timeout"])
    if kw["fmt"] == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(_info_text(data))


def _info_text(d: dict[str, Any]) -> str:
    lines = [
        f"store           {d['path']}",
        f"size            {_size(d['size_bytes'])}",
        f"schema version  {d['schema_version']} (created by {d['created_by']})",
        f"posts           {d['posts']:,}",
        f"date range      {d['first'] or '-'} .. {d['last'] or '-'}",
        f"batches         {d['batches']:,}",
        f"current model   {d['current_model']}",
        f"complaint terms {d['term_texts']:,} texts remembered"
        + (f" ({d['term_word_lists']} word lists)" if d["term_word_lists"] > 1 else ""),
    ]
    if d["platforms"]:
        lines.append("per platform")
        lines += [f"  {p['platform']:<10} {p['kind']:<8} {p['posts']:>12,}"
                  for p in d["platforms"]]
    if d["brands"]:
        lines.append("per brand")
        lines += [f"  {b['brand']:<19} {b['posts']:>12,}" for b in d["brands"]]
    if d["models"]:
        lines.append("scores by model")
        lines += [f"  {m['model']:<28} {m['posts']:>12,}"
                  f"{'  stale: brandscan rescore' if m['stale'] else ''}" for m in d["models"]]
    if d["recent_batches"]:
        lines.append("recent batches")
        for b in d["recent_batches"]:
            what = b["file"] or b["note"] or ""
            if b["action"] == "ingest":
                counts = (f"read {b['rows_read']:,}, new {b['posts_new']:,}, updated "
                          f"{b['posts_updated']:,}, unchanged {b['posts_unchanged']:,}, "
                          f"skipped {b['rows_skipped']:,}")
            elif b["action"] == "rescore":
                counts = f"rescored {b['posts_scored']:,}"
            elif b["action"] == "prune":
                counts = f"deleted {b['posts_deleted']:,}"
            else:
                counts = ""
            lines.append(f"  {b['batch_id']:>5} {b['action']:<8} {b['finished_at'] or '':<25} "
                         f"{what}  {counts}".rstrip())
    return "\n".join(lines)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.1f} {unit}" if unit != "B" else f"{n:,} B"
        size /= 1024
    return f"{n:,} B"


@db.command()
@store_options
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              metavar="FILE", help=output_help(EXPORT))
@click.option("--format", "fmt", cls=FormatOption, kind=EXPORT,
              help="Default: -o's extension (.parquet or .csv), else parquet.")
@click.option("--since", metavar="TIME", help="Only posts from this time on.")
@click.option("--until", metavar="TIME", help="Only posts before this time.")
@click.option("--tz", help="Timezone for the times in CSV (default: config).")
@click.pass_obj
@handles_errors
def export(env: Env, **kw: Any) -> None:
    """Every stored post with its score, model and first/last-seen times, as Parquet or CSV."""
    from brandscan.store.workflow import export_posts

    config = resolve_config(kw)
    fmt = output_format(env, EXPORT, kw["fmt"], kw["output"])
    done = export_posts(kw["db"], kw["output"], fmt, tz=config.timezone,
                        window=_window(kw, config), lock_timeout=kw["lock_timeout"])
    env.warn(f"brandscan: {done.posts:,} posts written to {done.target} ({done.format})")


def _window(kw: dict[str, Any], config: Config) -> Window:
    from datetime import datetime

    from brandscan.window import Window, parse_moment

    clock = datetime.now(config.tz)
    since = parse_moment(kw["since"], tz=config.tz, now=clock) if kw.get("since") else None
    until = (parse_moment(kw["until"], tz=config.tz, now=clock, option="--until")
             if kw.get("until") else None)
    return Window(since, until)


@db.command()
@store_options
@click.option("--before", required=True, metavar="TIME",
              help="Delete posts created before this time: 2025-01-01, 365d, ...")
@click.option("--dry-run", is_flag=True, help="Only say how many posts would go.")
@click.pass_obj
@handles_errors
def prune(env: Env, **kw: Any) -> None:
    """Delete posts created before a time (the batch history is kept)."""
    from datetime import datetime

    from brandscan.store.workflow import prune_posts
    from brandscan.window import parse_moment

    config = resolve_config(kw)
    before = parse_moment(kw["before"], tz=config.tz, now=datetime.now(config.tz),
                          option="--before")
    n = prune_posts(kw["db"], before, dry_run=kw["dry_run"], lock_timeout=kw["lock_timeout"])
    if kw["dry_run"]:
        click.echo(f"{n:,} posts created before {before.isoformat()} would be deleted")
    else:
        env.warn(f"brandscan: {n:,} posts created before {before.isoformat()} deleted")
