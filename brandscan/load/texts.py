"""Post text from crawler exports -> clean strings: HTML fragments, entities and invisible
characters removed, ``//@user:`` repost chains split from the author's own words."""

from __future__ import annotations

import html
import re
import unicodedata

import numpy as np
import pandas as pd

from brandscan.load.cells import MISSING, NUM, OTHER, STR, classify, is_missing

# Tags real crawler HTML contains (Weibo API text is HTML). A fixed list, so user text
# like "x<y and y>z" or "<3" is never eaten as a tag.
_HTML_TAGS = (
    "a|abbr|b|big|blockquote|br|center|code|dd|del|div|dl|dt|em|figcaption|figure|font|"
    "h[1-6]|hr|i|iframe|img|ins|label|li|mark|ol|p|pre|q|s|section|small|source|span|"
    "strike|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul|video|wbr"
)
_BLOCK_TAG_RE = re.compile(r"<br\b[^<>]*>|</?(?:p|div|li|tr|h[1-6]|blockquote)\b[^<>]*>", re.I)
_TAG_RE = re.compile(rf"</?(?:{_HTML_TAGS})(?=[\s/>])[^<>]*>|<!--.*?-->", re.I | re.S)
# Weibo renders emoticons as <img alt=[酷] ...>; keep "[酷]", which carries sentiment.
_IMG_ALT_RE = re.compile(
    r"""<img\b[^<>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))[^<>]*>""", re.I
)
# Entities only with their ";": html.unescape alone turns "&notice" into "¬ice".
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ZERO_WIDTH = "\u200b\u200e\u200f\u2060\ufeff\u00ad"  # ZWJ (U+200D) stays: it glues emoji
_CONTROL_RE = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_ZERO_WIDTH}]")
_SPACES_RE = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINE_SPACES_RE = re.compile(r" *\n *")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
# Anything clean_text would change besides trimming the ends: rows without it are done.
_NEEDS_WORK_RE = re.compile(
    rf"[<&\r\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_ZERO_WIDTH}"
    r"\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]|  | \n|\n |\n\n\n"
)


def _needs_work(s: str) -> bool:
    # str.isprintable() is False for every control, format (zero-width, BOM), line
    # separator and non-ASCII space character, and for \n, \t, \r: one C-speed call
    # clears most posts; the regex only runs on the rest.
    if s.isprintable() and "<" not in s and "&" not in s and "  " not in s:
        return False
    return _NEEDS_WORK_RE.search(s) is not None


def clean_text(value: object) -> str:
    """Normalise a post's text for matching and sentiment; ``None``/NaN -> ``''``.

    Removes the HTML that API-based crawlers keep (tags, entities, ``<br>``) while keeping
    Weibo emoticons (``<img alt=[酷]>`` becomes ``[酷]``), emoji and ``<3``; removes
    control and zero-width characters (they split brand names: ``比\u200b亚迪``); turns
    CRLF and ``<br>`` into ``\\n``; collapses runs of spaces (ideographic and NBSP too).
    """
    if is_missing(value):
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = str(int(value))  # a numeric-looking post read as float: "666.0" -> "666"
    elif not isinstance(value, str):
        value = str(value)
    if not _needs_work(value):
        return value.strip()

    s = value.replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    if "<" in s:
        s = _IMG_ALT_RE.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", s)
        s = _BLOCK_TAG_RE.sub("\n", s)
        s = _TAG_RE.sub("", s)
    if "&" in s:
        s = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), s)
    s = _CONTROL_RE.sub("", s)
    s = _SPACES_RE.sub(" ", s)
    s = _NEWLINE_SPACES_RE.sub("\n", s)
    s = _MANY_NEWLINES_RE.sub("\n\n", s)
    return s.strip()


