"""Hand labels (benchmarks/labels/brand_posts.csv) against brandscan's labels.

    python benchmarks/labels/figures.py [--model FILE]

Per file and overall: posts per genre, the negative share read by hand (opinion posts)
and the one brandscan reports (every matching post), and three-class agreement of
brandscan's label with the hand sentiment — on all labelled posts and on opinions only.
Run on demand; reads the exports from ../shared/data (never copied).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT.parent / "shared" / "data" / "exports"
LABELS = Path(__file__).with_name("brand_posts.csv")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="sentiment model file (default: brandscan's default)")
    args = ap.parse_args()

    from brandscan.config import Config
    from brandscan.load.posts import LoadOptions, load_posts
    from brandscan.text.scoring import analyse

    by_file: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    with LABELS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_file[row["file"]][row["id"]] = (row["genre"], row["sentiment"])
    config = Config()
    if args.model:
        from dataclasses import replace

        config = replace(config, sentiment=replace(config.sentiment, model=args.model))
    total: list[tuple[str, str, str]] = []
    for name, labels in sorted(by_file.items()):
        scored = analyse(load_posts([EXPORTS / name], LoadOptions()).posts, config)
        label = dict(zip(scored["id"].astype(str), scored["label"]))
        rows = [(g, s, label[i]) for i, (g, s) in labels.items() if i in label]
        missing = len(labels) - len(rows)
        report(name, rows, missing, brandscan_share=float((scored["label"] == "negative").mean()))
        total.extend(rows)
    report("all files", total, 0, brandscan_share=None)


def report(name: str, rows: list[tuple[str, str, str]], missing: int, *,
           brandscan_share: float | None) -> None:
    genres = Counter(g for g, _, _ in rows)
    opinions = [r for r in rows if r[0] == "opinion"]
    hand = (sum(s == "negative" for _, s, _ in opinions) / len(opinions)) if opinions else 0.0
    found = f" ({missing} ids not found)" if missing else ""
    print(f"== {name}: {len(rows)} labelled posts{found}")
    print("   genres: " + ", ".join(f"{g} {n}" for g, n in genres.most_common()))
    line = f"   negative share read by hand (opinions): {hand:.0%}"
    if brandscan_share is not None:
        line += f"; brandscan, every post of the file: {brandscan_share:.0%}"
    print(line)
    for part, sub in (("all labelled", rows), ("opinions", opinions)):
        if sub:
            agree = sum(s == b for _, s, b in sub) / len(sub)
            mix = Counter(b for _, _, b in sub)
            print(f"   {part}: brandscan agrees with the hand label on {agree:.0%} "
                  f"(brandscan says {mix['positive']} positive, {mix['neutral']} neutral, "
                  f"{mix['negative']} negative)")


if __name__ == "__main__":
    main()
