"""Hand labels joined to the exports' posts (text read from ../shared/data, never stored).

``labelled_posts(split)`` gives the canonical posts of every labelled (file, id) with the
hand ``genre_hand``, ``sentiment_hand`` and ``split`` columns; ``split`` is ``tune``,
``test`` or ``all``.
"""

from __future__ import annotations

import csv
import glob
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT.parent / "shared" / "data" / "exports"
LABELS = Path(__file__).with_name("brand_posts.csv")

#: Label file name -> the export files it names (the CED corpus is one folder of files).
FILES = {"ced_rumor": ("ced_rumor/original-microblog/*.json", "ced_rumor/rumor-repost/*.json")}


def read_labels(split: str = "all") -> pd.DataFrame:
    with LABELS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    frame = pd.DataFrame(rows, dtype=str)
    return frame if split == "all" else frame[frame["split"] == split]


def export_paths(name: str) -> list[str]:
    patterns = FILES.get(name, (name,))
    return sorted(p for pat in patterns for p in glob.glob(str(EXPORTS / pat)))


def labelled_posts(split: str = "all") -> pd.DataFrame:
    """Canonical posts of the labelled ids, in label-file order, with the hand labels."""
    from brandscan.load.options import LoadOptions
    from brandscan.load.posts import load_posts

    labels = read_labels(split)
    frames = []
    for name, group in labels.groupby("file", sort=False):
        posts = load_posts(export_paths(name), LoadOptions()).posts
        posts = posts.assign(label_file=name)
        joined = group.merge(posts, left_on="id", right_on="id", how="inner")
        frames.append(joined.rename(columns={"genre": "genre_hand",
                                             "sentiment": "sentiment_hand"}))
    return pd.concat(frames, ignore_index=True)
