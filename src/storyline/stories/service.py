"""Stories: ingest articles into a :class:`~storyline.stories.db.Store` and summarize a story on demand.

A thin layer shared by the CLI (``storyline ingest/stories/story``) and the web API: clean and
check with the pipeline, describe with :func:`storyline.stories.index.describe` (in this process or
on a runner's workers, storyline.runners), store with :meth:`Store.add`, and summarize a story with
``Pipeline.summarize(compare=True)``, cached in the store under :func:`story_key` (the story's
articles, the settings and the tuned constants), so a story's summary is current and made once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from typing import Any

from storyline.codec import summary_from_dict, summary_to_dict
from storyline.config import Config
from storyline.pipeline import Pipeline, constants_version
from storyline.records import ArticleLike, as_articles
from storyline.runners import Engine, make_runner
from storyline.stories.db import Added, Store, StoryRow
from storyline.stories.index import Signal, article_day, describe
from storyline.types import Article, Problem, Summary

__all__ = [
    "BATCH_SIZE",
    "MAX_SUMMARY_ARTICLES",
    "Described",
    "IngestCounts",
    "cached_story_summary",
    "describe_inputs",
    "ingest",
    "ingest_described",
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
#: Part of every cache key: bump it when the code that summarizes changes what it makes of the same
#: articles under the same settings (the settings and the tuned constants are in the key themselves).
SUMMARY_VERSION = "2"
#: Config fields that cannot change a story's summary, so they stay out of its cache key: whether a
#: model may be downloaded (not which model is used), ``compare`` (a story's summary always
#: carries its comparison) and ``clustering`` (it decides which articles a story has, and the
#: article set is in the key itself). Every other field is in the key. ``embedding_backend`` stays in it: the
#: onnxruntime and torch vectors differ (by up to 3e-7 a component, issue 37), so a similarity at a
#: threshold, or a tie in the selector's integer program, can fall the other way; a story's summary
#: is made again once after a switch, rather than served from vectors it was not made with.
NOT_IN_KEY = frozenset({"local_files_only", "compare", "clustering"})


@dataclass(slots=True)
class IngestCounts:
    """What an ingest did: articles added (of them near-duplicates), exact duplicates, unchanged, skipped."""

    added: int = 0
    near_duplicates: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0
    new_stories: int = 0
    merged: int = 0  # stories merged into another by the second look after a batch
    split: int = 0  # stories split in two by it
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
        elif result.outcome == "furniture":  # page text recurring across inputs: skipped, as the checks skip
            self.skipped += 1
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
    engine: Engine = "local",
    address: str | None = None,
    workers: int | None = None,
) -> IngestCounts:
    """Clean, check, describe and store articles in batches; each joins a story or starts one.

    Unusable articles are skipped (a :class:`Problem` each); articles already stored are left
    as they are, so ingesting the same input again changes nothing.

    With ``engine="ray"`` the cleaning, checking and describing (the models) of each batch run on
    Ray actors, each building its own Pipeline from ``pipeline.config`` and loading the models
    once, while this process stores the batches one by one in input order, exactly as the local
    engine does: placing an article in a story depends on every article placed before it, and
    all of them go into one SQLite file, so that part stays sequential. The stored result is the
    same as with the local engine.

    Args:
        store: the story store.
        pipeline: holds the config and the models (with Ray, only the config is used).
        articles: Articles (as read), article records or texts.
        problems: receives one Problem per skipped or altered article.
        progress: called with the number of articles done after each batch.
        batch_size: articles per batch (one store transaction, and one Ray task, each).
        engine: "local" (this process) or "ray" (Ray actors).
        address: with ``engine="ray"``, the Ray cluster to join; None starts a local one.
        workers: with ``engine="ray"``, the actors (default: one per CPU of the cluster).

    Returns:
        The counts, and one result per stored or recognised article.

    Raises:
        ConfigError: an unknown engine, ``address`` or ``workers`` without Ray, or Ray asked for
            but not installed or its cluster not reachable.
        ModelLoadError: the models cannot be loaded.
        StoreError: the database cannot be written.
    """
    runner = make_runner(engine, pipeline, workers=workers, address=address, pool=False)
    found: list[Problem] = problems if problems is not None else []
    counts = IngestCounts()
    given = as_articles(articles)
    batches = [given[start : start + batch_size] for start in range(0, len(given), batch_size)]
    # Workers elsewhere (Ray actors) describe the articles, the models' work, told which are stored
    # already; in this process, describing waits for the store to say which are new (exact copies of
    # stored articles are then never described).
    remote = engine == "ray"
    sent = (
        _Batch(tuple(batch), frozenset(store.stored_ids(article.id for article in batch)) if remote else None)
        for batch in batches
    )
    prepared = runner.map(_prepare, sent, label="ingest")
    with contextlib.closing(prepared):
        for batch, ready in zip(batches, prepared, strict=True):
            _store(store, pipeline, ready, counts, found)
            if progress is not None:
                progress(len(batch))
    _log_counts(counts)
    return counts


def _log_counts(counts: IngestCounts) -> None:
    log.info(
        "ingested %d articles (%d near-duplicates, %d new stories), %d duplicates, %d unchanged, %d skipped; "
        "%d stories merged, %d split",
        counts.added,
        counts.near_duplicates,
        counts.new_stories,
        counts.duplicates,
        counts.unchanged,
        counts.skipped,
        counts.merged,
        counts.split,
    )


@dataclass(frozen=True, slots=True)
class Described:
    """One input article cleaned, checked and described: what ingest needs of it besides the store."""

    article: Article  # as given
    usable: Article | None  # cleaned, or None when the checks skipped it
    day: date | None  # its publication day, read before cleaning
    problems: tuple[Problem, ...]
    signal: Signal | None  # None when skipped


def describe_inputs(
    pipeline: Pipeline, articles: Iterable[ArticleLike], *, batch_size: int = BATCH_SIZE
) -> list[Described]:
    """Clean, check and describe each article as :func:`ingest` does, without storing anything.

    Each article's description depends on it alone (not on the order or the batch it comes in),
    so a stream described once can be stored in several orders with :func:`ingest_described`,
    as a benchmark of arrival orders does.
    """
    given = as_articles(articles)
    described: list[Described] = []
    for start in range(0, len(given), batch_size):
        batch = given[start : start + batch_size]
        ready = [_prepare(pipeline, _Batch((article,), None)) for article in batch]
        usable = [(item.usable[0], item.days[0]) for item in ready if item.usable]
        signals = iter(_describe(pipeline, [article for article, _ in usable], [day for _, day in usable]))
        for article, item in zip(batch, ready, strict=True):
            day = item.days[0] if item.usable else article_day(article)
            usable_article = item.usable[0] if item.usable else None
            signal = next(signals) if usable_article is not None else None
            described.append(Described(article, usable_article, day, item.problems, signal))
    return described


def ingest_described(
    store: Store,
    pipeline: Pipeline,
    described: Iterable[Described],
    *,
    problems: list[Problem] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestCounts:
    """Store articles described by :func:`describe_inputs`, in the order given, exactly as :func:`ingest` would.

    The batches go through the same storing step as ingest's (the one the Ray engine's described
    batches go through), so the stories are those a real ingest of the same inputs in the same
    order makes.
    """
    found: list[Problem] = problems if problems is not None else []
    counts = IngestCounts()
    items = list(described)
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        kept = [item for item in batch if item.usable is not None]
        ready = _Prepared(
            tuple(item.usable for item in kept if item.usable is not None),
            tuple(item.day for item in kept),
            tuple(problem for item in batch for problem in item.problems),
            tuple(item.signal for item in kept),
        )
        _store(store, pipeline, ready, counts, found)
    _log_counts(counts)
    return counts


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One batch cleaned and checked: the usable articles (and, from Ray, their signals)."""

    usable: tuple[Article, ...]
    days: tuple[date | None, ...]  # publication days, read before cleaning, one per usable article
    problems: tuple[Problem, ...]
    # One per usable article, None for those the actor was told are stored; None when not described yet.
    signals: tuple[Signal | None, ...] | None = None


