"""The canonical posts table: the one shape every loader produces and every analysis reads.

=============  ==========================  =================================================
column         dtype                       meaning
=============  ==========================  =================================================
platform       str                         weibo, xhs, douyin, bilibili or other
id             str                         the post's id on its platform ("" when unknown)
kind           str                         ``post`` or ``comment``
parent_id      str                         for a comment, the id of the post it answers
text           str                         the text analysed: the author's own words
                                           (for a pure repost, the repost chain)
chain          str                         the ``//@user:`` repost chain, "" when none
is_repost      bool                        own words empty or only 转发微博
created_at     datetime64[ns, <timezone>]  when it was posted, in the configured timezone
author         str                         display name
author_id      str                         platform user id ("" when unknown)
followers      Int64 (nullable)            author's followers, when the export says
verified       str                         verification (蓝V/黄V/红V/金V/普通用户) or ""
reposts        int64                       reposts/shares (0 when missing)
comments       int64                       comments
likes          int64                       likes
engagement     int64                       reposts + comments + likes
url            str                         link to the post ("" when unknown)
source_file    str                         the input file it came from
source_line    int64                       its line (CSV/JSONL) or item number (JSON), 1-based
=============  ==========================  =================================================

Scoring (:func:`brandscan.text.scoring.score_posts`) adds ``brands`` (``;``-joined),
``sentiment`` (the model's own 0..1 score, float64), ``label`` (positive/neutral/negative),
``label_rule`` (the rule that moved the label, "" for none), ``genre`` (opinion, news, ad,
spam, official), ``genre_rule`` (why), ``voice`` (bool: its genre is one the sentiment mix
counts, ``sentiment.genres`` / ``--genre``) and ``categories``.
"""

from __future__ import annotations

import pandas as pd

POST_COLUMNS: tuple[str, ...] = (
    "platform", "id", "kind", "parent_id", "text", "chain", "is_repost", "created_at",
    "author", "author_id", "followers", "verified", "reposts", "comments", "likes",
    "engagement", "url", "source_file", "source_line",
)
STRING_COLUMNS: tuple[str, ...] = (
    "platform", "id", "kind", "parent_id", "text", "chain", "author", "author_id", "verified",
    "url", "source_file",
)
COUNT_COLUMNS: tuple[str, ...] = ("reposts", "comments", "likes")
SCORED_COLUMNS: tuple[str, ...] = ("brands", "thread", "sentiment", "label", "label_rule",
                                   "genre", "genre_rule", "voice", "categories")

#: Post genres (see :mod:`brandscan.text.genre`), in the order tables list them.
GENRES: tuple[str, ...] = ("opinion", "news", "ad", "spam", "official")
#: The genres whose posts carry the sentiment mix, complaints and negative posts by default.
VOICE_GENRES: tuple[str, ...] = ("opinion",)
#: Sentiment labels, in the order tables list them.
LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
#: The "brand" of every post when no brand is configured (alerts, share of voice, report).
ALL_POSTS = "(all posts)"
#: The columns of the report's most engaging negative posts.
TOP_POST_COLUMNS: tuple[str, ...] = ("created_at", "author", "followers", "reposts",
                                     "comments", "likes", "sentiment", "text", "url")


def empty_posts(tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """A canonical posts frame with no rows but the right dtypes."""
    return conform(pd.DataFrame({c: [] for c in POST_COLUMNS}), tz)


def empty_scored(tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """A scored posts frame (canonical and scored columns) with no rows."""
    out = empty_posts(tz)
    for col in SCORED_COLUMNS:
        out[col] = pd.Series([], dtype={"sentiment": "float64", "voice": "bool",
                                        "thread": "bool"}.get(col, object))
    return out


def conform(df: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Give a frame holding the canonical columns their canonical dtypes and order."""
    out = pd.DataFrame(index=df.index)
    for col in POST_COLUMNS:
        values = df.get(col)
        if col in STRING_COLUMNS:
            out[col] = (values.fillna("").astype(str) if values is not None
                        else pd.Series("", index=df.index, dtype=str))
        elif col in (*COUNT_COLUMNS, "engagement", "source_line"):
            out[col] = (pd.to_numeric(values, errors="coerce").fillna(0).astype("int64")
                        if values is not None else pd.Series(0, index=df.index, dtype="int64"))
        elif col == "followers":
            out[col] = (pd.to_numeric(values, errors="coerce").astype("Int64")
                        if values is not None else pd.Series(pd.NA, index=df.index,
                                                             dtype="Int64"))
        elif col == "is_repost":
            out[col] = (values.fillna(False).astype(bool) if values is not None
                        else pd.Series(False, index=df.index, dtype=bool))
        elif col == "created_at":
            ts = (pd.to_datetime(values, utc=True) if values is not None
                  else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]"))
            out[col] = ts.dt.tz_convert(tz).astype(f"datetime64[ns, {tz}]")
    out["engagement"] = out["reposts"] + out["comments"] + out["likes"]
    return out.reset_index(drop=True)
