"""Golden outputs of the brandscan command line: made before a refactor, checked after it.

    python tests/golden/outputs.py make DIR [--only SUBSTRING]
        Runs every case, writes each case's stdout, stderr, exit status and -o files into
        DIR/<case id>/ (for a person to diff) and the digests into tests/golden/outputs.json.
        --only remakes just the matching entries (after an intended change).
    python tests/golden/outputs.py check [--only SUBSTRING] [--dump DIR] [-v]
        Runs the cases again (those whose id contains SUBSTRING), prints one line per
        mismatch and a final "N passed, M failed" line; exit 1 on any mismatch. --dump
        writes the new outputs in the layout of `make`, so `diff -r OLD DIR` shows what
        changed.
    python tests/golden/outputs.py list
        The case ids.

Run it from anywhere with ``PYTHONPATH=<the worktree under test>``; the cases run with
the repository root as the working directory, so every input is a relative path
(examples/..., ../shared/data/exports/...) and no output embeds an absolute one.

Every case runs in this one process through :class:`click.testing.CliRunner` (fast: the
sentiment tables and jieba load once). A case is one ``brandscan`` command line; case
ids are ``<command>/<engine>/<input>[@variant]``:

- command: report-markdown, report-json, report-html, report-xlsx, timeline[-hour|-day|
  -week], complaints, posts, inspect, inspect-skipped, inspect-brand, alerts,
  alerts-markdown, influencers, sov, sov-total, ingest, db-info, db-info-json,
  db-export-csv, and a few option variants on the example;
- engine: local (``--engine local``), stream (``--engine stream --jobs 2 --chunk-rows
  N``, small N so the inputs really are cut into chunks), dask (a LocalCluster of 2
  workers), store (``--db S`` and no FILE: the default store engine), store-local
  (``--engine local --db S``), store-chunked (``--db S --jobs 2 --chunk-rows 100``);
  store-warm is the store after another command has remembered its complaint terms;
- input: example-csv/example-jsonl (with config.example.yaml) and the real exports in
  ../shared/data/exports (with tests/golden/brands.yaml); ``@nobrands`` runs with no
  config file at all (every post is a mention), ``@window`` with --since/--until.

Every case pins ``--now 2026-12-01``. The environment is pinned too: every
``BRANDSCAN_*`` variable except BRANDSCAN_CACHE_DIR (a cache, no behaviour) is unset
(Click reads BRANDSCAN_<COMMAND>_<OPTION> as option values), XDG_CONFIG_HOME /
XDG_DATA_HOME point into an empty temporary folder, so no user config or default store
is read, and the locale is C.UTF-8 (LC_ALL and LC_MESSAGES unset), so the outputs are
English whatever the machine's language.

Store cases: ``brandscan ingest`` fills a temporary store once per input (the
``ingest/store/<input>`` case); each store case then runs on a fresh copy of it, so a
case's output does not depend on which cases ran before (``--only`` gives the same
answers as a full run). Analysis commands write remembered complaint terms into the
store they read; the store-warm cases run ``complaints`` on the copy first to check the
path that reads them back.

Normalisation (the digest is taken after it; the DIR files hold the normalised bytes):

- everywhere (stdout, stderr, -o files): the temporary folder's path becomes ``<TMP>``
  (store paths in ``db info`` and store notes, the -o path in messages);
- stderr: a Python warning is written as ``<warning Category: message>``, without the
  source file and line that a refactor moves (and with the interpreter's default
  filters, the same under pytest as in a shell);
- xlsx (report -o x.xlsx): XlsxWriter stamps docProps/core.xml with the wall-clock time
  (dcterms:created/modified), so two identical runs give different bytes. The digest is
  taken over the member names and contents, in archive order, with those two values
  masked; DIR holds the unzipped members (``report.xlsx.d/``) instead of the zip;
- db info (text and json): ``created_at`` of the store and the times of the recent
  batches are the wall clock of the ingest, masked as ``<clock>``;
- db export CSV: first_seen/last_seen are the wall clock of the ingest, masked.

The fast subset (:func:`fast_cases`) runs in tests/test_golden_outputs.py with the
normal suite; the full check is this script.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
MANIFEST = GOLDEN / "outputs.json"
SHARED = ROOT.parent / "shared" / "data"

NOW = "2026-12-01"
EXPORTS = "../shared/data/exports"
EXAMPLE_CONFIG = "config.example.yaml"
BRANDS_CONFIG = "tests/golden/brands.yaml"
TMP_MARK = b"<TMP>"
#: A case that takes longer than this has hung (a fork after threads, a lock): fail it.
CASE_TIMEOUT = 900


# --- the cases -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Input:
    slug: str
    files: tuple[str, ...]
    #: config file, or None for no config at all (every post counts as a mention)
    config: str | None
    #: brands for ``inspect --brand``
    brands: tuple[str, ...] = ()
    #: load options (--users, --date) for reading the files and for ingest
    load: tuple[str, ...] = ()
    #: --chunk-rows for the stream and dask engines
    chunk_rows: int = 100
    realdata: bool = True

    @property
    def config_args(self) -> tuple[str, ...]:
        return ("--config", self.config) if self.config else ()


@dataclass(frozen=True)
class Case:
    id: str
    #: brandscan's arguments; {out} is the case's output folder, {store} its store
    args: tuple[str, ...]
    #: names of the files the case writes into {out} (-o)
    files: tuple[str, ...] = ()
    #: the input whose ingested store this case reads (a fresh copy of it)
    store: str | None = None
    #: this case is the ingest that makes that store (into {store}, kept for the others)
    makes_store: bool = False
    #: commands run on the same store copy first (output not recorded)
    pre: tuple[tuple[str, ...], ...] = ()
    #: extra normalisation of stdout (see _normalise_stdout)
    stdout_norm: str = ""
    realdata: bool = False
    engine: str = ""
    input: str = ""


def _x(*parts: str) -> str:
    return "/".join(parts)


def inputs() -> list[Input]:
    ex_brands = ("鲜果坊", "果多多")
    e = EXPORTS
    return [
        Input("example-csv", ("examples/crisis_weibo_search.csv",), EXAMPLE_CONFIG, ex_brands,
              realdata=False),
        Input("example-jsonl", ("examples/crisis_posts.jsonl",), EXAMPLE_CONFIG, ex_brands,
              realdata=False),
        Input("byd", (f"{e}/weibo-search/比亚迪.csv",), BRANDS_CONFIG, ("比亚迪", "特斯拉"),
              chunk_rows=500),
        Input("lianhua", (f"{e}/weibo-search/连花清瘟.csv",), BRANDS_CONFIG, ("连花清瘟",)),
        Input("huawei", (f"{e}/weibo-search-with-comments/华为.csv",), BRANDS_CONFIG,
              ("华为", "荣耀"), chunk_rows=500),
        Input("leshan", (f"{e}/weibo-crawler/乐山全接触_6215179048.csv",), BRANDS_CONFIG,
              ("乐山",)),
        Input("leshan+users", (f"{e}/weibo-crawler/乐山全接触_6215179048.csv",), BRANDS_CONFIG,
              ("乐山",), load=("--users", f"{e}/weibo-crawler/users__azanghai.csv")),
        Input("mc-search", (f"{e}/mediacrawler/search_contents_2026-07-14.jsonl",),
              BRANDS_CONFIG, ("王楚钦",)),
        Input("mc-comments", (f"{e}/mediacrawler/detail_comments_2026-07-14.jsonl",),
              BRANDS_CONFIG, ("王楚钦",)),
        # posts and their comments together (comments link to their post)
        Input("mc-both", (f"{e}/mediacrawler/search_contents_2026-07-14.jsonl",
                          f"{e}/mediacrawler/detail_comments_2026-07-14.jsonl"),
              BRANDS_CONFIG, ("王楚钦",)),
        Input("covid", (f"{e}/covid19_unlabeled_gbk/1.20.csv",), BRANDS_CONFIG, ("新冠",),
              load=("--date", "2020-01-20")),
        # globs are passed quoted: brandscan expands them itself (sorted)
        Input("ced-original", (f"{e}/ced_rumor/original-microblog/*.json",), BRANDS_CONFIG,
              ("奥特曼",)),
        Input("ced-repost", (f"{e}/ced_rumor/rumor-repost/*.json",), BRANDS_CONFIG,
              ("奥特曼",)),
    ]


#: command name -> (brandscan arguments, -o files)
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "report-markdown": (("report", "--format", "markdown"), ()),
    "report-json": (("report", "--format", "json"), ()),
    "report-html": (("report", "--format", "html", "-o", "{out}/report.html"),
                    ("report.html",)),
    "report-xlsx": (("report", "--format", "xlsx", "-o", "{out}/report.xlsx"),
                    ("report.xlsx",)),
    "timeline": (("timeline", "--format", "csv"), ()),
    "timeline-hour": (("timeline", "--interval", "hour", "--format", "csv"), ()),
    "timeline-day": (("timeline", "--interval", "day", "--format", "csv"), ()),
    "timeline-week": (("timeline", "--interval", "week", "--format", "csv"), ()),
    "complaints": (("complaints", "--format", "csv"), ()),
    "posts": (("posts", "--format", "csv"), ()),
    "inspect": (("inspect", "--format", "csv"), ()),
    "inspect-skipped": (("inspect", "--skipped", "--format", "csv"), ()),
    "inspect-brand": (("inspect", "--format", "csv"), ()),  # + --brand per input
    "alerts": (("alerts", "--format", "csv"), ()),
    "alerts-markdown": (("alerts", "--format", "markdown"), ()),
    "influencers": (("influencers", "--format", "csv"), ()),
    "sov": (("sov", "--format", "csv"), ()),
    "sov-total": (("sov", "--interval", "total", "--format", "csv"), ()),
}
#: the commands every input runs with the local engine
LOCAL = ("report-markdown", "report-json", "report-html", "report-xlsx", "timeline",
         "complaints", "posts", "inspect", "inspect-skipped", "inspect-brand", "alerts",
         "alerts-markdown", "influencers", "sov", "sov-total")
#: ... with --engine stream (posts and inspect have no --engine)
STREAM = ("report-markdown", "report-json", "report-html", "report-xlsx", "timeline",
          "complaints", "alerts", "alerts-markdown", "influencers", "sov", "sov-total")
#: ... with the store (posts reads it too, with no --engine: so not on store-local)
STORE = (*STREAM, "posts")
#: ... with --engine dask (only on a few inputs: a LocalCluster takes seconds to start)
DASK = ("report-json", "report-markdown", "timeline", "complaints", "alerts", "influencers",
        "sov")
DASK_INPUTS = ("example-csv", "byd", "huawei")
#: engine-bound options of every command
NO_ENGINE = ("posts", "inspect")


def _engine_args(engine: str, command: str, inp: Input) -> tuple[str, ...]:
    sub = COMMANDS[command][0][0]
    if sub == "inspect":
        return ()
    if engine == "local":
        return ("--jobs", "1") if sub in NO_ENGINE else ("--engine", "local", "--jobs", "1")
    if engine == "stream":
        return ("--engine", "stream", "--jobs", "2", "--chunk-rows", str(inp.chunk_rows))
    if engine == "dask":
        return ("--engine", "dask", "--jobs", "2", "--chunk-rows", str(inp.chunk_rows))
    if engine == "store":
        return ("--db", "{store}", "--jobs", "1")
    if engine == "store-warm":
        return ("--db", "{store}", "--jobs", "1")
    if engine == "store-local":
        return ("--db", "{store}", "--engine", "local", "--jobs", "1")
    if engine == "store-chunked":
        return ("--db", "{store}", "--jobs", "2", "--chunk-rows", "100")
    raise ValueError(engine)


def _case(command: str, engine: str, inp: Input, *, variant: str = "",
          extra: tuple[str, ...] = (), store: str | None = None, quiet: bool = False,
          pre: tuple[tuple[str, ...], ...] = (), config: Input | None = None) -> Case:
    """``brandscan [-q] CMD [FILES] [--config C] --now NOW [LOAD] [ENGINE] [EXTRA]``.

    Store engines read the store of ``store`` (default: the input's) and no FILE.
    """
    cmd, files = COMMANDS[command]
    on_store = engine.startswith("store")
    args: list[str] = ["-q"] if quiet else []
    args += [cmd[0]]
    if not on_store:
        args += inp.files
    args += cmd[1:]
    args += (config or inp).config_args
    args += ("--now", NOW)
    if not on_store:
        args += inp.load
    if command == "inspect-brand":
        for b in inp.brands:
            args += ("--brand", b)
    args += _engine_args(engine, command, inp)
    args += extra
    slug = inp.slug + (f"@{variant}" if variant else "")
    return Case(_x(command, engine, slug), tuple(args), files=files,
                store=(store or inp.slug) if on_store else None, pre=pre,
                realdata=inp.realdata, engine=engine, input=inp.slug)


def _ingest(inp: Input) -> Case:
    args = ("ingest", *inp.files, *inp.config_args, "--now", NOW, *inp.load,
            "--db", "{store}", "--jobs", "1", "--json")
    return Case(_x("ingest", "store", inp.slug), args, store=inp.slug, makes_store=True,
                realdata=inp.realdata, engine="store", input=inp.slug)


def _db_cases(inp: Input) -> list[Case]:
    cfg = inp.config_args
    return [
        Case(_x("db-info", "store", inp.slug), ("db", "info", "--db", "{store}", *cfg),
             store=inp.slug, stdout_norm="db-info", realdata=inp.realdata, engine="store",
             input=inp.slug),
        Case(_x("db-info-json", "store", inp.slug),
             ("db", "info", "--db", "{store}", *cfg, "--format", "json"),
             store=inp.slug, stdout_norm="db-info", realdata=inp.realdata, engine="store",
             input=inp.slug),
        Case(_x("db-export-csv", "store", inp.slug),
             ("db", "export", "--db", "{store}", *cfg, "-o", "{out}/export.csv"),
             files=("export.csv",), store=inp.slug, realdata=inp.realdata, engine="store",
             input=inp.slug),
    ]


WINDOWS = {
    "example-csv": ("--since", "2026-11-05", "--until", "2026-11-07"),
    "byd": ("--since", "2020-09-01", "--until", "2020-09-10"),
}
WINDOW_COMMANDS = ("report-markdown", "report-json", "timeline", "complaints", "posts",
                   "alerts", "alerts-markdown", "influencers", "sov")
NOBRANDS = ("example-csv", "byd", "lianhua", "mc-search", "covid", "ced-original")


def cases() -> list[Case]:
    """Every case, in the order they run: files first, then stores, then dask (forking
    worker pools is safest before any DuckDB or Dask threads exist in the process)."""
    ins = {i.slug: i for i in inputs()}
    files: list[Case] = []
    stores: list[Case] = []
    dask: list[Case] = []
    for inp in ins.values():
        files += [_case(c, "local", inp) for c in LOCAL]
        files += [_case(c, "stream", inp) for c in STREAM]
        stores.append(_ingest(inp))
        stores += [_case(c, "store", inp) for c in STORE]
        stores += [_case(c, "store-local", inp) for c in STREAM]
        stores += _db_cases(inp)
        warm = (("complaints", "--db", "{store}", *inp.config_args, "--now", NOW, "--jobs",
                 "1", "--format", "csv"),)
        stores.append(_case("report-json", "store-warm", inp, pre=warm))
        stores.append(replace(_db_cases(inp)[1], id=_x("db-info-json", "store-warm", inp.slug),
                              pre=warm, engine="store-warm"))
        if inp.slug in DASK_INPUTS:
            dask += [_case(c, "dask", inp) for c in DASK]

    # timelines in every interval, on a small and two large inputs
    for slug in ("example-csv", "byd", "huawei"):
        for c in ("timeline-hour", "timeline-day", "timeline-week"):
            files += [_case(c, e, ins[slug]) for e in ("local", "stream")]
    stores += [_case(c, "store", ins["example-csv"])
               for c in ("timeline-hour", "timeline-day", "timeline-week")]

    # no config file: every post is a mention
    for slug in NOBRANDS:
        inp = replace(ins[slug], config=None, brands=())
        files += [_case(c, "local", inp, variant="nobrands") for c in LOCAL
                  if c != "inspect-brand"]
        if slug == "example-csv":
            files += [_case(c, "stream", inp, variant="nobrands") for c in STREAM]
            stores += [_case(c, "store", inp, variant="nobrands", store=slug)
                       for c in ("report-json", "sov-total", "posts")]

    # a window: --since/--until (alerts read a baseline before --since)
    for slug, window in WINDOWS.items():
        inp = ins[slug]
        for e in ("local", "stream", "store", "store-local"):
            target = stores if e.startswith("store") else files
            target += [_case(c, e, inp, variant="window", extra=window)
                       for c in WINDOW_COMMANDS
                       if not (c == "posts" and e in ("stream", "store-local"))]
        dask += [_case(c, "dask", inp, variant="window", extra=window)
                 for c in ("report-json", "alerts")]
        stores.append(Case(_x("db-export-csv", "store", f"{slug}@window"),
                           ("db", "export", "--db", "{store}", *inp.config_args,
                            "-o", "{out}/export.csv", *window),
                           files=("export.csv",), store=slug, realdata=inp.realdata,
                           engine="store", input=slug))

    files += _example_variants(ins["example-csv"])
    stores += _example_store_variants(ins["example-csv"])
    files += _error_cases(ins)
    out = files + stores + dask
    ids = [c.id for c in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate case ids: {sorted(dupes)}"
    return out


def _example_variants(inp: Input) -> list[Case]:
    """Options worth pinning on the bundled example, local and stream."""
    out: list[Case] = []
    for e in ("local", "stream"):
        out += [
            _case("report-json", e, inp, variant="brand", extra=("--brand", "鲜果坊")),
            _case("report-markdown", e, inp, variant="brand", extra=("--brand", "果多多")),
            _case("report-markdown", e, inp, variant="quiet", quiet=True),
            _case("report-markdown", e, inp, variant="hour-top5",
                  extra=("--interval", "hour", "--top", "5")),
            _case("report-json", e, inp, variant="since-27d", extra=("--since", "27d")),
            _case("report-json", e, inp, variant="comments", extra=("--kind", "comment")),
            _case("alerts", e, inp, variant="fail-on-alert", extra=("--fail-on-alert",)),
            _case("alerts", e, inp, variant="crisis", extra=("--min-severity", "crisis")),
            _case("alerts", e, inp, variant="brand", extra=("--brand", "果多多")),
            _case("alerts", e, inp, variant="since-27d", extra=("--since", "27d")),
            _case("sov", e, inp, variant="week-compare",
                  extra=("--interval", "week", "--compare", "果多多,鲜果坊")),
            _case("complaints", e, inp, variant="top5-json", extra=("--top", "5", "--format",
                                                                     "json")),
            _case("influencers", e, inp, variant="top5-json", extra=("--top", "5", "--format",
                                                                      "json")),
            _case("timeline", e, inp, variant="gb18030", extra=("--encoding", "gb18030")),
            _case("timeline", e, inp, variant="keep-chain", extra=("--keep-chain",)),
            _case("timeline", e, inp, variant="markdown", extra=("--format", "markdown")),
        ]
    out += [
        _case("posts", "local", inp, variant="bom-raw", extra=("--bom", "--raw")),
        _case("posts", "local", inp, variant="jsonl", extra=("--format", "jsonl")),
        _case("posts", "local", inp, variant="brand", extra=("--brand", "果多多")),
        _case("posts", "local", inp, variant="xlsx",
              extra=("--format", "xlsx", "-o", "{out}/posts.xlsx")),
        _case("inspect", "local", inp, variant="json", extra=("--format", "json")),
    ]
    out[-2] = replace(out[-2], files=("posts.xlsx",))
    return out


def _example_store_variants(inp: Input) -> list[Case]:
    out = [_case(c, "store-chunked", inp) for c in STREAM]
    out += [
        # files and the store together: a post in both is taken from the file
        replace(_case("report-json", "store-local", inp, variant="plus-file"),
                args=("report", *inp.files, "--format", "json", *inp.config_args, "--now", NOW,
                      "--db", "{store}", "--engine", "local", "--jobs", "1")),
        _case("alerts", "store", inp, variant="fail-on-alert", extra=("--fail-on-alert",)),
        _case("report-json", "store", inp, variant="brand", extra=("--brand", "鲜果坊")),
    ]
    return out


def _error_cases(ins: dict[str, Input]) -> list[Case]:
    """Runs that fail (exit 1 or 2): the message and the status are behaviour too."""
    ex = ins["example-csv"]
    repost_dir = f"{EXPORTS}/ced_rumor/rumor-repost"
    out = [
        _case("report-json", "local", ex, variant="unknown-brand", extra=("--brand", "无此牌")),
        _case("report-json", "local", ex, variant="bad-since", extra=("--since", "someday")),
        _case("timeline", "local", ex, variant="bom-json",
              extra=("--bom", "--format", "json")),
        replace(_case("report-json", "dask", ex, variant="with-db"),
                args=("report", *ex.files, "--format", "json", *ex.config_args, "--now", NOW,
                      "--engine", "dask", "--db", "{out}/none.duckdb")),
    ]
    covid = replace(ins["covid"], load=())
    out.append(_case("report-json", "local", covid, variant="no-date"))
    repost = replace(ins["ced-repost"], files=(repost_dir,))
    out.append(_case("inspect", "local", repost, variant="directory"))
    return out


def fast_cases(all_cases: Iterable[Case] | None = None) -> list[Case]:
    """The subset the normal test suite runs: the example CSV, every command on the local
    and stream engines, plus one dask and one store case."""
    all_cases = list(cases() if all_cases is None else all_cases)
    pick = [c for c in all_cases
            if c.id.endswith("/example-csv") and c.engine in ("local", "stream")]
    pick += [c for c in all_cases if c.id in ("report-json/store/example-csv",
                                              "report-json/dask/example-csv")]
    return pick


# --- running -------------------------------------------------------------------------------

@dataclass
class Outcome:
    exit: int
    stdout: bytes
    stderr: bytes
    #: -o files, normalised (an xlsx is a dict of its members)
    files: dict[str, bytes | dict[str, bytes]] = field(default_factory=dict)
    seconds: float = 0.0

    def entry(self, case: Case) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "exit": self.exit,
            "sha256": _sha(self.stdout),
            "files": {name: _file_sha(body) for name, body in self.files.items()},
            "stderr_sha256": _sha(self.stderr),
        }
        notes = [n for n in (_norm_note(case), *(
            "xlsx members, docProps timestamps masked" for b in self.files.values()
            if isinstance(b, dict))) if n]
        if notes:
            entry["normalised"] = "; ".join(dict.fromkeys(notes))
        return entry


def _norm_note(case: Case) -> str:
    if case.stdout_norm == "db-info":
        return "store created_at and batch times masked"
    if any(f.startswith("export") and f.endswith(".csv") for f in case.files):
        return "first_seen/last_seen masked"
    return ""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(body: bytes | dict[str, bytes]) -> str:
    if isinstance(body, bytes):
        return _sha(body)
    h = hashlib.sha256()
    for name, data in body.items():
        h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


_CLOCK = rb"<clock>"
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_ISO = rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
_JSON_CLOCK = re.compile(rb'("(?:created_at|finished_at|started_at)": )"' + _ISO + rb'"')


def _normalise_stdout(case: Case, data: bytes) -> bytes:
    if case.stdout_norm != "db-info":
        return data
    if case.args[-1] == "json":
        return _JSON_CLOCK.sub(rb'\1"<clock>"', data)
    # text: the times in the "recent batches" list (everything else is data)
    head, sep, tail = data.partition(b"\nrecent batches")
    return head + sep + re.sub(_ISO, _CLOCK, tail)


def _normalise_file(name: str, data: bytes) -> bytes | dict[str, bytes]:
    if name.endswith(".xlsx"):
        members: dict[str, bytes] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                body = z.read(info)
                if info.filename == "docProps/core.xml":
                    body = _CORE_TIMES.sub(rb"\1<clock>\3", body)
                members[info.filename] = body
        return members
    if name.startswith("export") and name.endswith(".csv"):
        return _mask_csv_columns(data, ("first_seen", "last_seen"))
    return data


def _mask_csv_columns(data: bytes, columns: tuple[str, ...]) -> bytes:
    """Every value of ``columns`` replaced by <clock>, in the bytes as written (the CSV is
    not written again, so its quoting and line ends are still compared)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if not rows:
        return data
    idx = [i for i, name in enumerate(rows[0]) if name in columns]
    values = {row[i] for row in rows[1:] for i in idx if i < len(row) and row[i]}
    for v in sorted(values, key=len, reverse=True):
        # whole unquoted fields only: a clock time never holds a comma or a quote
        data = re.sub(rb"(?<=,)" + re.escape(v.encode()) + rb"(?=,|\r?\n|$)", _CLOCK, data)
    return data


def _runner_env(tmp: Path) -> dict[str, str | None]:
    env: dict[str, str | None] = {k: None for k in os.environ
                                  if k.startswith("BRANDSCAN_") and k != "BRANDSCAN_CACHE_DIR"}
    env["XDG_CONFIG_HOME"] = str(tmp / "xdg-config")
    env["XDG_DATA_HOME"] = str(tmp / "xdg-data")
    # The locale picks the output's language (zh_CN.UTF-8: Chinese): the recorded
    # outputs are English on every machine.
    env.update({"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"})
    return env


@contextlib.contextmanager
def _python_warnings() -> Iterator[None]:
    """The interpreter's default warning filters, each warning once per location per
    case (the registries are reset), written without its source location."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        for cat in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                    ResourceWarning):
            warnings.simplefilter("ignore", cat, append=True)

        def show(message: Any, category: type[Warning], *_: Any, **__: Any) -> None:
            sys.stderr.write(f"<warning {category.__name__}: {message}>\n")

        warnings.showwarning = show
        yield


@contextlib.contextmanager
def _timeout(seconds: int) -> Iterator[None]:
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(*_: Any) -> None:
        raise TimeoutError(f"case still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


class Session:
    """Runs cases in one temporary folder; makes each store once, copies it per case."""

    def __init__(self, tmp: Path):
        from click.testing import CliRunner

        self.tmp = tmp
        self.stores: dict[str, Path] = {}
        self.env = _runner_env(tmp)
        self.runner = CliRunner()
        self.marks = sorted({str(tmp), os.path.realpath(tmp)}, key=len, reverse=True)
        for d in ("xdg-config", "xdg-data"):
            (tmp / d).mkdir()

    def _invoke(self, args: list[str]) -> tuple[int, bytes, bytes]:
        from brandscan.cli import cli

        with _python_warnings(), _timeout(CASE_TIMEOUT):
            result = self.runner.invoke(cli, args, env=self.env, catch_exceptions=True)
        stderr = result.stderr_bytes or b""
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            # an unexpected exception (a traceback in a shell): its type and message, not
            # the traceback, whose line numbers a refactor moves
            stderr += f"<exception {type(exc).__name__}: {exc}>\n".encode()
        return result.exit_code, result.stdout_bytes, stderr

    def _unmark(self, data: bytes) -> bytes:
        for m in self.marks:
            data = data.replace(m.encode(), TMP_MARK)
        return data

    def _store_dir(self, slug: str) -> Path:
        return self.tmp / "stores" / slug.replace("/", "_")

    def _make_store(self, case: Case, args: list[str]) -> tuple[int, bytes, bytes]:
        d = self._store_dir(case.store or "")
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        result = self._invoke([a.replace("{store}", str(d / "s.duckdb")) for a in args])
        self.stores[case.store or ""] = d
        return result

    def store_copy(self, slug: str, all_cases: dict[str, Case]) -> Path:
        """A fresh copy of the store of ``slug``, ingested first if need be."""
        if slug not in self.stores:
            self._make_store(all_cases[_x("ingest", "store", slug)],
                             list(all_cases[_x("ingest", "store", slug)].args))
        dest = self.tmp / "store"
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(self.stores[slug], dest, ignore=shutil.ignore_patterns("*.lock"))
        return dest / "s.duckdb"

    def run(self, case: Case, all_cases: dict[str, Case]) -> Outcome:
        out = self.tmp / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        start = time.perf_counter()
        if case.makes_store:
            code, stdout, stderr = self._make_store(case, list(case.args))
        else:
            store = self.store_copy(case.store, all_cases) if case.store else None

            def fill(a: str) -> str:
                a = a.replace("{out}", str(out))
                return a.replace("{store}", str(store)) if store else a

            notes = b""
            for pre in case.pre:
                pcode, _, pstderr = self._invoke([fill(a) for a in pre])
                if pcode:
                    notes += f"<pre-command exit {pcode}>\n".encode() + pstderr
            code, stdout, stderr = self._invoke([fill(a) for a in case.args])
            stderr = notes + stderr
        seconds = time.perf_counter() - start
        files: dict[str, bytes | dict[str, bytes]] = {}
        for name in case.files:
            p = out / name
            if p.is_file():
                raw = p.read_bytes()
                files[name] = _normalise_file(name, raw if name.endswith(".xlsx")
                                              else self._unmark(raw))
        return Outcome(code, _normalise_stdout(case, self._unmark(stdout)),
                       self._unmark(stderr), files, seconds)


@contextlib.contextmanager
def _at_root() -> Iterator[None]:
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(old)


def run_cases(selected: Iterable[Case], all_cases: Iterable[Case] | None = None
              ) -> Iterator[tuple[Case, Outcome]]:
    """Run ``selected`` in order, in one temporary folder, with the repository root as
    the working directory; yields each case with its (normalised) outcome."""
    index = {c.id: c for c in (cases() if all_cases is None else all_cases)}
    with tempfile.TemporaryDirectory(prefix="brandscan-golden-") as t, _at_root():
        session = Session(Path(t))
        for case in selected:
            index.setdefault(case.id, case)
            yield case, session.run(case, index)


def load_manifest(path: Path = MANIFEST) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def compare(case: Case, outcome: Outcome, want: dict[str, Any] | None) -> list[str]:
    """What differs from the manifest entry: [] when nothing does."""
    if want is None:
        return ["not in the manifest"]
    got = outcome.entry(case)
    diffs = []
    if got["exit"] != want["exit"]:
        diffs.append(f"exit {want['exit']} -> {got['exit']}")
    if got["sha256"] != want["sha256"]:
        diffs.append("stdout")
    if got["stderr_sha256"] != want["stderr_sha256"]:
        diffs.append("stderr")
    for name in sorted(set(got["files"]) | set(want["files"])):
        if name not in got["files"]:
            diffs.append(f"file {name} missing")
        elif name not in want["files"]:
            diffs.append(f"file {name} new")
        elif got["files"][name] != want["files"][name]:
            diffs.append(f"file {name}")
    return diffs


def dump(root: Path, case: Case, outcome: Outcome) -> None:
    d = root / case.id
    d.mkdir(parents=True, exist_ok=True)
    (d / "stdout").write_bytes(outcome.stdout)
    (d / "stderr").write_bytes(outcome.stderr)
    (d / "exit").write_text(f"{outcome.exit}\n")
    (d / "args").write_text(json.dumps(case.args, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
    for name, body in outcome.files.items():
        if isinstance(body, bytes):
            (d / name).write_bytes(body)
            continue
        for member, data in body.items():
            p = d / f"{name}.d" / member
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)


# --- the command line ----------------------------------------------------------------------

def _available(all_cases: list[Case]) -> tuple[list[Case], list[Case]]:
    if SHARED.is_dir():
        return all_cases, []
    return ([c for c in all_cases if not c.realdata], [c for c in all_cases if c.realdata])


def _which_brandscan() -> str:
    import brandscan

    return str(Path(brandscan.__file__).resolve().parent)


def cmd_make(out_dir: Path, only: str | None = None) -> int:
    all_cases = cases()
    if not SHARED.is_dir():
        print(f"make needs the real exports: {SHARED} is not here", file=sys.stderr)
        return 2
    if not only and out_dir.exists() and any(out_dir.iterdir()):
        print(f"{out_dir} is not empty", file=sys.stderr)
        return 2
    selected = [c for c in all_cases if not only or only in c.id]
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"brandscan from {_which_brandscan()}; {len(selected)} cases", file=sys.stderr)
    # --only remakes some entries and keeps the others
    old = load_manifest() if only and MANIFEST.is_file() else {}
    made: dict[str, dict[str, Any]] = {}
    start = time.perf_counter()
    times = []
    for n, (case, outcome) in enumerate(run_cases(selected, all_cases), 1):
        made[case.id] = outcome.entry(case)
        shutil.rmtree(out_dir / case.id, ignore_errors=True)
        dump(out_dir, case, outcome)
        times.append((outcome.seconds, case.id))
        print(f"[{n}/{len(selected)}] {outcome.seconds:6.2f}s exit {outcome.exit} {case.id}",
              file=sys.stderr)
    manifest = {c.id: made.get(c.id, old.get(c.id)) for c in all_cases}
    manifest = {k: v for k, v in manifest.items() if v is not None}
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    nonzero = [i for i, e in made.items() if e["exit"]]
    print(f"{len(made)} cases in {time.perf_counter() - start:.0f} s; "
          f"{len(nonzero)} with a nonzero exit: {', '.join(nonzero) or '-'}", file=sys.stderr)
    print("slowest: " + ", ".join(f"{i} {s:.1f}s" for s, i in sorted(times)[-5:]),
          file=sys.stderr)
    return 0


def cmd_check(only: str | None, dump_dir: Path | None, verbose: bool) -> int:
    all_cases = cases()
    manifest = load_manifest()
    runnable, skipped = _available(all_cases)
    selected = [c for c in runnable if not only or only in c.id]
    if dump_dir is not None:
        dump_dir.mkdir(parents=True, exist_ok=True)
    passed = failed = 0
    start = time.perf_counter()
    for case, outcome in run_cases(selected, all_cases):
        diffs = compare(case, outcome, manifest.get(case.id))
        if dump_dir is not None:
            dump(dump_dir, case, outcome)
        if diffs:
            failed += 1
            print(f"FAIL {case.id}: {', '.join(diffs)}", flush=True)
        else:
            passed += 1
        if verbose:
            print(f"  {outcome.seconds:6.2f}s {case.id}", file=sys.stderr)
    known = {c.id for c in all_cases}
    for stale in manifest:
        if stale not in known and (not only or only in stale):
            failed += 1
            print(f"FAIL {stale}: in the manifest but no longer a case")
    if skipped and any(not only or only in c.id for c in skipped):
        print(f"skipped {sum(1 for c in skipped if not only or only in c.id)} cases that "
              f"read {SHARED} (not here)")
    print(f"{passed} passed, {failed} failed ({time.perf_counter() - start:.0f} s)")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    make = sub.add_parser("make", help="run every case; write DIR and the manifest")
    make.add_argument("dir", type=Path)
    make.add_argument("--only", metavar="SUBSTRING",
                      help="remake only the cases whose id contains it (the other entries "
                           "of the manifest are kept; DIR may hold an earlier make)")
    check = sub.add_parser("check", help="run the cases again and compare with the manifest")
    check.add_argument("--only", metavar="SUBSTRING", help="only cases whose id contains it")
    check.add_argument("--dump", metavar="DIR", type=Path, help="write the new outputs here")
    check.add_argument("-v", "--verbose", action="store_true", help="time of every case")
    sub.add_parser("list", help="print the case ids")
    args = parser.parse_args(argv)
    if args.mode == "make":
        return cmd_make(args.dir.resolve(), args.only)
    if args.mode == "check":
        return cmd_check(args.only, args.dump.resolve() if args.dump else None, args.verbose)
    for c in cases():
        print(c.id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
