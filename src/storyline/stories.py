"""Stories: ingest articles into a :class:`~storyline.store.Store` and summarize a story on demand.

A thin layer shared by the CLI (``storyline ingest/stories/story``) and the web API: clean and
check with the pipeline, describe with :func:`storyline.cluster.describe`, store with
:meth:`Store.add`, and summarize a story with ``Pipeline.summarize(compare=True)``, cached in the
store under the key of the story's article set, so a story's summary is current and made once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from storyline.cluster import article_day, describe
from storyline.pipeline import ArticleLike, Pipeline, as_articles
from storyline.render import summary_from_dict, summary_to_dict
from storyline.store import Added, Store, StoryRow
from storyline.types import Problem, Summary

__all__ = [
    "BATCH_SIZE",
    "MAX_SUMMARY_ARTICLES",
    "IngestCounts",
    "ingest",
    "story_key",
    "story_listing",
    "summarize_story",
]

log = logging.getLogger(__name__)

#: Articles described (models) and stored (one transaction) together.
BATCH_SIZE = 64
#: A story's summary reads its first this many articles that are not near-duplicates (a cluster of
#: 10 takes 5-7 s on 2 CPU cores; hundreds would take minutes and say little more).
MAX_SUMMARY_ARTICLES = 20
#: Part of every cache key: bump it when the summary of the same articles would change.
SUMMARY_VERSION = "1"


@dataclass(slots=True)
class IngestCounts:
    """What an ingest did: articles added (of them near-duplicates), exact duplicates, unchanged, skipped."""

    added: int = 0
    near_duplicates: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0
    new_stories: int = 0
    results: list[Added] = field(default_factory=list)

    def count(self, result: Added) -> None:
        """Count one article's outcome."""
        self.results.append(result)
        if result.outcome in ("added", "near-duplicate"):
            self.added += 1
            self.near_duplicates += result.outcome == "near-duplicate"
            self.new_stories += result.new_story
        elif result.outcome == "duplicate":
            self.duplicates += 1
        else:
            self.unchanged += 1


def ingest(
    store: Store,
    pipeline: Pipeline,
    articles: Iterable[ArticleLike],
    *,
    problems: list[Problem] | None = None,
    progress: Callable[[int], object] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestCounts:
    """Clean, check, describe and store articles in batches; each joins a story or starts one.

    Unusable articles are skipped (a :class:`Problem` each); articles already stored are left
    as they are, so ingesting the same input again changes nothing.

    Args:
        store: the story store.
        pipeline: holds the config and the models.
        articles: Articles (as read), article records or texts.
        problems: receives one Problem per skipped or altered article.
        progress: called with the number of articles done after each batch.
        batch_size: articles per batch (one store transaction each).

    Returns:
        The counts, and one result per stored or recognised article.

    Raises:
        StoreError: the database cannot be written.
    """
    found: list[Problem] = problems if problems is not None else []
    counts = IngestCounts()
    given = as_articles(articles)
    for start in range(0, len(given), batch_size):
        batch = given[start : start + batch_size]
        # Dated before cleaning: the cleaner drops a page's dateline line ("March 11, 2026").
        days = {article.id: article_day(article) for article in batch}
        usable = []
        for article in batch:
            # One at a time: a second copy inside a batch is then found by the store (a
            # "duplicate" of the stored one, with its story) rather than dropped by prepare.
            before = len(found)
            usable.extend(pipeline.prepare([article], on_error="skip", problems=found))
            counts.skipped += sum(problem.skipped for problem in found[before:])
        known = store.known(usable)
        fresh = [article for article in usable if article.id not in known]
        # An article with no date of its own is taken as news of the day it arrives (a live feed).
        today = datetime.now(UTC).date()
        signals = [
            replace(signal, day=signal.day or today)
            for signal in (
                describe(fresh, pipeline.nlp, pipeline.encoder, days=[days.get(a.id) for a in fresh]) if fresh else []
            )
        ]
        stored = {result.article_id: result for result in store.add(fresh, signals)} if fresh else {}
        for article in usable:
            counts.count(known.get(article.id) or stored[article.id])
        if progress is not None:
            progress(len(batch))
    log.info(
        "ingested %d articles (%d near-duplicates, %d new stories), %d duplicates, %d unchanged, %d skipped",
        counts.added,
        counts.near_duplicates,
        counts.new_stories,
        counts.duplicates,
        counts.unchanged,
        counts.skipped,
    )
    return counts


def story_key(article_ids: Iterable[str], pipeline: Pipeline) -> str:
    """The cache key of a story's summary: its article set and the settings that shape the summary."""
    config = pipeline.config
    parts = [SUMMARY_VERSION, str(config.words), str(config.sentences), config.selector, *sorted(article_ids)]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()


def summarize_story(store: Store, pipeline: Pipeline, story_id: int) -> Summary | None:
    """The story's summary with its comparison (from the cache when its articles have not changed).

    Returns:
        The summary, or None when there is no such story.

    Raises:
        InputError: none of the story's articles can be summarized.
    """
    row = store.story(story_id)
    if row is None:
        return None
    chosen = [article_id for article_id in row.articles if article_id not in row.near_duplicates]
    chosen = chosen[:MAX_SUMMARY_ARTICLES] or list(row.articles[:MAX_SUMMARY_ARTICLES])
    key = story_key(chosen, pipeline)
    cached = store.cached_summary(story_id, key)
    if cached is not None:
        return summary_from_dict(json.loads(cached))
    wanted = set(chosen)
    articles = [article for article in store.articles(story_id) if article.id in wanted]
    summary = pipeline.summarize(articles, on_error="skip", compare=True)
    store.save_summary(story_id, key, json.dumps(summary_to_dict(summary), ensure_ascii=False))
    return summary


def story_listing(row: StoryRow) -> dict[str, Any]:
    """A story as listed by GET /stories and ``storyline stories --format json``."""
    return {
        "id": row.id,
        "title": row.title,
        "articles": list(row.articles),
        "sources": list(row.sources),
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
    }
