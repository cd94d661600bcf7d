"""The feeds ``storyline watch`` follows, in the story database's own file: each feed's validators
(ETag, Last-Modified), health (last success, failures in a row, the last error), when it is due, and
every entry seen with what became of it, so a restarted watch goes on where it stopped.

Its own SQLite connection to the file (WAL mode, as the Store's), on the tables the Store's feeds
migration made; it knows nothing of articles or stories beyond the ids it is told.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from storyline.stories.db import Store

__all__ = ["EntryOutcome", "FeedRow", "FeedState", "next_poll"]

EntryOutcome = Literal["stored", "duplicate", "unchanged", "failed"]
#: A feed failing n times in a row waits ``every * 2**n`` before its next poll (n at most this), never
#: more than MAX_BACKOFF: slowed, never dropped.
MAX_DOUBLINGS = 6
MAX_BACKOFF = timedelta(hours=24)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def next_poll(now: datetime, every: timedelta, failures: int) -> datetime:
    """When a feed is polled next: after ``every``, doubled per failure in a row (up to a day)."""
    wait = every * 2 ** min(failures, MAX_DOUBLINGS) if failures else every
    return now + min(wait, max(MAX_BACKOFF, every))


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One feed's state."""

    id: int  # the row's id (DELETE /feeds/{id})
    url: str
    etag: str | None
    last_modified: str | None
    last_polled: str | None
    last_success: str | None
    last_error: str | None
    failures: int
    next_poll: str | None
    entries_seen: int
    articles_stored: int

    def as_dict(self) -> dict[str, Any]:
        """The feed's health as JSON (GET /feeds)."""
        return {
            "id": self.id,
            "url": self.url,
            "ok": self.failures == 0 and self.last_success is not None,
            "last_polled": self.last_polled,
            "last_success": self.last_success,
            "failures": self.failures,
            "last_error": self.last_error,
            "next_poll": self.next_poll,
            "entries_seen": self.entries_seen,
            "articles_stored": self.articles_stored,
        }


_COLUMNS = (
    "rowid, url, etag, last_modified, last_polled, last_success, last_error, failures, next_poll, entries_seen,"
    " articles_stored"
)


class FeedState:
    """The feed tables of a story database (opened after the Store, which creates them)."""

    def __init__(self, store: Store) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(store.path, timeout=60.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 60000")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> FeedState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, values: tuple[object, ...]) -> None:
        with self._lock:
            self._db.execute(sql, values)  # one statement: its own transaction

    def add(self, urls: Iterable[str], *, now: datetime | None = None) -> None:
        """Follow these feeds (those followed already are left as they are)."""
        stamp = _iso(now or datetime.now(UTC))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for url in urls:
                    self._db.execute("INSERT OR IGNORE INTO feeds (url, added_at) VALUES (?, ?)", (url, stamp))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def follow(self, url: str, *, limit: int, now: datetime | None = None) -> tuple[FeedRow, bool] | None:
        """Follow one feed (a feed added over HTTP): its row and whether it is new, or None when ``limit``
        feeds are followed already and it is not one of them."""
        stamp = _iso(now or datetime.now(UTC))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
                added = row is None
                if added:
                    (count,) = self._db.execute("SELECT count(*) FROM feeds").fetchone()
                    if count >= limit:
                        self._db.execute("ROLLBACK")
                        return None
                    self._db.execute("INSERT INTO feeds (url, added_at) VALUES (?, ?)", (url, stamp))
                    row = self._db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return FeedRow(*row), added

    def remove(self, feed_id: int) -> bool:
        """Stop following a feed, forgetting its entries (its articles stay in their stories); False when
        no feed has this id. A watch in the middle of a round finishes the entries it has in hand."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = self._db.execute("SELECT url FROM feeds WHERE rowid = ?", (feed_id,)).fetchone()
                if found is not None:
                    self._db.execute("DELETE FROM feed_entries WHERE feed_url = ?", found)
                    self._db.execute("DELETE FROM feeds WHERE rowid = ?", (feed_id,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return found is not None

    def feeds(self) -> list[FeedRow]:
        """Every feed followed, in the order they were added."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY added_at, rowid").fetchall()
        return [FeedRow(*row) for row in rows]

    def feed(self, url: str) -> FeedRow | None:
        """One feed's state, or None."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
        return FeedRow(*row) if row else None

    def seen(self, url: str) -> set[str]:
        """The keys of the feed's entries dealt with for good (stored, known, or failed beyond retrying)."""
        with self._lock:
            rows = self._db.execute("SELECT key FROM feed_entries WHERE feed_url = ?", (url,)).fetchall()
        return {str(row[0]) for row in rows}

    def record_entry(
        self,
        url: str,
        key: str,
        link: str,
        outcome: EntryOutcome,
        *,
        article_id: str | None = None,
        story_id: int | None = None,
        message: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Remember what became of one entry (after its article was stored, if it was)."""
        stamp = _iso(now or datetime.now(UTC))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # Nothing is recorded for a feed no longer followed (removed over HTTP during the round).
                self._db.execute(
                    "INSERT OR REPLACE INTO feed_entries (feed_url, key, link, outcome, article_id, story_id, message,"
                    " seen_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM feeds WHERE url = ?)",
                    (url, key, link, outcome, article_id, story_id, message, stamp, url),
                )
                self._db.execute(
                    "UPDATE feeds SET entries_seen = entries_seen + 1, articles_stored = articles_stored + ?"
                    " WHERE url = ?",
                    (int(outcome == "stored"), url),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def succeeded(
        self,
        url: str,
        *,
        every: timedelta,
        etag: str | None,
        last_modified: str | None,
        keep_validators: bool,
        now: datetime | None = None,
    ) -> None:
        """A poll that worked (a 304 included). The validators are kept only when every entry of the
        answer was dealt with: otherwise the next poll must fetch the feed again, not hear "unchanged"."""
        moment = now or datetime.now(UTC)
        validators = (etag, last_modified) if keep_validators else (None, None)
        self._write(
            "UPDATE feeds SET etag = ?, last_modified = ?, last_polled = ?, last_success = ?, last_error = NULL,"
            " failures = 0, next_poll = ? WHERE url = ?",
            (*validators, _iso(moment), _iso(moment), _iso(next_poll(moment, every, 0)), url),
        )

    def unchanged(self, url: str, *, every: timedelta, now: datetime | None = None) -> None:
        """A poll answered 304 Not Modified: the validators stay."""
        moment = now or datetime.now(UTC)
        self._write(
            "UPDATE feeds SET last_polled = ?, last_success = ?, last_error = NULL, failures = 0, next_poll = ?"
            " WHERE url = ?",
            (_iso(moment), _iso(moment), _iso(next_poll(moment, every, 0)), url),
        )

    def failed(self, url: str, message: str, *, every: timedelta, now: datetime | None = None) -> None:
        """A poll that failed: one more failure in a row, and the next poll later."""
        moment = now or datetime.now(UTC)
        row = self.feed(url)
        failures = (row.failures if row else 0) + 1
        self._write(
            "UPDATE feeds SET last_polled = ?, last_error = ?, failures = ?, next_poll = ? WHERE url = ?",
            (_iso(moment), message, failures, _iso(next_poll(moment, every, failures)), url),
        )
