"""The embedded history database: deduplicated, scored posts kept between runs.

A nightly job only gets yesterday's export, but an alert needs last week as its baseline
and a report wants months of trend; crawlers in append mode hand over the same posts
again with grown counts. The store keeps every post once, keyed by (platform, kind, id),
with its first-seen time, its latest counts and its sentiment score (and the model that
produced it), so analyses read history instead of re-reading and re-scoring files.

It is one DuckDB file (no server): ``--db PATH``, else ``$BRANDSCAN_DB``, else
``~/.local/share/brandscan/brandscan.duckdb``.

The modules, from the bottom up; each imports only those above it in this list (and,
outside the store, only loading, text and the base modules):

- :mod:`brandscan.store.db` — locating, locking, opening, schema and migrations;
- :mod:`brandscan.store.keys` — what makes two sightings the same stored post;
- :mod:`brandscan.store.ingest` — files -> posts in the store, one atomic batch per file;
- :mod:`brandscan.store.query` — the store -> the canonical scored frame, with the
  window, kind and brand filters pushed into SQL;
- :mod:`brandscan.store.terms` — the remembered complaint terms of stored texts;
- :mod:`brandscan.store.upkeep` — rescoring, info, export and prune of an open store;
- :mod:`brandscan.store.workflow` — what ``ingest``, ``rescore`` and ``db info|export|prune``
  do, as typed functions the command line calls.

DuckDB is imported lazily (inside functions), so ``brandscan --help`` stays fast.
"""

from __future__ import annotations

from brandscan.store.db import (
    DEFAULT_LOCK_TIMEOUT,
    SCHEMA_VERSION,
    Store,
    open_store,
    resolve_path,
)

__all__ = ["DEFAULT_LOCK_TIMEOUT", "SCHEMA_VERSION", "Store", "open_store", "resolve_path"]
