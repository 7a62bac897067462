"""Analysis commands: report, timeline, complaints, posts, inspect."""

from __future__ import annotations

from typing import Any

import click

from brandscan.analyze import INTERVALS
from brandscan.cli.common import (
    Env,
    analysis_options,
    cli,
    emit_frame,
    emit_output,
    engine_options,
    handles_errors,
    input_options,
    load_inputs,
    output_format,
    output_options,
    request_of,
)
from brandscan.render.formats import REPORT, ReportOutput


@cli.command()
@input_options
@analysis_options
@engine_options
@click.option("--interval", type=click.Choice(INTERVALS),
              help="Timeline periods; month: calendar months in the timezone (default: hour "
                   "for ≤3 days, day for ≤10 weeks, else week).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="Rows in the complaint and post lists.")
@output_options(REPORT)
@click.pass_obj
@handles_errors
def report(env: Env, **kw: Any) -> None:
    """The one-page answer: totals, sentiment, timeline, complaints, worst posts."""
    from brandscan.analyze.report import ReportAnalysis
    from brandscan.app.run import run

    # Checked before any work (handles_errors); the workbook and page list influencers.
    fmt = output_format(env, REPORT, kw["fmt"], kw["output"], kw=kw)
    request = request_of(kw)
    analysis = ReportAnalysis(kw["interval"], kw["top"], influencers=fmt in ("xlsx", "html"),
                              model=_model_id(request))
    out = run(request, [analysis], env)
    rep = out["report"]
    # Complaint examples are looked up in the posts when they are at hand; a streamed run
    # has the posts behind the examples, and its workbook no posts sheet.
    posts = out.scored if out.scored is not None else rep.complaint_posts
    emit_output(env, REPORT, ReportOutput(rep, posts, timezone=out.config.timezone,
                                          generated=out.now,
                                          every_post=out.scored is not None),
                fmt, kw["output"])


def _model_id(request: Any) -> str:
    """The configured sentiment model's id (a store-only run names the stored ones)."""
    from brandscan.app.request import resolve_config
    from brandscan.text.sentiment import get_scorer

    if request.store and not request.files:
        return ""
    return get_scorer(resolve_config(request).sentiment.model).model_id


@cli.command()
@input_options
@analysis_options
@engine_options
@click.option("--interval", type=click.Choice(INTERVALS), default="day",
              show_default=True,
              help="Length of each period (weeks start on Monday; month: calendar months in "
                   "the timezone).")
@click.option("--by", type=click.Choice(["all", "brand"]), default="all", show_default=True,
              help="all: one timeline of every selected post; brand: one per brand (the "
                   "--brand ones, else every configured one), a post naming two in both.")
@output_options()
@click.pass_obj
@handles_errors
def timeline(env: Env, **kw: Any) -> None:
    """Mentions and sentiment per hour, day, week or month (empty periods as zeros)."""
    from brandscan.analyze.timeline import Timeline
    from brandscan.app.run import run

    if kw["by"] == "brand":
        from brandscan.analyze.share import BrandTimeline

        out = run(request_of(kw), [BrandTimeline(kw["interval"])], env)
        emit_frame(env, out["brand_timeline"], kw["fmt"], kw["output"],
                   title=f"Mentions per {kw['interval']} and brand", view="brand-timeline")
        return
    out = run(request_of(kw), [Timeline(kw["interval"])], env)
    emit_frame(env, out["timeline"], kw["fmt"], kw["output"],
               title=f"Mentions per {kw['interval']}", view="timeline")


@cli.command()
@input_options
@analysis_options
@engine_options
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many terms.")
@click.option("--by", type=click.Choice(["term", "category"]), default="term",
              show_default=True,
              help="term: the terms that set the negative opinions apart from the brand's "
                   "other opinions (3+ posts from 2+ accounts; score = log-odds z); "
                   "category: the negative opinions per complaint category (质量, 物流/配送, "
                   "客服, 退款/退货… and configured ones).")
@output_options()
@click.pass_obj
@handles_errors
def complaints(env: Env, **kw: Any) -> None:
    """What negative opinions are about: distinctive terms (or categories), with the
    counts each rests on and an example post each, by different authors."""
    from brandscan.analyze.complaints import Aspects, Complaints
    from brandscan.app.run import run

    if kw["by"] == "category":
        out = run(request_of(kw), [Aspects()], env)
        emit_frame(env, out["aspects"], kw["fmt"], kw["output"],
                   title="Complaints per category", view="complaint-categories")
        return
    out = run(request_of(kw), [Complaints(kw["top"])], env)
    emit_frame(env, out["complaints"], kw["fmt"], kw["output"], title="Top complaints",
               view="complaints")


@cli.command()
@input_options
@analysis_options
@click.option("--label", "labels", multiple=True, metavar="LABEL",
              help="Only posts with this sentiment label (repeatable or comma-separated: "
                   "positive, neutral, negative).")
@output_options()
@click.pass_obj
@handles_errors
def posts(env: Env, **kw: Any) -> None:
    """One scored row per post (canonical columns + brands, sentiment, label, categories)."""
    from dataclasses import replace

    from brandscan.analyze.listing import list_posts, parse_labels
    from brandscan.app.run import run

    labels = parse_labels(kw["labels"])
    request = request_of(kw)
    # Every post is listed, so they are held in memory whatever their number.
    out = run(replace(request, engine="local"), (), env)
    scored = out.scored
    genres = out.config.sentiment.genres if request.genres else ()
    listed = list_posts(scored, labels=labels, genres=genres)
    if labels or genres or env.stderr_tty:
        env.warn(f"brandscan: {len(listed):,} of {len(scored):,} posts listed"
                 + _narrowed(request.brands, labels, genres))
    emit_frame(env, listed, kw["fmt"], kw["output"], title="Posts", view="posts")


def _narrowed(brands: tuple[str, ...], labels: tuple[str, ...],
              genres: tuple[str, ...]) -> str:
    """" (label negative; genre opinion, news)": the filters a listing went through."""
    parts = [f"{what} {', '.join(values)}" for what, values in
             (("brand", brands), ("label", labels), ("genre", genres)) if values]
    return f" ({'; '.join(parts)})" if parts else ""


# --genre of posts also narrows the rows listed (elsewhere it only says which genres the
# sentiment mix counts).
next(p for p in posts.params if p.name == "genres").help = (
    "Only posts of these genres (repeatable or comma-separated: opinion, news, ad, spam, "
    "official, all); their posts also make up the sentiment mix (voice column). Default: "
    "every genre listed.")


@cli.command()
@input_options
@click.option("--skipped", "show_skipped", is_flag=True,
              help="List every skipped row with file, line and reason.")
@click.option("--brand", "brands", multiple=True, metavar="NAME",
              help="How many posts each clause of this brand's query (or each alias and "
                   "exclude phrase) matches, to tune it, and how many of its posts are "
                   "opinions, news, ads, spam and official posts (repeatable).")
@output_options()
@click.pass_obj
@handles_errors
def inspect(env: Env, **kw: Any) -> None:
    """How each file was read: layout, encoding, rows read/used/skipped, time range."""
    from brandscan.load.inspection import files_table, skipped_table

    loaded = load_inputs(env, kw, fail_on_bad_file=False)
    report = loaded.result.report
    if kw["brands"]:
        import pandas as pd

        from brandscan.app.request import check_brands
        from brandscan.text.brands import clause_table
        from brandscan.text.scoring import genre_counts

        check_brands(loaded.config, kw["brands"])
        table = pd.concat([clause_table(loaded.result.posts, loaded.config.brands, kw["brands"]),
                           genre_counts(loaded.result.posts, loaded.config, kw["brands"])],
                          ignore_index=True)
        title, view = "Posts matched per clause, and per genre", "inspect-brand"
    else:
        table = skipped_table(report) if kw["show_skipped"] else files_table(report)
        title = "Skipped rows" if kw["show_skipped"] else "Input files"
        view = "inspect-skipped" if kw["show_skipped"] else "inspect-files"
    emit_frame(env, table, kw["fmt"], kw["output"], title=title, view=view)
    if report.errors:
        from brandscan.app.run import raise_file_errors

        raise_file_errors(report)
