"""Crisis-radar commands: alerts, influencers, sov (share of voice)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from brandscan.analyze import INTERVALS
from brandscan.analyze.severity import SEVERITIES
from brandscan.cli.common import (
    Env,
    analysis_options,
    cli,
    emit_frame,
    emit_output,
    engine_options,
    handles_errors,
    input_options,
    output_options,
    request_of,
)
from brandscan.errors import ExitStatus
from brandscan.render.formats import ALERTS, Table

if TYPE_CHECKING:
    pass


NOTIFY_FORMATS = ("json", "wecom", "dingtalk", "slack")


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
              show_default=True, metavar="SECONDS",
              help="Give up on the webhook after this long, the whole request included.")
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
    from brandscan.analyze.alerts import Alerts, at_least
    from brandscan.app.run import run

    env: Env = ctx.obj
    fired = run(request_of(kw), [Alerts()], env)["alerts"]
    found = at_least(fired, kw["min_severity"])
    found.attrs["notes"] = list(fired.attrs.get("notes") or [])
    if kw["fmt"] not in ("markdown", "table") or found.empty:
        for note in found.attrs["notes"]:  # data notes: stderr, unless -q
            env.warn(f"brandscan: note: {note}")
    if found.empty:
        if env.stderr_tty:
            env.warn("brandscan: no alerts")
        return
    emit_output(env, ALERTS, Table(found, "Alerts"), kw["fmt"], kw["output"])
    if kw["notify_url"]:
        from brandscan.render.notify import notify

        notify(kw["notify_url"], found, fmt=kw["notify_format"], timeout=kw["notify_timeout"])
        env.warn(f"brandscan: {len(found)} alert(s) sent to {kw['notify_url'].split('?')[0]}")
    if kw["fail_on_alert"]:
        ctx.exit(int(ExitStatus.ALERT))


@cli.command()
@input_options
@analysis_options
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many authors.")
@engine_options
@output_options()
@click.pass_obj
@handles_errors
def influencers(env: Env, **kw: Any) -> None:
    """Who drives the conversation: authors by reach (followers, else engagement).

    With post count, mean sentiment, most engaging post, how often others repost them in
    //@ chains, and a flag when one of their posts made most of an alert's engagement.
    """
    from brandscan.analyze.alerts import Alerts
    from brandscan.analyze.influencers import Influencers
    from brandscan.app.run import run

    out = run(request_of(kw), [Alerts(), Influencers(kw["top"])], env)
    emit_frame(env, out["influencers"], kw["fmt"], kw["output"], title="Influencers",
               view="influencers")


@cli.command()
@input_options
@analysis_options
@click.option("--interval", type=click.Choice([*INTERVALS, "total"]),
              default="day",
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
    from brandscan.analyze.share import ShareOfVoice, compared_brands
    from brandscan.app.request import resolve_config
    from brandscan.app.run import run

    compare = tuple(c.strip() for c in (kw["compare"] or "").split(",") if c.strip())
    compare = compare or tuple(kw["brands"])
    # Brands side by side, never posts filtered to one.
    request = request_of(kw).with_brands(())
    compared_brands(resolve_config(request), compare)  # unknown names fail before any work
    interval = None if kw["interval"] == "total" else kw["interval"]
    out = run(request, [ShareOfVoice(interval, compare)], env)
    table = out["share_of_voice"]
    emit_frame(env, table, kw["fmt"], kw["output"], title="Share of voice", view="sov")
