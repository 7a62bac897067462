"""Brand and category matching in SQL never answers differently from the Python matcher.

Reading the store pushes brand matching into DuckDB for speed. There are two ways:

- :func:`~brandscan.store.query.prefilter`, a substring condition that only has to keep
  every post :class:`~brandscan.text.brands.BrandMatcher` keeps (Python decides after it);
- :func:`~brandscan.store.query.sql_brands` and
  :func:`~brandscan.store.query.sql_categories`, which compute the ``brands`` and
  ``categories`` cells in SQL and so must give exactly Python's cells.

The matcher in :mod:`brandscan.text` is the definition. These properties generate brands
(names, aliases, exclusions, boolean queries with NEAR), category word lists and texts made
of those words (case changed), noise and the characters where regex engines disagree, and
check both promises against it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from brandscan.config import Brand, Config
from brandscan.store.query import _quoted, prefilter, sql_brands, sql_categories
from brandscan.text.brands import BrandMatcher
from brandscan.text.scoring import categorize, select_posts

#: Words brands are made of, and the characters regex engines treat differently: Turkish
#: dotted/dotless i (Python's IGNORECASE folds them to i, RE2's does not), the Kelvin sign
#: and long s (both fold to ASCII), sharp s, final sigma, fullwidth letters, regex syntax,
#: SQL quotes, the masks brandscan uses (NUL, \x01), and spaces (text and chain are joined
#: by one).
WORDS = ("鲜果坊", "果坊", "鲜果坊间", "果多多", "小米", "米", "Xiaomi", "xiaomi", "BYD", "i",
         "I", "İ", "ı", "K", "k", "\u212a", "ſ", "s", "ß", "ẞ", "Σ", "σ", "ς", "Ｘ", "ｘ", "a.b",
         "(x)", "a*", "|", "\\", "\\Q", "\\E", "'", "''", "%", "_", "\x00", "\x01", " ", "山竹")
NOISE = st.one_of(
    st.lists(st.sampled_from([*WORDS, "\n", "@", "//", "e\u0301", "😀", "0"]), max_size=4
             ).map("".join),
    st.text(max_size=3))


#: What brand names and aliases are mostly made of: CJK, ASCII and regex syntax, which SQL
#: must match as Python does (other cased scripts make SQL leave matching to Python).
PLAIN = tuple(w for w in WORDS if all(c.isascii() or c.lower() == c.upper() for c in w)
              and "\x00" not in w and "\x01" not in w)


@st.composite
def fragment(draw: st.DrawFn) -> str:
    """A word glued from the vocabulary: mostly plain, sometimes odd (never blank)."""
    odd = draw(st.integers(0, 3)) == 0
    part = st.one_of(st.sampled_from(WORDS), NOISE) if odd else st.sampled_from(PLAIN)
    word = "".join(draw(st.lists(part, min_size=1, max_size=3)))
    return word if word.strip() else draw(st.sampled_from(WORDS[:10]))


@st.composite
def query(draw: st.DrawFn, terms: list[str], depth: int = 0) -> str:
    """A valid boolean query over ``terms``: AND, OR, NOT, NEAR/n and parentheses."""
    def phrase() -> str:
        word = draw(st.sampled_from(terms)).replace('"', "").replace("“", "").replace("”", "")
        return f'"{word}"' if word.strip() else "果多多"

    def spans(level: int) -> str:  # what NEAR may join: phrases, their ORs, other NEARs
        kind = draw(st.sampled_from(["phrase", "or", "near"] if level < 2 else ["phrase"]))
        if kind == "phrase":
            return phrase()
        if kind == "or":
            return f"({spans(level + 1)} OR {spans(level + 1)})"
        return f"{spans(level + 1)} NEAR/{draw(st.integers(0, 6))} {spans(level + 1)}"

    kind = draw(st.sampled_from(["spans", "and", "or", "not"] if depth < 2 else ["spans"]))
    if kind == "spans":
        return spans(0)
    if kind == "not":
        return f"NOT ({draw(query(terms, depth + 1))})"
    op = "AND" if kind == "and" else draw(st.sampled_from(["OR", "NOT"]))
    return f"({draw(query(terms, depth + 1))}) {op} ({draw(query(terms, depth + 1))})"


@st.composite
def brand(draw: st.DrawFn, name: str) -> Brand:
    aliases = tuple(draw(st.lists(fragment(), max_size=3)))
    terms = [name, *aliases]
    # Exclusions that overlap the brand's words, as 鲜果坊间 overlaps 鲜果坊, and others.
    exclude = tuple(draw(st.lists(st.one_of(
        st.builds(lambda t, extra: t + extra, st.sampled_from(terms), fragment()),
        st.builds(lambda extra, t: extra + t, fragment(), st.sampled_from(terms)),
        fragment()), max_size=2)))
    q = draw(st.one_of(st.none(), query(terms))) if draw(st.booleans()) else None
    return Brand(name=name, aliases=aliases, exclude=exclude, query=q)


@st.composite
def config(draw: st.DrawFn) -> Config:
    names = draw(st.lists(fragment(), min_size=1, max_size=3, unique=True))
    brands = tuple(draw(brand(n)) for n in names)
    categories = {f"c{i}": tuple(draw(st.lists(fragment(), max_size=3)))
                  for i in range(draw(st.integers(0, 3)))}
    return Config(brands=brands, categories=categories)


#: Characters that one engine or the other may take for a letter when ignoring case.
LOOKALIKES = {"i": "İıIi", "k": "\u212aKk", "s": "ſSsß", "σ": "ΣσςẞSs", "ς": "Σσς",
              "ß": "ẞßs", "x": "Ｘｘ"}


@st.composite
def variant(draw: st.DrawFn, word: str) -> str:
    """``word`` as a post may write it: whole or cut, each letter in either case or
    swapped for a lookalike."""
    whole = draw(st.sampled_from([word, word, word.upper(), word.lower(), word[1:], word[:-1]]))
    if not draw(st.booleans()):
        return whole
    return "".join(draw(st.sampled_from([c, c.upper(), c.lower(),
                                         *LOOKALIKES.get(c.lower(), "")])) for c in whole)


@st.composite
def text(draw: st.DrawFn, words: list[str]) -> str:
    """A post: the config's words, written in any way, among vocabulary and noise."""
    def piece() -> str:
        kind = draw(st.sampled_from(["word", "word", "vocab", "noise"]))
        if kind == "word":
            return draw(variant(draw(st.sampled_from(words))))
        return draw(st.sampled_from(WORDS)) if kind == "vocab" else draw(NOISE)
    return "".join(piece() for _ in range(draw(st.integers(0, 6))))


