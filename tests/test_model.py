"""Model files: brandscan's own and snownlp's, loaded by content, never running code."""

from __future__ import annotations

import gzip
import io
import marshal
import zipfile
from pathlib import Path

import numpy as np
import pytest

from brandscan.errors import BrandscanError
from brandscan.text.features import FeatureSpec, token_key
from brandscan.text.model import LinearModel, load_scorer, read_snownlp, write_snownlp
from brandscan.text.sentiment import get_scorer
from brandscan.text.snowfast import SentimentEngine
from brandscan.text.train import read_labeled, train_linear
from tests.conftest import FIXTURES

LABELED = FIXTURES / "labeled"


def emoticon_model(**meta: object) -> LinearModel:
    """[赞] +2, [怒] -2, nothing else: scores that can be checked by hand."""
    pairs = sorted([(token_key("e:赞"), 2.0), (token_key("e:怒"), -2.0)])
    return LinearModel(np.array([k for k, _ in pairs], dtype=np.uint64),
                       np.array([w for _, w in pairs], dtype=np.float32), 0.0, FeatureSpec(),
                       dict(meta))


def test_scores_are_probabilities_from_the_weights() -> None:
    scores = emoticon_model().score(["[赞]真好", "[怒]", "没有表情", ""])
    assert scores == pytest.approx([1 / (1 + np.exp(-2)), 1 / (1 + np.exp(2)), 0.5, 0.5])


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = emoticon_model(rows=8, trained_at="2026-11-26T00:00:00Z")
    path = tmp_path / "m.model"
    model.save(path)
    loaded = load_scorer(path)
    assert isinstance(loaded, LinearModel)
    assert loaded.model_id == model.model_id and loaded.model_id.startswith("brandscan:")
    assert loaded.meta["rows"] == 8
    assert list(loaded.score(["[赞]", "[怒]"])) == list(model.score(["[赞]", "[怒]"]))
    # plain arrays only: numpy refuses pickled objects when loading
    with np.load(path, allow_pickle=False) as npz:
        assert {a.dtype.kind for a in (npz[n] for n in npz.files)} <= {"u", "f"}
    # the same model is the same bytes
    model.save(tmp_path / "again.model")
    assert (tmp_path / "again.model").read_bytes() == path.read_bytes()


def test_trained_model_reloads_with_the_same_scores(tmp_path: Path) -> None:
    data = read_labeled([str(LABELED / "weibo_small.tsv")])
    model = train_linear(data, min_df=1)
    model.save(tmp_path / "w.model")
    again = get_scorer(str(tmp_path / "w.model"))
    texts = ["新店开业，大家快来[哈哈]", "又坏了，气死了[怒]"]
    assert list(again.score(texts)) == list(model.score(texts))
    assert again.score(texts)[0] > 0.5 > again.score(texts)[1]


def _bad_zip(tmp_path: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a model")
    path = tmp_path / "other.zip"
    path.write_bytes(buf.getvalue())
    return path


def _pickled_npz(tmp_path: Path) -> Path:
    path = tmp_path / "pickled.npz"
    np.savez(path, keys=np.array([{"a": 1}], dtype=object), weights=np.zeros(1),
             bias=np.zeros(1), meta=np.zeros(1))
    return path


def _truncated(tmp_path: Path) -> Path:
    emoticon_model().save(tmp_path / "full.model")
    path = tmp_path / "truncated.model"
    path.write_bytes((tmp_path / "full.model").read_bytes()[:200])
    return path


@pytest.mark.parametrize("make, says", [
    (lambda p: (p / "m.bin").write_bytes(b"\x00\x01garbage" * 10) and p / "m.bin",
     "not a snownlp model"),
    (lambda p: (p / "m.json").write_text('{"weights": [1, 2]}') and p / "m.json",
     "not a snownlp model"),
    (_bad_zip, "not a brandscan model"),
    (_pickled_npz, "not a usable sentiment model"),
    (_truncated, "damaged"),
    (lambda p: (p / "m.3").write_bytes(gzip.compress(b"\x00garbage")) and p / "m.3",
     "not a snownlp model"),
    (lambda p: (p / "seg.3").write_bytes(gzip.compress(marshal.dumps(
        {"l1": 0.1, "status": ["b", "m", "e", "s"], "uni": {}}))) and p / "seg.3",
     "not a snownlp sentiment model"),
    (lambda p: (p / "code.3").write_bytes(marshal.dumps(
        {"total": 1.0, "d": {"pos": compile("1", "x", "eval")}})) and p / "code.3",
     "not a snownlp sentiment model"),
    (lambda p: p / "missing.model", "no such sentiment model file"),
])
def test_corrupt_or_foreign_model_is_a_clear_error(tmp_path: Path, make, says: str) -> None:
    path = make(tmp_path)
    with pytest.raises(BrandscanError) as err:
        load_scorer(path)
    message = err.value.format()
    assert str(path).split("/")[-1] in message and says in message
    assert "\n" not in message


def test_snownlp_models_are_told_apart_and_scored_by_the_exact_engine(tmp_path: Path) -> None:
    path = tmp_path / "mine.marshal.3"
    write_snownlp(path, [["难吃"], ["太", "差"]], [["好吃"], ["很", "好"]],
                  record={"rows": 4})
    # snownlp's own name (without .3) finds the file, as snownlp's load does
    scorer = load_scorer(tmp_path / "mine.marshal")
    assert isinstance(scorer, SentimentEngine)
    assert scorer.model_id.startswith("snownlp-custom:")
    assert read_snownlp(path.read_bytes())["brandscan"] == {"rows": 4}
    # bytes do not depend on the day (gzip without a timestamp)
    write_snownlp(tmp_path / "again.3", [["难吃"], ["太", "差"]], [["好吃"], ["很", "好"]],
                  record={"rows": 4})
    assert (tmp_path / "again.3").read_bytes() == path.read_bytes()
