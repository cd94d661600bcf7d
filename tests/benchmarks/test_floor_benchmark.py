"""Tests of the models' floor (benchmarks.floor, issue 37): the figures it adds up are real model
time on real clusters, and its table says which target a floor already exceeds."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.floor."""
    return importlib.import_module("benchmarks.floor")


def _entry(spacy: float, encoder: float, lexrank: float, clusters_in_set: int, cpus: int = 2) -> dict[str, object]:
    floor = (spacy + encoder) / cpus
    return {
        "clusters_in_set": clusters_in_set,
        "clusters": 5,
        "encoder": "all-MiniLM-L6-v2",
        "spacy_cpu_per_cluster": spacy,
        "encoder_cpu_per_cluster": encoder,
        "distinct_sentences_per_cluster": 100.0,
        "tokens_per_cluster": 3000.0,
        "lexrank": {"seconds_per_cluster": lexrank, "cpu_per_cluster": lexrank},
        "floor_wall_per_cluster": floor,
        "floor_wall_whole_set": floor * clusters_in_set,
    }


def test_the_table_says_which_floor_is_over_its_target(bench: ModuleType) -> None:
    result = {
        "code_version": "0123456789abcdef",
        "cpus": 2,
        "load_average_at_start": [0.5, 0.5, 0.5],
        "load_average_at_end": [0.6, 0.5, 0.5],
        "datasets": {
            # DUC 2004: (1.0 + 2.0) / 2 = 1.5 s a cluster, over twice LexRank's 0.5 s.
            "duc2004": _entry(1.0, 2.0, 0.5, 50),
            # Multi-News: 0.1 s a cluster on two cores, 562 s for 5,622 clusters: under 600 s.
            "multinews-test": _entry(0.05, 0.15, 0.01, 5622),
        },
    }
    rows = [line for line in bench.table(result).splitlines() if line.startswith(("| duc2004", "| multi"))]
    assert rows[0].endswith("| yes |") and "1.500" in rows[0] and "<= 2x LexRank = 1.000" in rows[0]
    assert rows[1].endswith("| no |") and "whole set 562 s" in rows[1]


def test_the_models_time_is_measured_on_real_clusters(bench: ModuleType, shared_data: Path) -> None:
    from benchmarks.datasets import DATASETS, LOADERS

    clusters = LOADERS["duc2004"](shared_data / DATASETS["duc2004"].files[0])[:1]
    figures = bench.model_seconds(clusters)
    assert figures["clusters"] == 1
    assert figures["spacy_cpu_per_cluster"] > 0.05 and figures["encoder_cpu_per_cluster"] > 0.05
    # A DUC 2004 cluster: ten articles, a couple of hundred distinct sentences, tens of tokens each.
    assert 100 < figures["distinct_sentences_per_cluster"] < 400
    assert figures["tokens_per_cluster"] > 10 * figures["distinct_sentences_per_cluster"]
