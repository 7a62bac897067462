"""Hand labels (benchmarks/labels/brand_posts.csv) against what brandscan says.

    python benchmarks/labels/figures.py [--split test|tune|all] [--model M ...]

Each export is analysed whole, as ``brandscan posts`` would (brands of
benchmarks/labels/brands.yaml, genres, the model's thresholds, the complaint rule), then
the labelled posts are compared, per file and overall:

- genre: agreement of brandscan's genre with the hand genre;
- sentiment, three classes: accuracy and macro-F1 of ``label`` against the hand
  sentiment, on every labelled post; binary accuracy (score >= 0.5) on the posts read as
  positive or negative;
- negative share: of the posts read as opinions, the share read as negative, against
  brandscan's share (negative voices / voices, with its own genres) on the same posts.

``--model`` names the models to compare (default: brandscan's default and ``snownlp``).
Reads the exports from ../shared/data (never copied); run on demand.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from joined import ROOT, export_paths, read_labels

CLASSES = ("positive", "neutral", "negative")


def macro_f1(truth: np.ndarray, pred: np.ndarray) -> float:
    scores = []
    for c in CLASSES:
        tp = int(((pred == c) & (truth == c)).sum())
        fp = int(((pred == c) & (truth != c)).sum())
        fn = int(((pred != c) & (truth == c)).sum())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def scored_labels(model: str | None, split: str) -> pd.DataFrame:
    """The labelled posts with brandscan's genre, score and label (whole files analysed)."""
    from brandscan.config import load_config
    from brandscan.load.options import LoadOptions
    from brandscan.load.posts import load_posts
    from brandscan.text.scoring import score_posts

    config = load_config(str(Path(__file__).with_name("brands.yaml")))
    if model:
        config = replace(config, sentiment=replace(config.sentiment, model=model))
    labels = read_labels(split)
    frames = []
    for name, group in labels.groupby("file", sort=True):
        posts = load_posts(export_paths(name), LoadOptions()).posts
        scored = score_posts(posts.assign(brands=""), config)
        keep = scored[scored["id"].isin(set(group["id"]))]
        keep = keep[["id", "genre", "sentiment", "label", "label_rule"]].rename(
            columns={"genre": "genre_bs", "sentiment": "score"})
        frames.append(group.rename(columns={"genre": "genre_hand",
                                            "sentiment": "sentiment_hand"})
                      .merge(keep, on="id"))
    return pd.concat(frames, ignore_index=True)


def figures(rows: pd.DataFrame) -> dict[str, float]:
    y, pred = rows["sentiment_hand"].to_numpy(), rows["label"].to_numpy()
    polar = y != "neutral"
    opinions = (rows["genre_hand"] == "opinion").to_numpy()
    voices = (rows["genre_bs"] == "opinion").to_numpy()
    return {
        "n": len(rows),
        "genre": float((rows["genre_hand"] == rows["genre_bs"]).mean()),
        "accuracy": float((y == pred).mean()),
        "macro_f1": macro_f1(y, pred),
        "binary": float(((rows["score"].to_numpy()[polar] >= 0.5)
                         == (y[polar] == "positive")).mean()) if polar.any() else float("nan"),
        "neg_hand": float((y[opinions] == "negative").mean()) if opinions.any() else 0.0,
        "neg_brandscan": float((pred[voices] == "negative").mean()) if voices.any() else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("test", "tune", "all"), default="test")
    ap.add_argument("--model", action="append",
                    help="model to measure: a file, 'snownlp', or 'default' (repeatable)")
    args = ap.parse_args()
    models = args.model or ["default", "snownlp"]
    print(f"hand labels: {ROOT / 'benchmarks/labels/brand_posts.csv'} ({args.split} part)")
    for model in models:
        rows = scored_labels(None if model == "default" else model, args.split)
        print(f"\n== model: {model}")
        print(f"{'file':48} {'n':>4} {'genre':>6} {'acc':>6} {'mF1':>6} {'binary':>6} "
              f"{'neg(hand)':>9} {'neg(bs)':>8}")
        for name, group in [*rows.groupby("file", sort=True), ("ALL", rows)]:
            f = figures(group)
            print(f"{name[:48]:48} {f['n']:4d} {f['genre']:6.3f} {f['accuracy']:6.3f} "
                  f"{f['macro_f1']:6.3f} {f['binary']:6.3f} {f['neg_hand']:9.1%} "
                  f"{f['neg_brandscan']:8.1%}")


if __name__ == "__main__":
    main()
