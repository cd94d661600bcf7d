"""What every benchmark shares: where things are, the code version, file digests, JSON Lines, timing.

The one timing helper is :class:`Stopwatch` (the performance counter: wall-clock seconds, so a
figure taken while other jobs run says so in the report that quotes it; and the CPU seconds of this
process and of its finished child processes, which other jobs on the machine disturb far less).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import resource
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "DATA",
    "REPO",
    "RESULTS",
    "SHARED",
    "Stopwatch",
    "UsageError",
    "code_version",
    "read_jsonl",
    "save_results",
    "sha256_file",
]

#: The repository, the shared folder beside it (data and seeds, never copied in) and the results folder.
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
RESULTS = REPO / "results"


class UsageError(Exception):
    """The command line asks for something that cannot be done."""


class Stopwatch:
    """Seconds since it was started (or last lapped), on the performance counter; and CPU seconds."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.children_started = _children_cpu()

    @property
    def seconds(self) -> float:
        """Seconds since the start (or the last lap)."""
        return time.perf_counter() - self.started

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds (user + system, all threads) of this process since the start (or the last lap)."""
        return time.process_time() - self.cpu_started

    @property
    def children_cpu_seconds(self) -> float:
        """CPU seconds (user + system) of the child processes that ended, and were waited for, since
        the start (or the last lap): a whole process's CPU time, timed from its parent."""
        return _children_cpu() - self.children_started

    def lap(self) -> float:
        """Seconds since the start (or the last lap); starts the next lap (of the CPU seconds too)."""
        now = time.perf_counter()
        elapsed, self.started = now - self.started, now
        self.cpu_started, self.children_started = time.process_time(), _children_cpu()
        return elapsed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def code_version() -> str:
    """The repository's commit, with ``+dirty`` when tracked files have changes ("unknown" without git)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        except OSError:
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def save_results(path: Path, results: dict[str, Any]) -> None:
    """Write a benchmark's results as indented JSON to ``path`` (its folder made if need be), with the
    machine's load average at the end (``load_average_at_end``) added to them."""
    results["load_average_at_end"] = os.getloadavg()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
