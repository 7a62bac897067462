"""The export layouts brandscan recognises, as column maps onto the canonical posts table.

A layout is recognised by the columns it must have; the first match in :data:`LAYOUTS`
wins, so more specific layouts come first. Field sources are tried in order, per row:
the first non-empty value is used (weibo-crawler's 完整日期 is empty in older rows, where
日期 still has the day).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from brandscan.errors import BrandscanError


@dataclass(frozen=True)
class Layout:
    """How one crawler's export maps onto canonical fields."""

    name: str
    platform: str
    required: frozenset[str]
    fields: Mapping[str, tuple[str, ...]]
    description: str
    kind: str = "post"
    #: Fields whose sources are all joined (a title and a description make the text).
    joined: frozenset[str] = frozenset()
    #: Built from other canonical fields when the export has no link, e.g. weibo bids.
    url_template: str | None = None
    #: Columns that must be absent (tells a users file from a posts file, and so on).
    forbidden: frozenset[str] = frozenset()
    #: For forks that append one comment per row: the comment's own fields.
    comment_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: How the export names its files, for fields the rows may lack ("ced":
    #: ``<n>_<bid>_<uid>``; "weibo-crawler": ``<name>_<uid>`` or ``<name>/<uid>``); they
    #: are taken from the name when the column is empty throughout the file.
    file_name: str = ""

    @property
    def whole_file(self) -> bool:
        """Whether a file of this layout is read as one piece: its mapping looks at the
        whole file (fields from the file name), or it is a table of profiles."""
        return bool(self.file_name)

    def matches(self, columns: Iterable[str]) -> bool:
        cols = set(columns)
        return self.required <= cols and not (self.forbidden & cols)


def _f(**fields: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {k: (v,) if isinstance(v, str) else v for k, v in fields.items()}


_WEIBO_SEARCH = _f(
    id="id", text="微博正文", time="发布时间", author="用户昵称", author_id="user_id",
    reposts="转发数", comments="评论数", likes="点赞数", verified="user_authentication",
    bid="bid",
)

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "weibo-search+comments", "weibo", frozenset({"微博正文", "发布时间", "评论内容"}),
        _WEIBO_SEARCH, "dataabc/weibo-search fork with one comment per row",
        url_template="https://weibo.com/{author_id}/{bid}",
        comment_fields=_f(id="评论人ID", text="评论内容", time="评论时间", author="评论人昵称",
                          author_id="评论人ID", likes="点赞次数"),
    ),
    Layout(
        "weibo-search", "weibo", frozenset({"微博正文", "发布时间"}), _WEIBO_SEARCH,
        "dataabc/weibo-search keyword search CSV",
        url_template="https://weibo.com/{author_id}/{bid}",
    ),
    Layout(
        "weibo-crawler", "weibo", frozenset({"正文", "日期"}),
        _f(id="id", text="正文", time=("完整日期", "日期"), reposts="转发数", comments="评论数",
           likes="点赞数", bid="bid", author=("用户昵称", "screen_name"),
           author_id=("用户id", "user_id")),
        "dataabc/weibo-crawler user timeline CSV",
        url_template="https://weibo.com/{author_id}/{bid}", file_name="weibo-crawler",
    ),
    Layout(
        "weibo-crawler-json", "weibo",
        frozenset({"text", "created_at", "attitudes_count", "reposts_count"}),
        _f(id="id", text="text", time=("full_created_at", "created_at"),
           author=("screen_name", "user.screen_name"), author_id=("user_id", "user.id"),
           followers="user.followers_count", reposts="reposts_count",
           comments="comments_count", likes="attitudes_count", bid="bid"),
        "dataabc/weibo-crawler JSON backup",
        url_template="https://weibo.com/{author_id}/{bid}",
        forbidden=frozenset({"mblogid"}), file_name="weibo-crawler",
    ),
    Layout(
        "weibospider", "weibo", frozenset({"mblogid", "content", "created_at"}),
        _f(id=("mblogid", "_id"), text="content", time="created_at",
           author="user.nick_name", author_id="user._id", reposts="reposts_count",
           comments="comments_count", likes="attitudes_count", url="url",
           verified="user.verified_type"),
        "nghuyong/WeiboSpider JSON lines",
    ),
    Layout(
        "mediacrawler-xhs-comments", "xhs",
        frozenset({"comment_id", "note_id", "content", "pictures"}),
        _f(id="comment_id", parent_id="note_id", text="content", time="create_time",
           author="nickname", author_id=("user_id", "creator_hash"), likes="like_count",
           comments="sub_comment_count"),
        "NanmiCoder/MediaCrawler Xiaohongshu comments", kind="comment",
        forbidden=frozenset({"comment_like_count"}),
    ),
    Layout(
        "mediacrawler-weibo-comments", "weibo", frozenset({"comment_id", "note_id", "content"}),
        _f(id="comment_id", parent_id="note_id", text="content",
           time=("create_time", "create_date_time"), author="nickname",
           author_id=("user_id", "creator_hash"), likes=("comment_like_count", "like_count"),
           comments="sub_comment_count"),
        "NanmiCoder/MediaCrawler Weibo comments", kind="comment",
    ),
    Layout(
        "mediacrawler-xhs", "xhs", frozenset({"note_id", "desc", "time"}),
        _f(id="note_id", text=("title", "desc"), time="time", author="nickname",
           author_id=("user_id", "creator_hash"), likes="liked_count",
           comments="comment_count", reposts="share_count", url="note_url"),
        "NanmiCoder/MediaCrawler Xiaohongshu notes", joined=frozenset({"text"}),
    ),
    Layout(
        "mediacrawler-weibo", "weibo", frozenset({"note_id", "content", "create_time"}),
        _f(id="note_id", text="content", time=("create_time", "create_date_time"),
           author="nickname", author_id=("user_id", "creator_hash"), likes="liked_count",
           comments="comments_count", reposts="shared_count", url="note_url"),
        "NanmiCoder/MediaCrawler Weibo posts",
    ),
    Layout(
        "mediacrawler-douyin-comments", "douyin",
        frozenset({"comment_id", "aweme_id", "content"}),
        _f(id="comment_id", parent_id="aweme_id", text="content", time="create_time",
           author="nickname", author_id=("user_id", "creator_hash"), likes="like_count",
           comments="sub_comment_count"),
        "NanmiCoder/MediaCrawler Douyin comments", kind="comment",
    ),
    Layout(
        "mediacrawler-douyin", "douyin", frozenset({"aweme_id", "create_time"}),
        _f(id="aweme_id", text=("title", "desc"), time="create_time", author="nickname",
           author_id=("user_id", "creator_hash"), likes="liked_count",
           comments="comment_count", reposts="share_count", url="aweme_url"),
        "NanmiCoder/MediaCrawler Douyin videos", joined=frozenset({"text"}),
    ),
    Layout(
        "mediacrawler-bilibili-comments", "bilibili",
        frozenset({"comment_id", "video_id", "content"}),
        _f(id="comment_id", parent_id="video_id", text="content", time="create_time",
           author="nickname", author_id=("user_id", "creator_hash"), likes="like_count",
           comments="sub_comment_count"),
        "NanmiCoder/MediaCrawler Bilibili comments", kind="comment",
    ),
    Layout(
        "mediacrawler-bilibili", "bilibili", frozenset({"video_id", "create_time"}),
        _f(id="video_id", text=("title", "desc"), time="create_time", author="nickname",
           author_id=("user_id", "creator_hash"), likes="liked_count",
           comments="video_comment", reposts="video_share_count", url="video_url"),
        "NanmiCoder/MediaCrawler Bilibili videos", joined=frozenset({"text"}),
    ),
    Layout(
        "ced", "weibo", frozenset({"text", "time", "reposts", "likes"}),
        _f(id=("mid", "id"), text="text", time="time", reposts="reposts",
           comments="comments", likes="likes", followers="user.followers",
           author_id=("uid", "user.id")),
        "CED rumour corpus post (one JSON object)", file_name="ced",
    ),
    Layout(
        "ced-reposts", "weibo", frozenset({"text", "date", "uid", "parent"}),
        _f(id="mid", text="text", time="date", author_id="uid"),
        "CED rumour corpus reposts (JSON array)", file_name="ced",
    ),
)

