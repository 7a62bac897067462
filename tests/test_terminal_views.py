"""What a person sees at a terminal: the real command under a pseudo-terminal of 80, 120
and 200 columns, on the bundled example.

The commands of each width run one after the other in one Python process whose standard
output is the pseudo-terminal (the screens are cached), through brandscan's entry point,
with the window size set on the terminal and in COLUMNS. Expected values are read from
the example CSV itself, not from brandscan.
"""

from __future__ import annotations

import csv
import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import unicodedata
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/crisis_weibo_search.csv"
ARGS = (EXAMPLE, "--config", "config.example.yaml")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def cells(line: str) -> int:
    """Display width: East Asian wide and full-width characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else
               0 if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0f" else 1
               for ch in line)


#: Where one command's screen ends and the next one's starts, in a batch.
MARK = "<<<end of brandscan screen>>>"
#: The commands run at each width, one process per width (jieba and the sentiment model
#: load once per process, not once per command); a command not listed runs alone.
BATCHES: dict[int, tuple[tuple[str, ...], ...]] = {
    80: (("influencers", *ARGS), ("report", *ARGS, "--interval", "hour"), ("alerts", *ARGS),
         ("inspect", *ARGS), ("posts", *ARGS), ("complaints", *ARGS)),
    120: (("influencers", *ARGS), ("report", *ARGS), ("sov", *ARGS)),
    200: (("influencers", *ARGS), ("report", *ARGS), ("inspect", *ARGS)),
}
#: Each command of a batch as brandscan's entry point runs it, on the same terminal.
DRIVER = f"""
import json, sys
from brandscan.cli import cli
for args in json.loads(sys.argv[1]):
    cli.main(args, prog_name="brandscan", standalone_mode=False)
    sys.stdout.flush()
    sys.stdout.write({MARK!r} + "\\n")
    sys.stdout.flush()
"""


def screen(columns: int, *args: str) -> tuple[str, ...]:
    """The lines ``brandscan ARGS`` shows on a terminal ``columns`` wide (no colours)."""
    batch = BATCHES.get(columns, ())
    if args in batch:
        return _screens(columns, batch)[batch.index(args)]
    return _screens(columns, (args,))[0]


@cache
def _screens(columns: int, batch: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The screens of ``batch``'s commands, run one after the other in one process whose
    standard output is a pseudo-terminal ``columns`` wide."""
    import json

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDSCAN_")}
    env.update(COLUMNS=str(columns), LINES="40", TERM="xterm-256color", NO_COLOR="1",
               PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(batch)], cwd=ROOT,
                                env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=err)
        os.close(slave)
        out = bytearray()
        try:
            while select.select([master], [], [], 300)[0]:  # a guard against a hang only
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            os.close(master)
            proc.wait()
        err.seek(0)
        assert proc.returncode == 0, err.read().decode()
    text = ANSI.sub("", out.decode()).replace("\r\n", "\n")
    pieces = text.split(MARK + "\n")
    assert len(pieces) == len(batch) + 1 and not pieces[-1], text[-2000:]
    return tuple(tuple(line.rstrip() for line in piece.split("\n")) for piece in pieces[:-1])


