"""The format registry: which format a run gets, and what each format refuses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from brandscan.errors import BrandscanError, UsageError
from brandscan.render.formats import (
    ALERTS,
    EVALUATION,
    EXPORT,
    FRAME,
    REPORT,
    OutputKind,
    SpreadsheetOptions,
    Table,
    Target,
    choose_format,
    write,
)

BOM = SpreadsheetOptions(bom=True)
GB = SpreadsheetOptions(encoding="gb18030")


def pick(kind: OutputKind, fmt: str | None = None, path: str | None = None,
         tty: bool = False, options: SpreadsheetOptions | None = None) -> str:
    return choose_format(kind, fmt, path, stdout_tty=tty, options=options)


def test_a_terminal_gets_a_table_and_a_pipe_the_kinds_default() -> None:
    assert pick(FRAME, tty=True) == "table"
    assert pick(FRAME) == "csv"
    assert pick(REPORT) == "markdown"
    assert pick(FRAME, path="out", tty=True) == "csv"  # a file never gets a table


def test_the_extension_picks_a_format_the_command_has() -> None:
    assert pick(FRAME, path="out.NDJSON") == "jsonl"
    assert pick(REPORT, path="r.htm") == "html"
    assert pick(REPORT, path="r.Markdown") == "markdown"
    assert pick(FRAME, "json", path="t.json") == "json"
    assert pick(FRAME, path="out", tty=True) == "csv"  # no extension: the default
    assert pick(REPORT, "html", path="report") == "html"  # ... or --format
    assert pick(FRAME, path="-", tty=True) == "csv"  # -o - is stdout, never a table
    assert pick(FRAME, path="t.2026.11.05") == "csv"  # a number is no extension
    assert pick(FRAME, "markdown", path="notes.txt") == "markdown"  # --format names it


def test_an_extension_the_command_cannot_write_or_that_contradicts_format_is_refused() -> None:
    with pytest.raises(UsageError, match=r"^-o t.html: timeline cannot write html; it "
                       r"writes csv \(.csv\), tsv \(.tsv\), json \(.json\), jsonl "
                       r"\(.jsonl\), markdown \(.md\) or xlsx \(.xlsx\)$"):
        choose_format(FRAME, None, "t.html", stdout_tty=False, command="timeline")
    with pytest.raises(UsageError, match=r"report cannot write csv; it writes markdown "
                       r"\(.md\), json \(.json\), xlsx \(.xlsx\) or html \(.html\)"):
        choose_format(REPORT, None, "r.CSV", stdout_tty=False, command="report")
    with pytest.raises(UsageError, match=r"-o c.txt: .txt names no format"):
        pick(FRAME, path="c.txt")
    with pytest.raises(UsageError, match=r"-o t.csv is csv but --format is json"):
        pick(FRAME, "json", path="t.csv")
    with pytest.raises(UsageError, match=r"--format table is for the terminal, not -o t \(use csv"):
        pick(FRAME, "table", path="t")


def test_bom_and_encoding_mean_csv_and_refuse_other_formats() -> None:
    assert pick(FRAME, tty=True, options=BOM) == "csv"
    assert pick(FRAME, "tsv", options=GB) == "tsv"
    for fmt, path in (("json", None), (None, "t.md"), ("table", None)):
        with pytest.raises(UsageError, match="for csv and tsv, not"):
            pick(FRAME, fmt, path, options=BOM)


def test_alert_pages_win_over_bom() -> None:
    # The alert list's terminal page and Markdown digest were always chosen before the
    # CSV options were looked at, and ignore them.
    assert pick(ALERTS, tty=True, options=BOM) == "table"
    assert pick(ALERTS, path="a.md", options=BOM) == "markdown"
    assert pick(ALERTS, options=BOM) == "csv"
    with pytest.raises(UsageError):
        pick(ALERTS, "json", options=BOM)


def test_export_is_csv_by_extension_else_parquet() -> None:
    assert pick(EXPORT, path="posts.CSV") == "csv"
    assert pick(EXPORT, path="posts") == "parquet"
    assert pick(EXPORT, path="posts.Parquet") == "parquet"
    for fmt, path in ((None, "posts.json"), ("parquet", "posts.csv"), (None, "-")):
        with pytest.raises(UsageError, match=r"parquet \(.parquet\) or csv|is csv but"):
            pick(EXPORT, fmt, path)


def test_every_kind_names_formats_it_can_render() -> None:
    for kind in (FRAME, REPORT, ALERTS, EVALUATION):
        assert kind.default in kind.formats
        assert all(f.render is not None for f in kind.formats.values())
    assert set(FRAME.names) == set(ALERTS.names) == set(EVALUATION.names)


def target(path: str | None = None, tty: bool = False, *, raw: bool = False,
           bom: bool = False) -> Target:
    return Target(path=path, stdout_tty=tty, console=Console,
                  options=SpreadsheetOptions(raw=raw, bom=bom))


def test_a_table_refuses_a_file_and_names_the_formats_that_take_one() -> None:
    df = pd.DataFrame({"n": [1]})
    with pytest.raises(BrandscanError, match=r"use csv, tsv, json, jsonl, markdown or xlsx"):
        write(FRAME, "table", Table(df), target("x"))
    with pytest.raises(BrandscanError, match=r"use csv, tsv, json, jsonl or markdown with"):
        write(ALERTS, "table", Table(df), target("x"))


def test_binary_output_refuses_a_terminal_but_not_a_file(tmp_path: Path) -> None:
    df = pd.DataFrame({"n": [1]})
    with pytest.raises(BrandscanError, match="xlsx writes a binary file"):
        write(FRAME, "xlsx", Table(df), target(tty=True))
    out = tmp_path / "t.xlsx"
    write(FRAME, "xlsx", Table(df), target(str(out), tty=True))
    assert out.read_bytes().startswith(b"PK")


def test_csv_gets_the_formula_guard_and_the_bom_json_keeps_text(tmp_path: Path) -> None:
    df = pd.DataFrame({"text": ["=1+1"]})
    write(FRAME, "csv", Table(df), target(str(tmp_path / "t.csv"), bom=True))
    assert (tmp_path / "t.csv").read_bytes() == b"\xef\xbb\xbftext\n'=1+1\n"
    write(FRAME, "csv", Table(df), target(str(tmp_path / "raw.csv"), raw=True))
    assert (tmp_path / "raw.csv").read_bytes() == b"text\n=1+1\n"
    write(FRAME, "jsonl", Table(df), target(str(tmp_path / "t.jsonl")))
    assert (tmp_path / "t.jsonl").read_text() == '{"text": "=1+1"}\n'
