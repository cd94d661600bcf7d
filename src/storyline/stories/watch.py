"""Following feeds: each round polls the feeds that are due, reads their new entries' pages and ingests
them into stories exactly as ``storyline ingest`` does (stories.service.ingest).

A round, in order:

1. every due feed is fetched (a conditional request when its ETag or Last-Modified is known: an
   unchanged feed costs that one request and nothing else), politely (sources.feeds.Polite: robots.txt,
   one request per host per second, retries with backoff), at most ``in_flight`` requests at once;
2. a feed that fails is recorded as failing and polled later and later (stories.feeds.next_poll),
   never dropped; one that answers has its entries read, and those not seen before are fetched;
3. the pages are fetched and ingested one by one in turn across the feeds (the first new entry of
   each feed, then the second of each, ...): so the pool's threads spread over the hosts rather than
   all wait for one host's turn (one request a second), and the stories do not depend on which page
   arrived first; each article in its own transaction, and then its entry is recorded as seen: a
   round killed at any point leaves whole articles only, and the next round fetches what is left
   (an article stored but not yet recorded is found "unchanged" by its canonical URL);
4. a feed's validators are kept only once all of its new entries are dealt with, so an entry that
   could not be fetched for now (a timeout, a 5xx) is tried again at the next poll.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import chain, zip_longest

from storyline.errors import InputError
from storyline.pipeline import Pipeline
from storyline.sources.feeds import FEED_TYPES, Entry, Polite, parse_feed
from storyline.sources.fetch import FetchError, Response, read_page
from storyline.stories.db import Store
from storyline.stories.feeds import EntryOutcome, FeedState
from storyline.stories.service import ingest
from storyline.types import Article, Problem

__all__ = ["DEFAULT_EVERY", "IN_FLIGHT", "RoundReport", "due", "watch_round"]

log = logging.getLogger(__name__)

DEFAULT_EVERY = timedelta(minutes=15)
#: Requests in flight at once, over all hosts (each host still gets one per second).
IN_FLIGHT = 8


@dataclass(slots=True)
class RoundReport:
    """What one round did."""

    polled: int = 0
    unchanged: int = 0
    failed_feeds: int = 0
    added: int = 0
    known: int = 0  # entries whose article was stored already (a duplicate, or the same page)
    failed_entries: int = 0
    stories: set[int] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)  # one line per failure
    requests: dict[str, int] = field(default_factory=dict)

    def line(self, number: int) -> str:
        """The round's one line."""
        return (
            f"round {number}: {self.polled} feeds polled ({self.unchanged} unchanged, {self.failed_feeds} failed), "
            f"{self.added} new articles, {len(self.stories)} stories touched, {self.failed_entries} entries failed; "
            f"{sum(self.requests.values())} requests"
        )


def _poll(polite: Polite, url: str, etag: str | None, last_modified: str | None) -> Response:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return polite.get(url, headers=headers, accept=FEED_TYPES, kind="feed")


def _read(polite: Polite, entry: Entry) -> Article:
    article = read_page(polite, entry.link)
    if article.published is None and entry.published:
        article = replace(article, published=entry.published)
    if not article.title and entry.title:
        article = replace(article, title=entry.title)
    return article


