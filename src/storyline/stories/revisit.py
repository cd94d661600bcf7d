"""A second look at stories after each batch: two stories of one event merge, a story of two splits.

Knows the story index and the learned link, not storage: it proposes moves of whole groups of
articles and the store makes them (keeping every article's id; a merged story's id points at the
survivor). An article is placed once, when it arrives, against the stories as they are then; the
first articles of an event often arrive before there is much to place them by, so two stories of
one event form, or one story gathers two events that looked alike from their first articles. The
link that placed each article judges here whole groups, with what has arrived since:

- *merge*: a story and one of its nearest stories (by centroid) merge when the smaller one's
  articles, each placed against the larger, have a mean link probability of at least
  :data:`MERGE_THRESHOLD`; the larger story keeps its id (ties: the older);
- *split*: a story of at least :data:`MIN_SPLIT` articles is cut in two by average-link
  agglomeration of its articles (lead-vector cosine plus weighted content-word cosine, as the
  closest-member score adds them); it splits when each part's articles, placed against the other
  part, have a mean link probability under :data:`SPLIT_THRESHOLD`. The part holding the story's
  first article keeps the id.

The thresholds were chosen on the first 2,000 Multi-News *validation* clusters (re-run
``benchmarks/clustering.py --sets multinews --split val`` after changing one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyline.stories.index import WORD_WEIGHT, Member, Signal, StoryIndex, StoryState
from storyline.stories.link import LinkModel

__all__ = ["MERGE_CANDIDATES", "MERGE_THRESHOLD", "MIN_SPLIT", "SPLIT_THRESHOLD", "Move", "merge_for", "split_for"]

#: A smaller story merges into a near one when its articles' mean link probability to it reaches this.
MERGE_THRESHOLD = 0.5
#: A story splits when both parts' mean link probability to the other is under this (below the
#: join threshold, so a story just formed is not undone by the next batch for a hair's difference).
SPLIT_THRESHOLD = 0.3
#: Stories of fewer articles are not split (two or three articles are one pair or an outlier).
MIN_SPLIT = 4
#: Nearest stories (by centroid) a story is compared with for a merge.
MERGE_CANDIDATES = 4


@dataclass(frozen=True, slots=True)
class Move:
    """Articles leaving a story: all of them into another (merge) or a group into a new story (split)."""

    kind: Literal["merge", "split"]
    story: int  # the story they leave
    into: int | None  # the story they join; None: a new one
    articles: tuple[str, ...]
    probability: float  # the mean link probability the decision was taken on


def _known(story: StoryState) -> bool:
    """Whether every article of the story is a member known in full (id, vector, words, names)."""
    return story.count == len(story.members) and all(member.article_id for member in story.members)


def _state(members: Sequence[Member], story_id: int = -1) -> StoryState:
    state = StoryState(story_id, np.zeros_like(members[0].vector), 0)
    for member in members:
        state.absorb(member.signal)
    return state


def _centroid(story: StoryState) -> np.ndarray:
    return story.vector_sum / max(float(np.linalg.norm(story.vector_sum)), 1e-12)


def _mean_link(index: StoryIndex, members: Sequence[Member], story: StoryState, model: LinkModel) -> float:
    """Mean link probability of ``members`` (each as an arriving article) to ``story``."""
    centroid = _centroid(story)
    total = 0.0
    for member in members:
        signal = member.signal
        total += float(index.link(signal, [(story, float(centroid @ signal.vector))], model)[0])
    return total / len(members)


def merge_for(index: StoryIndex, story_id: int, model: LinkModel) -> Move | None:
    """The merge of a story with one of its nearest stories, if the link says they are one event."""
    story = index.get(story_id)
    query = Signal("", _centroid(story).astype(np.float32))
    best: Move | None = None
    for other, _ in index.candidates(query, MERGE_CANDIDATES + 1):
        if other.id == story.id:
            continue
        small, large = sorted((story, other), key=lambda state: (state.count, -state.id))
        if not _known(small):
            continue
        probability = _mean_link(index, small.members, large, model)
        if probability >= MERGE_THRESHOLD and (best is None or probability > best.probability):
            articles = tuple(member.article_id for member in small.members)
            best = Move("merge", small.id, large.id, articles, probability)
    return best


def split_for(index: StoryIndex, story_id: int, model: LinkModel) -> Move | None:
    """The split of a story into two groups of articles, if the link says they are two events."""
    story = index.get(story_id)
    if story.count < MIN_SPLIT or not _known(story):
        return None
    members = story.members
    vectors = np.stack([member.vector for member in members])
    weighted = [index.weighted(member.words) for member in members]
    similarity = vectors @ vectors.T
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            words = sum(value * weighted[j].get(word, 0.0) for word, value in weighted[i].items())
            similarity[i, j] += WORD_WEIGHT * words
            similarity[j, i] = similarity[i, j]
    distance = np.clip(similarity.max() - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), method="average"), 2, criterion="maxclust")
    keep = labels == labels[0]  # the part with the story's first member keeps the story
    if keep.all():
        return None
    first = [member for member, kept in zip(members, keep, strict=True) if kept]
    second = [member for member, kept in zip(members, keep, strict=True) if not kept]
    across = max(
        _mean_link(index, second, _state(first), model),
        _mean_link(index, first, _state(second), model),
    )
    if across >= SPLIT_THRESHOLD:
        return None
    return Move("split", story.id, None, tuple(member.article_id for member in second), across)
