"""How close the summary's integer program comes to its wall-clock limit (Config.solver_seconds).

Usage::

    python -m benchmarks.solver_limit [--datasets duc2004,longbench] [--limit 50] [--data DIR]

Summarizes the first ``--limit`` clusters of each set as given, with the library's default limit
(``storyline.config.SOLVER_SECONDS``) and the layouts benchmark's settings otherwise, and records
every call of the solver (``scipy.optimize.milp``): its CPU and wall-clock seconds, the branch and
bound nodes it searched and whether it stopped at the limit (HiGHS status 1). Wall clock over CPU
time shows how busy the machine was: the limit binds when the load stretches a long program past
it. Each summary is scored with the set's protocol (``benchmarks.scoring``), so a cluster whose
program stopped at the limit can be compared with a run without one (``benchmarks.layouts``).
Prints a line per set and writes ``results/solver-limit.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, RESULTS, code_version
from benchmarks.datasets import DATASETS as SPECS
from benchmarks.datasets import LOADERS, DataMissing, data_paths
from benchmarks.layouts import Runner, mean
from benchmarks.scoring import Scorer


def measure(datasets: Sequence[str], limit: int, data: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    import scipy.optimize

    from storyline.config import SOLVER_SECONDS

    solve = scipy.optimize.milp
    calls: list[dict[str, Any]] = []
    scores: dict[str, dict[str, Any]] = {}

    def timed(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        result = solve(*args, **kwargs)
        calls.append(
            {
                "cpu": round(time.process_time() - cpu, 3),
                "wall": round(time.perf_counter() - wall, 3),
                "nodes": int(getattr(result, "mip_node_count", -1) or 0),
                "at_limit": int(result.status) == 1,
            }
        )
        return result

    scipy.optimize.milp = timed
    try:
        for name in datasets:
            spec = SPECS[name]
            runner = Runner(spec.budget, solver_seconds=SOLVER_SECONDS)
            scorer = Scorer(spec)
            for cluster in LOADERS[name](data_paths(spec, data)[0])[:limit]:
                first = len(calls)
                sentences: list[str] = []
                with contextlib.suppress(runner.error_cls):
                    summary = runner.pipe.summarize(runner.articles("as-given", cluster), on_error="skip")
                    sentences = [sentence.text for sentence in summary.sentences]
                score = scorer.score(cluster, sentences)
                scores[f"{name}:{cluster.id}"] = {
                    "rouge1": round(score["rouge1"], 4),
                    "rouge2": round(score["rouge2"], 4),
                }
                for call in calls[first:]:
                    call["cluster"] = f"{name}:{cluster.id}"
                print(f"{name} {cluster.id}: {len(calls) - first} program(s)", file=sys.stderr, flush=True)
    finally:
        scipy.optimize.milp = solve
    return calls, scores


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="How close the summary's integer program comes to its time limit.")
    parser.add_argument("--datasets", default="duc2004,longbench")
    parser.add_argument("--limit", type=int, default=50, help="clusters per data set (default 50)")
    parser.add_argument("--data", type=Path, default=DATA, help=f"data root (default: {DATA})")
    args = parser.parse_args(argv)
    datasets = [name for name in args.datasets.split(",") if name]
    try:
        calls, scores = measure(datasets, args.limit, args.data)
    except DataMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name in datasets:
        mine = [call for call in calls if call["cluster"].startswith(f"{name}:")]
        if not mine:
            continue
        print(
            f"{name}: {len(mine)} programs, {sum(c['at_limit'] for c in mine)} stopped at the limit "
            f"({', '.join(c['cluster'] for c in mine if c['at_limit']) or 'none'}); "
            f"CPU s max {max(c['cpu'] for c in mine):.2f}, wall s max {max(c['wall'] for c in mine):.2f}, "
            f"nodes max {max(c['nodes'] for c in mine)}; "
            f"R-1 {mean([v['rouge1'] for k, v in scores.items() if k.startswith(f'{name}:')]):.2f}, "
            f"R-2 {mean([v['rouge2'] for k, v in scores.items() if k.startswith(f'{name}:')]):.2f}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"code_version": code_version(), "clusters_per_dataset": args.limit, "calls": calls, "scores": scores}
    (RESULTS / "solver-limit.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
