"""Files read in chunks give what the in-memory loader and analyses give, row for row."""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from brandscan.analyze.report import Report, build_report, report_from_aggregate
from brandscan.cli import cli
from brandscan.config import Config, parse_config
from brandscan.engine import stream
from brandscan.engine.stream import RunSpec, StreamResult, choose_engine, run_stream
from brandscan.errors import BrandscanError
from brandscan.load.chunks import (
    ChunkedLoad,
    detect_encoding,
    load_posts_chunks,
    scan_files,
)
from brandscan.load.inspection import files_table, skipped_table
from brandscan.load.posts import LoadOptions, load_posts
from brandscan.load.read import decode
from brandscan.text.scoring import analyse
from brandscan.window import Window
from tests.conftest import WEIBO_SEARCH_HEADER

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, tzinfo=SH)
CONFIG = parse_config("brands:\n  - name: 鲜果坊\n  - name: 果多多\n")
CHUNK = 40  # records per chunk: every test file is cut into several pieces
TEXTS = ["鲜果坊的山竹烂了\n打开全是霉", "果多多客服不回复，差评", "鲜果坊好吃！", "", "  ",
         "转发微博", "哈哈//@某人:鲜果坊太差了", "鲜果坊价格太贵\r还发霉", "鲜果坊\u2028分隔",
         '果多多 "坏果包赔" 骗人', "=鲜果坊退款难"]


