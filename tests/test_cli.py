"""The brandscan command as a user runs it: outputs, exit codes, stdout/stderr discipline."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES, SHARED, weibo_search_csv

COMMANDS = ("report", "timeline", "complaints", "posts", "inspect")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return weibo_search_csv(tmp_path / "small.csv", [
        ("1", "甲", "鲜果坊的山竹烂了，客服不回复，太差了", "10", "2", "30", "2026-11-05 06:10"),
        ("2", "乙", "鲜果坊的车厘子很好吃，很新鲜，推荐", "0", "0", "1", "2026-11-03 12:00"),
        ("3", "丙", "鲜果坊退款被拒，客服失联，非常失望", "1", "0", "2", "2026-11-05 07:30"),
        ("4", "丁", "", "0", "0", "0", "2026-11-05 08:00"),
        ("3", "丙", "鲜果坊退款被拒，客服失联，非常失望", "2", "1", "5", "2026-11-05 07:30"),
    ])


def run(runner: CliRunner, *args: str | Path) -> object:
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = run(runner, "--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_timeline_csv_columns_and_totals(runner: CliRunner, small: Path) -> None:
    result = run(runner, "timeline", small, "--interval", "day")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["period", "mentions", "positive", "neutral", "negative",
                             "negative_share", "mean_sentiment", "engagement"]
    assert [r["period"] for r in rows] == ["2026-11-03", "2026-11-04", "2026-11-05"]
    assert [int(r["mentions"]) for r in rows] == [1, 0, 2]
    # the duplicate of post 3 kept its newer counts: 2 + 1 + 5
    assert int(rows[2]["engagement"]) == 42 + 8
    assert "1 duplicates" in result.stderr and "1 skipped (1 empty text)" in result.stderr


def test_complaints_columns(runner: CliRunner, small: Path, tmp_path: Path) -> None:
    config = tmp_path / "two.yaml"  # the file has two negative opinions by two authors
    config.write_text("complaints:\n  min_posts: 2\n  min_authors: 2\n", encoding="utf-8")
    result = run(runner, "complaints", small, "--top", "5", "--model", "snownlp",
                 "--config", config, "--format", "json")
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["rank", "term", "category", "score", "negative_posts",
                             "authors", "other_posts", "share", "engagement", "example"]
    assert rows[0]["term"] == "客服" and rows[0]["negative_posts"] == 2


def test_posts_have_full_precision_scores(runner: CliRunner, small: Path) -> None:
    result = run(runner, "posts", small, "--model", "snownlp", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert {"brands", "sentiment", "label", "categories", "created_at"} <= set(rows[0])
    from snownlp import SnowNLP

    by_id = {r["id"]: r for r in rows}
    assert by_id["2"]["sentiment"] == SnowNLP("鲜果坊的车厘子很好吃，很新鲜，推荐").sentiments
    assert by_id["1"]["created_at"] == "2026-11-05T06:10:00+08:00"


def test_inspect_names_layout_and_counts(runner: CliRunner, small: Path) -> None:
    result = run(runner, "inspect", small, "--format", "json")
    [info] = json.loads(result.stdout)
    assert info["layout"] == "weibo-search"
    assert info["encoding"] == "utf-8-sig"
    assert (info["rows_read"], info["used"], info["skipped"], info["duplicates"]) == (5, 3, 1, 1)
    skipped = run(runner, "inspect", small, "--skipped")
    assert skipped.stdout.splitlines()[1].endswith(",5,empty text")


def test_report_formats(runner: CliRunner, small: Path, tmp_path: Path) -> None:
    config = tmp_path / "two.yaml"  # the file has two negative opinions by two authors
    config.write_text("complaints:\n  min_posts: 2\n  min_authors: 2\n", encoding="utf-8")
    md = run(runner, "report", small, "--config", config)
    assert md.exit_code == 0
    assert md.stdout.startswith("# brandscan report")
    assert "## Top complaints" in md.stdout
    doc = json.loads(run(runner, "report", small, "--format", "json").stdout)
    assert doc["schema_version"] == 1
    assert doc["headline"]["mentions"] == 3
    assert {"timeline", "complaints", "negative_posts", "skipped", "verdict"} <= set(doc)


def test_output_file_is_written(runner: CliRunner, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    result = run(runner, "timeline", small, "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("period,mentions")


def test_failed_run_keeps_the_old_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    out.write_text("yesterday", encoding="utf-8")
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    result = run(runner, "timeline", bad, "-o", out)
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "yesterday"


def test_since_until_window(runner: CliRunner, small: Path) -> None:
    result = run(runner, "timeline", small, "--since", "2026-11-05", "--until", "2026-11-06")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["period"], r["mentions"]) for r in rows] == [("2026-11-05", "2")]


def test_unknown_brand_is_a_clear_error(runner: CliRunner, small: Path) -> None:
    result = run(runner, "timeline", small, "--brand", "小米")
    assert result.exit_code == 1
    assert "--brand 小米: not a configured brand" in result.stderr


def test_bad_config_names_file_and_line(runner: CliRunner, small: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("brands:\n  - name: x\n    alias: [y]\n", encoding="utf-8")
    result = run(runner, "timeline", small, "--config", cfg)
    assert result.exit_code == 1
    assert f"{cfg}:3: unknown key 'brands.alias'" in result.stderr


def test_usage_error_exits_2(runner: CliRunner, small: Path) -> None:
    assert run(runner, "timeline", small, "--interval", "fortnight").exit_code == 2


def _bad_inputs(tmp: Path) -> dict[str, Path]:
    files = {
        "empty file": b"",
        "header only": b"id,text,time\n",
        "binary file": b"\x00\x01\x02\x03\xff\xfe\x00" * 200,
        "invalid JSON": b'[{"text": "a", "time": 1},',
        "no text column": b"a,b\n1,2\n",
        "no time column": "text\n\xe5\xa5\xbd\n".encode("latin-1"),
    }
    out = {}
    for i, (reason, data) in enumerate(files.items()):
        p = tmp / f"bad{i}.csv"
        p.write_bytes(data)
        out[reason] = p
    out["no such file"] = tmp / "missing.csv"
    out["is a directory"] = tmp
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_input_gives_one_line_and_exit_1(runner: CliRunner, command: str,
                                             tmp_path: Path) -> None:
    for reason, path in _bad_inputs(tmp_path).items():
        result = runner.invoke(cli, [command, str(path)])
        assert result.exit_code == 1, (reason, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), reason
        assert "Traceback" not in result.stderr
        assert f"{path}:" in result.stderr and reason in result.stderr, (reason, result.stderr)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stdout == "" or command == "inspect"


def test_bad_file_among_good_ones_still_reports_the_good(runner: CliRunner, small: Path,
                                                         tmp_path: Path) -> None:
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    result = runner.invoke(cli, ["inspect", str(small), str(bad), "--format", "json"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert rows[0]["used"] == 3 and rows[1]["error"].endswith("empty file")


@pytest.fixture(scope="module")
def example_report() -> dict:
    result = CliRunner().invoke(cli, ["report", str(EXAMPLES / "crisis_weibo_search.csv"),
                                      "--config", str(CONFIG_EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_example_report_tells_the_crisis(example_report: dict) -> None:
    timeline = {r["period"][:10]: r for r in example_report["timeline"]}
    peak = max(timeline, key=lambda p: timeline[p]["mentions"])
    assert peak == "2026-11-05"
    quiet = [timeline[d]["mentions"] for d in ("2026-11-02", "2026-11-03", "2026-11-04")]
    assert timeline[peak]["mentions"] > 4 * max(quiet)
    terms = {c["term"] for c in example_report["complaints"]}
    assert "退款" in terms
    assert [c["category"] for c in example_report["complaint_categories"]][:2] == ["质量", "客服"]
    assert terms & {"烂山竹", "发霉", "坏果", "烂了"}
    assert "2026-11-05" in example_report["verdict"]


@pytest.mark.realdata
def test_byd_timeline_sums_to_posts_used(runner: CliRunner) -> None:
    path = SHARED / "exports/weibo-search/比亚迪.csv"
    tl = runner.invoke(cli, ["timeline", str(path), "--interval", "day", "--format", "csv"])
    assert tl.exit_code == 0
    total = sum(int(r["mentions"]) for r in csv.DictReader(io.StringIO(tl.stdout)))
    info = json.loads(runner.invoke(cli, ["inspect", str(path), "--format", "json"]).stdout)[0]
    assert total == info["used"]
    assert info["rows_read"] == info["used"] + info["skipped"] + info["duplicates"]
