"""Tests of the value ceiling's stand-in model and label (benchmarks/value_ceiling.py), no models or data."""

from __future__ import annotations

import importlib
import itertools
from types import ModuleType, SimpleNamespace

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.value_ceiling."""
    return importlib.import_module("benchmarks.value_ceiling")


def _shipped() -> SimpleNamespace:
    return SimpleNamespace(features=("lead",), encoder=None)


def test_the_label_is_the_mean_of_unigram_and_bigram_precision(bench: ModuleType) -> None:
    tokens = ["storm", "hit", "the", "coast"]
    reference = ["the", "storm", "hit", "a", "town"]
    unigrams, bigrams = set(reference), set(itertools.pairwise(reference))
    # 3 of 4 tokens and 1 of 3 pairs ("storm hit") are in the reference: (3 + 1) / 8.
    assert bench.value_label(tokens, unigrams, bigrams) == pytest.approx(0.5)
    assert bench.value_label([], unigrams, bigrams) == 0.0


def test_at_correlation_one_the_stand_in_gives_the_standardised_label(bench: ModuleType) -> None:
    model = bench.NoisyLabel(_shipped(), 1.0, seed=0)
    model.labels = np.array([0.1, 0.3, 0.5])
    assert model.predict(None, None) == pytest.approx([-1.2247449, 0.0, 1.2247449])


@pytest.mark.parametrize("correlation", [0.3, 0.5, 0.7])
def test_the_stand_in_correlates_with_the_label_as_asked(bench: ModuleType, correlation: float) -> None:
    model = bench.NoisyLabel(_shipped(), correlation, seed=1)
    model.labels = np.random.default_rng(2).random(40_000)
    scores = model.predict(None, None)
    assert np.corrcoef(scores, model.labels)[0, 1] == pytest.approx(correlation, abs=0.02)


@pytest.mark.parametrize(
    ("option", "value"), [("--correlations", "0"), ("--correlations", "high"), ("--curve", "9000"), ("--curve", "x")]
)
def test_a_bad_option_is_refused_with_a_message(
    bench: ModuleType, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        bench.main([option, value])
    assert stop.value.code == 2
    assert f"argument {option}:" in capsys.readouterr().err


def test_the_per_cluster_choice_keeps_the_summary_with_more_rouge_2(bench: ModuleType) -> None:
    first = {"250_fmeasure": np.array([[40.0, 10.0], [50.0, 20.0], [30.0, 5.0]])}
    second = {"250_fmeasure": np.array([[42.0, 12.0], [45.0, 15.0], [31.0, 5.0]])}
    # Cluster 1 keeps the second (12 > 10), cluster 2 the first (20 > 15), cluster 3 the second (a tie).
    assert bench.best_of(first, second) == {"250_fmeasure": [pytest.approx(41.0), pytest.approx(12.33)]}
    assert bench.means(first) == {"250_fmeasure": [40.0, 11.67]}
