"""Where Storyline's time goes (issue 37), this version beside the previous one and sumy LexRank, in one run.

    python -m benchmarks.timing [--previous e38f087] [--runs 3] [--duc-limit 50] [--multinews-limit 100]
                                [--agreement-duc 6] [--agreement-val 40] [--skip-throughput]
                                [--data ../shared/data] [--seeds ../shared/seeds] [--out results]

Every figure of issue 37, side by side:

* **cold start per command**: ``storyline summarize SEEDS``, ``storyline compare SEEDS`` and
  ``storyline stories --db DB``, each a new process timed from start to exit (imports, model
  loading, reading, work, output), ``--runs`` times (median), the versions taking turns after one
  untimed warm-up run each (so both read their files from the page cache);
* **per cluster** on DUC 2004 and the first ``--multinews-limit`` Multi-News test clusters:
  Storyline and sumy LexRank each in a process of its own, set up and timed by ``benchmarks.rouge``
  itself (``build_system``, ``run_system``: models loaded before the clock, one cluster after
  another, at the data set's budget), with the seconds of each stage (``Pipeline.timings``; in this
  version ``segment`` is spaCy with the encoder working beside it and ``embed`` only what the
  encoder needs after spaCy is done); the ROUGE of every row;
* **the encoder**: the sentences of the first ``--agreement-duc`` DUC 2004 and ``--agreement-val``
  Multi-News val clusters through onnxruntime (float32) and torch (float32, and bfloat16 on a CPU with
  bfloat16 instructions) on 1 and 2 threads: sentences per second, and how far each one's vectors are
  from torch float32's (cosine);
* **throughput**: ``python -m benchmarks.throughput --runs local2 --datasets multinews-test`` (the whole
  Multi-News test set, ``storyline batch --compare --workers 2``), against the 10-minute target.

"Previous" is the code of ``--previous`` (a commit; default e38f087, main as issue 37 was merged
with it: issue 33's layout without issue 37's changes), taken out with ``git archive`` into a
temporary folder and run with that folder's ``src`` first on PYTHONPATH, in this environment (its
dependencies are a subset of this one's); the measuring code is this checkout's ``benchmarks``
either way. Every run of either version checks which ``storyline`` it imported. Seconds are
wall-clock and CPU (user + system, all threads; :class:`benchmarks.common.Stopwatch`); on a machine
other jobs share, only CPU seconds compare.

Writes results/timing.json, results/timing.md (the tables) and results/timing.png (the plot).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, REPO, RESULTS, SHARED, Stopwatch, code_version, sha256_file
from benchmarks.datasets import DATASETS, LOADERS, Cluster
from benchmarks.peers import Context, build_system
from benchmarks.rouge import run_system
from benchmarks.scoring import Scorer

#: main when issue 37 was merged with it (issue 33's layout), the version issue 37 is measured against.
DEFAULT_PREVIOUS = "e38f087"
#: The data sets timed per cluster (benchmarks.datasets names).
SETS = ("duc2004", "multinews-test")
#: The data sets whose sentences the encoders' section reads (tuning data, not test).
ENCODER_SETS = ("duc2004", "multinews-val")
COMMANDS = ("summarize", "compare", "stories")
#: Issue 37's targets.
COLD_TARGET_SECONDS = 4.0
LEXRANK_FACTOR = 2.0
ROUGE_TOLERANCE = 0.1
THROUGHPUT_TARGET_SECONDS = 600.0


# ------------------------------------------------------------------------------------- versions


def take_out(commit: str, into: Path) -> Path:
    """The code of ``commit`` in ``into`` (``git archive``: reads the repository, changes nothing in it); its src."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def environment(src: Path) -> dict[str, str]:
    """This environment with ``src`` first on PYTHONPATH, so ``import storyline`` takes that version
    (``python -m benchmarks...`` run in :data:`REPO` still finds this checkout's benchmarks first)."""
    paths = [str(src), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "TOKENIZERS_PARALLELISM": "false"}


