"""`brandscan report` on millions of synthetic posts: wall time, posts/s, peak memory.

The posts are built from the real Weibo texts in ../shared/data (benchmarks/report.py's
generator: 30 days, three brands, weibo-search layout), written once to a CSV of about
330 bytes per post. Run on demand, never in the tests:

    python benchmarks/scale.py                        # 1M posts, --engine stream
    python benchmarks/scale.py --sizes 1000000,5000000 --data-dir /var/tmp/bs
    python benchmarks/scale.py --sizes 200000 --engines local,stream,dask1,dask2

Engines: ``local`` (everything in memory), ``stream`` (chunks, --jobs processes),
``dask1``/``dask2`` (a LocalCluster of one or two worker processes). Memory is sampled
from /proc every 0.2 s over the whole process tree (brandscan and every worker it
starts): ``peak PSS`` is the physical memory in use (shared pages counted once, split
between the processes sharing them); ``peak RSS sum`` counts shared pages once per
process (an upper bound); ``max RSS`` is the largest single process.

Measured on the 2-core build machine, default --jobs (2) and --chunk-rows (50,000); the
report includes the crisis radar (alerts, response times, share of voice). With
``--burst`` alerts fire, and the alert windows are read a second time:

    posts      CSV       engine   wall      posts/s  peak PSS  RSS sum
    5,000,000  1.48 GiB  stream   463.8 s   10,780   1.11 GiB  1.50 GiB
      500,000  0.15 GiB  stream    53.7 s    9,311   (no alerts)
      500,000  0.15 GiB  stream    63.5 s    7,874   (--burst: 2 alerts, second reading)
      500,000  0.15 GiB  stream    54.2 s    9,227   0.99 GiB  1.35 GiB
      500,000  0.15 GiB  stream    81.1 s    6,165   0.66 GiB  0.67 GiB  (--jobs 1)
      500,000  0.15 GiB  dask2     73.4 s    6,810   1.68 GiB  1.81 GiB
      500,000  0.15 GiB  dask1    112.9 s    4,430   1.17 GiB  1.23 GiB
    earlier runs, before the radar was streamed (other jobs running during the 5M run):
    5,000,000  1.48 GiB  stream   647.4 s    7,723   1.04 GiB  1.51 GiB
      200,000  0.06 GiB  local     27.0 s    7,399   0.80 GiB  1.93 GiB
      200,000  0.06 GiB  stream    27.7 s    7,232   0.88 GiB  1.24 GiB

Memory stays flat from 1 to 5 million posts (the only part that grows is the dedupe
keys, 16 bytes per post); the local engine's grows with the input.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import BRANDS, write_posts  # the generator of the report benchmark


def _children(pid: int) -> list[int]:
    """Every descendant (children started by any thread: Dask's nannies use threads)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += [int(x) for x in fh.read().split()]
        except OSError:
            continue
    out: list[int] = []
    for kid in kids:
        out += [kid, *_children(kid)]
    return out


def _memory(pid: int) -> tuple[int, int, int]:
    """(PSS sum, RSS sum, max RSS) of a process and its descendants, in KiB."""
    pss = rss = top = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        r = int(line.split()[1])
                        rss += r
                        top = max(top, r)
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss, top


def measure(cmd: list[str]) -> tuple[float, tuple[int, int, int], subprocess.CompletedProcess]:
    """Wall seconds and peak (PSS sum, RSS sum, max RSS) in KiB of a command's tree."""
    peak = [0, 0, 0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for i, v in enumerate(_memory(proc.pid)):
                peak[i] = max(peak[i], v)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    return wall, (peak[0], peak[1], peak[2]), subprocess.CompletedProcess(
        cmd, proc.returncode, out, err)


BURST_TEXTS = ("{b}的山竹全烂了，客服不回复，退款被拒绝，太差了",
               "{b}卖烂水果，发霉长毛，投诉无门", "{b}客服态度恶劣，再也不买了")


def write_burst(path: Path, day: str, brand: str, n: int = 400) -> None:
    """A crisis hour: ``n`` complaints about ``brand`` between 14:00 and 15:00 of ``day``,
    so alerts fire and a streamed report reads the alert windows a second time."""
    import csv
    import random

    rnd = random.Random(3)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow("id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,"
                   "评论数,点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id".split(","))
        for i in range(n):
            w.writerow([str(6_000_000_000_000_000 + i), f"X{i}", str(9_000_000 + i),
                        f"网友{i}", BURST_TEXTS[i % 3].format(b=brand) + f" #{i}", "", "", "",
                        "", rnd.randrange(1000), rnd.randrange(100), rnd.randrange(500),
                        f"{day} 14:{rnd.randrange(60):02d}", "", "", "", ""])


def engine_args(engine: str, jobs: int | None) -> list[str]:
    if engine.startswith("dask"):
        return ["--engine", "dask", "--jobs", engine[4:] or "2"]
    return ["--engine", engine, *(["--jobs", str(jobs)] if jobs else [])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000", help="posts per run, comma-separated")
    ap.add_argument("--engines", default="stream",
                    help="local, stream, dask1, dask2 (comma-separated)")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for stream/local")
    ap.add_argument("--chunk-rows", type=int, default=None)
    ap.add_argument("--data-dir", default="/var/tmp/brandscan-scale",
                    help="where the generated CSVs are kept between runs")
    ap.add_argument("--burst", action="store_true",
                    help="also give a crisis hour (400 complaints about one brand), so "
                         "alerts fire and the alert windows are read a second time")
    args = ap.parse_args()
    data = Path(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    cfg = data / "brands.yaml"
    cfg.write_text("brands:\n" + "".join(f"  - name: {b}\n" for b in BRANDS), encoding="utf-8")
    exe = [sys.executable, "-m", "brandscan", "-q", "report"]
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    for n in (int(x) for x in args.sizes.split(",")):
        path = data / f"posts-{n}.csv"
        if not path.exists():
            t0 = time.perf_counter()
            tmp = path.with_suffix(".tmp")
            write_posts(tmp, n)
            tmp.replace(path)
            print(f"generated {n:,} posts in {time.perf_counter() - t0:.0f} s")
        size = path.stat().st_size / 2**30
        inputs = [str(path)]
        if args.burst:
            burst = data / "burst.csv"
            write_burst(burst, "2026-10-30", BRANDS[-1])
            inputs.append(str(burst))
        for engine in args.engines.split(","):
            cmd = [*exe, *inputs, "--config", str(cfg), "--format", "json",
                   *engine_args(engine, args.jobs)]
            if args.chunk_rows and engine != "local":
                cmd += ["--chunk-rows", str(args.chunk_rows)]
            wall, (pss, rss, top), proc = measure(cmd)
            if proc.returncode != 0:
                print(f"{engine}: failed\n{proc.stderr.decode()[-2000:]}")
                continue
            alerts = len(json.loads(proc.stdout).get("alerts") or [])
            print(f"{n:>10,} posts ({size:.2f} GiB CSV)  {engine:<7} {wall:8.1f} s  "
                  f"{n / wall:8,.0f} posts/s  peak PSS {pss / 2**20:5.2f} GiB  "
                  f"RSS sum {rss / 2**20:5.2f} GiB  max RSS {top / 2**20:5.2f} GiB  "
                  f"{alerts} alert(s)")


if __name__ == "__main__":
    main()
