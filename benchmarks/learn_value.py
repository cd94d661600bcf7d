"""Fit the learned sentence value of selector coverage.v3 on Multi-News val; write it into the package.

    python benchmarks/learn_value.py [--offset 1000] [--limit 1000]

``sentence-value.v1`` is a ridge regression over features the pipeline already computes
(select.SENTENCE_FEATURES: position, article size and order, length, centrality, outlets
stating the same fact, concept weight held, numbers, entities, quotes, ...). Its label is a
sentence's value per word: the mean of its ROUGE-1 and ROUGE-2 precision against the
reference (stemmed, as rouge-score-rs counts them), over the training mean so a typical
sentence scores about 1. Writes src/storyline/weights/sentence-value.v1.json.

Training uses val clusters ``offset`` .. ``offset + limit`` only: benchmarks/ablate.py
evaluates on the first 600 val clusters, so the two never overlap, and the quality gate's
clusters (benchmarks/gate-multinews-val.txt) are left out so the gate stays unseen. Multi-News
test and DUC 2004 are never read here. Segmentation and embeddings come from ablate.py's cache
(results/cache/, built on first use: about 25 minutes for 1,000 clusters on 2 cores).

What was tried and dropped (other labels, a concept model) is in docs/learned-selection.md.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from ablate import DEFAULT_DATA, cache_path, load_clusters, prepare  # noqa: E402
from storyline.align import align  # noqa: E402
from storyline.select import SENTENCE_FEATURES, LinearModel, SelectionWeights, sentence_features  # noqa: E402

WEIGHTS = REPO / "src" / "storyline" / "weights"
GATE = REPO / "benchmarks" / "gate-multinews-val.txt"
#: Ridge penalty on standardised features; the fit has tens of thousands of rows, so it only
#: steadies nearly collinear features (lead / first / relative_position).
RIDGE = 1.0


def _bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(tokens))


def sentence_rows(prepared: list[tuple[Any, Any, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every sentence a selector may choose (of min_words..max_words).

    The label is the share of the sentence's stemmed unigrams and bigrams that are in the
    reference (ROUGE-1 and ROUGE-2 precision, averaged): its value per word.
    """
    from rouge_score_rs import RougeScorer

    tokenizer = RougeScorer(["rouge1"], use_stemmer=True)._tokenizer
    defaults = SelectionWeights()
    rows: list[np.ndarray] = []
    labels: list[float] = []
    for documents, vectors, reference in prepared:
        if not documents or len(vectors) == 0:
            continue
        alignment = align(documents, vectors)
        matrix = sentence_features(alignment, vectors)
        reference_tokens = tokenizer.tokenize(reference.lower())
        unigrams, bigrams = set(reference_tokens), set(_bigrams(reference_tokens))
        sentences = [sentence for document in documents for sentence in document.sentences]
        kept = [
            (row, tokenizer.tokenize(sentence.text.lower()))
            for row, sentence in zip(matrix, sentences, strict=True)
            if defaults.min_words <= len(sentence.text.split()) <= defaults.max_words
        ]
        for row, tokens in kept:
            if not tokens:
                continue
            found = sum(token in unigrams for token in tokens) + sum(pair in bigrams for pair in _bigrams(tokens))
            rows.append(row)
            labels.append(found / (2 * len(tokens)))
    return np.array(rows), np.array(labels)


def standardise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and scales (1 for a constant column)."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def fit_ridge(matrix: np.ndarray, labels: np.ndarray, features: tuple[str, ...]) -> LinearModel:
    """Ridge regression on standardised features (closed form)."""
    mean, scale = standardise(matrix)
    standard = (matrix - mean) / scale
    target = labels / labels.mean()
    centred = target - target.mean()
    gram = standard.T @ standard + RIDGE * np.eye(standard.shape[1])
    coef = np.linalg.solve(gram, standard.T @ centred)
    return LinearModel(features, tuple(mean), tuple(scale), tuple(coef), float(target.mean()))


def write(model: LinearModel, name: str, about: dict[str, Any]) -> Path:
    """Write a model as JSON (rounded: six significant digits are plenty for a score)."""
    data = model.to_json()
    for key in ("mean", "scale", "coef"):
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
    parser.add_argument("--offset", type=int, default=1000, help="first training cluster (default %(default)s)")
    parser.add_argument("--limit", type=int, default=1000, help="training clusters (default %(default)s)")
    parser.add_argument("--out", type=Path, default=REPO / "results", help="where ablate.py's cache lives")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"learn_value: data missing ({args.data}); pass --data", file=sys.stderr)
        return 2
    clusters = load_clusters(args.data, args.limit, args.offset)
    fingerprint = hashlib.sha256("\n".join(str(c.get("summary", ""))[:200] for c in clusters).encode()).hexdigest()
    about = {
        "trained_on": f"Multi-News val clusters {args.offset}..{args.offset + len(clusters)} ({args.data.name})",
        "data_fingerprint": fingerprint[:16],
        "script": "benchmarks/learn_value.py",
    }
    prepared = prepare(clusters, cache_path(args.out, args.limit, args.offset))
    gate = {line.strip() for line in GATE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")}
    prepared = [item for item, cluster in zip(prepared, clusters, strict=True) if str(cluster["idx"]) not in gate]
    about["trained_on"] += f", the {len(clusters) - len(prepared)} gate clusters among them left out"

    matrix, labels = sentence_rows(prepared)
    model = fit_ridge(matrix, labels, SENTENCE_FEATURES)
    fitted = model.predict(matrix)
    correlation = float(np.corrcoef(fitted, labels)[0, 1])
    label = "mean of the sentence's ROUGE-1 and ROUGE-2 precision against the reference, over its training mean"
    path = write(model, "sentence-value.v1", {**about, "label": label, "rows": len(labels)})
    print(f"{path.name}: {len(labels)} sentences, r = {correlation:.3f}")
    for name, coef in sorted(zip(model.features, model.coef, strict=True), key=lambda item: -abs(item[1])):
        print(f"  {name:20s} {coef:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
