"""Who drives the conversation: authors ranked by reach, with their loudest post.

Reach is the author's followers when the export (or a ``--users`` file) has them, else the
engagement their posts earned in the window — search exports such as weibo-search carry no
follower counts, and engagement is then the best trace of who was heard. ``reach_basis``
says which one a row uses, because the two are not on the same scale.

An author whose single post earned at least ``alerts.dominant_share`` of all engagement in
an alert's window is flagged in ``drove_spike``: the spike is that post, and the answer is
to that author.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from brandscan.config import Config

INFLUENCER_COLUMNS = ("rank", "author", "author_id", "verified", "followers", "reach",
                      "reach_basis", "posts", "engagement", "mean_sentiment", "negative_posts",
                      "reposted_in_chains", "top_post_time", "top_post_engagement",
                      "top_post_text", "top_post_url", "drove_spike")

_CHAIN_AUTHOR = re.compile(r"(?:^|//)@([^:：\s/]+)[:：]")


def dominant_posts(alerts: pd.DataFrame, posts: pd.DataFrame, config: Config
                   ) -> dict[str, list[str]]:
    """Authors whose one post dominated an incident's engagement -> where, as text."""
    from brandscan.analyze.alerts import brand_rows
    from brandscan.analyze.response import incidents

    out: dict[str, list[str]] = {}
    if alerts.empty or posts.empty:
        return out
    for inc in incidents(alerts, config):
        hour_start = inc.start.floor("h")
        end = inc.end if inc.end is not None else posts["created_at"].max() + pd.Timedelta(1)
        rows = brand_rows(posts, inc.brand)
        win = rows[(rows["created_at"] >= hour_start) & (rows["created_at"] < end)]
        total = win["engagement"].sum()
        if not len(win) or total <= 0:
            continue
        top = win.loc[win["engagement"].idxmax()]
        share = top["engagement"] / total
        if share >= config.alerts.dominant_share:
            key = _key(top["author"], top["author_id"])
            out.setdefault(key, []).append(
                f"{inc.brand} {hour_start:%Y-%m-%d %H:%M} ({share:.0%} of engagement)")
    return out


def _key(author: str, author_id: str) -> str:
    return author_id or author


def influencers(scored: pd.DataFrame, config: Config, *, alerts: pd.DataFrame | None = None,
                history: pd.DataFrame | None = None, top: int = 20) -> pd.DataFrame:
    """Authors ranked by reach, then engagement (see the module docstring).

    ``alerts`` (from :func:`~brandscan.analyze.alerts.detect_alerts`) and ``history``
    (the scored posts the alerts were found in) fill ``drove_spike``.
    """
    df = scored[(scored["author"] != "") | (scored["author_id"] != "")]
    if df.empty:
        return pd.DataFrame({c: [] for c in INFLUENCER_COLUMNS})
    df = df.assign(_key=[_key(a, i) for a, i in zip(df["author"], df["author_id"])],
                   _neg=(df["label"] == "negative").astype(int))
    g = df.groupby("_key", sort=False)
    best = df.sort_values(["engagement", "created_at"], ascending=[False, True]).groupby(
        "_key", sort=False).head(1).set_index("_key")
    last = df.sort_values("created_at").groupby("_key", sort=False).tail(1).set_index("_key")
    out = pd.DataFrame({
        "author": last["author"],
        "author_id": last["author_id"],
        "verified": g["verified"].agg(lambda s: next((v for v in s if v), "")),
        "followers": g["followers"].max(),
        "posts": g.size(),
        "engagement": g["engagement"].sum(),
        "mean_sentiment": g["sentiment"].mean(),
        "negative_posts": g["_neg"].sum(),
    })
    known = out["followers"].notna()
    out["reach"] = np.where(known, out["followers"].astype("Float64").fillna(0).astype(float),
                            out["engagement"].astype(float)).astype("int64")
    out["reach_basis"] = np.where(known, "followers", "engagement")
    chains = scored["chain"].str.findall(_CHAIN_AUTHOR).explode().dropna()
    chain_counts = chains.value_counts()
    out["reposted_in_chains"] = out["author"].map(chain_counts).fillna(0).astype("int64")
    out["top_post_time"] = best["created_at"]
    out["top_post_engagement"] = best["engagement"]
    out["top_post_text"] = best["text"]
    out["top_post_url"] = best["url"]
    flags = (dominant_posts(alerts, history if history is not None else scored, config)
             if alerts is not None else {})
    out["drove_spike"] = ["; ".join(flags.get(k, [])) for k in out.index]
    out = out.sort_values(["reach", "engagement", "posts"], ascending=False, kind="stable")
    out = out.head(top).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    out["followers"] = out["followers"].astype("Int64")
    return out.loc[:, list(INFLUENCER_COLUMNS)]
