"""Throughput of ``storyline batch`` (summaries and comparisons) beside sumy LexRank.

    python -m benchmarks.throughput [--data ../shared/data] [--limit N] [--duc-limit N]
                                    [--runs local1,local2,ray2,lexrank] [--out results]

For Multi-News test (all 5,622 clusters, or the first ``--limit``) and DUC 2004 (50 clusters,
or the first ``--duc-limit``), each run is one ``storyline batch --compare`` process, timed
from start to exit (imports, model loading, reading and writing included):

* ``local1`` / ``local2``: ``--engine local --workers 1`` / ``2``;
* ``ray2``: ``--engine ray --workers 2`` on a local Ray cluster of 2 CPUs it starts itself;
* ``lexrank``: sumy LexRank in one fresh process, one cluster after another, at the budget
  ``benchmarks/rouge.py`` uses (Multi-News 250 words, DUC 2004 100), models not involved.

Figures: clusters per second, seconds per cluster, peak memory (the sum of the resident
memory of the run's process and all its descendants, sampled every 0.2 s; for LexRank its
process's own peak), and seconds per stage per cluster from one in-process
``Pipeline.summarize_many`` pass (comparisons on, in the chunks ``storyline batch`` makes) over
the same clusters (``--no-stages`` skips it).
The batch input files are written to a temporary directory, never into the repository.
Writes results/throughput.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, RESULTS, Stopwatch, code_version, save_results, sha256_file
from benchmarks.datasets import Cluster, load_duc2004, load_multinews
from benchmarks.peers import make_sumy

DEFAULT_DATA = DATA
DATASETS = {
    # name: (file under the data root, loader, word budget as in benchmarks/rouge.py)
    "multinews-test": ("multi_news_plus/test.jsonl", load_multinews, 250),
    "duc2004": ("duc2004_task2/duc2004_task2.jsonl", load_duc2004, 100),
}
RUNS = ("local1", "local2", "ray2", "lexrank")
BATCH_ARGS = {
    "local1": ["--engine", "local", "--workers", "1"],
    "local2": ["--engine", "local", "--workers", "2"],
    "ray2": ["--engine", "ray", "--workers", "2"],
}


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_batch_process(input_path: Path, out_path: Path, words: int, extra: list[str]) -> dict[str, Any]:
    """Time one ``storyline batch --compare`` process and sample its memory."""
    command = [
        str(Path(sys.executable).parent / "storyline"),
        "batch",
        str(input_path),
        "-o",
        str(out_path),
        "--words",
        str(words),
        "--compare",
        "-q",
        *extra,
    ]
    peak = 0
    clock = Stopwatch()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.wait(0.2):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, error = process.communicate()
    seconds = clock.seconds
    finished.set()
    sampler.join()
    lines = out_path.read_text(encoding="utf-8").splitlines() if out_path.exists() else []
    failed = sum(1 for line in lines if '"error": ' in line[:400] and json.loads(line).get("error"))
    return {
        "command": " ".join(["storyline", *command[1:]]),
        "exit_code": process.returncode,
        "stderr_tail": error.decode(errors="replace")[-500:] if process.returncode not in (0, 1) else "",
        "seconds": round(seconds, 2),
        "records_written": len(lines),
        "records_failed": failed,
        "peak_memory_mb": round(peak / 2**20),
    }


def run_lexrank(clusters: list[Cluster], words: int) -> dict[str, Any]:
    """Time sumy LexRank over the clusters in a fresh process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_lexrank, (clusters, words))


def _lexrank(clusters: list[Cluster], words: int) -> dict[str, Any]:
    """Time sumy LexRank over the clusters in this process (one after another)."""
    summarize: Callable[[Cluster], list[str]] = make_sumy("lexrank", words)
    clock = Stopwatch()
    for cluster in clusters:
        summarize(cluster)
    seconds = clock.seconds
    return {"command": "sumy LexRank", "seconds": round(seconds, 2), "peak_memory_mb": round(_own_peak() / 2**20)}


