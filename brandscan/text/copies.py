"""Near copies: posts that share a run of words, so that a copied complaint counts once.

A complaint copied by ten accounts, a repost chain quoting the same post (``//@某某:…``)
and keyword spam stitched from the same news sentences in shuffled order are one voice,
not ten. Two posts are *near copies* when their skeletons (no @names, links, hashtags,
digits or punctuation: :func:`~brandscan.text.genre.skeleton`) share a run of
:data:`SHINGLE` characters; near copies of near copies are one group
(:func:`copy_groups`). Twelve characters is a whole clause — two people who write their
own complaint about the same fire rarely share one, a copy always does.

The groups are a pure function of the set of posts, whatever order or chunks they came
in: the complaint ranking computes them once, over every negative opinion of the run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from brandscan.text.genre import char_windows, skeleton

#: Characters in a shared run that makes two posts near copies.
SHINGLE = 12
_P = np.uint64(0x100000001B3)


def shingles(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every run of :data:`SHINGLE` skeleton characters of each text, hashed: flat arrays
    ``(owner, hash)`` (distinct per owner, owners ascending). Texts with a shorter
    skeleton have none."""
    keep, counts, chars, pos = char_windows([skeleton(t) for t in texts], SHINGLE, SHINGLE)
    if not keep:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    h = np.zeros(len(pos), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            h = (h ^ chars[pos + j]) * _P
        h ^= h >> np.uint64(31)
    owner = np.repeat(np.asarray(keep, dtype=np.int64), counts)
    pairs = np.unique(np.stack([owner.astype(np.uint64), h], axis=1), axis=0)
    return pairs[:, 0].astype(np.int64), pairs[:, 1].copy()


def copy_groups(n: int, owner: np.ndarray, shingle: np.ndarray) -> np.ndarray:
    """The group of each of ``n`` posts: the smallest index among the posts it is
    joined to by shared shingles, directly or through others (``owner[k]`` has
    ``shingle[k]``). A post with no shared shingle is its own group."""
    label = np.arange(n, dtype=np.int64)
    if not len(owner):
        return label
    _, by_shingle = np.unique(shingle, return_inverse=True)
    smallest = np.empty(int(by_shingle.max()) + 1, dtype=np.int64)
    while True:
        # Each shingle takes the smallest label among its posts, each post the smallest
        # among its shingles; then labels follow their own labels (pointer jumping).
        smallest.fill(n)
        np.minimum.at(smallest, by_shingle, label[owner])
        new = label.copy()
        np.minimum.at(new, owner, smallest[by_shingle])
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new
