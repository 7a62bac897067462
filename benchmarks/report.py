"""End-to-end `brandscan report` on N synthetic posts built from the real Weibo texts.

Prints wall time, posts/s and peak RSS of the report, and the time of `brandscan --help`
and `brandscan inspect`. Run on demand, not in the tests:

    python benchmarks/report.py            # 100,000 posts
    python benchmarks/report.py --n 20000 --jobs 1
    python benchmarks/report.py --command complaints
"""

from __future__ import annotations

import argparse
import csv
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
HEADER = ("id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,"
          "评论数,点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id").split(",")
BRANDS = ["比亚迪", "华为", "鲜果坊"]


def real_texts() -> list[str]:
    """Texts of the real exports and the labelled Weibo set (read, never copied)."""
    texts: list[str] = []
    for rel, col in (("exports/weibo-search/比亚迪.csv", "微博正文"),
                     ("exports/weibo-search-with-comments/华为.csv", "评论内容"),
                     ("exports/weibo-crawler/乐山全接触_6215179048.csv", "正文")):
        with (SHARED / rel).open(encoding="utf-8-sig", newline="") as fh:
            texts += [r[col] for r in csv.DictReader(fh) if r.get(col, "").strip()]
    with (SHARED / "labeled/weibo_senti_100k_dev.tsv").open(encoding="utf-8") as fh:
        next(fh)
        texts += [line.split("\t", 1)[1].strip() for line in fh if "\t" in line]
    return texts


def write_posts(path: Path, n: int, seed: int = 7) -> None:
    """N posts over 30 days; every post names one of three brands."""
    rng = random.Random(seed)
    texts = real_texts()
    start = datetime(2026, 10, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            text = rng.choice(texts)
            brand = rng.choice(BRANDS)
            if brand not in text:
                text = f"{brand} {text}"
            when = start + timedelta(seconds=rng.randrange(30 * 86400))
            w.writerow([5_000_000_000_000_000 + i, f"B{i:08d}", 1_000_000 + rng.randrange(50_000),
                        f"用户{rng.randrange(50_000)}", text, "", "", "", "",
                        rng.randrange(50), rng.randrange(50), rng.randrange(500),
                        when.strftime("%Y-%m-%d %H:%M"), "", "", "", ""])


def timed(cmd: list[str]) -> tuple[float, int, subprocess.CompletedProcess[bytes]]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before), proc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--command", default="report", choices=("report", "complaints"),
                    help="the command to time (default: report)")
    ap.add_argument("--model", default=None,
                    help="sentiment model (default: brandscan's; 'snownlp' for snownlp's)")
    args = ap.parse_args()
    exe = [sys.executable, "-m", "brandscan"]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "posts.csv"
        write_posts(data, args.n)
        cfg = Path(tmp) / "brands.yaml"
        cfg.write_text("brands:\n" + "".join(f"  - name: {b}\n" for b in BRANDS),
                       encoding="utf-8")
        size = data.stat().st_size / 2**20
        print(f"input: {args.n:,} posts, {size:.1f} MiB CSV")
        help_wall = min(timed([*exe, "--help"])[0] for _ in range(3))
        print(f"brandscan --help: {help_wall:.3f} s (best of 3)")
        inspect_wall, _, _ = timed([*exe, "inspect", str(data), "--format", "csv"])
        print(f"brandscan inspect: {inspect_wall:.2f} s")
        # One run to warm the sentiment engine's cache, as a nightly job would find it.
        timed([*exe, "posts", str(Path(tmp) / "posts.csv"), "--until", "2026-10-01 00:01"])
        cmd = [*exe, "-q", args.command, str(data), "--config", str(cfg), "--format", "json",
               *(["--model", args.model] if args.model else [])]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        wall, peak_kib, proc = timed(cmd)
        if proc.returncode != 0:
            sys.exit(proc.stderr.decode()[-2000:])
        print(f"brandscan {args.command}: {wall:.2f} s wall, {args.n / wall:,.0f} posts/s, "
              f"peak RSS {peak_kib / 1024:.0f} MiB"
              + (f", --jobs {args.jobs}" if args.jobs else ", --jobs default (all cores)"))


if __name__ == "__main__":
    main()
