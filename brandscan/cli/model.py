"""Model commands: train (labelled posts -> a sentiment model file) and evaluate."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from brandscan.cli.common import (
    Env,
    cli,
    emit_output,
    expand_globs,
    handles_errors,
    jobs_of,
    output_format,
    output_options,
)
from brandscan.errors import UsageError
from brandscan.render.formats import EVALUATION


def labeled_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """LABELED... and how to read labels from it; shared by train and evaluate."""
    decorators = [
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True)),
        click.option("--text-col", multiple=True, metavar="[FILEGLOB:]COLUMN",
                     help="Column holding the text: COLUMN for every file, or "
                          "'FILEGLOB:COLUMN' for the files whose name or path matches "
                          "(repeatable; a matching FILEGLOB beats a bare COLUMN), e.g. "
                          "--text-col review --text-col '*.tsv:x_valid'. Default: text, "
                          "review, content, 正文… or the only column besides the label."),
        click.option("--label-col", multiple=True, metavar="[FILEGLOB:]COLUMN",
                     help="Column holding the label, per file as --text-col "
                          "(default: label, sentiment, 标签…)."),
        click.option("--label-map", "label_map", multiple=True, metavar="MAP",
                     help="Labels other than 1/0, pos/neg, 正面/负面 (and neutral/中性 for "
                          "evaluate): '[FILEGLOB:]VALUE[,VALUE]=pos|neg|neutral|drop;...' "
                          "(repeatable), e.g. 'covid*.csv:2,4=pos;0,1,5,6=neg;3=drop' or "
                          "'happy=pos,neural=neutral,angry=neg'. With neutral rows, train "
                          "writes a three-class model."),
        click.option("--split", type=click.Choice(["all", "train", "test"]),
                     help="Use only one side of a fixed split by a hash of each text "
                          "(the same text always on the same side), to measure on posts "
                          "the model never saw."),
        click.option("--test-percent", type=click.FloatRange(0, 100, min_open=True,
                                                             max_open=True),
                     default=20.0, show_default=True, metavar="P",
                     help="Share of texts on the test side of --split."),
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


def _read(env: Env, kw: dict[str, Any], *, by: str | None = None, default_split: str,
          neutral: bool = False) -> Any:
    from brandscan.text.train import parse_label_map, read_labeled

    data = read_labeled(expand_globs(kw["files"]), text_col=kw["text_col"],
                        label_col=kw["label_col"],
                        label_maps=parse_label_map(kw["label_map"]), by=by,
                        split=kw["split"] or default_split, test_percent=kw["test_percent"],
                        neutral=neutral)
    for option in data.unmatched:
        env.warn(f"brandscan: warning: {option} matches none of the files")
    skipped = sum(f.skipped for f in data.files)
    dropped = sum(f.dropped for f in data.files)
    held = sum(f.held_out for f in data.files)
    if env.stderr_tty or skipped:
        neutral_part = f"{data.neutral:,} neutral, " if data.neutral else ""
        parts = [f"{len(data.texts):,} labelled texts ({data.positive:,} positive, "
                 f"{neutral_part}{data.negative:,} negative) from {len(data.files)} file(s)"]
        if held:
            parts.append(f"{held:,} on the other side of the split")
        if dropped:
            parts.append(f"{dropped:,} dropped by --label-map")
        if skipped:
            first = data.skipped[0]
            parts.append(f"{skipped:,} skipped (first: {first[0]}:{first[1]} {first[2]})")
        env.warn("brandscan: " + "; ".join(parts))
    return data


@cli.command()
@labeled_options
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              metavar="MODEL", help="Model file to write (replaced atomically).")
@click.option("--format", "model_format", type=click.Choice(["brandscan", "snownlp"]),
              default="brandscan", show_default=True,
              help="brandscan: the Weibo-fit model (emoticons, repost chains, negation). "
                   "snownlp: snownlp's own Bayes format, which snownlp loads too and "
                   "scores exactly as brandscan does.")
@click.option("--l2", type=click.FloatRange(min=0, min_open=True), default=1e-4,
              show_default=True, help="Regularisation strength (brandscan format).")
@click.option("--min-df", type=click.IntRange(min=1), default=2, show_default=True,
              help="Keep features seen in at least this many texts (brandscan format).")
@click.option("--emoticon-dropout/--no-emoticon-dropout", default=True, show_default=True,
              help="Also learn from a copy of each text without its [emoticons], so the "
                   "model reads the words too: sets labelled by their emoticons (like "
                   "weibo_senti_100k) otherwise teach it little else (brandscan format).")
@click.option("--repeat", multiple=True, metavar="FILEGLOB:N",
              help="Three-class: count the rows of matching files N times (a few hundred "
                   "posts read by hand against tens of thousands of public ones).")
@click.option("--fit-thresholds", metavar="FILEGLOB",
              help="Three-class: fit negative_below/positive_from out of fold on the rows "
                   "of matching files (best macro-F1) and store them in the model "
                   "(default 1/3 and 2/3).")
@click.pass_obj
@handles_errors
def train(env: Env, **kw: Any) -> None:
    """Train a sentiment model on labelled posts (CSV, TSV, JSON, JSONL).

    Labels 1/0, pos/neg, positive/negative, 正面/负面 are read as they are; others
    need --label-map. Labels with a neutral class (neutral, 中性, or mapped to neutral)
    train a three-class model: brandscan's default model is one (see docs/sentiment.md).
    Use the model with --model MODEL or sentiment.model in the config. The same input
    gives the same model (the file also records the rows, label balance, date,
    brandscan version and the SHA-256 of each training file).
    """
    from brandscan.text.train import train_linear, train_snownlp

    data = _read(env, kw, default_split="all", neutral=True)
    out = kw["output"]
    log = (lambda msg: env.warn(f"brandscan: {msg}")) if env.stderr_tty else None
    three = data.neutral > 0
    if (kw["repeat"] or kw["fit_thresholds"]) and not three:
        raise UsageError("--repeat and --fit-thresholds train three-class models: give "
                         "labels with a neutral class")
    if three and kw["model_format"] == "snownlp":
        raise UsageError("snownlp's format holds two classes: map neutral labels to drop "
                         "(--label-map 'neutral=drop') or use --format brandscan")
    if three:
        from brandscan.text.three_class import parse_repeat, train_three_class

        model = train_three_class(data, repeat=parse_repeat(kw["repeat"]),
                                  fit_on=kw["fit_thresholds"], l2=kw["l2"],
                                  min_df=kw["min_df"],
                                  emoticon_dropout=kw["emoticon_dropout"], log=log)
        model.save(out)
        low, high = model.thresholds or (0.0, 0.0)
        env.warn(f"brandscan: wrote {out} ({model.model_id}): three classes, trained on "
                 f"{len(data.texts):,} texts, {data.positive:,} positive / "
                 f"{data.neutral:,} neutral / {data.negative:,} negative; negative below "
                 f"{low:g}, positive from {high:g}")
        return
    if kw["model_format"] == "snownlp":
        train_snownlp(data, out, log=log)
        from brandscan.text.model import load_scorer

        model_id = load_scorer(out).model_id
        if not out.endswith(".3"):
            env.warn(f"brandscan: note: snownlp's sentiment.load(NAME) reads NAME.3; to load "
                     f"this model in snownlp, name it {os.path.basename(out)}.3")
    else:
        model = train_linear(data, l2=kw["l2"], min_df=kw["min_df"],
                             emoticon_dropout=kw["emoticon_dropout"], log=log)
        model.save(out)
        model_id = model.model_id
    env.warn(f"brandscan: wrote {out} ({model_id}): trained on {len(data.texts):,} texts, "
             f"{data.positive:,} positive / {data.negative:,} negative")


@cli.command()
@labeled_options
@click.option("--model", metavar="FILE",
              help="Model to measure (default: the config's sentiment.model, else snownlp's).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file: thresholds, complaint categories, model.")
@click.option("--by", metavar="COLUMN", help="Also measure per value of this column (e.g. cat).")
@click.option("--complaint-shift", type=click.FloatRange(0, 1), metavar="X",
              help="The complaint rule's shift (default: 0.2); 0 measures the model alone.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes for scoring (default: all cores).")
@output_options(EVALUATION)
@click.pass_obj
@handles_errors
def evaluate(env: Env, **kw: Any) -> None:
    """How right a sentiment model is on labelled posts.

    Binary labels: accuracy, macro-F1 and the confusion matrix at a 0.5 cut; ROC AUC;
    the shares labelled positive/neutral/negative at the configured thresholds, and the
    accuracy of the posts not left neutral.

    Labels with a neutral class (neutral, 中性, 中立, or mapped with --label-map, e.g.
    'happy=pos,neural=neutral,angry,sad,fear=neg,surprise=drop'): three-class accuracy,
    macro-F1, per-class precision/recall/F1/support and the 3x3 confusion (truth x
    label) at the configured thresholds, plus the binary figures on the non-neutral rows.

    Texts are scored as given (repost chains included), as an analysis scores them.
    --format json prints one object.
    """
    from dataclasses import replace

    from brandscan.analyze.evaluate import evaluate as run_evaluation
    from brandscan.config import load_config

    fmt = output_format(env, EVALUATION, kw["fmt"], kw["output"])
    config = load_config(kw["config_path"])
    if kw["model"]:
        config = replace(config, sentiment=replace(config.sentiment, model=kw["model"]))
    from brandscan.text.sentiment import get_scorer

    scorer = get_scorer(config.sentiment.model)  # a bad model fails before reading data
    data = _read(env, kw, by=kw["by"], default_split="all", neutral=True)
    result = run_evaluation(
        data.texts, data.labels, config, scorer=scorer, groups=data.groups, by=kw["by"],
        complaint_shift=kw["complaint_shift"], jobs=jobs_of(kw),
        data={"files": [f.to_json() for f in data.files], "split": data.split,
              **({"test_percent": data.test_percent} if data.split != "all" else {})})
    emit_output(env, EVALUATION, result, fmt, kw["output"])