def example_rows() -> list[dict[str, str]]:
    with open(ROOT / EXAMPLE, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def row_with(lines: tuple[str, ...], *values: str) -> str:
    """The one line holding every value (whole, as separate cells)."""
    hits = [line for line in lines if all(re.search(rf"(^|\s){re.escape(v)}(\s|$)", line)
                                          for v in values)]
    assert hits, f"no line with {values}:\n" + "\n".join(lines)
    return hits[0]


def assert_fits(lines: tuple[str, ...], columns: int) -> None:
    wide = [line for line in lines if cells(line) > columns]
    assert not wide, f"lines wider than {columns} columns:\n" + "\n".join(wide)


WIDTHS = (80, 120, 200)


@pytest.mark.parametrize("columns", WIDTHS)
def test_influencers_show_rank_author_and_reach_whole(columns: int) -> None:
    lines = screen(columns, "influencers", *ARGS)
    assert_fits(lines, columns)
    # 林夕说书's reach is the engagement of their posts, each counted once.
    posts = {r["id"]: r for r in example_rows() if r["用户昵称"] == "林夕说书"}
    reach = sum(int(r["转发数"]) + int(r["评论数"]) + int(r["点赞数"]) for r in posts.values())
    assert reach == 21_852
    line = row_with(lines, "1", "林夕说书", f"{reach:,}")
    assert line.split()[0] == "1"  # rank first
    assert "…" in line or columns == 200  # the post text is what gets cut
    header = next(line for line in lines if line.lstrip().startswith("rank"))
    assert header.index("author") < header.index("top post text")
    caption = lines[-2] if not lines[-1] else lines[-1]
    assert re.fullmatch(r"\d+ more columns in --format csv(: .*)?", caption)
    if columns == 200:  # room to name the columns left out
        assert "author_id" in caption and "top_post_url" in caption


#: The report at each width; at 80 columns hourly, so its timeline leaves periods out.
REPORTS = {80: ("--interval", "hour"), 120: (), 200: ()}


@pytest.mark.parametrize("columns", WIDTHS)
def test_report_leads_with_the_summary_and_five_latest_alerts(columns: int) -> None:
    lines = screen(columns, "report", *ARGS, *REPORTS[columns])
    assert_fits(lines, columns)
    assert lines[0].startswith("╭─ brandscan report")
    end = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    mentions = f"{mentions_on(''):,}"  # every day of the example: 663
    assert any(re.search(rf"mentions +{mentions} ", line) for line in lines[:end])
    head = re.fullmatch(r"Alerts: the 5 latest of (\d+)", lines[end + 1])
    assert head, lines[end + 1]
    alerts = lines[end + 2:end + 7]
    assert all(re.match(r"(WATCH|SPIKE|CRISIS) +2026-11-\d\d \d\d:\d\d  鲜果坊 ", a)
               for a in alerts), alerts
    more = re.match(r"and (\d+) more \(brandscan alerts", lines[end + 7])
    assert more and int(more[1]) == int(head[1]) - 5
    # They are the latest of the alerts `brandscan alerts` lists, oldest of them first.
    fired = [re.search(r"fired (\S+ \S+)", line)[1] for line in screen(80, "alerts", *ARGS)
             if re.match(r"(WATCH|SPIKE|CRISIS) ", line)]
    assert len(fired) == int(head[1])
    assert [a.split()[1] + " " + a.split()[2] for a in alerts] == sorted(fired)[-5:]


def test_report_says_which_periods_it_shows() -> None:
    lines = screen(80, "report", *ARGS, *REPORTS[80])
    assert_fits(lines, 80)
    # The example runs from 2026-11-02 00:01 to 2026-11-08 23:45: 7 days of 24 hours.
    stamps = sorted(r["发布时间"] for r in example_rows() if r["发布时间"])
    assert (stamps[0][:10], stamps[-1][:10]) == ("2026-11-02", "2026-11-08")
    assert "the 12 busiest of 168 hours; all in brandscan timeline --interval hour" in lines
    label = next(i for i, line in enumerate(lines) if "mentions per hour, the last" in line)
    shown = re.search(r"the last (\d+) of 168 hours:", lines[label])
    assert shown and len(lines[label + 1].strip()) == int(shown[1]) < 168


@pytest.mark.parametrize("columns", (80, 200))
def test_inspect_is_records_when_its_columns_cannot_fit(columns: int) -> None:
    lines = screen(columns, "inspect", *ARGS)
    assert_fits(lines, columns)
    rows = example_rows()
    empty = sum(1 for r in rows if not r["微博正文"].strip())
    if columns == 80:  # one block: a field and its value per line
        assert row_with(lines, "file", EXAMPLE)
        assert row_with(lines, "layout", "weibo-search")
        assert re.search(rf"^rows read +{len(rows)}$", "\n".join(lines), re.M)
        assert re.search(rf"^skipped +{empty}$", "\n".join(lines), re.M)
        assert not any("…" in line for line in lines)
    else:  # a table: the file's facts on its row
        assert row_with(lines, EXAMPLE, "weibo-search", "utf-8-sig", str(len(rows)))
        assert "more columns in --format csv" in lines[-1] or "more columns" in lines[-2]


def test_posts_show_time_author_and_text_not_the_source_file() -> None:
    lines = screen(80, "posts", *ARGS)
    assert_fits(lines, 80)
    header = next(line for line in lines if line.lstrip().startswith("created at"))
    assert "author" in header and "text" in header and "source" not in header
    first = example_rows()[0]
    line = row_with(lines, first["发布时间"], first["用户昵称"])
    assert first["微博正文"][:6] in line


def test_sov_keeps_dates_and_brand_names_whole() -> None:
    lines = screen(120, "sov", *ARGS)
    assert_fits(lines, 120)
    assert not any("…" in line for line in lines)
    for day in ("2026-11-02", "2026-11-08"):
        row_with(lines, day, "鲜果坊")
        row_with(lines, day, "果多多")


def test_complaints_are_one_line_a_row_at_80_columns() -> None:
    lines = screen(80, "complaints", *ARGS)
    assert_fits(lines, 80)
    ranks = [line for line in lines if re.match(r" +\d+ +\S", line)]
    assert [int(line.split()[0]) for line in ranks] == list(range(1, 21))
    assert row_with(lines, "1", "烂山竹", "质量")
    assert re.fullmatch(r"\d+ more columns in --format csv(: .*)?", lines[-2] or lines[-1])


def test_alert_page_never_breaks_a_number() -> None:
    lines = screen(80, "alerts", *ARGS)
    assert_fits(lines, 80)
    # 三更吃瓜君's news post: 1,893 reposts, 2,764 comments, 11,000 likes, on one line.
    post = next(r for r in example_rows() if r["用户昵称"] == "三更吃瓜君")
    assert post["点赞数"] == "1.1万"  # as Weibo writes 11,000
    counts = f"转发 {int(post['转发数']):,} · 评论 {int(post['评论数']):,} · 赞 11,000"
    assert any(line.strip() == counts or line.endswith(counts) for line in lines)


# --- the fitter, in process (no terminal needed) -----------------------------------------

def drawn(df, width: int, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from brandscan.render.table import frame_table

    console = Console(width=width, record=True, no_color=True, force_terminal=False)
    console.print(frame_table(df, **kw))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_names_and_numbers_stay_whole_and_the_text_is_cut() -> None:
    import pandas as pd

    from brandscan.render.views import View

    df = pd.DataFrame({"author": ["住在隔壁的晚风是个胖子"], "followers": [1_234_567],
                       "text": ["山竹" * 40], "url": ["https://weibo.com/1/abc"]})
    view = View(("author", "followers", "text"), text="text")
    lines = drawn(df, 60, view=view)
    assert_fits(tuple(lines), 60)
    row = row_with(tuple(lines), "住在隔壁的晚风是个胖子", "1,234,567")
    assert row.endswith("…") and cells(row) <= 60
    assert lines[-1] == "1 more column in --format csv: url"


def test_lower_priority_columns_go_first_then_records() -> None:
    import pandas as pd

    from brandscan.render.views import View

    df = pd.DataFrame({"a": ["x" * 20], "b": ["y" * 20], "c": ["z" * 20]})
    view = View(("c", "a", "b"), min_columns=2)
    assert row_with(tuple(drawn(df, 50, view=view)), "x" * 20, "z" * 20)  # b dropped
    records = drawn(df, 40, view=view)  # only c fits: a block per row, c first
    assert records[:3] == ["c  " + "z" * 20, "a  " + "x" * 20, "b  " + "y" * 20]


def test_post_text_cannot_send_escape_sequences_to_the_terminal() -> None:
    import pandas as pd

    df = pd.DataFrame({"author": ["a\x1b]0;pwned\x07"], "text": ["\x1b[2J清屏\r\n了"]})
    lines = drawn(df, 80)
    assert not any("\x1b" in line or "\x07" in line for line in lines)
    assert row_with(tuple(lines), "a]0;pwned", "[2J清屏 了")  # shown, never obeyed


# --- every other table, drawn in process (--format table; the width from COLUMNS) --------

@pytest.mark.parametrize(("args", "header", "whole"), [
    (("timeline",), "period", ("2026-11-05", "291")),
    (("timeline", "--by", "brand"), "brand", ("2026-11-05", "鲜果坊")),
    (("complaints", "--by", "category"), "category", ("1", "质量")),
    (("inspect", "--skipped"), "reason", (EXAMPLE, "empty text")),
    (("inspect", "--brand", "鲜果坊"), "clause", ("鲜果坊", "alias", "鲜果坊旗舰店")),
])
def test_each_table_fits_80_columns_with_its_first_columns_whole(
        args: tuple[str, ...], header: str, whole: tuple[str, ...]) -> None:
    from click.testing import CliRunner

    from brandscan.cli import cli

    result = CliRunner().invoke(cli, [*args, *ARGS, "--format", "table"],
                                env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = tuple(line.rstrip() for line in result.stdout.splitlines())
    assert_fits(lines, 80)
    assert any(line.split()[:1] == [header] or f" {header}" in line for line in lines[1:3])
    row_with(lines, *whole)
    if args == ("timeline",):
        assert mentions_on("2026-11-05") == 291


def mentions_on(day: str) -> int:
    """Posts of ``day`` in the example (each id once, text not empty) naming a brand of
    config.example.yaml: 鲜果坊 or its alias XianGuoFang (鲜果坊间 is no mention), 果多多."""
    seen, n = set(), 0
    for r in example_rows():
        if r["发布时间"].startswith(day) and r["微博正文"].strip() and r["id"] not in seen:
            seen.add(r["id"])
            text = r["微博正文"].lower().replace("鲜果坊间", "")
            n += any(name in text for name in ("鲜果坊", "xianguofang", "果多多"))
    return n
