"""Complaint terms of texts, remembered: segmentation is the costliest step of a report.

jieba cuts about 2,000 Weibo posts a second on one core — ten times slower than scoring
them — so brandscan segments a text once per set of word lists and remembers the terms:

- per process, the last :data:`TERM_CACHE_SIZE` texts (a repost or a copied complaint
  comes back chunk after chunk);
- across runs, in a :class:`TermSource` a run passes in — the store keeps the terms of
  the posts it holds, so a report over a year of history reads them instead of cutting
  them again.

Terms are a pure function of the text and of what :func:`fingerprint` covers (the brand
names, user words, stopwords, minimum length, categories and the jieba version), so a
cache changes no answer; a changed config simply misses it.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol

import numpy as np

from brandscan.text.segment import builtin_stopwords, fragment_words, get_segmenter, is_noise

if TYPE_CHECKING:
    from brandscan.config import Config

#: About 1 KB per text.
TERM_CACHE_SIZE = 50_000
#: Bumped when the cleaning or filtering of terms changes: remembered terms of an older
#: version are cut again.
TERMS_VERSION = 3
#: Joins the two words of a phrase candidate (两个相邻的词: "售后 服务"); jieba never
#: returns a word with a space in it. The complaint ranking keeps a candidate only when
#: its words go together (a collocation), and shows it joined (售后服务).
PHRASE_SEP = " "

#: What the page or the platform wrote, not the author: cut before segmenting, so no
#: username of a video credit (L某某的微博视频), no @name, no link and no emoticon code
#: ([微笑], [生病]) becomes a term.
_PAGE_TEXT = re.compile(
    r"L?[^\s，。！？、,.!?#【】]{1,30}的(?:微博|秒拍|抖音|快手)视频"
    r"|@[\w\-·]{1,30}|https?://\S+|\bt\.cn/\S+|O(?:网页链接|抽奖详情|查看图片)"
    r"|发布了头条文章[:：]?|转发微博|//@|\[[^\[\]\s]{1,8}\]")
#: Numbers and time words (两天, 24小时, 3个月, 十几条): counts and dates, not complaints.
_COUNT_WORD = re.compile(
    r"^[0-9一二两三四五六七八九十百千万几半多]+[天日周月年号点时分秒个次条件箱斤块元倍层]"
    r"(?:小时|分钟|个月|多|左右|以上)?$|^[0-9一二两三四五六七八九十百千万几半]+(?:小时|分钟|个月)$")


def clean_for_terms(text: str) -> str:
    """The author's words: page furniture, @names, links and video credits cut out."""
    return _PAGE_TEXT.sub(" ", text)


def is_count_word(word: str) -> bool:
    """两天, 24小时, 三个月, 十几条…"""
    return bool(_COUNT_WORD.match(word))


def is_phrase(term: str) -> bool:
    """A phrase candidate: two adjacent words (see :data:`PHRASE_SEP`)."""
    return PHRASE_SEP in term


def phrase_words(term: str) -> tuple[str, str]:
    """The two words of a phrase candidate."""
    a, _, b = term.partition(PHRASE_SEP)
    return a, b


_LRU: OrderedDict[tuple[Hashable, str], list[str]] = OrderedDict()