@st.composite
def case(draw: st.DrawFn) -> tuple[Config, pd.DataFrame, tuple[str, ...]]:
    """A config, posts (text and repost chain) and a ``--brand`` selection."""
    cfg = draw(config())
    words = [w for b in cfg.brands for w in (*b.terms, *b.exclude)]
    words += [w for ws in cfg.categories.values() for w in ws]
    n = draw(st.integers(1, 6))
    texts = [draw(text(words)) for _ in range(n)]
    chains = [draw(st.one_of(st.just(""), text(words))) for _ in range(n)]
    names = [b.name for b in cfg.brands]
    chosen = tuple(draw(st.lists(st.sampled_from(names), max_size=2, unique=True)))
    posts = pd.DataFrame({"i": range(n), "text": texts, "chain": chains})
    return cfg, posts, chosen


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    # Closed here, in this process: a connection left to the garbage collector could be
    # finalised in a forked worker of a later test, where its threads do not exist.
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_column(con: duckdb.DuckDBPyConnection, posts: pd.DataFrame, expr: str) -> list[object]:
    """``expr`` evaluated by DuckDB for each post, in order."""
    con.register("posts", posts)
    try:
        return [r[0] for r in con.execute(f"SELECT {expr} FROM posts ORDER BY i").fetchall()]
    finally:
        con.unregister("posts")


SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def one_post(brands: tuple[Brand, ...], text: str, chain: str = ""
             ) -> tuple[Config, pd.DataFrame, tuple[str, ...]]:
    return Config(brands=brands), pd.DataFrame({"i": [0], "text": [text], "chain": [chain]}), ()


