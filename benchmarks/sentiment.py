"""Benchmark: brandscan's SentimentEngine against the naive snownlp loop.

    python benchmarks/sentiment.py [--n 20000] [--naive-sample K] [--quick] [--data DIR]

On the same N real posts (Weibo exports and labelled Weibo texts from ../shared/data,
shuffled with a fixed seed and cycled to N), times
``[SnowNLP(t).sentiments for t in texts]`` and ``SentimentEngine.score(texts)`` on one
core in one run, and prints posts/s of each, the speed-up, the largest absolute score
difference and the label flips at 0.5 over all N posts, plus the import time of snownlp
and the engine's load time with a cold and a warm cache.

--naive-sample K times the naive loop on the first K posts only; snownlp is still run on
the remaining posts (untimed) so that exactness is checked on all N, unless --quick,
which checks the K timed posts only.
"""

from __future__ import annotations

import os

# one core: keep any BLAS/OpenMP pool from spreading (the engine does not use BLAS)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import glob  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


def _csv_column(path: Path, column: str, encoding: str = "utf-8-sig") -> list[str]:
    csv.field_size_limit(1 << 30)
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        return [row.get(column) or "" for row in csv.DictReader(f)]


def _jsonl_field(path: Path, field: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [str(json.loads(line).get(field) or "") for line in f if line.strip()]


def load_posts(data: Path) -> list[str]:
    """Post texts of the Weibo exports and labelled Weibo sets, as found on disk."""
    posts: list[str] = []
    ex, lab = data / "exports", data / "labeled"
    for p in sorted((ex / "weibo-search").glob("*.csv")):
        posts += _csv_column(p, "微博正文")
    for p in sorted((ex / "weibo-search-with-comments").glob("*.csv")):
        posts += list(dict.fromkeys(_csv_column(p, "微博正文")))  # post repeats per comment
        posts += _csv_column(p, "评论内容")
    for p in sorted((ex / "weibo-crawler").glob("*.csv")):
        if not p.name.startswith("users"):
            posts += _csv_column(p, "正文")
    for p in sorted((ex / "mediacrawler").glob("*.jsonl")):
        posts += _jsonl_field(p, "content")
    for p in sorted((ex / "covid19_unlabeled_gbk").glob("*.csv")):
        posts += _csv_column(p, "text", encoding="gb18030")
    for p in sorted(glob.glob(str(ex / "ced_rumor" / "original-microblog" / "*.json"))):
        with open(p, encoding="utf-8") as f:
            posts.append(str(json.load(f).get("text") or ""))
    for p in sorted(glob.glob(str(ex / "ced_rumor" / "rumor-repost" / "*.json"))):
        with open(p, encoding="utf-8") as f:
            posts += [str(r.get("text") or "") for r in json.load(f)]
    dev = lab / "weibo_senti_100k_dev.tsv"
    if dev.exists():
        with open(dev, encoding="utf-8") as f:
            next(f)
            posts += [line.rstrip("\n").partition("\t")[2] for line in f]
    head = lab / "weibo_senti_100k_head2400__forever1986.csv"
    if head.exists():
        posts += _csv_column(head, "review", encoding="utf-8")
    covid = lab / "covid19_weibo_7emotions_labeledData.csv"
    if covid.exists():
        posts += _csv_column(covid, "review")
    return posts


def _subprocess_seconds(code: str, env: dict[str, str] | None = None) -> float:
    """Wall time of ``code`` in a fresh interpreter, as it prints it."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO), **(env or {})),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="number of posts (default 20000)")
    ap.add_argument(
        "--naive-sample",
        type=int,
        default=0,
        metavar="K",
        help="time the naive loop on K posts only (default: all N)",
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="with --naive-sample: check exactness on the K timed posts only",
    )
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    if not args.data.is_dir():
        print(f"no data folder at {args.data}", file=sys.stderr)
        return 2
    posts = load_posts(args.data)
    random.Random(args.seed).shuffle(posts)
    texts = list(itertools.islice(itertools.cycle(posts), args.n))
    k = args.naive_sample if 0 < args.naive_sample < len(texts) else len(texts)
    print(
        f"posts: {len(texts)} ({len(set(texts))} distinct, from {len(posts)} on disk, "
        f"mean {np.mean([len(t) for t in texts]):.0f} chars)"
    )

    # --- load / import times, each in a fresh interpreter
    timer = "import time; t = time.perf_counter()\n"
    done = "\nprint(time.perf_counter() - t)"
    imp_snow = _subprocess_seconds(timer + "import snownlp" + done)
    imp_engine = _subprocess_seconds(timer + "import brandscan.text.snowfast" + done)
    with tempfile.TemporaryDirectory() as cache:
        load_code = (
            "from brandscan.text.snowfast import SentimentEngine\n"
            + timer
            + "SentimentEngine.load()"
            + done
        )
        env = {"BRANDSCAN_CACHE_DIR": cache}
        cold = _subprocess_seconds(load_code, env)
        warm = _subprocess_seconds(load_code, env)
    print(f"import snownlp:                {imp_snow:8.2f} s")
    print(f"import brandscan.text.snowfast:{imp_engine:8.2f} s")
    print(f"engine load, cold cache:       {cold:8.2f} s  (builds and caches the tables)")
    print(f"engine load, warm cache:       {warm:8.2f} s")

    # --- engine
    from brandscan.text.snowfast import SentimentEngine

    engine = SentimentEngine.load()
    runs = []
    for _ in range(3):  # the first call also pays for first-touch memory; report both
        t0 = time.perf_counter()
        fast = engine.score(texts)
        runs.append(time.perf_counter() - t0)
    t_fast, t_best = runs[0], min(runs)
    t0 = time.perf_counter()
    for i in range(0, len(texts), 1000):
        engine.score(texts[i : i + 1000])
    t_fast_b = time.perf_counter() - t0
    distinct = list(dict.fromkeys(texts))
    t0 = time.perf_counter()
    engine.score(distinct)
    t_fast_u = time.perf_counter() - t0

    # --- naive snownlp loop
    from snownlp import SnowNLP

    def snow(t: str) -> float:
        try:
            return SnowNLP(t).sentiments
        except ZeroDivisionError:  # SnowNLP("") divides by len(doc) == 0
            return 0.5

    t0 = time.perf_counter()
    naive = [snow(t) for t in texts[:k]]
    t_naive = time.perf_counter() - t0
    if k < len(texts) and not args.quick:
        naive += [snow(t) for t in texts[k:]]
    ref = np.array(naive)
    got = fast[: len(ref)]

    naive_rate = k / t_naive
    fast_rate = len(texts) / t_fast
    print(f"naive SnowNLP loop:      {naive_rate:10.1f} posts/s  ({k} posts, {t_naive:.1f} s)")
    print(f"engine, one call, first: {fast_rate:10.1f} posts/s  ({t_fast:.2f} s)")
    print(f"engine, one call, best:  {len(texts) / t_best:10.1f} posts/s  ({t_best:.2f} s of 3)")
    print(f"engine, calls of 1000:   {len(texts) / t_fast_b:10.1f} posts/s")
    print(
        f"engine, distinct only:   {len(distinct) / t_fast_u:10.1f} posts/s "
        f"({len(distinct)} posts, {t_fast_u:.2f} s)"
    )
    print(f"speed-up, first call:    {fast_rate / naive_rate:10.1f} x")
    print(f"speed-up, calls of 1000: {(len(texts) / t_fast_b) / naive_rate:10.1f} x")
    print(f"speed-up, distinct only: {(len(distinct) / t_fast_u) / naive_rate:10.1f} x")
    diff = np.abs(got - ref)
    flips = int(np.sum((got >= 0.5) != (ref >= 0.5)))
    print(
        f"exactness over {len(ref)} posts: max |diff| = {diff.max():.3g}, "
        f"scores not bit-identical = {int(np.sum(got != ref))}, label flips at 0.5 = {flips}"
    )
    return 0 if flips == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
