"""The story clustering rule (issue 5): closest member, the undated threshold, the time rule.

Hand-made signals (no model): unit vectors along chosen axes, so every cosine is known.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from storyline.stories import index as cluster
from storyline.stories.index import Signal, StoryIndex

DIMENSION = 16


def axis(*weights: float) -> np.ndarray:
    """A unit vector with the given weights on the first axes."""
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[: len(weights)] = weights
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def signal(name: str, vector: np.ndarray, *, day: date | None = date(2020, 5, 1), undated: bool = False) -> Signal:
    return Signal(name, vector, (), day, (), undated=undated)


def test_the_closest_member_counts_not_only_the_centroid() -> None:
    # A story of two articles far apart (its centroid is between them): an article close to one
    # of them (cosine 0.9) joins, though its cosine to the centroid is only about 0.64 - 0.01.
    index = StoryIndex()
    index.add(signal("a", axis(1, 0, 0)), 1)
    index.add(signal("b", axis(0, 1, 0)), 1)
    near_a = axis(0.9, 0, float(np.sqrt(1 - 0.81)))
    centroid = axis(1, 1, 0)
    assert float(centroid @ near_a) < cluster.JOIN_THRESHOLD
    placed = index.place(signal("c", near_a))
    assert placed.story == 1
    assert placed.score == pytest.approx(0.9, abs=1e-5)


def test_an_undated_article_needs_more_than_a_dated_one() -> None:
    index = StoryIndex()
    index.add(signal("a", axis(1, 0)), 7)
    between = 0.5 * (cluster.JOIN_THRESHOLD + cluster.UNDATED_JOIN_THRESHOLD)
    vector = axis(between, float(np.sqrt(1 - between**2)))
    assert index.place(signal("dated", vector)).story == 7
    assert index.place(signal("undated", vector, undated=True)).story is None
    assert index.place(signal("no day", vector, day=None)).story is None
    assert signal("dated", vector).dated and not signal("x", vector, undated=True).dated


def test_members_are_bounded_and_the_centroid_covers_all() -> None:
    index = StoryIndex()
    for number in range(cluster.MEMBERS_KEPT + 5):
        index.add(signal(f"m{number}", axis(1, number % 3)), 3)
    story = index.get(3)
    assert story.count == cluster.MEMBERS_KEPT + 5
    assert len(story.members) == cluster.MEMBERS_KEPT
    assert np.allclose(story.members[-1].vector, axis(1, (cluster.MEMBERS_KEPT + 4) % 3))


def test_a_story_without_members_is_scored_by_its_centroid() -> None:
    # As read from a store of schema 2 (articles stored without their vectors).
    index = StoryIndex()
    index.add(signal("a", axis(1, 0, 0)), 1)
    index.add(signal("b", axis(0, 1, 0)), 1)
    state = index.get(1)
    state.members = []
    index.put(state)
    assert index.place(signal("c", axis(0.9, 0, float(np.sqrt(1 - 0.81))))).story is None
