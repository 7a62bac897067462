"""``brandscan init``: a commented starter brandscan.yaml (see :mod:`brandscan.text.starter`)."""

from __future__ import annotations

import os
from typing import Any

import click

from brandscan.cli.common import Env, cli, expand_globs, handles_errors
from brandscan.cli.store import loading_options
from brandscan.errors import BrandscanError, UsageError

DEFAULT_PATH = "brandscan.yaml"


@cli.command()
@click.argument("files", nargs=-1, required=False, type=click.Path(dir_okay=True))
@click.option("--brand", "brand_names", multiple=True, metavar="NAME",
              help="A brand to watch (repeatable); with FILE..., its likely aliases and "
                   "official accounts are suggested from the posts.")
@click.option("-o", "--output", default=DEFAULT_PATH, show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the starter config; - prints it.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@loading_options
@click.pass_obj
@handles_errors
def init(env: Env, **kw: Any) -> None:
    """Write a commented starter brandscan.yaml for your brands.

    Every section of the configuration is there, commented. With FILE... (any layout
    brandscan reads), each --brand gets the aliases and official accounts the posts
    suggest — Latin spellings of its pinyin (BYD, XianGuoFang), longer names containing
    it (hashtags, @mentions, account names), accounts named after it — as commented-out
    lines with the counts behind them: uncomment the ones that are right.
    """
    from brandscan.text.starter import starter_yaml, suggest

    output = kw["output"]
    if output != "-" and os.path.lexists(output) and not kw["force"]:
        raise BrandscanError(f"{output} exists; brandscan init does not replace it",
                         hint="--force replaces it, -o PATH writes elsewhere, -o - prints it")
    files = expand_globs(kw["files"]) if kw["files"] else []
    brands = _brand_names(kw["brand_names"])
    suggestions, total = [], 0
    if files:
        posts = _load(env, kw, files)
        total = len(posts)
        suggestions = [suggest(posts, name) for name in brands]
        if not brands:
            env.warn("brandscan: no --brand given: nothing to suggest from the files "
                     "(brandscan init FILE... --brand NAME)")
    text = starter_yaml(brands, suggestions, sources=files, total_posts=total)
    if output == "-":
        click.echo(text, nl=False)
        return
    from brandscan.files import atomic_write

    atomic_write(output, text.encode("utf-8"))
    found = sum(len(s.latin) + len(s.longer) + len(s.accounts) + len(s.excludes)
                for s in suggestions)
    env.warn(f"brandscan: wrote {output}"
             + (f" with {found} suggestion(s) to confirm" if files and brands else "")
             + "; edit it, then: brandscan report FILE")


def _brand_names(names: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for name in names:
        name = name.strip()
        if not name:
            raise UsageError("--brand: a brand name cannot be empty")
        if name not in out:
            out.append(name)
    return out


def _load(env: Env, kw: dict[str, Any], files: list[str]) -> Any:
    """The posts of the files, read as every command reads them (no config: defaults)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from brandscan.app.request import COLUMN_OPTIONS
    from brandscan.app.run import check_file_errors, load_summary
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.window import parse_moment

    tz_name = kw.get("tz") or "Asia/Shanghai"
    try:
        tz = ZoneInfo(tz_name)
    except Exception:
        raise BrandscanError(f"--tz {tz_name}: unknown timezone",
                             hint="use an IANA name such as Asia/Shanghai") from None
    clock = datetime.now(tz)
    now = parse_moment(kw["now_text"], tz=tz, now=clock, option="--now") \
        if kw.get("now_text") else None
    day = parse_moment(kw["date_text"], tz=tz, now=clock, option="--date").date() \
        if kw.get("date_text") else None
    columns = {name: kw[f"col_{name}"] for name in COLUMN_OPTIONS if kw.get(f"col_{name}")}
    result = load_posts(files, LoadOptions(tz=tz_name, columns=columns, now=now, date=day,
                                           users=tuple(kw.get("users") or ())))
    check_file_errors(result.report, env)
    error = result.report.strict_error() if kw.get("strict") else None
    if error is not None:
        raise error
    load_summary(env, result.report)
    return result.posts
