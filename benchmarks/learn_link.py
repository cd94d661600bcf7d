"""Fit the learned link of clustering "link.v1" on Multi-News val and write it into the package.

    python -m benchmarks.learn_link [--offset 2000] [--clusters 3622] [--orders 2] [--seed 0]

What it learns: whether an article belongs to a story, from what ``StoryIndex.link_features``
measures of the two (closest members' lead-vector cosines, rarity-weighted content words, the
story's words and names, its size, how much the article has). The pairs come from streams of
Multi-News **validation** clusters ``offset .. offset + clusters`` (default 2000 .. 5621), each
article placed, in a random arrival order, against the stories its gold clusters have formed so
far: the story of its own cluster is a positive pair (when it is among the candidates), every
other candidate a negative one. The candidates are the nearest stories by centroid, as when
ingesting, so most negatives are hard ones: stories of the same topic and another event. Each
stream is replayed ``--orders`` times (seeded), for more pairs.

The fit: a logistic regression on standardised features (scikit-learn, fixed seed) on the pairs
of four clusters in five; then an isotonic calibration of its raw score on the pairs of the fifth
(held out of the fit), kept as at most 64 knots, so that the score is a probability. The
reliability of the calibrated probability is printed and written with the model, on the held-out
fifth and on pairs of val clusters 0 .. 1999 (never in the fit or the calibration: the clusters
the thresholds are chosen on). Multi-News has no dates and no outlets, so the link has no feature
for either: the time rule stays v2's, on top (``StoryIndex.place_linked``).

Multi-News test and DUC 2004 are never read here. Descriptions are cached in results/cache/
(about 25 minutes for 3,600 clusters on a quiet 2-core machine). Writes
src/storyline/weights/story-link.v1.json and results/learn-link.json.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import pickle
import random
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.clustering import MULTINEWS_FILES, load_multinews
from benchmarks.common import REPO, RESULTS, SHARED
from storyline.pipeline import Pipeline
from storyline.stories.index import StoryIndex
from storyline.stories.link import LINK_FEATURES, LINK_MODEL
from storyline.stories.service import Described, describe_inputs
from storyline.text import fingerprint

WEIGHTS = REPO / "src" / "storyline" / "weights"
#: Knots kept of the isotonic calibration (a step function; interpolated between knots).
KNOTS = 64
#: Bins of the reliability table.
BINS = 10

Pairs = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]


def described_stream(pipeline: Pipeline, data: Path, clusters: int, offset: int, cache: Path) -> list[Described]:
    """Every document of val clusters ``offset .. offset + clusters``, described (cached)."""
    path = cache / f"link-val-{offset}-{clusters}.pkl"
    if path.exists():
        with path.open("rb") as handle:
            cached: list[Described] = pickle.load(handle)
        return cached
    articles, _ = load_multinews(data, clusters, split="val", offset=offset)
    from tqdm import tqdm

    described: list[Described] = []
    with tqdm(total=len(articles), desc=f"describe val {offset}+{clusters}", unit="article", file=sys.stderr) as bar:
        for start in range(0, len(articles), 256):
            part = articles[start : start + 256]
            described.extend(describe_inputs(pipeline, part))
            bar.update(len(part))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(described, handle)
    return described


def cluster_of(article_id: str) -> str:
    """The gold cluster of a Multi-News document id ("<cluster>-<document>")."""
    return article_id.rsplit("-", 1)[0]


def oracle_pairs(described: Sequence[Described], seed: int) -> Pairs:
    """(features, label, cluster number) of every article-candidate pair of one arrival order.

    Each article is placed against the stories its predecessors' gold clusters formed, as the
    store would see them (exact copies left out, undated articles dated by the day they arrive);
    then it joins its own cluster's story.
    """
    stream = [item for item in described if item.usable is not None and item.signal is not None]
    random.Random(seed).shuffle(stream)
    today = datetime.now(UTC).date()
    index = StoryIndex()
    story_of: dict[str, int] = {}
    seen: set[str] = set()
    rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[int] = []
    for item in stream:
        assert item.usable is not None and item.signal is not None
        key = fingerprint(item.usable.text)
        if key in seen:
            continue
        seen.add(key)
        signal = item.signal if item.signal.dated else replace(item.signal, day=today, undated=True)
        cluster = cluster_of(item.usable.id)
        own = story_of.get(cluster)
        for story, similarity in index.candidates(signal):
            rows.append(index.link_features(signal, story, similarity))
            labels.append(int(story.id == own))
            groups.append(int(cluster))
        if own is None:
            own = story_of[cluster] = len(story_of) + 1
        index.add(signal, own)
    return np.asarray(rows, dtype=np.float64), np.asarray(labels), np.asarray(groups)


def isotonic_knots(raw: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> tuple[list[float], list[float]]:
    """Isotonic regression of the labels on the raw score, as at most KNOTS (score, probability) knots."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, labels)
    xs = np.asarray(iso.X_thresholds_, dtype=np.float64)
    ys = np.asarray(iso.y_thresholds_, dtype=np.float64)
    if len(xs) > KNOTS:
        keep = np.unique(np.linspace(0, len(xs) - 1, KNOTS).round().astype(int))
        xs, ys = xs[keep], ys[keep]
    return [round(float(x), 6) for x in xs], [round(float(y), 6) for y in ys]


def reliability(probabilities: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
    """Per bin of predicted probability: pairs, mean predicted, share that belong together."""
    table = []
    edges = np.linspace(0.0, 1.0, BINS + 1)
    for low, high in itertools.pairwise(edges):
        inside = (probabilities >= low) & ((probabilities < high) if high < 1.0 else (probabilities <= high))
        if inside.any():
            table.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "pairs": int(inside.sum()),
                    "predicted": round(float(probabilities[inside].mean()), 3),
                    "observed": round(float(labels[inside].mean()), 3),
                }
            )
    return table


