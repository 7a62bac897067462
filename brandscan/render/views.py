"""Terminal views: which columns of a command's table a person at a terminal sees first.

A table written to a pipe or a file keeps every column (CSV, JSON…); on a terminal the
width is limited, so each table names its columns in priority order. The table fitter
(:mod:`brandscan.render.table`) shows the longest run of them that fits, keeps numbers,
dates and names whole, gives the free-text column (the post text, an example) what
width is left and cuts only it, and says which columns it left out. When fewer than
``min_columns`` of them fit, the rows are drawn as records instead (one block per row,
a ``field  value`` line per column), as ``inspect`` is at 80 columns.

Columns keep the table's own order on the screen (the text column last, where cutting
it hurts least); the priority order only decides which are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """How one table is shown on a terminal.

    ``columns``: the columns worth the width, most important first (columns a frame
    lacks are passed over; columns not listed are left out, and the caption says so).
    ``text``: the free-text column among them, cut to one line, or None.
    ``min_columns``: fewer of ``columns`` than this fit beside each other → records.
    """

    columns: tuple[str, ...]
    text: str | None = None
    min_columns: int = 1

    def __post_init__(self) -> None:
        if self.text is not None and self.text not in self.columns:
            raise ValueError(f"text column {self.text} is not among the view's columns")


#: Columns that hold free text wherever they appear: a table with no view of its own
#: gives the first of them the spare width.
TEXT_COLUMNS = ("text", "example", "top_post_text", "chain", "reason", "detail",
                "skip_reasons", "mapping", "categories", "url")

VIEWS: dict[str, View] = {
    # brandscan timeline: the volume first, then how negative it was.
    "timeline": View(("period", "mentions", "negative_share", "negative", "positive",
                      "neutral", "mean_sentiment", "engagement"), min_columns=2),
    "brand-timeline": View(("period", "brand", "mentions", "negative_share", "negative",
                            "positive", "neutral", "mean_sentiment", "engagement"),
                           min_columns=3),
    # brandscan complaints: the term, how many negative posts and accounts, an example.
    "complaints": View(("rank", "term", "category", "negative_posts", "example", "authors",
                        "share", "score", "other_posts", "engagement"),
                       text="example", min_columns=2),
    "complaint-categories": View(("rank", "category", "negative_posts", "share", "example",
                                  "engagement"), text="example", min_columns=2),
    # brandscan posts: when, who, how it was read, which brands, what it says.
    "posts": View(("created_at", "author", "label", "brands", "text", "genre", "sentiment",
                   "engagement", "kind", "followers", "url"), text="text", min_columns=2),
    # brandscan inspect: a handful of files, each with many facts; records below 9.
    "inspect-files": View(("file", "layout", "encoding", "rows_read", "used", "skipped",
                           "duplicates", "first", "last", "skip_reasons", "error", "posts",
                           "comments", "derived_posts", "filtered", "format",
                           "relative_times", "truncated_text", "mapping"),
                          text="skip_reasons", min_columns=9),
    "inspect-skipped": View(("file", "line", "reason"), text="reason", min_columns=2),
    "inspect-brand": View(("brand", "kind", "posts", "clause"), text="clause",
                          min_columns=3),
    # brandscan influencers: who, their reach, then their most engaging post.
    "influencers": View(("rank", "author", "followers", "reach", "engagement",
                         "top_post_text", "drove_spike", "posts", "negative_posts",
                         "mean_sentiment", "reposted_in_chains", "verified", "reach_basis",
                         "top_post_time", "top_post_engagement"),
                        text="top_post_text", min_columns=3),
    # brandscan sov (and the report's share of voice).
    "sov": View(("period", "brand", "mentions", "share_of_voice", "net_sentiment",
                 "negative", "positive", "neutral", "mean_sentiment", "engagement"),
                min_columns=3),
    # brandscan evaluate: the headline figures, then the confusion matrix.
    "evaluation": View(("group", "n", "accuracy", "macro_f1", "roc_auc", "decided_accuracy",
                        "true_neg", "false_pos", "false_neg", "true_pos", "pred_positive",
                        "pred_neutral", "pred_negative"), min_columns=3),
    "evaluation-classes": View(("group", "truth", "precision", "recall", "f1", "support",
                                "as_positive", "as_neutral", "as_negative"), min_columns=3),
    # The report's response times: the incident, whether it was answered in time, by whom.
    "response": View(("brand", "incident_start", "status", "delay_hours", "target_hours",
                      "responder", "responded_at", "trigger_author", "response_rule",
                      "passed_over"), min_columns=3),
}


def view_for(name: str | None, columns: Sequence[str]) -> View:
    """The named view, else one that keeps every column in order (the first free-text
    column, if any, cut last)."""
    if name is not None:
        return VIEWS[name]
    cols = tuple(str(c) for c in columns)
    text = next((c for c in TEXT_COLUMNS if c in cols), None)
    return View(cols, text=text)
