"""brandscan train as a user runs it, and the model it writes used by every command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.text.model import LinearModel, read_snownlp
from brandscan.text.sentiment import get_scorer
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES, FIXTURES, SHARED

LABELED = FIXTURES / "labeled"
WEIBO = LABELED / "weibo_small.tsv"


def invoke(runner: CliRunner, *args: str | Path) -> object:
    return runner.invoke(cli, [str(a) for a in args])


def test_train_writes_a_model_that_records_its_training(runner: CliRunner,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "weibo.model"
    result = invoke(runner, "train", WEIBO, "--min-df", "1", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the model goes to the file, the summary to stderr
    assert "trained on 40 texts" in result.stderr and "20 positive / 20 negative" in result.stderr
    model = LinearModel.load(out)
    meta = model.meta
    assert (meta["rows"], meta["positive"], meta["negative"]) == (40, 20, 20)
    assert meta["brandscan_version"] and meta["trained_at"].endswith("Z")
    assert meta["files"][0]["name"] == "weibo_small.tsv"
    assert len(meta["files"][0]["sha256"]) == 64
    assert model.model_id in result.stderr
    # every fixture post has an emoticon: each is also learned without it
    assert meta["options"]["emoticon_free_copies"] == 40
    # it learned the emoticons
    pos, neg = model.score(["今天[哈哈]", "今天[怒]"])
    assert pos > neg


def test_emoticon_dropout_can_be_turned_off(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "w.model"
    result = invoke(runner, "train", WEIBO, "--no-emoticon-dropout", "-o", out)
    assert result.exit_code == 0, result.output
    options = LinearModel.load(out).meta["options"]
    assert options["emoticon_dropout"] is False and options["emoticon_free_copies"] == 0


def test_training_is_deterministic(runner: CliRunner, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    for name in ("a.model", "b.model"):
        assert invoke(runner, "train", WEIBO, "-o", tmp_path / name).exit_code == 0
    assert (tmp_path / "a.model").read_bytes() == (tmp_path / "b.model").read_bytes()


def test_any_layout_and_label_spelling(runner: CliRunner, tmp_path: Path) -> None:
    # JSONL with 正面/负面 under "sentiment"/"content"; rows without text or label skipped
    result = invoke(runner, "train", LABELED / "labels_zh.jsonl", LABELED / "reviews.csv",
                    "--min-df", "1", "-o", tmp_path / "m.model")
    assert result.exit_code == 0, result.output
    assert "2 skipped" in result.stderr
    assert LinearModel.load(tmp_path / "m.model").meta["rows"] == 12


def test_label_map_with_drop(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "covid.model"
    result = invoke(runner, "train", LABELED / "emotions.csv", WEIBO, "--min-df", "1",
                    "--label-map", "emotions*:2,4=pos;0,1,5,6=neg;3=drop", "-o", out)
    assert result.exit_code == 0, result.output
    files = LinearModel.load(out).meta["files"]
    assert files[0]["used"] == 7 and files[0]["dropped"] == 1 and files[0]["positive"] == 3
    assert files[1]["used"] == 40  # the map applies to emotions.csv only


def test_unknown_label_is_an_error_naming_file_and_line(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    result = invoke(runner, "train", LABELED / "emotions.csv", "-o", tmp_path / "m.model")
    assert result.exit_code == 1
    assert "emotions.csv:2" in result.stderr and "--label-map" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "m.model").exists()


def test_missing_column_and_one_class_are_errors(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "train", WEIBO, "--text-col", "微博正文", "-o", tmp_path / "m")
    assert result.exit_code == 1 and "no column '微博正文'" in result.stderr
    one = tmp_path / "one.csv"
    one.write_text("text,label\n好,1\n很好,1\n", encoding="utf-8")
    result = invoke(runner, "train", one, "-o", tmp_path / "m")
    assert result.exit_code == 1 and "both positive and negative" in result.stderr


def _two_layouts(tmp_path: Path) -> tuple[Path, Path]:
    """A weibo_senti_100k-style TSV and a review CSV whose columns are named differently,
    neither guessable: with no option naming them, training stops."""
    posts = tmp_path / "posts.tsv"
    posts.write_text("y_true\tbody\textra\n1\t开心[哈哈]\tx\n0\t生气[怒]\tx\n",
                     encoding="utf-8")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("stars,comment_text,shop\n1,好吃[赞]\ta\n0,太难吃[怒],b\n"
                       "1,很快[赞],c\n".replace("\t", ","), encoding="utf-8")
    return posts, reviews


def test_columns_per_file(runner: CliRunner, tmp_path: Path) -> None:
    posts, reviews = _two_layouts(tmp_path)
    out = tmp_path / "m.model"
    result = invoke(runner, "train", posts, reviews, "-o", out)
    assert result.exit_code == 1 and "cannot tell which column" in result.stderr
    result = invoke(runner, "train", posts, reviews, "--min-df", "1",
                    "--text-col", "*.tsv:body", "--text-col", "reviews.csv:comment_text",
                    "--label-col", "*.tsv:y_true", "--label-col", "stars", "-o", out)
    assert result.exit_code == 0, result.output
    files = LinearModel.load(out).meta["files"]
    assert [(f["text_col"], f["label_col"], f["used"]) for f in files] == [
        ("body", "y_true", 2), ("comment_text", "stars", 3)]
    # evaluate shares the options
    result = invoke(runner, "evaluate", posts, reviews, "--model", out, "--format", "json",
                    "--text-col", "*.tsv:body", "--text-col", "*.csv:comment_text",
                    "--label-col", "*.tsv:y_true", "--label-col", "*.csv:stars")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n"] == 5


def test_a_file_glob_beats_a_bare_column(runner: CliRunner, tmp_path: Path) -> None:
    posts, reviews = _two_layouts(tmp_path)
    out = tmp_path / "m.model"
    # the bare column suits only reviews.csv; the glob, in either order, takes posts.tsv
    for order in (["--text-col", "comment_text", "--text-col", "posts*:body"],
                  ["--text-col", "posts*:body", "--text-col", "comment_text"]):
        result = invoke(runner, "train", posts, reviews, "--min-df", "1", *order,
                        "--label-col", "stars", "--label-col", f"{tmp_path}/*.tsv:y_true",
                        "-o", out)
        assert result.exit_code == 0, result.output
        files = LinearModel.load(out).meta["files"]
        assert [f["text_col"] for f in files] == ["body", "comment_text"]
        assert [f["label_col"] for f in files] == ["y_true", "stars"]


def test_a_column_a_file_lacks_names_file_column_and_columns(runner: CliRunner,
                                                             tmp_path: Path) -> None:
    posts, reviews = _two_layouts(tmp_path)
    result = invoke(runner, "train", posts, reviews, "--text-col", "*.tsv:body",
                    "--text-col", "reviews.csv:body", "--label-col", "*.tsv:y_true",
                    "--label-col", "stars", "-o", tmp_path / "m.model")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert (f"{reviews}: no column 'body' for the text, named by --text-col "
            "'reviews.csv:body'") in line
    assert "columns: stars, comment_text, shop" in line
    assert not (tmp_path / "m.model").exists()


def test_glob_mistakes_are_reported(runner: CliRunner, tmp_path: Path) -> None:
    posts, reviews = _two_layouts(tmp_path)
    common = [posts, reviews, "--min-df", "1", "--label-col", "*.tsv:y_true",
              "--label-col", "stars", "--text-col", "*.tsv:body",
              "--text-col", "*.csv:comment_text"]
    # a glob matching no file is named on stderr, since the file it meant was guessed
    result = invoke(runner, "train", *common, "--text-col", "*.jsonl:text",
                    "-o", tmp_path / "m.model")
    assert result.exit_code == 0, result.output
    assert "--text-col '*.jsonl:text' matches none of the files" in result.stderr
    # two globs naming different columns for one file: an error, not a guess
    result = invoke(runner, "train", *common, "--text-col", "posts*:extra",
                    "-o", tmp_path / "m.model")
    assert result.exit_code == 1
    assert "posts.tsv" in result.stderr and "'posts*:extra'" in result.stderr
    # two bare columns: which applies would depend on the order
    result = invoke(runner, "train", posts, "--text-col", "body", "--text-col", "extra",
                    "-o", tmp_path / "m.model")
    assert result.exit_code == 1 and "FILEGLOB:COLUMN" in result.stderr


def test_split_sides_do_not_overlap(runner: CliRunner, tmp_path: Path) -> None:
    sides = {}
    for side in ("train", "test"):
        result = invoke(runner, "train", WEIBO, "--split", side, "--test-percent", "30",
                        "--min-df", "1", "-o", tmp_path / f"{side}.model")
        assert result.exit_code == 0, result.output
        meta = LinearModel.load(tmp_path / f"{side}.model").meta
        assert meta["split"] == {"side": side, "test_percent": 30.0}
        sides[side] = meta["rows"]
    assert sides["train"] + sides["test"] == 40 and sides["test"] < sides["train"]


def test_model_option_and_config_for_analysis_commands(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    model = tmp_path / "weibo.model"
    assert invoke(runner, "train", WEIBO, "--min-df", "1", "-o", model).exit_code == 0
    model_id = LinearModel.load(model).model_id
    example = EXAMPLES / "crisis_weibo_search.csv"
    report = invoke(runner, "report", example, "--config", CONFIG_EXAMPLE, "--model", model,
                    "--format", "json")
    assert report.exit_code == 0, report.output
    assert model_id in report.stdout
    config = tmp_path / "brandscan.yaml"
    config.write_text(f"sentiment:\n  model: {model}\n", encoding="utf-8")
    posts = invoke(runner, "posts", example, "--config", config, "--format", "json")
    assert posts.exit_code == 0, posts.output
    # positive posts: the complaint rule, which only moves neutral posts, left them alone
    rows = [r for r in json.loads(posts.stdout) if r["label"] == "positive"]
    assert rows
    model_scores = LinearModel.load(model).score([r["text"] for r in rows])
    assert [r["sentiment"] for r in rows] == pytest.approx(list(model_scores))


@pytest.mark.parametrize("content", [b"\x00\x01 not a model", b"PK\x03\x04 broken zip"])
def test_corrupt_model_is_one_line_exit_1(runner: CliRunner, tmp_path: Path,
                                          content: bytes) -> None:
    bad = tmp_path / "bad.model"
    bad.write_bytes(content)
    result = invoke(runner, "posts", EXAMPLES / "crisis_weibo_search.csv", "--model", bad)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "bad.model" in result.stderr
    assert "Traceback" not in result.output


def test_snownlp_format_scores_the_same_in_snownlp(runner: CliRunner, tmp_path: Path) -> None:
    """A --format snownlp model, loaded by snownlp itself, gives brandscan's scores, and
    holds exactly what snownlp's own training writes."""
    from snownlp import SnowNLP, sentiment
    from snownlp.sentiment import Sentiment

    out = tmp_path / "weibo.marshal.3"
    result = invoke(runner, "train", WEIBO, "--format", "snownlp", "-o", out)
    assert result.exit_code == 0, result.output
    assert "snownlp-custom:" in result.stderr
    texts = ["今天收到的山竹很新鲜[哈哈]", "客服不回复，气死了", "一般般吧", "Good 不错!!", "。"]
    labelled = tmp_path / "texts.csv"
    labelled.write_text("text,label\n" + "".join(f"{t},1\n" for t in texts), encoding="utf-8")
    ours = invoke(runner, "evaluate", labelled, "--model", tmp_path / "weibo.marshal",
                  "--complaint-shift", "0", "--format", "json")
    assert ours.exit_code == 0, ours.output
    assert json.loads(ours.stdout)["model"].startswith("snownlp-custom:")

    brandscan_scores = get_scorer(str(out)).score(texts)
    previous = sentiment.classifier
    try:
        sentiment.load(str(tmp_path / "weibo.marshal"))
        snownlp_scores = [SnowNLP(t).sentiments for t in texts]
    finally:
        sentiment.classifier = previous
    assert list(brandscan_scores) == snownlp_scores

    # the counts are what snownlp.sentiment.train would write for the same texts
    with open(WEIBO, encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    reference = Sentiment()
    reference.train([t for label, t in rows if label == "0"],
                    [t for label, t in rows if label == "1"])
    ours_model = read_snownlp(out.read_bytes())
    assert ours_model["total"] == reference.classifier.total
    for cls in ("neg", "pos"):
        assert ours_model["d"][cls] == reference.classifier.d[cls].__dict__


def test_snownlp_format_without_dot_3_gets_a_note(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "train", WEIBO, "--format", "snownlp", "-o", tmp_path / "w.marshal")
    assert result.exit_code == 0, result.output
    assert "w.marshal.3" in result.stderr


@pytest.mark.realdata
def test_weibo_goal_on_posts_the_model_never_saw(runner: CliRunner, tmp_path: Path) -> None:
    """The issue's goal: ≥ 0.92 on held-out Weibo posts (snownlp's default: ~0.59)."""
    data = SHARED / "labeled" / "weibo_senti_100k_dev.tsv"
    model = tmp_path / "weibo.model"
    assert invoke(runner, "train", data, "--split", "train", "-o", model).exit_code == 0
    result = invoke(runner, "evaluate", data, "--split", "test", "--model", model,
                    "--format", "json")
    out = json.loads(result.stdout)
    assert out["n"] > 2000 and out["accuracy"] >= 0.92
    assert np.isclose(out["predicted_positive_share"], 0.5, atol=0.05)
