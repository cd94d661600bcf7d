"""Precision of the contradiction judge on a labelled set we own, and its precision/recall curve.

    python -m benchmarks.judge_precision [--data ../shared/data] [--labels benchmarks/judge_labels.tsv]
        [--recall results/contradictions-test.json] [--dump FILE] [--out results]

The labelled set: every candidate contradiction ``compare`` reads (at the judge's threshold and
below it, as ``--all-differences`` lists them) on

- the *held-out half*: the unaltered clusters of ``benchmarks/contradictions.py --split test`` (the
  odd DUC 2004 and LongBench clusters), which no training and no threshold setting reads; and
- *50 more*: the 25 DUC 2004 clusters of the other half and 25 of its 100 LongBench clusters (a
  seeded sample). DUC 2004 and LongBench hold no clusters outside the benchmark's two halves; the
  even half was where the rules were set before the judge, and the judge never reads it either.

Each candidate is one sentence pair (for a quotation, the two quoted passages) and one kind of
value, labelled by hand in ``benchmarks/judge_labels.tsv`` as right (the two state one fact and give
it differently) or wrong, with a one-line reason. The table holds ids, offsets, the differing words
and our reasons, no article text.

``--dump FILE`` writes every candidate with the sentences around it (for labelling; keep the file out
of the repository: it quotes the articles). Without it: precision at every threshold with its 95%
Wilson interval, on each part and on both, and, with ``--recall``, the injected recall of the held-out
half at each threshold (from the JSON of ``contradictions.py --split test``, which records every
alteration's best confidence); writes results/judge-precision.json, .md and the curve as
results/judge-pr.png. Exit codes: 0 done; 1 candidates without a label (listed); 2 data missing.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, RESULTS, Stopwatch, code_version, read_jsonl
from benchmarks.contradictions import DATASETS, DEFAULT_DATA, load_clusters
from storyline import Article, Config, Pipeline
from storyline.align import align
from storyline.compare import Candidate, candidates, load_judge
from storyline.compare.judge import FEATURES
from storyline.nlp.dates import find_dateline
from storyline.nlp.segment import segment_many
from storyline.types import Citation, Document

DEFAULT_LABELS = REPO / "benchmarks" / "judge_labels.tsv"
#: LongBench clusters of the even half in the "50 more" part (with all 25 DUC 2004 ones of that half).
MORE_LONGBENCH = 25
SEED = 0
LABEL_FIELDS = ("part", "dataset", "cluster", "kind", "span_a", "span_b", "side_a", "side_b", "label", "reason")


@dataclass(frozen=True)
class Row:
    """One labelled candidate (or one to label)."""

    part: str  # "held-out" or "more"
    dataset: str
    cluster: str
    kind: str
    span_a: str  # "article:start-end"
    span_b: str
    side_a: str
    side_b: str
    evidence: tuple[float, ...]  # in the order of judge.FEATURES

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.dataset, self.cluster, self.kind, self.span_a, self.span_b)


def span_id(citation: Citation) -> str:
    return f"{citation.article}:{citation.start}-{citation.end}"


def labelled_clusters(data: Path) -> list[tuple[str, str, str, list[Article]]]:
    """(part, dataset, cluster id, articles) of every cluster of the labelled set."""
    chosen: list[tuple[str, str, str, list[Article]]] = []
    for name in ("duc2004", "longbench"):
        clusters = load_clusters(name, data / DATASETS[name])
        odd = [c for index, c in enumerate(clusters) if index % 2 == 1]
        even = [c for index, c in enumerate(clusters) if index % 2 == 0]
        if name == "longbench":
            even = random.Random(SEED).sample(even, MORE_LONGBENCH)
        chosen += [("held-out", name, cluster_id, articles) for cluster_id, articles in odd]
        chosen += [("more", name, cluster_id, articles) for cluster_id, articles in even]
    # The held-out half first: it is what the targets are read on, should a run be cut short.
    return sorted(chosen, key=lambda item: item[0] != "held-out")


def cluster_candidates(
    pipeline: Pipeline, articles: list[Article]
) -> tuple[list[Document], tuple[Candidate, ...]] | None:
    """The cluster's documents and candidates, staged as ``Pipeline.compare`` stages them."""
    usable = pipeline.prepare(articles, on_error="skip")
    if len(usable) < 2:
        return None
    datelines = {a.id: day for a in articles if not a.published and (day := find_dateline(a.text)) is not None}
    datelines = {key: value for key, value in datelines.items() if key in {a.id for a in usable}}
    documents = segment_many(usable, pipeline.nlp)
    texts = [sentence.text for document in documents for sentence in document.sentences]
    vectors = pipeline.encoder.encode(texts)
    return documents, candidates(align(documents, vectors), vectors, datelines=datelines)


