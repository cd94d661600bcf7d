"""How well ``storyline ingest`` groups a stream of articles into stories (issues 5, 36), for each method.

Two streams:

- ``duc2004``: all 500 DUC 2004 task 2 documents (gold: their 50 clusters), each dated by its
  document id (APW19981016.0240 -> 1998-10-16), with the three seed articles of ../shared/seeds
  (gold: a cluster of their own);
- ``multinews``: every document of N (default 2,000) Multi-News clusters (gold: their cluster);
  they have no dates. ``--split test`` (the default, the reported figure) takes the first N test
  clusters; ``--split val`` takes validation clusters, from ``--offset`` on: the set to tune on
  (Multi-News test is never tuned on).

Each stream is cleaned, checked and described once (the models; an article's description does not
depend on the order it comes in), cached in results/cache/ under a key of the data, the models and
the code that describes. Then, for each grouping method (``--methods``: link.v1, the one ingest
uses, and closest.v2, the one before it), it is stored into a fresh database in ``--orders``
random arrival orders (seeds 0..), and for DUC 2004 also in publication order (an article without
a date of its own last), each through ``stories.ingest_described``: ingest's own storing step
(placement, near-duplicates, page furniture, the second look after every batch of 64).

Speed, and that the replays are ingests: on DUC 2004 each method then runs a real
``storyline ingest`` code path (``stories.ingest``: reading done, cleaning, the models, the store)
on the first random order, side by side in this one run (``--speed-runs`` rounds, alternating),
timed in wall and CPU seconds; its stories must equal the replay's of the same order.

Every input document is scored: one that is stored by the story it is in; one that is not stored
(the checks skip it as not an article, or it repeats a stored article word for word) as a story
of its own. A strict score beside it counts each exact duplicate in the story of the article it
repeats (DUC 2004 has the same document in two clusters a few times; Multi-News repeats page
furniture across hundreds of clusters). Reports B-cubed precision/recall/F1 and the adjusted Rand
index, each as the mean over the random orders with its spread (largest minus smallest), whether
the seeds come out as one story of exactly their three articles in every order, and articles per
second. Prints the table (also results/clustering-table.md) and writes JSON to
results/clustering-<set>.json and a plot to results/clustering.png.

    python -m benchmarks.clustering [--sets duc2004 multinews] [--clusters 2000] [--orders 5]
        [--methods link.v1 closest.v2] [--split test|val] [--offset 0] [--speed-runs 1]
        [--no-cache] [--describe-only] [--engine local|ray] [--address ADDR] [--workers K]

With ``--engine ray`` the real ingests clean and describe on Ray actors as ``storyline ingest
--engine ray`` does (the cluster is started before the clock, the actors' model loading is timed),
and the results go to clustering-<set>-ray*.json; with ``--split val`` to clustering-multinews-val*.json.

Exit codes: 0 done; 2 the data of a chosen set is missing (one line names the files; pass
``--data`` / ``--seeds``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import RESULTS, SHARED, Stopwatch, code_version, read_jsonl
from storyline.pipeline import Pipeline
from storyline.runners import Engine
from storyline.sources.read import read
from storyline.stories import index as cluster
from storyline.stories import revisit
from storyline.stories.db import Store, StoryRow
from storyline.stories.service import Described, IngestCounts, describe_inputs, ingest, ingest_described
from storyline.types import Article


def _unique(identifier: str, taken: Counter[str]) -> str:
    taken[identifier] += 1
    return identifier if taken[identifier] == 1 else f"{identifier}-{taken[identifier]}"


def load_duc(data: Path, seeds: Path) -> tuple[list[Article], dict[str, str]]:
    """DUC 2004 documents (dated by their id) and the seed articles, with their gold clusters."""
    articles: list[Article] = []
    gold: dict[str, str] = {}
    taken: Counter[str] = Counter()
    for record in read_jsonl(data / "duc2004_task2" / "duc2004_task2.jsonl"):
        for document in record["documents"]:
            docno = document["docno"]
            identifier = _unique(docno, taken)
            day = f"{docno[3:7]}-{docno[7:9]}-{docno[9:11]}"
            articles.append(Article(identifier, document["text"], docno[:3], published=day, origin=identifier))
            gold[identifier] = record["cluster_id"]
    for article in read(sorted(seeds.glob("*.txt"))):
        articles.append(article)
        gold[article.id] = "seeds"
    return articles, gold


#: The Multi-News files of each split (Multi-News+ copy).
MULTINEWS_FILES = {"test": "test.jsonl", "val": "val.jsonl.gz"}


def load_multinews(
    data: Path, clusters: int, *, split: str = "test", offset: int = 0
) -> tuple[list[Article], dict[str, str]]:
    """The documents of ``clusters`` Multi-News clusters of ``split`` from ``offset`` on, with their gold cluster."""
    articles: list[Article] = []
    gold: dict[str, str] = {}
    for position, record in enumerate(read_jsonl(data / "multi_news_plus" / MULTINEWS_FILES[split])):
        if position < offset:
            continue
        if position >= offset + clusters:
            break
        for index, text in enumerate(record["documents"]):
            if text and text.strip():
                identifier = f"{record['idx']}-{index}"
                articles.append(Article(identifier, text, identifier, origin=identifier))
                gold[identifier] = str(record["idx"])
    return articles, gold


def missing_data(data: Path, seeds: Path, sets: Sequence[str], split: str) -> list[str]:
    """The files (or the seed folder) the chosen streams need and cannot find."""
    needed = {
        "duc2004": [data / "duc2004_task2" / "duc2004_task2.jsonl", seeds],
        "multinews": [data / "multi_news_plus" / MULTINEWS_FILES[split]],
    }
    return [str(path) for name in sets for path in needed[name] if not path.exists()]


def bcubed(predicted: Mapping[str, object], gold: Mapping[str, object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of ``gold``."""
    by_predicted: dict[object, set[str]] = defaultdict(set)
    by_gold: dict[object, set[str]] = defaultdict(set)
    for item in gold:
        by_predicted[predicted[item]].add(item)
        by_gold[gold[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        shared = len(by_predicted[predicted[item]] & by_gold[gold[item]])
        precision += shared / len(by_predicted[predicted[item]])
        recall += shared / len(by_gold[gold[item]])
    precision /= len(gold)
    recall /= len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def adjusted_rand(predicted: Mapping[str, object], gold: Mapping[str, object]) -> float:
    """The adjusted Rand index (Hubert and Arabie) of two labelings of the same items."""

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    cells = Counter((predicted[item], gold[item]) for item in gold)
    rows = Counter(predicted[item] for item in gold)
    columns = Counter(gold[item] for item in gold)
    index = sum(pairs(n) for n in cells.values())
    row_sum = sum(pairs(n) for n in rows.values())
    column_sum = sum(pairs(n) for n in columns.values())
    expected = row_sum * column_sum / pairs(len(gold))
    maximum = (row_sum + column_sum) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0


#: Arrival orders replayed per stream and method (seeds 0 .. ORDERS - 1).
ORDERS = 5
#: The grouping methods compared: the one ingest uses and the one before it.
METHODS = ("link.v1", "closest.v2")


def arrival_order(described: Sequence[Described], order: str) -> list[Described]:
    """The stream in one arrival order: "seed:N" shuffles with seed N; "published" sorts by date.

    In publication order an article without a date of its own comes last (it is taken as news
    of the day it arrives), ties keep the order of the data.
    """
    stream = list(described)
    if order == "published":
        return sorted(stream, key=lambda item: item.day or date.max)
    random.Random(int(order.removeprefix("seed:"))).shuffle(stream)
    return stream


def score(
    stream: Sequence[str], gold: Mapping[str, str], counts: IngestCounts, stories: Sequence[StoryRow]
) -> dict[str, Any]:
    """B-cubed and ARI of the stories made of ``stream`` (article ids), plainly and strictly.

    Primary scoring: what is not stored is in no story (a story of its own): the checks' rejects
    and exact duplicates. Strict scoring: an exact duplicate counts in the story of the article it
    repeats (Multi-News repeats page furniture, such as a Twitter location notice 88 times, across
    hundreds of clusters, and that one story then holds them all).
    """
    stored: dict[str, object] = {}
    for row in stories:
        for article_id in row.articles:
            stored[article_id] = row.id
    repeats = {r.article_id: r.story for r in counts.results if r.article_id not in stored and r.story is not None}
    unplaced = [article_id for article_id in stream if article_id not in stored and article_id not in repeats]
    predicted: dict[str, object] = dict(stored)
    for article_id in [*unplaced, *repeats]:
        predicted[article_id] = f"alone:{article_id}"
    strict: dict[str, object] = {**predicted, **repeats}
    precision, recall, f1 = bcubed(predicted, gold)
    strict_precision, strict_recall, strict_f1 = bcubed(strict, gold)
    result: dict[str, Any] = {
        "stories": len(stories),
        "stored": counts.added,
        "near_duplicates": counts.near_duplicates,
        "exact_duplicates": len(repeats),
        "skipped": len(unplaced),
        "merged": counts.merged,
        "split": counts.split,
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "ari": round(adjusted_rand(predicted, gold), 4),
        "strict": {
            "bcubed_precision": round(strict_precision, 4),
            "bcubed_recall": round(strict_recall, 4),
            "bcubed_f1": round(strict_f1, 4),
            "ari": round(adjusted_rand(strict, gold), 4),
        },
    }
    seeds = [article_id for article_id, label in gold.items() if label == "seeds"]
    if seeds:
        seed_stories = {predicted[article_id] for article_id in seeds}
        members = [article_id for article_id, story in predicted.items() if story in seed_stories]
        result["seeds_one_story_of_their_own"] = len(seed_stories) == 1 and len(members) == len(seeds)
        result["seed_story_members"] = sorted(members)
    result["assignments"] = {article_id: str(story) for article_id, story in sorted(strict.items())}
    return result


def replay(described: Sequence[Described], gold: Mapping[str, str], pipeline: Pipeline, order: str) -> dict[str, Any]:
    """Store the described stream in one arrival order into a fresh database and score the stories.

    The articles go through ``stories.ingest_described``: the storing step of ``storyline
    ingest`` (placement, near-duplicates, the second look after each batch), without describing
    them again.
    """
    stream = arrival_order(described, order)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "stories.db")
        clock = Stopwatch()
        counts = ingest_described(store, pipeline, stream)
        seconds = clock.cpu_seconds
        stories = store.stories()
        store.close()
    result = score([item.article.id for item in stream], gold, counts, stories)
    result["store_cpu_seconds"] = round(seconds, 1)
    return result


def real_ingest(
    name: str,
    articles: Sequence[Article],
    gold: Mapping[str, str],
    pipeline: Pipeline,
    order: str,
    *,
    engine: Engine = "local",
    address: str | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """``storyline ingest``'s code path, models and all, on one arrival order: the speed, and the stories."""
    by_id = {article.id: article for article in articles}
    placeholder = [Described(article, None, None, (), None) for article in articles]
    stream = [by_id[item.article.id] for item in arrival_order(placeholder, order)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "stories.db")
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            if done % 640 < count:
                print(f"{name}: {done}/{len(stream)} articles, {clock.seconds:.0f} s", file=sys.stderr)

        clock = Stopwatch()
        counts = ingest(store, pipeline, stream, progress=progress, engine=engine, address=address, workers=workers)
        seconds, cpu_seconds = clock.seconds, clock.cpu_seconds
        stories = store.stories()
        store.close()
    result = score([article.id for article in stream], gold, counts, stories)
    result.update(
        {
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds, 1),
            "articles_per_second": round(len(stream) / seconds, 2),
            "articles_per_cpu_second": round(len(stream) / cpu_seconds, 2),
        }
    )
    return result


def summarize_runs(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean, spread (largest minus smallest) and standard deviation of each score over the runs."""
    summary: dict[str, Any] = {}
    for key in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "ari", "stories"):
        values = np.array([run[key] for run in runs], dtype=np.float64)
        summary[key] = {
            "mean": round(float(values.mean()), 4),
            "spread": round(float(values.max() - values.min()), 4),
            "std": round(float(values.std()), 4),
        }
    strict = np.array([run["strict"]["bcubed_f1"] for run in runs], dtype=np.float64)
    summary["strict_bcubed_f1"] = {
        "mean": round(float(strict.mean()), 4),
        "spread": round(float(strict.max() - strict.min()), 4),
    }
    if "seeds_one_story_of_their_own" in runs[0]:
        summary["seeds_one_story_of_their_own"] = all(run["seeds_one_story_of_their_own"] for run in runs)
    return summary


def table(rows: Sequence[tuple[str, str, dict[str, Any]]]) -> str:
    """The markdown table of the run: one row per stream, method and order set (mean ± spread)."""
    lines = [
        "| stream | method | orders | articles | stories | B-cubed P | B-cubed R | B-cubed F1 | ARI | strict F1 |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stream, method, entry in rows:
        summary = entry["summary"]
        several = entry["orders"] > 1

        def cell(key: str, summary: dict[str, Any] = summary, several: bool = several) -> str:
            value = summary[key]
            return f"{value['mean']:.3f} ± {value['spread']:.3f}" if several else f"{value['mean']:.3f}"

        stories = summary["stories"]["mean"]
        lines.append(
            f"| {stream} | {method} | {entry['label']} | {entry['articles']:,} | {stories:,.0f} | "
            f"{cell('bcubed_precision')} | {cell('bcubed_recall')} | {cell('bcubed_f1')} | {cell('ari')} | "
            f"{cell('strict_bcubed_f1')} |"
        )
    return "\n".join(lines)


def plot(rows: Sequence[tuple[str, str, dict[str, Any]]], path: Path) -> None:
    """Bars of B-cubed precision, recall and F1 per stream and method (mean, spread as error bars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [row for row in rows if row[2]["orders"] > 1]
    figure, axis = plt.subplots(figsize=(max(6.0, 1.6 * len(shown)), 4))
    width = 0.27
    for offset, (key, label) in enumerate(
        (("bcubed_precision", "precision"), ("bcubed_recall", "recall"), ("bcubed_f1", "F1"))
    ):
        means = [row[2]["summary"][key]["mean"] for row in shown]
        spreads = [row[2]["summary"][key]["spread"] / 2 for row in shown]
        positions = [index + (offset - 1) * width for index in range(len(shown))]
        axis.bar(positions, means, width, yerr=spreads, label=label, capsize=3)
    axis.set_xticks(range(len(shown)))
    axis.set_xticklabels([f"{stream}\n{method}" for stream, method, _ in shown], fontsize=8)
    axis.set_ylim(0.5, 1.0)
    axis.set_ylabel("B-cubed (mean of arrival orders; bar: spread)")
    axis.legend(loc="lower right")
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def describe_key(pipeline: Pipeline, fingerprint: str) -> str:
    """What a cached description depends on: the data, the models, and the code that cleans, checks and describes."""
    import inspect

    from storyline.nlp import dates, embed, segment
    from storyline.sources import check, clean

    parts = [fingerprint, pipeline.config.spacy_model, pipeline.config.embedding_model]
    parts += [inspect.getsource(module) for module in (check, clean, dates, embed, segment)]
    parts += [
        inspect.getsource(function)
        for function in (cluster.describe, cluster.content_words, cluster.article_day, cluster._lead, describe_inputs)
    ]
    parts += [str(value) for value in (cluster.LEAD_WORDS, cluster.LEAD_CHARS, cluster.ARTICLE_WORDS)]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def describe_once(
    name: str, articles: Sequence[Article], pipeline: Pipeline, cache: Path | None
) -> tuple[list[Described], float]:
    """Every article cleaned, checked and described once (order does not matter), and the CPU seconds it took.

    With ``cache`` (a file), a description made before by the same code, models and data is read
    from it (the seconds are then those of the run that made it); else it is made and written there.
    """
    from tqdm import tqdm

    if cache is not None and cache.exists():
        with cache.open("rb") as handle:
            cached: tuple[list[Described], float] = pickle.load(handle)
        return cached
    described: list[Described] = []
    clock = Stopwatch()
    with tqdm(
        total=len(articles), desc=f"{name}: describe", unit="article", file=sys.stderr, disable=not sys.stderr.isatty()
    ) as bar:
        for start in range(0, len(articles), 256):
            part = articles[start : start + 256]
            described.extend(describe_inputs(pipeline, part))
            bar.update(len(part))
    seconds = clock.cpu_seconds
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("wb") as handle:
            pickle.dump((described, seconds), handle)
    return described, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED / "data", help="the folder of the evaluation data")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds", help="the seed articles (*.txt)")
    parser.add_argument("--sets", nargs="+", choices=["duc2004", "multinews"], default=["duc2004", "multinews"])
    parser.add_argument("--clusters", type=int, default=2000, help="Multi-News clusters to mix (default 2000)")
    parser.add_argument(
        "--split", choices=sorted(MULTINEWS_FILES), default="test", help="Multi-News split (tune on val only)"
    )
    parser.add_argument("--offset", type=int, default=0, help="Multi-News clusters of the split to pass over first")
    parser.add_argument("--orders", type=int, default=ORDERS, help=f"random arrival orders (default {ORDERS})")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS), help="grouping methods")
    parser.add_argument(
        "--speed-runs",
        type=int,
        default=1,
        help="real ingests per method on DUC 2004 (alternating, models and all) for articles/s; 0: none",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--no-cache", action="store_true", help="describe every article again (default: results/cache/ when valid)"
    )
    parser.add_argument("--describe-only", action="store_true", help="describe (and cache) the streams, then stop")
    parser.add_argument("--engine", choices=["local", "ray"], default="local", help="as storyline ingest --engine")
    parser.add_argument("--address", default=None, help="with --engine ray: the cluster (default: a local one)")
    parser.add_argument("--workers", type=int, default=None, help="with --engine ray: actors (default: one per CPU)")
    args = parser.parse_args(argv)
    missing = missing_data(args.data, args.seeds, args.sets, args.split)
    if missing:
        print(f"clustering: data missing ({', '.join(missing)}); pass --data / --seeds", file=sys.stderr)
        return 2
    base = Pipeline()
    if args.engine == "ray":
        # The cluster is started (or joined) before the clock starts, as the models are for the
        # local engine; the actors are made and load their models inside the timed ingest.
        import ray

        ray.init(address=args.address, num_cpus=args.workers if args.address is None else None)
    base.encoder.encode(["warm up"])  # load the models before any clock starts
    pipelines = {
        method: Pipeline(base.config.replace(clustering=method), encoder=base.encoder, nlp=base.nlp)
        for method in args.methods
    }
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, dict[str, Any]]] = []
    for name in args.sets:
        if name == "duc2004":
            articles, gold = load_duc(args.data, args.seeds)
            label = "DUC 2004 + seeds"
        else:
            articles, gold = load_multinews(args.data, args.clusters, split=args.split, offset=args.offset)
            label = f"Multi-News {args.split}, {args.clusters:,} clusters" + (
                f" from {args.offset}" if args.offset else ""
            )
        fingerprint = hashlib.sha1("\n".join(sorted(gold)).encode()).hexdigest()[:12]
        cache = (
            None if args.no_cache else args.out / "cache" / f"clustering-{name}-{describe_key(base, fingerprint)}.pkl"
        )
        described, describe_cpu = describe_once(name, articles, base, cache)
        if args.describe_only:
            print(f"{name}: {len(described)} articles described ({describe_cpu:.0f} CPU s)", flush=True)
            continue
        orders = [f"seed:{number}" for number in range(args.orders)]
        dated = any(item.day is not None for item in described)
        result: dict[str, Any] = {
            "set": name,
            "articles": len(articles),
            "gold_clusters": len(set(gold.values())),
            "describe_cpu_seconds": round(describe_cpu, 1),
            "methods": {},
        }
        for method in args.methods:
            runs = {}
            for order in [*orders, *(["published"] if dated else [])]:
                run = runs[order] = replay(described, gold, pipelines[method], order)
                print(
                    f"{name} {method} {order}: P {run['bcubed_precision']:.3f} R {run['bcubed_recall']:.3f} "
                    f"F1 {run['bcubed_f1']:.3f} ({run['stories']} stories, "
                    f"{run['merged']} merged, {run['split']} split)",
                    file=sys.stderr,
                    flush=True,
                )
            entry = {
                "label": f"{len(orders)} random",
                "orders": len(orders),
                "articles": len(articles),
                "summary": summarize_runs([runs[order] for order in orders]),
                "runs": runs,
            }
            result["methods"][method] = entry
            rows.append((label, method, entry))
            if dated:
                rows.append(
                    (
                        label,
                        method,
                        {**entry, "label": "publication", "orders": 1, "summary": summarize_runs([runs["published"]])},
                    )
                )
        if name == "duc2004" and args.speed_runs > 0:
            # Side by side, in one run: each method ingests the same stream for real (cleaning, the
            # models, the store), alternating, each into a fresh database; the replays above must
            # give the same stories as these real ingests of the same order.
            speed: dict[str, list[dict[str, Any]]] = {method: [] for method in args.methods}
            for _ in range(args.speed_runs):
                for method in args.methods:
                    speed[method].append(
                        real_ingest(
                            name,
                            articles,
                            gold,
                            pipelines[method],
                            orders[0],
                            engine=args.engine,
                            address=args.address,
                            workers=args.workers,
                        )
                    )
            result["speed"] = {
                method: {
                    "articles_per_second": [run["articles_per_second"] for run in runs],
                    "articles_per_cpu_second": [run["articles_per_cpu_second"] for run in runs],
                    "seconds": [run["seconds"] for run in runs],
                    "cpu_seconds": [run["cpu_seconds"] for run in runs],
                    "replay_gives_the_same_stories": all(
                        run["assignments"] == result["methods"][method]["runs"][orders[0]]["assignments"]
                        for run in runs
                    ),
                }
                for method, runs in speed.items()
            }
        for entry in result["methods"].values():
            for run in entry["runs"].values():
                run.pop("assignments")
        result.update(
            {
                "code_version": code_version(),
                "engine": args.engine,
                "data_fingerprint": fingerprint,
                "multinews_clusters": args.clusters if name == "multinews" else None,
                "multinews_split": args.split if name == "multinews" else None,
                "multinews_offset": args.offset if name == "multinews" else None,
                "constants": {
                    key: getattr(cluster, key)
                    for key in (
                        "LINK_THRESHOLD",
                        "JOIN_THRESHOLD",
                        "UNDATED_JOIN_THRESHOLD",
                        "ENTITY_WEIGHT",
                        "WORD_WEIGHT",
                        "GRACE_DAYS",
                        "PENALTY_PER_WEEK",
                        "LEAD_WORDS",
                        "CANDIDATES",
                        "MEMBERS_KEPT",
                        "WORD_MEMBERS",
                    )
                }
                | {
                    key: getattr(revisit, key)
                    for key in ("MERGE_THRESHOLD", "SPLIT_THRESHOLD", "MIN_SPLIT", "MERGE_CANDIDATES")
                },
            }
        )
        stem = f"clustering-{name}" + ("-val" if name == "multinews" and args.split == "val" else "")
        stem += f"-from{args.offset}" if name == "multinews" and args.offset else ""
        stem += "-ray" if args.engine == "ray" else ""
        (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        if "speed" in result:
            for method, figures in result["speed"].items():
                wall = ", ".join(f"{value:.2f}" for value in figures["articles_per_second"])
                cpu = ", ".join(f"{value:.2f}" for value in figures["articles_per_cpu_second"])
                print(
                    f"{name} {method}: {wall} articles/s ({cpu} per CPU second); "
                    f"replay gives the same stories: {figures['replay_gives_the_same_stories']}",
                    flush=True,
                )
    if not rows:
        return 0
    print(table(rows), flush=True)
    (args.out / "clustering-table.md").write_text(table(rows) + "\n", encoding="utf-8")
    plot(rows, args.out / "clustering.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
