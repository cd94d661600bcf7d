"""The second look at stories after a batch (issue 36): merge two stories of one event, split one of two.

Pure logic over a story index of hand-made signals and a made-up link (an article belongs to a
story when its closest member's cosine is at least 0.7), so every decision is known in advance.
The shipped link model and the store's moves are tested in test_store.py and test_link.py.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from storyline.stories.index import Signal, StoryIndex
from storyline.stories.link import LINK_FEATURES, LinkModel
from storyline.stories.revisit import MIN_SPLIT, merge_for, split_for

DIMENSION = 16


def axis(*weights: float) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[: len(weights)] = weights
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def signal(name: str, vector: np.ndarray) -> Signal:
    return Signal(name, vector, (), date(2020, 5, 1))


def closest_at(cosine: float) -> LinkModel:
    """A link whose probability passes 0.5 exactly where the closest member's cosine passes ``cosine``."""
    coef = [0.0] * len(LINK_FEATURES)
    coef[LINK_FEATURES.index("closest")] = 10.0
    zeros = (0.0,) * len(LINK_FEATURES)
    ones = (1.0,) * len(LINK_FEATURES)
    return LinkModel("test", LINK_FEATURES, zeros, ones, tuple(coef), -10.0 * cosine, (-1.0, 1.0), (0.0, 1.0))


LINK = closest_at(0.7)


def test_the_made_up_link_is_what_the_tests_say() -> None:
    index = StoryIndex()
    index.add(signal("a", axis(1, 0)), 1)
    near, far = axis(0.8, 0.6), axis(0.6, 0.8)
    story = index.get(1)
    assert index.link(signal("near", near), [(story, 0.8)], LINK)[0] > 0.5
    assert index.link(signal("far", far), [(story, 0.6)], LINK)[0] < 0.5


def test_two_stories_of_one_event_merge_into_the_older() -> None:
    index = StoryIndex()
    index.add(signal("a1", axis(1, 0)), 1)
    index.add(signal("a2", axis(1, 0.1)), 1)
    index.add(signal("b1", axis(1, 0.3)), 2)
    move = merge_for(index, 2, LINK)
    assert move is not None
    assert (move.kind, move.story, move.into, move.articles) == ("merge", 2, 1, ("b1",))
    assert move.probability > 0.5
    # Looked at from the other side, the same merge: the smaller story moves.
    again = merge_for(index, 1, LINK)
    assert again is not None and (again.story, again.into) == (2, 1)


def test_stories_of_two_events_do_not_merge() -> None:
    index = StoryIndex()
    index.add(signal("a1", axis(1, 0)), 1)
    index.add(signal("b1", axis(0.6, 0.8)), 2)
    assert merge_for(index, 2, LINK) is None
    assert merge_for(index, 1, LINK) is None


def test_a_story_of_two_groups_splits_and_the_first_article_keeps_its_story() -> None:
    index = StoryIndex()
    for name, vector in (
        ("a1", axis(1, 0, 0)),
        ("b1", axis(0, 1, 0)),
        ("a2", axis(1, 0, 0.1)),
        ("b2", axis(0, 1, 0.1)),
    ):
        index.add(signal(name, vector), 5)
    move = split_for(index, 5, LINK)
    assert move is not None
    assert (move.kind, move.story, move.into) == ("split", 5, None)
    assert sorted(move.articles) == ["b1", "b2"]
    assert move.probability < 0.5


def test_a_story_of_one_event_does_not_split() -> None:
    index = StoryIndex()
    for number in range(6):
        index.add(signal(f"a{number}", axis(1, 0.05 * number)), 5)
    assert split_for(index, 5, LINK) is None


def test_small_stories_and_stories_with_unknown_members_are_left_alone() -> None:
    index = StoryIndex()
    for number, vector in enumerate([axis(1, 0), axis(0, 1), axis(1, 0.1)][: MIN_SPLIT - 1]):
        index.add(signal(f"s{number}", vector), 1)
    assert split_for(index, 1, LINK) is None
    # A story read back from an old file: more articles than members known. Nothing moves out of it.
    index.add(signal("x1", axis(0, 0, 1)), 2)
    state = index.get(2)
    state.count += 3
    index.put(state)
    index.add(signal("y1", axis(0, 0.1, 1)), 3)
    index.add(signal("y2", axis(0, 0.1, 1)), 3)
    merge = merge_for(index, 2, LINK)
    assert merge is None or merge.story != 2
