"""Tests of the clustering ceiling's scoring (benchmarks/clustering_ceiling.py), on made-up labels, no models."""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np
import pytest

from storyline.types import Article


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.clustering_ceiling."""
    return importlib.import_module("benchmarks.clustering_ceiling")


def _stream(*labels: str) -> tuple[list[Article], dict[str, str]]:
    articles = [Article(f"a{index}", f"text {index}", "test") for index in range(len(labels))]
    return articles, {article.id: label for article, label in zip(articles, labels, strict=True)}


def test_a_copy_counts_alone_plainly_and_in_its_twins_story_strictly(bench: ModuleType) -> None:
    stream, gold = _stream("x", "x", "y", "y")
    score = bench.scorer(stream, gold, {"a3": "a2"})  # a3 repeats a2 word for word: not kept
    plain, strict = score({"a0": 1, "a1": 1, "a2": 2})
    assert strict == pytest.approx(1.0)
    assert plain < 1.0  # a3 alone splits gold cluster y


def test_the_ceiling_finds_the_cut_that_separates_two_groups(bench: ModuleType) -> None:
    stream, gold = _stream("x", "x", "x", "y", "y")
    similarity = np.array(
        [
            [1.0, 0.9, 0.8, 0.1, 0.2],
            [0.9, 1.0, 0.85, 0.2, 0.1],
            [0.8, 0.85, 1.0, 0.3, 0.2],
            [0.1, 0.2, 0.3, 1.0, 0.7],
            [0.2, 0.1, 0.2, 0.7, 1.0],
        ],
        dtype=np.float32,
    )
    best = bench.ceiling(similarity, [article.id for article in stream], bench.scorer(stream, gold, {}))
    assert best["bcubed_f1"] == pytest.approx(1.0)
    assert 0.3 <= best["cut"] <= 0.8  # a cut between the two groups' distances


def test_gold_caps_merge_the_same_topic_pairs_not_told_apart(bench: ModuleType) -> None:
    first, second = bench.DUC_SAME_TOPIC[0]
    stream, gold = _stream(first, first, second, second)
    caps = bench.gold_caps(stream, gold, bench.scorer(stream, gold, {}))
    assert [row["pairs_told_apart"] for row in caps] == list(range(len(bench.DUC_SAME_TOPIC) + 1))
    assert caps[0]["bcubed_f1"] < 1.0  # the pair merged: half of each story is the other cluster
    assert caps[-1]["bcubed_f1"] == pytest.approx(1.0)
