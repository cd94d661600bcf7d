"""Fit a learned sentence value on Multi-News val and write it into the package.

    python -m benchmarks.learn_value [--model v2] [--offset 1200] [--limit 4422]
    python -m benchmarks.learn_value --model v1 --offset 1000 --limit 1000

Both models are ridge regressions of a sentence's value per word: the mean of its ROUGE-1 and
ROUGE-2 precision against the reference (stemmed, as rouge-score-rs counts them).

``sentence-value.v2`` (selector coverage.v4) reads the features the pipeline already computes
(select.SENTENCE_FEATURES: position, article size and order, length, centrality, outlets stating
the same fact, concept weight held, numbers, entities, quotes, ...) and the sentence's vector from
the encoder (what kind of statement it is: a photo caption, a teaser, a fact, a quotation). Only
a sentence's value against the others of its cluster matters to the selector (it standardises the
scores within each cluster), so the label is centred on its cluster's mean. The ridge penalty is
the one of ``ALPHAS`` with the best mean within-cluster correlation in a 5-fold split of the
training clusters. Each standardised feature is held to the range seen in training when the
model is used. Default training clusters: val 1200 .. 5621, so that ablate.py can choose how the
selector mixes the score on clusters 600 .. 1199 and report on 0 .. 599, none of which the fit saw.

``sentence-value.v1`` (selector coverage.v3) is the earlier recipe, kept to reproduce its file: the
same features without the vector, the raw label over its training mean, penalty 1, clusters
1000 .. 1999.

The quality gate's clusters (benchmarks/gate-multinews-val.txt) are always left out, so the gate
stays unseen. Multi-News test and DUC 2004 are never read here. Segmentation and embeddings come
from ablate.py's cache (results/cache/, built on first use: about 25 minutes for 1,000 clusters
on a quiet 2-core machine).

What was tried and dropped is in docs/learned-selection.md.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.ablate import DEFAULT_DATA, cache_path, load_clusters, prepare
from benchmarks.common import REPO, RESULTS
from storyline.align import align
from storyline.config import DEFAULT_EMBEDDING_MODEL
from storyline.select.coverage import SENTENCE_FEATURES, LinearModel, SelectionWeights, sentence_features

WEIGHTS = REPO / "src" / "storyline" / "weights"
GATE = REPO / "benchmarks" / "gate-multinews-val.txt"
#: v1's penalty on standardised features: the fit has tens of thousands of rows, so it only
#: steadies nearly collinear features (lead / first / relative_position).
V1_RIDGE = 1.0
#: v2's candidate penalties (384 vector weights beside 17 features need more than v1's).
ALPHAS = (30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0)
FOLDS = 5


@dataclass
class Rows:
    """Every choosable sentence of the training clusters: features, vectors, labels, cluster number
    (and its text, for a value that reads the sentence itself)."""

    features: np.ndarray
    vectors: np.ndarray
    labels: np.ndarray
    cluster: np.ndarray
    texts: list[str] = field(default_factory=list)


def _bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(tokens))


def value_label(tokens: list[str], unigrams: set[str], bigrams: set[tuple[str, str]]) -> float:
    """A sentence's value per word: the mean of the shares of its stemmed tokens and of its token
    pairs that are in the reference (``unigrams``, ``bigrams``), i.e. its ROUGE-1 and ROUGE-2
    precision averaged (0 for a sentence with no token)."""
    if not tokens:
        return 0.0
    found = sum(token in unigrams for token in tokens) + sum(pair in bigrams for pair in _bigrams(tokens))
    return found / (2 * len(tokens))


def sentence_rows(prepared: list[tuple[Any, Any, str]]) -> Rows:
    """Features, vectors and labels of every sentence a selector may choose (of min_words..max_words).

    The label is the share of the sentence's stemmed unigrams and bigrams that are in the
    reference (ROUGE-1 and ROUGE-2 precision, averaged): its value per word.
    """
    from rouge_score_rs import RougeScorer

    tokenizer = RougeScorer(["rouge1"], use_stemmer=True)._tokenizer
    defaults = SelectionWeights()
    features: list[np.ndarray] = []
    vectors: list[np.ndarray] = []
    labels: list[float] = []
    cluster: list[int] = []
    texts: list[str] = []
    for number, (documents, cluster_vectors, reference) in enumerate(prepared):
        if not documents or len(cluster_vectors) == 0:
            continue
        alignment = align(documents, cluster_vectors)
        matrix = sentence_features(alignment, cluster_vectors)
        reference_tokens = tokenizer.tokenize(reference.lower())
        unigrams, bigrams = set(reference_tokens), set(_bigrams(reference_tokens))
        sentences = [sentence for document in documents for sentence in document.sentences]
        for row, vector, sentence in zip(matrix, cluster_vectors, sentences, strict=True):
            if not defaults.min_words <= len(sentence.text.split()) <= defaults.max_words:
                continue
            tokens = tokenizer.tokenize(sentence.text.lower())
            if not tokens:
                continue
            features.append(row)
            vectors.append(vector)
            labels.append(value_label(tokens, unigrams, bigrams))
            cluster.append(number)
            texts.append(sentence.text)
    return Rows(np.array(features), np.array(vectors, dtype=np.float64), np.array(labels), np.array(cluster), texts)


def standardise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and scales (1 for a constant column)."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def ridge(design: np.ndarray, target: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge weights of a centred target on standardised columns (closed form, no intercept)."""
    gram = design.T @ design + alpha * np.eye(design.shape[1])
    solution: np.ndarray = np.linalg.solve(gram, design.T @ target)
    return solution


