"""What kind of post it is: ``opinion``, ``news``, ``ad``, ``spam`` or ``official``.

Analysts read a brand's sentiment from what people say about it. A Weibo search for a
brand also returns stock bots, service-number SEO posts, lotteries, dealers' promotions,
media reports and the brand's own posts; scored as opinions they swamp the mix (on a
TV brand, 69 of 117 "negative" posts were one SEO template). Every post gets a genre, by
these rules, first match wins:

1. ``official``: written by one of a configured brand's ``official_accounts``;
2. ``spam``: text not written for people: stock bots and auto-posts (点击链接查看更多,
   我刚刚调仓了, 我免费围观了), service-number SEO (…售后服务电话… with 全国/网点/400…),
   posts that are only hashtags, and **templates**: the same text (after @mentions,
   links, hashtags and digits are taken out, 30 characters or more) written by 3 or more
   accounts, found by MinHash over character 4-grams with LSH banding
   (:class:`TemplateIndex`, over every post the run reads, so that chunks agree);
3. ``ad``: selling or promoting: lotteries (转发抽奖), coupons, shop links, 代购,
   invitation codes, dealers' hand-over posts (喜提…交车), "DM me" contacts;
4. ``news``: reporting: a headline in 【…】, 据…报道, a shared article (发布了头条文章),
   a media account (…新闻, …日报, …财经, 汽车之家…);
5. ``opinion``: everything else — a person's own words.

Comments are read the same way except for the news rules: a comment is never news.
Each post also gets the name of the rule that decided (``genre_rule``), so an analyst can
see why a post was set apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brandscan.schema import GENRES, VOICE_GENRES

__all__ = ["GENRES", "VOICE_GENRES", "TemplateIndex", "classify", "repeated"]


_SPAM: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("stock-bot", re.compile(
        r"点击链接查看更多|我刚刚(?:调仓|关注|买入|卖出)了|我免费围观了|委托(?:买入|卖出)"
        r"|模拟组合|大额现金红包|幸运大转盘|(?:[sS][hHzZ]|hk|HK)\d{5,6}.{0,40}"
        r"(?:[sS][hHzZ]|hk|HK)\d{5,6}.{0,40}(?:[sS][hHzZ]|hk|HK)\d{5,6}")),
    ("service-number", re.compile(
        r"(?:售后|维修|客服|服务)(?:服务)?(?:中心|网点)?(?:电话|热线)[^。！!]{0,40}"
        r"(?:全国|统一|各区|网点|官方网站|400|24小时)"
        r"|(?:全国|各区|统一)[^。！!]{0,20}(?:售后|维修)(?:服务)?(?:中心|网点)?(?:电话|热线)")),
)
_AD: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("lottery", re.compile(r"抽奖|转发(?:此条|此微博|本微博|并关注|\+关注|关注)?.{0,12}抽"
                           r"|抽\s*\d+\s*(?:位|个|名)|开奖|送出\d|参与抽|中奖名单")),
    ("promotion", re.compile(
        r"优惠券|领券|券后|包邮|秒杀|限时(?:特价|优惠|抢购)|下单立减|到手价|拍下|代购|邀请码"
        r"|团购价|购车热线|咨询电话|预约试驾|欢迎(?:到店|进店|品鉴|咨询)|私信(?:我|咨询)"
        r"|加(?:微|V|v|薇|威)[信:：]?|vx[:：]|直播间抢")),
    ("contact", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|联系电话?[:：]?\s*\d|仅售|着急变现"
                           r"|急售|转让价|跟好直播|直播的节奏")),
    ("dealer", re.compile(r"喜提.{0,20}(?:交车|提车)|交车只是服务的开始|恭喜.{0,10}(?:先生|女士)"
                          r".{0,4}(?:喜提|提车)")),
)
_NEWS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("article", re.compile(r"发布了头条文章|调研纪要|纪要分享|^【图】")),
    ("headline", re.compile(r"^\s*(?:#[^#]{1,30}#\s*)*【[^】]{6,}】")),
    ("reported", re.compile(
        r"据[^，。,]{0,14}(?:报道|消息|获悉|介绍|统计|数据|通报)"
        r"|(?:记者|笔者)[^，。]{0,10}(?:获悉|了解到|从)"
        r"|(?:新华社|中新网|中新社|央视|人民网|澎湃|财联社)[^，。]{0,6}(?:讯|消息|报道)"
        r"|北京时间|当地时间|(?:警方|官方|部门)(?:通报|获悉|核实)")),
    ("syndicated", re.compile(
        r"^\s*#[^#]{0,12}(?:讯|新闻|看点|快讯|资讯|车讯|财经|车市|身边事|突发|热点|速报|通报"
        r"|看盘)[^#]{0,6}#"
        r"|@(?:新浪财经|新浪科技|[^\s@]{0,10}(?:新闻|日报|财经))\s*O")),
    ("dateline", re.compile(
        r"^\s*(?:#[^#]{2,40}#\s*)?[^，。！？]{0,30}?(?:\d{4}年)?\d{1,2}月\d{1,2}日")),
)
_MEDIA_AUTHOR = re.compile(
    r"新闻|日报|晚报|早报|时报|商报|晨报|周刊|杂志|电视台|广播|传媒|财经|证券|快讯|头条"
    r"|资讯|观察|在线$|网$|快报|新浪|汽车之家|爱卡|懂车帝|易车|太平洋汽车|车评|融媒|发布$|政务")
_SHOP_AUTHOR = re.compile(r"广场$|商城|旗舰店|专卖店|4S店|汽车销售|车行|二手车|商贸|专营")
_HASHTAG = re.compile(r"#[^#]{1,40}#")
_STRIP = re.compile(r"https?://\S+|@[\w\-·]+|#[^#]{1,40}#|[0-9０-９]+|L\S{1,30}的微博视频"
                    r"|[\s\W_]+")


def skeleton(text: str) -> str:
    """The words a template keeps: no @mentions, links, hashtags, digits, punctuation."""
    return _STRIP.sub("", text)


#: MinHash size and LSH banding: 16 hashes in 4 bands of 4 rows put two posts in the same
#: bucket with probability 0.5 at a Jaccard similarity of about 0.84 and 0.98 at 0.95.
_HASHES, _BANDS = 16, 4
_SHINGLE = 4
_MIN_CHARS = 30  # shorter texts (求中奖, 哈哈哈, 好吃) repeat innocently
_MIX = np.array([0x9E3779B97F4A7C15 ^ (i * 0xBF58476D1CE4E5B9 % 2**64) | 1
                 for i in range(1, _HASHES + 1)], dtype=np.uint64)


def char_windows(texts: Sequence[str], width: int, min_chars: int
                 ) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
    """The runs of ``width`` characters of every text at least ``min_chars`` long,
    vectorised: (the positions of those texts, how many runs each has, all their
    characters end to end as uint64 code points, and where each run starts in them)."""
    keep = [i for i, s in enumerate(texts) if len(s) >= max(min_chars, width)]
    if not keep:
        empty = np.empty(0, dtype=np.int64)
        return keep, empty, np.empty(0, dtype=np.uint64), empty
    codes = [np.frombuffer(texts[i].encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
             for i in keep]
    counts = np.array([len(c) - width + 1 for c in codes])
    chars = np.concatenate(codes)
    starts = np.concatenate([[0], np.cumsum([len(c) for c in codes])[:-1]])
    pos = np.concatenate([s + np.arange(n) for s, n in zip(starts, counts)])
    return keep, counts, chars, pos


def minhash(skeletons: Sequence[str]) -> np.ndarray:
    """MinHash signatures (``len x 16`` uint64) over character 4-grams, vectorised over
    all texts at once; rows of texts shorter than ``_MIN_CHARS`` (30) are all zero."""
    sig = np.zeros((len(skeletons), _HASHES), dtype=np.uint64)
    keep, lengths, chars, pos = char_windows(skeletons, _SHINGLE, _MIN_CHARS)
    if not keep:
        return sig
    with np.errstate(over="ignore"):
        key = (chars[pos] << np.uint64(42)) ^ (chars[pos + 1] << np.uint64(28)) \
            ^ (chars[pos + 2] << np.uint64(14)) ^ chars[pos + 3]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        for j, m in enumerate(_MIX):
            h = key * m
            h ^= h >> np.uint64(29)
            h *= np.uint64(0x94D049BB133111EB)
            h ^= h >> np.uint64(32)
            sig[keep, j] = np.minimum.reduceat(h, offsets)
    return sig


#: A template is a text (near-)copied by at least this many accounts.
TEMPLATE_AUTHORS = 3


#: Band keys of texts already seen in this process: a run computes them in its first pass
#: (the template index) and again when it classifies the same posts. Bounded: cleared
#: when it holds this many texts.
_BAND_CACHE: dict[str, tuple[int, int, int, int]] = {}
_BAND_CACHE_SIZE = 400_000


def band_keys(texts: Sequence[str]) -> np.ndarray:
    """Per text, its 4 LSH band keys (``len x 4`` uint64; all zero for a short text):
    two texts share a key when their MinHash signatures agree on a whole band."""
    out = np.zeros((len(texts), _BANDS), dtype=np.uint64)
    missing = [i for i, t in enumerate(texts) if t not in _BAND_CACHE]
    if missing:
        fresh = _band_keys([texts[i] for i in missing])
        if len(_BAND_CACHE) + len(missing) > _BAND_CACHE_SIZE:
            _BAND_CACHE.clear()
        for i, row in zip(missing, fresh.tolist()):
            _BAND_CACHE[texts[i]] = tuple(row)  # type: ignore[assignment]
    if len(texts):
        out[:] = np.array([_BAND_CACHE[t] for t in texts], dtype=np.uint64)
    return out


def _band_keys(texts: Sequence[str]) -> np.ndarray:
    # a text shorter than _MIN_CHARS cannot have a skeleton that long
    sig = minhash([skeleton(t) if len(t) >= _MIN_CHARS else "" for t in texts])
    rows = _HASHES // _BANDS
    out = np.zeros((len(texts), _BANDS), dtype=np.uint64)
    live = sig.any(axis=1)
    with np.errstate(over="ignore"):
        for b in range(_BANDS):
            band = sig[:, b * rows:(b + 1) * rows]
            key = np.full(len(texts), np.uint64(b + 1) * np.uint64(0x9E3779B97F4A7C15))
            for c in range(rows):
                key = (key ^ band[:, c]) * np.uint64(0x100000001B3)
            out[:, b] = np.where(live, key | np.uint64(1), np.uint64(0))
    return out


@dataclass
class TemplateIndex:
    """Which band keys how many accounts wrote: distinct (key, author hash) pairs, a
    partial that merges across chunks. :meth:`keys` gives the templates' keys, the
    same however the posts were cut into chunks."""

    keys_: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    authors: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))

    @classmethod
    def of(cls, posts: pd.DataFrame) -> TemplateIndex:
        """The pairs of posts with their own words (a pure repost copies by design)."""
        if not len(posts):
            return cls()
        own = ~_column(posts, "is_repost", False).to_numpy(dtype=bool)
        texts = posts["text"].astype(str).to_numpy(dtype=object)[own]
        authors = _column(posts, "author", "").astype(str).to_numpy(dtype=object)[own]
        keys = band_keys(list(texts))
        live = keys[:, 0] != 0
        if not live.any():
            return cls()
        who = pd.util.hash_array(authors[live]).astype(np.uint64)
        return cls._distinct(keys[live].ravel(), np.repeat(who, _BANDS))

    @classmethod
    def _distinct(cls, keys: np.ndarray, authors: np.ndarray) -> TemplateIndex:
        pairs = np.unique(np.stack([keys, authors], axis=1), axis=0)
        return cls(pairs[:, 0].copy(), pairs[:, 1].copy())

    def merge(self, other: TemplateIndex) -> TemplateIndex:
        if not len(other.keys_):
            return self
        if not len(self.keys_):
            return other
        return self._distinct(np.concatenate([self.keys_, other.keys_]),
                              np.concatenate([self.authors, other.authors]))

    def keys(self, min_authors: int = TEMPLATE_AUTHORS) -> np.ndarray:
        """Sorted band keys written by at least ``min_authors`` accounts."""
        if not len(self.keys_):
            return np.empty(0, dtype=np.uint64)
        uniq, counts = np.unique(self.keys_, return_counts=True)
        return uniq[counts >= min_authors]


def repeated(texts: Sequence[str], authors: Sequence[str], *,
             min_authors: int = TEMPLATE_AUTHORS) -> np.ndarray:
    """Texts that are templates among these: near copies (a shared LSH band) written by
    at least ``min_authors`` accounts."""
    posts = pd.DataFrame({"text": list(texts), "author": list(authors)})
    return is_template(posts, TemplateIndex.of(posts).keys(min_authors))


def is_template(posts: pd.DataFrame, templates: np.ndarray,
                among: np.ndarray | None = None) -> np.ndarray:
    """Posts with their own words (of ``among``, default all) sharing a band key with
    ``templates``."""
    out = np.zeros(len(posts), dtype=bool)
    if not len(templates) or not len(posts):
        return out
    own = ~_column(posts, "is_repost", False).to_numpy(dtype=bool)
    if among is not None:
        own &= among
    keys = band_keys(posts["text"].astype(str).to_numpy(dtype=object)[own].tolist())
    hit = np.isin(keys, templates).any(axis=1) & (keys[:, 0] != 0)
    out[np.flatnonzero(own)[hit]] = True
    return out


def _column(posts: pd.DataFrame, name: str, default: object) -> pd.Series:
    return posts[name] if name in posts.columns else pd.Series(default, index=posts.index)


def _first_rule(texts: pd.Series, rules: Sequence[tuple[str, re.Pattern[str]]],
                todo: np.ndarray) -> np.ndarray:
    """Per post, the name of the first rule whose pattern matches ("" for none)."""
    out = np.full(len(texts), "", dtype=object)
    for name, pattern in rules:
        idx = np.flatnonzero(todo & (out == ""))
        if not len(idx):
            break
        hit = texts.iloc[idx].str.contains(pattern, regex=True).to_numpy(dtype=bool)
        out[idx[hit]] = name
    return out


def classify(posts: pd.DataFrame, official_accounts: Sequence[str] = (),
             templates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each post's genre and the rule that decided it (see the module docstring).

    Reads ``text``, ``author``, ``author_id``, ``kind`` and ``is_repost``. ``templates``:
    the template keys of the whole run (:meth:`TemplateIndex.keys`), so that a post's
    genre does not depend on which chunk it was read in; None finds them among ``posts``.
    """
    n = len(posts)
    genre = np.full(n, "opinion", dtype=object)
    rule = np.full(n, "", dtype=object)
    if n == 0:
        return genre, rule
    text = posts["text"].astype(str)
    author = _column(posts, "author", "").astype(str)
    author_id = _column(posts, "author_id", "").astype(str)
    todo = np.ones(n, dtype=bool)

    def settle(mask: np.ndarray, name: str, why: np.ndarray | str) -> None:
        hit = todo & mask
        genre[hit] = name
        rule[hit] = why[hit] if isinstance(why, np.ndarray) else why
        todo[hit] = False

    names = {a for a in official_accounts if a}
    if names:
        own = (author.isin(names) | (author_id.isin(names) & (author_id != ""))
               ).to_numpy(dtype=bool)
        settle(own, "official", "official-account")
    why = _first_rule(text, _SPAM, todo)
    settle(why != "", "spam", why)
    tags = text.str.count(_HASHTAG).to_numpy()
    tagged = np.flatnonzero(tags >= 3)
    words = np.full(n, 99)
    words[tagged] = [len(skeleton(_HASHTAG.sub("", t))) for t in text.iloc[tagged]]
    settle((tags >= 3) & (words < 6), "spam", "hashtags-only")
    if templates is None:
        templates = TemplateIndex.of(posts).keys()
    settle(is_template(posts, templates, todo), "spam", "template")
    why = _first_rule(text, _AD, todo)
    settle(why != "", "ad", why)
    settle(author.str.contains(_SHOP_AUTHOR, regex=True).to_numpy(dtype=bool), "ad",
           "shop-account")
    post = (_column(posts, "kind", "post") != "comment").to_numpy(dtype=bool)
    why = _first_rule(text, _NEWS, todo & post)
    settle(why != "", "news", why)
    settle(post & author.str.contains(_MEDIA_AUTHOR, regex=True).to_numpy(dtype=bool),
           "news", "media-account")
    return genre, rule
