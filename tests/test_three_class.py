"""Three-class models: the score formula, the file, the trainer, the shipped default."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest

from brandscan.errors import BrandscanError
from brandscan.text.model import LinearModel
from brandscan.text.sentiment import get_scorer
from brandscan.text.three_class import macro_f1, parse_repeat, train_three_class
from brandscan.text.train import NEUTRAL_LABEL, LabeledSet, read_labeled

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "labeled"


def empty_model(bias: float, polar_bias: float | None, meta: dict | None = None
                ) -> LinearModel:
    keys = np.empty(0, dtype=np.uint64)
    weights = np.empty(0, dtype=np.float32)
    return LinearModel(keys, weights, bias, meta=meta or {},
                       polar_weights=None if polar_bias is None else weights.copy(),
                       polar_bias=polar_bias or 0.0)


def test_score_is_the_expected_label_on_a_0_to_1_scale() -> None:
    # no features: the margins are the biases. P(pos | polar) = 0.75, P(polar) = 0.5
    m = empty_model(math.log(3), 0.0)
    assert m.three_class
    assert m.score(["随便"])[0] == pytest.approx(0.5 + 0.5 * (0.75 - 0.5))
    # sure to take a side: the polarity alone; never: 0.5
    assert empty_model(math.log(3), 50.0).score(["x"])[0] == pytest.approx(0.75)
    assert empty_model(math.log(3), -50.0).score(["x"])[0] == pytest.approx(0.5)
    # a binary model is the probability of positive
    assert empty_model(math.log(3), None).score(["x"])[0] == pytest.approx(0.75)


def test_file_keeps_the_polar_head_and_the_thresholds(tmp_path: Path) -> None:
    meta = {"thresholds": {"negative_below": 0.3, "positive_from": 0.62}}
    m = empty_model(0.2, -0.4, meta)
    m.save(tmp_path / "m.model")
    back = LinearModel.load(tmp_path / "m.model")
    assert back.three_class and back.polar_bias == -0.4 and back.thresholds == (0.3, 0.62)
    assert back.model_id == m.model_id
    # the id changes with the polar head and with the thresholds
    assert empty_model(0.2, -0.5, meta).model_id != m.model_id
    other = {"thresholds": {"negative_below": 0.31, "positive_from": 0.62}}
    assert empty_model(0.2, -0.4, other).model_id != m.model_id


def test_half_a_polar_head_is_a_damaged_file(tmp_path: Path) -> None:
    import zipfile

    m = empty_model(0.2, -0.4)
    m.save(tmp_path / "m.model")
    with zipfile.ZipFile(tmp_path / "m.model") as z, \
            zipfile.ZipFile(tmp_path / "half.model", "w") as out:
        for name in z.namelist():
            if name != "polar_bias.npy":
                out.writestr(name, z.read(name))
    with pytest.raises(ValueError, match="half of the polar head"):
        LinearModel.load(tmp_path / "half.model")
    with pytest.raises(BrandscanError, match=r"half\.model"):
        get_scorer(str(tmp_path / "half.model"))


def test_macro_f1_by_hand() -> None:
    truth = np.array([1, 1, NEUTRAL_LABEL, 0])
    pred = np.array([1, NEUTRAL_LABEL, NEUTRAL_LABEL, NEUTRAL_LABEL])
    # positive: tp 1 fp 0 fn 1 -> 2/3; neutral: tp 1 fp 2 fn 0 -> 2/4; negative: 0
    assert macro_f1(truth, pred) == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)


def test_parse_repeat() -> None:
    assert parse_repeat(["brand*.csv:12"]) == [("brand*.csv", 12)]
    for bad in ("brand.csv", "brand.csv:0", ":3", "brand.csv:x"):
        with pytest.raises(BrandscanError, match="FILEGLOB:N"):
            parse_repeat([bad])


def labelled(n: int) -> LabeledSet:
    pos = ["好吃好吃真好吃", "太棒了喜欢", "满意推荐", "非常好很开心"]
    neg = ["难吃死了垃圾", "太差了生气", "失望再也不买", "坏了退款"]
    neu = ["明天上新", "几点发货", "今天周三", "地址在哪里"]
    texts, labels = [], []
    for i in range(n):
        for group, label in ((pos, 1), (neg, 0), (neu, NEUTRAL_LABEL)):
            texts.append(f"{group[i % 4]}{i}")
            labels.append(label)
    return LabeledSet(texts, np.array(labels, dtype=np.int8), origin=np.zeros(len(texts),
                                                                            dtype=np.int64))


def test_trainer_learns_three_classes_and_fits_thresholds(tmp_path: Path) -> None:
    data = labelled(24)
    data.files.append(type("F", (), {"path": "hand.csv", "to_json": lambda self: {}})())
    model = train_three_class(data, fit_on="hand.csv", min_df=1)
    low, high = model.thresholds or (0, 0)
    assert 0.05 <= low < high <= 0.95
    s = model.score(["好吃好吃真好吃", "难吃死了垃圾", "明天上新"])
    assert s[0] >= high and s[1] < low and low <= s[2] < high
    record = model.meta["thresholds"]
    assert record["fitted_on"] == "hand.csv" and record["rows"] == len(data.texts)
    again = train_three_class(data, fit_on="hand.csv", min_df=1)
    assert np.array_equal(again.weights, model.weights) and again.model_id == model.model_id
    with pytest.raises(BrandscanError, match="matches 0 rows"):
        train_three_class(data, fit_on="other.csv", min_df=1)


def test_trainer_needs_all_three_classes() -> None:
    data = labelled(4)
    two = LabeledSet(data.texts[:8], np.where(data.labels[:8] == NEUTRAL_LABEL, 1,
                                              data.labels[:8]).astype(np.int8))
    with pytest.raises(BrandscanError, match="positive, neutral and negative"):
        train_three_class(two)


def test_the_shipped_model_is_three_class_with_fitted_thresholds() -> None:
    model = get_scorer(None)
    assert isinstance(model, LinearModel) and model.three_class
    assert model.thresholds == (0.34, 0.72)
    names = [f["name"] for f in model.meta["files"]]
    assert names == ["smp2020_ewect_virus_train__msft-vivi.json", "waimai_10k.csv",
                     "ChnSentiCorp_htl_all.csv", "brand_tune.csv"]
    assert model.meta["options"]["repeat"] == ["brand_tune.csv:12"]
    # obvious cases, as an analyst reads them
    s = model.score(["果多多客服不回复，差评",
                     "真心推荐，实现草莓自由的一天，感谢鲜果坊旗舰店[馋嘴]"])
    assert s[0] < 0.34 and s[1] >= 0.72


@pytest.mark.realdata
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")
def test_the_shipped_model_names_the_public_files_it_was_trained_on() -> None:
    model = get_scorer(None)
    for f in model.meta["files"][:3]:
        path = SHARED / f["name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"], f["name"]


@pytest.mark.realdata
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")
def test_smp2020_reads_with_its_neutral_class() -> None:
    data = read_labeled([str(SHARED / "smp2020_ewect_virus_train__msft-vivi.json")],
                        text_col="content", neutral=True,
                        label_maps=__import__("brandscan.text.train", fromlist=["x"])
                        .parse_label_map(["happy=pos;neural=neutral;angry,sad,fear=neg;"
                                          "surprise=drop"]))
    assert (data.positive, data.neutral, data.negative) == (4423, 1452, 2526)


def test_scoring_in_small_batches_gives_the_same_floats() -> None:
    import brandscan.text.model as model_module

    model = get_scorer(None)
    texts = [f"鲜果坊第{i}次{'好吃' if i % 3 else '烂了'}[哈哈]//@路人:转发" * (1 + i % 4)
             for i in range(2_500)] + [None, ""]  # type: ignore[list-item]
    small = model.score(texts)
    saved = model_module.SCORING_BATCH
    try:
        model_module.SCORING_BATCH = 10**6  # one batch, as training reads them
        whole = model.score(texts)
    finally:
        model_module.SCORING_BATCH = saved
    assert np.array_equal(small, whole)
