"""Duplicates across all inputs: the same (platform, kind, id) is one post, and the last
occurrence in input order is kept — crawlers append, so the last row carries the newest
counts. Posts without an id are never duplicates.

The rule is applied in two steps, so that the inputs need not be in memory at once:
every chunk gives its keys and their places in the input (:class:`ChunkKeys`),
:func:`build_plan` finds, for each key seen more than once, the place of its last
occurrence, and each chunk then keeps a keyed row only if it is that one
(:meth:`DedupePlan.keep`).

A key is a 64-bit hash of the three fields when the posts are read in chunks (8 bytes
per post, ~80 MB transient for 5 million posts, instead of the posts themselves). Two
different keys with the same hash (odds about 1 in 1.5 million at 5 million posts)
would drop one of them as a duplicate. When all posts are in memory anyway
(:func:`brandscan.load.posts.load_posts`), :func:`exact_keys` numbers the keys
themselves instead, for the same cost, and no collision is possible; the plan is the
same code either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.load.accounting import FileReport

_EMPTY_KEYS = np.empty(0, dtype=np.uint64)


def key_strings(posts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row positions with an id, their (platform, kind, id) joined into one string)."""
    keyed = (posts["id"] != "").to_numpy()
    rows = np.flatnonzero(keyed)
    if not len(rows):
        return rows, np.empty(0, dtype=object)
    sub = posts.iloc[rows]
    joined = (sub["platform"].astype(object) + "\x1f" + sub["kind"].astype(object) + "\x1f"
              + sub["id"].astype(object))
    return rows, joined.to_numpy(dtype=object)


def hash_values(values: np.ndarray | pd.Series) -> np.ndarray:
    """64-bit hashes of strings (``pandas.util.hash_array``: stable across processes)."""
    arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    return pd.util.hash_array(arr) if len(arr) else _EMPTY_KEYS.copy()


def post_keys(posts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row positions with an id, 64-bit hashes of their (platform, kind, id))."""
    rows, joined = key_strings(posts)
    return rows, hash_values(joined)


def exact_keys(frames: Sequence[pd.DataFrame]) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`post_keys` of several frames, but with each distinct key numbered (the same
    number in every frame) instead of hashed: no two keys can share a number."""
    parts = [key_strings(posts) for posts in frames]
    if not parts:
        return []
    codes, _ = pd.factorize(np.concatenate([joined for _, joined in parts]),
                         use_na_sentinel=False)
    codes = codes.astype(np.uint64)
    bounds = np.cumsum([0, *(len(joined) for _, joined in parts)])
    return [(rows, codes[a:b]) for (rows, _), a, b in zip(parts, bounds[:-1], bounds[1:])]


def input_order(file: int, number: int, posts: pd.DataFrame, *, rebuilt_by_line: bool,
                path: str) -> np.ndarray:
    """Each row's place in the input as one sortable number: file, chunk, position.

    With ``rebuilt_by_line`` (files with one comment per row), posts rebuilt from the
    comment rows are placed by their line instead (their position in a chunk depends
    on which of them the chunk rebuilds); they never share a key with the comments
    around them.
    """
    n = len(posts)
    if number >= 1 << 24 or n >= 1 << 24:
        raise BrandscanError(f"{path}: too many chunks or rows per chunk to order",
                             hint="use a larger --chunk-rows")
    base = np.uint64(file << 48)
    seq = base + np.uint64(number << 24) + np.arange(n, dtype=np.uint64)
    if rebuilt_by_line and n:
        rebuilt = (posts["kind"] == "post").to_numpy()
        seq[rebuilt] = base + posts.loc[rebuilt, "source_line"].to_numpy(dtype=np.uint64)
    return seq


@dataclass
class ChunkKeys:
    """What dedupe needs of one chunk: key hashes with their input order, and skips."""

    file: int
    hashes: np.ndarray
    seqs: np.ndarray
    rebuilt_lines: np.ndarray  # comment-row files: line of a rebuilt post, -1 for a comment
    post_ids: tuple[np.ndarray, np.ndarray] | None
    report: FileReport


@dataclass
class DedupePlan:
    """Which rows of the input survive: for every key seen more than once, the input
    position of its last occurrence; for comment-per-row files, the rows each post is
    rebuilt from."""

    hashes: np.ndarray = field(default_factory=lambda: _EMPTY_KEYS.copy())
    last: np.ndarray = field(default_factory=lambda: _EMPTY_KEYS.copy())
    post_lines: dict[int, np.ndarray] = field(default_factory=dict)

    def keep(self, hashes: np.ndarray, seqs: np.ndarray) -> np.ndarray:
        """True for rows that are not an earlier copy of a later row."""
        if not len(self.hashes) or not len(hashes):
            return np.ones(len(hashes), dtype=bool)
        at = np.searchsorted(self.hashes, hashes)
        at_ok = np.minimum(at, len(self.hashes) - 1)
        dup = self.hashes[at_ok] == hashes
        return ~dup | (self.last[at_ok] == seqs)


def build_plan(keys: Iterable[ChunkKeys]) -> DedupePlan:
    """The dedupe plan from every chunk's keys (in any order)."""
    hashes: list[np.ndarray] = []
    seqs: list[np.ndarray] = []
    rebuilt: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    ids: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for k in keys:
        if k.post_ids is not None:
            ids.setdefault(k.file, []).append(k.post_ids)
            is_rebuilt = k.rebuilt_lines >= 0
            rebuilt.append((k.file, k.hashes[is_rebuilt], k.seqs[is_rebuilt],
                            k.rebuilt_lines[is_rebuilt]))
            hashes.append(k.hashes[~is_rebuilt])
            seqs.append(k.seqs[~is_rebuilt])
        else:
            hashes.append(k.hashes)
            seqs.append(k.seqs)
    plan = DedupePlan()
    for file, parts in ids.items():
        h = np.concatenate([p[0] for p in parts])
        lines = np.concatenate([p[1] for p in parts])
        order = np.lexsort((lines, h))
        h, lines = h[order], lines[order]
        last = np.ones(len(h), dtype=bool)
        last[:-1] = h[1:] != h[:-1]
        plan.post_lines[file] = np.sort(lines[last])
    for file, h, s, lines in rebuilt:
        kept = np.isin(lines, plan.post_lines.get(file, np.empty(0, dtype=np.int64)))
        hashes.append(h[kept])
        seqs.append(s[kept])
    if not hashes:
        return plan
    h = np.concatenate(hashes)
    s = np.concatenate(seqs)
    order = np.lexsort((s, h))
    h, s = h[order], s[order]
    if len(h) < 2:
        return plan
    same_next = h[1:] == h[:-1]
    dup_key = np.zeros(len(h), dtype=bool)
    dup_key[1:] |= same_next
    dup_key[:-1] |= same_next
    group_last = np.ones(len(h), dtype=bool)
    group_last[:-1] = ~same_next
    pick = dup_key & group_last
    plan.hashes, plan.last = h[pick], s[pick]
    return plan
