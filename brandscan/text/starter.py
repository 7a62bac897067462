"""A commented starter ``brandscan.yaml`` (``brandscan init``), with the brands' likely
aliases and official accounts suggested from the posts.

A suggestion is evidence for a person to judge, never a decision: a wrong alias would
silently change every count, so every suggestion is written as a commented-out line with
the reason and the counts behind it, and the person uncomments the right ones. What is
suggested, for a brand name N:

- **aliases**: Latin spellings of N's pinyin, whole or by initials (鲜果坊 → XianGuoFang,
  比亚迪 → BYD), found as words in the posts: they add posts the name alone misses;
  and longer names that contain N (hashtags ``#比亚迪汉#``, @mentions, account names
  such as 比亚迪汽车): already matched through N, but listed they stay whole as brand
  words (jieba keeps them, complaint rankings leave them out).
- **official accounts**: authors (or @mentioned accounts) whose name contains N or one
  of its Latin spellings, with what they wrote and how often others @mention them.
- **exclusions**: where jieba cuts N across a word boundary (新鲜|果|坊间 for 鲜果坊,
  小米粥 for 小米), N is probably part of other words: the words around it, with how
  many posts name N only that way (what the exclusion would take away).

The posts frame is the canonical one (``text``, ``chain``, ``author``, ``followers``,
``verified``); nothing here reads files or prints.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Suggestions listed per brand and kind, most posts first (a starter, not an inventory).
MAX_SUGGESTIONS = 8
#: A longer name or an account needs this many posts (or mentions) to be suggested.
MIN_POSTS = 2

_HASHTAG = re.compile(r"#([^#\n]{1,40})#")
_MENTION = re.compile(r"@([\w\u4e00-\u9fff-]{1,30})")
_LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]{1,24}(?![A-Za-z0-9])")
_PLAIN = re.compile(r"^[\w\u4e00-\u9fff.+-]+$")


@dataclass(frozen=True)
class Candidate:
    """One suggested alias or account, with the counts that make the case for it."""

    value: str
    posts: int  # posts whose text (own words or chain) contains it, case-insensitively
    reason: str  # why it is suggested, for the comment beside it


@dataclass
class BrandSuggestions:
    """What the posts suggest for one brand name."""

    name: str
    posts: int  # posts naming the brand (own words or chain)
    total: int  # posts read
    latin: list[Candidate] = field(default_factory=list)  # spellings without the name
    longer: list[Candidate] = field(default_factory=list)  # longer names containing it
    accounts: list[Candidate] = field(default_factory=list)  # official account candidates
    excludes: list[Candidate] = field(default_factory=list)  # the name inside other words


def pinyin_pattern(name: str) -> re.Pattern[str] | None:
    """A regex matching Latin spellings of ``name``: its pinyin run together
    (xianguofang) or its initials (byd), any case. A character snownlp has no pinyin for
    matches any syllable (or initial); ``None`` when the name has no Chinese character."""
    if not re.search(r"[\u4e00-\u9fff]", name):
        return None
    from snownlp import SnowNLP

    syllables = SnowNLP(name).pinyin
    full, initials = [], []
    for syl in syllables:
        if re.fullmatch(r"[a-z]+", syl):
            full.append(syl)
            initials.append(syl[0])
        elif re.fullmatch(r"[\u4e00-\u9fff]+", syl):  # no pinyin known: any syllable(s)
            full.append("[a-z]{1,6}" * len(syl))
            initials.append("[a-z]" * len(syl))
        else:  # Latin letters or digits in the name stand for themselves
            full.append(re.escape(syl.lower()))
            initials.append(re.escape(syl.lower()))
    alternatives = ["".join(full)]
    if len(initials) >= 2:
        alternatives.append("".join(initials))
    return re.compile("^(?:" + "|".join(alternatives) + ")$", re.IGNORECASE)


def suggest(posts: pd.DataFrame, name: str) -> BrandSuggestions:
    """Aliases and official accounts of brand ``name`` suggested by ``posts``."""
    texts = (posts["text"].fillna("").astype(str) + "\n"
             + posts["chain"].fillna("").astype(str)).tolist() if len(posts) else []
    folded = [t.casefold() for t in texts]
    key = name.casefold()
    naming = [key in t for t in folded]
    out = BrandSuggestions(name=name, posts=sum(naming), total=len(texts))

    # Latin spellings: words of the posts that spell the name's pinyin.
    pattern = pinyin_pattern(name)
    if pattern is not None:
        spellings: dict[str, Counter[str]] = {}
        for text in texts:
            for word in set(_LATIN.findall(text)):
                if pattern.match(word):
                    spellings.setdefault(word.casefold(), Counter())[word] += 1
        for folded_word, forms in spellings.items():
            with_it = [folded_word in t for t in folded]
            n = sum(with_it)
            alone = sum(1 for w, has in zip(with_it, naming) if w and not has)
            if n < MIN_POSTS and alone < 1:
                continue
            shown = [w for w, _ in forms.most_common()]
            also = f" (also {', '.join(shown[1:4])})" if len(shown) > 1 else ""
            out.latin.append(Candidate(shown[0], n, (
                f"{n:,} posts{also}; {alone:,} of them without {name}: "
                f"spells its pinyin")))
        out.latin.sort(key=lambda c: (-c.posts, c.value))
        out.latin = out.latin[:MAX_SUGGESTIONS]

    latin = [c.value.casefold() for c in out.latin]

    def is_brand_word(word: str) -> bool:
        w = word.casefold()
        return w != key and (key in w or any(s in w for s in latin))

    # Longer names: hashtags, @mentions and account names containing the name.
    tags: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for text in texts:
        tags.update({t.strip() for t in _HASHTAG.findall(text) if is_brand_word(t.strip())})
        mentions.update({m for m in _MENTION.findall(text) if is_brand_word(m)})
    authors = posts["author"].fillna("").astype(str).tolist() if len(posts) else []
    wrote: Counter[str] = Counter(a for a in authors if is_brand_word(a))
    mentions = _fold_mentions(mentions, set(wrote))

    longer: dict[str, Candidate] = {}
    for word, n in tags.items():
        if n >= MIN_POSTS:
            n_in = _containing(folded, word)
            longer[word.casefold()] = Candidate(word, n_in, f"in {n_in:,} posts; "
                                                f"hashtag #{word}# in {n:,}")
    for word in sorted(set(mentions) | set(wrote)):
        if word.casefold() in longer or mentions[word] + wrote[word] < MIN_POSTS:
            continue
        n_in = _containing(folded, word)
        if not n_in:  # an account name no post writes: no alias
            continue
        how = [f"in {n_in:,} posts"]
        if wrote[word]:
            how.append(f"an account's name ({wrote[word]:,} posts)")
        if mentions[word]:
            how.append(f"@mentioned in {mentions[word]:,}")
        longer[word.casefold()] = Candidate(word, n_in, "; ".join(how))
    out.longer = sorted(longer.values(), key=lambda c: (-c.posts, c.value))[:MAX_SUGGESTIONS]

    # Official accounts: authors or @mentioned accounts named after the brand.
    facts = _author_facts(posts, set(wrote))
    accounts = []
    for word in set(wrote) | {m for m in mentions if mentions[m] >= MIN_POSTS}:
        parts = []
        if wrote[word]:
            parts.append(f"wrote {wrote[word]:,} posts")
        if mentions[word]:
            parts.append(f"@mentioned in {mentions[word]:,}")
        if facts.get(word):
            parts.append(facts[word])
        accounts.append(Candidate(word, wrote[word] + mentions[word], ", ".join(parts)))
    out.accounts = sorted(accounts, key=lambda c: (-c.posts, c.value))[:MAX_SUGGESTIONS]
    out.excludes = _excludes(name, [t for t, has in zip(texts, naming) if has])
    return out


def _excludes(name: str, texts: Sequence[str]) -> list[Candidate]:
    """Phrases in which ``name`` is part of other words: a word of jieba's own dictionary
    starts before the name and runs into it, or starts inside it and runs past its end;
    the words overlapping the name make the phrase (新鲜|果|坊间: 新鲜果坊间)."""
    from brandscan.text.segment import get_segmenter

    segmenter = get_segmenter(())
    key = name.casefold()
    phrases: Counter[str] = Counter()
    only: Counter[str] = Counter()  # posts naming the brand only inside such phrases
    for text, n in Counter(texts).items():
        folded = text.casefold()
        spans, at = [], 0
        # Dictionary words only: jieba's guesses (HMM) glue any neighbour to a name it
        # does not know (在果|多多), while a dictionary word across the name (坊间, 小米粥)
        # is a real other word.
        for word in segmenter.cut_dictionary(text):
            start = text.find(word, at)
            if start < 0:
                continue
            spans.append((start, start + len(word)))
            at = start + len(word)
        found, accidental = set(), 0
        occurrences = [m.start() for m in re.finditer(re.escape(key), folded)]
        for begin in occurrences:
            end = begin + len(key)
            over = [(s, e) for s, e in spans if s < end and e > begin]
            if over and (over[0][0] < begin or over[-1][1] > end):
                found.add(text[over[0][0]:over[-1][1]])
                accidental += 1
        for phrase in found:
            phrases[phrase] += n
            if occurrences and accidental == len(occurrences):
                only[phrase] += n
    out = [Candidate(p, k, f"{k:,} posts; {only[p]:,} of them name {name} only this way")
           for p, k in phrases.items() if k >= MIN_POSTS and "\n" not in p]
    return sorted(out, key=lambda c: (-c.posts, c.value))[:MAX_SUGGESTIONS]


def _fold_mentions(mentions: Counter[str], authors: set[str]) -> Counter[str]:
    """@mentions counted under the account they name. Weibo text runs on after a mention
    without a space (@比亚迪汽车宋PLUS代言人), so a mention that starts with a known account
    name (an author, or a mention seen on its own) counts for the shortest such name."""
    known = sorted(authors | {m for m, n in mentions.items() if n >= MIN_POSTS}, key=len)
    out: Counter[str] = Counter()
    for mention, n in mentions.items():
        owner = next((k for k in known if mention.startswith(k) and k != mention), mention)
        out[owner] += n
    return out


def _containing(folded: Sequence[str], word: str) -> int:
    w = word.casefold()
    return sum(1 for t in folded if w in t)


def _author_facts(posts: pd.DataFrame, names: set[str]) -> dict[str, str]:
    """Followers and verification of these authors, when the export has them."""
    if not names or not len(posts):
        return {}
    out = {}
    rows = posts[posts["author"].isin(names)]
    for author, group in rows.groupby("author", sort=True):
        bits = []
        followers = group["followers"].dropna() if "followers" in group else []
        if len(followers):
            bits.append(f"{int(followers.max()):,} followers")
        verified = [v for v in group.get("verified", []) if isinstance(v, str) and v]
        if verified:
            bits.append(Counter(verified).most_common(1)[0][0])
        if bits:
            out[str(author)] = ", ".join(bits)
    return out


# --- the file ----------------------------------------------------------------------------

def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: bare when that reads back the same string, else quoted."""
    if _PLAIN.match(text) and not re.fullmatch(r"[-+.\d]+|true|false|yes|no|null|on|off|~",
                                                text, re.IGNORECASE) \
            and not text.startswith(("-", ".")):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _suggested(items: Sequence[Candidate], indent: str) -> list[str]:
    """Commented-out list items with their reasons, aligned."""
    cells = [f"{indent}# - {yaml_scalar(c.value)}" for c in items]
    pad = max((_width(c) for c in cells), default=0) + 2
    return [cell + " " * (pad - _width(cell)) + f"# {c.reason}"
            for cell, c in zip(cells, items)]


