"""Tests of the throughput benchmark's helpers (benchmarks/throughput.py); the runs themselves are too long."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.throughput."""
    return importlib.import_module("benchmarks.throughput")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_tree_memory_counts_the_children(bench: ModuleType) -> None:
    # A child holding 200 MB must show in the parent's tree total, not in the parent's own.
    code = "import sys, time; block = bytearray(200 * 2**20); print('ready', flush=True); time.sleep(30)"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE) as child:
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
            alone = bench._tree_rss(child.pid)
            assert alone > 200 * 2**20
            assert bench._tree_rss(os.getpid()) >= alone
        finally:
            child.kill()
            child.wait()


def test_batch_input_has_one_record_per_cluster(bench: ModuleType, tmp_path: Path) -> None:
    clusters = [bench.Cluster("7", ("first text", "second text"), ("ref",)), bench.Cluster("9", ("only",), ("r",))]
    path = tmp_path / "in.jsonl"
    bench.write_input(clusters, path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert records == [{"id": "7", "documents": ["first text", "second text"]}, {"id": "9", "documents": ["only"]}]


def test_table_reports_speed_up_against_one_local_worker(bench: ModuleType) -> None:
    run = {"clusters_per_second": 1.0, "seconds_per_cluster": 1.0, "peak_memory_mb": 900}
    results = {
        "datasets": {
            "duc2004": {
                "clusters": 10,
                "identical_outputs": True,
                "runs": {"local1": {**run, "seconds": 10.0}, "local2": {**run, "seconds": 5.0}},
            }
        }
    }
    text = bench.table(results)
    assert "| duc2004 | 10 | local2 | 5.0 |" in text and "| 2.00x |" in text
    assert "identical across engines: True" in text
