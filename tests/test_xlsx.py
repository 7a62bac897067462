"""Excel workbooks read back with openpyxl: sheets, typed cells, widths, charts, safety."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.errors import BrandscanError
from brandscan.render.formats import FRAME, Table, Target, write
from brandscan.render.xlsx import cell_width, frame_workbook
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES
from tests.test_spreadsheet import evil_jsonl

REPORT_SHEETS = ["summary", "timeline", "complaints", "alerts", "influencers", "posts"]


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, ["-q", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    result = run("report", EXAMPLES / "crisis_weibo_search.csv", "--config", CONFIG_EXAMPLE,
                 "--now", "2026-11-09 08:00", "-o", out)  # .xlsx picks the format
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return openpyxl.load_workbook(out)


def header(ws: object) -> list[str]:
    return [c.value for c in next(ws.iter_rows(max_row=1))]


def column(ws: object, name: str) -> list[object]:
    j = header(ws).index(name)
    return [row[j] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_report_has_every_sheet_in_order(workbook: openpyxl.Workbook) -> None:
    names = workbook.sheetnames
    assert [n for n in names if n in REPORT_SHEETS] == REPORT_SHEETS
    assert names[0] == "summary" and names[-1] == "posts"
    for name in ("timeline", "complaints", "alerts", "influencers", "posts"):
        ws = workbook[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref, name
        assert ws.max_row > 1, name


def test_summary_numbers_are_numbers(workbook: openpyxl.Workbook) -> None:
    rows = {r[0]: r[1] for r in workbook["summary"].iter_rows(min_row=2, values_only=True)
            if r[0]}
    assert rows["mentions"] == 663 and isinstance(rows["mentions"], int)
    timeline = workbook["timeline"]
    # the share counts opinions only: the timeline's labels are theirs
    negative = sum(column(timeline, "negative"))
    voices = sum(sum(column(timeline, c)) for c in ("positive", "neutral", "negative"))
    assert voices < 663
    assert rows["negative share"] == pytest.approx(negative / voices)
    assert rows["first post"] == dt.datetime(2026, 11, 2, 0, 1)
    assert rows["busiest period"] == dt.datetime(2026, 11, 5)
    assert rows["times are in"] == "Asia/Shanghai"
    assert rows["generated"] == dt.datetime(2026, 11, 9, 8, 0)
    assert "2026-11-05" in rows["verdict"]
    cell = next(c for c in workbook["summary"]["B"] if c.value == rows["negative share"])
    assert cell.number_format == "0.0%"


def test_timeline_is_typed_and_charted(workbook: openpyxl.Workbook) -> None:
    ws = workbook["timeline"]
    periods = column(ws, "period")
    assert periods[0] == dt.datetime(2026, 11, 2) and periods[3] == dt.datetime(2026, 11, 5)
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert column(ws, "mentions")[3] == 291
    share = column(ws, "negative_share")[3]
    voices = sum(column(ws, c)[3] for c in ("positive", "neutral", "negative"))
    assert isinstance(share, float) and share == pytest.approx(column(ws, "negative")[3]
                                                               / voices)
    assert 0.4 < share < 0.9
    assert ws.cell(2, header(ws).index("negative_share") + 1).number_format == "0.0%"
    for sheet in ("timeline", "summary"):
        [chart] = workbook[sheet]._charts
        assert chart.tagname == "barChart"
        assert len(chart.series) == 1  # mentions; negative share is the combined line chart


def test_posts_sheet_has_times_numbers_and_text_ids(workbook: openpyxl.Workbook) -> None:
    ws = workbook["posts"]
    cols = header(ws)
    assert cols[:5] == ["created_at", "author", "text", "sentiment", "label"]
    assert ws.max_row - 1 == 663
    assert all(isinstance(v, dt.datetime) for v in column(ws, "created_at"))
    assert all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in column(ws, "sentiment"))
    assert all(isinstance(v, int) for v in column(ws, "likes"))
    ids = column(ws, "id")
    assert all(isinstance(v, str) and len(v) == 16 for v in ids)  # never 5.1E+15
    viral = column(ws, "text").index(next(t for t in column(ws, "text")
                                          if t.startswith("#鲜果坊烂山竹# 忍了两天")))
    assert column(ws, "author")[viral] == "林夕说书"
    assert column(ws, "created_at")[viral] == dt.datetime(2026, 11, 5, 7, 12)
    assert column(ws, "reposts")[viral] == 2865


def test_columns_are_wide_enough_for_chinese(workbook: openpyxl.Workbook) -> None:
    ws = workbook["posts"]
    widths = {name: ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width
              for j, name in enumerate(header(ws))}
    longest_author = max(cell_width(a) for a in column(ws, "author")[:500])
    assert widths["author"] >= longest_author  # 林夕说书 counts 8, not 4
    assert 60 <= widths["text"] < 62  # capped: long posts do not make a 500-wide column
    assert 16 <= widths["created_at"] <= 22
    assert cell_width("林夕说书") == 8


def test_alerts_and_influencers_carry_posts(workbook: openpyxl.Workbook) -> None:
    alerts = workbook["alerts"]
    assert {"severity", "first_author", "first_text", "first_url"} <= set(header(alerts))
    assert "林夕说书" in column(alerts, "first_author")
    assert isinstance(column(alerts, "fired")[0], dt.datetime)
    inf = workbook["influencers"]
    assert column(inf, "author")[0] == "林夕说书" or "林夕说书" in column(inf, "author")
    assert isinstance(column(inf, "engagement")[0], int)


def test_neutralised_cells_and_raw(tmp_path: Path) -> None:
    evil = evil_jsonl(tmp_path / "evil.jsonl")
    out = tmp_path / "posts.xlsx"
    assert run("posts", evil, "--config", CONFIG_EXAMPLE, "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["posts"]
    ws = wb["posts"]
    texts = column(ws, "text")
    assert any(t.startswith("'=HYPERLINK(") for t in texts)
    assert any(t.startswith("'-1+1") for t in texts) and any(t.startswith("'+86") for t in texts)
    assert "鲜果坊 =1+1 写在中间不算公式" in texts
    assert "'@攻击者" in column(ws, "author")
    assert all(c.data_type == "s" for c in ws["C"][1:])  # text, never a formula
    assert all(isinstance(v, int) for v in column(ws, "likes"))
    raw = tmp_path / "raw.xlsx"
    assert run("posts", evil, "--config", CONFIG_EXAMPLE, "--raw", "-o", raw).exit_code == 0
    ws = openpyxl.load_workbook(raw)["posts"]
    cells = [c for c in ws["C"][1:] if str(c.value).startswith("=HYPERLINK(")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_numbers_stay_numbers_and_control_characters_go(tmp_path: Path) -> None:
    df = pd.DataFrame({
        "text": ["bell\x07 and escape\x1b", "-5", "=SUM(A1)", "#N/A", "x" * 40_000],
        "delta": [-5, 3, 0, -1, 2],
        "score": [-0.25, 0.5, float("nan"), 1.0, 0.0],
        "flag": [True, False, True, False, True],
        "when": pd.to_datetime(["2026-11-05 09:30"] * 5).tz_localize("Asia/Shanghai"),
    })
    ws = openpyxl.load_workbook(io_bytes(frame_workbook(df, sheet="t"), tmp_path))["t"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "bell and escape"
    assert rows[1][0] == "'-5" and rows[1][1] == 3
    assert rows[0][1] == -5 and rows[0][2] == -0.25 and rows[2][2] is None
    assert rows[2][0] == "'=SUM(A1)"
    assert rows[3][0] == "#N/A" and ws["A5"].data_type == "s"  # not an error cell
    assert len(rows[4][0]) == 32_767 and rows[4][0].endswith("…")  # Excel's cell limit
    assert rows[0][3] is True
    assert rows[0][4] == dt.datetime(2026, 11, 5, 9, 30)  # wall clock in the data's zone


def io_bytes(data: bytes, folder: Path) -> Path:
    path = folder / "t.xlsx"
    path.write_bytes(data)
    return path


def test_timeline_xlsx_is_one_sheet_with_a_chart(tmp_path: Path) -> None:
    out = tmp_path / "tl.xlsx"
    result = run("timeline", EXAMPLES / "crisis_weibo_search.csv", "--config", CONFIG_EXAMPLE,
                 "--interval", "hour", "--since", "2026-11-05", "--until", "2026-11-06",
                 "--format", "xlsx", "-o", out)
    assert result.exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["timeline"]
    ws = wb["timeline"]
    assert ws.max_row == 25 and ws["A2"].value == dt.datetime(2026, 11, 5, 0, 0)
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert len(ws._charts) == 1


def test_xlsx_to_a_pipe_but_never_to_a_terminal(tmp_path: Path) -> None:
    evil = evil_jsonl(tmp_path / "evil.jsonl")
    piped = run("complaints", evil, "--config", CONFIG_EXAMPLE, "--format", "xlsx")
    assert piped.stdout_bytes.startswith(b"PK")
    assert openpyxl.load_workbook(io_bytes(piped.stdout_bytes, tmp_path)).sheetnames == [
        "complaints"]
    from rich.console import Console

    terminal = Target(path=None, stdout_tty=True, console=Console)
    with pytest.raises(BrandscanError, match="binary file"):
        write(FRAME, "xlsx", Table(pd.DataFrame({"n": [1]})), terminal)


def test_a_failed_run_keeps_yesterdays_workbook(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"yesterday's report")
    import brandscan.render.xlsx as xlsx

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("disk full half way")

    monkeypatch.setattr(xlsx, "_timeline_chart", broken)  # fails after sheets were written
    result = CliRunner().invoke(cli, ["-q", "report", str(EXAMPLES / "crisis_weibo_search.csv"),
                                      "--config", str(CONFIG_EXAMPLE), "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_bytes() == b"yesterday's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]  # no temp file left
