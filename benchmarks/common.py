"""What every benchmark shares: where things are, the code version, file digests, JSON Lines, timing.

The one timing helper is :class:`Stopwatch` (the performance counter: wall-clock seconds, so a
figure taken while other jobs run says so in the report that quotes it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["DATA", "REPO", "RESULTS", "SHARED", "Stopwatch", "UsageError", "code_version", "read_jsonl", "sha256_file"]

#: The repository, the shared folder beside it (data and seeds, never copied in) and the results folder.
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
RESULTS = REPO / "results"


class UsageError(Exception):
    """The command line asks for something that cannot be done."""


class Stopwatch:
    """Seconds since it was started (or last lapped), on the performance counter."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        """Seconds since the start (or the last lap)."""
        return time.perf_counter() - self.started

    def lap(self) -> float:
        """Seconds since the start (or the last lap); starts the next lap."""
        now = time.perf_counter()
        elapsed, self.started = now - self.started, now
        return elapsed


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