def starter_yaml(brands: Sequence[str], suggestions: Sequence[BrandSuggestions] = (), *,
                 sources: Sequence[str] = (), total_posts: int = 0) -> str:
    """The text of a starter ``brandscan.yaml``: the brands (with the suggestions found for
    them, commented out) and a commented example of every other section.

    It loads with :func:`brandscan.config.parse_config` as written, and stays valid when
    any suggestion line is uncommented."""
    found = {s.name: s for s in suggestions}
    lines = [
        "# brandscan configuration, written by `brandscan init`. brandscan reads ./brandscan.yaml",
        "# (else $BRANDSCAN_CONFIG, or --config FILE). Every key is optional; an unknown key is",
        "# an error naming its line. config.example.yaml in brandscan's sources explains every",
        "# key; docs/configuration.md explains the brands.",
    ]
    if sources:
        lines += ["#", f"# Suggestions below come from {total_posts:,} posts in "
                  f"{len(sources)} file(s): {', '.join(sources[:3])}"
                  + (", …" if len(sources) > 3 else "") + "."]
        lines += [
            "# A line starting with \"# - \" under a brand is a SUGGESTION, not a decision: read",
            "# the reason beside it and remove the \"# \" in front of the ones that are right.",
        ]
    lines += ["", "# Timezone of naive times in the exports and of timeline periods.",
              "timezone: Asia/Shanghai", "",
              "# The brands to watch: a post mentions a brand when its text contains the name",
              "# or an alias (case-insensitively), after the exclude phrases are masked out.",
              "# With no brands, every post counts."]
    if not brands:
        lines += ["brands: []", "# brands:", "#   - name: 鲜果坊",
                  "#     aliases: [鲜果坊旗舰店, XianGuoFang]",
                  "#     exclude: [鲜果坊间]",
                  "#     official_accounts: [鲜果坊官方旗舰店]"]
    else:
        lines.append("brands:")
        for name in brands:
            lines += _brand_block(name, found.get(name), bool(sources))
    lines += _OTHER_SECTIONS
    return "\n".join(lines) + "\n"