class TermSource(Protocol):
    """Terms remembered between runs, by fingerprint and text."""

    def lookup_pairs(self, fingerprint: str, texts: Sequence[str]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The remembered terms of those of ``texts`` that have them, as flat arrays:
        (positions in ``texts`` found, and for each term found, its text's position and
        the term)."""

    def remember(self, fingerprint: str, found: dict[str, list[str]]) -> None:
        """Terms just computed (the source decides when and whether to keep them)."""


def config_key(config: Config) -> Hashable:
    """Everything in the config that changes which terms a text has."""
    return (config.brand_terms(), tuple(config.user_words), tuple(config.stopwords),
            config.min_term_length, tuple((k, tuple(v)) for k, v in config.categories.items()))


@lru_cache(maxsize=8)
def _fingerprint(key: Hashable) -> str:
    from importlib.metadata import version

    h = hashlib.sha256(repr(key).encode())
    h.update(f"terms-v{TERMS_VERSION}".encode())
    h.update(version("jieba").encode())
    h.update("\n".join(sorted(builtin_stopwords())).encode())
    return h.hexdigest()[:24]


def fingerprint(config: Config) -> str:
    """A short id of the word lists and tokenizer the terms depend on."""
    return _fingerprint(config_key(config))


def cached_terms(texts: Sequence[str], config: Config, *, jobs: int = 1,
                 progress: Callable[[int], None] | None = None,
                 source: TermSource | None = None) -> list[list[str]]:
    """``complaint_terms`` of each text, segmenting only texts not remembered (the list
    form of :func:`term_pairs`)."""
    distinct = list(dict.fromkeys(texts))
    owner, words = term_pairs(distinct, config, jobs=jobs, progress=progress, source=source)
    per_text: list[list[str]] = [[] for _ in distinct]
    for i, word in zip(owner.tolist(), words.tolist()):
        per_text[i].append(word)
    by_text = dict(zip(distinct, per_text))
    return [by_text[t] for t in texts]


def term_pairs(texts: Sequence[str], config: Config, *, jobs: int = 1,
               progress: Callable[[int], None] | None = None,
               source: TermSource | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The complaint terms of distinct ``texts`` as flat arrays ``(owner, term)``: term
    ``term[k]`` is one of the terms of ``texts[owner[k]]``, owners ascending.

    Flat arrays rather than a Python list per text: a report over a year of stored posts
    reads millions of remembered terms.
    """
    key = config_key(config)
    owners: list[np.ndarray] = []
    terms: list[np.ndarray] = []
    todo = np.ones(len(texts), dtype=bool)
    hit_owner: list[int] = []
    hit_terms: list[str] = []
    for i, t in enumerate(texts):
        hit = _LRU.get((key, t))
        if hit is not None:
            _LRU.move_to_end((key, t))
            todo[i] = False
            hit_owner.extend([i] * len(hit))
            hit_terms.extend(hit)
    owners.append(np.asarray(hit_owner, dtype=np.int64))
    terms.append(np.asarray(hit_terms, dtype=object))
    if source is not None and todo.any():
        ask = np.flatnonzero(todo)
        found, owner, found_terms = source.lookup_pairs(fingerprint(config),
                                                        [texts[i] for i in ask])
        todo[ask[found]] = False
        owners.append(ask[owner])
        terms.append(found_terms)
    missing = np.flatnonzero(todo)
    if progress is not None and len(texts) > len(missing):
        progress(len(texts) - len(missing))
    if len(missing):
        todo_texts = [texts[i] for i in missing]
        cut = complaint_terms(todo_texts, config, jobs=jobs, progress=progress)
        fresh = dict(zip(todo_texts, cut))
        if source is not None:
            source.remember(fingerprint(config), fresh)
        for t, words in fresh.items():
            _LRU[(key, t)] = words
        while len(_LRU) > TERM_CACHE_SIZE:
            _LRU.popitem(last=False)
        owners.append(np.repeat(missing, [len(w) for w in cut]).astype(np.int64))
        terms.append(np.asarray([w for words in cut for w in words], dtype=object))
    owner = np.concatenate(owners) if owners else np.empty(0, dtype=np.int64)
    term = np.concatenate(terms) if terms else np.empty(0, dtype=object)
    order = np.argsort(owner, kind="stable")
    return owner[order], term[order]


def complaint_terms(texts: Sequence[str], config: Config, *, jobs: int = 1,
                    progress: Callable[[int], None] | None = None) -> list[list[str]]:
    """Distinct complaint terms of each text: jieba words of the author's own words
    (:func:`clean_for_terms`) minus stopwords and page words, brands, numbers and time
    words (:func:`is_count_word`), adverbs, pronouns, person names and other fragments
    (:func:`~brandscan.text.segment.fragment_words`), and noise, lower-cased (4S店 and
    4s店 are one term); then each pair of such words that stand next to each other, as a
    phrase candidate (``"开机 广告"``, see :func:`is_phrase`)."""
    seg = get_segmenter(tuple(dict.fromkeys((*config.brand_terms(), *config.user_words,
                                             *_category_words(config)))))
    stop = builtin_stopwords() | set(config.stopwords)
    fragments = fragment_words() - set(config.user_words) - set(_category_words(config))
    brand_words = {t.lower() for t in config.brand_terms()}
    out = []
    cleaned = [clean_for_terms(t) for t in texts]
    for words in seg.cut_many(cleaned, jobs=jobs, progress=progress):
        kept = [None if (len(w) < config.min_term_length or w in stop or w in fragments
                         or w.lower() in brand_words or is_noise(w) or is_count_word(w))
                else w.lower() for w in words]
        terms = [w for w in kept if w is not None]
        terms += [a + PHRASE_SEP + b for a, b in pairwise(kept)
                  if a is not None and b is not None and a != b]
        out.append(list(dict.fromkeys(terms)))
    return out


def _category_words(config: Config) -> list[str]:
    # Category phrases are kept whole so "不新鲜" is one term, not 不 + 新鲜.
    return [w for words in config.categories.values() for w in words if len(w) >= 2]
