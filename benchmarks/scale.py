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

Measured on the 2-core build machine (other jobs running during the 5M run), default
--jobs (2) and --chunk-rows (50,000):

    posts      CSV       engine   wall      posts/s  peak PSS  RSS sum
    5,000,000  1.48 GiB  stream   647.4 s    7,723   1.04 GiB  1.51 GiB
    1,000,000  0.30 GiB  stream   200.5 s    4,987   0.95 GiB  1.35 GiB  (busy machine)
      500,000  0.15 GiB  stream    45.6 s   10,968   0.94 GiB  1.30 GiB
      500,000  0.15 GiB  stream    72.3 s    6,919   0.57 GiB  0.57 GiB  (--jobs 1)
      500,000  0.15 GiB  dask2     69.3 s    7,216   1.32 GiB  1.44 GiB
      500,000  0.15 GiB  dask1    112.6 s    4,441   0.84 GiB  0.90 GiB
      200,000  0.06 GiB  local     27.0 s    7,399   0.80 GiB  1.93 GiB
      200,000  0.06 GiB  stream    27.7 s    7,232   0.88 GiB  1.24 GiB

Memory stays flat from 1 to 5 million posts (the only part that grows is the dedupe
keys, 16 bytes per post); the local engine's grows with the input.
"""

from __future__ import annotations

import argparse
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
        for engine in args.engines.split(","):
            cmd = [*exe, str(path), "--config", str(cfg), "--format", "json",
                   *engine_args(engine, args.jobs)]
            if args.chunk_rows and engine != "local":
                cmd += ["--chunk-rows", str(args.chunk_rows)]
            wall, (pss, rss, top), proc = measure(cmd)
            if proc.returncode != 0:
                print(f"{engine}: failed\n{proc.stderr.decode()[-2000:]}")
                continue
            print(f"{n:>10,} posts ({size:.2f} GiB CSV)  {engine:<7} {wall:8.1f} s  "
                  f"{n / wall:8,.0f} posts/s  peak PSS {pss / 2**20:5.2f} GiB  "
                  f"RSS sum {rss / 2**20:5.2f} GiB  max RSS {top / 2**20:5.2f} GiB")


if __name__ == "__main__":
    main()
