"""Pieces of files -> canonical posts, a chunk at a time: bounded memory, the same answer.

:func:`brandscan.load.posts.load_posts` reads every file as one piece and holds all of
it; this module reads the pieces (:mod:`brandscan.load.scan`) in chunks of
``chunk_rows`` records and yields the same canonical rows, with the same values, line
numbers and row accounting — only memory can tell the difference. Both go through the
same steps:

1. **Scan** (:func:`scan_files`): encoding, format, layout and the pieces of each file.
2. **Keys** (:func:`canonical_chunks`, then :func:`chunk_keys`, per piece): the canonical
   posts of each chunk and the keys that find duplicates (:mod:`brandscan.load.dedupe`);
   :func:`build_plan` turns them into the rows to drop.
3. **Posts** (:func:`piece_posts`, per piece): the canonical chunks again, deduplicated
   by the plan, with followers from users files and the ``--kind`` filter applied, and
   their share of the accounting (rows read, skipped, duplicates, filtered, used).

A big file is read twice (once for the keys, once for the posts); the in-memory loader
keeps the chunks of step 2 instead.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from brandscan.load.accounting import FileReport, LoadReport, add_report
from brandscan.load.canonical import add_followers, comment_post_ids, frame_posts
from brandscan.load.dedupe import (
    ChunkKeys,
    DedupePlan,
    build_plan,
    hash_values,
    input_order,
    post_keys,
)
from brandscan.load.encoding import detect_encoding
from brandscan.load.formats import delimiter
from brandscan.load.jsondoc import stream_json_rows
from brandscan.load.lines import SubLines, file_lines
from brandscan.load.options import LoadOptions
from brandscan.load.read import RawTable, read_table
from brandscan.load.rows import RawChunk, delimited_rows, group_rows, jsonl_rows, read_header
from brandscan.load.scan import CHUNK_ROWS, SMALL_FILE_BYTES, FileScan, Piece, scan_files

__all__ = [
    # Moved to the modules named in the comments; still importable from here.
    "CHUNK_ROWS",  # scan
    "SMALL_FILE_BYTES",  # scan
    "ChunkKeys",  # dedupe
    "ChunkedLoad",
    "DedupePlan",  # dedupe
    "FileScan",  # scan
    "Piece",  # scan
    "PostChunk",
    "add_report",  # accounting
    "build_plan",  # dedupe
    "canonical_chunks",
    "chunk_keys",
    "chunk_posts",
    "detect_encoding",  # encoding
    "load_posts_chunks",
    "piece_posts",
    "raw_chunks",
    "scan_files",  # scan
    "users_frame",
]


def raw_chunks(scan: FileScan, piece: Piece, chunk_rows: int = CHUNK_ROWS
               ) -> Iterator[RawChunk]:
    """The raw records of a ``range`` or ``stream`` piece, ``chunk_rows`` at a time."""
    if piece.kind == "whole":
        raise ValueError("whole pieces are read with read_table")
    span = (piece.start, piece.end) if piece.kind == "range" else None
    items: Iterator[Any]
    if scan.format in ("csv", "tsv"):
        reader = csv.reader(file_lines(scan.path, scan.encoding, scan.errors, span),
                            delimiter=delimiter(scan.format))
        if piece.kind == "stream":
            read_header(reader, scan.path)
            items = delimited_rows(reader, scan.path, scan.header or [])
        else:
            items = delimited_rows(reader, scan.path, scan.header or [],
                                   line_offset=piece.first_line - 1)
    elif scan.format == "jsonl":
        lines = SubLines(file_lines(scan.path, scan.encoding, scan.errors, span))
        items = jsonl_rows(lines, scan.path, first_line=piece.first_line)
    else:
        items = stream_json_rows(scan.path, scan.encoding, scan.errors, scan.record_key)
    # A range piece is one chunk (it was cut at about chunk_rows records).
    yield from group_rows(items, header=scan.header, columns=scan.columns, number=piece.number,
                          chunk_rows=chunk_rows if piece.kind == "stream" else None)


@dataclass
class PostChunk:
    """Canonical posts of one chunk, where they sit in the input, and their accounting."""

    file: int
    number: int
    posts: pd.DataFrame
    seq: np.ndarray  # uint64: file, chunk and position — the input order dedupe keeps the last of
    report: FileReport  # this chunk's rows read, skipped, relative times, posts rebuilt
    post_ids: tuple[np.ndarray, np.ndarray] | None = None  # comment-row files: (hash, line)


def canonical_chunks(scan: FileScan, piece: Piece, options: LoadOptions, *,
                     chunk_rows: int | None = CHUNK_ROWS, post_lines: np.ndarray | None = None,
                     with_post_ids: bool = False, raw: RawTable | None = None
                     ) -> Iterator[PostChunk]:
    """Canonical posts of one piece, before duplicates are removed.

    ``post_lines`` (from the plan) lets comment-per-row files rebuild each post once,
    from its last row in the file; ``with_post_ids`` returns the raw post id of every row
    of such files, from which the plan finds those last rows.

    A ``whole`` piece is mapped at once (from ``raw``, its table when already read), then
    cut into chunks of ``chunk_rows`` posts. With ``chunk_rows`` None (whole pieces only)
    it is one chunk whose ``seq`` are the positions in the file, for a caller that
    places the file among the others itself: then no limit on files or rows applies.
    """
    assert scan.layout is not None and scan.report.now is not None
    now = scan.report.now
    if piece.kind == "whole":
        raw = raw if raw is not None else read_table(scan.path)
        fr = FileReport(path=scan.path, rows_read=raw.rows_read, skipped=list(raw.skipped))
        posts = frame_posts(raw.frame, raw.meta, scan.layout, scan.path, options, now, fr)
        if chunk_rows is None:
            yield PostChunk(scan.index, 0, posts, np.arange(len(posts), dtype=np.uint64), fr)
            return
        for number, start in enumerate(range(0, max(len(posts), 1), chunk_rows)):
            part = posts.iloc[start:start + chunk_rows].reset_index(drop=True)
            yield PostChunk(scan.index, number, part, _order(scan, number, part),
                            fr if number == 0 else FileReport(path=scan.path))
        return
    lines_filter = pd.Index(post_lines) if post_lines is not None else None
    if chunk_rows is None:
        raise ValueError("only whole pieces are read as one chunk")
    for chunk in raw_chunks(scan, piece, chunk_rows):
        fr = FileReport(path=scan.path, rows_read=chunk.rows_read, skipped=chunk.skipped)
        ids = None
        if with_post_ids and scan.layout.comment_fields:
            raw_ids = comment_post_ids(chunk.frame, scan.layout, scan.path)
            ids = (hash_values(raw_ids), chunk.frame["__line__"].to_numpy(dtype=np.int64))
        posts = frame_posts(chunk.frame, scan.meta, scan.layout, scan.path, options, now, fr,
                            post_lines=lines_filter)
        yield PostChunk(scan.index, chunk.number, posts, _order(scan, chunk.number, posts), fr,
                        ids)


def _order(scan: FileScan, number: int, posts: pd.DataFrame) -> np.ndarray:
    return input_order(scan.index, number, posts, path=scan.path, rebuilt_by_line=bool(
        scan.layout is not None and scan.layout.comment_fields))


def chunk_keys(chunk: PostChunk, keys: tuple[np.ndarray, np.ndarray] | None = None
               ) -> ChunkKeys:
    """What dedupe needs of a chunk; ``keys`` are its (rows, keys) when already made
    (:func:`~brandscan.load.dedupe.exact_keys`), else they are hashed here."""
    rows, hashes = keys if keys is not None else post_keys(chunk.posts)
    if chunk.post_ids is None:
        return ChunkKeys(chunk.file, hashes, chunk.seq[rows], np.empty(0, dtype=np.int64),
                         None, chunk.report)
    rebuilt = np.full(len(rows), -1, dtype=np.int64)
    if len(rows):
        sub = chunk.posts.iloc[rows]
        is_post = (sub["kind"] == "post").to_numpy()
        rebuilt[is_post] = sub.loc[is_post, "source_line"].to_numpy(dtype=np.int64)
    return ChunkKeys(chunk.file, hashes, chunk.seq[rows], rebuilt, chunk.post_ids,
                     chunk.report)


def chunk_posts(chunk: PostChunk, plan: DedupePlan, users: pd.DataFrame | None,
                options: LoadOptions, keys: tuple[np.ndarray, np.ndarray] | None = None
                ) -> tuple[pd.DataFrame, FileReport]:
    """The posts of one canonical chunk as ``load_posts`` has them — duplicates gone,
    followers filled, ``--kind`` applied — with the chunk's accounting (rows read,
    skipped, duplicates, filtered, used, posts, comments, first, last). ``keys`` as for
    :func:`chunk_keys`."""
    posts, fr = chunk.posts, chunk.report
    rows, hashes = keys if keys is not None else post_keys(posts)
    keep = np.ones(len(posts), dtype=bool)
    keep[rows] = plan.keep(hashes, chunk.seq[rows])
    fr.duplicates += int((~keep).sum())
    posts = posts[keep].reset_index(drop=True)
    if users is not None:
        posts = add_followers(posts, users)
    if options.kind != "all":
        wanted = posts["kind"] == options.kind
        fr.filtered += int((~wanted).sum())
        posts = posts[wanted].reset_index(drop=True)
    fr.used += len(posts)
    fr.posts += int((posts["kind"] == "post").sum())
    fr.comments += int((posts["kind"] == "comment").sum())
    if len(posts):
        fr.first, fr.last = posts["created_at"].min(), posts["created_at"].max()
    return posts, fr


def piece_posts(scan: FileScan, piece: Piece, options: LoadOptions, plan: DedupePlan,
                users: pd.DataFrame | None, *, chunk_rows: int = CHUNK_ROWS
                ) -> Iterator[tuple[pd.DataFrame, FileReport]]:
    """:func:`chunk_posts` of each chunk of one piece (the second reading)."""
    post_lines = None
    if scan.comment_rows:  # no entry: the file had no rows to rebuild posts from
        post_lines = plan.post_lines.get(scan.index, np.empty(0, dtype=np.int64))
    for chunk in canonical_chunks(scan, piece, options, chunk_rows=chunk_rows,
                                  post_lines=post_lines):
        yield chunk_posts(chunk, plan, users, options)


def users_frame(scans: Sequence[FileScan]) -> pd.DataFrame | None:
    """Followers by author id from every users file of the run (as ``load_posts`` joins)."""
    frames = [s.users for s in scans if s.users is not None]
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).drop_duplicates("author_id", keep="last")


# --- the whole load, in one process ---------------------------------------------------------

class ChunkedLoad:
    """Iterate over the canonical posts of many files, a chunk at a time.

    The rows (and, once the iteration is over, :attr:`report`) are those of
    :func:`brandscan.load.posts.load_posts`; memory is bounded by the chunk size. The
    files are read twice: once for the duplicate keys, once for the posts.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]],
                 options: LoadOptions | None = None, chunk_rows: int = CHUNK_ROWS, *,
                 small_file_bytes: int = SMALL_FILE_BYTES) -> None:
        self.options = options or LoadOptions()
        self.chunk_rows = chunk_rows
        self.scans = scan_files(paths, self.options, chunk_rows=chunk_rows,
                                small_file_bytes=small_file_bytes)
        self.report = LoadReport([s.report for s in self.scans])
        self._plan: DedupePlan | None = None

    def plan(self) -> DedupePlan:
        """The duplicate keys of every file (the first reading)."""
        if self._plan is None:
            keys = (chunk_keys(chunk) for scan in self.scans for piece in scan.pieces
                    for chunk in canonical_chunks(scan, piece, self.options,
                                                  chunk_rows=self.chunk_rows,
                                                  with_post_ids=scan.comment_rows))
            self._plan = build_plan(keys)
        return self._plan

    def __iter__(self) -> Iterator[pd.DataFrame]:
        plan = self.plan()
        users = users_frame(self.scans)
        for scan in self.scans:
            for piece in scan.pieces:
                for posts, part in piece_posts(scan, piece, self.options, plan, users,
                                               chunk_rows=self.chunk_rows):
                    add_report(scan.report, part)
                    yield posts
            scan.report.skipped.sort(key=lambda s: s.line)


def load_posts_chunks(paths: Iterable[str | os.PathLike[str]],
                      options: LoadOptions | None = None, chunk_rows: int = CHUNK_ROWS
                      ) -> ChunkedLoad:
    """The canonical posts of ``paths`` in chunks of at most ``chunk_rows`` input records.

    Iterate over the result for the chunks; its ``report`` is the load accounting
    (complete once the iteration has finished). Concatenated, the chunks hold the rows
    ``load_posts`` returns (in file order; within a comment-per-row file, each chunk's
    rebuilt posts come before its comments).
    """
    return ChunkedLoad(paths, options, chunk_rows)
