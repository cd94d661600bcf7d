"""The models' floor (issue 37): the least time any Storyline run can take with its two models,
against the targets it is judged by, in one run.

    python -m benchmarks.floor [--every 10] [--chunk 16] [--duc-limit 50] [--datasets duc2004,multinews-test]
                               [--data ../shared/data] [--out results]

Every summary and every comparison needs each sentence split by spaCy (tokens, parser for the
sentence bounds, named entities) and each distinct sentence encoded by the sentence encoder. This
benchmark runs only that, on one thread each, in the order the pipeline does (cleaning first,
untimed), and adds up the CPU seconds of the two (``time.thread_time`` of the thread doing them),
with the encoder's tokens. On a machine of ``cpus`` cores no schedule can take less wall time than
the sum divided by ``cpus``; the rest of the pipeline (selection's integer program, comparison,
reading, writing) only adds to it. In the same run, sumy LexRank is timed on the same clusters.

* **DUC 2004**, every cluster (``--duc-limit``): the floor per cluster against twice LexRank's
  seconds per cluster (issue 37: Storyline at most twice LexRank's time).
* **Multi-News test**, every ``--every``-th cluster, ``--chunk`` clusters through the models at a
  time as ``storyline batch`` sends them (its encoder batches fill better than one cluster's): the
  floor for the whole set (5,622 clusters) through ``storyline batch --compare --workers 2`` against
  its 10 minutes.

Writes results/floor.json and prints a Markdown table. CPU seconds of one thread are the figures
to trust on a machine other jobs share; the LexRank comparison is wall-clock, so take it on a quiet
machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, RESULTS, Stopwatch, code_version, save_results
from benchmarks.datasets import DATASETS, LOADERS, Cluster
from benchmarks.peers import Context, build_system
from benchmarks.rouge import progress
from storyline.batch import CHUNK

#: Issue 37's targets.
LEXRANK_FACTOR = 2.0
THROUGHPUT_TARGET_SECONDS = 600.0


def model_seconds(clusters: list[Cluster], chunk: int = 1) -> dict[str, Any]:
    """spaCy's and the encoder's CPU seconds per cluster (one thread each), and the encoder's tokens.

    ``chunk`` clusters go through the models together, as ``storyline batch`` sends its chunks: spaCy
    takes all their paragraphs in one stream and the encoder all their distinct sentences in one
    call, whose batches (sentences of one token count) fill up better the more sentences it gets.
    """
    from threadpoolctl import threadpool_limits

    from storyline.config import Config
    from storyline.nlp.embed import set_threads
    from storyline.nlp.segment import segment_many
    from storyline.pipeline import Pipeline
    from storyline.records import as_articles

    set_threads(1)
    pipeline = Pipeline(Config())
    pipeline.load()
    nlp, encoder = pipeline.nlp, pipeline.encoder
    tokenizer = getattr(encoder, "_tokenizer", None)
    spacy_cpu = encoder_cpu = 0.0
    tokens = sentences = 0
    groups = [clusters[start : start + chunk] for start in range(0, len(clusters), chunk)]
    with threadpool_limits(limits=1, user_api="blas"):
        for group in progress(groups, f"models, {chunk} cluster(s) at a time"):
            articles = [
                article
                for cluster in group
                for article in pipeline.prepare(as_articles(list(cluster.documents), on_error="skip"), on_error="skip")
            ]
            start = time.thread_time()
            documents = segment_many(articles, nlp)
            middle = time.thread_time()
            texts = list(dict.fromkeys(sentence.text for document in documents for sentence in document.sentences))
            if texts:
                encoder.encode(texts)
            spacy_cpu += middle - start
            encoder_cpu += time.thread_time() - middle
            sentences += len(texts)
            if tokenizer is not None:
                tokens += sum(len(piece.ids) for piece in tokenizer.encode_batch(texts))
    count = max(1, len(clusters))
    return {
        "clusters": len(clusters),
        "clusters_at_a_time": chunk,
        "encoder": getattr(encoder, "name", type(encoder).__name__),
        "spacy_cpu_per_cluster": spacy_cpu / count,
        "encoder_cpu_per_cluster": encoder_cpu / count,
        "distinct_sentences_per_cluster": sentences / count,
        "tokens_per_cluster": tokens / count if tokenizer is not None else None,
    }


def lexrank_seconds(clusters: list[Cluster], dataset: str) -> dict[str, Any]:
    """sumy LexRank's wall and CPU seconds per cluster at the data set's budget (benchmarks.peers)."""
    system = build_system("lexrank", Context(DATASETS[dataset]))
    wall = cpu = 0.0
    for cluster in progress(clusters, "lexrank"):
        clock = Stopwatch()
        system.summarize(cluster)
        wall += clock.seconds
        cpu += clock.cpu_seconds
    count = max(1, len(clusters))
    return {"seconds_per_cluster": wall / count, "cpu_per_cluster": cpu / count}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--every", type=int, default=10, help="Multi-News test: every N-th cluster")
    parser.add_argument("--duc-limit", type=int, default=50)
    parser.add_argument(
        "--chunk",
        type=int,
        default=CHUNK,
        help=f"Multi-News clusters through the models together (default {CHUNK}, as batch)",
    )
    parser.add_argument("--datasets", default="duc2004,multinews-test", help="comma-separated subset")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cpus = os.cpu_count() or 1
    result: dict[str, Any] = {
        "code_version": code_version(),
        "cpus": cpus,
        "load_average_at_start": os.getloadavg(),
        "datasets": {},
    }
    # DUC 2004 is judged one cluster a call (benchmarks.timing); the Multi-News test set through batch.
    plan = (("duc2004", lambda c: c[: args.duc_limit], 1), ("multinews-test", lambda c: c[:: args.every], args.chunk))
    for dataset, choose, chunk in (step for step in plan if step[0] in args.datasets.split(",")):
        path = args.data / DATASETS[dataset].files[0]
        if not path.is_file():
            print(f"floor: {path} is missing; give --data, the folder holding the data sets", file=sys.stderr)
            return 2
        every = LOADERS[dataset](path)
        chosen = choose(every)
        entry = {
            "clusters_in_set": len(every),
            **model_seconds(chosen, chunk),
            "lexrank": lexrank_seconds(chosen, dataset),
        }
        entry["floor_wall_per_cluster"] = (entry["spacy_cpu_per_cluster"] + entry["encoder_cpu_per_cluster"]) / cpus
        entry["floor_wall_whole_set"] = entry["floor_wall_per_cluster"] * len(every)
        result["datasets"][dataset] = entry
    save_results(args.out / "floor.json", result)
    print(table(result))
    return 0


def table(result: dict[str, Any]) -> str:
    """The floor of each data set against its target, as Markdown."""
    cpus = result["cpus"]
    lines = [
        f"Commit {result['code_version'][:12]}, {cpus} CPUs, load average {result['load_average_at_start'][0]:.2f} "
        f"at the start and {result['load_average_at_end'][0]:.2f} at the end.",
        "",
        "| data set | clusters timed (at a time) | distinct sentences / cluster | encoder tokens / cluster "
        "| spaCy CPU s / cluster | encoder CPU s / cluster | floor: both / cores, s / cluster "
        "| LexRank s / cluster (CPU) | target | floor over the target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for dataset, entry in result["datasets"].items():
        lexrank = entry["lexrank"]
        if dataset == "duc2004":
            limit = LEXRANK_FACTOR * lexrank["seconds_per_cluster"]
            target = f"<= {LEXRANK_FACTOR:g}x LexRank = {limit:.3f} s / cluster"
            over = entry["floor_wall_per_cluster"] > limit
            floor = f"{entry['floor_wall_per_cluster']:.3f}"
        else:
            target = f"whole set ({entry['clusters_in_set']}) <= {THROUGHPUT_TARGET_SECONDS:.0f} s"
            over = entry["floor_wall_whole_set"] > THROUGHPUT_TARGET_SECONDS
            floor = f"{entry['floor_wall_per_cluster']:.3f} (whole set {entry['floor_wall_whole_set']:.0f} s)"
        tokens = entry["tokens_per_cluster"]
        lines.append(
            f"| {dataset} | {entry['clusters']} ({entry.get('clusters_at_a_time', 1)}) "
            f"| {entry['distinct_sentences_per_cluster']:.1f} "
            f"| {'' if tokens is None else f'{tokens:.0f}'} | {entry['spacy_cpu_per_cluster']:.3f} "
            f"| {entry['encoder_cpu_per_cluster']:.3f} | {floor} "
            f"| {lexrank['seconds_per_cluster']:.3f} ({lexrank['cpu_per_cluster']:.3f}) | {target} "
            f"| {'yes' if over else 'no'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
