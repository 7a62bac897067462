"""Finishing a run's analyses: in the order their ``needs`` call for, with the posts of
the alert windows at hand. Engines call :func:`finish_all` once their partials are merged;
a frame in memory is one chunk (:func:`run_frame`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from brandscan.analyze.alerts import frame_window_posts
from brandscan.analyze.partial import (
    Analysis,
    Chunk,
    Context,
    NamesPosts,
    WindowPosts,
    join_ranges,
)
from brandscan.load.accounting import LoadReport
from brandscan.schema import empty_scored


@dataclass
class RunResults:
    """The finished results of a run by analysis name (a :class:`Finished`)."""

    windows: WindowPosts | None = None
    load_report: LoadReport = field(default_factory=LoadReport)
    model_note: str | None = None
    results: dict[str, Any] = field(default_factory=dict)

    def window_posts(self) -> WindowPosts:
        if self.windows is not None:
            return self.windows
        return lambda brand, start, end: empty_scored()

    def result(self, name: str) -> Any:
        return self.results[name]

    def load(self) -> LoadReport:
        return self.load_report

    def model(self) -> str | None:
        return self.model_note


def in_order(analyses: Sequence[Analysis[Any]]) -> list[int]:
    """Positions of ``analyses`` with every analysis after those it needs."""
    names = {a.name: i for i, a in enumerate(analyses)}
    done: list[int] = []
    seen: set[int] = set()

    def visit(i: int, path: tuple[str, ...]) -> None:
        if i in seen:
            return
        for need in analyses[i].needs:
            if need not in names:
                raise ValueError(f"{analyses[i].name} needs {need}, which is not in the run")
            if need in path:
                raise ValueError(f"analyses need each other: {' -> '.join((*path, need))}")
            visit(names[need], (*path, need))
        seen.add(i)
        done.append(i)

    for i, a in enumerate(analyses):
        visit(i, (a.name,))
    return done


def finish_all(analyses: Sequence[Analysis[Any]], partials: Sequence[Any], ctx: Context, *,
               windows: WindowPosts | None = None, load: LoadReport | None = None,
               model: str | None = None) -> RunResults:
    """Finish every analysis from its merged partial (see :class:`RunResults`)."""
    run = RunResults(windows, load if load is not None else LoadReport(), model)
    for i in in_order(analyses):
        run.results[analyses[i].name] = analyses[i].finish(partials[i], ctx, run)
    return run


def needed_ranges(analyses: Sequence[Analysis[Any]], partials: Sequence[Any], ctx: Context
                  ) -> list[tuple[int, int]]:
    """The time ranges (UTC ns, ``[start, end)``, joined where they overlap) that the
    analyses want read again for the posts they name."""
    return join_ranges(r for a, p in zip(analyses, partials) if isinstance(a, NamesPosts)
                       for r in a.ranges(p, ctx))


def run_frame(analysis: Analysis[Any], chunk: Chunk, ctx: Context, *,
              load: LoadReport | None = None) -> Any:
    """``analysis`` over posts in memory: one chunk, its windows read from the frame."""
    return finish_all([analysis], [analysis.partial(chunk, ctx)], ctx,
                      windows=frame_window_posts(chunk.history), load=load).result(
        analysis.name)