def fit_v1(rows: Rows) -> LinearModel:
    """The coverage.v3 recipe: features only, label over its mean, penalty V1_RIDGE."""
    mean, scale = standardise(rows.features)
    standard = (rows.features - mean) / scale
    target = rows.labels / rows.labels.mean()
    coef = ridge(standard, target - target.mean(), V1_RIDGE)
    return LinearModel(SENTENCE_FEATURES, tuple(mean), tuple(scale), tuple(coef), float(target.mean()))


def centred_labels(rows: Rows) -> np.ndarray:
    """Each label minus the mean label of its cluster."""
    sums = np.bincount(rows.cluster, weights=rows.labels)
    counts = np.bincount(rows.cluster)
    return rows.labels - (sums / np.maximum(counts, 1))[rows.cluster]


def within_cluster_correlation(scores: np.ndarray, labels: np.ndarray, cluster: np.ndarray) -> float:
    """Mean over clusters (of 3+ sentences that differ) of the correlation of scores and labels."""
    values = []
    for number in np.unique(cluster):
        mask = cluster == number
        if mask.sum() > 2 and labels[mask].std() > 0 and scores[mask].std() > 0:
            values.append(float(np.corrcoef(scores[mask], labels[mask])[0, 1]))
    return float(np.mean(values)) if values else 0.0


def fit_v2(rows: Rows) -> tuple[LinearModel, float, dict[float, float]]:
    """The coverage.v4 recipe: features and vector, cluster-centred label, penalty by 5-fold split.

    Returns the model, its penalty and the cross-validated within-cluster correlation of each penalty.
    """
    target = centred_labels(rows)
    design = np.hstack([rows.features, rows.vectors])
    folds = rows.cluster % FOLDS
    validated: dict[float, float] = {}
    for alpha in ALPHAS:
        scores = np.zeros(len(target))
        for fold in range(FOLDS):
            train, held = folds != fold, folds == fold
            mean, scale = standardise(design[train])
            coef = ridge((design[train] - mean) / scale, target[train] - target[train].mean(), alpha)
            scores[held] = ((design[held] - mean) / scale) @ coef
        validated[alpha] = within_cluster_correlation(scores, rows.labels, rows.cluster)
    alpha = max(validated, key=lambda value: validated[value])
    mean, scale = standardise(design)
    standard = (design - mean) / scale
    coef = ridge(standard, target - target.mean(), alpha)
    width = len(SENTENCE_FEATURES)
    bounds = standard[:, :width]
    # The vector part is folded back to raw vector components: w / scale, its mean into the intercept.
    vector_coef = coef[width:] / scale[width:]
    intercept = float(target.mean() - vector_coef @ mean[width:])
    model = LinearModel(
        SENTENCE_FEATURES,
        tuple(mean[:width]),
        tuple(scale[:width]),
        tuple(coef[:width]),
        intercept,
        tuple(bounds.min(axis=0)),
        tuple(bounds.max(axis=0)),
        tuple(vector_coef),
        DEFAULT_EMBEDDING_MODEL,
    )
    return model, alpha, validated


