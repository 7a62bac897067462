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
from brandscan.config import Config, SentimentConfig
from brandscan.text.scoring import complaint_push, score_posts
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
    check_overall(metrics(y, s, SentimentConfig()))


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


def test_evaluate_default_model_is_snownlp(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", str(HAND), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["model"].startswith("snownlp-default:")


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
    pushed = complaint_push(scores, texts, Config())
    # 烂了 is a complaint term; 物流 only names a topic (praise uses it as often)
    assert pushed.tolist() == pytest.approx([0.35, 0.55, 0.75, 0.2, 0.5])
    assert complaint_push(scores, texts, Config(), shift=0).tolist() == scores.tolist()


def test_score_posts_applies_the_rule(tmp_path: Path) -> None:
    class Flat:
        model_id = "flat"

        def score(self, texts: list[str]) -> np.ndarray:
            return np.full(len(texts), 0.5)

    posts = pd.DataFrame({"text": ["客服不回复", "客服回复了"]})
    scored = score_posts(posts, Config(), scorer=Flat())
    assert scored["label"].tolist() == ["negative", "neutral"]
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
    assert on["predicted_negative_share"] == 0.5 and on["accuracy"] == 1.0
    assert on["complaint_shift"] == 0.2 and off["complaint_shift"] == 0.0
