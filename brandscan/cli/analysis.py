"""Analysis commands: report, timeline, complaints, posts, inspect."""

from __future__ import annotations

from typing import Any

import click

from brandscan.cli.common import (
    Env,
    aggregate_inputs,
    analysis_options,
    check_output,
    cli,
    emit_frame,
    emit_output,
    engine_of,
    engine_options,
    handles_errors,
    input_options,
    jobs_of,
    load_inputs,
    output_format,
    output_options,
    raise_file_errors,
    scored_inputs,
)
from brandscan.cli.radar import radar_history
from brandscan.render.formats import REPORT, ReportOutput


@cli.command()
@input_options
@analysis_options
@engine_options
@click.option("--interval", type=click.Choice(["hour", "day", "week"]),
              help="Timeline periods (default: hour for ≤3 days, day for ≤10 weeks, else week).")
@click.option("--top", default=10, show_default=True, help="Rows in the complaint and post lists.")
@output_options(REPORT)
@click.pass_obj
@handles_errors
def report(env: Env, **kw: Any) -> None:
    """The one-page answer: totals, sentiment, timeline, complaints, worst posts."""
    from brandscan.analyze.report import build_report
    from brandscan.text.sentiment import get_scorer

    # Decided first: a wrong format should fail before minutes of scoring.
    fmt = output_format(env, REPORT, kw["fmt"], kw["output"], kw=kw)
    check_output(env, REPORT, fmt, kw["output"])
    engine = engine_of(kw)
    if engine != "local":
        # ``scored`` stands for the posts renderers look complaint examples up in.
        loaded, rep, scored = _streamed_report(env, kw, engine, fmt)
    else:
        loaded, scored, window = scored_inputs(env, kw)
        # A store-only run names the model its stored scores came from.
        model = loaded.model or get_scorer(loaded.config.sentiment.model).model_id
        history = radar_history(env, loaded, kw, scored, window)
        negatives = int((scored["label"] == "negative").sum())
        with env.progress("complaint terms", negatives) as advance:
            rep = build_report(scored, loaded.config, loaded.result.report,
                               interval=kw["interval"], top=kw["top"], model=model,
                               since=window.since, until=window.until, jobs=jobs_of(kw),
                               progress=advance, history=history,
                               posts=loaded.result.posts, brands=kw["brands"],
                               influencers=fmt in ("xlsx", "html"))
    emit_output(env, REPORT, ReportOutput(rep, scored, timezone=loaded.config.timezone,
                                          generated=loaded.now, every_post=engine == "local"),
                fmt, kw["output"])


def _streamed_report(env: Env, kw: dict[str, Any], engine: str, fmt: str
                     ) -> tuple[Any, Any, Any]:
    """The report from partial aggregates built chunk by chunk (--engine stream or dask).

    Every section is the local engine's, number for number: the crisis radar's partials
    are merged like the rest, and the posts behind the alerts come from a second reading
    of just the alert windows.
    """
    from brandscan.analyze.report import report_from_aggregate
    from brandscan.engine.aggregates import INTERVALS
    from brandscan.engine.radar import add_radar
    from brandscan.text.sentiment import get_scorer

    intervals = (kw["interval"],) if kw["interval"] else INTERVALS
    influencers = fmt in ("xlsx", "html")  # the reports that show the ranking
    loaded, result, window = aggregate_inputs(env, kw, engine, intervals=intervals,
                                              top=kw["top"], terms=True, radar=True,
                                              authors=influencers)
    agg, config = result.aggregate, loaded.config
    # A store-only run names the model(s) its stored scores came from.
    model = loaded.model or get_scorer(config.sentiment.model).model_id
    rep = report_from_aggregate(agg, config, loaded.result.report, interval=kw["interval"],
                                top=kw["top"], model=model, since=window.since,
                                until=window.until)
    add_radar(rep, result.radar, agg, config, window_posts=result.windows,
              brands=kw["brands"], since=window.since, until=window.until,
              influencers=influencers, top=kw["top"])
    return loaded, rep, agg.complaint_posts(config, top=kw["top"])


@cli.command()
@input_options
@analysis_options
@engine_options
@click.option("--interval", type=click.Choice(["hour", "day", "week"]), default="day",
              show_default=True, help="Length of each period.")
@output_options()
@click.pass_obj
@handles_errors
def timeline(env: Env, **kw: Any) -> None:
    """Mentions and sentiment per hour, day or week (empty periods as zeros)."""
    from brandscan.analyze.timeline import timeline as make_timeline

    engine = engine_of(kw)
    if engine != "local":
        loaded, result, window = aggregate_inputs(env, kw, engine,
                                                  intervals=(kw["interval"],))
        tl = result.aggregate.timeline(kw["interval"], tz=loaded.config.timezone,
                                       since=window.since, until=window.until)
    else:
        loaded, scored, window = scored_inputs(env, kw)
        tl = make_timeline(scored, interval=kw["interval"], tz=loaded.config.timezone,
                           since=window.since, until=window.until)
    emit_frame(env, tl, kw["fmt"], kw["output"], title=f"Mentions per {kw['interval']}")


@cli.command()
@input_options
@analysis_options
@engine_options
@click.option("--top", default=20, show_default=True, help="How many terms.")
@output_options()
@click.pass_obj
@handles_errors
def complaints(env: Env, **kw: Any) -> None:
    """What negative posts are about: terms, categories, an example post each."""
    from brandscan.analyze.complaints import complaints as top_complaints

    engine = engine_of(kw)
    if engine != "local":
        loaded, result, _ = aggregate_inputs(env, kw, engine, intervals=(), terms=True)
        table = result.aggregate.complaints(loaded.config, top=kw["top"])
    else:
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
@click.option("--brand", "brands", multiple=True, metavar="NAME",
              help="How many posts each clause of this brand's query (or each alias and "
                   "exclude phrase) matches, to tune it (repeatable).")
@output_options()
@click.pass_obj
@handles_errors
def inspect(env: Env, **kw: Any) -> None:
    """How each file was read: layout, encoding, rows read/used/skipped, time range."""
    from brandscan.load.inspection import files_table, skipped_table

    loaded = load_inputs(env, kw, fail_on_bad_file=False)
    report = loaded.result.report
    if kw["brands"]:
        from brandscan.cli.common import check_brands
        from brandscan.text.brands import clause_table

        check_brands(loaded.config, kw["brands"])
        table = clause_table(loaded.result.posts, loaded.config.brands, kw["brands"])
        title = "Posts matched per clause"
    else:
        table = skipped_table(report) if kw["show_skipped"] else files_table(report)
        title = "Skipped rows" if kw["show_skipped"] else "Input files"
    emit_frame(env, table, kw["fmt"], kw["output"], title=title)
    if report.errors:
        raise_file_errors(report)
