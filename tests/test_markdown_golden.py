"""The report people read outside brandscan: the Markdown digest (golden files), the
terminal page at 80 columns, and the nightly window (--since yesterday, pinned by --now).

Golden files are the exact digest of the bundled example. After an intended change,
rewrite them with ``BRANDSCAN_UPDATE_GOLDEN=1 python -m pytest tests/test_markdown_golden.py``
and read the diff before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console

from brandscan.cli import cli
from brandscan.render.report import md_text
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

GOLDEN = Path(__file__).resolve().parent / "golden"
CRISIS = EXAMPLES / "crisis_weibo_search.csv"
#: name -> arguments after FILE; --now pins "now" so the files never depend on the clock
DIGESTS = {
    "crisis_week": ("--now", "2026-11-09 08:00"),
    "crisis_nightly": ("--now", "2026-11-06 07:00", "--since", "yesterday", "--until", "today"),
}


def run(*args: str | Path) -> object:
    result = CliRunner().invoke(cli, ["-q", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_markdown_digest_matches_golden(name: str) -> None:
    got = run("report", CRISIS, "--config", CONFIG_EXAMPLE, "--format", "markdown",
              "--jobs", "1", *DIGESTS[name]).stdout
    path = GOLDEN / f"{name}.md"
    if os.environ.get("BRANDSCAN_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    want = path.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                        f"golden/{name}.md", "brandscan report"))
    assert got == want, f"digest changed (BRANDSCAN_UPDATE_GOLDEN=1 rewrites it):\n{diff}"


def test_digest_reads_like_a_mail() -> None:
    text = (GOLDEN / "crisis_nightly.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# brandscan report: 鲜果坊, 果多多"
    assert lines[2] == "2026-11-05 00:19 — 2026-11-05 23:58 (Asia/Shanghai)"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings[:3] == ["## Alerts", "## Top complaints", "## Most engaging negative posts"]
    assert "- **291 mentions**" in text
    assert "林夕说书" in text and "([link](https://weibo.com/" in text
    # complaints come with an example post, its author and link — by different authors
    assert "   > #鲜果坊烂山竹# 忍了两天还是要说" in text or "   > 【千万粉博主" in text
    section = text.split("## Top complaints")[1].split("\n## ")[0]
    authors = [q.rsplit(" — ", 1)[1].split(",")[0] for q in section.splitlines()
               if q.startswith("   > ") and " — " in q]
    assert len(authors) >= 5 and len(set(authors)) == len(authors)
    # a long day of hours is summarised, not pasted as 24 rows
    assert "## Busiest 7 of 24 periods (per hour)" in text
    quotes = [line for line in lines if line.lstrip().startswith(">")]
    assert quotes and max(len(q) for q in quotes) < 260  # posts are cut for the mail


def test_post_text_cannot_inject_markdown() -> None:
    assert md_text("[点我](javascript:alert(1)) <b>x</b> *粗* _斜_ `code`") == (
        "[点我]\\(javascript:alert(1)) \\<b\\>x\\</b\\> \\*粗\\* \\_斜\\_ \\`code\\`")
    assert md_text("看[怒]这个") == "看[怒]这个"  # Weibo emoticons stay readable
    assert md_text("一\n二\t三") == "一 二 三"
    assert md_text("山" * 200).endswith("…") and len(md_text("山" * 200)) == 140


# --- the terminal page -------------------------------------------------------------------

def test_terminal_report_fits_80_columns() -> None:
    from brandscan.analyze.report import build_report
    from brandscan.app.run import window_of
    from brandscan.cli.common import Env, load_inputs, request_of
    from brandscan.render.report import to_rich
    from brandscan.text.scoring import analyse

    env = Env(stdout_tty=True, stderr_tty=False, no_color=True, quiet=True)
    kw = {"files": (str(CRISIS),), "config_path": str(CONFIG_EXAMPLE),
          "now_text": "2026-11-06 07:00", "kind": "all", "since": "yesterday",
          "until": "today"}
    loaded = load_inputs(env, kw)
    window = window_of(request_of(kw), loaded.config, loaded.now)
    scored = analyse(loaded.result.posts, loaded.config, window=window)
    rep = build_report(scored, loaded.config, loaded.result.report, since=window.since,
                       until=window.until, model="snownlp")
    console = Console(width=80, record=True, no_color=True, force_terminal=False)
    to_rich(rep, console)
    text = console.export_text()
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    spark = next(line for line in lines if "mentions per hour:" in line)
    assert len(spark.split(":", 1)[1].strip()) == 24  # one bar per hour of the day
    assert set(spark.split(":", 1)[1].strip()) <= set("▁▂▃▄▅▆▇█")
    assert "林夕说书" in text and "烂山竹" in text
    # post texts wrap under their indent instead of back to the margin
    viral = next(i for i, line in enumerate(lines) if line.startswith("  #鲜果坊烂山竹# 忍了"))
    assert lines[viral + 1].startswith("  ") and lines[viral + 1].endswith("…")


# --- the nightly window ------------------------------------------------------------------

def report_json(*args: str) -> dict:
    return json.loads(run("report", CRISIS, "--config", CONFIG_EXAMPLE, "--format", "json",
                          *args).stdout)


def test_now_pins_yesterday_and_today() -> None:
    doc = report_json("--now", "2026-11-06 07:00", "--since", "yesterday", "--until", "today")
    assert doc["headline"]["mentions"] == 291
    assert doc["headline"]["first"].startswith("2026-11-05T00:")
    assert doc["headline"]["last"].startswith("2026-11-05T23:")
    assert {r["period"][:10] for r in doc["timeline"]} == {"2026-11-05"}
    assert len(doc["timeline"]) == 24
    # without --now the same words mean the real yesterday: none of this week's posts
    assert report_json("--since", "yesterday", "--until", "today")["headline"][
        "mentions"] == 0


def test_since_24h_counts_back_from_now() -> None:
    doc = report_json("--now", "2026-11-06 07:00", "--since", "24h", "--until", "now")
    assert doc["headline"]["first"] >= "2026-11-05T07:00:00+08:00"
    assert doc["headline"]["last"] < "2026-11-06T07:00:00+08:00"


def test_yesterday_is_midnight_to_midnight_in_the_configured_zone() -> None:
    # The JSONL export carries +08:00 offsets, so its posts stay put when --tz changes.
    jsonl = EXAMPLES / "crisis_posts.jsonl"

    def day(*tz: str) -> dict:
        return json.loads(run("report", jsonl, "--config", CONFIG_EXAMPLE, "--format", "json",
                              "--now", "2026-11-06 07:00", "--since", "yesterday", "--until",
                              "today", *tz).stdout)["headline"]

    beijing = day()
    assert beijing["first"] >= "2026-11-05T00:00:00+08:00"
    assert beijing["last"] < "2026-11-06T00:00:00+08:00"
    assert beijing["mentions"] == 291
    utc = day("--tz", "UTC")  # 2026-11-05 in UTC: 08:00 that day to 08:00 the next, Beijing
    assert utc["first"] >= "2026-11-05T00:00:00+00:00"
    assert utc["last"] < "2026-11-06T00:00:00+00:00"
    assert utc["mentions"] != beijing["mentions"]
