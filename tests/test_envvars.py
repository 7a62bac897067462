"""Every option can be set as BRANDSCAN_<COMMAND>_<OPTION>, as docs/cli.md (linked from the
README) says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from click.testing import CliRunner

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

README = Path(__file__).resolve().parents[1] / "docs" / "cli.md"  # the option reference
EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"


def test_the_readme_rule_holds_for_every_option_of_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    assert "BRANDSCAN_<COMMAND>_<OPTION>" in text and "BRANDSCAN_REPORT_CONFIG" in text
    checked = 0

    def walk(group: click.Group, prefix: str) -> None:
        nonlocal checked
        for name, command in group.commands.items():
            here = f"{prefix}_{name.upper().replace('-', '_')}"
            if isinstance(command, click.Group):
                walk(command, here)
                continue
            for param in command.params:
                longs = [o for o in getattr(param, "opts", []) if o.startswith("--")]
                if not isinstance(param, click.Option) or not longs or param.name == "help":
                    continue
                want = f"{here}_{longs[0][2:].upper().replace('-', '_')}"
                assert want in (param.envvar or []), (name, longs[0], param.envvar)
                checked += 1

    walk(cli, "BRANDSCAN")
    assert checked > 150  # every option of every command, not a handful


def test_the_variables_the_readme_names_work() -> None:
    runner = CliRunner()
    env = {"BRANDSCAN_REPORT_CONFIG": str(CONFIG_EXAMPLE)}
    report = runner.invoke(cli, ["-q", "report", str(EXAMPLE), "--format", "json"], env=env)
    assert json.loads(report.stdout)["headline"]["brands"] == "鲜果坊, 果多多"
    timeline = runner.invoke(cli, ["-q", "timeline", str(EXAMPLE)],
                             env={"BRANDSCAN_TIMELINE_FORMAT": "json",
                                  "BRANDSCAN_TIMELINE_INTERVAL": "week"})
    weeks = json.loads(timeline.stdout)  # JSON, per week: the example's one Monday-week
    assert len(weeks) == 1 and weeks[0]["mentions"] == 671
    brand = runner.invoke(cli, ["-q", "timeline", str(EXAMPLE), "--config",
                                str(CONFIG_EXAMPLE), "--format", "csv"],
                          env={"BRANDSCAN_TIMELINE_BRAND": "果多多"})
    total = sum(int(line.split(",")[1]) for line in brand.stdout.splitlines()[1:])
    assert 0 < total < 100  # 果多多's posts only
    assert re.search(r"BRANDSCAN_TIMELINE_FORMAT|BRANDSCAN_REPORT_CONFIG",
                     README.read_text(encoding="utf-8"))
