"""Analysis commands: report, timeline, complaints, posts, inspect."""

from __future__ import annotations

from typing import Any

import click

from brandscan.cli.common import (
    REPORT_FORMATS,
    Env,
    analysis_options,
    cli,
    emit_frame,
    handles_errors,
    input_options,
    jobs_of,
    load_inputs,
    output_options,
    raise_file_errors,
    scored_inputs,
)
from brandscan.errors import BrandscanError


@cli.command()
@input_options
@analysis_options
@click.option("--interval", type=click.Choice(["hour", "day", "week"]),
              help="Timeline periods (default: hour for ≤3 days, day for ≤10 weeks, else week).")
@click.option("--top", default=10, show_default=True, help="Rows in the complaint and post lists.")
@output_options(REPORT_FORMATS)
@click.pass_obj
@handles_errors
def report(env: Env, **kw: Any) -> None:
    """The one-page answer: totals, sentiment, timeline, complaints, worst posts."""
    from brandscan.analyze.report import build_report
    from brandscan.render import report as render
    from brandscan.render.output import emit
    from brandscan.text.sentiment import get_scorer

    loaded, scored, window = scored_inputs(env, kw)
    model = get_scorer(loaded.config.sentiment.model).model_id
    negatives = int((scored["label"] == "negative").sum())
    with env.progress("complaint terms", negatives) as advance:
        rep = build_report(scored, loaded.config, loaded.result.report, interval=kw["interval"],
                           top=kw["top"], model=model, since=window.since, until=window.until,
                           jobs=jobs_of(kw), progress=advance)
    fmt = kw["fmt"] or ("table" if env.stdout_tty and not kw["output"] else "markdown")
    if fmt == "table":
        if kw["output"]:
            raise BrandscanError("--format table is for the terminal",
                                 hint="use markdown or json with -o")
        render.to_rich(rep, env.console())
    elif fmt == "markdown":
        emit(render.to_markdown(rep), kw["output"])
    else:
        emit(render.to_json(rep), kw["output"])


@cli.command()
@input_options
@analysis_options
@click.option("--interval", type=click.Choice(["hour", "day", "week"]), default="day",
              show_default=True, help="Length of each period.")
@output_options()
@click.pass_obj
@handles_errors
def timeline(env: Env, **kw: Any) -> None:
    """Mentions and sentiment per hour, day or week (empty periods as zeros)."""
    from brandscan.analyze.timeline import timeline as make_timeline

    loaded, scored, window = scored_inputs(env, kw)
    tl = make_timeline(scored, interval=kw["interval"], tz=loaded.config.timezone,
                       since=window.since, until=window.until)
    emit_frame(env, tl, kw["fmt"], kw["output"], title=f"Mentions per {kw['interval']}")


@cli.command()
@input_options
@analysis_options
@click.option("--top", default=20, show_default=True, help="How many terms.")
@output_options()
@click.pass_obj
@handles_errors
def complaints(env: Env, **kw: Any) -> None:
    """What negative posts are about: terms, categories, an example post each."""
    from brandscan.analyze.complaints import complaints as top_complaints

    loaded, scored, _ = scored_inputs(env, kw)
    negatives = int((scored["label"] == "negative").sum())
    with env.progress("complaint terms", negatives) as advance:
        table = top_complaints(scored, loaded.config, top=kw["top"], jobs=jobs_of(kw),
                               progress=advance)
    emit_frame(env, table, kw["fmt"], kw["output"], title="Top complaints")


@cli.command()
@input_options
@analysis_options
@output_options()
@click.pass_obj
@handles_errors
def posts(env: Env, **kw: Any) -> None:
    """One scored row per post (canonical columns + brands, sentiment, label, categories)."""
    _, scored, _ = scored_inputs(env, kw)
    emit_frame(env, scored, kw["fmt"], kw["output"], title="Posts")


@cli.command()
@input_options
@click.option("--skipped", "show_skipped", is_flag=True,
              help="List every skipped row with file, line and reason.")
@output_options()
@click.pass_obj
@handles_errors
def inspect(env: Env, **kw: Any) -> None:
    """How each file was read: layout, encoding, rows read/used/skipped, time range."""
    from brandscan.load.inspection import files_table, skipped_table

    report = load_inputs(env, kw, fail_on_bad_file=False).result.report
    table = skipped_table(report) if kw["show_skipped"] else files_table(report)
    emit_frame(env, table, kw["fmt"], kw["output"],
                title="Skipped rows" if kw["show_skipped"] else "Input files")
    if report.errors:
        raise_file_errors(report)
