"""Speed features that must not change answers: --jobs, chunking, lazy imports, progress."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from brandscan import parallel
from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES


def test_map_chunks_keeps_order_and_reports_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 10)
    items = [str(i) for i in range(1000)]
    done: list[int] = []
    out = parallel.map_chunks(lambda chunk: [int(x) * 2 for x in chunk], items, jobs=2,
                              progress=done.append, chunk=50)
    assert out == [i * 2 for i in range(1000)]
    assert sum(done) == 1000


def test_results_do_not_depend_on_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 10)
    monkeypatch.setattr(parallel, "CHUNK", 40)
    args = ["report", str(EXAMPLES / "crisis_weibo_search.csv"), "--config",
            str(CONFIG_EXAMPLE), "--format", "json"]
    one = CliRunner().invoke(cli, [*args, "--jobs", "1"])
    two = CliRunner().invoke(cli, [*args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0
    assert json.loads(one.stdout) == json.loads(two.stdout)


def test_no_progress_or_noise_on_stderr_in_cron_mode() -> None:
    result = CliRunner().invoke(cli, ["-q", "timeline", str(EXAMPLES / "crisis_posts.jsonl")])
    assert result.exit_code == 0
    assert result.stderr == ""


@pytest.mark.parametrize("argv", [["--help"], ["inspect", str(EXAMPLES / "crisis_posts.jsonl")]])
def test_help_and_inspect_do_not_load_sentiment_models(argv: list[str]) -> None:
    code = (f"import sys; from brandscan.cli import main; sys.argv = ['brandscan', *{argv!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('MODULES', sorted(m for m in sys.modules if m.split('.')[0] in "
            "('snownlp', 'jieba') or m in ('brandscan.text.snowfast', 'brandscan.text.model',"
            " 'brandscan.text.three_class')), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert "MODULES []" in proc.stderr
    if argv == ["--help"]:
        heavy = ("pandas", "numpy", "rich")
        code2 = ("import sys; from brandscan.cli import cli\n"
                 f"print([m for m in {heavy!r} if m in sys.modules])")
        out = subprocess.run([sys.executable, "-c", code2], capture_output=True, text=True,
                             check=True)
        assert out.stdout.strip() == "[]"
