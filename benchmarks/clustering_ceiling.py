"""How far the clustering targets of issue 5 can be reached at all: upper bounds for both streams.

``benchmarks/clustering.py`` scores the online clustering of ``storyline ingest``. This script asks
what any clustering could score on the same streams, in two ways:

- *offline ceilings*: every pair of articles compared at once (no arrival order), grouped by
  average-link agglomeration, with the cut-off picked **on the gold labels** (the best of 60), for
  several article representations: the lead vector the online clustering uses, its
  rarity-weighted content words, the two summed as the online score sums them, TF-IDF of words
  and word pairs over the whole text, TF-IDF plus the lead vector, and a whole-text vector (the
  mean of 100-word windows). A threshold chosen on the answers is more than an online method can
  have, so each figure is an upper bound for that representation;
- *gold caps* (DUC 2004 only): the score of the gold clusters themselves, once exact copies are
  kept once (as the store does), with k of the six pairs of DUC 2004 clusters that follow one topic
  at the same time told apart (k = 0..6) and every other article placed right.

Scored as ``clustering.py`` scores (B-cubed F1 over every input document; an article the checks
reject is a story of its own), plainly and *strict* (an exact copy counted in its twin's story).

    python -m benchmarks.clustering_ceiling [--sets duc2004 multinews] [--clusters 2000] [--split val]

Writes results/clustering-ceiling-<set>.json and prints one line per row. Multi-News defaults to
the validation split (the one tuned on). Exit codes: 0 done; 2 data missing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from benchmarks.clustering import MULTINEWS_FILES, bcubed, load_duc, load_multinews, missing_data
from benchmarks.common import RESULTS, SHARED, code_version
from storyline.pipeline import Pipeline
from storyline.stories.index import WORD_WEIGHT, Signal, describe
from storyline.text import ENGLISH_FUNCTION_WORDS, fingerprint
from storyline.types import Article, Problem

REPO = Path(__file__).resolve().parents[1]
Matrix = npt.NDArray[np.float32]

#: DUC 2004 clusters that follow one topic over the same weeks (some share documents).
DUC_SAME_TOPIC = (
    ("d30022t", "d31050t"),  # China's dissidents and the rights covenant
    ("d30026t", "d31033t"),  # the Microsoft antitrust case
    ("d30010t", "d30053t"),  # Israel, the Palestinians and the Wye accord
    ("d30008t", "d30011t"),  # Malaysia: Anwar and the APEC summit
    ("d30031t", "d30047t"),  # the first module of the space station
    ("d30005t", "d31038t"),  # the embassy bombings and bin Laden
)
#: Cut-offs tried per representation (the best on the gold is reported).
CUTS = 60
#: Windows of the whole-text vector, and how many of them at most.
WINDOW_WORDS = 100
WINDOWS = 5


def prepared(pipeline: Pipeline, stream: Sequence[Article]) -> tuple[list[Article], dict[str, str]]:
    """The articles the store would keep (checked, each text once), and each exact copy's twin."""
    usable: list[Article] = []
    twins: dict[str, str] = {}
    first: dict[str, str] = {}
    for article in stream:
        problems: list[Problem] = []
        for kept in pipeline.prepare([article], on_error="skip", problems=problems):
            key = fingerprint(kept.text)
            if key in first:
                twins[kept.id] = first[key]
            else:
                first[key] = kept.id
                usable.append(kept)
    return usable, twins


def signals(pipeline: Pipeline, articles: Sequence[Article], batch: int = 64) -> list[Signal]:
    """The online clustering's signals of the articles, with a progress bar."""
    from tqdm import tqdm

    found: list[Signal] = []
    with tqdm(total=len(articles), desc="describe", unit="article", file=sys.stderr) as bar:
        for start in range(0, len(articles), batch):
            part = articles[start : start + batch]
            found.extend(describe(part, pipeline.nlp, pipeline.encoder))
            bar.update(len(part))
    return found


def _unit_rows(matrix: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return csr_matrix(matrix.multiply(1.0 / np.maximum(norms, 1e-12)[:, None]))


def word_similarity(found: Sequence[Signal]) -> Matrix:
    """Cosine of the articles' content words weighted by rarity, as the online index weighs them."""
    frequency = Counter(word for signal in found for word, _ in signal.words)
    vocabulary = {word: column for column, word in enumerate(frequency)}
    total = len(found) + 1
    rows, columns, values = [], [], []
    for row, signal in enumerate(found):
        for word, weight in signal.words:
            rows.append(row)
            columns.append(vocabulary[word])
            values.append(weight * math.log(1 + total / (1 + frequency[word])))
    matrix = _unit_rows(csr_matrix((values, (rows, columns)), shape=(len(found), len(vocabulary))))
    return np.asarray((matrix @ matrix.T).toarray(), dtype=np.float32)


def tfidf_similarity(texts: Sequence[str]) -> Matrix:
    """Cosine of TF-IDF vectors of words and word pairs (sub-linear counts, seen twice or more)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_FUNCTION_WORDS),
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
    )
    matrix = vectorizer.fit_transform(texts)
    return np.asarray((matrix @ matrix.T).toarray(), dtype=np.float32)


def whole_text_vectors(pipeline: Pipeline, texts: Sequence[str]) -> Matrix:
    """The mean of the unit vectors of each text's first :data:`WINDOWS` windows of 100 words."""
    windows: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        words = text.split()
        for start in range(0, max(len(words), 1), WINDOW_WORDS)[:WINDOWS]:
            windows.append(" ".join(words[start : start + WINDOW_WORDS]))
            owners.append(index)
    vectors = pipeline.encoder.encode(windows)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    summed = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    np.add.at(summed, np.asarray(owners), vectors)
    return summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12)


