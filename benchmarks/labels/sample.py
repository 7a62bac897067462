"""Print the posts to label, in reading order, for the people who label them.

    python benchmarks/labels/sample.py OUTDIR [--batches 6]

Draws the fixed sample of ``PLAN`` (file, how many, seed) from ../shared/data/exports with
brandscan's own loader (so ids are the ids brandscan reports), leaves out the posts
already in brand_posts.csv, and writes OUTDIR/batch_N.txt: one block per post with its
file, id, kind, author, own words, repost chain and, for a comment, the post it answers.
The text stays outside the repository; labels come back as ``file,id,genre,sentiment``.
"""

from __future__ import annotations

import argparse
import csv
import glob
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT.parent / "shared" / "data" / "exports"
LABELS = Path(__file__).with_name("brand_posts.csv")

#: (label file name, files under exports/, kind to draw, how many, seed)
PLAN: tuple[tuple[str, tuple[str, ...], str, int, int], ...] = (
    ("weibo-search/比亚迪.csv", ("weibo-search/比亚迪.csv",), "post", 300, 151),
    ("weibo-search/连花清瘟.csv", ("weibo-search/连花清瘟.csv",), "post", 10, 152),
    ("weibo-search-with-comments/华为.csv", ("weibo-search-with-comments/华为.csv",), "post",
     130, 153),
    ("weibo-search-with-comments/华为.csv", ("weibo-search-with-comments/华为.csv",),
     "comment", 270, 154),
    ("weibo-crawler/乐山全接触_6215179048.csv", ("weibo-crawler/乐山全接触_6215179048.csv",),
     "post", 100, 155),
    ("mediacrawler/search_contents_2026-07-14.jsonl",
     ("mediacrawler/search_contents_2026-07-14.jsonl",), "post", 100, 156),
    ("mediacrawler/detail_comments_2026-07-14.jsonl",
     ("mediacrawler/detail_comments_2026-07-14.jsonl",), "comment", 144, 157),
    ("ced_rumor", ("ced_rumor/original-microblog/*.json", "ced_rumor/rumor-repost/*.json"),
     "post", 100, 158),
)
#: The second round (all of it tuning data): more of the same files, other posts.
PLAN_2: tuple[tuple[str, tuple[str, ...], str, int, int], ...] = (
    ("weibo-search/比亚迪.csv", ("weibo-search/比亚迪.csv",), "post", 400, 251),
    ("weibo-search-with-comments/华为.csv", ("weibo-search-with-comments/华为.csv",), "post",
     150, 253),
    ("weibo-search-with-comments/华为.csv", ("weibo-search-with-comments/华为.csv",),
     "comment", 350, 254),
    ("weibo-crawler/乐山全接触_6215179048.csv", ("weibo-crawler/乐山全接触_6215179048.csv",),
     "post", 200, 255),
    ("mediacrawler/search_contents_2026-07-14.jsonl",
     ("mediacrawler/search_contents_2026-07-14.jsonl",), "post", 28, 256),
    ("ced_rumor", ("ced_rumor/original-microblog/*.json", "ced_rumor/rumor-repost/*.json"),
     "post", 113, 258),
)


def labelled() -> set[tuple[str, str]]:
    with LABELS.open(encoding="utf-8") as fh:
        return {(r["file"], r["id"]) for r in csv.DictReader(fh)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--batches", type=int, default=6)
    ap.add_argument("--round", type=int, choices=(1, 2), default=1)
    args = ap.parse_args()

    from brandscan.load.posts import LoadOptions, load_posts

    done = labelled()
    blocks: list[str] = []
    for name, patterns, kind, n, seed in (PLAN if args.round == 1 else PLAN_2):
        paths = sorted(p for pat in patterns for p in glob.glob(str(EXPORTS / pat)))
        posts = load_posts(paths, LoadOptions()).posts
        parents = dict(zip(posts["id"], posts["text"]))
        pool = posts[(posts["kind"] == kind)
                     & ~posts["id"].map(lambda i, f=name: (f, i) in done)].reset_index(drop=True)
        rows = random.Random(seed).sample(range(len(pool)), min(n, len(pool)))
        for r in rows:
            p = pool.iloc[r]
            lines = [f"### file={name} id={p['id']} kind={p['kind']}",
                     f"author: {p['author']} (followers {p['followers']}, "
                     f"verified {p['verified'] or '-'})",
                     f"text: {p['text']}"]
            if p["chain"]:
                lines.append(f"chain: {p['chain'][:400]}")
            if p["kind"] == "comment":
                lines.append(f"thread post: {str(parents.get(p['parent_id'], '?'))[:300]}")
            blocks.append("\n".join(lines))
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    size = -(-len(blocks) // args.batches)
    for b in range(args.batches):
        part = blocks[b * size:(b + 1) * size]
        (out / f"batch_{b + 1}.txt").write_text("\n\n".join(part) + "\n", encoding="utf-8")
        print(f"batch_{b + 1}.txt: {len(part)} posts")


if __name__ == "__main__":
    main()
