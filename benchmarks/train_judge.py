"""Train the contradiction judge and choose its kind by measurement; write the bundled artifact.

    python -m benchmarks.train_judge [--examples results/cache/judge-data.jsonl] [--seed 35]
        [--cross-encoder] [--write]

Reads the examples of ``benchmarks/judge_data.py`` (Multi-News val and the MSR paraphrase corpus;
never the benchmark's clusters). Fits, on the training part, and scores on the validation part:

- ``rules``: the hand-set checks' verdict alone (what ``compare`` reported before the judge);
- ``logistic``: a logistic regression over the standardised evidence;
- ``trees``: gradient-boosted trees over the evidence (scikit-learn, fixed seed);
- with ``--cross-encoder``: all-MiniLM-L6-v2 fine-tuned on CPU as a cross-encoder over the two
  sentences with the differing words marked (one epoch; the model on the machine, no download),
  alone and as one more input of the trees.

For each: average precision and ROC AUC on the validation part, the share of altered facts kept
and of natural candidates and compatible variants let through at the chosen threshold, and the
time to score one candidate. The threshold is set on the validation part only: the lowest at which
natural candidates and compatible variants together pass at most ``--false-alarms`` of the time
(the share that, at the rate candidates occur in real clusters, leaves most of what is reported
right; see docs/contradictions.md). With ``--write`` the trees are refitted on the training part and written
to src/storyline/compare/judge.v1.json (JSON, a few hundred kB), with the threshold.

Writes results/judge-training.json and .md. Exit codes: 0 done; 2 examples missing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.common import REPO, RESULTS, Stopwatch, code_version
from storyline.compare.judge import DEFAULT_JUDGE, FEATURES, Judge

DEFAULT_EXAMPLES = RESULTS / "cache" / "judge-data.jsonl"
VERSION = "judge.v1"
#: Gradient boosting: small trees, a slow rate, row subsampling (fixed seed). Chosen on the
#: validation part of Multi-News val (re-run this script after changing one).
TREES = {"n_estimators": 300, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8, "min_samples_leaf": 20}
#: The share of natural candidates and compatible variants of the validation part the threshold lets
#: through (see the module docstring and docs/contradictions.md). 0.25, not less: with the 13 negatives
#: of judge.v1's validation part, 0.05 and 0.2 put the threshold above the seeds' count against a vague
#: amount ("at least the fourth time" / "multiple times", 0.946), which issue 35 asks to report. Set on
#: the validation part and the seeds; re-run this script and benchmarks.judge_precision after a change.
FALSE_ALARMS = 0.25

Matrix = npt.NDArray[np.float64]


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def average_precision(scores: Matrix, labels: npt.NDArray[np.int64]) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    if hits.sum() == 0:
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def roc_auc(scores: Matrix, labels: npt.NDArray[np.int64]) -> float:
    positives, negatives = scores[labels == 1], scores[labels == 0]
    if not len(positives) or not len(negatives):
        return float("nan")
    ranks = np.argsort(np.argsort(np.concatenate([positives, negatives]), kind="stable"), kind="stable") + 1.0
    return float(
        (ranks[: len(positives)].sum() - len(positives) * (len(positives) + 1) / 2) / (len(positives) * len(negatives))
    )


def threshold_for(scores: Matrix, negatives: npt.NDArray[np.bool_], share: float) -> float:
    """The lowest threshold at which at most ``share`` of the negatives score at or above it."""
    values = np.sort(scores[negatives])[::-1]
    allowed = math.floor(share * len(values))
    if allowed >= len(values):
        return 0.0
    return float(min(1.0, np.nextafter(values[allowed], np.inf)))


def report(
    name: str, scores: Matrix, rows: Sequence[dict[str, Any]], threshold: float, seconds: float
) -> dict[str, Any]:
    labels = np.array([row["label"] for row in rows])
    by_source: dict[str, dict[str, Any]] = {}
    for source in sorted({row["source"] for row in rows}):
        mask = np.array([row["source"] == source for row in rows])
        by_source[source] = {
            "examples": int(mask.sum()),
            "label": int(labels[mask][0]),
            "passed": round(float((scores[mask] >= threshold).mean()), 3),
        }
    return {
        "model": name,
        "average_precision": round(average_precision(scores, labels), 4),
        "roc_auc": round(roc_auc(scores, labels), 4),
        "threshold": round(threshold, 4),
        "altered_kept": round(float((scores[labels == 1] >= threshold).mean()), 3),
        "negatives_passed": round(float((scores[labels == 0] >= threshold).mean()), 3),
        "microseconds_per_candidate": round(seconds * 1e6, 1),
        "by_source": by_source,
    }


def export_trees(model: Any, depth: int) -> dict[str, Any]:
    """A fitted GradientBoostingClassifier as the judge's JSON trees (log-odds)."""
    rate = float(model.learning_rate)
    prior = model.init_.class_prior_[1]
    trees = []
    for estimator in model.estimators_[:, 0]:
        tree = estimator.tree_
        trees.append(
            {
                "depth": int(tree.max_depth),
                "feature": [int(f) if f >= 0 else -1 for f in tree.feature],
                "threshold": [round(float(t), 6) for t in tree.threshold],
                "left": [int(n) for n in tree.children_left],
                "right": [int(n) for n in tree.children_right],
                "value": [round(rate * float(v), 6) for v in tree.value[:, 0, 0]],
            }
        )
    return {"kind": "trees", "base": float(math.log(prior / (1 - prior))), "trees": trees, "max_depth": depth}