def outside_gate(prepared: list[tuple[Any, Any, str]], clusters: list[dict[str, Any]]) -> list[tuple[Any, Any, str]]:
    """The prepared clusters that are not among the quality gate's (benchmarks/gate-multinews-val.txt)."""
    gate = {line.strip() for line in GATE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")}
    return [item for item, cluster in zip(prepared, clusters, strict=True) if str(cluster["idx"]) not in gate]


def write(model: LinearModel, name: str, about: dict[str, Any]) -> Path:
    """Write a model as JSON (rounded: six significant digits are plenty for a score)."""
    data = model.to_json()
    for key in ("mean", "scale", "coef", "lower", "upper", "vector_coef"):
        if key in data:
            data[key] = [float(f"{value:.6g}") for value in data[key]]  # type: ignore[attr-defined]
    data["intercept"] = float(f"{model.intercept:.6g}")
    WEIGHTS.mkdir(parents=True, exist_ok=True)
    path = WEIGHTS / f"{name}.json"
    path.write_text(json.dumps({**about, **data}, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Fit the model on val clusters outside ablate.py's evaluation clusters."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", choices=("v1", "v2"), default="v2", help="which recipe (default %(default)s)")
    parser.add_argument("--offset", type=int, default=None, help="first training cluster (v2: 1200, v1: 1000)")
    parser.add_argument("--limit", type=int, default=None, help="training clusters (v2: 4422, v1: 1000)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where ablate.py's cache lives")
    args = parser.parse_args(argv)
    offset = args.offset if args.offset is not None else (1200 if args.model == "v2" else 1000)
    limit = args.limit if args.limit is not None else (4422 if args.model == "v2" else 1000)
    if not args.data.exists():
        print(f"learn_value: data missing ({args.data}); pass --data", file=sys.stderr)
        return 2
    clusters = load_clusters(args.data, limit, offset)
    fingerprint = hashlib.sha256("\n".join(str(c.get("summary", ""))[:200] for c in clusters).encode()).hexdigest()
    about: dict[str, Any] = {
        "trained_on": f"Multi-News val clusters {offset}..{offset + len(clusters)} ({args.data.name})",
        "data_fingerprint": fingerprint[:16],
        "script": f"benchmarks/learn_value.py --model {args.model}",
    }
    prepared = prepare(clusters, cache_path(args.out, limit, offset))
    prepared = outside_gate(prepared, clusters)
    about["trained_on"] += f", the {len(clusters) - len(prepared)} gate clusters among them left out"

    rows = sentence_rows(prepared)
    if args.model == "v1":
        model = fit_v1(rows)
        label = "mean of the sentence's ROUGE-1 and ROUGE-2 precision against the reference, over its training mean"
        path = write(model, "sentence-value.v1", {**about, "label": label, "rows": len(rows.labels)})
        fitted = model.predict(rows.features)
        print(f"{path.name}: {len(rows.labels)} sentences, r = {float(np.corrcoef(fitted, rows.labels)[0, 1]):.3f}")
    else:
        model, alpha, validated = fit_v2(rows)
        label = "mean of the sentence's ROUGE-1 and ROUGE-2 precision against the reference, minus its cluster's mean"
        about.update(
            label=label,
            rows=len(rows.labels),
            alpha=alpha,
            cross_validated={str(key): round(value, 4) for key, value in validated.items()},
        )
        path = write(model, "sentence-value.v2", about)
        print(f"{path.name}: {len(rows.labels)} sentences; within-cluster r by penalty (5-fold):")
        for key, value in validated.items():
            print(f"  alpha {key:g}: {value:.4f}" + ("  <- chosen" if key == alpha else ""))
    for name, coef in sorted(zip(model.features, model.coef, strict=True), key=lambda item: -abs(item[1])):
        print(f"  {name:20s} {coef:+.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
