"""Options are checked when they are parsed, before any file is read: a window that is
empty or cannot be read, a --top below 1 and an unknown --brand say so at once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE

#: A path that does not exist: if any of these read the input, they would say so instead.
NEVER_READ = "/nonexistent/export.csv"


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr


def test_bad_windows_are_usage_errors_before_reading(tmp_path: Path) -> None:
    code, err = run("timeline", NEVER_READ, "--since", "2020-09-10", "--until", "2020-09-01")
    assert code == 2 and "is not before --until" in err and "no such file" not in err
    code, err = run("timeline", NEVER_READ, "--since", "2020-13-01")
    assert code == 2 and "--since: cannot read '2020-13-01'" in err
    code, err = run("report", NEVER_READ, "--until", "tomorrowish")
    assert code == 2 and "--until" in err


def test_top_below_one_and_unknown_brands_are_refused_before_reading() -> None:
    for command in ("complaints", "report", "influencers"):
        code, err = run(command, NEVER_READ, "--top", "-3")
        assert code == 2 and "--top" in err, (command, err)
    code, err = run("report", NEVER_READ, "--brand", "小米", "--config", CONFIG_EXAMPLE)
    assert code == 1 and "--brand 小米: not a configured brand" in err
    assert "no such file" not in err