def _brand_block(name: str, s: BrandSuggestions | None, from_files: bool) -> list[str]:
    out = [f"  - name: {yaml_scalar(name)}"]
    if s is not None:
        share = f" ({s.posts / s.total:.0%})" if s.total else ""
        out.append(f"    # {s.posts:,} of {s.total:,} posts name {name}{share}.")
    out.append("    # Other ways people write the brand: shop names, English, pinyin, nicknames.")
    suggestions = (s.latin + s.longer) if s is not None else []
    if suggestions:
        out.append("    aliases:")
        if s is not None and s.latin:
            out.append("      # Spellings without the name: each adds the posts counted "
                       "\"without\" it.")
            out += _suggested(s.latin, "      ")
        if s is not None and s.longer:
            out.append(f"      # Longer names containing {name}: matched already; listed, "
                       "they stay whole")
            out.append("      # as brand words and never show up as complaint terms.")
            out += _suggested(s.longer, "      ")
    else:
        out.append("    aliases: []" + ("  # none found in the files" if from_files else ""))
        out.append(f"    # aliases: [{yaml_scalar(name)}旗舰店, {yaml_scalar(name)}官方]")
    out += ["    # Phrases containing the name that are not about the brand, masked out before",
            "    # matching (新鲜果坊间 is no mention of 鲜果坊). `brandscan inspect FILE --brand",
            f"    # {name}` shows how many posts each alias and exclude phrase matches."]
    if s is not None and s.excludes:
        out += ["    exclude:",
                f"      # Where {name} is part of other words (jieba cuts it across a word "
                "boundary):",
                "      # uncomment those that are not about the brand.",
                *_suggested(s.excludes, "      ")]
    else:
        out.append("    exclude: []")
    out += [
            "    # The brand's own accounts (names or ids): their posts are left out of the",
            "    # sentiment and their answers give the response time to a crisis."]
    if s is not None and s.accounts:
        out.append("    official_accounts:")
        out.append(f"      # Accounts named after {name}: keep only the brand's own (blue-V "
                   "shops and")
        out.append("      # official accounts), not fans, dealers or stock pages.")
        out += _suggested(s.accounts, "      ")
    else:
        out.append("    official_accounts: []"
                   + ("  # none found in the files" if s is not None else ""))
    out.append("    # Instead of aliases, a boolean query: AND, OR, NOT, (), \"phrases\", NEAR/n.")
    out.append(f"    # query: ({yaml_scalar(name)} OR \"alias\") AND NOT (other meaning)")
    return out


