"""Files -> one canonical posts frame (see :mod:`brandscan.schema`) and its accounting.

The in-memory reading of :mod:`brandscan.load.chunks`: every file is one piece, read
once, and all its posts are held, so the keys that find duplicates are the exact
(platform, kind, id) values rather than their hashes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from brandscan.load.accounting import LoadReport, add_report
from brandscan.load.chunks import PostChunk, canonical_chunks, chunk_keys, chunk_posts, users_frame
from brandscan.load.dedupe import build_plan, exact_keys
from brandscan.load.options import LoadOptions
from brandscan.load.scan import FileScan, scan_file
from brandscan.schema import empty_posts

__all__ = ["LoadOptions", "LoadResult", "load_posts"]


@dataclass
class LoadResult:
    """The canonical posts and how every input row was accounted for."""

    posts: pd.DataFrame
    report: LoadReport


def load_posts(paths: Iterable[str | os.PathLike[str]], options: LoadOptions | None = None
               ) -> LoadResult:
    """Read every file; a file that cannot be read is reported, the others still load.

    Duplicates (same platform, kind and id) are removed across all files, keeping the last
    occurrence: crawlers append, so later rows carry the newer counts.
    """
    opts = options or LoadOptions()
    scans: list[FileScan] = []
    chunks: list[PostChunk] = []
    start = 0
    for index, path in enumerate([*paths, *opts.users]):
        scan, raw = scan_file(index, path, opts, small_file_bytes=None)
        scans.append(scan)
        for piece in scan.pieces:
            for chunk in canonical_chunks(scan, piece, opts, chunk_rows=None, raw=raw):
                chunk.seq += np.uint64(start)  # positions in the file -> in all the input
                start += len(chunk.posts)
                chunks.append(chunk)
        del raw  # mapped: not held while the next file is read
    keys = exact_keys([c.posts for c in chunks])
    plan = build_plan(chunk_keys(c, k) for c, k in zip(chunks, keys))
    users = users_frame(scans)
    frames = []
    for chunk, k in zip(chunks, keys):
        posts, part = chunk_posts(chunk, plan, users, opts, k)
        add_report(scans[chunk.file].report, part)
        frames.append(posts)
    for scan in scans:  # in line order, as a file read in chunks lists them too
        scan.report.skipped.sort(key=lambda s: s.line)
    posts = pd.concat(frames, ignore_index=True) if frames else empty_posts(opts.tz)
    return LoadResult(posts, LoadReport([s.report for s in scans]))