def _own_peak() -> int:
    """This process's peak resident bytes since it started its program.

    Not ``ru_maxrss``: a spawned child keeps the high-water mark of the parent it was forked
    from (here, one that had loaded the models), while VmHWM restarts at exec.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def stage_seconds(clusters: list[Cluster], words: int) -> dict[str, Any]:
    """Seconds per stage per cluster of summaries with comparisons, models loaded up front, chunked as in batch."""
    from storyline import Config, Pipeline
    from storyline.batch import CHUNK, CHUNK_CHARS, chunked

    pipeline = Pipeline(Config(words=words, compare=True))
    clock = Stopwatch()
    _ = pipeline.nlp, pipeline.encoder
    load = clock.lap()
    # In chunks, as storyline batch summarizes them (Pipeline.summarize_many); a cluster with no
    # usable article gives its error and the others go on, as in batch.
    for chunk in chunked(clusters, CHUNK, CHUNK_CHARS, lambda cluster: sum(map(len, cluster.documents))):
        pipeline.summarize_many([list(cluster.documents) for cluster in chunk], on_error="skip")
    total = clock.seconds
    count = max(1, len(clusters))
    return {
        "model_load_seconds": round(load, 2),
        "seconds_per_cluster": round(total / count, 4),
        "stages_per_cluster": {stage: round(value / count, 4) for stage, value in pipeline.timings.items()},
    }


def write_input(clusters: list[Cluster], path: Path) -> None:
    """The clusters as ``storyline batch`` records (documents d1, d2, ... by position)."""
    with path.open("w", encoding="utf-8") as handle:
        for cluster in clusters:
            handle.write(json.dumps({"id": cluster.id, "documents": list(cluster.documents)}) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run every configuration on both datasets; write results/throughput.json; print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N Multi-News test clusters (default all)")
    parser.add_argument("--duc-limit", type=int, default=None, help="first N DUC 2004 clusters (default all 50)")
    parser.add_argument("--runs", default=",".join(RUNS), help=f"comma-separated subset of {','.join(RUNS)}")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated subset")
    parser.add_argument("--no-stages", action="store_true", help="skip the in-process per-stage pass")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    runs = [name for name in args.runs.split(",") if name]
    unknown = sorted(set(runs) - set(RUNS))
    if unknown:
        parser.error(f"unknown runs {unknown}; choose from {RUNS}")
    results: dict[str, Any] = {
        "code_version": code_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "datasets": {},
    }
    with tempfile.TemporaryDirectory(prefix="storyline-throughput-") as scratch:
        for name in args.datasets.split(","):
            relative, loader, words = DATASETS[name]
            path = args.data / relative
            if not path.is_file():
                print(f"throughput: {path} is missing; pass --data", file=sys.stderr)
                return 2
            limit = args.limit if name == "multinews-test" else args.duc_limit
            clusters = loader(path)[:limit]
            input_path = Path(scratch) / f"{name}.jsonl"
            write_input(clusters, input_path)
            entry: dict[str, Any] = {
                "file": relative,
                "data_fingerprint": sha256_file(path)[:16],
                "clusters": len(clusters),
                "words": words,
                "runs": {},
            }
            for run in runs:
                print(f"throughput: {name} {run} on {len(clusters)} clusters ...", file=sys.stderr, flush=True)
                if run == "lexrank":
                    figures = run_lexrank(clusters, words)
                else:
                    out_path = Path(scratch) / f"{name}-{run}.jsonl"
                    figures = run_batch_process(input_path, out_path, words, BATCH_ARGS[run])
                figures["clusters_per_second"] = round(len(clusters) / figures["seconds"], 3)
                figures["seconds_per_cluster"] = round(figures["seconds"] / max(1, len(clusters)), 3)
                entry["runs"][run] = figures
            outputs = {run: Path(scratch) / f"{name}-{run}.jsonl" for run in runs if run in BATCH_ARGS}
            texts = {run: path.read_bytes() for run, path in outputs.items() if path.exists()}
            entry["identical_outputs"] = len(set(texts.values())) <= 1
            if not args.no_stages:
                print(f"throughput: {name} per-stage pass ...", file=sys.stderr, flush=True)
                entry["stages"] = stage_seconds(clusters, words)
            results["datasets"][name] = entry
    save_results(args.out / "throughput.json", results)
    print(table(results))
    return 0


def table(results: dict[str, Any]) -> str:
    """The Markdown table of the figures."""
    rows = [
        "| dataset | clusters | run | seconds | clusters/s | s/cluster | peak MB | vs local1 |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, entry in results["datasets"].items():
        base = entry["runs"].get("local1", {}).get("seconds")
        for run, figures in entry["runs"].items():
            ratio = f"{base / figures['seconds']:.2f}x" if base and run != "lexrank" else ""
            rows.append(
                f"| {name} | {entry['clusters']} | {run} | {figures['seconds']:.1f}"
                f" | {figures['clusters_per_second']:.3f} | {figures['seconds_per_cluster']:.3f}"
                f" | {figures['peak_memory_mb']} | {ratio} |"
            )
    lines = ["\n".join(rows), ""]
    for name, entry in results["datasets"].items():
        stages = entry.get("stages")
        if stages:
            parts = ", ".join(f"{stage} {seconds:.3f}" for stage, seconds in stages["stages_per_cluster"].items())
            lines.append(f"{name}: seconds per stage per cluster (in process, models loaded): {parts}")
        lines.append(f"{name}: batch outputs identical across engines: {entry['identical_outputs']}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
