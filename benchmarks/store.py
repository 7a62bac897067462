"""Benchmark: the store's goals on N synthetic posts built from the real Weibo texts.

    python benchmarks/store.py                 # 1,000,000 posts
    python benchmarks/store.py --n 200000 --keep /tmp/bench

Writes one weibo-search CSV of N posts (real texts from ../shared/data, read and never
copied into the repository; 3 in 4 posts name 鲜果坊 or 果多多 of config.example.yaml;
spread evenly over the 365 days up to 2026-11-08), then measures, each in a fresh
process, wall time, CPU time and peak RSS of:

1. scoring the posts without a store: ``load_posts`` + ``analyse`` of every post (what
   every analysis command pays for a file, before any table);
2. ``brandscan ingest`` of the same file into a new store (load, score, upsert);
   goal: at least 80% of the speed of 1;
3. ``brandscan ingest`` of the same file again (recognised: nothing to read) and with
   ``--force`` (read again, every post unchanged, nothing scored);
4. ``brandscan rescore``: nothing to rescore, but the complaint terms of every stored
   negative post are cut once and remembered (what later reports read instead of
   running jieba again);
5. reading the scored frame back (``read_scored``) for the last 7 days and for all;
6. ``brandscan timeline`` and ``brandscan report`` from the store, last 7 days and all
   (the default: the store read in chunks, in all cores), and ``report --engine local``
   over all of it for comparison; goals: report under 3 s for 7 days and under 15 s for
   everything, memory bounded;
7. the nightly check, ``alerts --since 24h``.

Run on demand, never from the tests. Timings on a shared machine vary; CPU time is
printed next to wall time for that reason.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CONFIG = ROOT / "config.example.yaml"
HEADER = ("id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,评论数,"
          "点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id").split(",")
BRANDS = ("鲜果坊", "果多多", "鲜果坊旗舰店", "")
END = datetime(2026, 11, 9)


def real_texts() -> list[str]:
    """Texts of the real exports and the labelled Weibo sets (read, never copied)."""
    texts: list[str] = []
    for rel, col, enc in (("exports/weibo-search/比亚迪.csv", "微博正文", "utf-8-sig"),
                          ("exports/weibo-search-with-comments/华为.csv", "评论内容", "utf-8-sig"),
                          ("exports/weibo-crawler/乐山全接触_6215179048.csv", "正文", "utf-8-sig"),
                          ("labeled/covid19_weibo_7emotions_labeledData.csv", "review",
                           "utf-8-sig")):
        path = SHARED / rel
        if path.exists():
            with path.open(encoding=enc, newline="") as fh:
                texts += [r[col] for r in csv.DictReader(fh) if (r.get(col) or "").strip()]
    dev = SHARED / "labeled" / "weibo_senti_100k_dev.tsv"
    if dev.exists():
        with dev.open(encoding="utf-8") as fh:
            next(fh)
            texts += [line.split("\t", 1)[1].strip() for line in fh if "\t" in line]
    return [t for t in texts if t.strip()]


def write_posts(path: Path, n: int, seed: int = 1) -> None:
    texts = real_texts()
    if not texts:
        sys.exit(f"no texts found under {SHARED}")
    rnd = random.Random(seed)
    rnd.shuffle(texts)
    start = END - timedelta(days=365)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            text = texts[i % len(texts)]
            brand = BRANDS[i % len(BRANDS)]
            if brand:
                k = rnd.randrange(len(text) + 1)
                text = text[:k] + brand + text[k:]
            when = start + timedelta(seconds=int(365 * 86400 * i / n))
            w.writerow([str(5_000_000_000_000_000 + i), f"B{i:09d}", str(1000 + i % 50_000),
                        f"user{i % 50_000}", text, "", "", "", "", rnd.randrange(100),
                        rnd.randrange(50), rnd.randrange(500), when.strftime("%Y-%m-%d %H:%M"),
                        "", "", "", ""])


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MB of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err.strip()


def brandscan(*args: str | Path) -> list[str]:
    return [sys.executable, "-c", "from brandscan.cli import main; main()", *map(str, args)]


BASELINE = """
import sys
from brandscan.text.scoring import analyse
from brandscan.config import Config
from brandscan.load.posts import load_posts
from brandscan.parallel import default_jobs
posts = load_posts([sys.argv[1]]).posts
scored = analyse(posts, Config(), jobs=int(sys.argv[2]) or default_jobs())
print(len(scored), file=sys.stderr)
"""

READ = """
import sys, time
from datetime import datetime, timedelta
from brandscan.config import load_config
from brandscan.store import open_store
from brandscan.store.query import read_scored
from brandscan.window import Window
config = load_config(sys.argv[2])
until = datetime.fromisoformat(sys.argv[3]).replace(tzinfo=config.tz)
window = Window(until - timedelta(days=7), until) if sys.argv[4] == "7d" else None
t = time.perf_counter()
with open_store(sys.argv[1]) as store:
    n = len(read_scored(store, config, window=window).scored)
