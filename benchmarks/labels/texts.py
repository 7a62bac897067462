"""Write the hand-labelled posts with their text, for training and evaluating a model.

    python benchmarks/labels/texts.py OUT.csv [--split tune|test|all]

Joins brand_posts.csv to the exports in ../shared/data and writes ``text,label,genre,
file,id`` (UTF-8 CSV): ``text`` is what brandscan scores (a pure repost's chain), ``label``
the hand sentiment. Write it outside the repository: the exports carry no licence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from joined import labelled_posts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    args = ap.parse_args()
    posts = labelled_posts(args.split)
    out = posts.rename(columns={"sentiment_hand": "label", "genre_hand": "genre"})[
        ["text", "label", "genre", "file", "id"]]
    out.to_csv(args.out, index=False, encoding="utf-8")
    print(f"{args.out}: {len(out):,} labelled posts ({args.split})")


if __name__ == "__main__":
    main()
