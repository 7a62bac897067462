"""A standing adversarial suite: hostile paths, files, stores, models, configs, queries and
webhook payloads. Each case once crashed, hung, lost data or ran something; now each is a
one-line error (exit 1) or simply works."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr


def refused(code: int, err: str, path: Path, why: str) -> None:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and why in lines[0], err
    assert "Traceback" not in err


def test_an_output_that_is_an_input_or_the_config_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_bytes(EXAMPLE.read_bytes())
    config = tmp_path / "c.yaml"
    config.write_bytes(Path(CONFIG_EXAMPLE).read_bytes())
    refused(*run("-q", "posts", data, "-o", data), data, "is the input")
    assert data.read_bytes() == EXAMPLE.read_bytes()
    refused(*run("-q", "report", data, "--config", config, "-o", config), config,
            "is the config file")
    assert config.read_bytes() == Path(CONFIG_EXAMPLE).read_bytes()


def test_an_output_that_is_the_store_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert run("-q", "ingest", EXAMPLE, "--db", db, "--config", CONFIG_EXAMPLE)[0] == 0
    before = db.read_bytes()
    refused(*run("-q", "report", "--db", db, "--config", CONFIG_EXAMPLE, "-o", db), db,
            "is the store")
    refused(*run("-q", "db", "export", "--db", db, "-o", db), db, "is the store")
    assert db.read_bytes() == before
    assert run("-q", "db", "info", "--db", db)[0] == 0


def test_special_files_and_links_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("yesterday\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    refused(*run("-q", "timeline", EXAMPLE, "-o", link), link, "symbolic link")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "yesterday\n"
    hard = tmp_path / "hard.csv"
    os.link(target, hard)
    refused(*run("-q", "timeline", EXAMPLE, "-o", hard), hard, "hard links")
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        refused(*run("-q", "timeline", EXAMPLE, "-o", fifo), fifo, "not a regular file")
        assert fifo.is_fifo()


def test_a_regular_file_is_still_replaced(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    out.write_text("yesterday\n", encoding="utf-8")
    assert run("-q", "timeline", EXAMPLE, "-o", out)[0] == 0
    assert out.read_text(encoding="utf-8-sig").startswith("period,mentions")


def test_a_file_ingested_again_after_a_prune_is_stored_again(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "s.duckdb"
    ingest = ("ingest", EXAMPLE, "--db", db, "--config", CONFIG_EXAMPLE)
    assert run(*ingest)[0] == 0
    again = CliRunner().invoke(cli, [str(a) for a in ingest])
    assert "already ingested" in again.stderr  # nothing changed: nothing to add
    assert run("-q", "db", "prune", "--db", db, "--before", "2030-01-01")[0] == 0
    after = CliRunner().invoke(cli, [str(a) for a in ingest])
    assert after.exit_code == 0 and "already ingested" not in after.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchall()[0][0] > 600
    con.close()


def test_a_carriage_return_cannot_start_a_formula_row_in_csv_or_tsv(tmp_path: Path) -> None:
    import csv
    import io

    data = tmp_path / "evil.jsonl"
    evil = "\r=cmd|' /C calc'!A0"
    data.write_text(json.dumps({"text": "鲜果坊的山竹烂了", "time": "2026-11-05 08:00",
                                "author": evil}, ensure_ascii=False) + "\n", encoding="utf-8")
    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        out = tmp_path / f"posts.{fmt}"
        assert run("-q", "posts", data, "--config", CONFIG_EXAMPLE, "-o", out)[0] == 0
        text = out.read_text(encoding="utf-8-sig")
        assert "\r" not in text  # no bare CR a spreadsheet would read as a new row
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        cells = [c for row in rows for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], cells
        assert "'\n=cmd|' /C calc'!A0" in cells  # the author, defused and whole


def test_db_export_to_csv_defuses_formulas(tmp_path: Path) -> None:
    import csv
    import io

    data = tmp_path / "evil.jsonl"
    rows = [{"text": "=HYPERLINK(\"http://x\",\"鲜果坊\")", "time": "2026-11-05 08:00",
             "author": "\r=cmd|' /C calc'!A0", "url": "@SUM(1)"},
            {"text": "鲜果坊的山竹烂了", "time": "2026-11-05 09:00", "author": "+甲"}]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    db = tmp_path / "s.duckdb"
    assert run("-q", "ingest", data, "--db", db, "--config", CONFIG_EXAMPLE)[0] == 0
    out = tmp_path / "export.csv"
    assert run("-q", "db", "export", "--db", db, "-o", out)[0] == 0
    text = out.read_text(encoding="utf-8")
    assert "\r" not in text
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))], cells
    assert "'=HYPERLINK(\"http://x\",\"鲜果坊\")" in cells and "'+甲" in cells


def test_webhook_messages_escape_authors_and_urls() -> None:
    import pandas as pd

    from brandscan.render.notify import payload

    evil = {"first_author": "甲\n\n# 官方通知：点链接领补偿", "first_time": pd.Timestamp(
        "2026-11-05 07:12", tz="Asia/Shanghai"), "first_followers": 1, "first_reposts": 1,
            "first_comments": 0, "first_likes": 0, "first_text": "山竹烂了",
            "first_url": "https://e.example/) [点这里领补偿](https://phish.example"}
    row = {"brand": "鲜果坊", "kind": "influential", "severity": "watch", "event": "new",
           "fired": pd.Timestamp("2026-11-05 07:00", tz="Asia/Shanghai"),
           "start": pd.Timestamp("2026-11-05 07:00", tz="Asia/Shanghai"), "end": None,
           "ongoing": True, "detail": "negative opinion by 甲", "terms": "",
           **evil, **{k.replace("first_", "top_"): v for k, v in evil.items()}}
    alerts = pd.DataFrame([row])
    for fmt in ("wecom", "dingtalk", "slack"):
        body = payload(alerts, fmt)
        message = body["text"] if fmt == "slack" else body["markdown"].get(
            "content", body["markdown"].get("text"))
        lines = message.splitlines()
        assert not [x for x in lines if x.lstrip().startswith("#")], (fmt, message)
        assert "官方通知" in message  # the name is shown, on its own line never
        # the URL stays one link: its ) [ ] are encoded, the phishing link is not a link
        assert "](https://phish.example" not in message, (fmt, message)
        assert "https://e.example/%29%20%5B" in message, (fmt, message)


def test_file_names_that_are_not_utf8_are_read_and_shown(tmp_path: Path) -> None:
    import shutil

    folder = os.fsencode(tmp_path)
    gbk = os.path.join(folder, "比亚迪.csv".encode("gbk"))  # a name from a Windows zip
    shutil.copyfile(os.fsencode(EXAMPLE), gbk)
    name = os.fsdecode(gbk)  # what a shell passes: lone surrogates
    result = CliRunner().invoke(cli, ["-q", "posts", name, "--config", str(CONFIG_EXAMPLE),
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path}/比亚迪.csv" in result.stdout  # source_file decoded as GBK
    inspect = CliRunner().invoke(cli, ["inspect", name, str(EXAMPLE), "--format", "json"])
    assert inspect.exit_code == 0 and "比亚迪.csv" in inspect.stdout


def test_an_empty_store_window_is_an_answer_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert run("-q", "ingest", EXAMPLE, "--db", db, "--config", CONFIG_EXAMPLE)[0] == 0
    assert run("-q", "db", "prune", "--db", db, "--before", "2030-01-01")[0] == 0
    for command in (["report"], ["alerts"], ["influencers"], ["report", "--since", "7d"]):
        result = CliRunner().invoke(cli, [*command, "--db", str(db), "--config",
                                          str(CONFIG_EXAMPLE), "--format", "json"])
        assert result.exit_code == 0 and "Traceback" not in result.output, command


def test_crafted_snownlp_models_are_refused_never_crash(tmp_path: Path) -> None:
    import gzip
    import marshal
    import random

    from brandscan.text import safe_marshal

    crafted = {
        "segfault": b"\xa8\x01\x00\x00\x00{r\x00\x00\x00\x00N0",  # crashed marshal.loads
        "huge tuple": b"(\x00\x00\x00\x20",  # claimed 2**29 items: 4.3 GB before failing
        "code": marshal.dumps(compile("1", "x", "eval")),
        "deep": b"[\x01\x00\x00\x00" * 10_000 + b"N",
        "bomb": gzip.compress(b"\x00" * (300 * 2**20)),  # 300 MB of zeros, 300 KB packed
    }
    for name, data in crafted.items():
        model = tmp_path / f"{name.replace(' ', '_')}.3"
        model.write_bytes(data)
        code, err = run("-q", "posts", EXAMPLE, "--model", model, "--config", CONFIG_EXAMPLE)
        assert code == 1 and "not a usable sentiment model" in err, (name, err)
        assert len(err.strip().splitlines()) == 1, (name, err)
    # the bounded reader reads what marshal writes, exactly …
    snow = {"total": 10, "d": {"pos": {"d": {"好": 3.5, "差": 1}, "total": 4.5, "none": 1},
                               "neg": {"d": {}, "total": -(2**70), "none": None}},
            "brandscan": [True, False, (1, 2.5, "x" * 300)]}
    assert safe_marshal.loads(marshal.dumps(snow)) == snow
    # … and turns any damage into a ValueError: 5,000 random corruptions of a model
    rng = random.Random(5)
    good = marshal.dumps(snow)
    for _ in range(5000):
        data = bytearray(good)
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(ValueError):
            safe_marshal.loads(bytes(data))


def test_a_jieba_cache_dropped_in_tmp_is_never_loaded(tmp_path: Path) -> None:
    import subprocess
    import sys

    shared = tmp_path / "tmp"
    shared.mkdir()
    # what marshal.load would crash on (exit 139), dropped where jieba looks by default
    (shared / "jieba.cache").write_bytes(b"\xa8\x01\x00\x00\x00{r\x00\x00\x00\x00N0")
    env = {**os.environ, "TMPDIR": str(shared), "BRANDSCAN_CACHE_DIR": str(tmp_path / "c")}
    proc = subprocess.run([sys.executable, "-m", "brandscan", "-q", "complaints", str(EXAMPLE),
                           "--config", str(CONFIG_EXAMPLE), "--format", "csv"],
                          capture_output=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    assert proc.stderr == b"" and b"term" in proc.stdout
    assert (tmp_path / "c" / "jieba.cache").is_file()  # its own cache, in brandscan's folder


def test_a_megabyte_post_is_cut_counted_and_cheap(tmp_path: Path) -> None:
    from brandscan.load.options import LoadOptions
    from brandscan.load.posts import load_posts

    text = "鲜果坊的山竹烂了，" + "".join(chr(0x4E00 + (i * 7919) % 20000)
                                       for i in range(1_000_000))
    data = tmp_path / "long.jsonl"
    data.write_text(json.dumps({"text": text, "time": "2026-11-05 08:00", "author": "甲"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    loaded = load_posts([data])
    assert len(loaded.posts["text"].iloc[0]) == LoadOptions().max_text == 20_000
    assert loaded.report.total("truncated_text") == 1
    result = CliRunner().invoke(cli, ["report", str(data), "--config", str(CONFIG_EXAMPLE),
                                      "--format", "json"])
    assert result.exit_code == 0
    assert "1 text(s) longer than the limit cut short" in result.stderr
    inspect = CliRunner().invoke(cli, ["inspect", str(data), "--format", "json"])
    assert json.loads(inspect.stdout)[0]["truncated_text"] == 1


def test_near_is_linear_and_matches_exactly_what_every_pair_would() -> None:
    import random

    from brandscan.text.query import parse_query

    def occurrences(word: str, text: str) -> list[tuple[int, int]]:
        return [(i, i + len(word)) for i in range(len(text)) if text.startswith(word, i)]

    def pairs(left: list, right: list, d: int) -> list[tuple[int, int]]:
        out = []
        for a0, a1 in left:
            for b0, b1 in right:
                gap = b0 - a1 if b0 >= a1 else a0 - b1 if a0 >= b1 else 0
                if gap <= d:
                    out.append((min(a0, b0), max(a1, b1)))
        return out

    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice("ab好cd") for _ in range(rng.randrange(0, 40)))
        a, b, c = rng.choice(["a", "ab", "好"]), rng.choice(["b", "cd", "好"]), rng.choice("acd")
        d1, d2 = rng.randrange(0, 8), rng.randrange(0, 8)
        inner = pairs(occurrences(a, text), occurrences(b, text), d1)
        assert parse_query(f"{a} NEAR/{d1} {b}").matches(text) == bool(inner), (text, a, b)
        chained = pairs(inner, occurrences(c, text), d2)
        got = parse_query(f"({a} NEAR/{d1} {b}) NEAR/{d2} {c}").matches(text)
        assert got == bool(chained), (text, a, b, c, d1, d2)
    # thousands of occurrences of both terms: at most one span per left occurrence
    # (5,000), not one per close pair (25 million, which took 19 s and 1.15 GB)
    near = parse_query("鲜果坊 NEAR/100000000 好")
    assert 1 <= len(near.spans("鲜果坊好" * 5000)) <= 5000


def test_devices_and_fifos_are_refused_not_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)  # nobody will ever write to it
    db = tmp_path / "s.duckdb"
    for args in (["timeline", fifo], ["inspect", "/dev/zero"], ["report", "/dev/zero"],
                 ["ingest", "/dev/zero", "--db", db], ["ingest", fifo, "--db", db]):
        code, err = run("-q", *args)
        assert code == 1 and ("is a device" in err or "is a FIFO" in err), (args, err)
    # the other files of the same ingest are stored all the same
    result = CliRunner().invoke(cli, ["ingest", "/dev/zero", str(EXAMPLE), "--db", str(db),
                                      "--config", str(CONFIG_EXAMPLE)])
    assert result.exit_code == 1 and "batch" in result.stderr and "is a device" in result.stderr


def test_deep_nesting_and_yaml_aliases_are_one_line_errors(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for name in ("deep.json", "deep.jsonl"):
        (tmp_path / name).write_text(deep + "\n", encoding="utf-8")
        code, err = run("-q", "timeline", tmp_path / name)
        assert code == 1 and "nested too deeply" in err and len(err.splitlines()) == 1, err
    configs = {
        "yaml": "brands:\n  - name: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "parens": "brands:\n  - name: x\n    query: " + "(" * 5000 + "x" + ")" * 5000 + "\n",
        "nots": "brands:\n  - name: x\n    query: " + "NOT " * 5000 + "x\n",
        "aliases": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
                   "brands:\n  - name: *b\n",
    }
    for name, text in configs.items():
        config = tmp_path / f"{name}.yaml"
        config.write_text(text, encoding="utf-8")
        code, err = run("-q", "timeline", EXAMPLE, "--config", config)
        assert code == 1 and len(err.splitlines()) == 1 and len(err) < 400, (name, err)
        assert ("nested" in err or "aliases" in err), (name, err)


def test_configs_of_the_wrong_shape_and_times_out_of_range_are_one_line_errors(
        tmp_path: Path) -> None:
    cases = {
        "sentiment: 5\n": "'sentiment' must be a mapping",
        "segmentation: [1]\n": "'segmentation' must be a mapping",
        "complaints:\n  categories: [a, b]\n": "'complaints.categories' must be a mapping",
        "columns: [text]\n": "'columns' must be a mapping",
        "brands: {name: x}\n": "'brands' must be a list",
        "alerts:\n  volume:\n    z_watch: .nan\n": "must be a (finite) number",
        "alerts:\n  cooldown_hours: .inf\n": "must be a (finite) number",
    }
    for text, why in cases.items():
        config = tmp_path / "c.yaml"
        config.write_text(text, encoding="utf-8")
        code, err = run("-q", "timeline", EXAMPLE, "--config", config)
        assert code == 1 and why in err and len(err.splitlines()) == 1, (text, err)
    code, err = run("-q", "timeline", EXAMPLE, "--config", "/dev/zero")
    assert code == 1 and "not a config file" in err
    for since in ("99999999d", "0001-01-01", "9999-12-31"):
        code, err = run("-q", "timeline", EXAMPLE, "--since", since)
        # a bad option value: a usage error, before any file is read
        assert code == 2 and "out of range" in err and "Traceback" not in err, (since, err)
    db = tmp_path / "s.duckdb"
    assert run("-q", "ingest", EXAMPLE, "--db", db, "--config", CONFIG_EXAMPLE)[0] == 0
    code, err = run("-q", "db", "prune", "--db", db, "--before", "99999999d")
    assert code == 1 and "out of range" in err


def test_a_brand_named_like_tex_still_gets_its_html_report(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("brands:\n  - name: '$x^$'\n    aliases: [鲜果坊]\n  - name: 果多多\n",
                      encoding="utf-8")
    out = tmp_path / "r.html"
    assert run("-q", "report", EXAMPLE, "--config", config, "-o", out)[0] == 0
    assert out.stat().st_size > 20_000 and "$x^$" in out.read_text(encoding="utf-8")


def test_a_byte_order_mark_and_one_broken_character_still_load(tmp_path: Path) -> None:
    data = EXAMPLE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # weibo-search writes a BOM
    cut = data.index("山竹".encode()) + 1
    broken = tmp_path / "broken.csv"
    broken.write_bytes(data[:cut] + data[cut + 2:])  # one character cut in two
    result = CliRunner().invoke(cli, ["inspect", str(broken), "--format", "json"])
    info = json.loads(result.stdout)[0]
    assert info["encoding"] == "utf-8-sig (1 undecodable byte(s) replaced)"
    assert info["used"] == 671  # every row, as without the mark


def test_utf16_without_a_mark_and_truncated_json_are_read_or_placed(tmp_path: Path) -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        data = tmp_path / f"{codec}.csv"
        data.write_bytes("text,time\n鲜果坊很好,2026-11-05 08:00\n".encode(codec))
        result = CliRunner().invoke(cli, ["-q", "timeline", str(data), "--format", "csv"])
        assert result.exit_code == 0 and "2026-11-05,1," in result.stdout, codec
    truncated = tmp_path / "t.json"
    truncated.write_text('[{"text": "鲜果坊", "time": "2026-11-05', encoding="utf-8")
    code, err = run("-q", "timeline", truncated)
    assert code == 1 and f"{truncated}:1: invalid JSON at column 26" in err


def test_a_store_cut_short_is_called_damaged(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert run("-q", "ingest", EXAMPLE, "--db", db, "--config", CONFIG_EXAMPLE)[0] == 0
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.truncate(size // 2)
    code, err = run("-q", "report", "--db", db, "--format", "json")
    assert code == 1 and "the store is damaged" in err and "not a brandscan store" not in err


def test_a_model_zip_claiming_huge_arrays_is_refused_before_allocating(
        tmp_path: Path) -> None:
    import io
    import zipfile

    import numpy as np

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (2**40,)})
    model = tmp_path / "huge.model"
    with zipfile.ZipFile(model, "w") as zf:
        for name in ("keys", "weights", "bias", "meta"):
            zf.writestr(f"{name}.npy", b"\x93NUMPY" + header.getvalue()[6:] + b"\x00" * 64)
    code, err = run("-q", "posts", EXAMPLE, "--model", model, "--config", CONFIG_EXAMPLE)
    assert code == 1 and "larger than its file" in err, err


# --- fuzz: parsers of things users hand brandscan ----------------------------------------

_YAMLISH = st.text(alphabet=st.sampled_from(list("abnmqz:-[]{}&*!|>'\" \n\t#0129.e鲜果坊")),
                   max_size=120)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_YAMLISH)
def test_any_config_text_is_a_config_or_one_error(text: str) -> None:
    from brandscan.config import parse_config
    from brandscan.errors import BrandscanError

    try:
        parse_config(text)
    except BrandscanError as exc:
        assert "\n" not in exc.format()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab鲜果 ()"ANDORNTE/0123456789')), max_size=80))
def test_any_query_text_parses_or_is_a_query_error(text: str) -> None:
    from brandscan.text.query import QueryError, parse_query

    try:
        node = parse_query(text)
    except QueryError:
        return
    node.matches("ab 鲜果 " * 3)  # and a parsed query always evaluates


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_as_a_snownlp_model_are_a_value_error(data: bytes) -> None:
    from brandscan.text.model import read_snownlp

    with contextlib.suppress(ValueError):
        read_snownlp(data)


def test_a_busy_store_names_the_process_holding_it(tmp_path: Path) -> None:
    import fcntl

    if not Path("/proc/locks").exists():
        return  # (the holder is read from Linux's lock table)
    db = tmp_path / "s.duckdb"
    assert run("-q", "ingest", EXAMPLE, "--db", db, "--config", CONFIG_EXAMPLE)[0] == 0
    fd = os.open(f"{db}.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"99999\n", 0)  # a stale "last taker" in the file
        code, err = run("-q", "db", "info", "--db", db, "--lock-timeout", "0.2")
        assert code == 1 and f"in use by PID {os.getpid()}" in err and "99999" not in err
    finally:
        os.close(fd)


def test_a_header_line_in_the_middle_switches_the_columns(tmp_path: Path) -> None:
    rows = ["id,正文,发布时间,点赞数"]
    rows += [f"{i},鲜果坊第{i}条,2026-11-05 0{i}:00,{i}" for i in range(5)]
    rows.append("uid,用户昵称,id,正文,发布时间,点赞数")  # crawls appended after a change
    rows += [f"u{i},甲{i},{i},鲜果坊第{i}条,2026-11-05 0{i}:00,{i}" for i in range(5, 10)]
    data = tmp_path / "appended.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    info = json.loads(CliRunner().invoke(cli, ["inspect", str(data), "--format", "json"]
                                         ).stdout)[0]
    assert (info["rows_read"], info["used"], info["skip_reasons"]) == (11, 10, "header line: 1")
    posts = CliRunner().invoke(cli, ["-q", "posts", str(data), "--format", "json"])
    got = {p["id"]: (p["text"], p["likes"]) for p in json.loads(posts.stdout)}
    assert got == {str(i): (f"鲜果坊第{i}条", i) for i in range(10)}


def test_model_descriptions_of_the_wrong_shape_are_one_line_errors(tmp_path: Path) -> None:
    import io
    import zipfile

    import numpy as np

    from brandscan.text.model import FORMAT, FORMAT_VERSION

    base = {"format": FORMAT, "format_version": FORMAT_VERSION}
    for i, extra in enumerate(({"features": [1, 2]}, {"features": "x"},
                               {"thresholds": "a"},
                               {"thresholds": {"negative_below": 0.9, "positive_from": 0.1}})):
        arrays = {"keys": np.array([1, 2], dtype=np.uint64),
                  "weights": np.array([0.1, 0.2], dtype=np.float32),
                  "bias": np.array([0.0]),
                  "meta": np.frombuffer(json.dumps({**base, **extra}).encode(), np.uint8)}
        model = tmp_path / f"m{i}.model"
        with zipfile.ZipFile(model, "w") as zf:
            for name, array in arrays.items():
                buf = io.BytesIO()
                np.lib.format.write_array(buf, array, allow_pickle=False)
                zf.writestr(f"{name}.npy", buf.getvalue())
        code, err = run("-q", "posts", EXAMPLE, "--model", model, "--config", CONFIG_EXAMPLE)
        assert code == 1 and "damaged model description" in err, (extra, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unreadable_input_is_named_and_fails_the_analysis(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    result = CliRunner().invoke(cli, ["-q", "timeline", str(EXAMPLE), str(missing)])
    assert result.exit_code == 1 and result.stdout == ""  # no report on half the data
    assert f"{missing}: no such file" in result.stderr
    assert "1 of 2 file(s) could not be read" in result.stderr


_SMALL_CSV = EXAMPLE.read_bytes()[:6000]
_SMALL_JSONL = (b'{"text": "\xe9\xb2\x9c\xe6\x9e\x9c\xe5\x9d\x8a\xe5\xa5\xbd", '
                b'"time": "2026-11-05 08:00", "author": "a", "likes": "1.2\xe4\xb8\x87"}\n') * 20


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([("x.csv", _SMALL_CSV), ("x.jsonl", _SMALL_JSONL)]),
       st.lists(st.tuples(st.integers(0, 5999), st.integers(0, 255)), max_size=12),
       st.integers(0, 6000))
def test_damaged_exports_never_crash_any_reader(tmp_path_factory: Any, case: tuple[str, bytes],
                                                edits: list[tuple[int, int]],
                                                cut: int) -> None:
    name, data = case
    raw = bytearray(data[:max(cut, 1)] if cut < len(data) else data)
    for at, value in edits:
        if raw:
            raw[at % len(raw)] = value
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(bytes(raw))
    for args in (["-q", "posts", str(path), "--format", "csv"],
                 ["inspect", str(path), "--format", "json"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1), (args, result.output[-300:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args, repr(result.exception))
        assert "Traceback" not in result.output


def test_alert_settings_past_a_year_are_refused(tmp_path: Path) -> None:
    for text, name in (("alerts:\n  cooldown_hours: 1.0e+23\n", "alerts.cooldown_hours"),
                       ("alerts:\n  volume:\n    baseline_days: 1.0e+23\n",
                        "alerts.volume.baseline_days"),
                       ("alerts:\n  response_target_hours: 1.0e+300\n",
                        "alerts.response_target_hours")):
        config = tmp_path / "c.yaml"
        config.write_text(text, encoding="utf-8")
        code, err = run("-q", "alerts", EXAMPLE, "--config", config)
        assert code == 1 and f"'{name}' must be at most" in err, err
    config = tmp_path / "ok.yaml"  # large counts are fine
    config.write_text("alerts:\n  influential:\n    followers: 10000000\n", encoding="utf-8")
    assert run("-q", "alerts", EXAMPLE, "--config", config)[0] == 0
