"""Store commands: ingest, rescore, db info / export / prune.

Every analysis command reads the store too (``--db``; see ``common.scored_inputs``);
these commands fill it and look after it. Reading and scoring happen outside the write
lock, so a second run (another cron job, an analyst's report) waits only while a batch
is being written.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import click

from brandscan.cli.common import (
    COLUMN_OPTIONS,
    Env,
    cli,
    expand_globs,
    handles_errors,
    jobs_of,
    load_inputs,
    resolve_config,
)
from brandscan.errors import BrandscanError


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
        click.option("--tz", help="Timezone for naive times (default: config, else "
                                  "Asia/Shanghai)."),
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


def _options_fingerprint(kw: dict[str, Any], config: Any) -> str:
    """What, besides the file's bytes, decides which posts a file yields.

    The options are those ``load_inputs`` hands the loader; the fingerprint is the
    library's (:func:`brandscan.store.ingest.options_hash`), so a file ingested from
    Python is recognised here too.
    """
    from datetime import datetime

    from brandscan.load.posts import LoadOptions
    from brandscan.store.ingest import options_hash
    from brandscan.window import parse_moment

    clock = datetime.now(config.tz)
    columns = dict(config.columns)
    columns.update({n: kw[f"col_{n}"] for n in COLUMN_OPTIONS if kw.get(f"col_{n}")})
    now = (parse_moment(kw["now_text"], tz=config.tz, now=clock, option="--now")
           if kw.get("now_text") else None)
    day = (parse_moment(kw["date_text"], tz=config.tz, now=clock, option="--date").date()
           if kw.get("date_text") else None)
    return options_hash(LoadOptions(tz=config.timezone, columns=columns, now=now, date=day,
                                    users=tuple(kw.get("users") or ())))


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
    from brandscan.store import open_store
    from brandscan.store.ingest import (
        commit,
        file_hash,
        find_known,
        prepare,
        reuse_scores,
        score_rest,
    )
    from brandscan.store.query import model_id_for
    from brandscan.text.sentiment import get_scorer

    config = resolve_config(kw)
    model_id = model_id_for(config.sentiment.model)
    fingerprint = _options_fingerprint(kw, config)
    timeout = kw["lock_timeout"]
    with open_store(kw["db"], write=True, create=True, lock_timeout=timeout) as store:
        where = store.path  # created (or migrated) before any file is read
    results, failed = [], 0
    for path in expand_globs(kw["files"]):
        try:
            content = file_hash(path)
        except OSError as exc:
            click.echo(f"brandscan: {path}: cannot read: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        if not kw["force"]:
            with open_store(where, lock_timeout=timeout) as store:
                known = find_known(store, content, fingerprint)
            if known is not None:
                _report_known(env, path, known, results)
                continue
        try:
            loaded = load_inputs(env, dict(kw, files=(path,)), fail_on_bad_file=True)
        except BrandscanError as exc:
            if "could not be read" not in exc.message:
                click.echo(f"brandscan: {exc.format()}", err=True)
            failed += 1
            continue
        prep = prepare(path, loaded.result, model_id=model_id, content=content,
                       opts_hash=fingerprint)
        with open_store(where, lock_timeout=timeout) as store:
            reuse_scores(store, prep)
        with env.progress(f"scoring {path}", int(prep.rows["sentiment"].isna().sum())) as adv:
            score_rest(prep, lambda: get_scorer(config.sentiment.model), jobs=jobs_of(kw),
                       progress=adv)
        with open_store(where, write=True, lock_timeout=timeout) as store:
            known = None if kw["force"] else find_known(store, content, fingerprint)
            if known is not None:  # another run stored it while we were scoring
                _report_known(env, path, known, results)
                continue
            result = commit(store, prep)
        env.warn(f"brandscan: {result.summary()}")
        results.append(result)
    if kw["as_json"]:
        click.echo(json.dumps([_result_dict(r) for r in results], ensure_ascii=False,
                              indent=2))
    if failed:
        raise BrandscanError(f"{failed} file(s) could not be ingested; the others were",
                             where=str(where))


def _report_known(env: Env, path: str, known: tuple[int, str], results: list[Any]) -> None:
    from brandscan.store.ingest import BatchResult

    res = BatchResult(file=path, known_as=known)
    env.warn(f"brandscan: {res.summary()}")
    results.append(res)


def _result_dict(r: Any) -> dict[str, Any]:
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
              help="Also remember the complaint terms of every stored negative post, so "
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
    from brandscan.store import open_store
    from brandscan.store.query import model_id_for
    from brandscan.store.terms import fill
    from brandscan.store.upkeep import rescore_batch, stale_count
    from brandscan.text.sentiment import get_scorer

    config = resolve_config(kw)
    model = model_id_for(config.sentiment.model)
    timeout = kw["lock_timeout"]
    with open_store(kw["db"], lock_timeout=timeout) as store:
        stale = stale_count(store, model)
        where = store.path
    done = 0
    if stale:
        scorer = get_scorer(config.sentiment.model)
        with env.progress("rescoring", stale) as advance:
            while True:
                n = rescore_batch(where, scorer, batch_size=kw["batch_size"],
                                  jobs=jobs_of(kw), lock_timeout=timeout, progress=advance)
                if not n:
                    break
                done += n
    added = 0
    if kw["terms"]:
        with contextlib.ExitStack() as stack:
            bar: list[Callable[[int], None] | None] = [None]

            def total(n: int) -> None:
                bar[0] = stack.enter_context(env.progress("complaint terms", n))

            added = fill(where, config, jobs=jobs_of(kw), lock_timeout=timeout, total=total,
                         progress=lambda n: bar[0](n) if bar[0] else None)
    if stale:
        env.warn(f"brandscan: {done:,} posts rescored with {model}")
    if added:
        env.warn(f"brandscan: complaint terms of {added:,} negative posts remembered")
    if not stale and not added:
        env.warn(f"brandscan: every stored post is scored by {model} and its terms are "
                 "remembered; nothing to do")


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
    from brandscan.store import open_store
    from brandscan.store.upkeep import store_info

    config = resolve_config(kw)
    with open_store(kw["db"], lock_timeout=kw["lock_timeout"]) as store:
        data = store_info(store, config, batches=kw["n_batches"])
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
              help="File to write (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]),
              help="Default: from the file name (.csv), else parquet.")
@click.option("--since", metavar="TIME", help="Only posts from this time on.")
@click.option("--until", metavar="TIME", help="Only posts before this time.")
@click.option("--tz", help="Timezone for the times in CSV (default: config).")
@click.pass_obj
@handles_errors
def export(env: Env, **kw: Any) -> None:
    """Every stored post with its score, model and first/last-seen times, as Parquet or CSV."""
    from brandscan.store import open_store
    from brandscan.store.upkeep import export as export_posts

    config = resolve_config(kw)
    fmt = kw["fmt"] or ("csv" if kw["output"].lower().endswith(".csv") else "parquet")
    window = _window(kw, config)
    with open_store(kw["db"], lock_timeout=kw["lock_timeout"]) as store:
        n = export_posts(store, kw["output"], fmt, tz=config.timezone, window=window)
    env.warn(f"brandscan: {n:,} posts written to {kw['output']} ({fmt})")


def _window(kw: dict[str, Any], config: Any) -> Any:
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

    from brandscan.store import open_store
    from brandscan.store.upkeep import prune as prune_posts
    from brandscan.window import parse_moment

    config = resolve_config(kw)
    before = parse_moment(kw["before"], tz=config.tz, now=datetime.now(config.tz),
                          option="--before")
    with open_store(kw["db"], write=not kw["dry_run"],
                    lock_timeout=kw["lock_timeout"]) as store:
        n = prune_posts(store, before, dry_run=kw["dry_run"])
    if kw["dry_run"]:
        click.echo(f"{n:,} posts created before {before.isoformat()} would be deleted")
    else:
        env.warn(f"brandscan: {n:,} posts created before {before.isoformat()} deleted")