print(f"{n} posts in {time.perf_counter() - t:.2f} s", file=sys.stderr)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="posts (default 1,000,000)")
    ap.add_argument("--jobs", type=int, default=0, help="processes (default: all cores)")
    ap.add_argument("--keep", type=Path, help="folder for the CSV and the store (kept)")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="brandscan-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    data, db = folder / f"posts_{args.n}.csv", folder / f"store_{args.n}.duckdb"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; folder {folder}")
    if not data.exists():
        t = time.perf_counter()
        write_posts(data, args.n)
        print(f"wrote {args.n:,} posts ({data.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t:.0f} s")
    for f in (db, db.with_name(db.name + ".wal")):
        f.unlink(missing_ok=True)

    rows: list[tuple[str, float, float, float, str]] = []

    def row(label: str, cmd: list[str]) -> float:
        wall, cpu, rss, err = measure(cmd)
        note = err.splitlines()[-1][:90] if err else ""
        rows.append((label, wall, cpu, rss, note))
        print(f"{label:42s} {wall:8.1f} s wall {cpu:8.1f} s cpu {rss:8.0f} MB  {note}",
              flush=True)
        return wall

    base = row("score without a store (load + analyse)",
               [sys.executable, "-c", BASELINE, str(data), str(args.jobs)])
    ingest = row("ingest into a new store", brandscan("ingest", data, "--db", db, *jobs))
    row("ingest the same file again", brandscan("ingest", data, "--db", db))
    row("ingest again with --force (all unchanged)",
        brandscan("ingest", data, "--db", db, "--force", *jobs))
    row("rescore: remember complaint terms",
        brandscan("rescore", "--db", db, "--config", CONFIG, *jobs))
    until = END.strftime("%Y-%m-%d")
    since = (END - timedelta(days=7)).strftime("%Y-%m-%d")
    for span in ("7d", "all"):
        row(f"read_scored, {span}", [sys.executable, "-c", READ, str(db), str(CONFIG),
                                     until, span])
    window = ["--since", since, "--until", until]
    reports: dict[str, float] = {}
    for label, extra in (("7 days", window), ("all", [])):
        row(f"timeline from the store, {label}",
            brandscan("timeline", "--db", db, "--config", CONFIG, *extra, "-o", os.devnull))
        for attempt in (1, 2):
            reports[label] = row(f"report from the store, {label} (run {attempt})",
                                 brandscan("report", "--db", db, "--config", CONFIG, *extra,
                                           *jobs, "--format", "json", "-o", os.devnull))
    row("report from the store, all, --engine local",
        brandscan("report", "--db", db, "--config", CONFIG, "--engine", "local", *jobs,
                  "--format", "json", "-o", os.devnull))
    row("alerts --since 24h (the nightly check)",
        brandscan("alerts", "--db", db, "--config", CONFIG, "--since",
                  (END - timedelta(days=1)).strftime("%Y-%m-%d"), "--until", until,
                  "-o", os.devnull))
    print()
    print(f"store size: {db.stat().st_size / 1e6:.0f} MB for {args.n:,} posts")
    print(f"ingest speed / scoring speed without a store: {base / ingest:.0%} (goal >= 80%)")
    print(f"report over 7 days: {reports['7 days']:.1f} s (goal < 3 s); over all: "
          f"{reports['all']:.1f} s (goal < 15 s)")
    print(f"peak RSS of this script's children: "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
