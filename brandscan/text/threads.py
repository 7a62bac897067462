"""Thread context: a comment belongs to the brands of the post it answers.

Comment sections are where complaints live ("更新了这个系统，摄像头指纹关机全部失灵！") and
most comments never name the brand: under a post about 华为, "又是素皮，出个白色陶瓷后盖很难吗"
is about 华为 all the same. So a comment or reply counts for the brands of its parent
post (``parent_id``, on the same platform) as well as the ones it names; one whose brands
come from its thread only is a *thread comment* (the ``thread`` column). A ``//@`` repost
already counts for the brands of the chain it carries (the ``chain`` column is matched
with the text).

The parents' brands come from a :class:`ThreadIndex` built over every post a run reads
(files in a first pass, the store in one SQL read), so a comment is counted the same
however the input was cut into chunks. ``--own-mentions`` keeps only posts and comments
that name a brand themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brandscan.config import Config
from brandscan.text.brands import BrandMatcher


def _keys(posts: pd.DataFrame, column: str) -> np.ndarray:
    platform = (posts["platform"] if "platform" in posts.columns
                else pd.Series("", index=posts.index))
    values = (platform.fillna("").astype(str) + "\x1f" + posts[column].fillna("").astype(str))
    return pd.util.hash_array(values.to_numpy(dtype=object)).astype(np.uint64)


@dataclass
class ThreadIndex:
    """The brands of posts that name one, by a hash of (platform, id): sorted keys and
    their ``;``-joined brand cells. Mergeable: the index of every post a run reads is the
    merge of its chunks' (a post seen twice keeps the brands of both copies)."""

    keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    cells: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    @classmethod
    def of(cls, posts: pd.DataFrame, config: Config) -> ThreadIndex:
        """The posts (not comments) among ``posts`` that name a configured brand."""
        if not len(posts) or not config.brands or not {"kind", "id"} <= set(posts.columns):
            return cls()
        mine = posts[(posts["kind"] == "post").to_numpy(dtype=bool)
                     & (posts["id"].fillna("").astype(str) != "").to_numpy(dtype=bool)]
        if not len(mine):
            return cls()
        chain = mine["chain"] if "chain" in mine.columns else ""
        cells = BrandMatcher(config.brands).match(mine["text"] + " " + chain)
        named = (cells != "").to_numpy(dtype=bool)
        return cls._sorted(_keys(mine, "id")[named],
                           cells.to_numpy(dtype=object)[named], config)

    @classmethod
    def _sorted(cls, keys: np.ndarray, cells: np.ndarray, config: Config) -> ThreadIndex:
        if not len(keys):
            return cls()
        order = np.argsort(keys, kind="stable")
        keys, cells = keys[order], cells[order]
        first = np.concatenate([[True], keys[1:] != keys[:-1]])
        if not first.all():  # one post seen in several chunks or files: all its brands
            names = [b.name for b in config.brands]
            groups = np.cumsum(first) - 1
            merged = [set() for _ in range(int(first.sum()))]
            for g, cell in zip(groups.tolist(), cells.tolist()):
                merged[g].update(cell.split(";"))
            cells = np.array([";".join(n for n in names if n in m) for m in merged],
                             dtype=object)
            keys = keys[first]
        return cls(keys, cells)

    def merge(self, other: ThreadIndex, config: Config) -> ThreadIndex:
        if not len(other.keys):
            return self
        if not len(self.keys):
            return other
        return self._sorted(np.concatenate([self.keys, other.keys]),
                            np.concatenate([self.cells, other.cells]), config)

    def parents(self, posts: pd.DataFrame) -> np.ndarray:
        """Per row, the brands of the post it answers ("" for posts, and for comments whose
        parent names none or was not read)."""
        out = np.full(len(posts), "", dtype=object)
        if not len(self.keys) or not len(posts) or not {"kind", "parent_id"} <= set(
                posts.columns):
            return out
        answers = ((posts["kind"] != "post").to_numpy(dtype=bool)
                   & (posts["parent_id"].fillna("").astype(str) != "").to_numpy(dtype=bool))
        if not answers.any():
            return out
        at = np.flatnonzero(answers)
        keys = _keys(posts.iloc[at], "parent_id")
        pos = np.searchsorted(self.keys, keys)
        pos = np.minimum(pos, len(self.keys) - 1)
        hit = self.keys[pos] == keys
        out[at[hit]] = self.cells[pos[hit]]
        return out


def with_threads(own: pd.Series, inherited: np.ndarray, names: Sequence[str]
                 ) -> tuple[pd.Series, np.ndarray]:
    """Each row's brands (its own and its thread's, in config order) and whether they come
    from its thread only."""
    inherited = np.asarray(inherited, dtype=object)
    cells = own.to_numpy(dtype=object)
    thread = (cells == "") & (inherited != "")
    both = np.flatnonzero((cells != "") & (inherited != "") & (cells != inherited))
    out = np.where(thread, inherited, cells).astype(object)
    for i in both.tolist():
        seen = set(cells[i].split(";")) | set(inherited[i].split(";"))
        out[i] = ";".join(n for n in names if n in seen)
    return pd.Series(out, index=own.index, dtype=object), thread
