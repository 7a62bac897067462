"""A window with no posts, or brands that match none, is an answer (exit 0) that says
where the posts are — never a traceback, never a bare "No mentions"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, weibo_search_csv

CFG = ("--config", str(CONFIG_EXAMPLE))
NOW = ("--now", "2026-12-05 11:00")
HELD = "the store holds 2026-11-05 to 2026-11-06"


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return weibo_search_csv(tmp_path_factory.mktemp("export") / "鲜果坊.csv", [
        ("1", "甲", "鲜果坊的橙子很甜", "0", "1", "2", "2026-11-05 10:00"),
        ("2", "乙", "鲜果坊的快递太慢了，差评", "3", "0", "0", "2026-11-05 21:00"),
        ("3", "丙", "今天天气不错", "0", "0", "0", "2026-11-06 09:00"),
    ])


@pytest.fixture(scope="module")
def store(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "s.duckdb"
    assert run("ingest", export, "--db", db, *CFG).exit_code == 0
    return db


@pytest.mark.parametrize("command", ["timeline", "complaints", "influencers", "sov", "posts"])
def test_a_table_command_on_an_empty_week_of_the_store(store: Path, command: str) -> None:
    result = run(command, "--db", store, *CFG, *NOW, "--since", "7d", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert (f"brandscan: no posts between 2026-11-28 11:00 and 2026-12-05 11:00; {HELD}"
            in result.stderr.splitlines())
    assert len(result.stdout.splitlines()) == 1  # the header: an empty table


def test_alerts_on_an_empty_day_of_the_store(store: Path) -> None:
    result = run("alerts", "--db", store, *CFG, *NOW, "--since", "24h", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert (f"brandscan: no posts between 2026-12-04 11:00 and 2026-12-05 11:00; {HELD}"
            in result.stderr.splitlines())


def test_the_report_says_it_in_its_sentence(store: Path) -> None:
    result = run("report", "--db", store, *CFG, *NOW, "--since", "7d", "--format", "json")
    assert result.exit_code == 0, result.output
    sentence = f"No posts between 2026-11-28 11:00 and 2026-12-05 11:00; {HELD}."
    assert json.loads(result.stdout)["verdict"] == sentence
    assert f"brandscan: {sentence[0].lower()}{sentence[1:-1]}" in result.stderr
    markdown = run("report", "--db", store, *CFG, *NOW, "--since", "7d", "--format",
                   "markdown")
    assert f"**{sentence}**" in markdown.stdout


def test_a_closed_window_and_files(export: Path) -> None:
    result = run("timeline", export, *CFG, "--since", "2026-12-01", "--until", "2026-12-02")
    assert result.exit_code == 0
    assert ("brandscan: no posts between 2026-12-01 00:00 and 2026-12-02 00:00; the file "
            "holds 2026-11-05 to 2026-11-06") in result.stderr


@pytest.fixture(scope="module")
def tesla(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = tmp_path_factory.mktemp("config") / "tesla.yaml"
    config.write_text("brands:\n  - name: 特斯拉\n    aliases: [Tesla]\n", encoding="utf-8")
    return config


def test_a_brand_that_never_matches_says_how_many_posts_it_looked_at(export: Path,
                                                                        tesla: Path) -> None:
    result = run("report", export, "--config", tesla, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verdict"] == (
        "0 of 3 posts mention 特斯拉 (data from 2026-11-05 to 2026-11-06).")
    assert "brandscan: 0 of 3 posts mention 特斯拉 (data from 2026-11-05 to 2026-11-06)" \
        in result.stderr
    # In a window: the posts of the window.
    day = run("complaints", export, "--config", tesla, "--since", "2026-11-06")
    assert "brandscan: 0 of 1 posts mention 特斯拉 (data from 2026-11-06 to 2026-11-06)" \
        in day.stderr


def test_the_store_and_a_brand_that_never_matches(store: Path, tesla: Path) -> None:
    result = run("timeline", "--db", store, "--config", tesla, "--format", "csv")
    assert result.exit_code == 0
    assert "brandscan: 0 of 3 posts mention 特斯拉 (data from 2026-11-05 to 2026-11-06)" \
        in result.stderr


def test_one_of_two_brands_selected(export: Path) -> None:
    result = run("timeline", export, *CFG, "--brand", "果多多")
    assert "brandscan: 0 of 3 posts mention 果多多 (data from 2026-11-05 to 2026-11-06)" \
        in result.stderr


def test_nothing_is_said_when_there_are_mentions(export: Path) -> None:
    result = run("timeline", export, *CFG, "--format", "csv")
    assert "mention" not in result.stderr and "no posts" not in result.stderr


def test_kind_leaving_nothing_says_so(export: Path) -> None:
    # The export holds posts only: --kind comment leaves none to count.
    result = run("report", export, *CFG, "--kind", "comment", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verdict"] == "No comments in the file (--kind comment)."


def test_the_library_run_puts_it_in_the_report(export: Path, tesla: Path) -> None:
    """Called from Python (no command line), the run itself gives the report its reason."""
    from brandscan.analyze.report import ReportAnalysis
    from brandscan.app.request import Request
    from brandscan.app.run import run as run_analyses

    out = run_analyses(Request(files=(str(export),), config_path=str(tesla)),
                       [ReportAnalysis(top=5)])
    assert out.no_mentions == "0 of 3 posts mention 特斯拉 (data from 2026-11-05 to 2026-11-06)"
    assert out["report"].no_mentions == out.no_mentions