#: weibo-crawler's users.csv: not posts, but the followers the posts files lack.
USERS_LAYOUT = Layout(
    "weibo-crawler-users", "weibo", frozenset({"用户id", "粉丝数"}),
    _f(author_id="用户id", author="昵称", followers="粉丝数", verified=("是否认证", "认证类型")),
    "dataabc/weibo-crawler users.csv (profiles: adds followers to posts by author id)",
    kind="user", file_name="weibo-crawler",
)

#: Column names that usually hold each field, for layouts brandscan does not know.
GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "微博正文", "正文", "内容", "文本", "body", "message", "review",
             "comment", "评论内容", "desc", "description", "full_text", "post"),
    "time": ("created_at", "time", "date", "发布时间", "日期", "时间", "timestamp",
             "publish_time", "published_at", "published", "create_time", "created", "datetime",
             "pub_time", "posted_at", "发表时间", "评论时间", "post_time"),
    "id": ("id", "post_id", "mid", "mblogid", "note_id", "weibo_id", "微博id", "status_id",
           "tweet_id", "_id"),
    "author": ("author", "nickname", "screen_name", "user_name", "username", "用户昵称", "昵称",
               "作者", "用户名", "user.screen_name", "user.name", "user.nick_name", "name"),
    "author_id": ("author_id", "user_id", "uid", "userid", "用户id", "user.id"),
    "followers": ("followers", "followers_count", "粉丝数", "fans", "user.followers_count",
                  "user.followers"),
    "reposts": ("reposts", "reposts_count", "shares", "share_count", "shared_count", "转发数",
                "retweets", "retweet_count", "转发"),
    "comments": ("comments", "comments_count", "comment_count", "评论数", "replies"),
    "likes": ("likes", "like_count", "liked_count", "attitudes_count", "点赞数", "favorites",
              "赞"),
    "url": ("url", "link", "note_url", "链接", "permalink"),
    "platform": ("platform", "平台", "source_platform"),
    "verified": ("verified", "user_authentication", "是否认证", "认证类型"),
}


