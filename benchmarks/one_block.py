"""Why the one-block layout reads an article differently: its furniture, or its sentence bounds.

Usage::

    python -m benchmarks.one_block [--dataset longbench] [--limit 50] [--data DIR]

Summarizes each of the first ``--limit`` clusters three ways, as ``benchmarks.layouts`` does (one
``Pipeline``, ``Config(words=budget, fill=True, solver_seconds=None)``, ``on_error="skip"``):

* ``as-given``: the articles as the data set has them;
* ``one-block``: each article on one line (the layouts benchmark's ``one-block``), so the cleaner,
  which judges page furniture line by line, keeps captions, credits and headings inside it;
* ``cleaned-block``: each article cleaned as given (furniture removed), then its paragraphs
  joined into one line: the same words as ``as-given``, only the paragraph breaks are gone.

``cleaned-block`` against ``as-given`` measures what losing the breaks does to the sentence
bounds alone (spaCy segments each paragraph; a paragraph that ends without a full stop, a credit
or a heading, runs on into the next one's first sentence), and ``one-block`` against
``cleaned-block`` what the kept furniture adds. Prints, per way, the mean ROUGE-1/2 (the set's
protocol, ``benchmarks.scoring``), the clusters whose summary differs from the as-given one, and
the sentences of the cleaned articles that segment differently once joined. Writes
``results/one-block-<dataset>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, RESULTS, code_version
from benchmarks.datasets import DATASETS as SPECS
from benchmarks.datasets import LOADERS, DataMissing, data_paths
from benchmarks.layouts import Runner, mean
from benchmarks.scoring import Scorer

WAYS = ("as-given", "one-block", "cleaned-block")


def joined(text: str) -> str:
    """A cleaned article's paragraphs (separated by blank lines) on one line."""
    return " ".join(paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip())


def run(dataset: str, limit: int, data: Path) -> dict[str, Any]:
    from storyline.nlp.segment import segment_many

    spec = SPECS[dataset]
    clusters = LOADERS[dataset](data_paths(spec, data)[0])[:limit]
    runner = Runner(spec.budget)
    scorer = Scorer(spec)
    summaries: dict[str, list[list[str]]] = {way: [] for way in WAYS}
    split_differently = 0
    sentences = 0
    for cluster in clusters:
        given = runner.articles("as-given", cluster)
        cleaned = runner.pipe.prepare(given, on_error="skip", problems=[])
        block = [runner.article_cls(id=a.id, text=joined(a.text), source=a.source) for a in cleaned]
        for way, articles in zip(WAYS, (given, runner.articles("one-block", cluster), block), strict=True):
            try:
                found = [sentence.text for sentence in runner.pipe.summarize(articles, on_error="skip").sentences]
            except runner.error_cls:
                found = []
            summaries[way].append(found)
        for before, after in zip(
            segment_many(cleaned, runner.pipe.nlp), segment_many(block, runner.pipe.nlp), strict=True
        ):
            kept = {sentence.text for sentence in after.sentences}
            sentences += len(before.sentences)
            split_differently += sum(1 for sentence in before.sentences if sentence.text not in kept)
        print(f"{dataset} {cluster.id}: done", file=sys.stderr, flush=True)
    report: dict[str, Any] = {
        "code_version": code_version(),
        "dataset": dataset,
        "clusters": [cluster.id for cluster in clusters],
        "sentences_as_given": sentences,
        "sentences_segmented_differently_in_one_block": split_differently,
        "ways": {},
    }
    for way in WAYS:
        scores = [scorer.score(cluster, found) for cluster, found in zip(clusters, summaries[way], strict=True)]
        report["ways"][way] = {
            "rouge1": round(mean([score["rouge1"] for score in scores]), 4),
            "rouge2": round(mean([score["rouge2"] for score in scores]), 4),
            "clusters_unlike_as_given": sum(
                1 for mine, theirs in zip(summaries[way], summaries["as-given"], strict=True) if mine != theirs
            ),
        }
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Why one block reads differently: furniture or sentence bounds.")
    parser.add_argument("--dataset", default="longbench", choices=("duc2004", "longbench"))
    parser.add_argument("--limit", type=int, default=50, help="clusters (default 50)")
    parser.add_argument("--data", type=Path, default=DATA, help=f"data root (default: {DATA})")
    args = parser.parse_args(argv)
    try:
        report = run(args.dataset, args.limit, args.data)
    except DataMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("| way | R-1 | R-2 | R-2 - as given | clusters unlike as given |\n|---|---:|---:|---:|---:|")
    given = report["ways"]["as-given"]["rouge2"]
    for way, row in report["ways"].items():
        print(
            f"| {way} | {row['rouge1']:.2f} | {row['rouge2']:.2f} | {row['rouge2'] - given:+.2f} "
            f"| {row['clusters_unlike_as_given']} of {len(report['clusters'])} |"
        )
    print(
        f"sentences of the cleaned articles segmented otherwise in one block: "
        f"{report['sentences_segmented_differently_in_one_block']} of {report['sentences_as_given']}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"one-block-{args.dataset}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
