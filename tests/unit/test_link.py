"""The learned link of clustering link.v1 (issue 36): the shipped model, its calibration, the time rule.

The model file is the one in the package (fitted by benchmarks/learn_link.py on Multi-News val);
the articles are hand-made signals, so what the model is asked is known.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import numpy as np
import pytest

from storyline.errors import ConfigError
from storyline.stories.index import Signal, StoryIndex
from storyline.stories.link import LINK_FEATURES, LINK_MODEL, LinkModel, load_link_model

DIMENSION = 16
WORDS = tuple((f"word{number}", 1.0) for number in range(12))


def axis(*weights: float) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[: len(weights)] = weights
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def signal(name: str, vector: np.ndarray, *, day: date | None = None, words: int = 12, names: int = 2) -> Signal:
    """An article with the first ``words`` of the story's words (the rest its own) and ``names`` of its names."""
    own = tuple((f"{name}word{number}", 1.0) for number in range(12 - words))
    entities = (*("harbor authority", "kestrel bridge")[:names], f"{name} person")
    return Signal(name, vector, entities, day, WORDS[:words] + own, undated=day is None)


def test_the_shipped_model_loads_and_says_what_it_was_trained_on() -> None:
    model = load_link_model()
    assert model.name == LINK_MODEL and model.features == LINK_FEATURES
    data = json.loads((resources.files("storyline") / "weights" / f"{LINK_MODEL}.json").read_text(encoding="utf-8"))
    assert "Multi-News val" in data["trained_on"] and "test" not in data["trained_on"]
    assert data["script"].startswith("python -m benchmarks.learn_link")
    assert data["calibration"]["method"] == "isotonic"


def test_probabilities_are_probabilities_and_grow_with_the_evidence() -> None:
    model = load_link_model()
    index = StoryIndex()
    for number in range(3):
        index.add(signal(f"m{number}", axis(1, 0.05 * number)), 1)
    index.add(signal("other", axis(0, 0, 1), words=0), 2)  # another story, so word rarity means something
    story = index.get(1)
    # More evidence each step: a nearer vector, more of the story's words and names.
    steps = ((0.2, 0, 0), (0.5, 3, 0), (0.8, 8, 1), (0.99, 12, 2))
    found = []
    for cosine, words, names in steps:
        vector = axis(cosine, float(np.sqrt(1 - cosine * cosine)))
        found.append(float(index.link(signal("a", vector, words=words, names=names), [(story, cosine)], model)[0]))
    assert all(0.0 <= value <= 1.0 for value in found)
    assert found == sorted(found) and found[-1] > 0.5 > found[0]
    unlike = float(index.link(signal("b", axis(0.99, 0.14), words=0, names=0), [(story, 0.99)], model)[0])
    assert unlike < found[-1]  # the same vector without a word or name in common is less likely the same event


def test_a_dated_article_weeks_away_from_a_story_is_less_likely_to_belong() -> None:
    model = load_link_model()
    index = StoryIndex()
    for number in range(3):
        index.add(signal(f"m{number}", axis(1, 0.05 * number), day=date(2020, 5, number + 1)), 1)
    story = index.get(1)
    near = float(index.link(signal("near", axis(1, 0.02), day=date(2020, 5, 6)), [(story, 0.99)], model)[0])
    late = float(index.link(signal("late", axis(1, 0.02), day=date(2020, 8, 1)), [(story, 0.99)], model)[0])
    assert late < near
    placed = index.place_linked(signal("near", axis(1, 0.02), day=date(2020, 5, 6)), model)
    assert placed.story == 1 and placed.score == pytest.approx(near)


def test_only_the_days_articles_carry_count_for_the_time_rule() -> None:
    # An undated article's day is the day it arrived: a story of undated articles ingested today
    # says nothing against an article dated years before (the seeds), nor does an undated
    # article's arrival day against a dated story.
    from dataclasses import replace

    model = load_link_model()
    index = StoryIndex()
    for number in range(3):
        arrived = signal(f"m{number}", axis(1, 0.05 * number), day=date(2026, 12, 7))
        index.add(replace(arrived, undated=True), 1)
    story = index.get(1)
    dated = signal("dated", axis(1, 0.02), day=date(2014, 11, 7))
    undated = signal("undated", axis(1, 0.02))
    alike = float(index.link(dated, [(story, 0.99)], model)[0])
    assert alike == pytest.approx(float(index.link(undated, [(story, 0.99)], model)[0]))
    later = StoryIndex()
    for number in range(3):
        later.add(signal(f"m{number}", axis(1, 0.05 * number), day=date(2020, 5, number + 1)), 1)
    arriving = replace(signal("arriving", axis(1, 0.02)), day=date(2026, 12, 7), undated=True)
    assert float(later.link(arriving, [(later.get(1), 0.99)], model)[0]) == pytest.approx(alike)


def test_a_missing_model_is_a_config_error_and_calibration_interpolates() -> None:
    with pytest.raises(ConfigError, match="cannot be loaded"):
        load_link_model("no-such-model")
    width = len(LINK_FEATURES)
    model = LinkModel("m", LINK_FEATURES, (0.0,) * width, (1.0,) * width, (0.0,) * width, 0.0, (-1.0, 1.0), (0.2, 0.9))
    assert model.probability([[0.0] * width])[0] == pytest.approx(0.55)
