"""Benchmark: scoring speed of the default three-class model against snownlp's engine,
and the cost of the genre rules and the template index.

    python benchmarks/scoring.py [--n 100000]

On N real posts (the Weibo exports in ../shared/data, cycled to N), one core: texts/s
of ``get_scorer(None).score`` (brandscan's default model) and of
``get_scorer("snownlp").score`` (snownlp's model, exact engine, warm cache), their ratio,
and posts/s of :func:`brandscan.text.genre.classify` with the run-wide template index.
Issue goal: the default scorer at least half as fast as the engine it replaced.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import glob  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

EXPORTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "exports"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()

    import pandas as pd

    from brandscan.load.options import LoadOptions
    from brandscan.load.posts import load_posts
    from brandscan.text.genre import TemplateIndex, classify
    from brandscan.text.sentiment import get_scorer

    files = sorted(glob.glob(str(EXPORTS / "weibo-search*" / "*.csv")))
    posts = load_posts(files, LoadOptions()).posts
    reps = -(-args.n // len(posts))
    big = pd.concat([posts] * reps, ignore_index=True).iloc[:args.n]
    # distinct texts, as a real export has them (scorers cache nothing across texts)
    big["text"] = big["text"] + pd.Series(range(len(big))).astype(str).radd(" #")
    texts = big["text"].tolist()
    rates = {}
    for name in (None, "snownlp"):
        scorer = get_scorer(name)
        scorer.score(texts[:200])  # load and warm
        t0 = time.perf_counter()
        scorer.score(texts)
        rates[name] = len(texts) / (time.perf_counter() - t0)
        print(f"{name or 'default (three-class)':24} {rates[name]:10,.0f} texts/s")
    print(f"{'ratio default / snownlp':24} {rates[None] / rates['snownlp']:10.2f}")
    t0 = time.perf_counter()
    keys = TemplateIndex.of(big).keys()
    genre, _ = classify(big, (), keys)
    dt = time.perf_counter() - t0
    print(f"{'genres + template index':24} {len(big) / dt:10,.0f} posts/s "
          f"({(genre == 'spam').mean():.1%} spam, {(genre == 'news').mean():.1%} news)")


if __name__ == "__main__":
    main()
