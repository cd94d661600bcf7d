"""How well ``storyline ingest`` groups a shuffled stream of articles into stories (issue 5).

Two streams, each ingested article by article (in batches, as the CLI does) into a fresh story
database through :func:`storyline.stories.ingest`, the code path of ``storyline ingest``:

- ``duc2004``: all 500 DUC 2004 task 2 documents (gold: their 50 clusters), each dated by its
  document id (APW19981016.0240 -> 1998-10-16), with the three seed articles of ../shared/seeds
  (gold: a cluster of their own), shuffled;
- ``multinews``: every document of N (default 2,000) Multi-News clusters (gold: their cluster),
  shuffled; they have no dates. ``--split test`` (the default, the reported figure) takes the
  first N test clusters; ``--split val`` takes validation clusters, from ``--offset`` on: the set to
  tune on (Multi-News test is never tuned on).

Every input document is scored: one that is stored by the story it is in; one that is not stored
(the checks skip it as not an article, or it repeats a stored article word for word) as a story
of its own. A strict score beside it counts each exact duplicate in the story of the article it
repeats (DUC 2004 has the same document in two clusters a few times; Multi-News repeats page
furniture across hundreds of clusters). Reports B-cubed precision/recall/F1, the adjusted Rand
index, articles per second (reading excluded, models loaded before the clock starts) and whether
the seeds come out as one story of their own. Writes JSON to results/clustering-<set>.json and
the per-document labels to results/clustering-<set>-assignments.json.

    python -m benchmarks.clustering [--sets duc2004 multinews] [--clusters 2000] [--seed 0]
        [--split test|val] [--offset 0] [--engine local|ray] [--address ADDR] [--workers K]

With ``--engine ray`` the cleaning and describing run on Ray actors as with ``storyline ingest
--engine ray`` (the cluster is started before the clock, the actors' model loading is timed),
and the results go to clustering-<set>-ray*.json; with ``--split val`` to clustering-multinews-val*.json.

Exit codes: 0 done; 2 the data of a chosen set is missing (one line names the files; pass
``--data`` / ``--seeds``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, SHARED, Stopwatch, code_version, read_jsonl
from storyline.pipeline import Pipeline
from storyline.runners import Engine
from storyline.sources.read import read
from storyline.stories import index as cluster
from storyline.stories import ingest
from storyline.stories.db import Store
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


def run(
    name: str,
    articles: list[Article],
    gold: dict[str, str],
    pipeline: Pipeline,
    seed: int,
    *,
    engine: Engine = "local",
    address: str | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    stream = list(articles)
    random.Random(seed).shuffle(stream)
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
        seconds = clock.seconds
        stories = store.stories()
        store.close()
    stored: dict[str, object] = {}
    for row in stories:
        for article_id in row.articles:
            stored[article_id] = row.id
    repeats = {r.article_id: r.story for r in counts.results if r.article_id not in stored and r.story is not None}
    unplaced = [article.id for article in stream if article.id not in stored and article.id not in repeats]
    # Primary scoring: what is not stored is in no story (a story of its own): the checks'
    # rejects and exact duplicates. Strict scoring: an exact duplicate counts in the story of the
    # article it repeats (Multi-News repeats page furniture, such as a Twitter location notice 88
    # times, across hundreds of clusters, and that one story then holds them all).
    predicted: dict[str, object] = dict(stored)
    for article_id in [*unplaced, *repeats]:
        predicted[article_id] = f"alone:{article_id}"
    strict: dict[str, object] = {**predicted, **repeats}
    precision, recall, f1 = bcubed(predicted, gold)
    strict_precision, strict_recall, strict_f1 = bcubed(strict, gold)
    result: dict[str, Any] = {
        "set": name,
        "articles": len(stream),
        "gold_clusters": len(set(gold.values())),
        "stories": len(stories),
        "stored": counts.added,
        "near_duplicates": counts.near_duplicates,
        "exact_duplicates": len(repeats),
        "skipped": len(unplaced),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "ari": round(adjusted_rand(predicted, gold), 4),
        "strict_duplicates_in_story": {
            "bcubed_precision": round(strict_precision, 4),
            "bcubed_recall": round(strict_recall, 4),
            "bcubed_f1": round(strict_f1, 4),
            "ari": round(adjusted_rand(strict, gold), 4),
        },
        "seconds": round(seconds, 1),
        "articles_per_second": round(len(stream) / seconds, 2),
    }
    seeds = [article_id for article_id, label in gold.items() if label == "seeds"]
    if seeds:
        seed_stories = {predicted[article_id] for article_id in seeds}
        members = [article_id for article_id, story in predicted.items() if story in seed_stories]
        result["seeds_one_story_of_their_own"] = len(seed_stories) == 1 and len(members) == len(seeds)
        result["seed_story_members"] = sorted(members)
    result["assignments"] = {article_id: str(story) for article_id, story in sorted(strict.items())}
    return result


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
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--engine", choices=["local", "ray"], default="local", help="as storyline ingest --engine")
    parser.add_argument("--address", default=None, help="with --engine ray: the cluster (default: a local one)")
    parser.add_argument("--workers", type=int, default=None, help="with --engine ray: actors (default: one per CPU)")
    args = parser.parse_args(argv)
    missing = missing_data(args.data, args.seeds, args.sets, args.split)
    if missing:
        print(f"clustering: data missing ({', '.join(missing)}); pass --data / --seeds", file=sys.stderr)
        return 2
    pipeline = Pipeline()
    if args.engine == "ray":
        # The cluster is started (or joined) before the clock starts, as the models are for the
        # local engine; the actors are made and load their models inside the timed ingest.
        import ray

        ray.init(address=args.address, num_cpus=args.workers if args.address is None else None)
    else:
        pipeline.encoder.encode(["warm up"])  # load the models before the clock starts
        _ = pipeline.nlp
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.sets:
        if name == "duc2004":
            articles, gold = load_duc(args.data, args.seeds)
        else:
            articles, gold = load_multinews(args.data, args.clusters, split=args.split, offset=args.offset)
        fingerprint = hashlib.sha1("\n".join(sorted(gold)).encode()).hexdigest()[:12]
        result = run(
            name, articles, gold, pipeline, args.seed, engine=args.engine, address=args.address, workers=args.workers
        )
        result.update(
            {
                "code_version": code_version(),
                "engine": args.engine,
                "workers": args.workers,
                "data_fingerprint": fingerprint,
                "shuffle_seed": args.seed,
                "multinews_clusters": args.clusters if name == "multinews" else None,
                "multinews_split": args.split if name == "multinews" else None,
                "multinews_offset": args.offset if name == "multinews" else None,
                "constants": {
                    key: getattr(cluster, key)
                    for key in (
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
                },
            }
        )
        stem = f"clustering-{name}" + ("-val" if name == "multinews" and args.split == "val" else "")
        stem += f"-from{args.offset}" if name == "multinews" and args.offset else ""
        stem += "-ray" if args.engine == "ray" else ""
        path = args.out / f"{stem}.json"
        assignments = result.pop("assignments")
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        labels = {"gold": gold, "story": assignments}
        (args.out / f"{stem}-assignments.json").write_text(json.dumps(labels) + "\n", encoding="utf-8")
        summary = {k: v for k, v in result.items() if k not in ("seed_story_members", "constants")}
        print(json.dumps(summary), flush=True)
        if not math.isfinite(result["bcubed_f1"]):
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
