"""--engine dask on a LocalCluster: the local engine's answers, the same Parquet parts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from brandscan.analyze.report import ReportAnalysis, build_report
from brandscan.cli import cli
from brandscan.engine.files import FileSource
from brandscan.engine.windows import FetchedWindows
from brandscan.load.inspection import files_table
from brandscan.load.posts import LoadOptions, load_posts
from brandscan.text.scoring import analyse
from tests.test_stream import CONFIG, NOW, run_files, write_inputs

distributed = pytest.importorskip("distributed", reason="dask is the optional extra "
                                  "brandscan[dask]; CI installs it")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One local cluster of two worker processes for the whole module."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR
                                  ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_inputs(tmp_path_factory.mktemp("inputs"))


def test_dask_report_equals_the_local_report(scheduler: str, inputs: dict[str, Path],
                                             tmp_path: Path) -> None:
    from brandscan.engine.executors import Dask

    paths = [inputs[n] for n in ("utf8", "gbk", "jsonl", "comments")]
    opts = LoadOptions(now=NOW, users=(str(inputs["users"]),))
    loaded = load_posts(paths, opts)
    scored = analyse(loaded.posts, CONFIG)
    local = build_report(scored, CONFIG, loaded.report, top=8)
    parts = tmp_path / "parts"
    source = FileSource(paths, opts, CONFIG, chunk_rows=70, small_file_bytes=0,
                        parquet_dir=str(parts), terms=True)
    run = run_files(source, [ReportAnalysis(top=8)], Dask(scheduler, 0))
    rep = run.result("report")
    assert rep.headline == local.headline
    for name in ("sentiment_mix", "timeline", "complaints", "negative_posts", "skipped"):
        pd.testing.assert_frame_equal(getattr(rep, name), getattr(local, name))
    pd.testing.assert_frame_equal(files_table(run.load()), files_table(loaded.report))
    # each worker wrote its scored chunks; together they are the scored posts
    written = pd.concat([pd.read_parquet(p) for p in sorted(parts.glob("part-*.parquet"))],
                        ignore_index=True)
    keys = ["source_file", "source_line", "kind", "id", "text"]
    pd.testing.assert_frame_equal(
        written.sort_values(keys).reset_index(drop=True),
        scored.sort_values(keys).reset_index(drop=True), check_dtype=False)


def test_cli_dask_engine_on_an_existing_cluster(runner: object, scheduler: str,
                                                inputs: dict[str, Path]) -> None:
    args = ["timeline", str(inputs["utf8"]), str(inputs["gbk"]), "--now", "2026-11-26",
            "--format", "json", "--chunk-rows", "100"]
    local = runner.invoke(cli, [*args, "--engine", "local"])  # type: ignore[attr-defined]
    dask = runner.invoke(cli, [*args, "--scheduler", scheduler])  # type: ignore[attr-defined]
    assert local.exit_code == dask.exit_code == 0, dask.output
    assert json.loads(dask.stdout) == json.loads(local.stdout)
    assert dask.stderr == local.stderr


def test_unreachable_scheduler_is_one_clear_error(runner: object, inputs: dict[str, Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from brandscan.engine import executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    result = runner.invoke(cli, ["timeline", str(inputs["utf8"]),  # type: ignore[attr-defined]
                                 "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr


def test_dask_radar_equals_the_in_memory_radar(scheduler: str) -> None:
    from brandscan.engine.executors import Dask
    from tests.test_stream import assert_same_reports, example_radar_case, streamed_report

    source, ctx, rep = example_radar_case("2026-11-05", None)
    got, run = streamed_report(source, ctx, Dask(scheduler, 0))
    # one second reading of the alert windows, as on the other engines
    assert isinstance(run.windows, FetchedWindows) and run.windows.reads == 1
    assert_same_reports(got, rep)
