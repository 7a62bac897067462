"""Crisis-radar commands: alerts, influencers, sov (share of voice)."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from brandscan.analyze.severity import SEVERITIES
from brandscan.cli.common import (
    Env,
    Loaded,
    aggregate_inputs,
    analysis_options,
    cli,
    emit_frame,
    emit_output,
    engine_of,
    engine_options,
    handles_errors,
    input_options,
    jobs_of,
    output_options,
    resolve_config,
    scored_inputs,
    uses_store,
)
from brandscan.errors import ExitStatus
from brandscan.render.formats import ALERTS, Table

if TYPE_CHECKING:
    import pandas as pd

    from brandscan.config import AlertConfig

NOTIFY_FORMATS = ("json", "wecom", "dingtalk", "slack")


def baseline_span(alerts: AlertConfig) -> timedelta:
    """How far before ``--since`` the alert baselines look (weekly check and MAD window)."""
    v = alerts.volume
    days = max(v.baseline_days, 7 * v.weeks, alerts.negative.days, v.fallback_hours / 24,
               alerts.min_history_hours / 24)
    return timedelta(days=days + math.ceil(v.spread_hours / 24) + 1)


def radar_history(env: Env, loaded: Loaded, kw: dict[str, Any], scored: pd.DataFrame,
                  window: Any) -> pd.DataFrame:
    """The window's scored posts plus those of the weeks before ``--since``.

    Alert baselines need the days before the window; only those posts are scored here
    (from the files, and from the store when the command reads one).
    """
    if window.since is None:
        return scored
    import pandas as pd

    from brandscan.text.scoring import analyse
    from brandscan.window import Window

    earlier = Window(window.since - baseline_span(loaded.config.alerts), window.since)
    posts = loaded.result.posts
    store = uses_store(kw)
    if len(posts) or not store:  # (a store-only run needs no sentiment engine)
        with env.progress("scoring", int(earlier.mask(posts["created_at"]).sum())) as advance:
            before = analyse(posts, loaded.config, brands=kw.get("brands", ()),
                             window=earlier, jobs=jobs_of(kw), progress=advance)
    else:
        before = posts
    if store:
        from brandscan.cli.common import with_store

        before = with_store(env, kw, loaded, before, earlier, account=False)
    return pd.concat([before, scored], ignore_index=True)


def _alerts_of(env: Env, kw: dict[str, Any], *, authors: bool = False
               ) -> tuple[Loaded, pd.DataFrame, Any, Any]:
    """(loaded, alerts fired in the window, the scored posts or the streamed result, the
    history's window_posts): in memory, or from merged partials (--engine stream/dask,
    and the store alone)."""
    from brandscan.analyze.alerts import detect_alerts_from, frame_window_posts
    from brandscan.engine.radar import RadarPartial

    engine = engine_of(kw)
    brands = kw["brands"] or None
    if engine != "local":
        loaded, result, window = aggregate_inputs(env, kw, engine, intervals=(), radar=True,
                                                  authors=authors)
        found = detect_alerts_from(result.radar.hourly, loaded.config, brands=brands,
                                   since=window.since, until=window.until,
                                   window_posts=result.windows)
        return loaded, found, result, result.windows
    loaded, scored, window = scored_inputs(env, kw)
    history = radar_history(env, loaded, kw, scored, window)
    partial = RadarPartial.of(history, loaded.config, brands=kw["brands"], since=window.since,
                              until=window.until, authors=authors)
    window_posts = frame_window_posts(history)
    found = detect_alerts_from(partial.hourly, loaded.config, brands=brands,
                               since=window.since, until=window.until,
                               window_posts=window_posts)
    return loaded, found, (scored, partial), window_posts


@cli.command()
@input_options
@analysis_options
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="watch",
              show_default=True, help="Report (and --fail-on-alert on) alerts from this level.")
@click.option("--fail-on-alert", is_flag=True,
              help="Exit 3 when an alert at or above --min-severity fires (for cron).")
@click.option("--notify", "notify_url", metavar="URL",
              help="Also POST the alerts to this webhook (nothing is sent when none fire).")
@click.option("--notify-format", type=click.Choice(NOTIFY_FORMATS), default="json",
              show_default=True, help="Webhook body: plain JSON, 企业微信, 钉钉 or Slack robot.")
@click.option("--notify-timeout", type=click.FloatRange(min=0.1), default=10.0,
              show_default=True, metavar="SECONDS", help="Give up on the webhook after this.")
@engine_options
@output_options(ALERTS)
@click.pass_context
@handles_errors
def alerts(ctx: click.Context, **kw: Any) -> None:
    """Volume spikes, negative shifts and influential negative posts, per brand and hour.

    Alerts fire on state changes (start, higher severity, count doubled) with a cooldown,
    and --since limits the output to alerts fired in the window while the days before
    still make the baseline. Nothing is printed when nothing fires. Exit status 3 with
    --fail-on-alert when an alert fired, so a cron job mails only then.
    """
    from brandscan.analyze.alerts import at_least

    env: Env = ctx.obj
    found = _alerts_of(env, kw)[1]
    found = at_least(found, kw["min_severity"])
    if found.empty:
        if env.stderr_tty:
            env.warn("brandscan: no alerts")
        return
    emit_output(env, ALERTS, Table(found, "Alerts"), kw["fmt"], kw["output"])
    if kw["notify_url"]:
        from brandscan.notify import notify

        notify(kw["notify_url"], found, fmt=kw["notify_format"], timeout=kw["notify_timeout"])
        env.warn(f"brandscan: {len(found)} alert(s) sent to {kw['notify_url'].split('?')[0]}")
    if kw["fail_on_alert"]:
        ctx.exit(int(ExitStatus.ALERT))


@cli.command()
@input_options
@analysis_options
@click.option("--top", default=20, show_default=True, help="How many authors.")
@engine_options
@output_options()
@click.pass_obj
@handles_errors
def influencers(env: Env, **kw: Any) -> None:
    """Who drives the conversation: authors by reach (followers, else engagement).

    With post count, mean sentiment, most engaging post, how often others repost them in
    //@ chains, and a flag when one of their posts made most of an alert's engagement.
    """
    from brandscan.analyze.influencers import dominant_posts_from, influencers_from

    loaded, found, got, window_posts = _alerts_of(env, kw, authors=True)
    authors = got[1].authors if isinstance(got, tuple) else got.radar.authors
    table = influencers_from(authors, loaded.config, top=kw["top"],
                             dominant=dominant_posts_from(found, window_posts, loaded.config))
    emit_frame(env, table, kw["fmt"], kw["output"], title="Influencers")


@cli.command()
@input_options
@analysis_options
@click.option("--interval", type=click.Choice(["hour", "day", "week", "total"]), default="day",
              show_default=True, help="Length of each period (total: one row per brand).")
@click.option("--compare", metavar="A,B,C",
              help="The configured brands to compare (default: --brand, else all).")
@engine_options
@output_options()
@click.pass_obj
@handles_errors
def sov(env: Env, **kw: Any) -> None:
    """Share of voice: mentions, share, sentiment mix and net sentiment per brand and period.

    A post naming two brands counts for both; net sentiment is (positive − negative) /
    mentions.
    """
    from brandscan.analyze.share import (
        compared_brands,
        share_from_aggregate,
        totals_from_aggregate,
    )
    from brandscan.engine.aggregates import Aggregate

    compare = tuple(c.strip() for c in (kw["compare"] or "").split(",") if c.strip())
    compare = compare or tuple(kw["brands"])
    kw = {**kw, "brands": ()}  # compare brands side by side, never filter posts to one
    compared_brands(resolve_config(kw), compare)  # unknown names fail before any work
    interval = "day" if kw["interval"] == "total" else kw["interval"]
    engine = engine_of(kw)
    if engine != "local":
        loaded, result, window = aggregate_inputs(env, kw, engine, intervals=(interval,))
        agg = result.aggregate
    else:
        loaded, scored, window = scored_inputs(env, kw)
        agg = Aggregate.of(scored, intervals=(interval,))
    if kw["interval"] == "total":
        table = totals_from_aggregate(agg, loaded.config, compare=compare)
    else:
        table = share_from_aggregate(agg, loaded.config, compare=compare, interval=interval,
                                     since=window.since, until=window.until)
    emit_frame(env, table, kw["fmt"], kw["output"], title="Share of voice")