def fit_trees(x: Matrix, y: npt.NDArray[np.int64], seed: int) -> Any:
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(random_state=seed, **TREES).fit(x, y)


def fit_logistic(x: Matrix, y: npt.NDArray[np.int64], seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0, random_state=seed)).fit(x, y)


def marked(row: dict[str, Any]) -> tuple[str, str]:
    """The two sentences with the differing words in brackets, for the cross-encoder."""
    texts = []
    for text, side in zip(row["texts"], row["sides"], strict=True):
        at = text.find(side) if side else -1
        texts.append(text if at < 0 else f"{text[:at]}[ {side} ]{text[at + len(side) :]}")
    return texts[0], texts[1]


def cross_encoder_scores(
    train: list[dict[str, Any]], scored: list[list[dict[str, Any]]], seed: int, limit: int
) -> tuple[list[Matrix], float]:
    """Fine-tune all-MiniLM-L6-v2 as a pair classifier on (a balanced sample of) ``train``; score each
    list of ``scored``. Returns the scores and the seconds per scored pair."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    positives = [row for row in train if row["label"] == 1]
    negatives = [row for row in train if row["label"] == 0]
    take = min(limit // 2, len(positives), len(negatives))
    sample = [positives[i] for i in rng.choice(len(positives), take, replace=False)] + [
        negatives[i] for i in rng.choice(len(negatives), take, replace=False)
    ]
    rng.shuffle(sample)  # type: ignore[arg-type]
    base = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2", device="cpu", local_files_only=True)
    transformer = base[0].auto_model
    tokenizer = base[0].tokenizer
    head = torch.nn.Linear(transformer.config.hidden_size, 1)
    parameters = list(transformer.parameters()) + list(head.parameters())
    optimiser = torch.optim.AdamW(parameters, lr=3e-5, weight_decay=0.01)

    def logits(rows: Sequence[dict[str, Any]]) -> torch.Tensor:
        pairs = [marked(row) for row in rows]
        batch = tokenizer(
            [a for a, _ in pairs],
            [b for _, b in pairs],
            padding=True,
            truncation=True,
            max_length=160,
            return_tensors="pt",
        )
        output = transformer(**batch).last_hidden_state[:, 0]
        return head(output).squeeze(-1)

    transformer.train()
    loss_function = torch.nn.BCEWithLogitsLoss()
    for start in range(0, len(sample), 16):
        rows = sample[start : start + 16]
        loss = loss_function(logits(rows), torch.tensor([float(row["label"]) for row in rows]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if start % 800 == 0:
            print(f"cross-encoder: {start}/{len(sample)} loss {loss.item():.3f}", file=sys.stderr)
    transformer.eval()
    results = []
    clock, count = Stopwatch(), 0
    with torch.no_grad():
        for rows in scored:
            values = []
            for start in range(0, len(rows), 64):
                values.append(torch.sigmoid(logits(rows[start : start + 64])).numpy())
                count += len(rows[start : start + 64])
            results.append(np.concatenate(values).astype(np.float64) if values else np.zeros(0))
    return results, clock.seconds / max(1, count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=Path, default=DEFAULT_EXAMPLES)
    parser.add_argument("--seed", type=int, default=35)
    parser.add_argument("--false-alarms", type=float, default=FALSE_ALARMS)
    parser.add_argument("--cross-encoder", action="store_true", help="also fine-tune and measure a cross-encoder")
    parser.add_argument("--cross-encoder-examples", type=int, default=6000)
    parser.add_argument("--write", action="store_true", help=f"write the trees to {DEFAULT_JUDGE.relative_to(REPO)}")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.examples.is_file():
        print(f"train_judge: {args.examples} missing; build it with benchmarks/judge_data.py", file=sys.stderr)
        return 2
    rows = load(args.examples)
    train = [row for row in rows if row["part"] == "train"]
    validation = [row for row in rows if row["part"] == "validation"]
    x_train = np.array([row["evidence"] for row in train], dtype=np.float64)
    y_train = np.array([row["label"] for row in train], dtype=np.int64)
    x_val = np.array([row["evidence"] for row in validation], dtype=np.float64)
    negatives = np.array([row["label"] == 0 for row in validation])
    reports = []

    def scored(name: str, scores: Matrix, seconds: float) -> None:
        threshold = threshold_for(scores, negatives, args.false_alarms)
        reports.append(report(name, scores, validation, threshold, seconds))
        print(json.dumps({k: v for k, v in reports[-1].items() if k != "by_source"}), file=sys.stderr)

    rules = x_val[:, FEATURES.index("rules_keep")]
    scored("rules", np.clip(rules, 0, 1), 0.0)
    logistic = fit_logistic(x_train, y_train, args.seed)
    clock = Stopwatch()
    scored("logistic", logistic.predict_proba(x_val)[:, 1], clock.seconds / len(x_val))
    trees = fit_trees(x_train, y_train, args.seed)
    artifact = {
        "version": VERSION,
        "features": list(FEATURES),
        "threshold": 0.5,
        "model": export_trees(trees, TREES["max_depth"]),
    }
    judge = Judge(artifact)
    clock = Stopwatch()
    tree_scores = 1 / (1 + np.exp(-judge.log_odds(x_val)))
    tree_seconds = clock.seconds / len(x_val)
    if not np.allclose(tree_scores, trees.predict_proba(x_val)[:, 1], atol=1e-4):
        raise AssertionError("the exported trees do not give scikit-learn's probabilities")
    scored("trees", tree_scores, tree_seconds)
    if args.cross_encoder:
        (encoder_train, encoder_val), seconds = cross_encoder_scores(
            train, [train, validation], args.seed, args.cross_encoder_examples
        )
        scored("cross-encoder", encoder_val, seconds)
        stacked = fit_trees(np.column_stack([x_train, encoder_train]), y_train, args.seed)
        scored("trees + cross-encoder", stacked.predict_proba(np.column_stack([x_val, encoder_val]))[:, 1], seconds)
    chosen = next(r for r in reports if r["model"] == "trees")
    importances = sorted(zip(FEATURES, trees.feature_importances_, strict=True), key=lambda item: -item[1])
    output = {
        "code_version": code_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "examples": str(args.examples),
        "seed": args.seed,
        "trees": TREES,
        "false_alarms": args.false_alarms,
        "train": {"examples": len(train), "positives": int(y_train.sum())},
        "validation": {"examples": len(validation), "positives": int((~negatives).sum())},
        "reports": reports,
        "importances": [(name, round(float(value), 4)) for name, value in importances],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "judge-training.json").write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")
    markdown = table(reports)
    (args.out / "judge-training.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    if args.write:
        artifact["threshold"] = round(chosen["threshold"], 4)
        artifact["trained_on"] = {
            "examples": output["train"],
            # What the examples were built from (benchmarks.judge_data's sources: val-* are Multi-News
            # val, msrp-* the MSR paraphrase corpus), by count; see docs/contradictions.md.
            "sources": dict(Counter(row["source"] for row in train).most_common()),
            "seed": args.seed,
            "false_alarms": args.false_alarms,
        }
        DEFAULT_JUDGE.write_text(json.dumps(artifact, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {DEFAULT_JUDGE} ({DEFAULT_JUDGE.stat().st_size // 1024} kB)", file=sys.stderr)
    return 0


def table(reports: list[dict[str, Any]]) -> str:
    lines = [
        "| model | average precision | ROC AUC | threshold | altered kept | negatives passed | µs per candidate |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        lines.append(
            f"| {r['model']} | {r['average_precision']:.3f} | {r['roc_auc']:.3f} | {r['threshold']:.3f} "
            f"| {r['altered_kept']:.3f} | {r['negatives_passed']:.3f} | {r['microseconds_per_candidate']:.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
