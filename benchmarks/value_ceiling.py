"""How good must a sentence's learned value be for the Multi-News targets of issue 3?

``coverage.v4`` chooses sentences by an integer program over concept coverage plus each sentence's
own value, learned on Multi-News val (``benchmarks/learn_value.py``). This script asks two things,
on val clusters 0..599 (as ``ablate.py`` scores them: 250-word F1 and 100-word recall with fill,
rouge-score-rs with the stemmer, both sides lower-cased):

- *value ceilings*: the same program, mixed as coverage.v4 mixes it, with the learned score replaced
  by the sentence's true label (the mean of its ROUGE-1 and ROUGE-2 precision against the reference,
  the quantity the model is fitted to) standardised within the cluster, plus Gaussian noise scaled so
  that it correlates with the label at r (1.0: the label itself). The row ``shipped model`` is the
  real sentence-value.v2 in the same loop. It says which within-cluster correlation a value model
  would need to reach a given ROUGE (noise of this kind is kinder than a real model's errors, so the
  r needed by a real model is higher still);
- *learning curve*: the coverage.v4 recipe (``learn_value.fit_v2``) fitted on the first N training
  clusters (val 1200 onwards, the gate clusters left out) and read the same way, with its
  cross-validated within-cluster correlation: does more training data move ROUGE?
- *a choice per cluster*: coverage.v2's summary (the hand-set value) beside the shipped model's, and
  the mean when every cluster keeps whichever of the two has the higher ROUGE-2. That choice reads
  the reference, so it bounds what any rule choosing between the two selectors per cluster (by the
  articles' length, say, or by a model of whole summaries) could gain (``--no-choice`` skips it).

    python -m benchmarks.value_ceiling [--correlations 1,0.7,0.5,0.4,0.3] [--curve 650,1300,2600,4422]
        [--no-choice]

Writes results/value-ceiling.json and prints one Markdown row per setting. Segmentation and vectors
come from ablate.py's cache (results/cache/, built on first use). Multi-News test is never read.
Exit codes: 0 done; 2 data missing or a bad option.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.ablate import DEFAULT_DATA, cache_path, load_clusters, prepare, truncate
from benchmarks.common import RESULTS, Stopwatch
from benchmarks.learn_value import fit_v2, outside_gate, sentence_rows, value_label
from storyline.align import align
from storyline.select import LEARNED_WEIGHTS, load_model, select
from storyline.select.coverage import LinearModel
from storyline.types import Alignment

EVALUATION = 600  # val clusters 0..599, as ablate.py and docs/learned-selection.md read them
TRAINING_OFFSET = 1200  # learn_value.py's first training cluster
VAL_CLUSTERS = 5_622  # the size of Multi-News val
SETTINGS = ((250, "fmeasure"), (100, "recall"))  # the Multi-News protocol, and DUC's budget and measure


class NoisyLabel:
    """A stand-in value model: each sentence's true label (z-scored in its cluster) plus noise."""

    def __init__(self, shipped: LinearModel, correlation: float, seed: int) -> None:
        self.features = shipped.features
        self.encoder = shipped.encoder
        # z + sigma * noise, noise ~ N(0, 1), correlates with z at 1 / sqrt(1 + sigma^2).
        self.sigma = (1.0 / correlation**2 - 1.0) ** 0.5
        self.rng = np.random.default_rng(seed)
        self.labels: npt.NDArray[np.float64] = np.zeros(0)

    def see(self, cluster: Evaluated) -> None:
        """Take the labels of the cluster about to be scored."""
        self.labels = cluster.labels

    def predict(self, matrix: Any, vectors: Any) -> npt.NDArray[np.float64]:
        spread = float(self.labels.std()) or 1.0
        z = (self.labels - self.labels.mean()) / spread
        noise: npt.NDArray[np.float64] = self.rng.standard_normal(len(z))
        scores: npt.NDArray[np.float64] = z + self.sigma * noise
        return scores


def labels_of(documents: Sequence[Any], reference: str, tokenizer: Any) -> npt.NDArray[np.float64]:
    """The true label of every sentence of the cluster, in the alignment's sentence order."""
    reference_tokens = tokenizer.tokenize(reference.lower())
    unigrams, bigrams = set(reference_tokens), set(itertools.pairwise(reference_tokens))
    return np.array(
        [
            value_label(tokenizer.tokenize(sentence.text.lower()), unigrams, bigrams)
            for document in documents
            for sentence in document.sentences
        ]
    )


@dataclass(frozen=True)
class Evaluated:
    """One evaluation cluster, aligned once for every row: its reference and its sentences' labels."""

    alignment: Alignment
    vectors: Any
    reference: str
    labels: npt.NDArray[np.float64]


def evaluated(prepared: list[tuple[Any, Any, str]], tokenizer: Any) -> list[Evaluated | None]:
    """The evaluation clusters aligned and labelled (None: no usable article, an empty summary)."""
    return [
        Evaluated(align(documents, vectors), vectors, reference, labels_of(documents, reference, tokenizer))
        if documents
        else None
        for documents, vectors, reference in prepared
    ]


