"""Benchmark: how right brandscan's trained sentiment models are, measured with the CLI.

    python benchmarks/train_eval.py [--data DIR] [--keep DIR] [--skip-cross]

Every figure comes from ``brandscan train`` and ``brandscan evaluate --format json`` run
as a user would run them, on the labelled sets in ../shared/data/labeled, with the
fixed hash split of ``--split train`` / ``--split test`` (20 % test): a model is always
measured on texts it never saw.

1. Weibo (weibo_senti_100k_dev.tsv): brandscan's model, snownlp's Bayes retrained on the
   same rows (``--format snownlp``), a plain character uni+bigram naive Bayes (computed
   here, it is no brandscan model), and snownlp's bundled model.
2. Cross-domain: one model trained on all labelled sets together (COVID emotions mapped
   to binary: optimism/gratitude positive, anger/disgust/sadness/fear negative, surprise
   dropped), measured per set against snownlp's bundled model.
3. The complaint rule: each model with ``--complaint-shift 0`` (off) and the default.
4. Time to train on the whole Weibo file (12k posts), and to evaluate.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
COVID_MAP = "covid19*:2,4=pos;0,1,5,6=neg;3=drop"

SETS = {  # name -> file in labeled/
    "weibo": "weibo_senti_100k_dev.tsv",
    "weibo-2400": "weibo_senti_100k_head2400__forever1986.csv",
    "covid": "covid19_weibo_7emotions_labeledData.csv",
    "shopping": "online_shopping_10_cats.csv",
    "waimai": "waimai_10k.csv",
    "hotel": "ChnSentiCorp_htl_all.csv",
}


def brandscan(*args: str) -> tuple[str, float]:
    """Run the CLI; its stdout and the CPU time it used (user + system, start-up
    included: on a shared machine the wall time says more about the neighbours)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "brandscan", "-q", *args], cwd=REPO,
                          capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"brandscan {' '.join(args)} failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.stdout, cpu


def evaluate(path: Path, model: str | None, *extra: str) -> dict:
    args = ["evaluate", str(path), "--split", "test", "--format", "json", *extra]
    if model:
        args += ["--model", model]
    if "covid19" in path.name:
        args += ["--label-map", COVID_MAP]
    out, _ = brandscan(*args)
    return json.loads(out)


def char_nb_accuracy(path: Path) -> float:
    """Multinomial naive Bayes over character unigrams + bigrams, add-one smoothing."""
    sys.path.insert(0, str(REPO))
    from brandscan.text.train import read_labeled

    train = read_labeled([str(path)], split="train")
    test = read_labeled([str(path)], split="test")

    def grams(t: str) -> list[str]:
        return list(t) + [t[i:i + 2] for i in range(len(t) - 1)]

    counts = [Counter(), Counter()]
    for text, label in zip(train.texts, train.labels.tolist()):
        counts[label].update(grams(text))
    vocab = len(set(counts[0]) | set(counts[1]))
    totals = [sum(c.values()) for c in counts]
    prior = [math.log((train.labels == k).mean()) for k in (0, 1)]
    right = 0
    for text, label in zip(test.texts, test.labels.tolist()):
        g = grams(text)
        lp = [prior[k] + sum(math.log((counts[k][w] + 1) / (totals[k] + vocab)) for w in g)
              for k in (0, 1)]
        right += int((lp[1] > lp[0]) == bool(label))
    return right / len(test.texts)


def row(name: str, res: dict, base: dict | None = None) -> str:
    line = (f"  {name:<34} n={res['n']:>6,}  acc {res['accuracy']:.4f}  "
            f"F1 {res['macro_f1']:.4f}  AUC {res['roc_auc']:.4f}  "
            f"pos {res['predicted_positive_share']:.3f}  "
            f"neutral {res['predicted_neutral_share']:.3f}")
    if base is not None:
        line += f"  (snownlp default {base['accuracy']:.4f}, " \
                f"{res['accuracy'] - base['accuracy']:+.4f})"
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--keep", type=Path, help="Keep the trained models in this folder.")
    ap.add_argument("--skip-cross", action="store_true", help="Only the Weibo figures.")
    args = ap.parse_args()
    labeled = args.data / "labeled"
    if not labeled.is_dir():
        sys.exit(f"no labelled data in {labeled}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="brandscan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    weibo = labeled / SETS["weibo"]

    print("1. Weibo posts (weibo_senti_100k_dev.tsv, 80/20 hash split)")
    model = str(work / "weibo.model")
    _, t_train = brandscan("train", str(weibo), "--split", "train", "-o", model)
    snow = str(work / "weibo-snownlp.marshal.3")
    brandscan("train", str(weibo), "--split", "train", "--format", "snownlp", "-o", snow)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = evaluate(weibo, model)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t_eval = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(row(f"brandscan model ({ours['model']})", ours))
    print(row("snownlp Bayes retrained", evaluate(weibo, snow)))
    print(f"  {'char uni+bigram naive Bayes':<34} acc {char_nb_accuracy(weibo):.4f}")
    print(row("snownlp default model", evaluate(weibo, None)))

    print("\n4. Speed")
    _, t_full = brandscan("train", str(weibo), "-o", str(work / "weibo-all.model"))
    print(f"  train on all 11,999 Weibo posts: {t_full:.1f} s CPU "
          f"(80 % of them: {t_train:.1f} s); evaluate 2.4k posts: {t_eval:.1f} s CPU, "
          "each including Python start-up")
    if args.skip_cross:
        return

    print("\n2. One model trained on all labelled sets, measured per set (test side)")
    general = str(work / "general.model")
    files = [str(labeled / f) for f in SETS.values()]
    _, t_general = brandscan("train", *files, "--split", "train", "--label-map", COVID_MAP,
                             "-o", general)
    print(f"  (trained in {t_general:.0f} s CPU)")
    results = {}
    for name, f in SETS.items():
        base = evaluate(labeled / f, None)
        results[name] = (evaluate(labeled / f, general), base)
        print(row(name, *results[name]))

    print("\n3. The complaint rule (neutral posts with a complaint term -> negative)")
    for name in ("shopping", "waimai", "hotel", "weibo"):
        f = labeled / SETS[name]
        for label, m in (("snownlp default", None), ("general model", general)):
            off = evaluate(f, m, "--complaint-shift", "0")
            on = results[name][1] if m is None else results[name][0]
            print(f"  {name:<9} {label:<16} accuracy {off['accuracy']:.4f} -> "
                  f"{on['accuracy']:.4f}; decided accuracy {off['decided_accuracy']:.4f} -> "
                  f"{on['decided_accuracy']:.4f}; negative share "
                  f"{off['predicted_negative_share']:.3f} -> "
                  f"{on['predicted_negative_share']:.3f}; neutral "
                  f"{off['predicted_neutral_share']:.3f} -> "
                  f"{on['predicted_neutral_share']:.3f}; moved {on['complaint_rule_moved']}"
                  + (f", {on['complaint_rule_precision']:.0%} of them negative"
                     if on["complaint_rule_moved"] else ""))
    if not args.keep:
        print(f"\n(models in {work}; pass --keep DIR to choose the folder)")


if __name__ == "__main__":
    main()