def imported_from(src: Path) -> Path:
    """Where ``import storyline`` finds the package with ``src`` on PYTHONPATH.

    Raises:
        RuntimeError: it is not ``src/storyline`` (the run would time another version).
    """
    code = "import storyline; print(storyline.__file__)"
    found = subprocess.run(
        [sys.executable, "-c", code], env=environment(src), cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    if Path(found).resolve().parent != (src / "storyline").resolve():
        raise RuntimeError(f"with PYTHONPATH={src}, storyline was imported from {found}")
    return Path(found).parent


# ------------------------------------------------------------------------------------ cold start


def timed_process(command: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    """Wall and CPU seconds (user + system of the child) of one process, and its exit code."""
    clock = Stopwatch()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall, cpu = clock.seconds, clock.children_cpu_seconds
    return {"wall": round(wall, 3), "cpu": round(cpu, 3), "exit": done.returncode, "stderr": done.stderr[-300:]}


def cold_starts(
    versions: dict[str, Path], seeds: list[str], runs: int, warmup: int, scratch: Path
) -> dict[str, dict[str, Any]]:
    """Every command in a new process, the versions taking turns; the median of ``runs``."""
    storyline = [sys.executable, "-m", "storyline"]
    commands: dict[str, dict[str, list[str]]] = {name: {} for name in COMMANDS}
    for version, src in versions.items():
        database = scratch / f"stories-{version}.db"  # each version ingests for itself (its own schema)
        subprocess.run([*storyline, "ingest", "--db", str(database), *seeds, "-q"], env=environment(src), check=True)
        commands["summarize"][version] = [*storyline, "summarize", *seeds, "-q", "-o", os.devnull]
        commands["compare"][version] = [*storyline, "compare", *seeds, "-q", "-o", os.devnull]
        commands["stories"][version] = [*storyline, "stories", "--db", str(database)]
    found: dict[str, dict[str, list[dict[str, Any]]]] = {name: {v: [] for v in versions} for name in COMMANDS}
    for attempt in range(warmup + runs):
        for name in COMMANDS:
            for version, src in versions.items():
                print(f"timing: cold {name}, {version}, run {attempt + 1 - warmup}", file=sys.stderr, flush=True)
                outcome = timed_process(commands[name][version], environment(src))
                if outcome["exit"] not in (0, 1):
                    raise RuntimeError(f"{version} {name} exited {outcome['exit']}: {outcome['stderr']}")
                if attempt >= warmup:
                    found[name][version].append(outcome)
    return {
        name: {
            version: {
                "wall": [run["wall"] for run in runs_of],
                "cpu": [run["cpu"] for run in runs_of],
                "median_wall": round(statistics.median(run["wall"] for run in runs_of), 3),
                "median_cpu": round(statistics.median(run["cpu"] for run in runs_of), 3),
            }
            for version, runs_of in by_version.items()
        }
        for name, by_version in found.items()
    }


# ------------------------------------------------------------------------------- per cluster


def per_cluster(system: str, src: Path | None, dataset: str, limit: int, data: Path, scratch: Path) -> dict[str, Any]:
    """Run the worker (below) in a process of its own: Storyline of the version in ``src``, or LexRank."""
    out = scratch / f"{system}-{dataset}-{src.parent.name if src else 'peer'}.json"
    command = [sys.executable, "-m", "benchmarks.timing", "--worker", system, "--dataset", dataset]
    command += ["--data", str(data), "--limit", str(limit), "--worker-out", str(out)]
    env = environment(src) if src is not None else {**os.environ}
    subprocess.run(command, env=env, cwd=REPO, check=True)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def _worker_rows(system: str, dataset: str, clusters: list[Cluster]) -> dict[str, Any]:
    """One row as benchmarks.rouge makes it (Storyline: one Pipeline, models loaded first; LexRank), CPU too."""
    built = build_system(system, Context(DATASETS[dataset]))
    row = run_system(built, clusters)
    count = max(1, len(clusters))
    result: dict[str, Any] = {
        "wall": row.seconds,
        "cpu": row.cpu_seconds,
        "outputs": row.outputs,
        "failures": len(row.failures),
        "stages": {stage: seconds / count for stage, seconds in built.stats.get("stage_seconds", {}).items()},
    }
    if built.kind == "storyline":
        import storyline

        result["imported_from"] = str(Path(storyline.__file__).parent)
        result["encoder"] = built.stats["encoder"]
        result["model_load_seconds"] = round(built.setup_seconds, 3)
    return result


def _worker_encoder(data: Path, duc_count: int, val_count: int) -> dict[str, Any]:
    """The benchmarks' sentences through every encoder backend at 1 and 2 threads; speed and agreement."""
    import numpy as np

    from storyline import Config, Pipeline
    from storyline.config import DEFAULT_EMBEDDING_MODEL
    from storyline.nlp.embed import load_encoder, native_bfloat16, set_threads
    from storyline.nlp.segment import segment_many

    pipeline = Pipeline(Config())
    clusters = [
        cluster
        for name, count in zip(ENCODER_SETS, (duc_count, val_count), strict=True)
        for cluster in load(name, data)[:count]
    ]
    articles = [a for c in clusters for a in pipeline.prepare(list(c.documents), on_error="skip")]
    texts = [s.text for d in segment_many(articles, pipeline.nlp) for s in d.sentences]
    unique = list(dict.fromkeys(texts))
    runs = [("onnx", "float32"), ("torch", "float32")] + ([("torch", "bfloat16")] if native_bfloat16() else [])
    rows: list[dict[str, Any]] = []
    vectors: dict[tuple[str, str], Any] = {}
    for backend, precision in runs:
        for threads in (1, 2):
            set_threads(threads)
            load_encoder.cache_clear()
            encoder = load_encoder(DEFAULT_EMBEDDING_MODEL, backend=backend, precision=precision)
            encoder.encode(unique[:16])  # first call's one-time costs
            clock = Stopwatch()
            found = encoder.encode(unique)
            wall, cpu = clock.seconds, clock.cpu_seconds
            if threads == 1 or (backend, precision) not in vectors:
                vectors[(backend, precision)] = found  # the vectors are the same on 1 and 2 threads (tested)
            rows.append(
                {
                    "backend": backend,
                    "precision": precision,
                    "threads": threads,
                    "sentences": len(unique),
                    "wall": round(wall, 3),
                    "cpu": round(cpu, 3),
                    "sentences_per_second": round(len(unique) / wall, 1),
                }
            )
    set_threads(None)

    # Cosines in float64 of the rows made unit length again: float32 rows are unit length only to
    # about 1e-7, as large as the gaps measured.
    def unit(matrix: Any) -> Any:
        rows = matrix.astype(np.float64)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    reference = unit(vectors[("torch", "float32")])
    agreement = {}
    for (backend, precision), found in vectors.items():
        gap = 1.0 - np.sum(unit(found) * reference, axis=1)
        agreement[f"{backend} {precision}"] = {"max_cosine_gap": float(gap.max()), "mean_cosine_gap": float(gap.mean())}
    return {
        "sentences": len(unique),
        "clusters": {"duc2004": duc_count, "multinews-val": val_count},
        "runs": rows,
        "against_torch_float32": agreement,
    }


def data_file(dataset: str, data: Path) -> Path:
    """A data set's cluster file under the data root."""
    return data / DATASETS[dataset].files[0]


def load(dataset: str, data: Path) -> list[Cluster]:
    """A data set's clusters, as benchmarks.rouge reads them."""
    return LOADERS[dataset](data_file(dataset, data))


def worker(args: argparse.Namespace) -> int:
    """One measuring process (``--worker``): write its figures to ``--worker-out``."""
    if args.worker == "encoder":
        result = _worker_encoder(args.data, args.agreement_duc, args.agreement_val)
    else:
        result = _worker_rows(args.worker, args.dataset, load(args.dataset, args.data)[: args.limit])
    args.worker_out.write_text(json.dumps(result) + "\n", encoding="utf-8")
    return 0


def summarize_rows(raw: dict[str, Any], clusters: list[Cluster], dataset: str) -> dict[str, Any]:
    """Means per cluster and ROUGE of one row of the per-cluster runs."""
    scorer = Scorer(DATASETS[dataset])
    scores = [scorer.score(cluster, output) for cluster, output in zip(clusters, raw["outputs"], strict=True)]
    count = max(1, len(clusters))
    row = {
        "clusters": len(clusters),
        "seconds_per_cluster": round(sum(raw["wall"]) / count, 4),
        "cpu_per_cluster": round(sum(raw["cpu"]) / count, 4),
        "median_seconds": round(statistics.median(raw["wall"]), 4) if raw["wall"] else 0.0,
        "rouge1": round(sum(s["rouge1"] for s in scores) / count, 2),
        "rouge2": round(sum(s["rouge2"] for s in scores) / count, 2),
        "failures": raw["failures"],
        "stages_per_cluster": {stage: round(value, 4) for stage, value in raw["stages"].items()},
    }
    for key in ("imported_from", "encoder", "model_load_seconds"):
        if key in raw:
            row[key] = raw[key]
    return row


# ------------------------------------------------------------------------------------ throughput


def throughput(data: Path, scratch: Path) -> dict[str, Any]:
    """benchmarks.throughput on the whole Multi-News test set, 2 local workers, with comparisons."""
    command = [sys.executable, "-m", "benchmarks.throughput", "--runs", "local2", "--datasets", "multinews-test"]
    command += ["--no-stages", "--data", str(data), "--out", str(scratch)]
    subprocess.run(command, check=True, cwd=REPO, env=environment(REPO / "src"))
    report = json.loads((scratch / "throughput.json").read_text(encoding="utf-8"))
    entry = report["datasets"]["multinews-test"]
    run = entry["runs"]["local2"]
    return {
        "clusters": entry["clusters"],
        "seconds": run["seconds"],
        "exit_code": run["exit_code"],
        "records_failed": run["records_failed"],
        "peak_memory_mb": run["peak_memory_mb"],
    }


# --------------------------------------------------------------------------------------- report


def _yes(flag: bool) -> str:
    return "**yes**" if flag else "**no**"


def table(result: dict[str, Any]) -> str:
    """The Markdown tables of a run."""
    this, previous = result["versions"]["this"]["commit"], result["versions"]["previous"]["commit"]
    lines = [
        f"Load average at start {result['load_average_at_start']}, at end {result['load_average_at_end']} "
        f"({result['cpus']} CPUs).",
        "",
        f"| measure | this ({this}) | previous ({previous}) | sumy LexRank | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    cold = result.get("cold", {})
    for name in COMMANDS:
        if name not in cold:
            continue
        new, old = cold[name]["this"], cold[name]["previous"]
        target, met = "", ""
        if name == "summarize":
            target = f"<= {COLD_TARGET_SECONDS:g} s and <= half the previous"
            met = _yes(new["median_wall"] <= COLD_TARGET_SECONDS and new["median_wall"] <= old["median_wall"] / 2)
        lines.append(
            f"| `storyline {name}`, cold, s wall (s CPU), median of {len(new['wall'])} "
            f"| {new['median_wall']:.2f} ({new['median_cpu']:.2f}) "
            f"| {old['median_wall']:.2f} ({old['median_cpu']:.2f}) "
            f"| | {target} | {met} |"
        )
    for dataset, rows in result.get("per_cluster", {}).items():
        new, old, lexrank = rows["this"], rows["previous"], rows["lexrank"]
        target, met = "", ""
        if dataset == "duc2004":
            target = f"<= {LEXRANK_FACTOR:g}x LexRank"
            met = _yes(new["seconds_per_cluster"] <= LEXRANK_FACTOR * lexrank["seconds_per_cluster"])
        lines.append(
            f"| {dataset}, s per cluster wall (CPU), {new['clusters']} clusters "
            f"| {new['seconds_per_cluster']:.3f} ({new['cpu_per_cluster']:.3f}) "
            f"| {old['seconds_per_cluster']:.3f} ({old['cpu_per_cluster']:.3f}) "
            f"| {lexrank['seconds_per_cluster']:.3f} ({lexrank['cpu_per_cluster']:.3f}) | {target} | {met} |"
        )
        same = (
            abs(new["rouge1"] - old["rouge1"]) <= ROUGE_TOLERANCE
            and abs(new["rouge2"] - old["rouge2"]) <= ROUGE_TOLERANCE
        )
        lines.append(
            f"| {dataset}, ROUGE-1 / ROUGE-2 | {new['rouge1']:.2f} / {new['rouge2']:.2f} "
            f"| {old['rouge1']:.2f} / {old['rouge2']:.2f} | {lexrank['rouge1']:.2f} / {lexrank['rouge2']:.2f} "
            f"| within {ROUGE_TOLERANCE:g} of the previous | {_yes(same)} |"
        )
    if "throughput" in result:
        run = result["throughput"]
        lines.append(
            f"| Multi-News test, all {run['clusters']} clusters, `batch --compare --workers 2`, s "
            f"| {run['seconds']:.0f} | | | <= {THROUGHPUT_TARGET_SECONDS:.0f} s | "
            f"{_yes(run['seconds'] <= THROUGHPUT_TARGET_SECONDS and run['exit_code'] in (0, 1))} |"
        )
    for dataset, rows in result.get("per_cluster", {}).items():
        stages = sorted(set(rows["this"]["stages_per_cluster"]) | set(rows["previous"]["stages_per_cluster"]))
        lines += [
            "",
            f"{dataset}, seconds per stage per cluster (wall):",
            "",
            "| stage | this | previous |",
            "|---|---:|---:|",
        ]
        for stage in stages:
            new = rows["this"]["stages_per_cluster"].get(stage)
            old = rows["previous"]["stages_per_cluster"].get(stage)
            lines.append(f"| {stage} | {'' if new is None else f'{new:.3f}'} | {'' if old is None else f'{old:.3f}'} |")
    encoder = result.get("encoder")
    if encoder:
        lines += [
            "",
            f"The encoder on {encoder['sentences']} distinct sentences ({encoder['clusters']['duc2004']} "
            f"DUC 2004 and {encoder['clusters']['multinews-val']} Multi-News val clusters):",
            "",
            "| backend | threads | s wall | s CPU | sentences/s | largest cosine gap to torch float32 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for run in encoder["runs"]:
            gap = encoder["against_torch_float32"][f"{run['backend']} {run['precision']}"]["max_cosine_gap"]
            lines.append(
                f"| {run['backend']} {run['precision']} | {run['threads']} | {run['wall']:.2f} | {run['cpu']:.2f} "
                f"| {run['sentences_per_second']:.0f} | {gap:.1e} |"
            )
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> None:
    """Cold starts per command, and seconds per cluster by stage, this version beside the others."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = 1 + len(result.get("per_cluster", {}))
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, 4.2))
    axes = list(axes) if panels > 1 else [axes]
    cold = result.get("cold", {})
    names = [name for name in COMMANDS if name in cold]
    for offset, (version, colour) in enumerate((("this", "#2b7bba"), ("previous", "#b0b0b0"))):
        heights = [cold[name][version]["median_wall"] for name in names]
        axes[0].bar([i + 0.4 * offset for i in range(len(names))], heights, 0.4, label=version, color=colour)
    axes[0].axhline(COLD_TARGET_SECONDS, color="#c0392b", linestyle="--", linewidth=1, label="target (summarize)")
    axes[0].set_xticks([i + 0.2 for i in range(len(names))], names)
    axes[0].set_ylabel("seconds, whole process (median)")
    axes[0].set_title("Cold start per command")
    axes[0].legend(fontsize=8)
    colours = {
        "clean": "#8dd3c7",
        "segment": "#80b1d3",
        "embed": "#fdb462",
        "align": "#bebada",
        "select": "#fb8072",
        "compare": "#b3de69",
        "other": "#d9d9d9",
    }
    for axis, (dataset, rows) in zip(axes[1:], result.get("per_cluster", {}).items(), strict=True):
        for position, name in enumerate(("this", "previous", "lexrank")):
            row = rows[name]
            bottom = 0.0
            stages = row["stages_per_cluster"] or {"other": row["seconds_per_cluster"]}
            for stage, seconds in stages.items():
                axis.bar(
                    position,
                    seconds,
                    0.6,
                    bottom=bottom,
                    color=colours.get(stage, "#d9d9d9"),
                    label=stage if position == 0 or not row["stages_per_cluster"] else None,
                )
                bottom += seconds
            axis.text(
                position,
                row["seconds_per_cluster"],
                f"{row['seconds_per_cluster']:.2f}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        if dataset == "duc2004":
            axis.axhline(
                LEXRANK_FACTOR * rows["lexrank"]["seconds_per_cluster"],
                color="#c0392b",
                linestyle="--",
                linewidth=1,
                label=f"{LEXRANK_FACTOR:g}x LexRank",
            )
        axis.set_xticks([0, 1, 2], ["this", "previous", "LexRank"])
        axis.set_ylabel("seconds per cluster (wall)")
        axis.set_title(f"{dataset}: per cluster, by stage")
        axis.legend(fontsize=7)
    figure.suptitle(
        f"Storyline timing ({result['versions']['this']['commit']}), load average at start "
        f"{result['load_average_at_start'][0]:.1f}",
        fontsize=9,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


# ----------------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--previous", default=DEFAULT_PREVIOUS, help="the commit of the previous version")
    parser.add_argument("--runs", type=int, default=3, help="timed cold starts per command and version")
    parser.add_argument("--warmup", type=int, default=1, help="untimed cold starts first, per command and version")
    parser.add_argument("--duc-limit", type=int, default=50)
    parser.add_argument("--multinews-limit", type=int, default=100)
    parser.add_argument("--agreement-duc", type=int, default=6, help="DUC 2004 clusters for the encoder section")
    parser.add_argument("--agreement-val", type=int, default=40, help="Multi-News val clusters for it")
    parser.add_argument(
        "--skip", default="", help="comma-separated parts to leave out: cold,clusters,encoder,throughput"
    )
    parser.add_argument("--skip-throughput", action="store_true", help="the same as --skip throughput")
    parser.add_argument("--out", type=Path, default=RESULTS)
    # The measuring processes this script starts (not for use by hand).
    parser.add_argument("--worker", choices=("storyline", "lexrank", "encoder"), help=argparse.SUPPRESS)
    parser.add_argument("--dataset", choices=tuple(SETS), help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every part; write results/timing.{json,md,png}; print the tables."""
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    skip = set(filter(None, args.skip.split(","))) | ({"throughput"} if args.skip_throughput else set())
    seeds = sorted(str(path) for path in args.seeds.glob("*.txt"))
    files = {name: data_file(name, args.data) for name in dict.fromkeys([*SETS, *ENCODER_SETS])}
    missing = [str(path) for path in files.values() if not path.is_file()] + ([] if seeds else [str(args.seeds)])
    if missing:
        print(f"timing: data missing ({', '.join(missing)}); pass --data/--seeds", file=sys.stderr)
        return 2
    result: dict[str, Any] = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "data_fingerprints": {name: sha256_file(path)[:16] for name, path in files.items()},
    }
    with tempfile.TemporaryDirectory(prefix="storyline-timing-") as scratch_name:
        scratch = Path(scratch_name)
        (scratch / "previous").mkdir()
        versions = {"this": REPO / "src", "previous": take_out(args.previous, scratch / "previous")}
        result["versions"] = {
            "this": {"commit": code_version(), "imported_from": str(imported_from(versions["this"]))},
            "previous": {"commit": args.previous, "imported_from": str(imported_from(versions["previous"]))},
        }
        if "cold" not in skip:
            result["cold"] = cold_starts(versions, seeds, args.runs, args.warmup, scratch)
        if "clusters" not in skip:
            result["per_cluster"] = {}
            for dataset in SETS:
                limit = args.duc_limit if dataset == "duc2004" else args.multinews_limit
                clusters = load(dataset, args.data)[:limit]
                rows = {}
                for name, src in (("this", versions["this"]), ("previous", versions["previous"]), ("lexrank", None)):
                    print(f"timing: {dataset} per cluster, {name} ...", file=sys.stderr, flush=True)
                    system = "lexrank" if src is None else "storyline"
                    raw = per_cluster(system, src, dataset, limit, args.data, scratch)
                    if src is not None and Path(raw["imported_from"]).resolve() != (src / "storyline").resolve():
                        raise RuntimeError(f"the {name} run imported storyline from {raw['imported_from']}")
                    rows[name] = summarize_rows(raw, clusters, dataset)
                result["per_cluster"][dataset] = rows
        if "encoder" not in skip:
            print("timing: the encoder's backends ...", file=sys.stderr, flush=True)
            out = scratch / "encoder.json"
            command = [sys.executable, "-m", "benchmarks.timing", "--worker", "encoder", "--data", str(args.data)]
            command += ["--agreement-duc", str(args.agreement_duc), "--agreement-val", str(args.agreement_val)]
            command += ["--worker-out", str(out)]
            subprocess.run(command, check=True, cwd=REPO, env=environment(versions["this"]))
            result["encoder"] = json.loads(out.read_text(encoding="utf-8"))
        if "throughput" not in skip:
            print("timing: throughput on the whole Multi-News test set ...", file=sys.stderr, flush=True)
            result["throughput"] = throughput(args.data, scratch)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "timing.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    text = table(result)
    (args.out / "timing.md").write_text(text + "\n", encoding="utf-8")
    plot(result, args.out / "timing.png")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