#: Every other section of config.example.yaml, commented out with its defaults.
_OTHER_SECTIONS = """
# sentiment:
#   # Scores below negative_below are negative, from positive_from up positive (default:
#   # the model's fitted thresholds). model: brandscan's three-class model when unset,
#   # `snownlp`, or a file written by `brandscan train`.
#   negative_below: 0.34
#   positive_from: 0.72
#   model: snownlp
#   complaint_shift: 0.1
#   # The kinds of post that carry the sentiment mix: opinion, news, ad, spam, official, all.
#   genres: [opinion]

# complaints:
#   # Extra words per complaint category, added to the built-in 质量, 物流/配送, 客服,
#   # 退款/退货, 价格, 虚假宣传, 安全/过敏 and 态度/歧视; a new name makes a new category.
#   categories:
#     质量: [烂山竹, 果肉发黑]
#   replace_builtin: false
#   min_term_length: 2
#   # A complaint term needs this many negative opinions from this many accounts.
#   min_posts: 3
#   min_authors: 2

# segmentation:
#   # Words jieba keeps whole (brand names and aliases are added automatically), and
#   # words that never count as complaint terms.
#   user_words: [坏果包赔, 仅退款]
#   stopwords: [水果]

# columns:
#   # For exports brandscan does not recognise: the column holding each field (the
#   # options --text-col, --time-col, … override these).
#   text: content
#   time: published_at
#   id: post_id
#   author: author

# alerts:
#   # The crisis radar (`brandscan alerts`); the values shown are the defaults. Every
#   # setting is explained in config.example.yaml and docs/radar.md.
#   cooldown_hours: 3
#   refire_factor: 2
#   min_history_hours: 24
#   response_target_hours: 24
#   dominant_share: 0.4
#   volume: {baseline_days: 7, z_watch: 4, z_spike: 6, min_count: 10}
#   negative: {rise: 0.2, min_posts: 20, days: 7}
#   influential: {followers: 1000000, verified: [金V, 红V], reposts: 1000}
#   truncated: {from_minute: 58, share: 0.5, min_posts: 10}
""".rstrip("\n").split("\n")
