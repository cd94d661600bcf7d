"""The contradiction judge (compare/judge.py): reading its artifact, scoring evidence, refusing bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.compare.judge import DEFAULT_JUDGE, FEATURES, Judge, load_judge, unread
from storyline.errors import ModelLoadError
from storyline.types import Citation, Contradiction


def stump(feature: str, threshold: float, below: float, above: float, base: float = 0.0) -> dict[str, Any]:
    """A judge of one split: log-odds ``base + below`` when the feature is at most ``threshold``."""
    return {
        "version": "test",
        "features": list(FEATURES),
        "threshold": 0.5,
        "model": {
            "kind": "trees",
            "base": base,
            "trees": [
                {
                    "depth": 1,
                    "feature": [FEATURES.index(feature), -1, -1],
                    "threshold": [threshold, 0.0, 0.0],
                    "left": [1, -1, -1],
                    "right": [2, -1, -1],
                    "value": [0.0, below, above],
                }
            ],
        },
    }


def test_a_stump_sends_each_candidate_down_its_side() -> None:
    judge = Judge(stump("dice", 0.5, -2.0, 2.0))
    low, high = unread(), unread()
    low["dice"], high["dice"] = 0.3, 0.8
    confidences = judge.confidences([low, high])
    assert confidences == pytest.approx([1 / (1 + np.exp(2.0)), 1 / (1 + np.exp(-2.0))])


def test_trees_of_two_levels_add_their_leaves() -> None:
    # Tree 1 splits on dice, then on cosine; tree 2 is a stump on kind_number. Log-odds are summed.
    artifact = stump("kind_number", 0.5, -1.0, 1.0, base=0.25)
    artifact["model"]["trees"].insert(
        0,
        {
            "depth": 2,
            "feature": [FEATURES.index("dice"), FEATURES.index("cosine"), -1, -1, -1],
            "threshold": [0.5, 0.7, 0.0, 0.0, 0.0],
            "left": [1, 2, -1, -1, -1],
            "right": [4, 3, -1, -1, -1],
            "value": [0.0, 0.0, -3.0, 0.5, 3.0],
        },
    )
    judge = Judge(artifact)
    rows = []
    for dice, cosine, number in ((0.2, 0.1, 0.0), (0.2, 0.9, 1.0), (0.9, 0.1, 1.0)):
        row = unread()
        row.update(dice=dice, cosine=cosine, kind_number=number)
        rows.append(row)
    matrix = np.array([[row[name] for name in FEATURES] for row in rows])
    assert judge.log_odds(matrix) == pytest.approx([0.25 - 3.0 - 1.0, 0.25 + 0.5 + 1.0, 0.25 + 3.0 + 1.0])


def test_no_candidates_no_confidences() -> None:
    assert Judge(stump("dice", 0.5, -1.0, 1.0)).confidences([]) == []


def test_the_bundled_judge_reads_this_versions_evidence() -> None:
    judge = load_judge()
    assert 0.0 < judge.threshold < 1.0
    confidence = judge.confidences([unread()])[0]
    assert 0.0 <= confidence <= 1.0
    # Small enough to keep in the repository and read at every start.
    assert DEFAULT_JUDGE.stat().st_size < 1_000_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.update(features=list(FEATURES[:-1])), "other evidence"),
        (lambda a: a.update(threshold=1.5), "not in [0, 1]"),
        (lambda a: a["model"].update(kind="forest"), "unknown model kind"),
        (lambda a: a["model"]["trees"][0].update(left=[7, -1, -1]), "does not exist"),
        (lambda a: a["model"]["trees"][0].update(value=[0.0]), "entries"),
        (lambda a: a.pop("threshold"), "not a contradiction judge"),
    ],
)
def test_a_broken_artifact_is_refused_with_what_to_do(change: Any, message: str, tmp_path: Path) -> None:
    artifact = stump("dice", 0.5, -1.0, 1.0)
    change(artifact)
    path = tmp_path / "judge.json"
    path.write_text(json.dumps(artifact), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=re.escape(message)) as raised:
        load_judge(str(path))
    assert "train_judge.py" in str(raised.value) or "[0, 1]" in str(raised.value)


def test_a_missing_artifact_names_the_setting_to_change(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="STORYLINE_JUDGE"):
        load_judge(str(tmp_path / "nothing.json"))


def test_a_contradiction_outside_zero_to_one_is_refused() -> None:
    span = Citation("a", 0, 1)
    assert Contradiction("number", "x", (span, span), 0.0).confidence == 0.0
    with pytest.raises(ValueError, match="confidence"):
        Contradiction("number", "x", (span, span), 1.2)