@dataclass(frozen=True, slots=True)
class _Batch:
    """One batch of articles on its way to a worker, and the ids of those already stored (None: do
    not describe, only clean and check)."""

    articles: tuple[Article, ...]
    stored: frozenset[str] | None


def _prepare(pipeline: Pipeline, batch: _Batch) -> _Prepared:
    """Clean and check a batch, and describe its usable articles that are not stored yet (when asked to).

    Raises:
        ModelLoadError: the models cannot be loaded.
    """
    # Dated before cleaning: the cleaner drops a page's dateline line ("March 11, 2026").
    days = {article.id: article_day(article) for article in batch.articles}
    usable: list[Article] = []
    found: list[Problem] = []
    for article in batch.articles:
        # One at a time: a second copy inside a batch is then found by the store (a
        # "duplicate" of the stored one, with its story) rather than dropped by prepare.
        usable.extend(pipeline.prepare([article], on_error="skip", problems=found))
    ready = _Prepared(tuple(usable), tuple(days.get(article.id) for article in usable), tuple(found))
    if batch.stored is None:
        return ready
    wanted = [index for index, article in enumerate(ready.usable) if article.id not in batch.stored]
    made = _describe(pipeline, [ready.usable[i] for i in wanted], [ready.days[i] for i in wanted])
    signals: list[Signal | None] = [None] * len(ready.usable)
    for index, signal in zip(wanted, made, strict=True):
        signals[index] = signal
    return replace(ready, signals=tuple(signals))