def _search_rows(rng: random.Random, n: int, first_id: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        when = rng.choice([f"2026-11-05 06:{i % 60:02d}", "刚刚", "5分钟前", "not a time",
                           f"2026-11-0{1 + i % 7} 1{i % 10}:00"])
        rows.append([str(first_id + i * rng.choice([1, 1, 0])), f"B{i}", str(1000 + i % 37),
                     f"用户{i % 13}", rng.choice(TEXTS), "", "", "", "",
                     rng.choice(["1万+", "3", "", "x"]), str(i % 5), str(i % 11), when,
                     "", "", "", ""])
    return rows


def _csv(rows: list[list[str]], header: list[str], *, crlf: bool = False,
         extra: dict[int, str] | None = None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    for k, r in enumerate(rows):
        w.writerow(r)
        buf.write((extra or {}).get(k, ""))
    return buf.getvalue()


def write_inputs(folder: Path) -> dict[str, Path]:
    """Every way an export can be awkward, each big enough for several chunks."""
    rng = random.Random(5)
    header = WEIBO_SEARCH_HEADER.split(",")
    files = {}
    bad = {3: "\n\n", 20: WEIBO_SEARCH_HEADER + "\n", 30: ",".join(["1"] * 19) + "\n"}
    files["utf8"] = folder / "search.csv"
    files["utf8"].write_bytes(codecs.BOM_UTF8 + _csv(_search_rows(rng, 150, 100), header,
                                                     extra=bad).encode())
    files["gbk"] = folder / "search_gbk.csv"  # ids overlap the first file: duplicates
    files["gbk"].write_bytes(_csv(_search_rows(rng, 110, 160), header, crlf=True).encode(
        "gb18030"))
    files["utf16"] = folder / "search_utf16.csv"
    files["utf16"].write_bytes(_csv(_search_rows(rng, 60, 400), header).encode("utf-16"))
    lines = []
    for i in range(130):
        rec = {"mblogid": f"M{i % 100}", "content": rng.choice(TEXTS),
               "created_at": f"2026-11-05 0{i % 10}:00:00" if i % 13 else "??",
               "reposts_count": i, "attitudes_count": "1.2万",
               "user": {"nick_name": f"u{i % 9}", "_id": str(i % 9)}}
        if i % 17 == 0:
            del rec["reposts_count"]
        lines.append(json.dumps(rec, ensure_ascii=False))
        if i % 23 == 0:
            lines += ["", "{bad json", "[1, 2]"]
    files["jsonl"] = folder / "spider.jsonl"
    files["jsonl"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    items: list[object] = [{"note_id": str(i % 80), "content": rng.choice(TEXTS),
                            "create_time": 1793836800 + i * 600, "liked_count": str(i),
                            "nickname": f"n{i % 7}"} for i in range(100)]
    items[5:5] = [[1, 2], "not an object"]
    files["json"] = folder / "contents.json"
    files["json"].write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = []
    for i in range(150):
        post = i // 7
        rows.append([str(7000 + post), f"P{post}", str(2000 + post), f"博主{post}",
                     f"鲜果坊第{post}条", "", "", "", "", "1", "2", "3",
                     f"2026-11-04 10:{post % 60:02d}", "", "", "", "",
                     str(3000 + i % 40), f"评论者{i % 40}",
                     "" if i % 11 == 0 else rng.choice(TEXTS),
                     "Thu Nov 05 17:03:09 +0800 2026" if i % 5 else f"2026-11-05 0{i % 9}:00",
                     str(i % 4)])
    files["comments"] = folder / "华为.csv"
    files["comments"].write_text(
        _csv(rows, [*header, "评论人ID", "评论人昵称", "评论内容", "评论时间", "点赞次数"]),
        encoding="utf-8")
    files["users"] = folder / "users.csv"
    files["users"].write_text("用户id,昵称,粉丝数,是否认证,认证类型\n1005,用户5,3.2万,True,蓝V\n"
                              "1010,,100,False,\n", encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_inputs(tmp_path_factory.mktemp("inputs"))


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    keys = ["source_file", "source_line", "kind", "id", "text", "author"]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def _assert_same_load(paths: list[Path], opts: LoadOptions) -> ChunkedLoad:
    whole = load_posts(paths, opts)
    chunked = ChunkedLoad(paths, opts, CHUNK, small_file_bytes=0)
    chunks = list(chunked)
    assert all(len(c) <= 2 * CHUNK for c in chunks)  # rows held at once: about one chunk
    pd.testing.assert_frame_equal(_sorted(whole.posts),
                                  _sorted(pd.concat(chunks, ignore_index=True)))
    pd.testing.assert_frame_equal(files_table(whole.report), files_table(chunked.report))
    pd.testing.assert_frame_equal(skipped_table(whole.report), skipped_table(chunked.report))
    return chunked


@pytest.mark.parametrize("names,kind", [
    (("utf8", "gbk", "utf16"), "all"),
    (("jsonl", "json", "comments"), "all"),
    (("comments", "utf8"), "comment"),
])
def test_chunked_load_equals_load_posts(inputs: dict[str, Path], names: tuple[str, ...],
                                        kind: str) -> None:
    opts = LoadOptions(now=NOW, kind=kind, users=(str(inputs["users"]),))
    loaded = _assert_same_load([inputs[n] for n in names], opts)
    report = loaded.report
    assert report.total("rows_read") > 3 * CHUNK
    assert "gbk" not in names or report.total("duplicates") > 0


def test_pieces_start_on_record_boundaries(inputs: dict[str, Path]) -> None:
    scans = scan_files([inputs["utf8"], inputs["utf16"], inputs["json"], inputs["users"]],
                       LoadOptions(now=NOW), chunk_rows=CHUNK, small_file_bytes=0)
    utf8, utf16, js, users = scans
    assert len(utf8.pieces) >= 4 and {p.kind for p in utf8.pieces} == {"range"}
    assert [p.start for p in utf8.pieces[1:]] == [p.end for p in utf8.pieces[:-1]]
    data = inputs["utf8"].read_bytes()
    for piece in utf8.pieces:  # each piece starts on the line the reader numbers it
        assert data[piece.start - 1:piece.start] in (b"\n", b"\r")
        assert len(data[:piece.start].splitlines()) + 1 == piece.first_line
    assert [p.kind for p in utf16.pieces] == ["stream"]  # UTF-16 cannot be cut by bytes
    assert [p.kind for p in js.pieces] == ["stream"]
    assert users.users is not None and not users.pieces
    # by default a small file is one piece, read exactly as load_posts reads it
    assert [p.kind for p in scan_files([inputs["utf8"]])[0].pieces] == ["whole"]


def test_load_posts_chunks_is_a_generator_with_a_report(inputs: dict[str, Path]) -> None:
    chunked = load_posts_chunks([inputs["jsonl"]], LoadOptions(now=NOW), chunk_rows=50)
    rows = sum(len(c) for c in chunked)
    assert rows == chunked.report.total("used") == len(
        load_posts([inputs["jsonl"]], LoadOptions(now=NOW)).posts)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "broken"])
def test_encoding_is_decided_as_the_whole_file_reader_does(tmp_path: Path,
                                                           encoding: str) -> None:
    text = "id,微博正文,发布时间\n" + "1,鲜果坊的山竹烂了,2026-11-05 06:00\n" * 200
    data = (text.encode("utf-8")[:-40] + b"\xff\xfe\xe4" + text.encode("utf-8")[-40:]
            if encoding == "broken" else text.encode(encoding))
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert detect_encoding(str(path))[0] == decode(data, str(path))[1]


def test_a_truncated_big_json_file_is_named_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps([{"text": "鲜果坊", "time": "2026-11-05"}] * 50)[:-30],
                    encoding="utf-8")
    [scan] = scan_files([path], LoadOptions(now=NOW), small_file_bytes=0)
    assert scan.report.error is not None and "invalid JSON" in scan.report.error
    assert str(path) in scan.report.error and not scan.pieces


@pytest.fixture(scope="module")
def local_report(inputs: dict[str, Path]) -> tuple[list[Path], LoadOptions, object]:
    paths = [inputs[n] for n in ("utf8", "gbk", "jsonl", "comments")]
    opts = LoadOptions(now=NOW, users=(str(inputs["users"]),))
    loaded = load_posts(paths, opts)
    rep = build_report(analyse(loaded.posts, CONFIG), CONFIG, loaded.report, top=8)
    return paths, opts, rep


def test_stream_engine_report_equals_the_in_memory_report(local_report: tuple) -> None:
    paths, opts, rep = local_report
    spec = RunSpec(opts, CONFIG, top=8, terms=True, chunk_rows=CHUNK, small_file_bytes=0)
    result = run_stream(paths, spec, jobs=2)  # two processes, pieces done in any order
    streamed = report_from_aggregate(result.aggregate, CONFIG, result.report, top=8)
    assert streamed.headline == rep.headline
    assert streamed.interval == rep.interval
    for name in ("sentiment_mix", "timeline", "complaints", "negative_posts", "skipped"):
        pd.testing.assert_frame_equal(getattr(streamed, name), getattr(rep, name))
    assert len(rep.complaints) and len(rep.negative_posts) == 8


def _run(runner: object, args: list[str]) -> object:
    result = runner.invoke(cli, args)  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    return result


def test_cli_engines_print_the_same_tables(runner: object, inputs: dict[str, Path],
                                           tmp_path: Path) -> None:
    cfg = tmp_path / "brands.yaml"
    cfg.write_text("brands:\n  - name: 鲜果坊\n  - name: 果多多\n", encoding="utf-8")
    files = [str(inputs[n]) for n in ("utf8", "gbk", "comments")]
    common = [*files, "--config", str(cfg), "--now", "2026-11-26", "--chunk-rows", "100",
              "--jobs", "1"]
    for command in (["timeline", "--interval", "hour", "--since", "2026-11-03",
                     "--until", "2026-11-06 12:00", "--brand", "鲜果坊"],
                    ["complaints", "--top", "5"]):
        local = _run(runner, [*command, *common, "--engine", "local", "--format", "csv"])
        streamed = _run(runner, [*command, *common, "--engine", "stream", "--format", "csv"])
        assert streamed.stdout == local.stdout
        assert streamed.stderr == local.stderr  # the same accounting line
    local = json.loads(_run(runner, ["report", *common, "--engine", "local",
                                     "--format", "json"]).stdout)
    streamed = json.loads(_run(runner, ["report", *common, "--engine", "stream",
                                        "--format", "json"]).stdout)
    for key in ("headline", "sentiment_mix", "timeline", "complaints", "negative_posts",
                "skipped"):
        assert streamed[key] == local[key], key


def test_strict_fails_before_scoring_with_the_same_message(runner: object,
                                                           inputs: dict[str, Path]) -> None:
    args = ["timeline", str(inputs["utf8"]), "--strict", "--now", "2026-11-26"]
    local = runner.invoke(cli, [*args, "--engine", "local"])  # type: ignore[attr-defined]
    streamed = runner.invoke(cli, [*args, "--engine", "stream"])  # type: ignore[attr-defined]
    assert local.exit_code == streamed.exit_code == 1
    assert streamed.stderr == local.stderr and "--strict" in local.stderr


def test_write_parquet_holds_the_scored_posts(inputs: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from brandscan.schema import POST_COLUMNS, SCORED_COLUMNS

    opts = LoadOptions(now=NOW)
    out = tmp_path / "parts"
    spec = RunSpec(opts, CONFIG, chunk_rows=CHUNK, small_file_bytes=0, parquet_dir=str(out))
    run_stream([inputs["utf8"], inputs["gbk"]], spec)
    parts = sorted(out.glob("part-*.parquet"))
    assert len(parts) > 2
    written = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    assert list(written.columns) == [*POST_COLUMNS, *SCORED_COLUMNS]
    import pyarrow.parquet as pq

    from brandscan.text.sentiment import get_scorer

    model = pq.read_schema(parts[0]).metadata[b"brandscan.model"].decode()
    assert model == get_scorer(None).model_id
    scored = analyse(load_posts([inputs["utf8"], inputs["gbk"]], opts).posts, CONFIG)
    pd.testing.assert_frame_equal(_sorted(written), _sorted(scored), check_dtype=False)
    with pytest.raises(BrandscanError, match="already holds"):
        run_stream([inputs["utf8"]], spec)


def test_auto_engine_streams_big_inputs(inputs: dict[str, Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(inputs["utf8"])]
    assert choose_engine("auto", paths) == "local"
    assert choose_engine("auto", paths, scheduler="tcp://h:8786") == "dask"
    assert choose_engine("auto", paths, parquet=True) == "stream"
    assert choose_engine("stream", paths) == "stream"
    monkeypatch.setattr(stream, "AUTO_STREAM_BYTES", 100)
    assert choose_engine("auto", paths) == "stream"
    assert choose_engine("auto", paths, store=True) == "local"


# --- the crisis radar from merged partials ---------------------------------------------------

RADAR_SECTIONS = ("alerts", "response", "share_of_voice", "share_by_period")


def example_radar_case(since: str | None, until: str | None) -> tuple:
    """The bundled crisis (alerts, a late apology, two brands) and its in-memory report."""
    from brandscan.cli.radar import baseline_span
    from brandscan.config import load_config
    from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

    config = load_config(CONFIG_EXAMPLE)
    path = EXAMPLES / "crisis_weibo_search.csv"
    window = Window(pd.Timestamp(since, tz=SH) if since else None,
                    pd.Timestamp(until, tz=SH) if until else None)
    opts = LoadOptions(now=NOW)
    loaded = load_posts([path], opts)
    span = baseline_span(config.alerts)
    history = analyse(loaded.posts, config, window=Window(
        window.since - span if window.since else None, window.until))
    scored = history[window.mask(history["created_at"])].reset_index(drop=True)
    rep = build_report(scored, config, loaded.report, top=8, since=window.since,
                       until=window.until, history=history, posts=loaded.posts,
                       influencers=True)
    spec = RunSpec(opts, config, window=window, top=8, terms=True, chunk_rows=90,
                   small_file_bytes=0, radar=True, history=span)
    return path, config, spec, rep


def streamed_report(result: StreamResult, config: Config, spec: RunSpec) -> Report:
    from brandscan.engine.radar import add_radar

    w = spec.window or Window()
    rep = report_from_aggregate(result.aggregate, config, result.report, top=8,
                                since=w.since, until=w.until)
    assert result.radar is not None and result.windows is not None
    add_radar(rep, result.radar, result.aggregate, config, window_posts=result.windows,
              since=w.since, until=w.until, influencers=True, top=8)
    return rep


def assert_same_reports(got: Report, want: Report) -> None:
    assert got.headline == want.headline
    for name in ("sentiment_mix", "timeline", "complaints", "negative_posts",
                 *RADAR_SECTIONS):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), obj=name)
    pd.testing.assert_frame_equal(got.influencers, want.influencers)


@pytest.mark.parametrize("since,until", [(None, None), ("2026-11-05", "2026-11-06 12:00"),
                                         ("2026-11-05 08:00", None)])
def test_streamed_radar_equals_the_in_memory_radar(since: str | None, until: str | None
                                                   ) -> None:
    path, config, spec, rep = example_radar_case(since, until)
    assert len(rep.alerts) and len(rep.response) and len(rep.share_of_voice)
    result = run_stream([path], spec, jobs=2)
    assert result.windows is not None and result.windows.reads == 1
    assert_same_reports(streamed_report(result, config, spec), rep)
    # The second reading scored only the alert windows' posts, not the whole file.
    read = result.windows._frames[0]
    assert 0 < len(read) < result.aggregate.mentions


def test_a_run_without_alerts_reads_the_files_once() -> None:
    path, config, spec, rep = example_radar_case("2026-11-02", "2026-11-04")
    assert rep.alerts.empty
    result = run_stream([path], spec, jobs=1)
    assert result.windows is not None and result.windows.reads == 0
    assert_same_reports(streamed_report(result, config, spec), rep)


def test_cli_report_is_the_same_from_every_engine(runner: object) -> None:
    from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

    common = [str(EXAMPLES / "crisis_weibo_search.csv"), "--config", str(CONFIG_EXAMPLE),
              "--chunk-rows", "100", "--since", "2026-11-04", "--format", "json"]
    local = _run(runner, ["report", *common, "--engine", "local"]).stdout
    streamed = _run(runner, ["report", *common, "--engine", "stream", "--jobs", "2"]).stdout
    assert streamed == local and json.loads(local)["alerts"]


@pytest.mark.parametrize("command", [["alerts"], ["influencers", "--top", "8"],
                                     ["sov"], ["sov", "--interval", "total"]])
def test_radar_commands_are_the_same_from_every_engine(runner: object, command: list[str]
                                                       ) -> None:
    from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

    common = [str(EXAMPLES / "crisis_weibo_search.csv"), "--config", str(CONFIG_EXAMPLE),
              "--chunk-rows", "100", "--since", "2026-11-04", "--format", "csv"]
    local = _run(runner, [*command, *common, "--engine", "local"]).stdout
    streamed = _run(runner, [*command, *common, "--engine", "stream", "--jobs", "2"]).stdout
    assert streamed == local and len(local.splitlines()) > 2


def test_the_second_reading_opens_only_the_pieces_an_alert_window_touches(
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, config, spec, rep = example_radar_case(None, None)
    read: list[int] = []
    real = stream.piece_windows

    def counting(scan, piece, *args, **kw):  # type: ignore[no-untyped-def]
        read.append(piece.number)
        return real(scan, piece, *args, **kw)

    monkeypatch.setattr(stream, "piece_windows", counting)
    result = run_stream([path], spec, jobs=1)
    pieces = len(stream.tasks_of(stream.prepare([path], spec)))
    # The example runs in time order: a week in ~8 pieces, the crisis in a few of them.
    assert pieces >= 6 and 0 < len(read) < pieces
    assert_same_reports(streamed_report(result, config, spec), rep)