def print_reliability(title: str, table: Sequence[dict[str, Any]]) -> None:
    print(f"\n{title}\n| predicted | pairs | mean predicted | observed |\n|---|---:|---:|---:|")
    for row in table:
        print(f"| {row['bin']} | {row['pairs']:,} | {row['predicted']:.3f} | {row['observed']:.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED / "data")
    parser.add_argument("--offset", type=int, default=2000, help="first val cluster to train on (default 2000)")
    parser.add_argument("--clusters", type=int, default=3622, help="val clusters to train on (default 3622)")
    parser.add_argument("--check-offset", type=int, default=0, help="first val cluster of the reliability check")
    parser.add_argument("--check-clusters", type=int, default=2000, help="val clusters of the check (0: none)")
    parser.add_argument("--orders", type=int, default=2, help="arrival orders replayed per stream (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--weights", type=Path, default=WEIGHTS / f"{LINK_MODEL}.json")
    args = parser.parse_args(argv)
    source = args.data / "multi_news_plus" / MULTINEWS_FILES["val"]
    if not source.exists():
        print(f"learn_link: {source} is missing; pass --data", file=sys.stderr)
        return 2
    checked_range = range(args.check_offset, args.check_offset + args.check_clusters)
    if set(checked_range) & set(range(args.offset, args.offset + args.clusters)):
        print("learn_link: the check clusters must not be training clusters", file=sys.stderr)
        return 2
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score

    pipeline = Pipeline()
    cache = args.out / "cache"
    train = described_stream(pipeline, args.data, args.clusters, args.offset, cache)
    parts = [oracle_pairs(train, args.seed + order) for order in range(args.orders)]
    features = np.vstack([part[0] for part in parts])
    labels = np.concatenate([part[1] for part in parts])
    groups = np.concatenate([part[2] for part in parts])
    # Four clusters in five fit the regression, the fifth calibrates it (by cluster: no article's
    # pairs on both sides).
    fifth = np.array([int(hashlib.sha1(str(group).encode()).hexdigest(), 16) % 5 == 0 for group in groups])
    mean = features[~fifth].mean(axis=0)
    scale = features[~fifth].std(axis=0)
    scale[scale == 0] = 1.0
    regression = LogisticRegression(C=1.0, max_iter=2000, random_state=args.seed)
    regression.fit((features[~fifth] - mean) / scale, labels[~fifth])
    coef = regression.coef_[0]
    intercept = float(regression.intercept_[0])

    def raw_of(rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(((rows - mean) / scale) @ coef + intercept, dtype=np.float64)

    knots, probabilities = isotonic_knots(raw_of(features[fifth]), labels[fifth])

    def calibrated(rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(np.interp(raw_of(rows), knots, probabilities))

    held = calibrated(features[fifth])
    report: dict[str, Any] = {
        "pairs": len(labels),
        "positive_pairs": int(labels.sum()),
        "fit_pairs": int((~fifth).sum()),
        "calibration_pairs": int(fifth.sum()),
        "held_out_fifth": {
            "auc": round(float(roc_auc_score(labels[fifth], held)), 4),
            "log_loss": round(float(log_loss(labels[fifth], np.clip(held, 1e-6, 1 - 1e-6))), 4),
            "reliability": reliability(held, labels[fifth]),
        },
    }
    check_name = f"val_{args.check_offset}_{args.check_offset + args.check_clusters - 1}"
    if args.check_clusters:
        check = described_stream(pipeline, args.data, args.check_clusters, args.check_offset, cache)
        check_features, check_labels, _ = oracle_pairs(check, args.seed)
        checked = calibrated(check_features)
        report[check_name] = {
            "pairs": len(check_labels),
            "auc": round(float(roc_auc_score(check_labels, checked)), 4),
            "log_loss": round(float(log_loss(check_labels, np.clip(checked, 1e-6, 1 - 1e-6))), 4),
            "reliability": reliability(checked, check_labels),
        }
    model = {
        "name": LINK_MODEL,
        "trained_on": (
            f"Multi-News val clusters {args.offset}..{args.offset + args.clusters - 1} (val.jsonl.gz), "
            f"{args.orders} seeded arrival orders; calibrated on a fifth of those clusters held out of the fit"
        ),
        "script": f"python -m benchmarks.learn_link --offset {args.offset} --clusters {args.clusters} "
        f"--orders {args.orders} --seed {args.seed}",
        "data_fingerprint": hashlib.sha1("\n".join(sorted(item.article.id for item in train)).encode()).hexdigest()[
            :16
        ],
        "label": "1 when the candidate story is the one of the article's own gold cluster",
        "features": list(LINK_FEATURES),
        "mean": [round(float(value), 6) for value in mean],
        "scale": [round(float(value), 6) for value in scale],
        "coef": [round(float(value), 6) for value in coef],
        "intercept": round(intercept, 6),
        "calibration": {"method": "isotonic", "knots": knots, "probabilities": probabilities},
        "report": report,
    }
    args.weights.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "learn-link.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"{report['pairs']:,} pairs ({report['positive_pairs']:,} positive); "
        f"held-out fifth AUC {report['held_out_fifth']['auc']}, log loss {report['held_out_fifth']['log_loss']}"
    )
    print_reliability("Reliability, held-out fifth of the training clusters", report["held_out_fifth"]["reliability"])
    if check_name in report:
        print(f"{check_name}: AUC {report[check_name]['auc']}, log loss {report[check_name]['log_loss']}")
        print_reliability(
            f"Reliability, val clusters {checked_range.start}..{checked_range.stop - 1} (not trained on)",
            report[check_name]["reliability"],
        )
    print(f"\nwrote {args.weights}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
