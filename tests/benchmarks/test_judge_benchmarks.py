"""Tests of the contradiction judge's benchmarks: its training data, its training and export, and
the labelled precision set (benchmarks/judge_data.py, train_judge.py, judge_precision.py). No models
and no third-party data, but for the labelled table, which is ours."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from benchmarks import judge_data, judge_precision, train_judge
from storyline.compare.judge import FEATURES, Judge
from storyline.types import Entity, Sentence
from tests.conftest import REPO


@pytest.fixture(scope="module")
def data() -> ModuleType:
    return judge_data


@pytest.fixture(scope="module")
def training() -> ModuleType:
    return train_judge


@pytest.fixture(scope="module")
def precision() -> ModuleType:
    return judge_precision


@pytest.mark.parametrize(
    ("tokens", "written"),
    [
        ("Yucaipa owned Dominick 's before selling the chain .", "Yucaipa owned Dominick's before selling the chain."),
        ("It sold for $ 2.5 billion , up 4.4 % .", "It sold for $2.5 billion, up 4.4%."),
        ('He called him "" the witness "" , reports said .', 'He called him "the witness", reports said.'),
        ("They do n't know ( yet ) .", "They don't know (yet)."),
    ],
)
def test_the_paraphrase_corpus_tokens_are_written_back(data: ModuleType, tokens: str, written: str) -> None:
    assert data.detokenize(tokens) == written


def sentence(text: str, entities: tuple[Entity, ...] = (), article: str = "a") -> Sentence:
    return Sentence(f"{article}:s0", article, 0, text, 0, len(text), 0, entities)


def test_a_shared_figure_is_changed_and_told_other_ways(data: ModuleType) -> None:
    mine = sentence("The fire killed 52 people and injured 12 others.")
    theirs = sentence("Officials said 52 people died in the fire.", article="b")
    changes = data.number_changes(mine, theirs, random.Random(0))
    kinds = {change.kind for change in changes}
    assert "number" in kinds and "variant-rounding" in kinds
    for change in changes:
        assert mine.text[change.start : change.end] == "52"  # only the shared figure, not the 12
        assert change.label == (0 if change.kind.startswith("variant") else 1)
    [altered] = [c for c in changes if c.kind == "number"]
    assert altered.new != "52" and altered.new.isdigit()
    [rounded] = [c for c in changes if c.kind == "variant-rounding"]
    assert rounded.new == "about 50"


def test_a_month_is_moved_or_refined(data: ModuleType) -> None:
    text = "The talks began in October in Vienna."
    month = Entity("October", "DATE", text.index("October"), text.index("October") + 7)
    mine = sentence(text, (month,))
    other_text = "Talks started in October."
    theirs = sentence(other_text, (Entity("October", "DATE", 17, 24),), article="b")
    changes = data.date_changes(mine, theirs, random.Random(1))
    [moved] = [c for c in changes if c.kind == "date"]
    [refined] = [c for c in changes if c.kind == "variant-refined"]
    assert moved.new in {m.capitalize() for m in data._MONTHS} and moved.new != "October"
    assert refined.start == refined.end == month.start and refined.new in ("mid-", "early ", "late ")


def test_a_not_is_put_in_or_taken_out(data: ModuleType) -> None:
    [added] = data.negation_changes(sentence("The bridge was closed on Tuesday."))
    assert (added.new, added.start) == (" not", len("The bridge was"))
    [removed] = data.negation_changes(sentence("The bridge was not closed."))
    assert removed.new == "" and "The bridge was not closed."[removed.start : removed.end] == " not"


def test_the_exported_trees_give_scikit_learns_probabilities(training: ModuleType) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 3] + 0.5 * x[:, 7] * x[:, 1] + rng.normal(scale=0.3, size=400) > 0).astype(np.int64)
    model = training.fit_trees(x, y, seed=0)
    artifact = {"version": "t", "features": list(FEATURES), "threshold": 0.5, "model": training.export_trees(model, 3)}
    judge = Judge(json.loads(json.dumps(artifact)))  # through JSON, as the bundled artifact is read
    ours = 1 / (1 + np.exp(-judge.log_odds(x)))
    assert ours == pytest.approx(model.predict_proba(x)[:, 1], abs=1e-5)


def test_the_threshold_lets_the_asked_share_of_negatives_through(training: ModuleType) -> None:
    scores = np.linspace(0.0, 1.0, 101)
    negatives = np.ones(101, dtype=bool)
    threshold = training.threshold_for(scores, negatives, 0.05)
    assert (scores[negatives] >= threshold).mean() <= 0.05
    assert (scores[negatives] >= threshold - 0.011).mean() > 0.05  # the lowest such threshold


def test_average_precision_and_auc_of_a_perfect_and_a_reversed_ranking(training: ModuleType) -> None:
    labels = np.array([1, 1, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    assert training.average_precision(scores, labels) == pytest.approx(1.0)
    assert training.roc_auc(scores, labels) == pytest.approx(1.0)
    assert training.roc_auc(-scores, labels) == pytest.approx(0.0)


def test_wilson_interval(precision: ModuleType) -> None:
    # 8 of 10: the 95% Wilson interval is about 0.49-0.94 (Wilson 1927; the usual tables).
    low, high = precision.wilson(8, 10)
    assert (round(low, 2), round(high, 2)) == (0.49, 0.94)
    assert precision.wilson(0, 0) == (0.0, 1.0)


def test_precision_counts_only_what_is_reported(precision: ModuleType) -> None:
    rows = [(0.9, True), (0.8, True), (0.7, False), (0.2, True)]
    point = precision.precision_at(rows, 0.75)
    assert (point["reported"], point["right"], point["precision"]) == (2, 2, 1.0)
    assert precision.precision_at(rows, 0.95)["precision"] is None


def test_our_label_table_is_complete_and_carries_no_long_text(precision: ModuleType) -> None:
    path = REPO / "benchmarks" / "judge_labels.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert tuple(rows[0]) == precision.LABEL_FIELDS
    assert len(rows) >= 80 and {row["label"] for row in rows} == {"right", "wrong"}
    assert all(row["reason"] for row in rows)
    assert all(len(row["side_a"]) <= 60 and len(row["side_b"]) <= 60 for row in rows)
    keys = [(r["dataset"], r["cluster"], r["kind"], r["span_a"], r["span_b"]) for r in rows]
    assert len(set(keys)) == len(keys)
    assert len(precision.read_labels(path)) == len(rows)


def test_a_label_other_than_right_or_wrong_is_refused(precision: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    row = ["held-out", "duc2004", "c", "number", "a:0-1", "b:0-1", "x", "y", "maybe", "why"]
    path.write_text("\t".join(precision.LABEL_FIELDS) + "\n" + "\t".join(row) + "\n")
    with pytest.raises(ValueError, match="right or wrong"):
        precision.read_labels(path)


def test_a_label_follows_its_sentences_when_their_bounds_move(precision: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    lines = [
        ["held-out", "duc2004", "c", "number", "a:100-200", "b:50-90", "95 miles", "25 miles", "wrong", "two places"],
        ["held-out", "duc2004", "c", "date", "a:300-400", "b:10-40", "May", "June", "right", "one launch"],
    ]
    path.write_text("\n".join("\t".join(row) for row in [list(precision.LABEL_FIELDS), *lines]) + "\n")
    labels = precision.read_labels(path)

    def row(kind: str, span_a: str, span_b: str, side_a: str, side_b: str) -> Any:
        return precision.Row("held-out", "duc2004", "c", kind, span_a, span_b, side_a, side_b, ())

    exact, by_spans = precision.find_label(row("number", "a:100-200", "b:50-90", "95 miles", "25 miles"), labels)
    assert exact is not None and by_spans and not exact.right
    moved, by_spans = precision.find_label(row("date", "b:0-45", "a:310-420", "June", "May"), labels)
    assert moved is not None and not by_spans and moved.right
    # other values, or sentences that no longer overlap, are not the labelled pair
    assert precision.find_label(row("date", "a:310-420", "b:0-45", "May", "July"), labels)[0] is None
    assert precision.find_label(row("date", "a:400-500", "b:0-45", "May", "June"), labels)[0] is None
