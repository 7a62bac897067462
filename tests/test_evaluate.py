"""brandscan evaluate: the figures on a fixture whose every number was checked by hand.

tests/fixtures/labeled/hand_checked.csv has 8 texts; the model below scores a text
with [赞] sigmoid(2) = 0.881, with [怒] sigmoid(-2) = 0.119, anything else 0.5:

    text          label  cat  score  at 0.5   at 0.4/0.6
    [赞] 很满意     1     A    .881   pos TP   positive
    [赞] 还行       0     A    .881   pos FP   positive
    [怒] 太差       0     A    .119   neg TN   negative
    [怒] 太差了     1     B    .119   neg FN   negative
    [赞]            1     B    .881   pos TP   positive
    [怒]            0     B    .119   neg TN   negative
    没有表情        1     B    .5     pos TP   neutral
    也没有          0     B    .5     pos FP   neutral

TP 3, FP 2, TN 2, FN 1: accuracy 5/8; F1 positive 6/9, negative 4/7; ROC AUC 10.5/16
(positives .881 .119 .881 .5 against negatives .881 .119 .119 .5, ties half); 3/8
positive, 2/8 neutral, 3/8 negative; decided accuracy 4/6. Group A: 2 of 3 right;
group B: 3 of 5.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from brandscan.analyze.evaluate import evaluate, metrics, roc_auc
from brandscan.cli import cli
from brandscan.config import Config
from brandscan.text.scoring import complaint_rule, score_posts
from tests.conftest import FIXTURES
from tests.test_model import emoticon_model

HAND = FIXTURES / "labeled" / "hand_checked.csv"


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "emoticons.model"
    emoticon_model(rows=8, trained_at="2026-11-26T00:00:00Z").save(path)
    return path


def check_overall(m: dict) -> None:
    assert m["n"] == 8
    assert m["accuracy"] == pytest.approx(5 / 8)
    assert m["macro_f1"] == pytest.approx((6 / 9 + 4 / 7) / 2)
    assert m["roc_auc"] == pytest.approx(10.5 / 16)
    assert m["confusion"] == {"true_negative": 2, "false_positive": 2, "false_negative": 1,
                              "true_positive": 3}
    assert m["predicted_positive_share"] == pytest.approx(3 / 8)
    assert m["predicted_neutral_share"] == pytest.approx(2 / 8)
    assert m["predicted_negative_share"] == pytest.approx(3 / 8)
    assert m["decided_accuracy"] == pytest.approx(4 / 6)
    assert m["labels_by_truth"] == {"negative": {"negative": 2, "neutral": 1, "positive": 1},
                                    "positive": {"negative": 1, "neutral": 1, "positive": 2}}


def test_metrics_by_hand() -> None:
    y = np.array([1, 0, 0, 1, 1, 0, 1, 0])
    s = np.array([.881, .881, .119, .119, .881, .119, .5, .5])
    check_overall(metrics(y, s, (0.4, 0.6)))


def test_roc_auc_needs_both_classes() -> None:
    assert roc_auc(np.array([1, 1]), np.array([0.2, 0.9])) is None
    assert roc_auc(np.array([0, 1]), np.array([0.2, 0.9])) == 1.0


def test_evaluate_library_with_groups() -> None:
    texts = pd.read_csv(HAND)
    result = evaluate(texts["text"].tolist(), texts["label"].to_numpy(), Config(),
                      scorer=emoticon_model(), groups=texts["cat"].tolist(), by="cat")
    check_overall(result.overall)
    assert result.groups["A"]["accuracy"] == pytest.approx(2 / 3)
    assert result.groups["B"]["accuracy"] == pytest.approx(3 / 5)
    assert list(result.frame()["group"]) == ["(all)", "A", "B"]


def test_evaluate_command_json(runner: CliRunner, model_file: Path) -> None:
    result = runner.invoke(cli, ["evaluate", str(HAND), "--model", str(model_file),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    check_overall(out)
    assert out["model"].startswith("brandscan:")
    assert out["model_info"]["rows"] == 8
    assert out["thresholds"] == {"negative_below": 0.4, "positive_from": 0.6}


def test_evaluate_command_by_group_csv(runner: CliRunner, model_file: Path) -> None:
    result = runner.invoke(cli, ["evaluate", str(HAND), "--model", str(model_file),
                                 "--by", "cat", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["group"] for r in rows] == ["(all)", "A", "B"]
    assert [float(r["accuracy"]) for r in rows] == pytest.approx([5 / 8, 2 / 3, 3 / 5])
    assert [int(r["n"]) for r in rows] == [8, 3, 5]
    assert rows[0]["model"].startswith("brandscan:")


def test_evaluate_default_model_is_brandscans_and_snownlp_one_option_away(
        runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", str(HAND), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["model"].startswith("brandscan:")
    # the shipped model's fitted thresholds and its complaint rule (off) are reported
    info = out["model_info"]
    assert out["thresholds"]["negative_below"] == info["thresholds"]["negative_below"]
    assert out["complaint_shift"] == 0.1
    snow = runner.invoke(cli, ["evaluate", str(HAND), "--model", "snownlp", "--format",
                               "json"])
    assert json.loads(snow.stdout)["model"].startswith("snownlp-default:")
    assert json.loads(snow.stdout)["complaint_shift"] == 0.2


def test_evaluate_bad_model_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(cli, ["evaluate", str(HAND), "--model", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "bad.model" in result.stderr


# --- the complaint rule ---------------------------------------------------------------


def test_complaint_rule_moves_only_neutral_posts_with_a_complaint_term() -> None:
    texts = pd.Series(["山竹烂了", "物流很快", "山竹烂了", "山竹烂了", "今天天气"])
    scores = np.array([0.55, 0.55, 0.75, 0.2, 0.5])
    moved = complaint_rule(scores, texts, Config(), (0.4, 0.6))
    # 烂了 is a complaint term; 物流 only names a topic (praise uses it as often); only
    # neutral posts within the shift (0.2) of negative_below move
    assert moved.tolist() == [True, False, False, False, False]
    assert not complaint_rule(scores, texts, Config(), (0.4, 0.6), shift=0).any()
    # with a wide neutral band, a neutral post far above negative_below stays neutral
    assert complaint_rule(np.array([0.5, 0.3]), texts[:2].reset_index(drop=True) * 0
                          + "山竹烂了", Config(), (0.2, 0.8)).tolist() == [False, True]


def test_score_posts_applies_the_rule(tmp_path: Path) -> None:
    class Flat:
        model_id = "flat"

        def score(self, texts: list[str]) -> np.ndarray:
            return np.full(len(texts), 0.5)

    posts = pd.DataFrame({"text": ["客服不回复", "客服回复了"]})
    scored = score_posts(posts, Config(), scorer=Flat())
    assert scored["label"].tolist() == ["negative", "neutral"]
    # the score stays the model's; the rule's move is named
    assert scored["sentiment"].tolist() == [0.5, 0.5]
    assert scored["label_rule"].tolist() == ["complaint", ""]
    off = score_posts(posts, Config(), scorer=Flat(), complaint_shift=0)
    assert off["label"].tolist() == ["neutral", "neutral"]


def test_evaluate_measures_the_rule_on_and_off(runner: CliRunner, tmp_path: Path) -> None:
    labelled = tmp_path / "complaints.csv"
    labelled.write_text("text,label\n客服不回复,0\n客服回复了很快,1\n", encoding="utf-8")
    flat = tmp_path / "flat.model"
    emoticon_model().save(flat)  # scores both texts 0.5
    on = json.loads(runner.invoke(cli, ["evaluate", str(labelled), "--model", str(flat),
                                        "--format", "json"]).stdout)
    off = json.loads(runner.invoke(cli, ["evaluate", str(labelled), "--model", str(flat),
                                         "--complaint-shift", "0", "--format", "json"]).stdout)
    assert off["predicted_neutral_share"] == 1.0 and off["accuracy"] == 0.5
    # the rule moves labels, never scores: the model's own (binary) accuracy stays 0.5,
    # the one post the rule labelled negative is right
    assert on["predicted_negative_share"] == 0.5 and on["accuracy"] == 0.5
    assert on["decided_accuracy"] == 1.0 and on["complaint_rule_moved"] == 1
    assert on["complaint_shift"] == 0.2 and off["complaint_shift"] == 0.0


# --- three classes ----------------------------------------------------------------------
#
# Ten texts scored by the emoticon model ([赞] .881 -> positive, [怒] .119 -> negative,
# no emoticon .5 -> neutral at the default 0.4/0.6), labelled in every accepted spelling:
#
#     text          truth     brandscan   score
#     [赞] 很满意    positive  positive    .881
#     [赞] 不错      positive  positive    .881
#     [怒] 生气      positive  negative    .119
#     今天天气        positive  neutral     .5
#     [怒] 太差      negative  negative    .119
#     [赞] 还行      negative  positive    .881
#     没有表情        neutral   neutral     .5
#     也没有          neutral   neutral     .5
#     [赞] 一般      neutral   positive    .881
#     [怒] 无语      neutral   negative    .119
#
# Confusion (truth x brandscan; positive, neutral, negative): [2 1 1] [1 2 1] [1 0 1].
# Accuracy 5/10. positive: P 2/4 R 2/4 F1 1/2; neutral: P 2/3 R 2/4 F1 4/7; negative:
# P 1/3 R 1/2 F1 2/5; macro-F1 (1/2 + 4/7 + 2/5) / 3. Labelled 4/4/2 of 10, labelled by
# brandscan 4/3/3. The six rows not labelled neutral at a 0.5 cut: TP 3, FN 1 (生气),
# TN 1, FP 1 (还行): accuracy 4/6, F1 positive 6/8, negative 2/4, macro-F1 5/8; ROC AUC
# 4.5/8 (positives .881 .881 .119 .5 against negatives .119 .881, ties half).

THREE = [("[赞] 很满意", "positive", 2), ("[赞] 不错", "正面", 2), ("[怒] 生气", "pos", 2),
         ("今天天气", "1", 2), ("[怒] 太差", "负面", 0), ("[赞] 还行", "neg", 0),
         ("没有表情", "neutral", 1), ("也没有", "中性", 1), ("[赞] 一般", "中立", 1),
         ("[怒] 无语", "neutral", 1)]


def three_class_file(tmp_path: Path, column: int) -> Path:
    path = tmp_path / "three.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows((row[0], row[column]) for row in THREE)
    return path


def check_three(m: dict) -> None:
    assert (m["n"], m["positive"], m["neutral"], m["negative"]) == (10, 4, 4, 2)
    assert m["accuracy"] == pytest.approx(5 / 10)
    assert m["macro_f1"] == pytest.approx((1 / 2 + 4 / 7 + 2 / 5) / 3)
    assert m["confusion"] == {"positive": {"positive": 2, "neutral": 1, "negative": 1},
                              "neutral": {"positive": 1, "neutral": 2, "negative": 1},
                              "negative": {"positive": 1, "neutral": 0, "negative": 1}}
    expected = {"positive": (2 / 4, 2 / 4, 1 / 2, 4), "neutral": (2 / 3, 2 / 4, 4 / 7, 4),
                "negative": (1 / 3, 1 / 2, 2 / 5, 2)}
    for c, (p, r, f1, support) in expected.items():
        got = m["per_class"][c]
        assert (got["precision"], got["recall"], got["f1"]) == pytest.approx((p, r, f1))
        assert got["support"] == support
    assert [m[f"true_{c}_share"] for c in ("positive", "neutral", "negative")] == \
        pytest.approx([.4, .4, .2])
    assert [m[f"predicted_{c}_share"] for c in ("positive", "neutral", "negative")] == \
        pytest.approx([.4, .3, .3])
    b = m["binary"]
    assert (b["n"], b["positive"], b["negative"]) == (6, 4, 2)
    assert b["accuracy"] == pytest.approx(4 / 6)
    assert b["macro_f1"] == pytest.approx(5 / 8)
    assert b["roc_auc"] == pytest.approx(4.5 / 8)
    assert b["confusion"] == {"true_negative": 1, "false_positive": 1, "false_negative": 1,
                              "true_positive": 3}


def test_three_class_json_by_hand(runner: CliRunner, tmp_path: Path,
                                  model_file: Path) -> None:
    result = runner.invoke(cli, ["evaluate", str(three_class_file(tmp_path, 1)), "--model",
                                 str(model_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    check_three(out)
    assert out["data"]["files"][0]["neutral"] == 4
    assert "roc_auc" not in out  # a three-class figure only among the binary ones


def test_three_class_with_a_label_map(runner: CliRunner, tmp_path: Path,
                                      model_file: Path) -> None:
    # 0/1/2 mean negative/neutral/positive here, which only --label-map can say:
    # without it 0 and 1 are read as negative and positive, and 2 stops the run
    labelled = three_class_file(tmp_path, 2)
    plain = runner.invoke(cli, ["evaluate", str(labelled), "--model", str(model_file)])
    assert plain.exit_code == 1
    assert "label '2' is neither positive, neutral nor negative" in plain.stderr
    assert "=neutral" in plain.stderr
    result = runner.invoke(cli, ["evaluate", str(labelled), "--model", str(model_file),
                                 "--label-map", "2=pos,1=neutral,0=neg", "--format", "json"])
    assert result.exit_code == 0, result.output
    check_three(json.loads(result.stdout))


def test_three_class_csv_and_table(runner: CliRunner, tmp_path: Path,
                                   model_file: Path) -> None:
    labelled = str(three_class_file(tmp_path, 1))
    result = runner.invoke(cli, ["evaluate", labelled, "--model", str(model_file),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert float(row["accuracy"]) == pytest.approx(0.5)
    assert float(row["neutral_precision"]) == pytest.approx(2 / 3)
    assert int(row["negative_support"]) == 2
    assert [int(row[f"true_neutral_pred_{p}"]) for p in ("positive", "neutral", "negative")] \
        == [1, 2, 1]
    assert float(row["binary_accuracy"]) == pytest.approx(4 / 6)
    table = runner.invoke(cli, ["evaluate", labelled, "--model", str(model_file),
                                "--format", "table"], env={"COLUMNS": "120"})
    assert table.exit_code == 0, table.output
    assert "three-class accuracy 0.500, macro-F1 0.490 on 10 texts; binary accuracy 0.667 " \
           "on the 6 not labelled neutral" in " ".join(table.stdout.split())
    lines = [line.split() for line in table.stdout.splitlines()]
    assert ["(all)", "neutral", "0.667", "0.500", "0.571", "4", "1", "2", "1"] in lines


def test_train_with_a_neutral_class_writes_a_three_class_model(runner: CliRunner,
                                                                tmp_path: Path) -> None:
    labelled = str(three_class_file(tmp_path, 2))
    out = tmp_path / "m.model"
    result = runner.invoke(cli, ["train", labelled, "-o", str(out), "--min-df", "1",
                                 "--label-map", "2=pos,1=neutral,0=neg"])
    assert result.exit_code == 0, result.output
    assert "three classes" in result.stderr
    from brandscan.text.model import LinearModel

    model = LinearModel.load(out)
    assert model.three_class and model.thresholds == (0.3333, 0.6667)
    snow = runner.invoke(cli, ["train", labelled, "-o", str(tmp_path / "s.3"), "--format",
                               "snownlp", "--label-map", "2=pos,1=neutral,0=neg"])
    assert snow.exit_code == 2 and "neutral=drop" in snow.output
    binary = tmp_path / "b.csv"
    binary.write_text("text,label\n好\n".replace("好\n", "好,1\n坏,0\n"), encoding="utf-8")
    bad = runner.invoke(cli, ["train", str(binary), "-o", str(tmp_path / "b.model"),
                              "--repeat", "b.csv:2"])
    assert bad.exit_code == 2 and "neutral class" in bad.output


def test_binary_output_names_no_neutral(runner: CliRunner, model_file: Path) -> None:
    out = json.loads(runner.invoke(cli, ["evaluate", str(HAND), "--model", str(model_file),
                                         "--format", "json"]).stdout)
    assert "per_class" not in out and "binary" not in out
    assert "neutral" not in out["data"]["files"][0]


@pytest.mark.realdata
def test_smp2020_three_class(runner: CliRunner) -> None:
    from tests.conftest import SHARED

    data = SHARED / "labeled" / "smp2020_ewect_virus_train__msft-vivi.json"
    result = runner.invoke(cli, ["evaluate", str(data), "--format", "json", "--label-map",
                                 "happy=pos,neural=neutral,angry,sad,fear=neg,surprise=drop"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # the counts of data/README.md: surprise (197) dropped, sad+fear+angry negative
    assert (out["positive"], out["neutral"], out["negative"]) == (4423, 1452, 2526)
    assert out["data"]["files"][0]["dropped"] == 197
    assert sum(sum(row.values()) for row in out["confusion"].values()) == 8401
    for c in ("positive", "neutral", "negative"):
        assert 0 <= out["per_class"][c]["recall"] <= 1
    assert out["binary"]["n"] == 4423 + 2526


def test_label_map_reads_both_separators() -> None:
    from brandscan.errors import BrandscanError
    from brandscan.text.train import NEUTRAL_LABEL, parse_label_map

    [old] = parse_label_map(["emotions*:2,4=pos;0,1=neg;3=drop"])
    assert old.pattern == "emotions*"
    assert old.values == {"2": 1, "4": 1, "0": 0, "1": 0, "3": None}
    [new] = parse_label_map(["happy=positive,neural=neutral,angry,sad=negative,x=drop"])
    assert new.values == {"happy": 1, "neural": NEUTRAL_LABEL, "angry": 0, "sad": 0,
                          "x": None}
    for bad in ("happy=pos,sad", "happy=glad", "=pos"):
        with pytest.raises(BrandscanError, match="cannot read"):
            parse_label_map([bad])
