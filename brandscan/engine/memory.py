"""Posts in memory: the files read whole, scored, with the store's posts of the window.

One chunk of the same analyses every engine runs. It is the fastest way for inputs that
fit in memory (what ``--engine local`` and ``auto`` choose for them), and the one that
combines files with the store (a post in both is taken from the file).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze.alerts import frame_window_posts
from brandscan.analyze.partial import Analysis, Chunk, Context, Progress, WindowPosts
from brandscan.config import Config
from brandscan.engine.driver import Part, Work
from brandscan.engine.executors import Executor
from brandscan.load.accounting import LoadReport
from brandscan.text.genre import TemplateIndex
from brandscan.text.threads import ThreadIndex
from brandscan.window import Window


def _no_progress(what: str, total: int) -> AbstractContextManager[None]:
    return nullcontext()


@dataclass
class StoreRead:
    """What was read from the store besides the posts: where, and which models."""

    path: Any
    models: dict[str, int]
    current: str


@dataclass
class MemorySource:
    """``posts`` (loaded from files) and, with ``store``, the stored posts of the window.

    ``history`` (how far before ``since`` the alert baselines look) adds the posts before
    the window, scored too. After :meth:`tasks`, ``scored`` holds the window's scored
    posts (for ``posts`` and the spreadsheet report's posts sheet).
    """

    posts: pd.DataFrame
    config: Config
    load: LoadReport
    window: Window = field(default_factory=Window)
    brands: tuple[str, ...] = ()
    jobs: int = 1
    history: timedelta | None = None
    store: str | os.PathLike[str] | None = None
    use_store: bool = False
    kind: str = "all"
    lock_timeout: float = 30.0
    progress: Progress = _no_progress
    scored: pd.DataFrame | None = None
    chunk: Chunk | None = None  # the one chunk: the window's posts and their history
    store_reads: list[StoreRead] = field(default_factory=list)
    model_note: str | None = None
    templates: np.ndarray | None = None  # the run's template keys (text.genre)
    threads: ThreadIndex | None = None  # the brands of every post read (text.threads)

    def tasks(self, executor: Executor) -> list[int]:
        self.templates = self._templates()
        self.threads = self._threads()
        scored = self.scored = self._scored(self.window, account=True)
        history = scored
        if self.history is not None and self.window.since is not None:
            earlier = Window(self.window.since - self.history, self.window.since)
            before = self._scored(earlier, account=False)
            history = pd.concat([before, scored], ignore_index=True)
        self.chunk = Chunk(scored, history, self.posts if len(self.posts) else None)
        return [0]

    def _templates(self) -> np.ndarray:
        """The run's template keys: over every post read (files and store, any brand),
        from the start of the alert baselines to the end of the window."""
        read = self.window
        if self.history is not None and self.window.since is not None:
            read = Window(self.window.since - self.history, self.window.until)
        index = TemplateIndex()
        if len(self.posts):
            index = TemplateIndex.of(self.posts[read.mask(self.posts["created_at"])])
        if self.use_store:
            from brandscan.store import open_store
            from brandscan.store.query import template_index

            with open_store(self.store, lock_timeout=self.lock_timeout) as store:
                index = index.merge(template_index(store, read, self.kind))
        return index.keys()

    def _threads(self) -> ThreadIndex | None:
        """The brands of every post read (files and store, any time): what comments count
        for; None with ``own_mentions``."""
        if self.config.own_mentions:
            return None
        index = ThreadIndex.of(self.posts, self.config)
        if self.use_store:
            from brandscan.store import open_store
            from brandscan.store.query import store_threads

            with open_store(self.store, lock_timeout=self.lock_timeout) as store:
                stored = store_threads(store, self.config)
            if stored is not None:
                index = index.merge(stored, self.config)
        return index

    def _scored(self, window: Window, *, account: bool) -> pd.DataFrame:
        from brandscan.text.scoring import analyse

        posts = self.posts
        if len(posts) or not self.use_store:  # (a store-only run needs no sentiment engine)
            total = len(posts) if account else int(window.mask(posts["created_at"]).sum())
            with self.progress("scoring", total) as advance:
                scored = analyse(posts, self.config, brands=self.brands, window=window,
                                 jobs=self.jobs, progress=advance, templates=self.templates,
                                 threads=self.threads)
        else:
            scored = posts
        if self.use_store:
            scored = self._with_store(scored, window, account=account)
        return scored

    def _with_store(self, scored: pd.DataFrame, window: Window, *, account: bool
                    ) -> pd.DataFrame:
        from brandscan.store import open_store
        from brandscan.store.query import combine, file_keys, read_scored

        with open_store(self.store, lock_timeout=self.lock_timeout) as store:
            read = read_scored(store, self.config, window=window, brands=self.brands,
                               kind=self.kind, exclude=file_keys(self.posts),
                               templates=self.templates, threads=self.threads)
            where = store.path
        if account:
            self.load.files.extend(read.report.files)
            self.model_note = read.model
        self.store_reads.append(StoreRead(where, read.models, read.current_model))
        return combine(read.scored, scored)

    def work(self, task: int, analyses: Sequence[Analysis[Any]], ctx: Context) -> Part:
        assert self.chunk is not None, "tasks() reads the posts first"
        part = Part([])
        part.add(analyses, self.chunk, ctx)
        return part

    def windows(self, total: Part | None, ranges: list[tuple[int, int]], data_end: int | None,
                executor: Executor, work: Work) -> WindowPosts:
        assert self.chunk is not None, "tasks() reads the posts first"
        return frame_window_posts(self.chunk.history)

    def accounting(self, total: Part | None) -> tuple[LoadReport, str | None]:
        return self.load, self.model_note
