"""One rule for output files, for every command that writes one: -o's extension picks
the format; an extension the command cannot write, one no format has, or one that
contradicts --format is a usage error (exit 2, one line naming -o and the formats the
command writes) before any input is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"

#: Inputs that do not exist: a command that read them would say "no such file" (exit 1)
#: instead of the usage error.
NEVER_READ = "/nonexistent/export.csv"
NO_STORE = "/nonexistent/store.duckdb"

TABLES = "csv (.csv), tsv (.tsv), json (.json), jsonl (.jsonl), markdown (.md) or xlsx (.xlsx)"
REPORTS = "markdown (.md), json (.json), xlsx (.xlsx) or html (.html)"
EXPORTS = "parquet (.parquet) or csv (.csv)"

#: Every command family that writes output, with the arguments that would make it read.
COMMANDS: dict[str, tuple[str, ...]] = {
    "report": ("report", NEVER_READ),
    "timeline": ("timeline", NEVER_READ),
    "complaints": ("complaints", NEVER_READ),
    "posts": ("posts", NEVER_READ),
    "inspect": ("inspect", NEVER_READ),
    "alerts": ("alerts", NEVER_READ),
    "influencers": ("influencers", NEVER_READ),
    "sov": ("sov", NEVER_READ),
    "evaluate": ("evaluate", NEVER_READ),
    "db export": ("db", "export", "--db", NO_STORE),
    # No FILE: the store is read, so a check after reading would meet the missing store.
    "timeline --db": ("timeline", "--db", NO_STORE),
}
WRITES = {"report": REPORTS, "db export": EXPORTS}


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("name", COMMANDS)
def test_an_extension_the_command_cannot_write_is_refused_before_reading(name: str) -> None:
    command = name.removesuffix(" --db")
    writes = WRITES.get(command, TABLES)
    wrong = "out.html" if command != "report" else "out.csv"
    code, err = run(*COMMANDS[name], "-o", wrong)
    assert code == 2
    assert error_line(err) == (f"Error: -o {wrong}: {command} cannot write "
                               f"{Path(wrong).suffix[1:]}; it writes {writes}")
    code, err = run(*COMMANDS[name], "-o", "out.txt")
    assert code == 2
    assert error_line(err).startswith(f"Error: -o out.txt: .txt names no format; {command} "
                                      f"writes {writes}")


@pytest.mark.parametrize("name", COMMANDS)
def test_an_extension_that_contradicts_format_is_refused_before_reading(name: str) -> None:
    command = name.removesuffix(" --db")
    other = "parquet" if command == "db export" else "json"
    path = "OUT.CSV" if command != "report" else "out.md"
    named = "csv" if command != "report" else "markdown"
    code, err = run(*COMMANDS[name], "-o", path, "--format", other)
    assert code == 2
    assert error_line(err) == (f"Error: -o {path} is {named} but --format is {other} "
                               f"(name the file .{other}, or drop --format)")


@pytest.mark.parametrize("name", COMMANDS)
def test_files_the_command_can_write_go_on_to_read_the_input(name: str) -> None:
    """The rule refuses only what it should: these runs get as far as the input."""
    command = name.removesuffix(" --db")
    cases = [("out.CSV",), ("out", ), ("notes.txt", "--format", "csv")]
    if command == "report":
        cases = [("out.HTM",), ("out",), ("r.markdown",), ("notes.txt", "--format", "json")]
    elif command != "db export":
        cases.append(("out.ndjson",))
    for case in cases:
        code, err = run(*COMMANDS[name], "-o", *case)
        assert code == 1, (case, err)
        assert "no such file" in err or "store" in err, (case, err)


def test_stdout_is_dash_except_for_the_store_export() -> None:
    code, err = run("timeline", NEVER_READ, "-o", "-")
    assert code == 1 and "no such file" in err
    code, err = run("db", "export", "--db", NO_STORE, "-o", "-")
    assert code == 2
    assert error_line(err) == (f"Error: -o -: db export writes a file, not stdout (give -o "
                               f"FILE, as {EXPORTS})")


def test_a_terminal_table_never_goes_to_a_file() -> None:
    code, err = run("timeline", NEVER_READ, "--format", "table", "-o", "t.csv")
    assert code == 2
    assert error_line(err).startswith("Error: --format table is for the terminal, not -o t.csv")


def test_bom_and_encoding_refuse_an_extension_that_is_not_csv_or_tsv() -> None:
    code, err = run("posts", NEVER_READ, "--bom", "-o", "p.json")
    assert code == 2
    assert "--bom and --encoding are for csv and tsv, not json" in error_line(err)
    code, err = run("posts", NEVER_READ, "--encoding", "gb18030", "-o", "p.tsv")
    assert code == 1 and "no such file" in err
    # No extension: --bom means CSV, as it does on a terminal.
    code, err = run("posts", NEVER_READ, "--bom", "-o", "p")
    assert code == 1 and "no such file" in err


def test_the_extension_writes_its_format(tmp_path: Path) -> None:
    out = tmp_path / "t.NDJSON"
    code, err = run("timeline", EXAMPLE, "--config", CONFIG_EXAMPLE, "-o", out)
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and "period" in rows[0]
    plain = tmp_path / "timeline"
    assert run("timeline", EXAMPLE, "--config", CONFIG_EXAMPLE, "--format", "json",
               "-o", plain)[0] == 0
    assert json.loads(plain.read_text(encoding="utf-8"))[0]["period"] == rows[0]["period"]


def test_the_help_of_o_says_the_rule() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"], terminal_width=200)
    assert ".md/.markdown, .json, .xlsx, .html/.htm; any case" in result.stdout
    assert "No extension: --format, else markdown" in result.stdout
