"""Tests of the timing benchmark's helpers (benchmarks.timing); its runs themselves are too long."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.timing."""
    return importlib.import_module("benchmarks.timing")


def test_the_previous_version_runs_from_its_own_checkout(bench: ModuleType, tmp_path: Path) -> None:
    src = bench.take_out("HEAD", tmp_path)
    assert (src / "storyline" / "__init__.py").is_file()
    assert bench.imported_from(src) == src / "storyline"


def test_a_folder_without_the_package_is_refused(bench: ModuleType, tmp_path: Path) -> None:
    # storyline then comes from the installed package, not the folder: the run would time the wrong code.
    with pytest.raises(RuntimeError, match="storyline was imported from"):
        bench.imported_from(tmp_path)


def test_a_process_is_timed_with_its_cpu(bench: ModuleType) -> None:
    code = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    outcome = bench.timed_process([sys.executable, "-c", code], {})
    assert outcome["exit"] == 0 and outcome["cpu"] >= 0.25 and outcome["wall"] >= outcome["cpu"] * 0.5


def _row(seconds: float, rouge: float = 38.0) -> dict[str, object]:
    return {
        "clusters": 50,
        "seconds_per_cluster": seconds,
        "cpu_per_cluster": seconds,
        "rouge1": rouge,
        "rouge2": 9.77,
        "stages_per_cluster": {"segment": seconds / 2},
    }


def test_the_table_says_which_targets_are_met(bench: ModuleType) -> None:
    cold = {"median_wall": 2.0, "median_cpu": 2.5, "wall": [2.0, 2.1, 1.9], "cpu": [2.5, 2.5, 2.5]}
    slow = {**cold, "median_wall": 9.0}
    result = {
        "cpus": 2,
        "load_average_at_start": [0.1, 0.1, 0.1],
        "load_average_at_end": [0.2, 0.1, 0.1],
        "versions": {"this": {"commit": "abc"}, "previous": {"commit": "ae572a7"}},
        "cold": {name: {"this": cold, "previous": slow} for name in bench.COMMANDS},
        "per_cluster": {"duc2004": {"this": _row(1.2), "previous": _row(1.9, 38.3), "lexrank": _row(0.5)}},
        "throughput": {"clusters": 5622, "seconds": 550.0, "exit_code": 0},
    }
    text = bench.table(result)
    assert "| `storyline summarize`, cold, s wall (s CPU), median of 3 | 2.00 (2.50) | 9.00 (2.50) |" in text
    assert "<= 4 s and <= half the previous | **yes** |" in text
    assert "<= 2x LexRank | **no** |" in text  # 1.2 s against 2 x 0.5 s
    assert "within 0.1 of the previous | **no** |" in text  # R-1 38.0 against 38.3
    assert "| <= 600 s | **yes** |" in text
    assert "| segment | 0.600 | 0.950 |" in text
