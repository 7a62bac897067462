"""Raw records -> canonical posts (see :mod:`brandscan.schema`): a file's layout, the
mapping of its columns, and the parsing of its values, with every row accounted for.

The same functions map a whole file and one chunk of a big file; what a chunk cannot
know by itself (the last row of each post in a comment-per-row file) is handed to it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from brandscan.errors import BrandscanError
from brandscan.files import shown
from brandscan.load import values
from brandscan.load.accounting import FileReport
from brandscan.load.layouts import (
    USERS_LAYOUT,
    Layout,
    author_from_filename,
    detect,
    guess,
    with_overrides,
)
from brandscan.load.options import LoadOptions
from brandscan.load.rows import Skip
from brandscan.load.verified import verified_values
from brandscan.schema import conform


def file_layout(columns: list[str], path: str, opts: LoadOptions, fr: FileReport) -> Layout:
    """The layout of a file with these columns (all of them, JSON meta keys included).

    Fills the file's report (layout, mapping and, for posts, the reference time of
    relative times); raises for a file brandscan cannot map.
    """
    try:
        layout = detect(columns)
    except BrandscanError as exc:
        raise BrandscanError(exc.message, where=path) from None
    try:
        layout = (with_overrides(layout, opts.columns, columns) if layout is not None
                  else guess(columns, opts.columns))
    except BrandscanError as exc:
        raise BrandscanError(exc.message, where=path, hint=exc.hint) from None
    fr.layout, fr.layout_description = layout.name, layout.description
    if layout is USERS_LAYOUT:
        fr.mapping = {k: v[0] for k, v in layout.fields.items()}
        return layout
    fr.mapping = {k: " + ".join(v) if k in layout.joined else _first_present(v, columns)
                  for k, v in layout.fields.items() if _first_present(v, columns)}
    if "time" not in fr.mapping and opts.date is None:
        raise BrandscanError(
            f"no time column; columns found: {', '.join(columns[:20])}", where=path,
            hint="name it with --time-col COLUMN, or give the day of the whole file with "
                 "--date YYYY-MM-DD")
    fr.now = opts.now or datetime.fromtimestamp(os.path.getmtime(path), ZoneInfo(opts.tz))
    return layout


def frame_posts(frame: pd.DataFrame, meta: Mapping[str, object], layout: Layout, path: str,
                opts: LoadOptions, now: datetime, fr: FileReport, *,
                post_lines: pd.Index | None = None) -> pd.DataFrame:
    """Raw records of a file (all of them, or one chunk) -> canonical posts.

    Skipped rows and relative times go to ``fr``. ``post_lines``, for layouts that
    append one comment per row, names the rows each post is rebuilt from (the last row
    of that post in the whole file): a chunk then rebuilds exactly the posts the whole
    file would.
    """
    for key, value in meta.items():
        if key not in frame:
            frame[key] = value
    stem, parent = Path(path).stem, Path(path).resolve().parent.name
    if layout.comment_fields:
        return _comment_rows(frame, layout, path, opts, now, fr, post_lines)
    out = _map(frame, layout, path, list(frame.columns), stem, parent)
    return _parse(out, layout, path, opts, now, fr)


def comment_post_ids(frame: pd.DataFrame, layout: Layout, path: str) -> pd.Series:
    """The raw post id of each row of a comment-per-row file, as the loader dedupes them."""
    stem, parent = Path(path).stem, Path(path).resolve().parent.name
    return _map(frame, layout, path, list(frame.columns), stem, parent)["id"]


def _first_present(candidates: tuple[str, ...], columns: list[str]) -> str:
    return next((c for c in candidates if c in columns), "")


def _coalesce(frame: pd.DataFrame, candidates: tuple[str, ...], joined: bool) -> pd.Series:
    present = [c for c in candidates if c in frame]
    if not present:
        return pd.Series("", index=frame.index, dtype=object)
    cols = [frame[c].where(frame[c].notna(), "") for c in present]
    if joined:
        out = cols[0].astype(str)
        for c in cols[1:]:
            c = c.astype(str)
            out = (out + " " + c).where((out != "") & (c != ""), out + c)
        return out
    result = cols[0]
    for c in cols[1:]:
        empty = result.astype(str).str.strip() == ""
        result = result.where(~empty, c)
    return result


def _read_verified(out: pd.DataFrame, frame: pd.DataFrame, layout: Layout) -> None:
    """Flags and Weibo type codes in the verification column become true/false (see
    :mod:`brandscan.load.verified`), read by the column each cell came from."""
    present = [c for c in layout.fields.get("verified", ()) if c in frame]
    if not present:
        return
    result = None
    for column in present:
        cells = verified_values(frame[column], column)
        cells = cells.where(cells.notna(), "")
        result = cells if result is None else result.where(
            result.astype(str).str.strip() != "", cells)
    out["verified"] = result


def _map(frame: pd.DataFrame, layout: Layout, path: str, columns: list[str], stem: str,
         parent: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for name, candidates in layout.fields.items():
        out[name] = _coalesce(frame, candidates, name in layout.joined)
    _read_verified(out, frame, layout)
    out["__line__"] = frame["__line__"]
    if layout.file_name == "ced":
        # CED names each file <n>_<bid>_<uid>.json: the id and author live in the name.
        parts = stem.split("_")
        if "id" not in out or (out["id"].astype(str) == "").all():
            out["id"] = parts[1] if len(parts) >= 3 and layout.name == "ced" else ""
        if layout.name == "ced" and len(parts) >= 3 and (
                "author_id" not in out or (out["author_id"].astype(str) == "").all()):
            out["author_id"] = parts[2]
    if layout.file_name == "weibo-crawler" and (
            "author" not in out or (out["author"].astype(str) == "").all()):
        name, uid = author_from_filename(stem, parent)
        out["author"] = name
        if "author_id" not in out or (out["author_id"].astype(str) == "").all():
            out["author_id"] = uid
    out["kind"] = layout.kind
    if "platform" not in layout.fields:
        out["platform"] = layout.platform
    return out


def _comment_rows(frame: pd.DataFrame, layout: Layout, path: str, opts: LoadOptions,
                  now: datetime, fr: FileReport, post_lines: pd.Index | None = None
                  ) -> pd.DataFrame:
    """A fork writing one comment per row: each row is a comment; its post is rebuilt once."""
    columns = list(frame.columns)
    stem, parent = Path(path).stem, Path(path).resolve().parent.name
    posts = _map(frame, layout, path, columns, stem, parent)
    comment_layout = Layout(layout.name, layout.platform, layout.required,
                            layout.comment_fields, layout.description, kind="comment",
                            file_name=layout.file_name)
    comments = _map(frame, comment_layout, path, columns, stem, parent)
    comments["parent_id"] = posts["id"]
    # A comment id is not exported; commenter + time + text identify it within its post.
    comments["id"] = ""
    has_comment = comments["text"].astype(str).str.strip() != ""
    # A row without a comment only repeats its post (rebuilt once, below): counted here,
    # so that rows read + posts rebuilt = used + skipped + duplicates still holds.
    fr.skipped.extend(Skip(path, int(ln), "no comment (the row only repeats its post)")
                      for ln in frame.loc[~has_comment, "__line__"])
    parsed_comments = _parse(comments[has_comment], comment_layout, path, opts, now, fr)
    if len(parsed_comments):
        parsed_comments["id"] = (parsed_comments["parent_id"] + "/"
                                 + parsed_comments["author_id"] + "/"
                                 + parsed_comments["created_at"].astype("int64").astype(str))
    post_rows = posts.drop_duplicates("id", keep="last")
    if post_lines is not None:
        post_rows = post_rows[post_rows["__line__"].isin(post_lines)]
    sub = FileReport(path=path)
    parsed_posts = _parse(post_rows, layout, path, opts, now, sub)
    fr.derived_posts = len(parsed_posts)
    fr.relative_times += sub.relative_times
    return pd.concat([parsed_posts, parsed_comments], ignore_index=True)


def _parse(out: pd.DataFrame, layout: Layout, path: str, opts: LoadOptions, now: datetime,
           fr: FileReport) -> pd.DataFrame:
    tz = ZoneInfo(opts.naive_tz)  # the files' wall clock; conform() shows them in opts.tz
    text = out["text"] if "text" in out else pd.Series("", index=out.index)
    text = text.astype(object).where(text.notna(), "").astype(str)
    text = values.clean_texts(text)
    long = (text.str.len() > opts.max_text).to_numpy(dtype=bool)
    if long.any():
        fr.truncated_text += int(long.sum())
        text = text.where(~long, text.str.slice(0, opts.max_text))
    skipped: list[Skip] = []

    empty = text.str.strip() == ""
    skipped += [Skip(path, int(ln), "empty text") for ln in out.loc[empty, "__line__"]]

    if "time" in out and (out["time"].astype(str).str.strip() != "").any():
        raw_time = out["time"]
        created = values.parse_times(raw_time, tz=tz, now=now)
        relative = values.relative_time_mask(raw_time)
        fr.relative_times += int((relative & created.notna()).sum())
    elif opts.date is not None:
        raw_time = pd.Series("", index=out.index)
        # A day typed on the command line, like --since: in the zone times are shown in.
        start = datetime.combine(opts.date, time(0), ZoneInfo(opts.tz))
        created = pd.Series(pd.Timestamp(start), index=out.index)
    else:
        raw_time = out.get("time", pd.Series("", index=out.index))
        created = pd.Series(pd.NaT, index=out.index, dtype=f"datetime64[ns, {opts.tz}]")
    bad_time = created.isna() & ~empty
    for ln, value in zip(out.loc[bad_time, "__line__"], raw_time[bad_time]):
        v = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        reason = f"unparseable time: {v[:40]!r}" if v.strip() else "no time"
        skipped.append(Skip(path, int(ln), reason))
    keep = ~empty & ~bad_time
    fr.skipped.extend(sorted(skipped, key=lambda s: s.line))

    res = out[keep].copy()
    text = text[keep]
    res["created_at"] = created[keep]
    for col in ("reposts", "comments", "likes"):
        if col in res:
            res[col] = values.parse_counts(res[col])[0]
    if "followers" in res:
        res["followers"] = values.parse_counts(res["followers"])[0].where(
            res["followers"].astype(str).str.strip() != "")
    own, chain = values.split_repost_chains(text)
    own = own.str.strip()
    has_chain = chain != ""
    pure = pd.Series(False, index=own.index)
    pure[has_chain] = own[has_chain].map(values.is_pure_repost).astype(bool)
    res["chain"] = chain
    res["is_repost"] = pure
    if opts.keep_chain:
        res["text"] = text
    else:
        res["text"] = own.where(~pure, chain)
    for col in ("id", "author_id", "parent_id"):
        if col in res:
            res[col] = res[col].astype(object).where(res[col].notna(), "").astype(str).str.strip()
            res[col] = res[col].str.replace(r"\.0$", "", regex=True)
    if layout.url_template and "bid" in res:
        bid = res["bid"].astype(str)
        built = "https://weibo.com/" + res["author_id"].astype(str) + "/" + bid
        res["url"] = built.where((bid.str.strip() != "") & (res["author_id"] != ""), "")
    res["source_file"] = shown(path)
    res["source_line"] = res["__line__"]
    return conform(res, opts.tz)


def add_followers(posts: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """Fill followers (and empty author names) from user profiles, matched on author id."""
    users = users.drop_duplicates("author_id", keep="last").set_index("author_id")
    ids = posts["author_id"]
    followers = ids.map(users["followers"]).astype("Int64")
    posts["followers"] = posts["followers"].fillna(followers)
    names = ids.map(users["author"]).fillna("")
    posts["author"] = posts["author"].where(posts["author"] != "", names)
    verified = ids.map(users["verified"]).fillna("")
    posts["verified"] = posts["verified"].where(posts["verified"] != "", verified)
    return posts


def load_users(frame: pd.DataFrame, layout: Layout, path: str, fr: FileReport
               ) -> pd.DataFrame:
    """A users file's profiles (author id, name, followers, verification); rows without
    an id are skipped."""
    out = pd.DataFrame({name: _coalesce(frame, cols, False) for name, cols in
                        layout.fields.items()})
    _read_verified(out, frame, layout)
    out["author_id"] = out["author_id"].astype(str).str.strip()
    bad = out["author_id"] == ""
    fr.skipped.extend(Skip(path, int(ln), "no user id") for ln in frame.loc[bad, "__line__"])
    out = out[~bad]
    counts, _ = values.parse_counts(out["followers"])
    out["followers"] = counts.where(out["followers"].astype(str).str.strip() != "")
    out["author"] = out["author"].fillna("").astype(str)
    out["verified"] = out["verified"].fillna("").astype(str)
    fr.used = len(out)
    return out