def read_cache(path: Path | None) -> dict[tuple[str, str], list[Row]]:
    """The candidates of the clusters a --candidates file holds ((dataset, cluster) -> rows)."""
    if path is None or not path.is_file():
        return {}
    return {
        (record["dataset"], record["cluster"]): [
            Row(**{**row, "evidence": tuple(row["evidence"])}) for row in record["rows"]
        ]
        for record in read_jsonl(path)
    }


def collect(
    data: Path, progress: bool, cache: Path | None = None
) -> tuple[list[Row], dict[tuple[str, str], list[Document]]]:
    """Every candidate of the labelled clusters. With ``cache``, the clusters it holds are read from it
    and each cluster compared is appended to it as it is done (a cut run resumes where it stopped)."""
    done = read_cache(cache)
    pipeline = Pipeline(Config())
    rows: list[Row] = [row for found in done.values() for row in found]
    documents_of: dict[tuple[str, str], list[Document]] = {}
    clusters = labelled_clusters(data)
    for number, (part, dataset, cluster_id, articles) in enumerate(clusters, start=1):
        if (dataset, cluster_id) in done:
            continue
        staged = cluster_candidates(pipeline, articles)
        found = staged[1] if staged is not None else ()
        if staged is not None:
            documents_of[(dataset, cluster_id)] = staged[0]
        these: list[Row] = []
        for candidate in found:
            these.append(
                Row(
                    part,
                    dataset,
                    cluster_id,
                    candidate.kind,
                    span_id(candidate.spans[0]),
                    span_id(candidate.spans[1]),
                    candidate.sides[0],
                    candidate.sides[1],
                    tuple(candidate.evidence[name] for name in FEATURES),
                )
            )
        rows += these
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            record = {"dataset": dataset, "cluster": cluster_id, "rows": [dataclasses.asdict(row) for row in these]}
            with cache.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
        if progress:
            print(f"{number}/{len(clusters)} {dataset} {cluster_id}: {len(found)} candidates", file=sys.stderr)
    return rows, documents_of


def _around(documents: Sequence[Document], span: str) -> str:
    """The sentence of a span with the one before and after it, and the article's date."""
    article_id, _, offsets = span.rpartition(":")
    start = int(offsets.split("-")[0])
    for document in documents:
        if document.article.id != article_id:
            continue
        sentences = document.sentences
        for index, sentence in enumerate(sentences):
            if sentence.start <= start < sentence.end or (index + 1 == len(sentences)):
                before = sentences[index - 1].text if index else ""
                after = sentences[index + 1].text if index + 1 < len(sentences) else ""
                dated = f" ({document.article.published})" if document.article.published else ""
                return f"[{article_id}{dated} s{index}] ... {before} >>> {sentence.text} <<< {after}"
    return f"[{span}] not found"


def dump(path: Path, rows: list[Row], documents_of: dict[tuple[str, str], list[Document]]) -> None:
    lines = []
    for number, row in enumerate(rows, start=1):
        documents = documents_of[(row.dataset, row.cluster)]
        lines += [
            f"## {number}. {row.part} {row.dataset} {row.cluster} {row.kind} {row.span_a} {row.span_b}",
            f"sides: {row.side_a!r} / {row.side_b!r}",
            "A: " + _around(documents, row.span_a),
            "B: " + _around(documents, row.span_b),
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


@dataclass(frozen=True)
class Label:
    """One line of the label table."""

    key: tuple[str, str, str, str, str]
    sides: frozenset[str]  # the two differing values
    right: bool
    reason: str


def read_labels(path: Path) -> dict[tuple[str, str, str, str, str], Label]:
    labels: dict[tuple[str, str, str, str, str], Label] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle, delimiter="\t"):
            if record["label"] not in ("right", "wrong"):
                raise ValueError(f"{path}: label must be right or wrong, got {record['label']!r}")
            key = (record["dataset"], record["cluster"], record["kind"], record["span_a"], record["span_b"])
            labels[key] = Label(
                key, frozenset((record["side_a"], record["side_b"])), record["label"] == "right", record["reason"]
            )
    return labels


