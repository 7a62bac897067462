"""The rows ``brandscan posts`` lists: the scored posts of the window, narrowed to some
sentiment labels and genres.

Filters only: every listed row is exactly as scored (the same columns, labels and genres
the other commands count), so a listing can be checked against a report's numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from brandscan.errors import UsageError
from brandscan.schema import LABELS


def parse_labels(values: Sequence[str], *, what: str = "--label") -> tuple[str, ...]:
    """Label names (repeated or comma-separated) in :data:`LABELS` order; an unknown name
    is a usage error naming the known ones."""
    names = [v.strip() for value in values for v in str(value).split(",") if v.strip()]
    unknown = [n for n in names if n not in LABELS]
    if unknown or (values and not names):
        raise UsageError(f"{what}: unknown label '{unknown[0] if unknown else ''}'",
                         hint=f"use {', '.join(LABELS)}")
    return tuple(lab for lab in LABELS if lab in names)


def list_posts(scored: pd.DataFrame, *, labels: Sequence[str] = (),
               genres: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of ``scored`` whose ``label`` is one of ``labels`` and whose ``genre`` is
    one of ``genres`` (an empty selection keeps every row), in their order."""
    keep = pd.Series(True, index=scored.index)
    if labels:
        keep &= scored["label"].isin(list(labels))
    if genres:
        keep &= scored["genre"].isin(list(genres))
    return scored[keep].reset_index(drop=True) if not keep.all() else scored