def per_cluster(clusters: list[Evaluated | None], model: Any, scorer: Any, **options: Any) -> dict[str, Any]:
    """ROUGE-1 and ROUGE-2 (percent) of each cluster's summary, per setting: an array of shape
    (clusters, 2). ``model`` is the learned value read by coverage.v4's program and mixing; with
    ``options`` (``select``'s keywords) another program, e.g. coverage.v2's ``solver="ilp"`` alone."""
    from tqdm import tqdm

    settings = options or {"weights": LEARNED_WEIGHTS, "solver": "ilp", "value_model": model}
    results: dict[str, Any] = {}
    for words, measure in SETTINGS:
        found = np.zeros((len(clusters), 2))
        for index, cluster in enumerate(tqdm(clusters, desc=f"{words}w", file=sys.stderr, leave=False)):
            if cluster is None:
                continue  # no usable article: an empty summary scores 0
            see = getattr(model, "see", None)
            if see is not None:
                see(cluster)  # a stand-in reads the cluster it scores (its labels, its sentences)
            summary = select(cluster.alignment, cluster.vectors, words=words, fill=True, **settings)
            scores = scorer.score(cluster.reference.lower(), truncate([s.text for s in summary.sentences], words))
            found[index] = (100 * getattr(scores["rouge1"], measure), 100 * getattr(scores["rouge2"], measure))
        results[f"{words}_{measure}"] = found
    return results


def means(found: dict[str, Any]) -> dict[str, list[float]]:
    """Mean ROUGE-1 and ROUGE-2 per setting, rounded as the report prints them."""
    return {setting: [round(float(value), 2) for value in rows.mean(axis=0)] for setting, rows in found.items()}


def score(clusters: list[Evaluated | None], model: Any, scorer: Any) -> dict[str, list[float]]:
    """Mean ROUGE-1 and ROUGE-2 (percent) of coverage.v4's program with ``model``, per setting."""
    return means(per_cluster(clusters, model, scorer))


def best_of(first: dict[str, Any], second: dict[str, Any]) -> dict[str, list[float]]:
    """Means when each cluster keeps whichever of two summaries has the higher ROUGE-2 (the second on
    a tie): the most a per-cluster choice between two selectors could give, as it reads the reference."""
    return means(
        {
            setting: np.where((second[setting][:, 1] >= first[setting][:, 1])[:, None], second[setting], first[setting])
            for setting in first
        }
    )


def _numbers(kind: type[float] | type[int], low: float, high: float) -> Any:
    """An argparse type: a comma-separated list of numbers in (low, high] ('' for none)."""

    def parse(text: str) -> list[float] | list[int]:
        try:
            values = [kind(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers") from None
        outside = [value for value in values if not low < value <= high]
        if outside:
            raise argparse.ArgumentTypeError(f"{outside[0]} is not in ({low:g}, {high:g}]")
        return values

    return parse


def main(argv: list[str] | None = None) -> int:
    """Score the value ceilings and the learning curve on val 0..599."""
    from rouge_score_rs import RougeScorer

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--correlations",
        type=_numbers(float, 0.0, 1.0),
        default="1,0.7,0.5,0.4,0.3",
        help="noisy-label rows, each r in (0, 1] ('' for none)",
    )
    parser.add_argument(
        "--curve",
        type=_numbers(int, 0, VAL_CLUSTERS - TRAINING_OFFSET),
        default="650,1300,2600,4422",
        help="training sizes to fit and read ('' for none)",
    )
    parser.add_argument(
        "--no-choice",
        dest="choice",
        action="store_false",
        help="skip the rows of coverage.v2 and of the per-cluster better of it and the shipped model",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"value_ceiling: data missing ({args.data}); pass --data", file=sys.stderr)
        return 2
    scorer = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    prepared = prepare(load_clusters(args.data, EVALUATION), cache_path(args.out, EVALUATION))
    evaluation = evaluated(prepared, scorer._tokenizer)
    shipped = load_model("sentence-value.v2")
    rows: list[dict[str, Any]] = []

    def report(row: dict[str, Any]) -> None:
        rows.append(row)
        cells = " | ".join(f"{a:.2f} / {b:.2f}" for a, b in (row[f"{w}_{m}"] for w, m in SETTINGS))
        extra = f" r(cv) {row['cv_correlation']:.4f}" if "cv_correlation" in row else ""
        print(f"| {row['value']} | {cells} |{extra}", flush=True)

    print("| sentence value | 250w F1 R-1 / R-2 | 100w recall R-1 / R-2 |", flush=True)
    clock = Stopwatch()
    learned = per_cluster(evaluation, shipped, scorer)
    report({"value": "shipped model", **means(learned)})
    if args.choice:
        hand_set = per_cluster(evaluation, None, scorer, solver="ilp")
        report({"value": "coverage.v2 (hand-set value, no learned one)", **means(hand_set)})
        report({"value": "per cluster the better of coverage.v2 and the shipped model", **best_of(hand_set, learned)})
    for correlation in args.correlations:
        noisy = NoisyLabel(shipped, correlation, args.seed)
        report(
            {
                "value": f"label + noise, r = {correlation:g}",
                "correlation": correlation,
                **score(evaluation, noisy, scorer),
            }
        )
    sizes = sorted(args.curve)
    if sizes:
        clusters = load_clusters(args.data, sizes[-1], TRAINING_OFFSET)
        training = prepare(clusters, cache_path(args.out, sizes[-1], TRAINING_OFFSET))
        for size in sizes:
            kept = outside_gate(training[:size], clusters[:size])
            model, alpha, validated = fit_v2(sentence_rows(kept))
            row = {
                "value": f"fitted on {size} clusters ({len(kept)} outside the gate)",
                "training_clusters": size,
                "alpha": alpha,
                "cv_correlation": round(validated[alpha], 4),
            }
            report({**row, **score(evaluation, model, scorer)})
    args.out.mkdir(parents=True, exist_ok=True)
    report_path = args.out / "value-ceiling.json"
    report_path.write_text(
        json.dumps(
            {
                "evaluation": f"Multi-News val clusters 0..{EVALUATION - 1} ({args.data.name})",
                "program": "coverage.v4's integer program and mixing (select.LEARNED_WEIGHTS), fill on",
                "protocol": "rouge-score-rs, stemmer, lower-cased; 250 words F1 and 100 words recall",
                "seed": args.seed,
                "seconds": round(clock.seconds, 1),
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {report_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
