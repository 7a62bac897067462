"""Every analysis gives the same answer however its posts are cut into chunks and merged.

This is what lets every engine (the frame in memory, files read in pieces by a pool of
processes, the store in stretches of time, a Dask cluster) print the same tables: the
property is checked here once for every analysis brandscan runs, on the bundled crisis.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from brandscan.analyze.alerts import Alerts, frame_window_posts
from brandscan.analyze.partial import Analysis, Chunk, Context
from brandscan.analyze.registry import ANALYSES
from brandscan.analyze.run import finish_all
from brandscan.config import Config, load_config
from brandscan.load.posts import load_posts
from brandscan.text.scoring import analyse
from brandscan.window import Window
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

#: (since, until) of the run: the chunks' history reaches back before ``since``.
WINDOWS = ((None, None), ("2026-11-05", None), ("2026-11-04", "2026-11-06 12:00"))


@cache
def crisis() -> tuple[Config, pd.DataFrame]:
    """The bundled crisis, scored: every post any analysis could read."""
    config = load_config(CONFIG_EXAMPLE)
    posts = load_posts([EXAMPLES / "crisis_weibo_search.csv"]).posts
    return config, analyse(posts, config)


def context(window: tuple[str | None, str | None]) -> Context:
    config = crisis()[0]
    since, until = (pd.Timestamp(t, tz=config.timezone) if t else None for t in window)
    return Context(config, since=since, until=until)


def chunk(history: pd.DataFrame, ctx: Context) -> Chunk:
    """Some posts as an engine hands them over: ``scored`` is the part in the window."""
    inside = Window(ctx.since, ctx.until).mask(history["created_at"]).to_numpy()
    return Chunk(history[inside].reset_index(drop=True), history)


def run_of(analysis: Analysis[Any]) -> list[Analysis[Any]]:
    """The analysis and those it needs (influencers and response read the alerts)."""
    return [Alerts(), analysis] if "alerts" in analysis.needs else [analysis]


def finished(analysis: Analysis[Any], partials: list[Any], ctx: Context) -> Any:
    history = crisis()[1]
    return finish_all(run_of(analysis), partials, ctx,
                      windows=frame_window_posts(history)).result(analysis.name)


@cache
def in_one_chunk(index: int, window: tuple[str | None, str | None]) -> Any:
    analysis, ctx = ANALYSES[index], context(window)
    whole = chunk(crisis()[1], ctx)
    return finished(analysis, [a.partial(whole, ctx) for a in run_of(analysis)], ctx)


def assert_same(got: Any, want: Any, where: str = "result") -> None:
    """Equal to the bit: frames with ``assert_frame_equal``, reports section by section."""
    if isinstance(want, pd.DataFrame):
        pd.testing.assert_frame_equal(got, want, obj=where)
    elif isinstance(want, np.ndarray):
        np.testing.assert_array_equal(got, want, err_msg=where)
    elif dataclasses.is_dataclass(want):
        assert type(got) is type(want), where
        for f in dataclasses.fields(want):
            assert_same(getattr(got, f.name), getattr(want, f.name), f"{where}.{f.name}")
    elif isinstance(want, dict):
        assert list(got) == list(want), where
        for key in want:
            assert_same(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, float) and np.isnan(want):
        assert isinstance(got, float) and np.isnan(got), where
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


def _id(analysis: Analysis[Any]) -> str:
    interval = getattr(analysis, "interval", "")
    return f"{analysis.name}-{interval}" if analysis.name == "share_of_voice" else analysis.name


@pytest.mark.parametrize("index", range(len(ANALYSES)), ids=[_id(a) for a in ANALYSES])
# No shrinking: an example is at most six chunks already, and shrinking one that fails
# would run the analyses hundreds of times.
@settings(max_examples=4, deadline=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(cuts=st.lists(st.floats(0, 1), max_size=5), shuffle=st.booleans(),
       seed=st.integers(0, 2**32 - 1), window=st.sampled_from(WINDOWS))
# Always tried: shuffled rows with an empty chunk; the file's order, cut in the window,
# with an empty last chunk.
@example(cuts=[0.1, 0.3, 0.3, 0.6, 0.95], shuffle=True, seed=7, window=WINDOWS[0])
@example(cuts=[0.2, 0.5, 0.55, 0.8, 1.0], shuffle=False, seed=3, window=WINDOWS[2])
def test_any_chunks_merged_in_any_order_finish_as_one_chunk(
        index: int, cuts: list[float], shuffle: bool, seed: int,
        window: tuple[str | None, str | None]) -> None:
    analysis, ctx = ANALYSES[index], context(window)
    analyses = run_of(analysis)
    rng = random.Random(seed)
    history = crisis()[1]
    if shuffle:
        history = history.iloc[rng.sample(range(len(history)), len(history))]
    # 1 to 6 chunks, empty ones too (a piece of a file with no post of the brands).
    bounds = [0, *sorted(round(c * len(history)) for c in cuts), len(history)]
    pool = [[a.partial(chunk(history.iloc[lo:hi].reset_index(drop=True), ctx), ctx)
             for a in analyses] for lo, hi in itertools.pairwise(bounds)]
    # Any merge tree: two partials picked at random, merged in a random order.
    while len(pool) > 1:
        i, j = rng.sample(range(len(pool)), 2)
        merged = [a.merge(x, y) for a, x, y in zip(analyses, pool[i], pool[j])]
        pool = [p for k, p in enumerate(pool) if k not in (i, j)] + [merged]
    assert_same(finished(analysis, pool[0], ctx), in_one_chunk(index, window), _id(analysis))