def clean_texts(values: pd.Series) -> pd.Series:
    """Vectorised ``clean_text``; same index, ``str`` values, never missing.

    Most posts need only trimming: one regex scan picks the few that carry HTML, entities
    or odd whitespace (about 7% of Weibo posts), and only those take the full path. The
    scan is a Python ``re`` loop, not ``.str.contains``: its Unicode character classes
    would mean something else under pyarrow's RE2, and on Python-backed strings pandas
    runs the same loop with more overhead.
    """
    obj, kinds = classify(values)
    out = np.full(len(obj), "", dtype=object)
    str_pos = np.flatnonzero(kinds == STR)
    if len(str_pos):
        out[str_pos] = [clean_text(x) if _needs_work(x) else x.strip() for x in obj[str_pos]]
    for pos in np.flatnonzero((kinds == NUM) | (kinds == OTHER)):
        out[pos] = clean_text(obj[pos])
    return pd.Series(out, index=values.index, name=values.name, dtype=str)


# A repost marker is "//@nickname:" as Weibo writes it. Nicknames have no spaces, colons,
# "@" or "/", and at most 30 characters (40 allowed here for slack). "http://@x" is a URL.
_REPOST_RE = re.compile(r"(?<!http:)(?<!https:)//(?=@[^\s:：@/]{1,40}[:：])", re.I)


def split_repost_chain(text: str) -> tuple[str, str]:
    """Split a Weibo repost into (own words, quoted chain).

    ``我的话//@用户A:他的话//@用户B:原话`` -> (``我的话``, ``@用户A:他的话//@用户B:原话``).
    The chain is everyone else's words: analysing them as the reposter's opinion
    double-counts the original. Lossless: when the chain is non-empty,
    ``own + "//" + chain == text``; without a chain, ``(text, "")``.
    """
    if not isinstance(text, str):
        text = clean_text(text)
    m = _REPOST_RE.search(text)
    if m is None:
        return text, ""
    return text[: m.start()], text[m.end() :]


def split_repost_chains(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``split_repost_chain``: (own words, chain), both ``str`` Series.

    A substring test finds the posts containing ``//@``; only those are split. Missing
    cells become ``''``; non-string cells go through ``clean_text`` first.
    """
    obj, kinds = classify(values)
    texts = obj.copy()
    texts[kinds == MISSING] = ""
    for pos in np.flatnonzero((kinds == NUM) | (kinds == OTHER)):
        texts[pos] = clean_text(obj[pos])
    own = texts.copy()
    chain = np.full(len(obj), "", dtype=object)
    for pos in [i for i, text in enumerate(texts) if "//@" in text]:
        own[pos], chain[pos] = split_repost_chain(texts[pos])
    return (
        pd.Series(own, index=values.index, name=values.name, dtype=str),
        pd.Series(chain, index=values.index, name=values.name, dtype=str),
    )


_PURE_REPOST_WORDS = frozenset({"", "转发微博", "轉發微博", "转发", "轉發", "repost"})


def is_pure_repost(own: str) -> bool:
    """True when the reposter added no words of their own (``转发微博``, ``Repost``, ``''``).

    Such rows repeat someone else's post; counting them as fresh mentions inflates volume.
    Whitespace, punctuation and ASCII symbols around the phrase are ignored.
    """
    if not isinstance(own, str):
        return is_missing(own)
    core = "".join(ch for ch in own if not _is_filler(ch))
    return core.casefold() in _PURE_REPOST_WORDS


def _is_filler(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PZC" or (ch.isascii() and cat[0] == "S")


_URL_RE = re.compile(r"(?:https?|ftp)://[!-~]+|www\.[!-~]+|O?网页链接", re.I)
_MENTION_RE = re.compile(r"@[^\s@:：,，。.!！?？;；、()（）\[\]【】<>《》\"“”']{1,30}")


def is_symbol_only(text: str) -> bool:
    """True when the text has no letters, digits or CJK once URLs and @mentions are removed.

    Posts like ``👍👍👍``, ``？？？`` or ``@某人 http://t.cn/x`` carry no words for the
    sentiment model, whose score on them is noise; callers score them neutral. Weibo
    emoticons (``[怒]``) contain CJK and so do not count as symbol-only. Empty -> True.
    """
    if not isinstance(text, str):
        text = clean_text(text)
    rest = _MENTION_RE.sub(" ", _URL_RE.sub(" ", text))
    return not any(ch.isalnum() for ch in rest)
