"""Measure selection choices on Multi-News val (tuning only; report on test with rouge.py).

    python -m benchmarks.ablate [--limit 500] [--offset 0] [--variants baseline,no_position,...]

Segmentation and embeddings are computed once per cluster and cached (results/cache/), so
each selection variant costs only the selection and scoring. Scoring follows the Multi-News
protocol of benchmarks/rouge.py: rouge-score-rs with the stemmer, F1, summaries cut to 250
words, both sides lower-cased. Writes results/ablation-multinews-val.json and prints a table.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, RESULTS, Stopwatch
from benchmarks.scoring import truncate_words
from storyline import Config, Pipeline
from storyline.align import align
from storyline.errors import InputError
from storyline.nlp.segment import segment_many
from storyline.select import SelectionWeights, load_model, select

DEFAULT_DATA = DATA / "multi_news_plus" / "val.jsonl.gz"
BUDGET = 250


def load_clusters(path: Path, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """``limit`` val clusters with at least one document, after skipping the first ``offset`` such clusters."""
    clusters = []
    skipped = 0
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not record["documents"]:
                continue
            if skipped < offset:
                skipped += 1
                continue
            clusters.append(record)
            if len(clusters) >= limit:
                break
    return clusters


def cache_path(out: Path, limit: int, offset: int = 0) -> Path:
    """Where the prepared clusters ``offset`` .. ``offset + limit`` are cached."""
    return out / "cache" / (f"multinews-val-{limit}.pkl" if offset == 0 else f"multinews-val-{offset}-{limit}.pkl")


def prepare(clusters: list[dict[str, Any]], cache: Path) -> list[tuple[Any, Any, str]]:
    """(documents, vectors, reference) per cluster, from the cache when it is there."""
    if cache.exists():
        with cache.open("rb") as handle:
            cached: list[tuple[Any, Any, str]] = pickle.load(handle)
        if len(cached) >= len(clusters):
            return cached[: len(clusters)]
    pipeline = Pipeline(Config())
    prepared = []
    for index, cluster in enumerate(clusters):
        try:
            articles = pipeline.prepare(cluster["documents"], on_error="skip")
        except InputError:
            articles = []
        documents = segment_many(articles, pipeline.nlp) if articles else []
        texts = [sentence.text for document in documents for sentence in document.sentences]
        vectors = pipeline.encoder.encode(texts)
        prepared.append((documents, vectors, cluster["summary"]))
        if index % 50 == 0:
            print(f"prepared {index}/{len(clusters)}", file=sys.stderr)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as handle:
        pickle.dump(prepared, handle)
    return prepared


def truncate(sentences: list[str], words: int) -> str:
    """The first ``words`` words (as rouge.py counts and cuts them), sentence per line, lower-cased."""
    return "\n".join(truncate_words(sentences, words)).lower()


Variant = Callable[[Any, Any, int], list[str]]


def selection_variant(
    solver: str = "greedy", value_model: str | None = None, fill: bool = False, **changes: Any
) -> Variant:
    """A variant that runs select() with a solver, some SelectionWeights changed, optionally a
    learned value model (a name of src/storyline/weights/*.json, see benchmarks/learn_value.py)
    and optionally ``fill`` (one last sentence past the budget, cut by the scoring)."""
    weights = dataclasses.replace(SelectionWeights(), **changes)

    def run(documents: Any, vectors: Any, budget: int = BUDGET) -> list[str]:
        if not documents:
            return []
        summary = select(
            align(documents, vectors),
            vectors,
            words=budget,
            weights=weights,
            solver=solver,
            value_model=load_model(value_model) if value_model else None,
            fill=fill,
        )
        return [sentence.text for sentence in summary.sentences]

    return run


VARIANTS: dict[str, Variant] = {
    "baseline": selection_variant(),
    "no_chain": selection_variant(chain=False),
    "no_same_fact": selection_variant(same_fact=False),
    "novelty_0": selection_variant(novelty=0.0),
    "novelty_0.35": selection_variant(novelty=0.35),
    "singleton_0": selection_variant(singleton=0.0),
    "position_0": selection_variant(position=0.0),
    "no_support": selection_variant(support=0.0),
    "no_centrality": selection_variant(centrality=0.0),
    "no_coverage": selection_variant(coverage=0.0),
    "redundancy_0.7": selection_variant(redundancy=0.7),
    "redundancy_0.95": selection_variant(redundancy=0.95),
    "length_exponent_1": selection_variant(length_exponent=1.0),
    "ilp": selection_variant("ilp"),
    "ilp_sentence_0": selection_variant("ilp", ilp_sentence=0.0),
    "ilp_sentence_3": selection_variant("ilp", ilp_sentence=3.0),
    "ilp_min_weight_2": selection_variant("ilp", ilp_min_weight=2.0),
    "ilp_fill": selection_variant("ilp", fill=True),
    # The learned sentence value (benchmarks/learn_value.py, fitted on val clusters 1000-1999),
    # added to the hand-set value or replacing it; "ilp_value_only_1.0" is coverage.v3.
    **{
        f"ilp_value_{learned}": selection_variant("ilp", "sentence-value.v1", learned=learned)
        for learned in (0.5, 1.0, 2.0)
    },
    **{
        f"ilp_value_only_{sentence}": selection_variant(
            "ilp", "sentence-value.v1", learned=1.0, centrality=0.0, support=0.0, position=0.0, ilp_sentence=sentence
        )
        for sentence in (0.5, 1.0)
    },
    "before_tuning": selection_variant(
        chain=False, same_fact=False, novelty=0.35, singleton=0.0, position=0.5, redundancy=0.7
    ),
}


def variant_named(name: str) -> Variant:
    """A listed variant, or ``value:MODEL:MODE[:SPREAD[:SENTENCE]][:fill]``: the ILP with a learned
    value model (src/storyline/weights/MODEL.json), its score added to the hand-set value (MODE
    "add") or replacing it ("only"), optionally standardised within each cluster to 1 + SPREAD * z
    (SelectionWeights.learned_spread) and with ``ilp_sentence`` SENTENCE (default 1.0 for "only")."""
    if name in VARIANTS:
        return VARIANTS[name]
    parts = name.split(":")
    fill = parts[-1] == "fill"
    if fill:
        parts = parts[:-1]
    usage = (
        f"ablate: unknown variant {name!r}; known: {', '.join(VARIANTS)} or value:MODEL:add|only[:SPREAD[:SENTENCE]]"
    )
    if not 3 <= len(parts) <= 5 or parts[0] != "value" or parts[2] not in ("add", "only"):
        raise SystemExit(usage)
    try:
        numbers = [float(part) for part in parts[3:]]
    except ValueError:
        raise SystemExit(usage) from None
    changes: dict[str, float] = {"learned": 1.0}
    if parts[2] == "only":
        changes.update(centrality=0.0, support=0.0, position=0.0, ilp_sentence=1.0)
    if numbers:
        changes["learned_spread"] = numbers[0]
    if len(numbers) > 1:
        changes["ilp_sentence"] = numbers[1]
    return selection_variant("ilp", parts[1], fill=fill, **changes)


def main(argv: list[str] | None = None) -> int:
    """Score each variant on the cached val clusters."""
    from rouge_score_rs import RougeScorer

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--offset", type=int, default=0, help="skip this many clusters first (default %(default)s)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--words", type=int, default=BUDGET, help="word budget (default %(default)s)")
    parser.add_argument(
        "--measure",
        choices=("fmeasure", "recall"),
        default="fmeasure",
        help="F1 (the Multi-News protocol) or recall (DUC's, to try a short budget on val)",
    )
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"ablate: data missing ({args.data}); pass --data", file=sys.stderr)
        return 2
    clusters = load_clusters(args.data, args.limit, args.offset)
    prepared = prepare(clusters, cache_path(args.out, args.limit, args.offset))
    scorer = RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    results: dict[str, dict[str, float]] = {}
    for name in args.variants.split(","):
        variant = variant_named(name)
        clock = Stopwatch()
        totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeLsum": 0.0}
        for documents, vectors, reference in prepared:
            prediction = truncate(variant(documents, vectors, args.words), args.words)
            scores = scorer.score(reference.lower(), prediction)
            for key in totals:
                totals[key] += getattr(scores[key], args.measure)
        results[name] = {key: round(100 * value / len(prepared), 2) for key, value in totals.items()}
        results[name]["seconds"] = round(clock.seconds, 1)
        row = results[name]
        print(
            f"| {name} | {row['rouge1']:.2f} | {row['rouge2']:.2f} | {row['rougeLsum']:.2f} | {row['seconds']} s |",
            flush=True,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    name = "ablation-multinews-val" + (
        "" if (args.words, args.measure) == (BUDGET, "fmeasure") else f"-{args.words}-{args.measure}"
    )
    (args.out / f"{name}.json").write_text(
        json.dumps(
            {"clusters": len(prepared), "words": args.words, "measure": args.measure, "results": results}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