def detect(columns: Iterable[str]) -> Layout | None:
    """The known layout these columns belong to, or None."""
    cols = list(columns)
    found = next((lay for lay in LAYOUTS if lay.matches(cols)), None)
    if found is None and USERS_LAYOUT.matches(cols):
        return USERS_LAYOUT
    return found


def guess(columns: Iterable[str], overrides: Mapping[str, str]) -> Layout:
    """A generic layout from common column names, with the user's mapping on top.

    Raises an error listing the columns found when no text or time column is known.
    """
    cols = [c for c in columns if c != "__line__"]
    lower = {c.lower().strip(): c for c in cols}
    fields: dict[str, tuple[str, ...]] = {}
    for name, candidates in GUESSES.items():
        hit = next((lower[c] for c in candidates if c in lower), None)
        if hit is not None:
            fields[name] = (hit,)
    for name, col in overrides.items():
        fields[name] = (col,)
    missing = [c for c in overrides.values() if c not in cols]
    if missing:
        raise BrandscanError(
            f"column '{missing[0]}' is not in the file; columns found: {_listing(cols)}")
    if "text" not in fields:
        raise BrandscanError(
            f"no text column recognised; columns found: {_listing(cols)}",
            hint="name it with --text-col COLUMN or columns.text in the config")
    return Layout("generic", "other", frozenset(), fields,
                  "columns guessed from their names" if not overrides else "column mapping")


def with_overrides(layout: Layout, overrides: Mapping[str, str], columns: Iterable[str]
                   ) -> Layout:
    """A known layout with some fields taken from the user's mapping instead."""
    if not overrides:
        return layout
    cols = list(columns)
    missing = [c for c in overrides.values() if c not in cols]
    if missing:
        raise BrandscanError(
            f"column '{missing[0]}' is not in the file; columns found: {_listing(cols)}")
    fields = dict(layout.fields)
    fields.update({k: (v,) for k, v in overrides.items()})
    return Layout(layout.name + "+mapping", layout.platform, layout.required, fields,
                  layout.description, layout.kind, layout.joined - set(overrides),
                  layout.url_template, layout.forbidden, layout.comment_fields,
                  layout.file_name)


def _listing(cols: list[str]) -> str:
    shown = ", ".join(cols[:20])
    return shown + (f", … ({len(cols)} in all)" if len(cols) > 20 else "")


_FILE_AUTHOR = re.compile(r"^(?P<name>.+?)_(?P<uid>\d{5,})$")


def author_from_filename(stem: str, parent: str) -> tuple[str, str]:
    """weibo-crawler names files ``<screen_name>/<user_id>.csv`` (or ``name_uid``)."""
    m = _FILE_AUTHOR.match(stem)
    if m:
        return m["name"], m["uid"]
    if stem.isdigit():
        return parent, stem
    return "", ""
