"""What makes two sightings of a post the same stored post: its key.

Ingest upserts by (platform, kind, key); a read that is given files as well leaves out the
stored copies of their posts by the same key. Both must agree, so the key is defined here
once.
"""

from __future__ import annotations

import hashlib

import pandas as pd


def post_keys(posts: pd.DataFrame) -> pd.Series:
    """The store key of each post: its id, or a hash of what it says, who and when.

    Some exports (research corpora, a few comment files) carry no id; such a post is the
    same post when kind, parent, author, time, text and chain are all the same.
    """
    keys = posts["id"].astype(object).copy()
    missing = keys == ""
    if missing.any():
        sub = posts.loc[missing]
        parts = (sub["kind"].astype(str) + "\x1f" + sub["parent_id"].astype(str) + "\x1f"
                 + sub["author_id"].astype(str) + "\x1f" + sub["author"].astype(str) + "\x1f"
                 + sub["created_at"].map(lambda t: t.isoformat()) + "\x1f"
                 + sub["text"].astype(str) + "\x1f" + sub["chain"].astype(str))
        keys[missing] = parts.map(
            lambda s: "~" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:24])
    return keys.astype(str)


def file_keys(posts: pd.DataFrame) -> pd.DataFrame:
    """(platform, kind, key) of loaded posts, to leave their stored copies out."""
    return pd.DataFrame({"platform": posts["platform"].astype(str),
                         "kind": posts["kind"].astype(str), "key": post_keys(posts)})
