"""`compare`'s time per DUC 2004 cluster: this checkout beside another commit, in one run.

    python -m benchmarks.compare_timing [--base main] [--data ../shared/data] [--limit N] [--out results]

Two worker processes, one importing this checkout's ``src`` and one a copy of ``--base``'s (``git
archive``, put first on its PYTHONPATH), each load the models once and compare a warm-up cluster;
then every DUC 2004 cluster goes to both, in alternating order (base first on even clusters, new
first on odd ones), so that
a busy spell of the shared machine falls on both. Each worker measures ``Pipeline.compare`` from the
articles (clean, segment, embed, align, compare): its wall time, the CPU time of its process, and the
seconds of each stage. The machine's load average is sampled at every cluster.

Writes results/compare-timing.json and .md. Exit codes: 0 done; 2 data missing or a bad --base.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, REPO, RESULTS, Stopwatch

DEFAULT_DATA = DATA
DUC = "duc2004_task2/duc2004_task2.jsonl"


def worker() -> int:
    """Read one cluster (a JSON list of articles) a line from stdin; answer with its timings. Which
    storyline it times is the one its PYTHONPATH puts first (see Worker)."""
    from storyline import Article, Config, Pipeline

    pipeline = Pipeline(Config())
    where = str(Path(sys.modules["storyline"].__file__ or "").parent)
    print(json.dumps({"ready": True, "storyline": where}), flush=True)
    for line in sys.stdin:
        articles = [Article(**item) for item in json.loads(line)]
        pipeline.timings.clear()
        wall, cpu = Stopwatch(), time.process_time()
        comparison = pipeline.compare(articles, on_error="skip")
        answer = {
            "wall": wall.seconds,
            "cpu": time.process_time() - cpu,
            "stages": dict(pipeline.timings),
            "contradictions": len(comparison.contradictions),
        }
        print(json.dumps(answer), flush=True)
    return 0


def base_source(revision: str, into: Path) -> Path:
    """``src`` of a commit, unpacked into a directory."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


class Worker:
    def __init__(self, source: Path) -> None:
        paths = [str(source), str(REPO), os.environ.get("PYTHONPATH", "")]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.compare_timing", "--worker"],
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(REPO),
        )
        self.started = json.loads(self._line())

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("a timing worker stopped; see its messages above")
        return line

    def run(self, articles: list[dict[str, Any]]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(articles) + "\n")
        self.process.stdin.flush()
        return dict(json.loads(self._line()))

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def clusters(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        articles = []
        for document in record["documents"]:
            docno = document["docno"]
            digits = "".join(c for c in docno if c.isdigit())[:8]
            published = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if len(digits) == 8 else None
            articles.append({"id": docno, "text": document["text"], "source": docno, "published": published})
        found.append((record["cluster_id"], articles))
    return found


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    stages = sorted({stage for row in rows for stage in row["stages"]})
    return {
        "wall_mean": round(statistics.mean(row["wall"] for row in rows), 3),
        "wall_median": round(statistics.median(row["wall"] for row in rows), 3),
        "cpu_mean": round(statistics.mean(row["cpu"] for row in rows), 3),
        "cpu_median": round(statistics.median(row["cpu"] for row in rows), 3),
        "stages_mean": {s: round(statistics.mean(row["stages"].get(s, 0.0) for row in rows), 4) for s in stages},
        "contradictions": sum(row["contradictions"] for row in rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="main", help="the commit to compare against")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker()
    if not (args.data / DUC).is_file():
        print(f"compare_timing: {args.data / DUC} missing; pass --data", file=sys.stderr)
        return 2
    work = clusters(args.data / DUC)[: args.limit]
    with tempfile.TemporaryDirectory(prefix="compare-timing-") as scratch:
        try:
            old = base_source(args.base, Path(scratch))
        except subprocess.CalledProcessError as error:
            reason = error.stderr.decode().strip()
            print(f"compare_timing: cannot read src of {args.base!r} ({reason})", file=sys.stderr)
            return 2
        workers = {"base": Worker(old), "new": Worker(REPO / "src")}
        try:
            for name in ("base", "new"):  # warm-up: the models' first call, the gazetteer, caches
                workers[name].run(work[0][1])
            rows: dict[str, list[dict[str, Any]]] = {"base": [], "new": []}
            loads = []
            for number, (cluster_id, articles) in enumerate(work):
                order = ("base", "new") if number % 2 == 0 else ("new", "base")
                for name in order:
                    rows[name].append({"cluster": cluster_id, **workers[name].run(articles)})
                loads.append(os.getloadavg()[0])
                print(
                    f"{number + 1}/{len(work)} {cluster_id}: base {rows['base'][-1]['cpu']:.2f} s CPU, "
                    f"new {rows['new'][-1]['cpu']:.2f} s CPU, load {loads[-1]:.1f}",
                    file=sys.stderr,
                )
        finally:
            for running in workers.values():
                running.close()
    result = {
        "base": args.base,
        "new": subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
        ).stdout.strip(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "clusters": len(work),
        "storyline": {name: running.started["storyline"] for name, running in workers.items()},
        "cpus": os.cpu_count(),
        "load_average": {
            "mean": round(statistics.mean(loads), 2),
            "min": round(min(loads), 2),
            "max": round(max(loads), 2),
        },
        "base_summary": summary(rows["base"]),
        "new_summary": summary(rows["new"]),
        "rows": rows,
    }
    base, new = result["base_summary"], result["new_summary"]
    result["cpu_ratio"] = round(new["cpu_mean"] / base["cpu_mean"], 3)
    result["wall_ratio"] = round(new["wall_mean"] / base["wall_mean"], 3)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "compare-timing.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        "| code | CPU s / cluster (mean) | wall s / cluster (mean) | compare stage s (mean) | contradictions |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, label in (("base", args.base), ("new", result["new"])):
        s = result[f"{name}_summary"]
        lines.append(
            f"| {label} | {s['cpu_mean']:.3f} | {s['wall_mean']:.3f} | {s['stages_mean'].get('compare', 0):.3f} "
            f"| {s['contradictions']} |"
        )
    lines.append("")
    lines.append(
        f"new / base: CPU {result['cpu_ratio']}, wall {result['wall_ratio']}; load average "
        f"{result['load_average']['mean']} (min {result['load_average']['min']}, max {result['load_average']['max']}) "
        f"on {result['cpus']} CPUs"
    )
    markdown = "\n".join(lines) + "\n"
    (args.out / "compare-timing.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
