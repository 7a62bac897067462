"""Which configured brands a post mentions: aliases or a boolean query, exclusions masked first.

A brand without ``query`` is mentioned when the text contains its name or an alias. A brand
with a ``query`` is mentioned when the query holds; its name and aliases are then not
matched on their own (the query is the definition, as in the listening suites), but they
still count as brand words elsewhere (kept whole by jieba, never complaint terms). In both
cases the brand's ``exclude`` phrases are masked out of the text first, so
``exclude: [小米米米]`` keeps fan posts away from 小米 whichever way the brand is defined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from brandscan.config import Brand
from brandscan.errors import BrandscanError, shorten
from brandscan.text.query import Node, QueryError, parse_query


def brand_query(brand: Brand) -> Node | None:
    """The parsed query of a brand (None without one); a bad query names the brand."""
    if not brand.query:
        return None
    try:
        return parse_query(brand.query)
    except QueryError as exc:
        raise BrandscanError(f"brand '{brand.name}': query: {exc.message} at position "
                             f"{exc.position} in {shorten(brand.query)!r}") from None


class BrandMatcher:
    """Matches all brands over many texts with one compiled regex (or query) per brand."""

    def __init__(self, brands: Sequence[Brand]):
        self.brands = tuple(brands)
        self._include = [
            re.compile("|".join(re.escape(t) for t in b.terms), re.IGNORECASE)
            for b in self.brands
        ]
        self._query = [brand_query(b) for b in self.brands]
        self._exclude = [
            re.compile("|".join(re.escape(e) for e in sorted(b.exclude, key=len, reverse=True)),
                       re.IGNORECASE) if b.exclude else None
            for b in self.brands
        ]

    @staticmethod
    def _mask(exc: re.Pattern[str] | None, text: str) -> str:
        # Same-length mask: NEAR/n distances stay what the reader of the post sees.
        return exc.sub(lambda m: "\x00" * len(m[0]), text) if exc is not None else text

    def brands_of(self, text: str) -> list[str]:
        """Names of the brands mentioned in ``text``, in config order."""
        found = []
        for brand, inc, query, exc in zip(self.brands, self._include, self._query,
                                          self._exclude):
            t = self._mask(exc, text)
            if query is not None:
                if query.matches(t.lower()):
                    found.append(brand.name)
            elif inc.search(t):
                found.append(brand.name)
        return found

    def match(self, texts: pd.Series) -> pd.Series:
        """``;``-joined brand names per text; "" where none is mentioned."""
        if not self.brands:
            return pd.Series("", index=texts.index, dtype=object)
        return texts.map(lambda t: ";".join(self.brands_of(t))).astype(object)

    def clause_counts(self, texts: pd.Series, name: str) -> pd.DataFrame:
        """How many texts each clause of a brand's definition matches, to tune queries.

        With a query: one row per clause (indented by depth), the whole query first. With
        aliases: one row per name/alias and per exclude phrase (texts containing it before
        masking), then the brand as matched.
        """
        i = next((k for k, b in enumerate(self.brands) if b.name == name), None)
        if i is None:
            raise BrandscanError(f"--brand {name}: not a configured brand")
        brand, query, exc = self.brands[i], self._query[i], self._exclude[i]
        raw = texts.astype(str).str.lower()
        masked = texts.astype(str).map(lambda t: self._mask(exc, t).lower())
        rows: list[tuple[str, str, int]] = []
        if query is not None:
            for depth, node in query.walk():
                hits = int(masked.map(node.matches).sum())
                kind = "query" if depth == 0 else type(node).__name__.lower()
                rows.append(("  " * depth + node.source, kind, hits))
        else:
            for term in dict.fromkeys((brand.name, *brand.aliases)):  # config order
                t = term.lower()
                rows.append((term, "alias" if term != brand.name else "name",
                             int(masked.map(lambda s, t=t: t in s).sum())))
        for phrase in brand.exclude:
            p = phrase.lower()
            rows.append((phrase, "exclude", int(raw.map(lambda s, p=p: p in s).sum())))
        matched = int(texts.astype(str).map(lambda t: name in self.brands_of(t)).sum())
        rows.append((brand.name, "brand", matched))
        return pd.DataFrame(rows, columns=["clause", "kind", "posts"])


def clause_table(posts: pd.DataFrame, brands: Sequence[Brand], names: Sequence[str]
                 ) -> pd.DataFrame:
    """``brand, clause, kind, posts`` for each named brand, over own words and repost chains
    (what brand matching reads)."""
    matcher = BrandMatcher(brands)
    texts = posts["text"] + " " + posts["chain"]
    frames = [matcher.clause_counts(texts, name).assign(brand=name) for name in names]
    out = pd.concat(frames, ignore_index=True)
    return out.loc[:, ["brand", "clause", "kind", "posts"]]


def has_brand(brands: pd.Series, name: str) -> pd.Series:
    """Rows whose ``brands`` cell lists ``name``."""
    # A column holds few distinct cells (the combinations of brands), so each is split
    # once: a million rows cost a factorize, not a million splits.
    codes, cells = pd.factorize(brands.to_numpy(dtype=object), use_na_sentinel=False)
    listed = np.fromiter(((name in c.split(";")) if isinstance(c, str) and c else False
                          for c in cells), dtype=bool, count=len(cells))
    return pd.Series(listed[codes] if len(cells) else np.zeros(len(brands), dtype=bool),
                     index=brands.index, dtype=bool)