def _span(span: str) -> tuple[str, int, int]:
    article, bounds = span.rsplit(":", 1)
    start, end = bounds.split("-")
    return article, int(start), int(end)


def _overlap(one: str, other: str) -> bool:
    a, start_a, end_a = _span(one)
    b, start_b, end_b = _span(other)
    return a == b and min(end_a, end_b) > max(start_a, start_b)


def find_label(row: Row, labels: dict[tuple[str, str, str, str, str], Label]) -> tuple[Label | None, bool]:
    """The label of a candidate, and whether it was found by its exact spans.

    Exact spans first. Failing that, the one label of the same cluster and kind whose two spans overlap
    the candidate's (in the same two articles, either way round) and that names the same two values:
    the same pair of sentences judged before, whose bounds moved when segmentation changed (the labels
    were made at 6a85aba; reading and cleaning have changed since). Two such labels, or none: unlabelled.
    """
    exact = labels.get(row.key)
    if exact is not None:
        return exact, True
    sides = frozenset((row.side_a, row.side_b))
    near = [
        label
        for label in labels.values()
        if label.key[:3] == row.key[:3]
        and label.sides == sides
        and (
            (_overlap(label.key[3], row.span_a) and _overlap(label.key[4], row.span_b))
            or (_overlap(label.key[3], row.span_b) and _overlap(label.key[4], row.span_a))
        )
    ]
    return (near[0], False) if len(near) == 1 else (None, False)


