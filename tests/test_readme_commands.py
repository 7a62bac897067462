"""The README is true: every ``brandscan`` command shown in README.md, examples/README.md
and docs/*.md runs on the bundled example and says what the page promises.

A page states its promises next to a code block, in an HTML comment readers do not see::

    <!-- expect
    1: period,mentions | 2026-11-05,291      (strings the 1st command prints; | = and)
    2: exit 3 | 鲜果坊,influential           (an exit status other than 0)
    3: file:report.html                     (a file the command writes)
    -->

and ``<!-- not run: REASON -->`` marks a block that needs what the tests do not have (the
shared exports in ../shared/data, a Dask cluster). Every other command must exit 0. The
commands of a page run in order, as a reader follows them, in a temporary folder holding
a copy of examples/ and config.example.yaml, with a temporary store ($BRANDSCAN_DB).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "examples" / "README.md",
         *sorted((ROOT / "docs").glob("*.md"))]


@dataclass
class Shown:
    """A command shown on a page, with what the page promises about it."""

    page: str
    line: int
    command: str
    expect: list[str] = field(default_factory=list)
    skip: str = ""


def shown(page: Path) -> tuple[list[Shown], list[str]]:
    """The commands of a page's code blocks, and its Python snippets."""
    commands: list[Shown] = []
    snippets: list[str] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    note: str = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("<!--"):
            end = i
            while "-->" not in lines[end]:
                end += 1
            note = "\n".join(lines[i:end + 1])
            i = end + 1
            continue
        if line.startswith("```"):
            lang = line[3:].strip()
            end = i + 1
            while not lines[end].startswith("```"):
                end += 1
            body = lines[i + 1:end]
            if lang == "python":
                snippets.append("\n".join(body))
            elif lang in ("", "sh", "bash", "console"):
                commands += _block(page, i + 2, body, note)
            note = ""
            i = end + 1
            continue
        if line.strip():
            note = ""
        i += 1
    return commands, snippets


def _block(page: Path, first: int, body: list[str], note: str) -> list[Shown]:
    skip = ""
    m = re.match(r"<!-- not run: (.*?) -->", note)
    if m:
        skip = m.group(1)
    expect: dict[int, list[str]] = {}
    if note.startswith("<!-- expect"):
        for row in note.splitlines()[1:-1]:
            n, _, wants = row.partition(":")
            expect[int(n)] = [w.strip() for w in wants.split(" | ")]
    out = []
    for offset, raw in enumerate(body):
        text = raw.strip()
        if " && brandscan " in text:
            text = text[text.index("brandscan "):]
        if not text.startswith("brandscan "):
            continue
        text = re.sub(r"\s+#\s.*$", "", text)  # a shell comment after the command
        out.append(Shown(str(page.relative_to(ROOT)), first + offset, text,
                         expect.get(len(out) + 1, []), skip))
    unused = set(expect) - set(range(1, len(out) + 1))
    assert not unused, f"{page.name}: expectations for commands {sorted(unused)} not shown"
    return out


def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(ROOT / "config.example.yaml", tmp_path / "config.example.yaml")
    return tmp_path


def run(cmd: Shown, env: dict[str, str | None]) -> tuple[int, str]:
    words = shlex.split(cmd.command)
    result = CliRunner().invoke(cli, words[1:], env=env)
    return result.exit_code, result.stdout + result.stderr


def check(cmd: Shown, code: int, output: str, folder: Path) -> None:
    where = f"{cmd.page}:{cmd.line}: {cmd.command}"
    status = 0
    for want in cmd.expect:
        if want.startswith("exit "):
            status = int(want.split()[1])
        elif want.startswith("file:"):
            target = folder / want[5:]
            assert target.is_file() and target.stat().st_size > 0, f"{where}: no {want[5:]}"
        else:
            assert want in output, f"{where}: {want!r} not in output:\n{output[-2000:]}"
    assert code == status, f"{where}: exit {code}\n{output[-2000:]}"
    assert "Traceback" not in output, where


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_a_page_shows_works(page: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    commands, _ = shown(page)
    runnable = [c for c in commands if not c.skip]
    if not runnable:
        pytest.skip(f"{page.name}: no command to run"
                    + "".join(f"; {c.command!r}: {c.skip}" for c in commands))
    folder = workdir(tmp_path)
    monkeypatch.chdir(folder)
    env: dict[str, str | None] = {
        "BRANDSCAN_DB": str(folder / "brandscan.duckdb"), "BRANDSCAN_CONFIG": None,
        "XDG_CONFIG_HOME": str(folder / "xdg-config"),
        "XDG_DATA_HOME": str(folder / "xdg-data"), "COLUMNS": "100"}
    for cmd in runnable:
        code, output = run(cmd, env)
        check(cmd, code, output, folder)


def test_the_readmes_promise_what_they_show() -> None:
    """The front page and the examples README annotate their commands' output."""
    for page in PAGES[:2]:
        commands, _ = shown(page)
        assert commands and all(c.expect for c in commands), page.name
    names = {shlex.split(c.command)[1] for c in shown(PAGES[0])[0]}
    assert {"init", "report", "timeline", "complaints", "alerts", "ingest"} <= names
    # The quick start, exactly as CI and newcomers type it.
    text = PAGES[0].read_text(encoding="utf-8")
    assert ("pip install . && brandscan report examples/crisis_weibo_search.csv "
            "--config config.example.yaml") in text
    assert "pip install -e '.[test]' && python -m pytest -q" in text


def test_the_library_snippets_run(tmp_path: Path) -> None:
    snippets = [s for page in PAGES for s in shown(page)[1]]
    assert len(snippets) >= 2
    folder = workdir(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for snippet in snippets:
        done = subprocess.run([sys.executable, "-c", snippet], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{snippet}\n{done.stderr[-2000:]}"
    assert "663 mentions of 鲜果坊, 果多多" in done.stdout  # the streamed report's headline