def watch_round(
    store: Store,
    state: FeedState,
    pipeline: Pipeline,
    polite: Polite,
    feeds: Sequence[str],
    *,
    every: timedelta = DEFAULT_EVERY,
    in_flight: int = IN_FLIGHT,
    progress: Callable[[int], object] | None = None,
    total: Callable[[int], object] | None = None,
) -> RoundReport:
    """Poll ``feeds`` once and ingest their new entries into ``store``.

    Args:
        store: the story database.
        state: its feed tables.
        pipeline: cleans, checks and describes the articles (as ingest).
        polite: fetches feeds and pages.
        feeds: the feed URLs to poll now (followed in ``state`` if they were not).
        every: the polling interval (sets each feed's next poll).
        in_flight: requests at once.
        progress: called with 1 per entry dealt with.
        total: called with the number of new entries once they are known.

    Returns:
        The round's counts and one message per failure.

    Raises:
        ModelLoadError: the models cannot be loaded.
        StoreError: the database cannot be written.
    """
    report = RoundReport()
    before = dict(polite.requests)
    state.add(feeds)
    pool = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="watch")
    try:
        rows = {url: state.feed(url) for url in feeds}
        polls = {
            url: pool.submit(_poll, polite, url, row.etag if row else None, row.last_modified if row else None)
            for url, row in rows.items()
        }
        fresh: list[list[tuple[str, Entry]]] = []  # each feed's new entries, in its order
        answers: dict[str, Response] = {}
        for url, poll in polls.items():
            report.polled += 1
            try:
                answer = poll.result()
                if answer.status == 304:
                    state.unchanged(url, every=every)
                    report.unchanged += 1
                    continue
                entries = parse_feed(url, answer.body, content_type=answer.headers.get("content-type", ""))
            except FetchError as error:
                state.failed(url, str(error), every=every)
                report.failed_feeds += 1
                report.messages.append(str(error))
                continue
            answers[url] = answer
            seen = state.seen(url)
            fresh.append([(url, entry) for entry in {e.key: e for e in entries if e.key not in seen}.values()])
        # In turn across the feeds: fetched in this order by the pool (measured by benchmarks.watch: feed
        # by feed, the threads all waited on one host and the round fetched about one page a second).
        turns = [item for item in chain.from_iterable(zip_longest(*fresh)) if item is not None]
        pages = [(url, entry, pool.submit(_read, polite, entry)) for url, entry in turns]
        if total is not None:
            total(len(pages))
        retry_later: set[str] = set()
        for url, entry, page in pages:
            if not _ingest_entry(store, state, pipeline, url, entry, page, report):
                retry_later.add(url)
            if progress is not None:
                progress(1)
    finally:
        # On an interrupt, the pages not fetched yet are dropped rather than waited for (they are
        # fetched again next time: their entries were not recorded).
        pool.shutdown(wait=True, cancel_futures=True)
    for url, answer in answers.items():
        state.succeeded(
            url,
            every=every,
            etag=answer.headers.get("etag"),
            last_modified=answer.headers.get("last-modified"),
            keep_validators=url not in retry_later,
        )
    made = {kind: count - before.get(kind, 0) for kind, count in polite.requests.items()}
    report.requests = {kind: count for kind, count in made.items() if count}
    return report


def _ingest_entry(
    store: Store,
    state: FeedState,
    pipeline: Pipeline,
    url: str,
    entry: Entry,
    page: Future[Article],
    report: RoundReport,
) -> bool:
    """Ingest one entry's page and record the entry; False when it failed for now and is to be tried again."""
    try:
        article = page.result()
    except InputError as error:
        report.failed_entries += 1
        report.messages.append(f"{error} (entry of {url})")
        if isinstance(error, FetchError) and error.retry:
            return False
        state.record_entry(url, entry.key, entry.link, "failed", message=str(error))
        return True
    problems: list[Problem] = []
    counts = ingest(store, pipeline, [article], problems=problems, batch_size=1)
    if not counts.results:
        message = problems[0].message if problems else f"{entry.link}: not usable as an article"
        report.failed_entries += 1
        report.messages.append(f"{message} (entry of {url})")
        state.record_entry(url, entry.key, entry.link, "failed", article_id=article.id, message=message)
        return True
    result = counts.results[0]
    if result.outcome in ("added", "near-duplicate"):
        report.added += 1
        if result.story is not None:
            report.stories.add(result.story)
        outcome: EntryOutcome = "stored"
    else:
        report.known += 1
        outcome = "duplicate" if result.outcome == "duplicate" else "unchanged"
    state.record_entry(url, entry.key, entry.link, outcome, article_id=article.id, story_id=result.story)
    return True


def due(state: FeedState, feeds: Sequence[str], now: datetime | None = None) -> list[str]:
    """Those of ``feeds`` whose next poll has come (or that were never polled)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    chosen = []
    for url in feeds:
        row = state.feed(url)
        if row is None or row.next_poll is None or row.next_poll <= stamp:
            chosen.append(url)
    return chosen
