"""Time Storyline: the whole CLI process on the seed story (cold), and per cluster on DUC 2004.

    python -m benchmarks.timing [--data ../shared/data] [--seeds ../shared/seeds] [--runs 3] [--limit 50]

Writes results/timing.json (code version, data fingerprint, per-run and per-stage seconds)
and prints a Markdown table. Cold means a new process each run: imports, model loading,
reading, cleaning, summarizing and rendering all count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import RESULTS, SHARED, Stopwatch, code_version

DEFAULT_SHARED = SHARED


def time_cold_cli(seeds: Path, runs: int) -> list[float]:
    """Seconds of `storyline summarize SEEDS` in a fresh process, per run."""
    command = shutil.which("storyline", path=str(Path(sys.executable).parent)) or "storyline"
    files = sorted(str(path) for path in seeds.glob("*.txt"))
    seconds = []
    for _ in range(runs):
        clock = Stopwatch()
        subprocess.run([command, "summarize", *files, "-q"], check=True, capture_output=True)
        seconds.append(clock.seconds)
    return seconds


def time_duc(path: Path, limit: int) -> dict[str, object]:
    """Per-cluster seconds of Pipeline.summarize on DUC 2004 (models loaded once, not counted)."""
    from storyline import Config, Pipeline

    clusters = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()][:limit]
    pipeline = Pipeline(Config(words=100))
    clock = Stopwatch()
    _ = pipeline.nlp, pipeline.encoder
    load_seconds = clock.seconds
    pipeline.summarize([doc["text"] for doc in clusters[0]["documents"]])  # warm-up, not counted
    pipeline.timings.clear()
    per_cluster = []
    for cluster in clusters:
        clock = Stopwatch()
        pipeline.summarize([doc["text"] for doc in cluster["documents"]], on_error="skip")
        per_cluster.append(clock.seconds)
    return {
        "clusters": len(clusters),
        "model_load_seconds": round(load_seconds, 2),
        "per_cluster": [round(s, 4) for s in per_cluster],
        "mean": round(statistics.mean(per_cluster), 3),
        "median": round(statistics.median(per_cluster), 3),
        "max": round(max(per_cluster), 3),
        "stages_per_cluster": {k: round(v / len(clusters), 4) for k, v in pipeline.timings.items()},
    }


def main(argv: list[str] | None = None) -> int:
    """Run both timings and write results/timing.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_SHARED / "data")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SHARED / "seeds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    duc = args.data / "duc2004_task2" / "duc2004_task2.jsonl"
    if not args.seeds.is_dir() or not duc.is_file():
        print(f"timing: data missing ({args.seeds} or {duc}); pass --seeds/--data", file=sys.stderr)
        return 2
    cold = time_cold_cli(args.seeds, args.runs)
    duc_result = time_duc(duc, args.limit)
    result = {
        "code_version": code_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "data_fingerprint": hashlib.sha256(duc.read_bytes()).hexdigest()[:16],
        "seeds_cold_cli_seconds": [round(s, 2) for s in cold],
        "duc2004": duc_result,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "timing.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("| measure | seconds |\n|---|---:|")
    print(f"| `storyline summarize` seeds, cold process (median of {args.runs}) | {statistics.median(cold):.2f} |")
    print(f"| DUC 2004, per cluster, mean over {duc_result['clusters']} | {duc_result['mean']:.3f} |")
    print(f"| DUC 2004, per cluster, median | {duc_result['median']:.3f} |")
    print(f"| model loading (once per process) | {duc_result['model_load_seconds']:.2f} |")
    for stage, seconds in duc_result["stages_per_cluster"].items():  # type: ignore[attr-defined]
        print(f"| stage `{stage}` per cluster | {seconds:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
