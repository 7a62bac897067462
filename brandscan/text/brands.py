"""Which configured brands a post mentions: aliases, with exclusion phrases masked first."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from brandscan.config import Brand


class BrandMatcher:
    """Matches all brands over many texts with one compiled regex per brand."""

    def __init__(self, brands: Sequence[Brand]):
        self.brands = tuple(brands)
        self._include = [
            re.compile("|".join(re.escape(t) for t in b.terms), re.IGNORECASE)
            for b in self.brands
        ]
        self._exclude = [
            re.compile("|".join(re.escape(e) for e in sorted(b.exclude, key=len, reverse=True)),
                       re.IGNORECASE) if b.exclude else None
            for b in self.brands
        ]

    def brands_of(self, text: str) -> list[str]:
        """Names of the brands mentioned in ``text``, in config order."""
        found = []
        for brand, inc, exc in zip(self.brands, self._include, self._exclude):
            t = exc.sub("\x00", text) if exc is not None else text
            if inc.search(t):
                found.append(brand.name)
        return found

    def match(self, texts: pd.Series) -> pd.Series:
        """``;``-joined brand names per text; "" where none is mentioned."""
        if not self.brands:
            return pd.Series("", index=texts.index, dtype=object)
        return texts.map(lambda t: ";".join(self.brands_of(t))).astype(object)


def has_brand(brands: pd.Series, name: str) -> pd.Series:
    """Rows whose ``brands`` cell lists ``name``."""
    return brands.map(lambda cell: name in cell.split(";") if cell else False).astype(bool)