def scorer(
    stream: Sequence[Article], gold: Mapping[str, str], twins: Mapping[str, str]
) -> Callable[[Mapping[str, object]], tuple[float, float]]:
    """B-cubed F1 of a labelling of the kept articles, plain and strict, over every input document."""

    def score(labels: Mapping[str, object]) -> tuple[float, float]:
        plain = {article.id: labels.get(article.id, f"alone:{article.id}") for article in stream}
        strict = {**plain, **{copy: labels[twin] for copy, twin in twins.items() if twin in labels}}
        return bcubed(plain, gold)[2], bcubed(strict, gold)[2]

    return score


def ceiling(
    similarity: Matrix, ids: Sequence[str], score: Callable[[Mapping[str, object]], tuple[float, float]]
) -> dict[str, float]:
    """Average-link clusters of the similarity, the best cut on the gold: F1 plain and strict."""
    matrix = np.array(similarity, dtype=np.float64)
    top = float(matrix.max())
    np.fill_diagonal(matrix, top)
    tree = linkage(squareform(np.maximum(top - matrix, 0.0), checks=False), "average")
    best = {"bcubed_f1": -1.0, "strict_bcubed_f1": -1.0, "cut": 0.0}
    for cut in np.linspace(0.02, top, CUTS):
        labels = fcluster(tree, cut, "distance")
        plain, strict = score({identifier: int(label) for identifier, label in zip(ids, labels, strict=True)})
        if plain > best["bcubed_f1"]:
            best = {"bcubed_f1": round(plain, 4), "strict_bcubed_f1": round(strict, 4), "cut": round(float(cut), 3)}
    return best


def gold_caps(
    kept: Sequence[Article], gold: Mapping[str, str], score: Callable[[Mapping[str, object]], tuple[float, float]]
) -> list[dict[str, Any]]:
    """The gold clustering with k of the same-topic pairs told apart and the rest merged, k = 0..6."""
    rows = []
    for split in range(len(DUC_SAME_TOPIC) + 1):
        merged = {second: first for first, second in DUC_SAME_TOPIC[split:]}
        labels = {article.id: merged.get(gold[article.id], gold[article.id]) for article in kept}
        plain, strict = score(labels)
        rows.append({"pairs_told_apart": split, "bcubed_f1": round(plain, 4), "strict_bcubed_f1": round(strict, 4)})
    return rows


def run(name: str, articles: list[Article], gold: dict[str, str], pipeline: Pipeline, seed: int) -> dict[str, Any]:
    """Ceilings (and for DUC 2004 the gold caps) of one stream."""
    stream = list(articles)
    random.Random(seed).shuffle(stream)
    kept, twins = prepared(pipeline, stream)
    score = scorer(stream, gold, twins)
    found = signals(pipeline, kept)
    ids = [article.id for article in kept]
    texts = [article.text for article in kept]
    lead = np.stack([signal.vector for signal in found]).astype(np.float32)
    lead_similarity = lead @ lead.T
    words = word_similarity(found)
    tfidf = tfidf_similarity(texts)
    whole = whole_text_vectors(pipeline, texts)
    whole_similarity = whole @ whole.T
    representations = {
        "lead vector": lead_similarity,
        "content words": words,
        "lead vector + 1.25 content words (the online score's parts)": lead_similarity + WORD_WEIGHT * words,
        "TF-IDF words and pairs": tfidf,
        "TF-IDF + 0.5 lead vector": tfidf + 0.5 * lead_similarity,
        "whole-text vector": whole_similarity,
        "TF-IDF + 0.5 whole-text vector": tfidf + 0.5 * whole_similarity,
    }
    result: dict[str, Any] = {"set": name, "articles": len(stream), "kept": len(kept), "ceilings": {}}
    for label, similarity in representations.items():
        result["ceilings"][label] = ceiling(similarity, ids, score)
        print(json.dumps({"set": name, "representation": label, **result["ceilings"][label]}), flush=True)
    if name == "duc2004":
        result["gold_caps"] = gold_caps(kept, gold, score)
        for row in result["gold_caps"]:
            print(json.dumps({"set": name, "gold cap": row}), flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED / "data", help="the folder of the evaluation data")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds", help="the seed articles (*.txt)")
    parser.add_argument("--sets", nargs="+", choices=["duc2004", "multinews"], default=["duc2004", "multinews"])
    parser.add_argument("--clusters", type=int, default=2000, help="Multi-News clusters to mix (default 2000)")
    parser.add_argument("--split", choices=sorted(MULTINEWS_FILES), default="val", help="Multi-News split")
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed (as clustering.py)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    missing = missing_data(args.data, args.seeds, args.sets, args.split)
    if missing:
        print(f"clustering_ceiling: data missing ({', '.join(missing)}); pass --data / --seeds", file=sys.stderr)
        return 2
    pipeline = Pipeline()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.sets:
        if name == "duc2004":
            articles, gold = load_duc(args.data, args.seeds)
        else:
            articles, gold = load_multinews(args.data, args.clusters, split=args.split)
        result = run(name, articles, gold, pipeline, args.seed)
        result.update({"code_version": code_version(), "shuffle_seed": args.seed})
        if name == "multinews":
            result.update({"multinews_split": args.split, "multinews_clusters": args.clusters})
        stem = f"clustering-ceiling-{name}" + (f"-{args.split}" if name == "multinews" else "")
        (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
