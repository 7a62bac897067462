"""The one-line summary and the examples of every command's ``--help``.

Kept in one table so that every command gets both (a test walks the commands) and the
examples stay real commands on the bundled ``examples/`` files, run from the
repository's root folder. The summaries fit the command list of ``brandscan --help`` at
80 columns, so Click never cuts them with "...".
"""

from __future__ import annotations

import click

E = "examples/crisis_weibo_search.csv"
J = "examples/crisis_posts.jsonl"
C = "config.example.yaml"
L = "examples/labeled_posts.tsv"

#: command path -> (summary for the command list, examples for its --help)
HELP: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("", (
        f"brandscan report {E} --config {C}",
        f"brandscan timeline {E} --interval day",
        "brandscan report --help",
    )),
    "init": ("Write a commented starter brandscan.yaml for your brands", (
        f"brandscan init {E} --brand 鲜果坊 --brand 果多多",
        "brandscan init --brand 鲜果坊 -o -",
    )),
    "report": ("The one-page answer: totals, sentiment, alerts, complaints", (
        f"brandscan report {E} --config {C}",
        f"brandscan report {E} --config {C} -o report.html",
        f"brandscan report {J} --config {C} --since 2026-11-05 --until 2026-11-07",
    )),
    "timeline": ("Mentions and sentiment per hour, day, week or month", (
        f"brandscan timeline {E} --interval day",
        f"brandscan timeline {E} --config {C} --by brand --format json",
        f"brandscan timeline {E} --config {C} --lang zh -o 走势.xlsx",
    )),
    "complaints": ("What negative opinions are about: terms or categories", (
        f"brandscan complaints {E} --config {C} --top 10",
        f"brandscan complaints {E} --config {C} --by category",
    )),
    "posts": ("One scored row per post, for spreadsheets", (
        f"brandscan posts {E} --config {C} -o posts.xlsx",
        f"brandscan posts {J} --config {C} --brand 果多多 --format jsonl",
        f"brandscan posts {E} --config {C} --label negative --genre opinion -o negative.csv",
    )),
    "inspect": ("How each file was read: layout, encoding, rows, skips", (
        f"brandscan inspect {E}",
        f"brandscan inspect {E} --skipped",
        f"brandscan inspect {E} --config {C} --brand 鲜果坊",
    )),
    "alerts": ("Crisis radar: spikes, negative shifts, influential posts", (
        f"brandscan alerts {E} --config {C}",
        f"brandscan alerts {E} --config {C} --min-severity spike --format markdown",
        f"brandscan alerts {J} --config {C} --now '2026-11-05 12:00' --since 24h "
        "--fail-on-alert",
    )),
    "influencers": ("Who drives the conversation: authors by reach", (
        f"brandscan influencers {J} --config {C} --top 10",
        f"brandscan influencers {E} --config {C} --brand 鲜果坊 --format csv",
    )),
    "sov": ("Share of voice per brand and period", (
        f"brandscan sov {E} --config {C}",
        f"brandscan sov {E} --config {C} --compare 鲜果坊,果多多 --interval total",
    )),
    "train": ("Train a sentiment model on labelled posts", (
        f"brandscan train {L} -o my.model",
        f"brandscan train {L} -o my.model --split train",
    )),
    "evaluate": ("Measure a sentiment model on labelled posts", (
        f"brandscan evaluate {L}",
        f"brandscan evaluate {L} --model snownlp --format json",
    )),
    "ingest": ("Score and keep posts in the history store", (
        f"brandscan ingest {E} --config {C}",
        f"brandscan ingest {E} --db /tmp/brandscan.duckdb --json",
    )),
    "rescore": ("Score stored posts again with the configured model", (
        "brandscan rescore",
        "brandscan rescore --model snownlp --no-terms",
    )),
    "db": ("Look after the store: info, export, prune", (
        "brandscan db info",
        "brandscan db export -o posts.parquet",
    )),
    "db info": ("Size, posts, date range, models and batches of the store", (
        "brandscan db info",
        "brandscan db info --format json",
    )),
    "db export": ("Every stored post with its score, as Parquet or CSV", (
        "brandscan db export -o posts.parquet",
        "brandscan db export -o posts.csv --since 2026-11-05 --until 2026-11-06",
    )),
    "db prune": ("Delete stored posts created before a time", (
        "brandscan db prune --before 365d --dry-run",
        "brandscan db prune --before 2026-11-03",
    )),
}


def epilog(examples: tuple[str, ...]) -> str:
    """Click epilog text: the examples kept as lines (``\\b``), under a heading."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in examples)


def document_examples(group: click.Group, path: str = "") -> None:
    """Give every command its summary and examples from :data:`HELP`.

    A command missing from the table keeps Click's defaults (tests/test_help.py fails on
    it), so a new command never breaks the others."""
    for name, command in [("", group), *group.commands.items()]:
        here = f"{path} {name}".strip()
        if name and isinstance(command, click.Group):
            document_examples(command, here)
            continue
        if here not in HELP:
            continue
        summary, examples = HELP[here]
        if summary:
            command.short_help = summary
        command.epilog = epilog(examples)