def wilson(right: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (Wilson 1927)."""
    if total == 0:
        return (0.0, 1.0)
    share = right / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    scale = 1 + z * z / total
    return ((centre - spread) / scale, (centre + spread) / scale)


def precision_at(rows: Iterable[tuple[float, bool]], threshold: float) -> dict[str, Any]:
    reported = [right for confidence, right in rows if confidence >= threshold]
    right = sum(reported)
    low, high = wilson(right, len(reported))
    return {
        "threshold": threshold,
        "reported": len(reported),
        "right": right,
        "precision": round(right / len(reported), 3) if reported else None,
        "wilson95": [round(low, 3), round(high, 3)],
    }


def recall_at(alterations: list[dict[str, Any]], threshold: float) -> float | None:
    if not alterations:
        return None
    # an alteration no candidate cited has confidence None: missed at every threshold, 0 included
    return sum(1 for a in alterations if a.get("confidence") is not None and a["confidence"] >= threshold) / len(
        alterations
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--recall", type=Path, default=None, help="JSON of contradictions.py --split test")
    parser.add_argument("--dump", type=Path, default=None, help="write the candidates to label here and stop")
    parser.add_argument(
        "--candidates",
        type=Path,
        default=None,
        help="keep each cluster's candidates and their evidence in this JSON Lines file (ids, offsets, differing "
        "words and numbers only) and read the clusters it holds from it: another judge is scored, or a cut run "
        "resumed, without comparing them again",
    )
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="score only the clusters --candidates holds (a partial run; the output says how many)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    missing = [str(args.data / path) for path in DATASETS.values() if not (args.data / path).is_file()]
    if missing:
        print(f"judge_precision: data missing ({', '.join(missing)}); pass --data", file=sys.stderr)
        return 2
    clock = Stopwatch()
    if args.cached_only:
        cached = read_cache(args.candidates)
        rows, documents_of = [row for found in cached.values() for row in found], {}
    else:
        rows, documents_of = collect(args.data, progress=True, cache=None if args.dump else args.candidates)
    covered = {(part, dataset, cluster) for part, dataset, cluster, _ in labelled_clusters(args.data)}
    if args.cached_only:
        covered = {item for item in covered if (item[1], item[2]) in cached}
    if args.dump:
        dump(args.dump, rows, documents_of)
        print(f"{len(rows)} candidates written to {args.dump}", file=sys.stderr)
        return 0
    labels = read_labels(args.labels)
    found = {row: find_label(row, labels) for row in rows}
    label_of = {row: label for row, (label, _) in found.items() if label is not None}
    moved = sum(1 for label, exact in found.values() if label is not None and not exact)
    unlabelled = [row for row in rows if row not in label_of]
    for row in unlabelled:
        print(
            f"unlabelled: {row.dataset} {row.cluster} {row.kind} {row.span_a} {row.span_b} "
            f"{row.side_a!r} / {row.side_b!r}",
            file=sys.stderr,
        )
    judge = load_judge()
    evidence = [dict(zip(FEATURES, row.evidence, strict=True)) for row in rows]
    confidence = dict(zip(rows, judge.confidences(evidence), strict=True))
    scored = {
        part: [(confidence[row], label_of[row].right) for row in rows if row in label_of and part in (row.part, "both")]
        for part in ("held-out", "more", "both")
    }
    thresholds = sorted({round(x / 20, 2) for x in range(20)} | {judge.threshold})
    recall_rows: list[dict[str, Any]] = []
    if args.recall:
        results = json.loads(args.recall.read_text(encoding="utf-8"))
        recall_rows = [a for result in results["results"].values() for a in result["alterations"]]
    curve = [
        {
            "threshold": threshold,
            **{part: precision_at(scored[part], threshold) for part in scored},
            "injected_recall": recall_at(recall_rows, threshold),
        }
        for threshold in thresholds
    ]
    default = next(point for point in curve if point["threshold"] == judge.threshold)
    output = {
        "code_version": code_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "judge": {"version": judge.version, "threshold": judge.threshold},
        "labels": str(args.labels.relative_to(REPO) if args.labels.is_relative_to(REPO) else args.labels),
        "candidates": len(rows),
        "labelled": len(rows) - len(unlabelled),
        "labelled_by_moved_spans": moved,
        "unlabelled": len(unlabelled),
        "by_part": {part: len(scored[part]) for part in scored},
        "clusters": {part: sum(1 for item in covered if item[0] == part) for part in ("held-out", "more")},
        "at_default_threshold": default,
        "curve": curve,
        "seconds": round(clock.seconds, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "judge-precision.json").write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")
    markdown = table(curve, judge.threshold)
    (args.out / "judge-precision.md").write_text(markdown, encoding="utf-8")
    plot(curve, judge.threshold, args.out / "judge-pr.png")
    print(markdown)
    print(
        f"{len(rows)} candidates: {len(rows) - len(unlabelled) - moved} labelled by their spans, {moved} by the "
        f"same values in overlapping sentences, {len(unlabelled)} unlabelled (left out of the table)",
        file=sys.stderr,
    )
    return 1 if unlabelled else 0


def _cell(point: dict[str, Any]) -> str:
    if not point["reported"]:
        return "- (0)"
    low, high = point["wilson95"]
    return f"{point['precision']:.2f} ({point['right']}/{point['reported']}; {low:.2f}-{high:.2f})"


def table(curve: list[dict[str, Any]], default: float) -> str:
    lines = [
        "| threshold | precision, held-out half (right/reported; 95% Wilson) | precision, 50 more | precision, both "
        "| injected recall, held-out half |",
        "|---:|---|---|---|---:|",
    ]
    for point in curve:
        recall = f"{point['injected_recall']:.3f}" if point["injected_recall"] is not None else "-"
        mark = " (default)" if point["threshold"] == default else ""
        lines.append(
            f"| {point['threshold']:.2f}{mark} | {_cell(point['held-out'])} | {_cell(point['more'])} "
            f"| {_cell(point['both'])} | {recall} |"
        )
    return "\n".join(lines) + "\n"


def plot(curve: list[dict[str, Any]], default: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    xs = [point["threshold"] for point in curve]
    for part, style in (("held-out", "-o"), ("both", "--s")):
        ys = [point[part]["precision"] for point in curve]
        axis.plot(xs, [y if y is not None else float("nan") for y in ys], style, label=f"precision ({part})")
    recall = [point["injected_recall"] for point in curve]
    if any(value is not None for value in recall):
        axis.plot(xs, [r if r is not None else float("nan") for r in recall], "-^", label="injected recall (held-out)")
    axis.axvline(default, color="grey", linestyle=":", label=f"default threshold {default:.2f}")
    axis.axhline(0.8, color="#c33", linewidth=0.8, linestyle="--")
    axis.axhline(0.6, color="#36c", linewidth=0.8, linestyle="--")
    axis.set_xlabel("judge threshold")
    axis.set_ylabel("precision / recall")
    axis.set_ylim(0, 1.02)
    axis.set_title("Contradictions: precision (hand labels) and injected recall by threshold")
    axis.legend(loc="lower left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


if __name__ == "__main__":
    raise SystemExit(main())
