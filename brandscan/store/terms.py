"""The store's memory of complaint terms: jieba's work, done once per text and word list.

A report over a year of stored posts would otherwise spend most of its time segmenting the
opinions again (see :mod:`brandscan.text.terms`). The ``terms`` table keeps, per
fingerprint of the word lists and per MD5 of the text, the complaint terms of that text.
It is a cache: dropping it changes no answer, only the time.

It fills itself: a command that reads the store and had to segment texts writes their terms
back when it ends, if it can take the store's lock at once (it never waits for it, and a
read-only store simply stays as it is); ``brandscan rescore`` fills it for every stored
opinion. ``db prune`` drops the terms of texts no longer stored.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from brandscan.errors import BrandscanError

# The table is created with the others (and by the v2 -> v3 migration) in db.
from brandscan.store.db import TERMS_DDL as TERMS_DDL
from brandscan.store.db import open_store
from brandscan.store.query import iter_scored

if TYPE_CHECKING:
    import duckdb

    from brandscan.config import Config


def lookup_pairs(con: duckdb.DuckDBPyConnection, fingerprint: str, texts: Sequence[str]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored terms of those of ``texts`` that have them, as flat arrays (see
    :meth:`~brandscan.text.terms.TermSource.lookup_pairs`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not texts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=object)
    con.register("term_texts", pa.table({"i": pa.array(np.arange(len(texts)), pa.int64()),
                                          "text": pa.array(list(texts), pa.string())}))
    try:
        table = con.sql("""
            SELECT t.i, c.terms FROM term_texts t
            JOIN terms c ON c.text_md5 = md5_number(t.text) AND c.fingerprint = ?""",
                        params=[fingerprint]).to_arrow_table()
    finally:
        con.unregister("term_texts")
    found = table.column("i").to_numpy()
    lists = table.column("terms").combine_chunks()
    parents = pc.list_parent_indices(lists).to_numpy()
    flat = pc.list_flatten(lists).to_numpy(zero_copy_only=False)
    return found, found[parents], flat.astype(object)


def insert(con: duckdb.DuckDBPyConnection, fingerprint: str, found: dict[str, list[str]]
           ) -> int:
    """Add terms not stored yet (call inside a transaction); returns how many."""
    import pyarrow as pa

    if not found:
        return 0
    table = pa.table({"text": pa.array(list(found), pa.string()),
                      "terms": pa.array(list(found.values()), pa.list_(pa.string()))})
    con.register("new_terms", table)
    try:
        return int(con.execute("""
            INSERT INTO terms
            SELECT DISTINCT ON (h) ?, h, terms FROM (
                SELECT md5_number(text) AS h, terms FROM new_terms) n
            WHERE NOT EXISTS (SELECT 1 FROM terms c
                              WHERE c.fingerprint = ? AND c.text_md5 = n.h)""",
                               [fingerprint, fingerprint]).fetchall()[0][0])
    finally:
        con.unregister("new_terms")


def prune_terms(con: duckdb.DuckDBPyConnection) -> int:
    """Drop the terms of texts no stored post has any more."""
    return int(con.execute("""
        DELETE FROM terms WHERE text_md5 NOT IN (SELECT md5_number(text) FROM posts)
        """).fetchall()[0][0])


def count(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(texts with stored terms, distinct word lists they were cut with)."""
    n, lists = con.execute(
        "SELECT count(*), count(DISTINCT fingerprint) FROM terms").fetchall()[0]
    return int(n), int(lists)


class StoreTerms:
    """A :class:`~brandscan.text.terms.TermSource` over the store at ``path``.

    Lookups open the store shared, like any reader. Terms computed meanwhile are kept in
    memory and written by :meth:`save` when the command is done.
    """

    def __init__(self, path: str | os.PathLike[str] | None, *, lock_timeout: float = 30.0):
        self.path = path
        self.lock_timeout = lock_timeout
        self.pending: dict[str, dict[str, list[str]]] = {}

    def lookup_pairs(self, fingerprint: str, texts: Sequence[str]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        with open_store(self.path, lock_timeout=self.lock_timeout) as store:
            return lookup_pairs(store.con, fingerprint, texts)

    def remember(self, fingerprint: str, found: dict[str, list[str]]) -> None:
        self.pending.setdefault(fingerprint, {}).update(found)

    def save(self) -> int:
        """Write the pending terms if the store can be had for writing right now.

        Never waits and never fails the command: the terms are a cache, and a store that
        is busy, read-only or full is left exactly as it was.
        """
        import duckdb

        if not any(self.pending.values()):
            return 0
        added = 0
        with contextlib.suppress(BrandscanError, duckdb.Error, OSError):
            with open_store(self.path, write=True, lock_timeout=0) as store, \
                    store.transaction() as con:
                for fp, found in self.pending.items():
                    added += insert(con, fp, found)
            self.pending.clear()
        return added


def fill(path: str | os.PathLike[str] | None, config: Config, *, jobs: int = 1,
         batch: int = 20_000, lock_timeout: float = 30.0,
         progress: Callable[[int], None] | None = None,
         total: Callable[[int], None] | None = None) -> int:
    """Remember the terms of every stored opinion (the posts complaint terms are ranked
    over) of the configured brands that has
    none under ``config``'s word lists yet. Texts are read under the shared lock and cut
    with no lock held; every ``batch`` texts are committed under the exclusive one, so an
    ingest waits seconds, not the whole run, and an interrupted fill keeps its batches.
    Returns how many texts were added; ``total`` is told how many there are to do."""
    from brandscan.text.terms import complaint_terms, fingerprint

    fp = fingerprint(config)
    with open_store(path, lock_timeout=lock_timeout) as store:
        texts: list[str] = []
        for chunk in iter_scored(store, config):
            # the opinions: what complaint terms are ranked over (the ``voice`` column)
            texts.extend(chunk.loc[chunk["voice"].to_numpy(dtype=bool), "text"].tolist())
        texts = list(dict.fromkeys(texts))
        known = set(lookup_pairs(store.con, fp, texts)[0].tolist())
    todo = [t for i, t in enumerate(texts) if i not in known]
    if total is not None:
        total(len(todo))
    added = 0
    for start in range(0, len(todo), batch):
        part = todo[start:start + batch]
        found = dict(zip(part, complaint_terms(part, config, jobs=jobs, progress=progress)))
        with open_store(path, write=True, lock_timeout=lock_timeout) as store, \
                store.transaction() as con:
            added += insert(con, fp, found)
    return added