# Counterexamples found while writing this test, kept as regressions. Python's IGNORECASE
# takes İ and ı for i, RE2's does not (hypothesis found: alias 'i', post 'İ').
TURKISH_I = one_post((Brand("Xiaomi"),), "XİAOMİ")
TURKISH_I_CHAIN = one_post((Brand("鲜果坊", aliases=("i",)),), "", "ı")
TURKISH_I_EXCLUDED = one_post((Brand("小米", exclude=("小米Xi",)),), "小米xİ")
# The matcher masks exclusions with NUL, SQL with \x01: a term made of a mask character
# could match the mask itself.
NUL_TERM = one_post((Brand("\x00", exclude=("ab",)),), "ab")
SOH_TERM = one_post((Brand("\x01", exclude=("ab",)),), "ab")


@SETTINGS
@given(case())
@example(TURKISH_I)
@example(TURKISH_I_CHAIN)
@example(NUL_TERM)
def test_the_prefilter_keeps_every_post_the_matcher_keeps(
        con: duckdb.DuckDBPyConnection,
        generated: tuple[Config, pd.DataFrame, tuple[str, ...]]) -> None:
    cfg, posts, chosen = generated
    condition = prefilter(cfg, chosen)
    if condition is None:
        return  # no SQL filter: Python sees every post
    kept = set(select_posts(posts, cfg, brands=chosen)["i"])
    passed = {i for i, ok in zip(posts["i"], sql_column(con, posts, condition)) if ok}
    assert kept <= passed, posts.loc[posts["i"].isin(kept - passed)].to_dict("records")


@SETTINGS
@given(case())
@example(TURKISH_I)
@example(TURKISH_I_CHAIN)
@example(TURKISH_I_EXCLUDED)
@example(NUL_TERM)
@example(SOH_TERM)
def test_brands_matched_in_sql_are_the_brands_python_matches(
        con: duckdb.DuckDBPyConnection,
        generated: tuple[Config, pd.DataFrame, tuple[str, ...]]) -> None:
    cfg, posts, _ = generated
    expr = sql_brands(cfg)
    if expr is None:
        return  # matched in Python
    python = BrandMatcher(cfg.brands).match(posts["text"] + " " + posts["chain"]).tolist()
    assert sql_column(con, posts, expr) == python


@SETTINGS
@given(case())
def test_categories_found_in_sql_are_the_categories_python_finds(
        con: duckdb.DuckDBPyConnection,
        generated: tuple[Config, pd.DataFrame, tuple[str, ...]]) -> None:
    cfg, posts, _ = generated
    expr = sql_categories(cfg)
    if expr is None:
        return
    assert sql_column(con, posts, expr) == categorize(posts["text"], cfg.categories).tolist()


def test_each_ascii_letter_folds_to_the_same_characters_in_python_and_in_sql(
        con: duckdb.DuckDBPyConnection) -> None:
    """Brand terms are ASCII or uncased (see ``_sql_safe``): for each ASCII letter, the
    characters of all of Unicode that IGNORECASE takes for it are the same in Python's
    ``re`` and in DuckDB's RE2 with brandscan's quoting."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    letters = string.ascii_letters
    anyone = re.compile(f"[{letters}]", re.IGNORECASE)
    candidates = {c for c in chars if anyone.fullmatch(c)}
    con.register("chars", pa.table({"c": chars}))
    try:
        union = "(?i)(?:" + "|".join(_quoted(x, ignore_case=True) for x in letters) + ")"
        candidates |= {r[0] for r in con.execute(
            "SELECT c FROM chars WHERE regexp_full_match(c, ?)", [union]).fetchall()}
    finally:
        con.unregister("chars")
    assert len(candidates) < 100  # the 52 letters and a few lookalikes
    for letter in letters:
        python = {c for c in candidates if re.fullmatch(re.escape(letter), c, re.IGNORECASE)}
        pattern = "(?i)" + _quoted(letter, ignore_case=True)
        sql = {c for c in candidates if con.execute("SELECT regexp_full_match(?, ?)",
                                                    [c, pattern]).fetchall()[0][0]}
        assert sql == python, letter