def _describe(pipeline: Pipeline, articles: Sequence[Article], days: Sequence[date | None]) -> list[Signal]:
    """The signals of cleaned articles (the models), in order; none for none."""
    return describe(articles, pipeline.nlp, pipeline.encoder, days=days) if articles else []


def _store(store: Store, pipeline: Pipeline, ready: _Prepared, counts: IngestCounts, found: list[Problem]) -> None:
    """Store one prepared batch (one transaction) and count what became of each article."""
    found.extend(ready.problems)
    counts.skipped += sum(problem.skipped for problem in ready.problems)
    known = store.known(ready.usable)
    fresh = [index for index, article in enumerate(ready.usable) if article.id not in known]
    given = [ready.signals[index] for index in fresh] if ready.signals is not None else [None] * len(fresh)
    # Described here: every fresh article (local engine), or one the actor was told was stored
    # but is not (never so far: ids are not removed; kept so that a change there stays correct).
    missing = [index for index, signal in zip(fresh, given, strict=True) if signal is None]
    made = iter(_describe(pipeline, [ready.usable[i] for i in missing], [ready.days[i] for i in missing]))
    raw = [signal if signal is not None else next(made) for signal in given]
    # An article with no date of its own is taken as news of the day it arrives (a live feed),
    # marked undated: the clustering then asks more of its words (stories.index.UNDATED_JOIN_THRESHOLD).
    today = datetime.now(UTC).date()
    signals = [signal if signal.dated else replace(signal, day=signal.day or today, undated=True) for signal in raw]
    articles = [ready.usable[index] for index in fresh]
    stored: dict[str, Added] = {}
    if articles:
        stored = {
            result.article_id: result for result in store.add(articles, signals, clustering=pipeline.config.clustering)
        }
        counts.merged += sum(move.kind == "merge" for move in store.last_moves)
        counts.split += sum(move.kind == "split" for move in store.last_moves)
    for article in ready.usable:
        result = known.get(article.id) or stored[article.id]
        if result.outcome == "furniture":
            found.append(
                Problem(
                    article.origin or article.id,
                    "check",
                    f"{article.origin or article.id}: this is page furniture, not a news article: "
                    f"{result.recurring:.0%} of its words are sentences that other inputs had word for word; "
                    "give the article's own text",
                )
            )
        counts.count(result)


def story_key(article_ids: Iterable[str], config: Config) -> str:
    """The cache key of a story's summary: its article set, every setting that shapes the summary (the
    models, the precision, the cleaning, the budget, the selector, ...: all of ``config`` but
    :data:`NOT_IN_KEY`) and the version of the code and of its tuned constants.

    So a server started with another model, budget or Storyline makes a story's summary again
    rather than serving one made under other settings.
    """
    settings = {item.name: getattr(config, item.name) for item in fields(config) if item.name not in NOT_IN_KEY}
    parts = [
        SUMMARY_VERSION,
        constants_version(),
        json.dumps(settings, sort_keys=True),
        *sorted(article_ids),
    ]
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
    key = _summary_key(row, pipeline.config)
    cached = store.cached_summary(story_id, key)
    if cached is not None:
        return summary_from_dict(json.loads(cached))
    summary = pipeline.summarize(story_articles(store, row), on_error="skip", compare=True)
    store.save_summary(story_id, key, json.dumps(summary_to_dict(summary), ensure_ascii=False))
    return summary


def cached_story_summary(store: Store, config: Config, row: StoryRow) -> tuple[Summary, bool] | None:
    """The story's cached summary without making one (no models), and whether it is current: a stale
    one was made before articles joined the story or under other settings. None when none is cached.
    """
    current = store.cached_summary(row.id, _summary_key(row, config))
    cached = current if current is not None else store.cached_summary(row.id)
    if cached is None:
        return None
    return summary_from_dict(json.loads(cached)), current is not None


def summary_is_current(store: Store, config: Config, row: StoryRow) -> bool:
    """Whether the story's summary as its articles are now is stored (no models, nothing parsed)."""
    return store.cached_summary(row.id, _summary_key(row, config)) is not None


def story_articles(store: Store, row: StoryRow) -> list[Article]:
    """The stored articles a story's summary reads (its first ones that are not near-duplicates, at
    most :data:`MAX_SUMMARY_ARTICLES`), in ingest order: what a page shows while the summary is made."""
    wanted = set(_chosen(row))
    return [article for article in store.articles(row.id) if article.id in wanted]


def _chosen(row: StoryRow) -> list[str]:
    """The articles a story's summary reads: its first ones that are not near-duplicates."""
    chosen = [article_id for article_id in row.articles if article_id not in row.near_duplicates]
    return chosen[:MAX_SUMMARY_ARTICLES] or list(row.articles[:MAX_SUMMARY_ARTICLES])


def _summary_key(row: StoryRow, config: Config) -> str:
    """The cache key of a story's summary as its articles are now (:func:`story_key`)."""
    return story_key(_chosen(row), config)


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
