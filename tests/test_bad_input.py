"""The bad-input fixture set (tests/fixtures/bad) against every command.

Each file either fails with one line naming the file and the problem (exit 1, nothing on
stdout but inspect's table) or loads with its bad rows skipped and counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
COMMANDS = ("report", "timeline", "complaints", "posts", "inspect")

FAILS = {
    "empty.csv": "empty file",
    "header_only.csv": "header only",
    "binary.csv": "binary file",
    "truncated.json": "invalid JSON",
    "missing_text_column.csv": "no text column recognised; columns found: id, time, likes",
    "no_time_column.csv": "no time column",
}
#: file -> (rows read, used, skipped reasons)
LOADS = {
    "truncated.jsonl": (3, 2, {"invalid JSON"}),
    "ragged.csv": (5, 2, {"too many fields", "repeated header line", "unparseable time"}),
    "huge_field.csv": (2, 2, set()),
    "wrong_encoding.csv": (2, 2, set()),
    "bad_times.csv": (3, 1, {"unparseable time", "no time"}),
}


def test_fixture_set_is_complete() -> None:
    assert {p.name for p in BAD.iterdir()} == set(FAILS) | set(LOADS)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(FAILS))
def test_unusable_files_fail_cleanly(command: str, name: str) -> None:
    path = BAD / name
    result = CliRunner().invoke(cli, [command, str(path), "--format", "json"])
    assert result.exit_code == 1
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit)
    [line] = result.stderr.splitlines()
    assert str(path) in line and FAILS[name] in line
    if command != "inspect":
        assert result.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(LOADS))
def test_damaged_files_load_with_bad_rows_counted(command: str, name: str) -> None:
    path = BAD / name
    result = CliRunner().invoke(cli, [command, str(path), "--format", "json",
                                      "--now", "2026-11-26 12:00"])
    assert result.exit_code == 0, result.output
    read, used, reasons = LOADS[name]
    if reasons:
        assert "skipped" in result.stderr
    if command == "inspect":
        [info] = json.loads(result.stdout)
        assert (info["rows_read"], info["used"]) == (read, used)
        assert info["rows_read"] == info["used"] + info["skipped"] + info["duplicates"]
        got = {r.split(":")[0] for r in info["skip_reasons"].split("; ") if r}
        assert got == reasons


@pytest.mark.parametrize("name", sorted(n for n, v in LOADS.items() if v[2]))
def test_strict_turns_skipped_rows_into_an_error(name: str) -> None:
    result = CliRunner().invoke(cli, ["timeline", str(BAD / name), "--strict"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert f"{BAD / name}:" in line and "--strict" in line


def test_inspect_skipped_lists_every_row() -> None:
    result = CliRunner().invoke(cli, ["inspect", str(BAD / "ragged.csv"), "--skipped",
                                      "--format", "json"])
    rows = json.loads(result.stdout)
    assert [(r["line"], r["reason"].split(":")[0]) for r in rows] == [
        (3, "too many fields"), (4, "unparseable time"), (5, "repeated header line")]


def test_unusable_file_among_good_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["timeline", str(BAD / "huge_field.csv"),
                                      str(BAD / "empty.csv")])
    assert result.exit_code == 1
    assert f"{BAD / 'empty.csv'}: empty file" in result.stderr
    assert "1 of 2 file(s) could not be read" in result.stderr
