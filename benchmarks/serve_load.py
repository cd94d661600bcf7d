"""Load on a real server: 20 readers while an ingest runs, and while one large summary runs.

    python -m benchmarks.serve_load [--data ../shared/data] [--readers 20] [--seconds 120] [--runs 2]

Starts ``storyline serve`` (a real uvicorn process) over a new story database, seeds it with the
first DUC 2004 clusters, then, ``--runs`` times over:

- ingest: ``--readers`` threads read (GET /stories pages, GET /stories/{id}, /health) for
  ``--seconds`` while one client posts the next DUC 2004 clusters, one cluster a request;
- summarize: the same readers while one client posts the largest summary the API takes
  (POST /summarize at its caps, DUC 2004 articles), again and again.

Reports per phase the read latencies (p50/p95/p99/max, in ms), errors (5xx, and 503s apart),
articles lost (posted and acknowledged but not in the store: must be 0), and the server's resident
memory after each run. Writes results/serve_load.json and prints a Markdown table. Wall-clock
figures: say whether the machine was busy when quoting them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import DATA, RESULTS, Stopwatch, code_version, read_jsonl, save_results, sha256_file

#: Targets of issue 32 for reads during model work.
P95_TARGET_MS = 300
P99_TARGET_MS = 1000
#: Clusters ingested before the first phase, so that readers have stories to read.
SEED_CLUSTERS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Readers:
    """``count`` threads reading the API until stopped; latencies in ms and errors, per phase."""

    def __init__(self, base: str, count: int, seed: int) -> None:
        self.base = base
        self.count = count
        self.random = random.Random(seed)
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.states: dict[str, int] = {}  # stories answered without a summary yet, or with a stale one
        self.failures = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def _read(self, client: httpx.Client, chooser: random.Random) -> None:
        story_ids: list[int] = []
        while not self._stop.is_set():
            roll = chooser.random()
            if roll < 0.4 or not story_ids:
                path = "/stories?limit=20"
            elif roll < 0.9:
                path = f"/stories/{chooser.choice(story_ids)}"
            else:
                path = "/health"
            clock = Stopwatch()
            try:
                answer = client.get(path)
            except httpx.HTTPError:
                with self._lock:
                    self.failures += 1
                continue
            elapsed = clock.seconds * 1000
            if path.startswith("/stories?") and answer.status_code == 200:
                story_ids = [story["id"] for story in answer.json()["stories"]]
            # How a story was answered, found without parsing it (the readers share the server's CPUs).
            state = None
            if path.startswith("/stories/") and answer.status_code == 200:
                body = answer.content  # quotes inside article texts are escaped, so these are the fields
                state = "preparing" if b'"summary":null' in body else "stale" if b'"updating":true' in body else None
            with self._lock:
                self.latencies.append(elapsed)
                self.statuses[answer.status_code] = self.statuses.get(answer.status_code, 0) + 1
                if state is not None:
                    self.states[state] = self.states.get(state, 0) + 1

    def start(self) -> None:
        self._stop.clear()
        self.latencies, self.statuses, self.states, self.failures = [], {}, {}, 0
        for index in range(self.count):
            chooser = random.Random(self.random.random() + index)

            def run(chooser: random.Random = chooser) -> None:
                with httpx.Client(base_url=self.base, timeout=120) as client:
                    self._read(client, chooser)

            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=180)
        self._threads = []
        server_errors = sum(count for status, count in self.statuses.items() if status >= 500 and status != 503)
        return {
            "reads": len(self.latencies),
            "p50_ms": round(_percentile(self.latencies, 0.50), 1),
            "p95_ms": round(_percentile(self.latencies, 0.95), 1),
            "p99_ms": round(_percentile(self.latencies, 0.99), 1),
            "max_ms": round(max(self.latencies, default=float("nan")), 1),
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "server_errors": server_errors,
            "busy_503": self.statuses.get(503, 0),
            "stories_preparing": self.states.get("preparing", 0),
            "stories_stale": self.states.get("stale", 0),
            "connection_failures": self.failures,
        }


def _articles(cluster: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "id": f"{cluster['cluster_id']}-{document['docno']}",
            "text": document["text"],
            "source": document["docno"][:3],
        }
        for document in cluster["documents"]
    ]


def _post(client: httpx.Client, path: str, body: object) -> httpx.Response:
    """POST, waiting out 503s (the server's queue is full) as Retry-After asks."""
    while True:
        answer = client.post(path, json=body)
        if answer.status_code != 503:
            return answer
        time.sleep(float(answer.headers.get("retry-after", "1")))


def _summarized(client: httpx.Client, story_id: int, timeout: float = 600) -> None:
    """Read a story until its summary is made (a read answers at once and has it made in the background)."""
    deadline = time.monotonic() + timeout
    while client.get(f"/stories/{story_id}").json()["updating"]:
        if time.monotonic() > deadline:
            raise SystemExit(f"serve_load: story {story_id} got no summary in {timeout:.0f} s")
        time.sleep(0.5)


def _idle_rss_mb(client: httpx.Client, pid: int, timeout: float = 600) -> tuple[float, float]:
    """The server's resident memory once it is idle: no model work queued or running (a background
    summary holds the models' working memory while it runs) for two seconds. Returns the memory and
    the seconds waited for it."""
    clock = Stopwatch()
    quiet_since: float | None = None
    while clock.seconds < timeout:
        if client.get("/health").json()["model_work"] == 0:
            quiet_since = clock.seconds if quiet_since is None else quiet_since
            if clock.seconds - quiet_since >= 2:
                return _rss_mb(pid), round(clock.seconds, 1)
        else:
            quiet_since = None
        time.sleep(0.25)
    raise SystemExit(f"serve_load: the server was still busy {timeout:.0f} s after the readers stopped")


def _open_files(pid: int) -> int:
    """Files (SQLite connections among them) a process holds open (Linux /proc)."""
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def _ingest_phase(client: httpx.Client, clusters: Iterator[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Post clusters one a request for ``seconds``; count what was sent and what the server acknowledged."""
    sent = acknowledged = added = requests = 0
    clock = Stopwatch()
    for cluster in clusters:
        if clock.seconds > seconds:
            break
        articles = _articles(cluster)
        answer = _post(client, "/articles", articles)
        requests += 1
        sent += len(articles)
        if answer.status_code == 200:
            data = answer.json()
            acknowledged += data["added"] + data["duplicates"] + data["unchanged"] + data["skipped"]
            added += data["added"]
    return {"requests": requests, "articles_sent": sent, "articles_acknowledged": acknowledged, "articles_added": added}


def _summarize_phase(client: httpx.Client, articles: list[dict[str, str]], seconds: float) -> dict[str, Any]:
    """Post the largest summary the API takes, again and again, for ``seconds``."""
    from storyline.api import MAX_SUMMARIZE_ARTICLES, MAX_SUMMARIZE_WORDS

    chosen: list[dict[str, str]] = []
    words = 0
    for article in articles:
        count = len(article["text"].split())
        if len(chosen) == MAX_SUMMARIZE_ARTICLES or words + count > MAX_SUMMARIZE_WORDS:
            break
        chosen.append({"text": article["text"]})
        words += count
    done, took = 0, []
    clock = Stopwatch()
    while clock.seconds < seconds:
        one = Stopwatch()
        answer = _post(client, "/summarize", {"articles": chosen, "compare": True})
        took.append(round(one.seconds, 1))
        done += answer.status_code == 200
    return {"articles": len(chosen), "words": words, "summaries": done, "seconds_each": took}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    parser.add_argument("--runs", type=int, default=2, help="runs of both phases (memory is read after each)")
    parser.add_argument("--seed", type=int, default=32)
    parser.add_argument("--output", type=Path, default=RESULTS / "serve_load.json")
    args = parser.parse_args(argv)
    path = args.data / "duc2004_task2" / "duc2004_task2.jsonl"
    if not path.is_file():
        print(f"serve_load: {path} not found: give --data, the folder holding duc2004_task2/", file=sys.stderr)
        return 2
    clusters = list(read_jsonl(path))
    folder = Path(tempfile.mkdtemp(prefix="serve-load-"))
    port = _free_port()
    command = shutil.which("storyline", path=str(Path(sys.executable).parent)) or "storyline"
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [command, "serve", "--db", str(folder / "load.db"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "code_version": code_version(),
        "data": {"path": str(path), "sha256": sha256_file(path)},
        "readers": args.readers,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "runs": [],
    }
    try:
        with httpx.Client(base_url=base, timeout=600) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/health")
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit(f"serve_load: the server did not start; see {folder / 'server.log'}") from None
                    time.sleep(0.2)
            stream = iter(clusters)
            seeded = _ingest_phase(client, (next(stream) for _ in range(SEED_CLUSTERS)), float("inf"))
            for story in client.get("/stories", params={"limit": 100}).json()["stories"]:
                _summarized(client, story["id"])  # each seed story's summary made once, before reading
            results["seeded"] = seeded
            pool = [article for cluster in clusters[-6:] for article in _articles(cluster)]
            readers = Readers(base, args.readers, args.seed)
            for run in range(args.runs):
                row: dict[str, Any] = {"run": run + 1}
                readers.start()
                row["ingest"] = _ingest_phase(client, stream, args.seconds)
                row["ingest_reads"] = readers.stop()
                readers.start()
                row["summarize"] = _summarize_phase(client, pool, args.seconds)
                row["summarize_reads"] = readers.stop()
                totals = {
                    key: seeded[key] + sum(previous["ingest"][key] for previous in [*results["runs"], row])
                    for key in ("articles_sent", "articles_acknowledged", "articles_added")
                }
                row["stored"] = client.get("/health").json()["articles"]
                # Lost: sent but not acknowledged, or acknowledged as added but not in the store.
                row["articles_lost"] = (totals["articles_sent"] - totals["articles_acknowledged"]) + (
                    totals["articles_added"] - row["stored"]
                )
                row["server_rss_mb"] = round(_rss_mb(server.pid), 1)  # as the run ends, work maybe in flight
                idle, waited = _idle_rss_mb(client, server.pid)
                row["server_idle_rss_mb"], row["idle_after_s"] = round(idle, 1), waited
                row["server_open_files"] = _open_files(server.pid)
                results["runs"].append(row)
                print(json.dumps(row), file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    save_results(args.output, results)
    print(
        "| run | phase | reads | p50 ms | p95 ms | p99 ms | max ms | 5xx | 503 | no summary yet | stale | lost "
        "| server RSS MB at the end | idle | open files |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in results["runs"]:
        for phase in ("ingest", "summarize"):
            reads = row[f"{phase}_reads"]
            print(
                f"| {row['run']} | {phase} | {reads['reads']} | {reads['p50_ms']} | {reads['p95_ms']} | "
                f"{reads['p99_ms']} | {reads['max_ms']} | {reads['server_errors']} | {reads['busy_503']} | "
                f"{reads['stories_preparing']} | {reads['stories_stale']} | {row['articles_lost']} | "
                f"{row['server_rss_mb']} | {row['server_idle_rss_mb']} | {row['server_open_files']} |"
            )
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
