"""Every --help ends with examples, every summary fits, completion is there."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from brandscan.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def help_text(path: tuple[str, ...], columns: int = 80) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": str(columns)},
                                terminal_width=columns)
    assert result.exit_code == 0, result.output
    return result.output


def examples_of(text: str) -> list[str]:
    assert "Examples:" in text, "no examples: add the command to HELP in brandscan/cli/examples.py"
    lines = text.rstrip("\n").splitlines()
    start = max(i for i, line in enumerate(lines) if line.strip() == "Examples:")
    return [line.strip() for line in lines[start + 1:]]


PATHS = [path for path, _ in commands()]


def test_every_command_is_walked() -> None:
    names = {" ".join(p) for p in PATHS}
    assert {"", "report", "init", "db", "db info", "db export", "db prune", "train",
            "evaluate", "alerts"} <= names
    assert len(names) >= 18


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "brandscan")
def test_every_help_ends_with_two_or_three_examples(path: tuple[str, ...]) -> None:
    examples = examples_of(help_text(path))
    assert 2 <= len(examples) <= 3, examples
    for example in examples:
        words = shlex.split(example)
        assert words[0] == "brandscan"
        # The example names this command (the group's own may name any) and parses:
        # every option exists and every choice is valid.
        if path:
            assert tuple(words[1:1 + len(path)]) == path, example
        args = words[1:]
        command: click.Command = cli
        ctx = cli.make_context("brandscan", list(args), resilient_parsing=True)
        while isinstance(command, click.Group) and args and args[0] in command.commands:
            command, args = command.commands[args[0]], args[1:]
            if "--help" in args:
                break
            ctx = command.make_context(command.name, list(args), parent=ctx)
        # Files the examples read are the bundled ones.
        for word in args:
            if word.startswith("examples/") or word.endswith(".yaml"):
                assert (ROOT / word).exists(), word


@pytest.mark.parametrize("group", [(), ("db",)], ids=["brandscan", "db"])
@pytest.mark.parametrize("columns", [80, 120])
def test_no_summary_is_cut(group: tuple[str, ...], columns: int) -> None:
    text = help_text(group, columns)
    listed = text[text.index("Commands:"):text.index("Examples:")].splitlines()[1:]
    rows = [line for line in listed if line.strip()]
    names = set((cli if not group else cli.commands[group[0]]).commands)  # type: ignore[union-attr]
    assert len(rows) == len(names)  # one line each: none wraps
    for row in rows:
        assert row.split()[0] in names
        assert not row.rstrip().endswith("..."), row


def test_bash_completion_source_is_produced() -> None:
    env = {**os.environ, "_BRANDSCAN_COMPLETE": "bash_source",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", "from brandscan.cli import main; main()"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "_brandscan_completion()" in done.stdout
    assert "complete -o nosort -F _brandscan_completion brandscan" in done.stdout


def test_completion_offers_commands_and_choices() -> None:
    env = {**os.environ, "_BRANDSCAN_COMPLETE": "bash_complete", "COMP_WORDS":
           "brandscan timeline --interval ", "COMP_CWORD": "3",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", "from brandscan.cli import main; main()"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert "plain,day" in done.stdout and "plain,week" in done.stdout


def test_completion_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for shell in ("bash", "zsh", "fish"):
        assert f"_BRANDSCAN_COMPLETE={shell}_source brandscan" in text
